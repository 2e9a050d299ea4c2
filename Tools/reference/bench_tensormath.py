#!/usr/bin/env python3
"""PyTorch side of the TensorMath benchmark (Tools/bench-tensormath runs both).

Times the cases of Packages/TensorMath/Sources/TensorMathBench with the same names, shapes,
warm-up and repetitions: `warmup` untimed calls, then enough calls per timing sample to last
at least `min_sample_seconds`, and the median of `repetitions` samples. Prints one line per
case, "name<TAB>GFLOPS<TAB>seconds per call", like `TensorMathBench --tsv`.

Usage: bench_tensormath.py [--repetitions N] [--warmup N] [--filter TEXT] [--threads N]
"""
import argparse
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def measure(run, warmup, repetitions, min_sample_seconds):
    for _ in range(warmup):
        run()
    start = time.perf_counter()
    run()
    single = max(time.perf_counter() - start, 1e-7)
    calls = max(1, int(-(-min_sample_seconds // single)))
    samples = []
    for _ in range(repetitions):
        begin = time.perf_counter()
        for _ in range(calls):
            run()
        samples.append((time.perf_counter() - begin) / calls)
    return statistics.median(samples)


def matmul_cases():
    gen = torch.Generator().manual_seed(1)
    cases = []

    def uniform(*shape):
        return torch.rand(*shape, generator=gen) * 2 - 1

    for n in [256, 512, 1024, 2048]:
        a, b = uniform(n, n), uniform(n, n)
        cases.append((f"matmul {n}x{n}x{n}", 2.0 * n**3, lambda a=a, b=b: torch.matmul(a, b)))
    for batch in [64, 128]:
        for name, inputs, outputs in [("fc1", 400, 120), ("fc2", 120, 84), ("fc3", 84, 10)]:
            x, w = uniform(batch, inputs), uniform(outputs, inputs)
            dy, dw = uniform(batch, outputs), torch.zeros(outputs, inputs)
            flops = 2.0 * batch * inputs * outputs
            prefix = f"lenet {name} {inputs}->{outputs} b{batch}"

            def forward(x=x, w=w):
                torch.matmul(x, w.t())

            def forward_backward(x=x, w=w, dy=dy, dw=dw):
                torch.matmul(x, w.t())
                dw.addmm_(dy.t(), x)
                torch.matmul(dy, w)

            cases.append((prefix + " fwd", flops, forward))
            cases.append((prefix + " f+b", 3 * flops, forward_backward))
    return cases


# name, batch, in, out, size, kernel, stride, padding, first layer (no input gradient)
CONVOLUTIONS = [
    ("lenet conv1 1->6 5x5 p2 28x28 b64", 64, 1, 6, 28, 5, 1, 2, True),
    ("lenet conv2 6->16 5x5 14x14 b64", 64, 6, 16, 14, 5, 1, 0, False),
    ("resnet 3->16 3x3 32x32 b128", 128, 3, 16, 32, 3, 1, 1, True),
    ("resnet 16->16 3x3 32x32 b128", 128, 16, 16, 32, 3, 1, 1, False),
    ("resnet 16->32 3x3 s2 32x32 b128", 128, 16, 32, 32, 3, 2, 1, False),
    ("resnet 32->32 3x3 16x16 b128", 128, 32, 32, 16, 3, 1, 1, False),
    ("resnet 32->64 3x3 s2 16x16 b128", 128, 32, 64, 16, 3, 2, 1, False),
    ("resnet 64->64 3x3 8x8 b128", 128, 64, 64, 8, 3, 1, 1, False),
    ("cnn 1->16 3x3 28x28 b128", 128, 1, 16, 28, 3, 1, 1, True),
    ("cnn 16->16 3x3 28x28 b128", 128, 16, 16, 28, 3, 1, 1, False),
    ("cnn 16->32 3x3 14x14 b128", 128, 16, 32, 14, 3, 1, 1, False),
    ("cnn 32->32 3x3 14x14 b128", 128, 32, 32, 14, 3, 1, 1, False),
    ("fourclass 3->32 3x3 32x32 b128", 128, 3, 32, 32, 3, 1, 1, True),
    ("fourclass 32->64 3x3 16x16 b128", 128, 32, 64, 16, 3, 1, 1, False),
    ("fourclass 64->128 3x3 8x8 b128", 128, 64, 128, 8, 3, 1, 1, False),
    ("fourclass 128->128 3x3 8x8 b128", 128, 128, 128, 8, 3, 1, 1, False),
    ("fourclass 128->256 3x3 4x4 b128", 128, 128, 256, 4, 3, 1, 1, False),
]


def convolution_cases():
    gen = torch.Generator().manual_seed(2)
    cases = []
    for name, n, c, o, size, k, stride, padding, first in CONVOLUTIONS:
        x = torch.rand(n, c, size, size, generator=gen) * 2 - 1
        x.requires_grad_(not first)
        w = (torch.rand(o, c, k, k, generator=gen) * 2 - 1) * (6.0 / (c * k * k)) ** 0.5
        w.requires_grad_(True)
        b = (torch.rand(o, generator=gen) * 0.2 - 0.1).requires_grad_(True)
        out = (size + 2 * padding - k) // stride + 1
        dy = torch.rand(n, o, out, out, generator=gen) * 2 - 1
        forward_flops = 2.0 * n * o * c * k * k * out * out

        def forward(x=x, w=w, b=b, stride=stride, padding=padding):
            with torch.no_grad():
                F.conv2d(x, w, b, stride=stride, padding=padding)

        def forward_backward(x=x, w=w, b=b, dy=dy, stride=stride, padding=padding):
            x.grad = w.grad = b.grad = None
            F.conv2d(x, w, b, stride=stride, padding=padding).backward(dy)

        cases.append((name + " fwd", forward_flops, forward))
        cases.append((name + " f+b", (2 if first else 3) * forward_flops, forward_backward))
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--min-sample-seconds", type=float, default=0.02)
    parser.add_argument("--filter")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for name, flops, run in matmul_cases() + convolution_cases():
        if args.filter and args.filter not in name:
            continue
        seconds = measure(run, args.warmup, args.repetitions, args.min_sample_seconds)
        print(f"{name}\t{flops / seconds / 1e9}\t{seconds}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
