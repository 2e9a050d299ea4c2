#!/usr/bin/env python3
"""Golden fixtures for the Checkpoints package (safetensors interop with PyTorch).

Writes, with Python's own `safetensors.torch.save_file`:

  Packages/Checkpoints/Tests/CheckpointsTests/Fixtures/
    torch_dtypes.safetensors   one tensor of every dtype the Swift reader converts
                               (F32 F16 BF16 F64 I64 I32 I16 I8 U8 U16 U32 U64 BOOL F8_E4M3
                               F8_E5M2), with edge values, and {"format": "pt", ...} metadata
    torch_f32_plain.safetensors      float32 state dict of a tiny conv net, no metadata
    torch_f32_metadata.safetensors   the same tensors plus one metadata entry full of
                                     characters JSON must escape (and some it must not)

and the Swift source the tests compare against:

  Packages/Checkpoints/Tests/CheckpointsTests/TorchGoldenValues.swift
    every tensor's dtype, shape and its values converted by PyTorch with
    `tensor.to(torch.float32)`, as Float bit patterns (exact, NaN-safe), and the metadata.

The F32 fixtures let the tests prove both directions without Python in CI: the Swift reader
gives PyTorch's values, and the Swift writer, fed the same tensors and metadata, produces the
same bytes as `save_file` (one metadata key at most: Python writes several in hash order).

Run from the repository root:  python3 Tools/reference/checkpoints_golden.py
Needs torch and safetensors (tested with torch 2.15, safetensors 0.8).
"""
import json
import os
import struct

import torch
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTS = os.path.join(ROOT, "Packages", "Checkpoints", "Tests", "CheckpointsTests")
FIXTURES = os.path.join(TESTS, "Fixtures")

SAFETENSORS_DTYPE = {
    torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.uint16: "U16", torch.uint32: "U32", torch.uint64: "U64",
    torch.bool: "BOOL", torch.float8_e4m3fn: "F8_E4M3", torch.float8_e5m2: "F8_E5M2",
}


def dtype_tensors():
    g = torch.Generator().manual_seed(20250131)
    inf, nan = float("inf"), float("nan")
    edge = [0.0, -0.0, 1.0, -2.5, 65504.0, 6.0e-8, 1.0e-5, inf, -inf, nan, 0.1, 3.14159]
    return {
        "f32": torch.randn(2, 3, generator=g),
        "f16": torch.tensor(edge, dtype=torch.float16),
        "bf16": torch.tensor([0.0, -1.0, 3.0e38, 1.0e-40, 0.1, inf, nan, 7.5],
                             dtype=torch.bfloat16),
        "f64": torch.tensor([[1.0 / 3.0, -1e300], [1e-310, 2.0 ** 24 + 1]], dtype=torch.float64),
        "i64": torch.tensor([0, -1, 2 ** 40 + 1, -(2 ** 63), 2 ** 63 - 1, 16777217],
                            dtype=torch.int64),
        "i32": torch.tensor([[-(2 ** 31), 2 ** 31 - 1, 7]], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767, -5], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 0, -1], dtype=torch.int8),
        "u8": torch.arange(0, 256, 51, dtype=torch.uint8).reshape(2, 3),
        "u16": torch.tensor([0, 65535, 1234], dtype=torch.uint16),
        "u32": torch.tensor([0, 2 ** 32 - 1, 16777217], dtype=torch.uint32),
        "u64": torch.tensor([0, 2 ** 64 - 1, 2 ** 53 + 1], dtype=torch.uint64),
        "bool": torch.tensor([[True, False], [False, True]]),
        "f8_e4m3": torch.tensor([0.0, -0.0, 1.0, 448.0, -448.0, 0.001953125, 0.013671875, 0.3],
                                dtype=torch.float8_e4m3fn),
        "f8_e5m2": torch.tensor([0.0, 1.0, -57344.0, 1.52587890625e-05, inf, -inf, 0.3],
                                dtype=torch.float8_e5m2),
        "scalar_i64": torch.tensor(42, dtype=torch.int64),
    }


def f32_state_dict():
    """The state dict of a tiny conv net, with a scalar and an empty tensor added."""
    torch.manual_seed(7)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(8, 3))
    state = {k: v.detach().clone().contiguous() for k, v in net.state_dict().items()}
    state["temperature"] = torch.tensor(1.5)
    state["empty"] = torch.zeros(0, 4)
    state["Z.upper"] = torch.tensor([-0.0, 1e-45])  # sorts before lower case by byte
    return state


ESCAPE_METADATA = {
    "notes": "quote \" backslash \\ slash / newline \n tab \t return \r backspace \b "
             "formfeed \f bell \x07 unit \x1f del \x7f e-acute \u00e9 euro \u20ac "
             "emoji \U0001F600 line-sep \u2028",
}


def bits_literal(t):
    values = t.to(torch.float32).reshape(-1).tolist()
    bits = ["0x%08X" % struct.unpack("<I", struct.pack("<f", v))[0] for v in values]
    rows = [", ".join(bits[i:i + 6]) for i in range(0, len(bits), 6)]
    return "[" + ",\n                ".join(rows) + "]"


def swift_string(s):
    out = []
    for ch in s:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif code < 0x20 or code == 0x7F or code > 0x7E:
            out.append("\\u{%X}" % code)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def swift_entries(tensors, dtype_of):
    lines = []
    for name, t in tensors.items():
        lines.append("        GoldenTensor(\n"
                     "            name: %s, dtype: %s, shape: %s,\n"
                     "            bits: %s),"
                     % (swift_string(name), swift_string(dtype_of(t)), list(t.shape),
                        bits_literal(t)))
    return "\n".join(lines)


def swift_metadata(metadata):
    if not metadata:
        return "[:]"
    lines = []
    for key, value in sorted(metadata.items()):
        chunks = [swift_string(value[i:i + 40]) for i in range(0, len(value), 40)] or ['""']
        lines.append("        %s:\n            %s," % (
            swift_string(key), "\n            + ".join(chunks)))
    return "[\n" + "\n".join(lines) + "\n    ]"


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    dtypes = dtype_tensors()
    # One key only: Python writes several in hash order, which would make reruns differ.
    dtype_metadata = {"format": "pt"}
    save_file(dtypes, os.path.join(FIXTURES, "torch_dtypes.safetensors"), metadata=dtype_metadata)
    state = f32_state_dict()
    save_file(state, os.path.join(FIXTURES, "torch_f32_plain.safetensors"))
    save_file(state, os.path.join(FIXTURES, "torch_f32_metadata.safetensors"),
              metadata=ESCAPE_METADATA)

    source = '''// Generated by Tools/reference/checkpoints_golden.py; do not edit.
// PyTorch %s, safetensors (Python) %s.
// Values are `tensor.to(torch.float32)` as bit patterns.

/// A tensor of a golden fixture: its stored dtype and shape, and the Float values PyTorch
/// converts it to.
struct GoldenTensor {
    var name: String
    var dtype: String
    var shape: [Int]
    var bits: [UInt32]

    var values: [Float] { bits.map(Float.init(bitPattern:)) }
}

enum TorchGolden {
    /// Fixtures/torch_dtypes.safetensors: one tensor per dtype.
    static let dtypeTensors: [GoldenTensor] = [
%s
    ]

    /// The metadata of torch_dtypes.safetensors.
    static let dtypeMetadata: [String: String] = %s

    /// Fixtures/torch_f32_plain.safetensors and torch_f32_metadata.safetensors: float32
    /// tensors (a tiny conv net's state dict, a scalar, an empty tensor).
    static let f32Tensors: [GoldenTensor] = [
%s
    ]

    /// The metadata of torch_f32_metadata.safetensors (torch_f32_plain has none).
    static let escapeMetadata: [String: String] = %s
}
''' % (torch.__version__.split("+")[0], __import__("safetensors").__version__,
       swift_entries(dtypes, lambda t: SAFETENSORS_DTYPE[t.dtype]),
       swift_metadata(dtype_metadata),
       swift_entries(state, lambda t: SAFETENSORS_DTYPE[t.dtype]),
       swift_metadata(ESCAPE_METADATA))
    with open(os.path.join(TESTS, "TorchGoldenValues.swift"), "w") as f:
        f.write(source)
    for name in sorted(os.listdir(FIXTURES)):
        os.chmod(os.path.join(FIXTURES, name), 0o644)  # save_file creates files as 0600
        print("%-32s %5d bytes" % (name, os.path.getsize(os.path.join(FIXTURES, name))))


if __name__ == "__main__":
    main()
