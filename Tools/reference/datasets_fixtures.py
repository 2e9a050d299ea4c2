#!/usr/bin/env python3
"""Generates Packages/Datasets/Tests/DatasetsTests/Support/ReferenceFixtures.swift.

Small files encoded by Pillow (an encoder independent of ours) with the pixels Pillow decodes
from them, and resize goldens from PyTorch. The tests never run Python: rerun this script and
commit its output when a fixture changes.

    python3 Tools/reference/datasets_fixtures.py
"""
import base64
import io
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Packages", "Datasets", "Tests",
                   "DatasetsTests", "Support", "ReferenceFixtures.swift")


def pattern(height, width, channels):
    """The test pattern the Swift tests also build: (37 x + 61 y + 17 c + 11 x y) mod 256."""
    y, x, c = np.meshgrid(np.arange(height), np.arange(width), np.arange(channels),
                          indexing="ij")
    return ((37 * x + 61 * y + 17 * c + 11 * x * y) % 256).astype(np.uint8)


def smooth(height, width, channels):
    """A smooth pattern that JPEG reproduces well."""
    y, x, c = np.meshgrid(np.arange(height), np.arange(width), np.arange(channels),
                          indexing="ij")
    return (40 + 10 * x + 7 * y + 30 * c).clip(0, 255).astype(np.uint8)


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def strip_adobe(jpeg):
    """The JPEG without its APP14 ("Adobe") segment."""
    out, i = bytearray(jpeg[:2]), 2
    while i < len(jpeg):
        marker, length = jpeg[i + 1], int.from_bytes(jpeg[i + 2:i + 4], "big")
        if marker == 0xDA:  # start of scan: the rest is entropy-coded data
            out += jpeg[i:]
            break
        if marker != 0xEE:
            out += jpeg[i:i + 2 + length]
        i += 2 + length
    assert b"Adobe" not in out
    return bytes(out)


def b64(data):
    return base64.b64encode(bytes(data)).decode()


def wrap(items, separator, width=88):
    """Joins items into lines of at most `width` characters, indented by 8 spaces."""
    lines, line = [], ""
    for item in items:
        piece = item + separator
        if line and len(line) + len(piece) > width:
            lines.append(line.rstrip())
            line = ""
        line += piece
    lines.append(line.rstrip().rstrip(","))
    return "\n".join("        " + l for l in lines)


def swift_bytes(name, doc, data):
    text = b64(data)
    chunks = [text[i:i + 88] for i in range(0, len(text), 88)]
    body = "\n".join("        " + c for c in chunks)
    return (f'    /// {doc}\n    static let {name} = bytes(\n        """\n{body}\n'
            f'        """)\n')


def swift_ints(name, doc, values):
    body = wrap([str(int(v)) for v in values], ", ")
    return f"    /// {doc}\n    static let {name}: [Int] = [\n{body}\n    ]\n"


def main():
    parts = []

    # JPEG: progressive RGB, greyscale, and CMYK (Pillow writes CMYK inverted with an Adobe
    # marker, as Photoshop does).
    rgb = Image.fromarray(smooth(12, 16, 3), "RGB")
    progressive = encode(rgb, "JPEG", quality=90, progressive=True)
    parts.append(swift_bytes("progressiveJPEG", "A 16x12 progressive RGB JPEG by Pillow.",
                             progressive))
    parts.append(swift_bytes(
        "progressiveJPEGPixels", "The RGB bytes Pillow decodes from progressiveJPEG.",
        np.asarray(Image.open(io.BytesIO(progressive)).convert("RGB")).tobytes()))

    grey = Image.fromarray(smooth(8, 8, 1)[:, :, 0], "L")
    grey_jpeg = encode(grey, "JPEG", quality=90)
    parts.append(swift_bytes("greyJPEG", "An 8x8 greyscale JPEG by Pillow.", grey_jpeg))
    parts.append(swift_bytes("greyJPEGPixels", "The grey bytes Pillow decodes from greyJPEG.",
                             np.asarray(Image.open(io.BytesIO(grey_jpeg)).convert("L")).tobytes()))

    cmyk = Image.fromarray(smooth(8, 8, 4), "CMYK")
    cmyk_jpeg = encode(cmyk, "JPEG", quality=95)
    parts.append(swift_bytes("cmykJPEG", "An 8x8 CMYK JPEG (Adobe, inverted) by Pillow.",
                             cmyk_jpeg))
    parts.append(swift_bytes(
        "cmykJPEGPixels", "The RGB bytes Pillow's convert('RGB') gives for cmykJPEG.",
        np.asarray(Image.open(io.BytesIO(cmyk_jpeg)).convert("RGB")).tobytes()))

    plain_cmyk = strip_adobe(cmyk_jpeg)
    parts.append(swift_bytes("plainCMYKJPEG",
                             "cmykJPEG without its Adobe marker (Pillow still reads it as inverted).",
                             plain_cmyk))
    parts.append(swift_bytes(
        "plainCMYKJPEGPixels", "The RGB bytes Pillow's convert('RGB') gives for plainCMYKJPEG.",
        np.asarray(Image.open(io.BytesIO(plain_cmyk)).convert("RGB")).tobytes()))

    # PNG: a palette image with a transparent entry, and an RGBA image, both compressed with
    # libpng's filters as Pillow writes them.
    palette = Image.fromarray((pattern(5, 6, 1)[:, :, 0] % 4).astype(np.uint8), "P")
    palette.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30] + [0] * (256 * 3 - 12))
    palette_png = encode(palette, "PNG", transparency=2)
    parts.append(swift_bytes("palettePNG",
                             "A 6x5 palette PNG by Pillow; palette entry 2 is transparent.",
                             palette_png))
    parts.append(swift_bytes(
        "palettePNGPixels", "The RGBA bytes Pillow decodes from palettePNG.",
        np.asarray(Image.open(io.BytesIO(palette_png)).convert("RGBA")).tobytes()))

    rgba = Image.fromarray(pattern(4, 5, 4), "RGBA")
    parts.append(swift_bytes("rgbaPNG", "A 5x4 RGBA PNG of pattern(4, 5, 4) by Pillow.",
                             encode(rgba, "PNG", optimize=True)))

    # Resize goldens from PyTorch on the test pattern, as float results (rounded by the test).
    source = torch.tensor(pattern(5, 7, 3), dtype=torch.float64).permute(2, 0, 1)[None]
    for (h, w) in [(3, 4), (9, 11)]:
        out = F.interpolate(source, size=(h, w), mode="bilinear", align_corners=False)
        values = out[0].permute(1, 2, 0).reshape(-1).round().to(torch.int64).tolist()
        parts.append(swift_ints(
            f"bilinear5x7To{h}x{w}",
            f"pattern(5, 7, 3) resized to {h}x{w} by F.interpolate(bilinear, "
            "align_corners=False), rounded, HWC.", values))
    area_source = torch.tensor(pattern(6, 8, 3), dtype=torch.float64).permute(2, 0, 1)[None]
    out = F.interpolate(area_source, size=(3, 4), mode="area")
    values = out[0].permute(1, 2, 0).reshape(-1).round().to(torch.int64).tolist()
    parts.append(swift_ints("area6x8To3x4",
                            "pattern(6, 8, 3) resized to 3x4 by F.interpolate(area), rounded, "
                            "HWC.", values))

    # One real CIFAR-10 file (only a number derived from it is stored, never the image).
    datasets = os.environ.get("DATASETS_DIR", os.path.join(os.path.dirname(__file__), "..", "..",
                                                           "..", "shared", "datasets"))
    cat = np.asarray(Image.open(os.path.join(datasets, "cifar10", "train", "cat", "0000.jpg"))
                     .convert("RGB"))
    parts.append(f"    /// The sum of the RGB bytes Pillow decodes from cifar10/train/cat/0000.jpg.\n"
                 f"    static let cifarCat0000Sum = {int(cat.astype(np.int64).sum())}\n")

    header = (
        "// Generated by Tools/reference/datasets_fixtures.py; do not edit.\n// Pillow "
        f"{Image.__version__}, PyTorch {torch.__version__.split('+')[0]}.\n"
        "import Foundation\n\n"
        "/// Files encoded by Pillow with the pixels Pillow decodes from them, and PyTorch\n"
        "/// resize goldens.\n"
        "enum ReferenceFixtures {\n"
        "    private static func bytes(_ base64: String) -> [UInt8] {\n"
        "        [UInt8](Data(base64Encoded: base64, options: .ignoreUnknownCharacters) ?? Data())\n"
        "    }\n\n")
    with open(OUT, "w") as f:
        f.write(header + "\n".join(parts) + "}\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
