#!/usr/bin/env python3
"""PyTorch -> SwiftCNN interop fixtures for Tests/IntegrationTests/PyTorchInteropTests.swift.

Builds a small network in PyTorch with the same dotted names as the Swift test's Sequential
(Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Linear), trains its batch-norm statistics a
little so they are not the defaults, and writes, with safetensors.torch.save_file:

  interop_model.safetensors  the state_dict (incl. num_batches_tracked as int64)
  interop_io.safetensors     an input batch and the module's output in eval mode

Run from the repository root: python3 Tools/reference/interop_golden.py
It also checks the other direction when given a file the Swift test wrote:
  SWIFTCNN_KEEP_INTEROP_FILE=/tmp/ours.safetensors swift test --filter PyTorchInterop
  python3 Tools/reference/interop_golden.py --check-swift-file /tmp/ours.safetensors
"""
import argparse
import pathlib

import torch
from safetensors.torch import load_file, save_file

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "IntegrationTests" / "Fixtures"


def make_module():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 3, 3, padding=1),
        torch.nn.BatchNorm2d(3),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(3 * 4 * 4, 5),
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check-swift-file")
    args = parser.parse_args()
    torch.manual_seed(0)
    model = make_module()
    io = load_file(str(OUT / "interop_io.safetensors")) if args.check_swift_file else None
    if args.check_swift_file:
        state = load_file(args.check_swift_file)
        state = {k: (v.long() if k.endswith("num_batches_tracked") else v) for k, v in state.items()}
        model.load_state_dict(state, strict=True)
        model.eval()
        with torch.no_grad():
            out = model(io["input"])
        diff = (out - io["output"]).abs().max().item()
        print(f"PyTorch loaded {args.check_swift_file}: max |difference| = {diff:.3g}")
        assert diff < 1e-4
        return
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(4, 1, 8, 8) * 2 + 0.5)
    model.eval()
    x = torch.randn(2, 1, 8, 8)
    with torch.no_grad():
        y = model(x)
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()},
              str(OUT / "interop_model.safetensors"))
    save_file({"input": x.contiguous(), "output": y.contiguous()},
              str(OUT / "interop_io.safetensors"))
    print("wrote", OUT / "interop_model.safetensors", "and", OUT / "interop_io.safetensors")


if __name__ == "__main__":
    main()
