#!/usr/bin/env python3
"""Smoke test of the numerical reference: the TFLite interpreter of the build
venv (ai_edge_litert) with its reference kernels (BUILTIN_REF) runs
person_detect on both images and must give the goldens of
../shared/models/golden byte for byte.

Run by `make -C tests check` with build/venv/bin/python, from the project
root (NPU_TOP).  Prints TAP and a closing "N passed, N failed" line.
"""
import os
import struct
import sys

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema
from ai_edge_litert.interpreter import Interpreter, OpResolverType

TOP = os.environ.get("NPU_TOP", ".")
MODELS = os.path.join(TOP, "..", "shared", "models")
IMAGES = ("person", "no_person")


def bmp_pixels(path):
    """The pixel bytes of an 8-bit BMP, rows top-down (how TFLM feeds them)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] != b"BM":
        raise ValueError(f"{path}: not a BMP")
    offset, = struct.unpack_from("<I", data, 10)
    width, height = struct.unpack_from("<ii", data, 18)
    bpp, compression = struct.unpack_from("<HI", data, 28)
    if bpp != 8 or compression != 0:
        raise ValueError(f"{path}: {bpp} bits per pixel, compression {compression}")
    stride = (width + 3) & ~3
    rows = [data[offset + r * stride:offset + r * stride + width]
            for r in range(abs(height))]
    if height > 0:          # positive height: stored bottom-up
        rows.reverse()
    return b"".join(rows)


def reference_model(path):
    """The model as bytes the TFLite interpreter accepts.

    person_detect.tflite (from TFLM) gives its rank-1 bias tensors the
    quantized_dimension of the weights (3); TFLM ignores it, the TFLite
    interpreter refuses the file ("quantized_dimension must be in range
    [0, 1)").  A rank-1 tensor has only axis 0, so setting it there changes
    no number.
    """
    with open(path, "rb") as f:
        model = schema.ModelT.InitFromPackedBuf(f.read(), 0)
    for subgraph in model.subgraphs:
        for tensor in subgraph.tensors:
            q = tensor.quantization
            if (q is not None and tensor.shape is not None
                    and len(tensor.shape) == 1 and q.quantizedDimension):
                q.quantizedDimension = 0
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def int8s(data):
    return [int(v) for v in np.frombuffer(data, dtype=np.int8)]


class Tap:
    def __init__(self):
        self.n = self.failed = 0
        print("TAP version 13")

    def check(self, cond, name, why=""):
        self.n += 1
        if not cond:
            self.failed += 1
        print(f"{'ok' if cond else 'not ok'} {self.n} - {name}"
              + (f" # {why}" if why and not cond else ""))

    def done(self):
        print(f"1..{self.n}")
        print(f"{self.n - self.failed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def main():
    tap = Tap()
    interp = Interpreter(
        model_content=reference_model(
            os.path.join(MODELS, "tflm", "person_detect.tflite")),
        experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]
    out = interp.get_output_details()[0]
    tap.check(inp["dtype"] == np.int8 and list(inp["shape"]) == [1, 96, 96, 1],
              "person_detect input is int8 [1,96,96,1]",
              f"{inp['dtype']} {list(inp['shape'])}")

    for image in IMAGES:
        golden = os.path.join(MODELS, "golden", f"person_detect.{image}")
        with open(golden + ".in0.bin", "rb") as f:
            golden_in = f.read()
        with open(golden + ".out0.bin", "rb") as f:
            golden_out = f.read()
        pixels = bmp_pixels(os.path.join(MODELS, "tflm", image + ".bmp"))
        tap.check(pixels == golden_in,
                  f"{image}.bmp pixel bytes are the golden input")
        interp.set_tensor(inp["index"], np.frombuffer(
            pixels, dtype=np.int8).reshape(inp["shape"]))
        interp.invoke()
        got = interp.get_tensor(out["index"]).tobytes()
        tap.check(got == golden_out,
                  f"BUILTIN_REF person_detect on {image}.bmp gives the golden "
                  f"{int8s(golden_out)}", f"got {int8s(got)}")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
