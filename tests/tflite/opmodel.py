# SPDX-License-Identifier: MIT
"""Single-operator .tflite models built with TFLite's own flatbuffer schema.

Used by the per-builtin tests: each case is one operator with given tensor
shapes, types, quantization and options, so every flag and type of a
builtin can be tried against the interpreter's reference kernels without
the converter (which picks shapes and flags itself, and takes seconds).
"""
import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema

TYPES = {
    np.dtype(np.float32): schema.TensorType.FLOAT32,
    np.dtype(np.int8): schema.TensorType.INT8,
    np.dtype(np.uint8): schema.TensorType.UINT8,
    np.dtype(np.int16): schema.TensorType.INT16,
    np.dtype(np.int32): schema.TensorType.INT32,
    np.dtype(np.int64): schema.TensorType.INT64,
    np.dtype(np.bool_): schema.TensorType.BOOL,
    np.dtype(np.float64): schema.TensorType.FLOAT64,
    np.dtype(np.complex64): schema.TensorType.COMPLEX64,
    np.dtype(np.complex128): schema.TensorType.COMPLEX128,
}


class T:
    """One tensor: shape, numpy dtype, (scale, zero point) or None, and
    constant data (then it is a weight, not a model input)."""

    def __init__(self, shape, dtype, quant=None, data=None, low=None, variable=False,
                 signature=None, feed=None):
        self.shape = list(shape)
        self.feed = None if feed is None else np.asarray(feed, dtype).reshape(shape)
        self.signature = signature  # shape_signature (-1: dynamic), or None
        self.variable = variable    # state the op updates (TFLite zeroes it)
        self.low = low          # smallest random input (stored value)
        self.dtype = np.dtype(dtype)
        self.quant = quant
        self.data = None if data is None else np.asarray(data, self.dtype)


def _tensor(t, i, buf):
    tt = schema.TensorT()
    tt.shape = t.shape
    if t.signature is not None:
        tt.shapeSignature = list(t.signature)
    tt.type = TYPES[t.dtype]
    tt.buffer = buf
    tt.name = "t%d" % i
    tt.isVariable = t.variable
    if t.quant is not None:
        q = schema.QuantizationParametersT()
        scale, zp = t.quant
        q.scale = list(np.atleast_1d(scale).astype(float))
        q.zeroPoint = [int(z) for z in np.atleast_1d(zp)]
        tt.quantization = q
    return tt


def build(op, inputs, outputs, opts_type=0, opts=None, version=1):
    """The bytes of a model with one operator @op (schema.BuiltinOperator)."""
    n = len(inputs)
    return build_graph(list(inputs) + list(outputs),
                       [(op, list(range(n)), list(range(n, n + len(outputs))),
                         opts_type, opts, version)],
                       list(range(n, n + len(outputs))))


def build_graph(tensors, ops, outputs):
    """The bytes of a model of @tensors (T) and @ops, each (builtin, input
    indices, output indices, options type, options, version), in order;
    the model's inputs are the tensors no op writes, without data and not
    variable; an input index of -1 is an absent optional input."""
    m = schema.ModelT()
    m.version = 3
    m.description = "opmodel"
    m.buffers = [schema.BufferT()]
    sg = schema.SubGraphT()
    sg.tensors, sg.inputs = [], []
    written = {o for op in ops for o in op[2]}
    for i, t in enumerate(tensors):
        b = 0
        if t.data is not None:
            buf = schema.BufferT()
            buf.data = list(t.data.tobytes())
            m.buffers.append(buf)
            b = len(m.buffers) - 1
        sg.tensors.append(_tensor(t, i, b))
        if i not in written and t.data is None and not t.variable:
            sg.inputs.append(i)
    sg.outputs = list(outputs)
    sg.operators = []
    m.operatorCodes = []
    codes = {}
    for code, ins, outs, opts_type, opts, version in ops:
        if (code, version) not in codes:
            codes[(code, version)] = len(m.operatorCodes)
            oc = schema.OperatorCodeT()
            oc.builtinCode = code
            oc.deprecatedBuiltinCode = min(code, 127)
            oc.version = version
            m.operatorCodes.append(oc)
        o = schema.OperatorT()
        o.opcodeIndex = codes[(code, version)]
        o.inputs = list(ins)
        o.outputs = list(outs)
        o.builtinOptionsType = opts_type
        o.builtinOptions = opts
        sg.operators.append(o)
    m.subgraphs = [sg]
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def random_input(rng, t):
    """Values over the whole range of @t's type (floats and both parts of
    complex values in [-4, 4)), or the tensor's own feed."""
    if t.feed is not None:
        return t.feed.copy()
    if t.dtype in (np.float32, np.float64):
        return rng.uniform(-4, 4, t.shape).astype(t.dtype)
    if t.dtype.kind == "c":
        return (rng.uniform(-4, 4, t.shape) + 1j * rng.uniform(-4, 4, t.shape)).astype(t.dtype)
    if t.dtype == np.bool_:
        return rng.integers(0, 2, t.shape).astype(np.bool_)
    info = np.iinfo(t.dtype)
    lo, hi = max(info.min, -(1 << 20)), min(info.max, 1 << 20)
    if t.low is not None:
        lo = max(lo, t.low)
    return rng.integers(lo, hi + 1, t.shape).astype(t.dtype)


def reference(model, feeds, resolver="BUILTIN_REF"):
    """Outputs of TFLite's reference kernels (BUILTIN_REF) on @feeds, or
    of another resolver (BUILTIN_WITHOUT_DEFAULT_DELEGATES: the
    interpreter's own kernels, where its reference kernel is wrong)."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    it = Interpreter(model_content=model,
                     experimental_op_resolver_type=getattr(OpResolverType, resolver))
    it.allocate_tensors()
    for d, v in zip(it.get_input_details(), feeds):
        it.set_tensor(d["index"], v)
    it.invoke()
    return [it.get_tensor(d["index"]) for d in it.get_output_details()]
