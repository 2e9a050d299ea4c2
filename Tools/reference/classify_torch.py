#!/usr/bin/env python3
"""The PyTorch side of the `classify` speed comparison: the same job in Python.

    python3 Tools/reference/classify_torch.py [--model FILE] [--top K] IMAGE...

Loads a SwiftCNN model file (safetensors with `swiftcnn.*` metadata; default: the bundled
Apps/Classify/Resources/mnist.safetensors) into an equivalent torch module, prepares each
image the way `classify` does (PIL decoding; background from the border, alpha composited,
grey, inverted to light-on-black, contrast stretched, cropped to the ink, scaled into a 20x20
box with area averaging, centred by centre of mass in 28x28; or a plain resize for `resize`
models), and prints `file: 7 (99.2%)` lines. The preprocessing follows
Apps/ImageClassification/PreprocessingPipeline*.swift closely but is not bit-identical (PIL's box
filter and rounding).

Timing, process start included (the figure the README compares with `classify`):

    hyperfine -N --warmup 3 'python3 Tools/reference/classify_torch.py digit.png'

Only for benchmarks: the project and its tests never run Python.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from PIL import Image
from safetensors.torch import load_file
from safetensors import safe_open

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUNDLED = os.path.join(ROOT, "Apps/Classify/Resources/mnist.safetensors")


# MARK: architectures (the Swift builders' layouts and state_dict names)

def activation(name):
    return nn.Tanh() if name == "tanh" else nn.ReLU()


class LeNet5(nn.Module):
    """Apps/ImageModels/LeNet5.swift."""

    def __init__(self, c):
        super().__init__()
        act, size = c.get("activation", "relu"), c.get("inputSize", 28)
        pool = nn.AvgPool2d if c.get("pooling", "max") == "average" else nn.MaxPool2d
        pad = 2 if size < 32 else 0
        side = ((size + 2 * pad - 4) // 2 - 4) // 2
        self.features = nn.Sequential(
            nn.Conv2d(c.get("inputChannels", 1), 6, 5, padding=pad), activation(act), pool(2),
            nn.Conv2d(6, 16, 5), activation(act), pool(2))
        self.classifier = nn.Sequential(
            nn.Linear(16 * side * side, 120), activation(act), nn.Linear(120, 84),
            activation(act), nn.Linear(84, c.get("classCount", 10)))

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


class MLP(nn.Module):
    """Apps/ImageModels/MLP.swift."""

    def __init__(self, c):
        super().__init__()
        width = int(np.prod(c.get("inputShape", [1, 28, 28])))
        layers = []
        for hidden in c.get("hiddenSizes", [74, 40]):
            layers += [nn.Linear(width, hidden), activation(c.get("activation", "relu"))]
            if c.get("dropout", 0) > 0:
                layers.append(nn.Dropout(c["dropout"]))
            width = hidden
        layers.append(nn.Linear(width, c.get("classCount", 10)))
        self.classifier = nn.Sequential(*layers)

    def forward(self, x):
        return self.classifier(x.flatten(1))


class MNISTNet(nn.Module):
    """Apps/ImageModels/MNISTNet.swift (`cnn`): [conv3x3 → BN → ReLU] x2 → maxpool with
    `width` channels, the same with 2·width, then dropout → linear → ReLU → dropout → linear."""

    def __init__(self, c):
        super().__init__()
        w, hidden = c.get("width", 16), c.get("hiddenUnits", 128)
        dropout = c.get("dropout", 0.25)

        def block(i, o):
            return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]

        self.features = nn.Sequential(
            *block(1, w), *block(w, w), nn.MaxPool2d(2),
            *block(w, 2 * w), *block(2 * w, 2 * w), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(2 * w * 7 * 7, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, c.get("classCount", 10)))

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


ARCHITECTURES = {"lenet5": LeNet5, "mlp": MLP, "cnn": MNISTNet}


# MARK: preprocessing (Apps/ImageClassification/PreprocessingPipeline*.swift)

INK_MARGIN = 24


def flattened(image):
    """RGBA onto white when the visible pixels are dark, onto black when light."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = np.asarray(image.convert("RGBA"), dtype=np.float64)
        alpha = rgba[..., 3]
        luma = (19595 * rgba[..., 0] + 38470 * rgba[..., 1] + 7471 * rgba[..., 2]) / 65536
        dark = alpha.sum() == 0 or (alpha * luma).sum() / alpha.sum() < 128
        paper = (255, 255, 255, 255) if dark else (0, 0, 0, 255)
        background = Image.new("RGBA", image.size, paper)
        return Image.alpha_composite(background, image.convert("RGBA")).convert("RGB")
    if image.mode == "I;16" or image.mode.startswith("I"):
        return Image.fromarray((np.asarray(image, dtype=np.float64) / 257).round().astype(np.uint8))
    return image


def digit_image(image):
    grey = np.asarray(flattened(image).convert("L"), dtype=np.int64)
    h, w = grey.shape
    ring = max(1, min(w, h) // 40)
    border = np.concatenate([grey[:ring].ravel(), grey[-ring:].ravel(),
                             grey[:, :ring].ravel(), grey[:, -ring:].ravel()])
    background = int(np.sort(border)[(len(border) - 1) // 2])
    darker = (grey <= background - INK_MARGIN).sum()
    lighter = (grey >= background + INK_MARGIN).sum()
    if darker + lighter == 0:
        return np.zeros_like(grey, dtype=np.float64)
    distance = background - grey if darker > lighter else grey - background
    inked = np.sort(distance[distance >= INK_MARGIN])
    typical = inked[(len(inked) - 1) // 2]
    floor = 0.12 * typical
    return np.clip(np.round((distance - floor) * 255 / (typical - floor)), 0, 255)


def ink_bounds(digit, stray=0.003):
    rows, columns = digit.sum(1), digit.sum(0)
    total = rows.sum()
    if total == 0:
        return None

    def span(sums):
        low, mass = 0, 0.0
        while low < len(sums) - 1 and (mass + sums[low] <= stray * total or sums[low] == 0):
            mass += sums[low]
            low += 1
        high, mass = len(sums) - 1, 0.0
        while high > low and (mass + sums[high] <= stray * total or sums[high] == 0):
            mass += sums[high]
            high -= 1
        return low, high + 1

    (y0, y1), (x0, x1) = span(rows), span(columns)
    return x0, y0, x1, y1


def centered_digit(digit, width, height):
    canvas = np.zeros((height, width))
    box = ink_bounds(digit)
    if box is None:
        return canvas
    x0, y0, x1, y1 = box
    ink = Image.fromarray(digit[y0:y1, x0:x1].astype(np.uint8))
    scale = min(round(width * 20 / 28) / (x1 - x0), round(height * 20 / 28) / (y1 - y0))
    size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
    scaled = np.asarray(ink.resize(size, Image.BOX if scale < 1 else Image.BILINEAR),
                        dtype=np.float64)
    mass = scaled.sum()
    if mass == 0:
        return canvas
    ys, xs = np.mgrid[0:scaled.shape[0], 0:scaled.shape[1]]
    left = int(np.floor(width / 2 - (xs * scaled).sum() / mass + 0.5))
    top = int(np.floor(height / 2 - (ys * scaled).sum() / mass + 0.5))
    for y in range(scaled.shape[0]):
        if 0 <= top + y < height:
            for x in range(scaled.shape[1]):
                if 0 <= left + x < width:
                    canvas[top + y, left + x] = scaled[y, x]
    return canvas


def prepared(image, description):
    inp, pre = description["input"], description["preprocessing"]
    width, height, rgb = inp["width"], inp["height"], inp["color_mode"] == "rgb"
    if pre["method"] == "mnist-centering":
        pixels = centered_digit(digit_image(image), width, height)[None]
        if rgb:
            pixels = np.repeat(pixels, 3, axis=0)
    else:
        flat = image.convert("RGBA")
        white = Image.new("RGBA", flat.size, (255, 255, 255, 255))
        flat = Image.alpha_composite(white, flat).convert("RGB" if rgb else "L")
        shrink = image.width >= width and image.height >= height
        flat = flat.resize((width, height), Image.BOX if shrink else Image.BILINEAR)
        pixels = np.asarray(flat, dtype=np.float64)
        pixels = pixels.transpose(2, 0, 1) if rgb else pixels[None]
    mean = np.array(pre["mean"])[:, None, None]
    std = np.array(pre["std"])[:, None, None]
    return torch.tensor((pixels / 255 - mean) / std, dtype=torch.float32)


# MARK: the command

def load_model(path):
    """The torch module and the `swiftcnn.*` description of a SwiftCNN model file."""
    with safe_open(path, "pt") as f:
        metadata = f.metadata()
    description = {key: json.loads(metadata["swiftcnn." + key])
                   for key in ("architecture", "class_names", "input", "preprocessing")}
    architecture = description["architecture"]
    builder = ARCHITECTURES.get(architecture["name"].lower())
    if builder is None:
        sys.exit(f"{path}: architecture {architecture['name']} is not ported to Python")
    model = builder(architecture.get("configuration", {}))
    state = load_file(path)
    for name, tensor in state.items():  # SwiftCNN stores every tensor as F32
        if name.endswith("num_batches_tracked"):
            state[name] = tensor.long()
    model.load_state_dict(state, strict=True)
    model.eval()
    return model, description


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=BUNDLED)
    parser.add_argument("--top", type=int, default=1)
    parser.add_argument("images", nargs="+")
    args = parser.parse_args()

    torch.set_num_threads(2)
    model, description = load_model(args.model)

    names, status, inputs = description["class_names"], 0, []
    for path in args.images:
        try:
            with Image.open(path) as image:
                image.load()
                inputs.append((path, prepared(image, description)))
        except Exception as error:  # noqa: BLE001 - report and go on, as classify does
            print(f"classify_torch: {path}: {error}", file=sys.stderr)
            status = 1
    if inputs:
        with torch.no_grad():
            probabilities = torch.softmax(model(torch.stack([x for _, x in inputs])), dim=1)
        for (path, _), row in zip(inputs, probabilities):
            values, indices = row.topk(min(args.top, len(names)))
            ranked = [f"{names[i]} ({100 * v:.1f}%)"
                      for v, i in zip(values.tolist(), indices.tolist())]
            print(f"{path}: " + ", ".join(ranked))
    sys.exit(status)


if __name__ == "__main__":
    main()
