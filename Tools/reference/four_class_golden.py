#!/usr/bin/env python3
"""Golden values for ImageModels' FourClassNet (the `four-class` app's network), from PyTorch.

Writes Tests/ImageModelsTests/FourClassNetGoldenFixture.swift (JSON in a raw string literal,
so the tests need no resources and Python never runs in CI). The network is built as
FourClassNet builds it: per stage [Conv2d 3x3 (no bias) -> BatchNorm2d -> ReLU] x count, then
MaxPool2d(2); AdaptiveAvgPool2d(1) + flatten; Dropout; Linear, with the same dotted names.
Weights, batch-norm statistics, inputs and gradient probes come from the integer formula of
Tools/reference/golden_support.py (the Swift tests compute the same), so the fixture
holds only PyTorch's results:

- names, counts: parameter names and sizes of the default configuration;
- eval: the default network's logits in inference mode for a [2, 3, 32, 32] input;
- small.*: a small configuration (widths 8,16; convolutions 1,2; dropout 0) in training
  mode: logits, the cross-entropy loss for labels [1, 3], sum(grad * probe) per parameter
  and for the input.

Run from the repository root: python3 Tools/reference/four_class_golden.py
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden_support import deterministic_state, formula_values, rounded, write_fixture

torch.set_default_dtype(torch.float32)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def four_class_net(widths=(32, 64, 128, 256), convolutions=(1, 2, 2, 1), dropout=0.1,
                   in_channels=3, classes=4):
    features, channels = [], in_channels
    for width, count in zip(widths, convolutions):
        for _ in range(count):
            features += [nn.Conv2d(channels, width, 3, padding=1, bias=False),
                         nn.BatchNorm2d(width), nn.ReLU()]
            channels = width
        features.append(nn.MaxPool2d(2))
    return nn.Sequential(
        nn.Sequential(*features), nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()),
        nn.Sequential(nn.Dropout(dropout), nn.Linear(channels, classes)))


def names(model):
    # FourClassNet's names: features.*, pool (no parameters), classifier.* (PyTorch's index 2).
    return [n.replace("2.", "classifier.", 1) if n.startswith("2.")
            else n.replace("0.", "features.", 1) for n, _ in model.named_parameters()]


golden = {}
x0 = formula_values(2 * 3 * 32 * 32, 1000, 2.0, 0.5).reshape(2, 3, 32, 32)

model = four_class_net()
deterministic_state(model)
golden["names"] = names(model)
golden["counts"] = [p.numel() for p in model.parameters()]
model.eval()
with torch.no_grad():
    golden["eval"] = rounded(model(x0))

small = four_class_net(widths=(8, 16), convolutions=(1, 2), dropout=0.0)
deterministic_state(small)
small.train()
x = x0.clone().requires_grad_(True)
logits = small(x)
loss = F.cross_entropy(logits, torch.tensor([1, 3]))
loss.backward()
golden["small.names"] = names(small)
golden["small.train"] = rounded(logits)
golden["small.loss"] = float("%.9g" % loss.item())
golden["small.gradient_probes"] = [
    float("%.9g" % (p.grad.double() * formula_values(p.numel(), 2000 + i, 1.0, 0.5)
                    .reshape(p.shape).double()).sum().item())
    for i, p in enumerate(small.parameters())]
golden["small.input_probe"] = float("%.9g" % (x.grad.double() * formula_values(
    x.numel(), 3000, 1.0, 0.5).reshape(x.shape).double()).sum().item())

write_fixture(
    os.path.join(ROOT, "Tests/ImageModelsTests/FourClassNetGoldenFixture.swift"),
    "FourClassNetGoldenFixture", os.path.basename(__file__), "FourClassNet, formula weights",
    golden)
