# SPDX-License-Identifier: MIT
"""Helpers shared by the delegate's test and benchmark."""
import flatbuffers
from ai_edge_litert import schema_py_generated as schema


def normalize_bias_quant(src, dst):
    """Copy of the model @src without the stale quantized_dimension of rank-1 tensors.

    Old converters wrote the weights' channel dimension (3) into rank-1 bias
    tensors (person_detect.tflite does).  TFLite never reads it there, but
    ai-edge-litert 2.3's loader refuses such a model; libnpu's reader
    ignores it the same way.  Returns True when something was changed.
    """
    buf = open(src, "rb").read()
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAs(buf, 0))
    changed = False
    for sg in model.subgraphs or []:
        for t in sg.tensors or []:
            q = t.quantization
            if q is not None and t.shape is not None and len(t.shape) == 1 and \
                    q.quantizedDimension:
                q.quantizedDimension = 0
                changed = True
    b = flatbuffers.Builder(len(buf) + 4096)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    with open(dst, "wb") as f:
        f.write(b.Output())
    return changed
