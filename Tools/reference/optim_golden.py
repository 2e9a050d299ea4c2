#!/usr/bin/env python3
"""Golden values for NeuralNet's losses, optimizers and learning-rate schedules.

Writes Packages/NeuralNet/Tests/NeuralNetTests/Training/TrainingGolden.swift with:
- LossGolden: F.cross_entropy (with label smoothing), F.mse_loss and the tutorial's total
  error 0.5 * sum((target - output)**2), values and input gradients from autograd;
- OptimizerGolden: 5-step trajectories of torch.optim.SGD (plain, momentum, dampening,
  Nesterov, weight decay), Adam (L2, amsgrad), AdamW and RMSprop (momentum, centered) on a tiny
  quadratic whose gradient is set explicitly as g = a * (p - c), in the same float32 operation
  order the Swift test uses;
- ScheduleGolden: learning-rate sequences of StepLR, MultiStepLR, ExponentialLR,
  CosineAnnealingLR, OneCycleLR and SequentialLR(LinearLR, ...) warm-ups.

Run from the repository root: python3 Tools/reference/optim_golden.py
"""
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..",
    "Packages/NeuralNet/Tests/NeuralNetTests/Training/TrainingGolden.swift")


def _f(v):
    x = float(torch.tensor(v, dtype=torch.float32).item())
    if math.isinf(x):
        return "Float.infinity" if x > 0 else "-Float.infinity"
    return "%.9g" % x


def flist(values, indent=8):
    """A Swift array literal of float32 values (9 significant digits, round-trip exact),
    wrapped so that no line exceeds 100 columns when it starts at `indent`."""
    items = [_f(float(v)) for v in values]
    one_line = "[" + ", ".join(items) + "]"
    if indent + len(one_line) + 12 <= 100:
        return one_line
    lines, current = [], ""
    for item in items:
        piece = item + ","
        if current and indent + 4 + len(current) + 1 + len(piece) > 100:
            lines.append(current)
            current = piece
        else:
            current = piece if not current else current + " " + piece
    lines.append(current)
    pad = " " * (indent + 4)
    return "[\n" + "\n".join(pad + line for line in lines) + "\n" + " " * indent + "]"


def losses():
    g = torch.Generator().manual_seed(11)
    logits = torch.randn(4, 5, generator=g) * 2
    labels = torch.tensor([3, 0, 4, 1])
    target = torch.randn(4, 5, generator=g)
    lines = ["enum LossGolden {",
             "    static let logitsShape = [4, 5]",
             f"    static let logits: [Float] = {flist(logits.flatten(), 4)}",
             f"    static let labels = {labels.tolist()}",
             f"    static let target: [Float] = {flist(target.flatten(), 4)}",
             "    /// (label smoothing, loss, gradient with respect to the logits)",
             "    static let crossEntropy: [(Float, Float, [Float])] = ["]
    for smoothing in [0.0, 0.1, 0.25]:
        x = logits.clone().requires_grad_()
        loss = F.cross_entropy(x, labels, label_smoothing=smoothing)
        loss.backward()
        lines.append(f"        ({_f(smoothing)}, {_f(loss.item())}, "
                     f"{flist(x.grad.flatten(), 8)}),")
    lines.append("    ]")
    x = logits.clone().requires_grad_()
    loss = F.mse_loss(x, target)
    loss.backward()
    lines.append(f"    static let meanSquaredError: (value: Float, gradient: [Float]) = "
                 f"(\n        {_f(loss.item())}, {flist(x.grad.flatten(), 8)})")
    x = logits.clone().requires_grad_()
    loss = 0.5 * ((target - x) ** 2).sum()
    loss.backward()
    lines.append(f"    static let totalSquaredError: (value: Float, gradient: [Float]) = "
                 f"(\n        {_f(loss.item())}, {flist(x.grad.flatten(), 8)})")
    lines.append("}")
    return lines


# The quadratic problem: parameters "layer.weight" [3, 4] and "layer.bias" [3].
def problem():
    g = torch.Generator().manual_seed(5)
    weight = torch.randn(3, 4, generator=g)
    bias = torch.randn(3, generator=g)
    a_w = torch.rand(3, 4, generator=g) * 2 + 0.1
    a_b = torch.rand(3, generator=g) * 2 + 0.1
    c_w = torch.randn(3, 4, generator=g)
    c_b = torch.randn(3, generator=g)
    return weight, bias, a_w, a_b, c_w, c_b


OPTIMIZERS = [
    # (name, constructor, learning rate per step or None)
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1), None),
    ("sgdMomentum", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), None),
    ("sgdDampening", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1), None),
    ("sgdNesterov", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True), None),
    ("sgdWeightDecay",
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.8, weight_decay=0.05), None),
    ("sgdVaryingRate", lambda p: torch.optim.SGD(p, lr=0.3, momentum=0.5),
     [0.3, 0.2, 0.1, 0.05, 0.01]),
    ("adam", lambda p: torch.optim.Adam(p, lr=0.05, foreach=False), None),
    ("adamWeightDecay",
     lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1,
                                foreach=False), None),
    ("adamAmsgrad", lambda p: torch.optim.Adam(p, lr=0.05, amsgrad=True, foreach=False), None),
    ("adamW", lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.1, foreach=False), None),
    ("rmsprop", lambda p: torch.optim.RMSprop(p, lr=0.01, foreach=False), None),
    ("rmspropMomentumCentered",
     lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1,
                                   momentum=0.9, centered=True, foreach=False), None),
    ("rmspropCentered", lambda p: torch.optim.RMSprop(p, lr=0.02, centered=True, foreach=False),
     None),
]
STEPS = 5


def optimizers():
    weight, bias, a_w, a_b, c_w, c_b = problem()
    lines = ["enum OptimizerGolden {",
             "    static let steps = %d" % STEPS,
             f"    static let weight: [Float] = {flist(weight.flatten(), 4)}",
             f"    static let bias: [Float] = {flist(bias, 4)}",
             f"    static let weightCurvature: [Float] = {flist(a_w.flatten(), 4)}",
             f"    static let biasCurvature: [Float] = {flist(a_b, 4)}",
             f"    static let weightCentre: [Float] = {flist(c_w.flatten(), 4)}",
             f"    static let biasCentre: [Float] = {flist(c_b, 4)}",
             "    /// Parameters (weight then bias, flattened) after each of the steps.",
             "    static let trajectories: [String: [[Float]]] = ["]
    for name, make, rates in OPTIMIZERS:
        w = weight.clone().requires_grad_(False)
        b = bias.clone().requires_grad_(False)
        opt = make([w, b])
        rows = []
        for step in range(STEPS):
            if rates is not None:
                for group in opt.param_groups:
                    group["lr"] = rates[step]
            w.grad = a_w * (w - c_w)
            b.grad = a_b * (b - c_b)
            opt.step()
            rows.append(flist(torch.cat([w.flatten(), b.flatten()]), 12))
        lines.append(f'        "{name}": [')
        lines += [f"            {row}," for row in rows]
        lines.append("        ],")
    lines += ["    ]", "}"]
    return lines


def schedule_values(make_scheduler, base, count):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    sched = make_scheduler(opt)
    values = []
    for _ in range(count):
        values.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return values


SCHEDULES = [
    ("step", 0.1, 10, lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
    ("multiStep", 0.1, 10,
     lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5, 7], gamma=0.1)),
    ("exponential", 0.1, 10, lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)),
    ("cosine", 0.1, 11,
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
    ("oneCycle", 0.1, 20,
     lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=20,
                                                   cycle_momentum=False)),
    ("oneCycleCustom", 0.1, 17,
     lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=17,
                                                   pct_start=0.25, div_factor=10,
                                                   final_div_factor=100, cycle_momentum=False)),
    ("warmupCosine", 0.1, 12,
     lambda o: torch.optim.lr_scheduler.SequentialLR(o, [
         torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=4),
         torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=8, eta_min=0.0)], milestones=[4])),
    ("warmupStep", 0.2, 10,
     lambda o: torch.optim.lr_scheduler.SequentialLR(o, [
         torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=3),
         torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5)], milestones=[3])),
]


def schedules():
    lines = ["enum ScheduleGolden {",
             "    /// Learning rate before each optimizer step, as PyTorch's schedulers set it.",
             "    static let rates: [String: [Float]] = ["]
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, base, count, make in SCHEDULES:
            values = schedule_values(make, base, count)
            lines.append(f'        "{name}": {flist(values, 8)},')
    lines += ["    ]", "}"]
    return lines


def main():
    torch.set_num_threads(1)
    body = ["// Generated by Tools/reference/optim_golden.py with PyTorch %s; do not edit." %
            torch.__version__, ""]
    body += losses() + [""] + optimizers() + [""] + schedules()
    with open(OUT, "w") as f:
        f.write("\n".join(body) + "\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
