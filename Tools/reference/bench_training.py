#!/usr/bin/env python3
"""PyTorch side of the training benchmark (Tools/bench-training runs both).

Measures the networks of Tools/TrainingBench (same names, batch sizes, image shapes, classes,
optimizers and losses; the modules are the PyTorch ports already in Tools/reference:
classify_torch.py's LeNet5 and MNISTNet, four_class_golden.py's four_class_net,
cifar_resnet_golden.py's CIFARResNet) the same way: on one synthetic batch of normal random
images and uniform random labels, `warmup` untimed training steps (zero_grad, forward, loss,
backward, optimizer step, then the loss and the correct count as the Swift trainer returns
them), then timed steps (at least `steps` and `seconds`), images/s from the median step; the
peak resident memory after training (resource.getrusage ru_maxrss); then inference-mode
forward passes (eval, no_grad) of `inference-batch` images, one untimed, then at least
`inference-passes` and `seconds`. Each network runs in a child process of its own so that the
peaks do not mix. With --tsv, prints one line per network, like `TrainingBench --tsv`:
"name<TAB>batch<TAB>training img/s<TAB>inference img/s<TAB>peak MiB<TAB>steps<TAB>passes<TAB>
start MiB" (the resident memory before the first step, VmRSS: libraries, model and batch).

Usage: bench_training.py [--network NAME | --filter TEXT] [--tsv] [--threads N] [--warmup N]
                         [--steps N] [--seconds S] [--inference-batch N]
                         [--inference-passes N] [--seed N] [--list] [--info]

Only for benchmarks: the project and its tests never run Python.
"""
import argparse
import ast
import os
import resource
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


def definitions(script):
    """The imports, classes and functions of a Tools/reference script, without running its
    top-level statements (the golden scripts compute and write their fixtures there). Imports
    that fail are left out: the modules used here need only torch (classify_torch.py also
    imports PIL and safetensors for its command)."""
    path = os.path.join(HERE, script)
    with open(path, encoding="utf-8") as file:
        tree = ast.parse(file.read(), path)
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    namespace = {"__name__": os.path.splitext(script)[0], "__file__": path}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
            try:
                exec(compile(ast.Module([node], []), path, "exec"), namespace)  # noqa: S102
            except ImportError:
                if not isinstance(node, (ast.Import, ast.ImportFrom)):
                    raise
    return namespace


class Network:
    """One network as its app's default run trains it (Tools/TrainingBench/BenchNetwork.swift
    lists the apps' settings)."""

    def __init__(self, batch, shape, classes, make, optimizer, smoothing=0.0):
        self.batch, self.shape, self.classes = batch, shape, classes
        self.make, self.optimizer, self.smoothing = make, optimizer, smoothing


def networks():
    ports = definitions("classify_torch.py")
    four = definitions("four_class_golden.py")
    cifar = definitions("cifar_resnet_golden.py")

    def sgd(weight_decay):
        return lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=weight_decay)

    def resnet(depth, residual):
        return Network(128, (3, 32, 32), 10, lambda: cifar["CIFARResNet"](depth, residual),
                       sgd(1e-4))

    return {
        "lenet5": Network(64, (1, 28, 28), 10, lambda: ports["LeNet5"]({}),
                          lambda p: torch.optim.Adam(p, lr=0.002)),
        "cnn": Network(128, (1, 28, 28), 10, lambda: ports["MNISTNet"]({}),
                       lambda p: torch.optim.AdamW(p, lr=0.003, weight_decay=0.05)),
        "fourclassnet": Network(128, (3, 32, 32), 4, lambda: four["four_class_net"](),
                                sgd(5e-4), smoothing=0.1),
        "resnet-20": resnet(20, True),
        "plain-20": resnet(20, False),
        "resnet-56": resnet(56, True),
    }


NAMES = ["lenet5", "cnn", "fourclassnet", "resnet-20", "plain-20", "resnet-56"]


def timed_calls(run, warmup, minimum_calls, minimum_seconds):
    """The durations of the timed calls of `run`, after `warmup` untimed calls."""
    for _ in range(warmup):
        run()
    durations = []
    start = time.perf_counter()
    while len(durations) < minimum_calls or time.perf_counter() - start < minimum_seconds:
        begin = time.perf_counter()
        run()
        durations.append(time.perf_counter() - begin)
    return durations


def resident_mib():
    """VmRSS of /proc/self/status in MiB (None where it is missing), as TrainingBench reads."""
    try:
        with open("/proc/self/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def measure(name, args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    network = networks()[name]
    model = network.make()
    optimizer = network.optimizer(model.parameters())
    loss_function = nn.CrossEntropyLoss(label_smoothing=network.smoothing)
    images = torch.randn(network.batch, *network.shape)
    labels = torch.randint(0, network.classes, (network.batch,))
    model.train()

    def step():
        optimizer.zero_grad()
        output = model(images)
        loss = loss_function(output, labels)
        loss.backward()
        optimizer.step()
        loss.item()
        (output.argmax(1) == labels).sum().item()

    start = resident_mib()
    steps = timed_calls(step, args.warmup, args.steps, args.seconds)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    model.eval()
    batch = torch.randn(args.inference_batch, *network.shape)
    with torch.no_grad():
        passes = timed_calls(lambda: model(batch), 1, args.inference_passes, args.seconds)
    training = network.batch / statistics.median(steps)
    inference = args.inference_batch / statistics.median(passes)
    if args.tsv:
        print(f"{name}\t{network.batch}\t{training}\t{inference}\t{peak}\t{len(steps)}"
              f"\t{len(passes)}\t{'nan' if start is None else start}")
    else:
        print(f"{name + ' b' + str(network.batch):16} training {training:8.1f} img/s "
              f"({len(steps)} steps)  inference b{args.inference_batch} {inference:9.1f} img/s "
              f"({len(passes)} passes)  peak {peak:.0f} MiB")
    sys.stdout.flush()


def info(threads):
    torch.set_num_threads(threads)
    pins = ", ".join(f"{key}={os.environ[key]}" for key in
                     ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS")
                     if key in os.environ)
    return (f"PyTorch {torch.__version__}: CPU capability "
            f"{torch.backends.cpu.get_cpu_capability()}, {torch.get_num_threads()} threads"
            + (f" ({pins})" if pins else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", choices=NAMES)
    parser.add_argument("--filter")
    parser.add_argument("--tsv", action="store_true")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--info", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--inference-batch", type=int, default=1000)
    parser.add_argument("--inference-passes", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.info:
        print(info(args.threads))
        return 0
    if args.network:
        measure(args.network, args)
        return 0
    selected = [name for name in NAMES if not args.filter or args.filter in name]
    if args.list:
        print("\n".join(selected))
        return 0
    if not args.tsv:
        print(info(args.threads) + f"; training: {args.warmup} warm-up steps, median of at "
              f"least {args.steps} steps and {args.seconds} s; inference: batch "
              f"{args.inference_batch}; one process per network", flush=True)
    for name in selected:
        options = ["--network", name, "--threads", str(args.threads), "--warmup",
                   str(args.warmup), "--steps", str(args.steps), "--seconds", str(args.seconds),
                   "--inference-batch", str(args.inference_batch), "--inference-passes",
                   str(args.inference_passes), "--seed", str(args.seed)]
        subprocess.run([sys.executable, __file__] + options + (["--tsv"] if args.tsv else []),
                       check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
