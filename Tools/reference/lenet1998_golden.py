#!/usr/bin/env python3
"""Golden values for the layers of LeNet-5 as published (LeCun et al., 1998), from PyTorch.

Writes Packages/NeuralNet/Tests/NeuralNetTests/LeNet1998LayersGoldenFixture.swift: for every
case the input, the parameters (and the RBF prototypes), an output gradient, and PyTorch's
output, input gradient and parameter gradients, in the format of layers_golden.py.

- subsampling: F.avg_pool2d(x, 2, divisor_override=1) * weight + bias, per map;
- partial_conv: nn.Conv2d(6, 16, 5) whose weight is a masked scatter of the 60 stored 5x5
  kernels of Table I (gradients gathered back from the dense weight's);
- scaled_tanh: 1.7159 * tanh(2x/3);
- rbf / rbf_negated: ((x[:, None, :] - w[None]) ** 2).sum(-1), and its negation.

Run from the repository root: python3 Tools/reference/lenet1998_golden.py
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden_support import write_fixture

torch.manual_seed(19981101)
torch.set_default_dtype(torch.float32)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tensors = {}

TABLE_I = [
    [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5],
    [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5],
    [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
    [0, 1, 2, 3, 4, 5],
]


def put(name, t):
    t = t.detach().to(torch.float32).contiguous()
    tensors[name] = {
        "shape": list(t.shape),
        "data": [float("%.9g" % v) for v in t.reshape(-1).tolist()],
    }


def run(case, module, x):
    """Forward + backward of `module` on `x` with a random output gradient; records all."""
    x = x.clone().requires_grad_(True)
    y = module(x)
    gy = torch.randn_like(y)
    y.backward(gy)
    put(f"{case}.input", x)
    put(f"{case}.output", y)
    put(f"{case}.outputGradient", gy)
    put(f"{case}.inputGradient", x.grad)
    for name, p in module.named_parameters():
        put(f"{case}.param.{name}", p)
        put(f"{case}.grad.{name}", p.grad)
    for name, b in module.named_buffers():
        put(f"{case}.buffer.{name}", b)


class Subsampling(nn.Module):
    def __init__(self, channels, k=2):
        super().__init__()
        self.k = k
        self.weight = nn.Parameter(torch.randn(channels))
        self.bias = nn.Parameter(torch.randn(channels))

    def forward(self, x):
        s = F.avg_pool2d(x, self.k, divisor_override=1)
        return s * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)


class PartialConv(nn.Module):
    """Table I's C3: only the connected kernels are parameters ([60, 5, 5])."""

    def __init__(self, table, cin, k):
        super().__init__()
        self.table, self.cin, self.k = table, cin, k
        count = sum(len(inputs) for inputs in table)
        self.weight = nn.Parameter(torch.randn(count, k, k) * 0.2)
        self.bias = nn.Parameter(torch.randn(len(table)) * 0.1)

    def forward(self, x):
        dense = torch.zeros(len(self.table), self.cin, self.k, self.k)
        index = 0
        for out, inputs in enumerate(self.table):
            for i in inputs:
                dense = dense.index_put((torch.tensor([out]), torch.tensor([i])),
                                        self.weight[index].unsqueeze(0))
                index += 1
        return F.conv2d(x, dense, self.bias)


class ScaledTanh(nn.Module):
    def forward(self, x):
        return 1.7159 * torch.tanh(2 * x / 3)


class RBF(nn.Module):
    def __init__(self, prototypes, negated):
        super().__init__()
        self.register_buffer("prototypes", prototypes)
        self.negated = negated

    def forward(self, x):
        d = ((x[:, None, :] - self.prototypes[None]) ** 2).sum(-1)
        return -d if self.negated else d


run("subsampling", Subsampling(3), torch.randn(2, 3, 5, 6))
run("partial_conv", PartialConv(TABLE_I, 6, 5), torch.randn(2, 6, 7, 8))
run("scaled_tanh", ScaledTanh(), torch.randn(3, 7) * 2)
prototypes = torch.randint(0, 2, (4, 6)).float() * 2 - 1
run("rbf", RBF(prototypes, False), torch.randn(3, 6))
run("rbf_negated", RBF(prototypes, True), torch.randn(3, 6))

write_fixture(
    os.path.join(ROOT, "Packages/NeuralNet/Tests/NeuralNetTests/LeNet1998LayersGoldenFixture.swift"),
    "LeNet1998LayersGoldenFixture", os.path.basename(__file__),
    "LeNet-5 1998 layer golden values", tensors)
