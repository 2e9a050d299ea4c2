#!/usr/bin/env python3
"""The ONNX and PyTorch round trips of `swiftcnn export-onnx` / `export-torch`, checked on real
test images against `classify --json` (issue #17). Never run by the tests or CI.

    pip install onnx onnxruntime torch safetensors pillow numpy
    DATASETS_DIR=/work/shared/datasets python3 Tools/reference/torchio_check.py \
        [--bin .build/release] [--images 1000] MODEL.safetensors...

For each model file: exports it with `swiftcnn export-onnx` and `swiftcnn export-torch`,
checks the ONNX file with onnx.checker.check_model(full_check=True), picks test images by the
model's preprocessing (`mnist-centering`: the first N MNIST test digits, written as PNG files
into a temporary folder; `resize`: N CIFAR-10 test JPEGs of the model's classes, in turn per
class), prepares them with `swiftcnn preprocess` (the exact input `classify` computes),
runs the ONNX file in onnxruntime and the generated module in PyTorch (load_state_dict with
strict=True), and compares both softmax outputs with the probabilities of
`classify --model MODEL --json --top <classes>`: max abs difference over all images and
classes, and top-1 agreement; plus each one's accuracy against the labels.

`--train-cifar-resnet OUT.safetensors` instead trains a small CIFAR ResNet (depth 8, the
common PyTorch CIFAR ResNet with option A shortcuts and its names: conv1, bn1, layer1.0.conv1,
..., linear) in PyTorch on bird/cat/dog/ship for a few hundred steps and saves its state_dict,
for `swiftcnn import-torch OUT.safetensors --architecture CIFARResNet
--config '{"depth":8,"classCount":4}' --classes bird,cat,dog,ship --output M.safetensors`.
"""
import argparse
import gzip
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import importlib.util

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
CIFAR_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                 "ship", "truck"]


def datasets_dir():
    folder = os.environ.get("DATASETS_DIR")
    if not folder:
        sys.exit("set DATASETS_DIR (e.g. /work/shared/datasets): see its README")
    return pathlib.Path(folder)


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def mnist_images(count, folder):
    from PIL import Image
    root = datasets_dir() / "mnist"
    with gzip.open(root / "t10k-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(root / "t10k-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    paths = []
    for i in range(min(count, len(images))):
        path = folder / f"mnist-{i:05d}.png"
        # MNIST digits are light on black; classify reads either polarity.
        Image.fromarray(images[i]).save(path)
        paths.append(str(path))
    return paths, [str(l) for l in labels[:len(paths)]]


def cifar_images(count, classes):
    root = datasets_dir() / "cifar10" / "test"
    per_class = {c: sorted((root / c).glob("*.jpg")) for c in classes}
    paths, labels = [], []
    for i in range(count):
        c = classes[i % len(classes)]
        index = i // len(classes)
        if index < len(per_class[c]):
            paths.append(str(per_class[c][index]))
            labels.append(c)
    return paths, labels


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def check(model_path, binaries, count):
    import onnx
    import onnxruntime as ort
    import torch
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(model_path, "np") as f:
        metadata = f.metadata()
    classes = json.loads(metadata["swiftcnn.class_names"])
    method = json.loads(metadata["swiftcnn.preprocessing"])["method"]
    architecture = json.loads(metadata["swiftcnn.architecture"])["name"]
    work = pathlib.Path(tempfile.mkdtemp(prefix="torchio-"))
    swiftcnn, classify = binaries / "swiftcnn", binaries / "classify"

    onnx_path = work / "model.onnx"
    run([swiftcnn, "export-onnx", model_path, "--output", onnx_path])
    run([swiftcnn, "export-torch", model_path, "--output-dir", work / "torch"])
    model = onnx.load(str(onnx_path))
    onnx.checker.check_model(model, full_check=True)
    if method == "mnist-centering":
        paths, labels = mnist_images(count, work)
        dataset = "MNIST test"
    else:
        paths, labels = cifar_images(count, [c for c in classes if c in CIFAR_CLASSES])
        dataset = "CIFAR-10 test"
    run([swiftcnn, "preprocess", model_path, *paths, "--output", work / "input.safetensors"])
    x = load_file(str(work / "input.safetensors"))["input"]

    entries = json.loads(run([classify, "--model", model_path, "--json", "--top",
                              str(len(classes)), *paths]))
    swift = np.zeros((len(paths), len(classes)))
    for row, entry in enumerate(entries):
        assert entry["file"] == paths[row], entry
        for ranked in entry["top"]:
            swift[row, ranked["index"]] = ranked["probability"]

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    onnx_p = softmax(session.run(None, {"input": x.numpy()})[0].astype(np.float64))

    spec = importlib.util.spec_from_file_location("exported", work / "torch" / "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    net = module.build_model()
    net.load_state_dict(load_file(str(work / "torch" / "state_dict.safetensors")), strict=True)
    with torch.no_grad():
        torch_p = torch.softmax(net(x).double(), dim=1).numpy()

    label_index = np.array([classes.index(l) for l in labels])

    def summary(name, p):
        agree = (p.argmax(1) == swift.argmax(1)).mean() * 100
        accuracy = (p.argmax(1) == label_index).mean() * 100
        return (f"  {name:<12} max |p - p_classify| {np.abs(p - swift).max():.2e}   "
                f"top-1 agreement {agree:.2f}%   accuracy {accuracy:.2f}%")

    print(f"{model_path} ({architecture}, {len(model.graph.node)} ONNX nodes, opset "
          f"{model.opset_import[0].version}, IR {model.ir_version}): onnx.checker ok; "
          f"{len(paths)} {dataset} images")
    print(f"  {'classify':<12} accuracy {(swift.argmax(1) == label_index).mean() * 100:.2f}%")
    print(summary("onnxruntime", onnx_p))
    print(summary("PyTorch", torch_p))


def train_cifar_resnet(out, steps=400, seed=0):
    """A depth-8 CIFAR ResNet with the common PyTorch CIFAR ResNet's names, on four classes."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from PIL import Image
    from safetensors.torch import save_file

    torch.manual_seed(seed)
    classes = ["bird", "cat", "dog", "ship"]

    class Block(nn.Module):
        def __init__(self, inputs, planes, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(inputs, planes, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.pad = (stride, planes - inputs) if stride != 1 or inputs != planes else None

        def forward(self, x):
            out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
            side = x
            if self.pad:
                s, added = self.pad
                side = F.pad(x[:, :, ::s, ::s], (0, 0, 0, 0, added // 2, added - added // 2))
            return F.relu(out + side)

    class ResNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 16, 3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(16)
            self.layer1 = nn.Sequential(Block(16, 16, 1))
            self.layer2 = nn.Sequential(Block(16, 32, 2))
            self.layer3 = nn.Sequential(Block(32, 64, 2))
            self.linear = nn.Linear(64, len(classes))

        def forward(self, x):
            x = self.layer3(self.layer2(self.layer1(F.relu(self.bn1(self.conv1(x))))))
            return self.linear(x.mean(dim=(2, 3)))

    root = datasets_dir() / "cifar10" / "train"
    mean = np.array([0.4914, 0.4822, 0.4465]).reshape(3, 1, 1)
    std = np.array([0.2470, 0.2435, 0.2616]).reshape(3, 1, 1)
    images, labels = [], []
    for label, c in enumerate(classes):
        for path in sorted((root / c).glob("*.jpg"))[:2000]:
            pixels = np.asarray(Image.open(path).convert("RGB"), np.float64).transpose(2, 0, 1)
            images.append(((pixels / 255 - mean) / std).astype(np.float32))
            labels.append(label)
    x, y = torch.from_numpy(np.stack(images)), torch.tensor(labels)
    model = ResNet()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    for step in range(steps):
        batch = torch.randint(0, len(x), (128,))
        xb = x[batch]
        flip = torch.rand(len(xb)) < 0.5
        xb[flip] = xb[flip].flip(3)
        loss = F.cross_entropy(model(xb), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 100 == 0:
            print(f"step {step}: loss {loss.item():.3f}")
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, out)
    print(f"saved {out} ({len(model.state_dict())} tensors)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="*")
    parser.add_argument("--bin", default=str(ROOT / ".build" / "release"))
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--train-cifar-resnet", metavar="OUT")
    args = parser.parse_args()
    if args.train_cifar_resnet:
        train_cifar_resnet(args.train_cifar_resnet)
        return
    for model in args.models:
        check(model, pathlib.Path(args.bin), args.images)


if __name__ == "__main__":
    main()
