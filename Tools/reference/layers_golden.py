#!/usr/bin/env python3
"""Golden values for the NeuralNet layers and the LeNet-5 reference model, from PyTorch.

Writes two Swift fixtures (JSON inside a raw string literal, so the tests need no resources
and Python never runs in CI):

- Packages/NeuralNet/Tests/NeuralNetTests/LayersGoldenFixture.swift: for every case, the
  input, the parameters, an output gradient, and PyTorch's output, input gradient and
  parameter gradients (plus batch-norm running statistics and inference outputs).
- Tests/ImageModelsTests/LeNet5GoldenFixture.swift: the logits of LeNet-5 (ReLU/max and
  tanh/average variants) for weights and inputs that both sides generate with the same
  integer formula, so the fixture holds only the expected outputs.

Every float32 is printed with 9 significant digits, which round-trips exactly.
Run from the repository root: python3 Tools/reference/layers_golden.py
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden_support import write_fixture

torch.manual_seed(20260521)
torch.set_default_dtype(torch.float32)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tensors = {}


def put(name, t):
    t = t.detach().to(torch.float32).contiguous()
    tensors[name] = {
        "shape": list(t.shape),
        "data": [float("%.9g" % v) for v in t.reshape(-1).tolist()],
    }


def run(case, module, x, train=True, record_parameters=True):
    """Forward + backward of `module` on `x` with a random output gradient; records all."""
    module.train(train)
    x = x.clone().requires_grad_(True)
    y = module(x)
    gy = torch.randn_like(y)
    y.backward(gy)
    put(f"{case}.input", x)
    put(f"{case}.output", y)
    put(f"{case}.outputGradient", gy)
    put(f"{case}.inputGradient", x.grad)
    for name, p in module.named_parameters():
        if record_parameters:
            put(f"{case}.param.{name}", p)
        put(f"{case}.grad.{name}", p.grad)
    return y


# Linear
for case, bias in [("linear", True), ("linear_nobias", False)]:
    m = nn.Linear(5, 3, bias=bias)
    run(case, m, torch.randn(4, 5))

# Conv2d
conv_cases = [
    # name, in, out, kernel, stride, padding, dilation, bias, input shape
    ("conv_same", 3, 4, 3, 1, 1, 1, True, (2, 3, 5, 5)),
    ("conv_stride2", 2, 3, (3, 2), 2, (1, 0), 1, True, (2, 2, 7, 7)),
    ("conv_dilation2", 2, 2, 3, 1, 2, 2, False, (1, 2, 8, 8)),
    ("conv_1x1_stride2", 4, 3, 1, 2, 0, 1, True, (2, 4, 5, 5)),
]
for name, cin, cout, k, s, p, d, bias, shape in conv_cases:
    m = nn.Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, bias=bias)
    run(name, m, torch.randn(*shape))


class SumPool(nn.Module):
    def __init__(self, k, s, p, ceil_mode=False):
        super().__init__()
        self.args = (k, s, p, ceil_mode)

    def forward(self, x):
        k, s, p, c = self.args
        return F.avg_pool2d(x, k, s, p, ceil_mode=c, divisor_override=1)


pool_cases = [
    ("maxpool_k2", nn.MaxPool2d(2), (2, 3, 4, 6)),
    ("maxpool_k3_s2_p1", nn.MaxPool2d(3, 2, 1), (1, 2, 7, 7)),
    ("maxpool_k3_s2_ceil", nn.MaxPool2d(3, 2, ceil_mode=True), (1, 2, 8, 8)),
    ("avgpool_k3_s2_p1", nn.AvgPool2d(3, 2, 1), (1, 2, 7, 7)),
    ("avgpool_k3_s2_p1_excl", nn.AvgPool2d(3, 2, 1, count_include_pad=False), (1, 2, 7, 7)),
    ("avgpool_k2_ceil", nn.AvgPool2d(2, ceil_mode=True), (2, 2, 5, 5)),
    ("sumpool_k2_s1", SumPool(2, 1, 0), (1, 2, 4, 5)),
    ("sumpool_k3_s2_p1", SumPool(3, 2, 1), (1, 2, 7, 7)),
]
for name, m, shape in pool_cases:
    run(name, m, torch.randn(*shape))


class GlobalAvgPool(nn.Module):
    def forward(self, x):
        return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)


run("globalavgpool", GlobalAvgPool(), torch.randn(2, 3, 4, 5))
run("flatten", nn.Flatten(), torch.randn(2, 3, 2, 2))

# Activations
run("relu", nn.ReLU(), torch.randn(3, 4))
run("leakyrelu", nn.LeakyReLU(0.2), torch.randn(3, 4))
run("tanh", nn.Tanh(), torch.randn(3, 4) * 2)
run("sigmoid", nn.Sigmoid(), torch.randn(3, 4) * 2)
run("softmax", nn.Softmax(dim=-1), torch.randn(3, 5))
run("softmax_axis1", nn.Softmax(dim=1), torch.randn(2, 3, 4))


def randomize_bn(bn):
    with torch.no_grad():
        bn.weight.copy_(torch.rand_like(bn.weight) + 0.5)
        bn.bias.copy_(torch.randn_like(bn.bias) * 0.5)


def put_buffers(case, module):
    for name, b in module.named_buffers():
        put(f"{case}.buffer.{name}", b.float())


# Batch norm: a training step (forward + backward), a second training forward, the running
# statistics after each, then an inference forward.
bn_cases = [
    ("batchnorm2d", nn.BatchNorm2d(3), (4, 3, 3, 3)),
    ("batchnorm2d_cumulative", nn.BatchNorm2d(2, momentum=None), (3, 2, 2, 3)),
    ("batchnorm1d", nn.BatchNorm1d(4), (6, 4)),
    ("batchnorm1d_seq", nn.BatchNorm1d(2, momentum=0.3, eps=1e-3), (3, 2, 5)),
]
for name, m, shape in bn_cases:
    randomize_bn(m)
    run(name, m, torch.randn(*shape) * 2 + 1)
    put_buffers(f"{name}.step1", m)
    x2 = torch.randn(*shape) * 1.5 - 0.5
    put(f"{name}.input2", x2)
    with torch.no_grad():
        m.train()
        put(f"{name}.output2", m(x2))
    put_buffers(f"{name}.step2", m)
    x3 = torch.randn(*shape)
    m.eval()
    with torch.no_grad():
        put(f"{name}.input3", x3)
        put(f"{name}.output3", m(x3))


# Residual blocks, as torchvision's BasicBlock with the shortcut named as in the common
# PyTorch CIFAR ResNet (`shortcut`: option A is a parameterless lambda, option B a Sequential).
class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, option):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.option = option
        self.cin, self.cout, self.stride = cin, cout, stride
        if option == "B":
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.option == "identity":
            side = x
        elif self.option == "A":
            extra = self.cout - self.cin
            side = F.pad(x[:, :, ::self.stride, ::self.stride],
                         (0, 0, 0, 0, extra // 2, extra - extra // 2))
        else:
            side = self.shortcut(x)
        return F.relu(out + side)


residual_cases = [
    ("residual_identity", 3, 3, 1, "identity", (2, 3, 4, 4)),
    ("residual_zeropad", 2, 4, 2, "A", (2, 2, 6, 6)),
    ("residual_zeropad_odd", 2, 5, 2, "A", (2, 2, 5, 3)),
    ("residual_projection", 2, 4, 2, "B", (2, 2, 6, 6)),
]
for name, cin, cout, stride, option, shape in residual_cases:
    m = BasicBlock(cin, cout, stride, option)
    for bn in [m.bn1, m.bn2] + ([m.shortcut[1]] if option == "B" else []):
        randomize_bn(bn)
    for key, b in m.state_dict().items():
        if "running" in key or "num_batches" in key:
            put(f"{name}.state.{key}", b.float())
        else:
            put(f"{name}.state.{key}", b)
    run(name, m, torch.randn(*shape), record_parameters=False)
    put_buffers(f"{name}.after", m)


write_fixture(
    os.path.join(ROOT, "Packages/NeuralNet/Tests/NeuralNetTests/LayersGoldenFixture.swift"),
    "LayersGoldenFixture", os.path.basename(__file__), "layer forward and backward golden values",
    tensors)


# LeNet-5 as in the PyTorch tutorials, with the state-dict names the Swift model uses.
class LeNet5(nn.Module):
    def __init__(self, activation="relu", pooling="max"):
        super().__init__()
        act = nn.ReLU if activation == "relu" else nn.Tanh
        pool = nn.MaxPool2d if pooling == "max" else nn.AvgPool2d
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), act(), pool(2),
            nn.Conv2d(6, 16, 5), act(), pool(2))
        self.classifier = nn.Sequential(
            nn.Linear(16 * 5 * 5, 120), act(), nn.Linear(120, 84), act(), nn.Linear(84, 10))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def formula_values(count, index, scale, offset):
    """((i·7919 + index·104729 + 1) mod 10007) / 10007 − offset, times scale, in float64."""
    return torch.tensor(
        [(((i * 7919 + index * 104729 + 1) % 10007) / 10007.0 - offset) * scale
         for i in range(count)], dtype=torch.float64).to(torch.float32)


def deterministic_weights(model):
    """Weights in ±1/√fanIn from the integer formula (bias uses its layer's weight fan-in)."""
    fan_in = 1
    with torch.no_grad():
        for index, (name, p) in enumerate(model.named_parameters()):
            if name.endswith("weight"):
                fan_in = math.prod(p.shape[1:])
            values = formula_values(p.numel(), index, 2.0 / math.sqrt(fan_in), 0.5)
            p.copy_(values.reshape(p.shape))


lenet = {}
model = LeNet5()
assert sum(p.numel() for p in model.parameters()) == 61706
lenet["names"] = [name for name, _ in model.named_parameters()]
lenet["counts"] = [p.numel() for _, p in model.named_parameters()]
x = formula_values(2 * 28 * 28, 1000, 1.0, 0.0).reshape(2, 1, 28, 28)
for activation, pooling in [("relu", "max"), ("tanh", "avg")]:
    model = LeNet5(activation, pooling).eval()
    deterministic_weights(model)
    with torch.no_grad():
        y = model(x)
    lenet[f"{activation}_{pooling}"] = [float("%.9g" % v) for v in y.reshape(-1).tolist()]

write_fixture(
    os.path.join(ROOT, "Tests/ImageModelsTests/LeNet5GoldenFixture.swift"),
    "LeNet5GoldenFixture", os.path.basename(__file__),
    "LeNet-5 logits for formula weights and inputs", lenet)
