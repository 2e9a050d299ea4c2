#!/usr/bin/env python3
"""Golden values for ImageModels' CIFARResNet (He et al. 2015, CIFAR-10 networks), from PyTorch.

Writes Tests/ImageModelsTests/CIFARResNetGoldenFixture.swift (JSON inside a raw string
literal, so the tests need no resources and Python never runs in CI) for the depth-8 network
(n = 1, width 16) and its plain twin, built as the widely used PyTorch CIFAR ResNet does
(option A shortcut: `F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes // 4, planes // 4))`) with
torchvision's names. Weights, batch-norm statistics, inputs and gradient probes come from an
integer formula that both sides compute, so the fixture holds only PyTorch's results:

- names, counts: the parameter names and sizes (`named_parameters()` order);
- <kind>.eval: the logits in inference mode (running statistics from the formula);
- <kind>.train: the logits in training mode (batch statistics);
- <kind>.loss: the mean cross-entropy of the training-mode logits for labels [3, 7];
- <kind>.gradient_probes: for every parameter, sum(grad * probe) with a formula probe, and
  <kind>.input_probe the same for the input gradient: each depends on every gradient element.

Every float32 is printed with 9 significant digits, which round-trips exactly.
Run from the repository root: python3 Tools/reference/cifar_resnet_golden.py
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden_support import deterministic_state, formula_values, rounded, write_fixture

torch.set_default_dtype(torch.float32)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class BasicBlock(nn.Module):
    def __init__(self, inputs, planes, stride, residual):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.residual = residual
        self.reshape = stride != 1 or inputs != planes
        self.pad = (planes - inputs) // 2

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.residual:
            shortcut = x
            if self.reshape:
                shortcut = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))
            out = out + shortcut
        return F.relu(out)


class CIFARResNet(nn.Module):
    def __init__(self, depth, residual, width=16, classes=10):
        super().__init__()
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(3, width, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        channels = width
        for stage in range(3):
            planes = width << stage
            blocks = []
            for index in range(n):
                stride = 2 if stage > 0 and index == 0 else 1
                blocks.append(BasicBlock(channels, planes, stride, residual))
                channels = planes
            setattr(self, f"layer{stage + 1}", nn.Sequential(*blocks))
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


golden = {}
x0 = formula_values(2 * 3 * 16 * 16, 1000, 2.0, 0.5).reshape(2, 3, 16, 16)
labels = torch.tensor([3, 7])
for kind, residual in [("residual", True), ("plain", False)]:
    model = CIFARResNet(8, residual)
    deterministic_state(model)
    names = [name for name, _ in model.named_parameters()]
    if residual:
        golden["names"] = names
        golden["counts"] = [p.numel() for _, p in model.named_parameters()]
    assert names == golden["names"]
    model.eval()
    with torch.no_grad():
        golden[f"{kind}.eval"] = rounded(model(x0))
    model.train()
    x = x0.clone().requires_grad_(True)
    logits = model(x)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    golden[f"{kind}.train"] = rounded(logits)
    golden[f"{kind}.loss"] = float("%.9g" % loss.item())
    probes = []
    for index, (name, p) in enumerate(model.named_parameters()):
        probe = formula_values(p.numel(), 2000 + index, 1.0, 0.5).reshape(p.shape)
        probes.append((p.grad.double() * probe.double()).sum().item())
    golden[f"{kind}.gradient_probes"] = [float("%.9g" % v) for v in probes]
    probe = formula_values(x.numel(), 3000, 1.0, 0.5).reshape(x.shape)
    input_probe = (x.grad.double() * probe.double()).sum().item()
    golden[f"{kind}.input_probe"] = float("%.9g" % input_probe)

# The paper's parameter counts (Table 6: 0.27M for ResNet-20, 0.85M for ResNet-56).
for depth in (20, 56):
    golden[f"count{depth}"] = sum(p.numel() for p in CIFARResNet(depth, True).parameters())


write_fixture(
    os.path.join(ROOT, "Tests/ImageModelsTests/CIFARResNetGoldenFixture.swift"),
    "CIFARResNetGoldenFixture", os.path.basename(__file__),
    "depth-8 CIFAR ResNet and plain twin, formula weights", golden)
