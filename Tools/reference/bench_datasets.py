#!/usr/bin/env python3
"""Pillow side of Tools/bench-datasets: decodes every CIFAR-10 JPEG under <datasets>/cifar10
(train and test, all classes; the same files, in the same order, as DatasetsBench) with
Image.open(path).convert("RGB") and numpy.asarray, in a pool of 2 processes so both cores are
used, as the Swift side uses both. Prints `name<TAB>value` lines (--tsv) or a sentence.

    python3 Tools/reference/bench_datasets.py --datasets ../shared/datasets
"""
import argparse
import multiprocessing
import os
import statistics
import time

import numpy as np
from PIL import Image


def files(root):
    paths = []
    for split in ("train", "test"):
        base = os.path.join(root, "cifar10", split)
        for name in sorted(d for d in os.listdir(base) if not d.startswith(".")):
            folder = os.path.join(base, name)
            if not os.path.isdir(folder):
                continue
            paths += [os.path.join(folder, f) for f in sorted(os.listdir(folder))
                      if f.lower().endswith((".jpg", ".jpeg", ".png")) and not f.startswith(".")]
    return paths


def decode(paths):
    """Decodes a chunk; returns how many decoded (the arrays stay in the worker)."""
    decoded = 0
    for path in paths:
        with Image.open(path) as image:
            array = np.asarray(image.convert("RGB"))
        decoded += array.shape[0] > 0
    return decoded


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", default="../shared/datasets")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--tsv", action="store_true")
    args = parser.parse_args()

    paths = files(args.datasets)
    chunks = [paths[i:i + 64] for i in range(0, len(paths), 64)]
    with multiprocessing.Pool(args.processes) as pool:
        pool.map(decode, chunks)  # warm-up: page cache, imports in the workers
        times = []
        for _ in range(args.repetitions):
            start = time.perf_counter()
            decoded = sum(pool.map(decode, chunks))
            times.append(time.perf_counter() - start)
    elapsed = statistics.median(times)
    rate = len(paths) / elapsed
    if args.tsv:
        print(f"pillow_jpeg_files\t{len(paths)}")
        print(f"pillow_jpeg_decoded\t{decoded}")
        print(f"pillow_jpeg_images_per_second\t{rate}")
    else:
        print(f"Pillow {Image.__version__}: {len(paths)} files in {elapsed:.3f} s (median of "
              f"{len(times)}), {rate:.0f} images/s on {args.processes} processes")


if __name__ == "__main__":
    main()
