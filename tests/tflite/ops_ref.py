#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Single-operator models against TFLite's reference kernels: ops_ref.py OUTDIR

Every case is one builtin with its shapes, types and options, built with
TFLite's own schema (opmodel.py), run by the TFLite interpreter with its
reference kernels (BUILTIN_REF) on seeded random inputs, and by the
project's CPU path (npu-run --cpu).  Integer outputs must be the same
bytes; float32 outputs may differ by 1e-5 relative (float sums in another
order).  The models, inputs and reference outputs stay in OUTDIR (cached
by a key of this script and opmodel.py) with a manifest, cases.txt, that
tests/model/builtin_ops.sh reads in the VM to run the same cases on the
NPU, with the placement npu-compile must give each (checked here too).  Prints TAP and a closing "N passed, N failed" line.
"""
import hashlib
import os
import re
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import flatbuffers  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opmodel as om  # noqa: E402
from ai_edge_litert import schema_py_generated as s  # noqa: E402

BO = s.BuiltinOperator
OPT = s.BuiltinOptions
Q8 = (0.05, 3)          # int8 / uint8 quantization of the cases
Q16 = (0.001, 0)


def q_of(dt):
    dt = np.dtype(dt)
    if dt == np.int8:
        return Q8
    if dt == np.uint8:
        return (0.05, 131)
    if dt == np.int16:
        return Q16
    return None


def resize_cases():
    """(name, model bytes, input tensors) of RESIZE_*: each flag and type."""
    shapes = [((1, 3, 4, 3), (7, 9)), ((2, 5, 5, 2), (2, 3)),
              ((1, 4, 6, 1), (8, 12)), ((1, 7, 3, 4), (5, 11)),
              ((1, 1, 1, 2), (3, 2)), ((1, 6, 6, 8), (6, 6))]
    flags = [(False, False), (True, False), (False, True)]
    for op, opts_cls, otype, tname, types in (
            (BO.RESIZE_BILINEAR, s.ResizeBilinearOptionsT,
             OPT.ResizeBilinearOptions, "resize_bilinear",
             (np.int8, np.int16, np.float32, np.uint8)),
            (BO.RESIZE_NEAREST_NEIGHBOR, s.ResizeNearestNeighborOptionsT,
             OPT.ResizeNearestNeighborOptions, "resize_nearest",
             (np.int8, np.int16, np.float32, np.uint8))):
        fl = flags + ([(True, True)] if op == BO.RESIZE_NEAREST_NEIGHBOR else [])
        for dt in types:
            for k, (ishape, (oh, ow)) in enumerate(shapes):
                for align, half in fl:
                    inp = om.T(ishape, dt, q_of(dt))
                    size = om.T([2], np.int32, None, [oh, ow])
                    out = om.T([ishape[0], oh, ow, ishape[3]], dt, q_of(dt))
                    o = opts_cls()
                    o.alignCorners, o.halfPixelCenters = align, half
                    name = "%s.%s.s%d%s%s" % (tname, np.dtype(dt).name, k,
                                              ".align" if align else "",
                                              ".half" if half else "")
                    yield name, om.build(op, [inp, size], [out], otype, o, 1), [inp]


def resize_edge_cases():
    """RESIZE_* at the edges TFLite accepts: a nearest size of 0, an empty
    batch or channel axis (empty outputs), 1 x 1 with align_corners."""
    for op, opts_cls, otype, tname in (
            (BO.RESIZE_BILINEAR, s.ResizeBilinearOptionsT, OPT.ResizeBilinearOptions,
             "resize_bilinear"),
            (BO.RESIZE_NEAREST_NEIGHBOR, s.ResizeNearestNeighborOptionsT,
             OPT.ResizeNearestNeighborOptions, "resize_nearest")):
        edges = [("batch0", (0, 3, 4, 2), (5, 5), False), ("chan0", (1, 3, 4, 0), (5, 5), False),
                 ("to1x1", (1, 3, 4, 2), (1, 1), True), ("from1x1", (1, 1, 1, 2), (3, 3), True)]
        if op == BO.RESIZE_NEAREST_NEIGHBOR:
            edges += [("size0x5", (1, 3, 4, 2), (0, 5), False),
                      ("size5x0", (1, 3, 4, 2), (5, 0), False),
                      ("size0x0", (1, 3, 4, 2), (0, 0), False)]
        for dt in (np.int8, np.float32):
            for ename, ishape, (oh, ow), align in edges:
                inp = om.T(ishape, dt, q_of(dt))
                yield ("%s.%s.%s" % (tname, np.dtype(dt).name, ename),
                       om.build(op, [inp, om.T([2], np.int32, None, [oh, ow])],
                                [om.T([ishape[0], oh, ow, ishape[3]], dt, q_of(dt))], otype,
                                opts(opts_cls, alignCorners=align), 1),
                       [inp])


MOVE_TYPES = (np.int8, np.uint8, np.int16, np.int32, np.float32)


def opts(cls, **kw):
    o = cls()
    for k, v in kw.items():
        setattr(o, k, v)
    return o


def movement_cases():
    """(name, model, inputs) of the data-movement builtins, each type."""
    i32 = np.int32
    for dt in MOVE_TYPES:
        q = q_of(dt)
        tn = np.dtype(dt).name
        # PACK: 3 inputs of [2, 3, 4] along each axis (and -1).
        for axis in (0, 1, 3, -1):
            shape = [2, 3, 4]
            oshape = shape[:axis % 4] + [3] + shape[axis % 4:]
            yield ("pack.%s.axis%d" % (tn, axis),
                   om.build(BO.PACK, [om.T(shape, dt, q)] * 3, [om.T(oshape, dt, q)],
                            OPT.PackOptions, opts(s.PackOptionsT, valuesCount=3, axis=axis)),
                   [om.T(shape, dt, q)] * 3)
        # UNPACK of [2, 3, 4] along each axis.
        for axis in (0, 1, 2, -2):
            shape = [2, 3, 4]
            a = axis % 3
            oshape = shape[:a] + shape[a + 1:]
            yield ("unpack.%s.axis%d" % (tn, axis),
                   om.build(BO.UNPACK, [om.T(shape, dt, q)], [om.T(oshape, dt, q)] * shape[a],
                            OPT.UnpackOptions, opts(s.UnpackOptionsT, num=shape[a], axis=axis)),
                   [om.T(shape, dt, q)])
        # SPLIT of [1, 4, 6, 2] in 2 along 1, in 3 along 2 (-2).
        for axis, n in ((1, 2), (-2, 3), (0, 1)):
            shape = [1, 4, 6, 2]
            oshape = list(shape)
            oshape[axis % 4] //= n
            yield ("split.%s.axis%d" % (tn, axis),
                   om.build(BO.SPLIT, [om.T([], i32, None, [axis]), om.T(shape, dt, q)],
                            [om.T(oshape, dt, q)] * n, OPT.SplitOptions,
                            opts(s.SplitOptionsT, numSplits=n)),
                   [om.T(shape, dt, q)])
        # SPLIT_V of [2, 7, 3] along 1 into 2, -1 (= 4), 1.
        yield ("split_v.%s" % tn,
               om.build(BO.SPLIT_V, [om.T([2, 7, 3], dt, q), om.T([3], i32, None, [2, -1, 1]),
                                     om.T([], i32, None, [1])],
                        [om.T([2, 2, 3], dt, q), om.T([2, 4, 3], dt, q), om.T([2, 1, 3], dt, q)],
                        OPT.SplitVOptions, opts(s.SplitVOptionsT, numSplits=3)),
               [om.T([2, 7, 3], dt, q)])
        # SLICE with explicit sizes and with -1.
        for k, (begin, size, oshape) in enumerate((([0, 1, 2, 0], [1, 2, 3, 3], [1, 2, 3, 3]),
                                                   ([1, 0, 1, 1], [-1, 3, -1, 2], [1, 3, 4, 2]))):
            yield ("slice.%s.%d" % (tn, k),
                   om.build(BO.SLICE, [om.T([2, 4, 5, 3], dt, q), om.T([4], i32, None, begin),
                                       om.T([4], i32, None, size)], [om.T(oshape, dt, q)]),
                   [om.T([2, 4, 5, 3], dt, q)])
        yield ("squeeze.%s" % tn,
               om.build(BO.SQUEEZE, [om.T([1, 3, 1, 4], dt, q)], [om.T([3, 4], dt, q)],
                        OPT.SqueezeOptions, opts(s.SqueezeOptionsT, squeezeDims=[0, 2])),
               [om.T([1, 3, 1, 4], dt, q)])
        yield ("expand_dims.%s" % tn,
               om.build(BO.EXPAND_DIMS, [om.T([3, 4], dt, q), om.T([], i32, None, [1])],
                        [om.T([3, 1, 4], dt, q)]),
               [om.T([3, 4], dt, q)])
        for b in (2, 3):
            yield ("space_to_depth.%s.b%d" % (tn, b),
                   om.build(BO.SPACE_TO_DEPTH, [om.T([2, 2 * b, 3 * b, 3], dt, q)],
                            [om.T([2, 2, 3, 3 * b * b], dt, q)], OPT.SpaceToDepthOptions,
                            opts(s.SpaceToDepthOptionsT, blockSize=b)),
                   [om.T([2, 2 * b, 3 * b, 3], dt, q)])
            yield ("depth_to_space.%s.b%d" % (tn, b),
                   om.build(BO.DEPTH_TO_SPACE, [om.T([2, 2, 3, 2 * b * b], dt, q)],
                            [om.T([2, 2 * b, 3 * b, 2], dt, q)], OPT.DepthToSpaceOptions,
                            opts(s.DepthToSpaceOptionsT, blockSize=b)),
                   [om.T([2, 2, 3, 2 * b * b], dt, q)])
        cval = {np.dtype(np.float32): 1.5, np.dtype(np.int32): -7}.get(np.dtype(dt), 5)
        yield ("padv2.%s" % tn,
               om.build(BO.PADV2, [om.T([1, 2, 3, 2], dt, q),
                                   om.T([4, 2], i32, None, [0, 0, 1, 2, 0, 1, 2, 0]),
                                   om.T([], dt, q, [cval])],
                        [om.T([1, 5, 4, 4], dt, q)]),
               [om.T([1, 2, 3, 2], dt, q)])


def gather_cases():
    """GATHER (axes, batch_dims, int32/int64 indices) and GATHER_ND."""
    for dt in MOVE_TYPES + (np.int64, np.bool_):
        q, tn = q_of(dt), np.dtype(dt).name
        for it in (np.int32, np.int64):
            for axis, bd, ishape, idx, oshape in (
                    (0, 0, [5], [4, 0, 2, 2, 1], [5, 3, 4]),
                    (1, 0, [2, 2], [[2, 0], [1, 1]], [4, 2, 2, 4]),
                    (-1, 0, [3], [3, 0, 1], [4, 3, 3]),
                    (1, 1, [4, 2], [[2, 0], [1, 1], [0, 0], [2, 1]], [4, 2, 4])):
                params = [5, 3, 4] if axis == 0 else [4, 3, 4]
                yield ("gather.%s.%s.axis%d.bd%d" % (tn, np.dtype(it).name, axis, bd),
                       om.build(BO.GATHER, [om.T(params, dt, q), om.T(ishape, it, None, idx)],
                                [om.T(oshape, dt, q)], OPT.GatherOptions,
                                opts(s.GatherOptionsT, axis=axis, batchDims=bd)),
                       [om.T(params, dt, q)])
            for k, (ishape, idx, oshape) in enumerate((
                    ([3, 2], [[1, 2], [0, 0], [3, 1]], [3, 5]),
                    ([2, 1, 3], [[[3, 2, 4]], [[0, 1, 0]]], [2, 1]),
                    ([2, 1], [[2], [0]], [2, 3, 5]))):
                yield ("gather_nd.%s.%s.%d" % (tn, np.dtype(it).name, k),
                       om.build(BO.GATHER_ND, [om.T([4, 3, 5], dt, q), om.T(ishape, it, None, idx)],
                                [om.T(oshape, dt, q)]),
                       [om.T([4, 3, 5], dt, q)])


def cpu_move_cases():
    """TILE, MIRROR_PAD, SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND."""
    i32 = np.int32
    for dt in MOVE_TYPES + (np.int64, np.bool_):
        q, tn = q_of(dt), np.dtype(dt).name
        for k, (shape, mult) in enumerate((([2, 3], [2, 3]), ([1, 2, 3, 2], [2, 1, 3, 1]),
                                           ([3], [4]))):
            oshape = [a * b for a, b in zip(shape, mult)]
            yield ("tile.%s.%d" % (tn, k),
                   om.build(BO.TILE, [om.T(shape, dt, q), om.T([len(shape)], i32, None, mult)],
                            [om.T(oshape, dt, q)]),
                   [om.T(shape, dt, q)])
        for axis in (0, 2):     # one axis repeats: NPU CONCATENATIONs
            mult = [1, 1, 1]
            mult[axis] = 3
            oshape = [a * b for a, b in zip([2, 3, 4], mult)]
            yield ("tile.%s.axis%d" % (tn, axis),
                   om.build(BO.TILE, [om.T([2, 3, 4], dt, q), om.T([3], i32, None, mult)],
                            [om.T(oshape, dt, q)]),
                   [om.T([2, 3, 4], dt, q)])
        for mode in (0, 1):
            pads = [0, 0, 2, 1, 1, 2, 0, 1] if mode == 0 else [1, 0, 3, 2, 0, 3, 1, 1]
            shape = [2, 4, 3, 2]
            oshape = [d + pads[2 * i] + pads[2 * i + 1] for i, d in enumerate(shape)]
            yield ("mirror_pad.%s.%s" % (tn, ("reflect", "symmetric")[mode]),
                   om.build(BO.MIRROR_PAD, [om.T(shape, dt, q), om.T([4, 2], i32, None, pads)],
                            [om.T(oshape, dt, q)], OPT.MirrorPadOptions,
                            opts(s.MirrorPadOptionsT, mode=mode)),
                   [om.T(shape, dt, q)])
        for k, (shape, block, pads, oshape) in enumerate((
                ([2, 4, 6, 3], [2, 3], [0, 0, 0, 0], [12, 2, 2, 3]),
                ([1, 5, 4, 2], [2, 2], [1, 0, 2, 2], [4, 3, 4, 2]),
                ([2, 5, 3], [3], [1, 0], [6, 2, 3]))):
            yield ("space_to_batch_nd.%s.%d" % (tn, k),
                   om.build(BO.SPACE_TO_BATCH_ND,
                            [om.T(shape, dt, q), om.T([len(block)], i32, None, block),
                             om.T([len(block), 2], i32, None, pads)], [om.T(oshape, dt, q)]),
                   [om.T(shape, dt, q)])
            yield ("batch_to_space_nd.%s.%d" % (tn, k),
                   om.build(BO.BATCH_TO_SPACE_ND,
                            [om.T(oshape, dt, q), om.T([len(block)], i32, None, block),
                             om.T([len(block), 2], i32, None, pads)], [om.T(shape, dt, q)]),
                   [om.T(oshape, dt, q)])


def unary_cases():
    """The table (LUT) unary builtins and their CPU-only forms: GELU (both
    forms), RSQRT, NEG, uint8 HARD_SWISH, and the int16 forms TFLite has
    (EXP, LOG, RSQRT, GELU as its interpolated table; ABS, SQRT, NEG
    arithmetic)."""
    i8, u8, i16, f32 = np.int8, np.uint8, np.int16, np.float32
    shape = [2, 3, 5, 7]
    # (op, name, dtype, input quant, output quant, lowest input, options)
    cases = []
    for approx in (False, True):
        o = opts(s.GeluOptionsT, approximate=approx)
        a = ".approx" if approx else ""
        cases += [(BO.GELU, "gelu.int8" + a, i8, (0.05, 3), (0.02, -100), None, o),
                  (BO.GELU, "gelu.int8.coarse" + a, i8, (0.1, -20), (0.05, -120), None, o),
                  (BO.GELU, "gelu.uint8" + a, u8, (0.05, 131), (0.03, 20), None, o),
                  (BO.GELU, "gelu.int16" + a, i16, (0.0002, 0), (0.0002, 0), None, o),
                  (BO.GELU, "gelu.float32" + a, f32, None, None, None, o)]
    cases += [(BO.RSQRT, "rsqrt.int8", i8, (0.05, -128), (0.05, -128), None, None),
              (BO.RSQRT, "rsqrt.int8.zp", i8, (0.02, -100), (0.1, -60), -100, None),
              (BO.RSQRT, "rsqrt.int16", i16, (0.001, 0), (0.001, 0), 0, None),
              (BO.NEG, "neg.int8", i8, Q8, Q8, None, None),
              (BO.NEG, "neg.int8.requant", i8, Q8, (0.1, -7), None, None),
              (BO.NEG, "neg.int16", i16, Q16, Q16, None, None),
              (BO.EXP, "exp.int16", i16, (0.0002, 0), (0.025, 0), None, None),
              (BO.LOG, "log.int16", i16, (0.001, 0), (0.0005, 0), None, None),
              (BO.ABS, "abs.int16", i16, (0.001, 0), (0.001, 0), None, None),
              (BO.ABS, "abs.int16.requant", i16, (0.001, 0), (0.0015, 0), None, None),
              (BO.SQRT, "sqrt.int16", i16, (0.001, 0), (0.0002, 0), 0, None),
              (BO.HARD_SWISH, "hard_swish.uint8", u8, (0.05, 131), (0.03, 20), None, None),
              (BO.HARD_SWISH, "hard_swish.uint8.coarse", u8, (0.1, 60), (0.05, 8), None, None),
              (BO.HARD_SWISH, "hard_swish.uint8.fine", u8, (0.004, 200), (0.0005, 140),
               None, None),
              (BO.HARD_SWISH, "hard_swish.uint8.wide_out", u8, (0.02, 0), (0.5, 255),
               None, None)]
    for op, name, dt, qi, qo, low, o in cases:
        inp = om.T(shape, dt, qi, low=low)
        yield (name, om.build(op, [inp], [om.T(shape, dt, qo)],
                              OPT.GeluOptions if o is not None else 0, o), [inp])


def prelu_cases():
    """PRELU of 16x8 models: int16 input and output, int8 alpha."""
    for k, (ashape, qa, qout) in enumerate((([8], (0.01, 3), (0.002, 0)),
                                            ([1, 1, 8], (0.004, -20), (0.0005, 0)),
                                            ([4, 1, 1], (0.02, 0), (0.001, 0)))):
        alpha = np.random.default_rng(k).integers(-128, 128, ashape).astype(np.int8)
        inp = om.T([2, 4, 5, 8], np.int16, (0.001, 0))
        yield ("prelu.int16.%d" % k,
               om.build(BO.PRELU, [inp, om.T(ashape, np.int8, qa, alpha)],
                        [om.T([2, 4, 5, 8], np.int16, qout)]),
               [inp])


def sqdiff_cases():
    """int8 SQUARED_DIFFERENCE: equal and different scales, broadcast."""
    i8 = np.int8
    for k, (s1, s2, q1, q2, qo) in enumerate((
            ([2, 3, 8], [2, 3, 8], (0.05, 3), (0.05, 3), (0.1, -128)),
            ([2, 3, 8], [8], (0.02, -10), (0.07, 20), (0.3, -100)),
            ([4, 1, 6], [1, 5, 1], (0.1, 0), (0.03, -5), (0.05, -128)))):
        a, b = om.T(s1, i8, q1), om.T(s2, i8, q2)
        oshape = list(np.broadcast_shapes(tuple(s1), tuple(s2)))
        yield ("squared_difference.int8.%d" % k,
               om.build(BO.SQUARED_DIFFERENCE, [a, b], [om.T(oshape, i8, qo)]), [a, b])


def l2norm_cases():
    """int8 and uint8 L2_NORMALIZATION (output 1/128 as TFLite requires)."""
    for dt, qin, qout in ((np.int8, (0.05, 3), (1 / 128, 0)), (np.int8, (0.002, -100), (1 / 128, 0)),
                          (np.uint8, (0.05, 131), (1 / 128, 128))):
        for shape in ([2, 3, 16], [5, 1]):
            inp = om.T(shape, dt, qin)
            yield ("l2_normalization.%s.%g.%d" % (np.dtype(dt).name, qin[0], shape[-1]),
                   om.build(BO.L2_NORMALIZATION, [inp], [om.T(shape, dt, qout)],
                            OPT.L2NormOptions, opts(s.L2NormOptionsT)), [inp])


def log_softmax_cases():
    """int8 and uint8 LOG_SOFTMAX (output 16/256 as TFLite requires)."""
    for dt, qin, zout in ((np.int8, (0.05, 3), 127), (np.int8, (0.2, -10), 127),
                          (np.int8, (0.01, 0), 127), (np.uint8, (0.05, 131), 255),
                          (np.uint8, (0.3, 100), 255)):
        for shape in ([3, 10], [2, 2, 33], [4, 1]):
            inp = om.T(shape, dt, qin)
            yield ("log_softmax.%s.%g.%d" % (np.dtype(dt).name, qin[0], shape[-1]),
                   om.build(BO.LOG_SOFTMAX, [inp], [om.T(shape, dt, (16 / 256, zout))]), [inp])


def softmax_int16_cases():
    """int16 SOFTMAX over the whole int16 range (issue 10): rows whose sum
    of exps looks up the two entries where TFLite's 1/(1 + x) table, built
    in double, differs from a float-built one (1 LSB off before).  Enough
    rows that the seeded inputs hit them (2^-15: about 1 row in 120).  A
    beta other than 1 multiplies the scale by it in float (TFLite's
    SoftmaxPrepare)."""
    for scale, beta, shape in ((2.0 ** -15, 1.0, [1024, 2]), (5e-5, 1.0, [300, 7]),
                               (0.0003, 0.7, [400, 6]), (0.00011, 1.3, [400, 6])):
        inp = om.T(shape, np.int16, (scale, 0))
        yield ("softmax.int16.%g.%g.%d" % (scale, beta, shape[-1]),
               om.build(BO.SOFTMAX, [inp], [om.T(shape, np.int16, (1 / 32768, 0))],
                        OPT.SoftmaxOptions, opts(s.SoftmaxOptionsT, beta=beta)), [inp])


def softmax_8bit_cases():
    """8-bit SOFTMAX (NPU_CMD_SOFTMAX): int8 -> int8, int8 -> int16 and
    uint8 -> uint8 with the output quantization TFLite requires; input
    scales whose diff_min cuts nothing (0.05), cuts below -31 (0.5) and
    below -7 (2.0), betas other than 1, a 1000-wide classifier row, a row of
    one, rank 5."""
    outs = {"int8": (np.int8, (1 / 256, -128)), "int8_int16": (np.int16, (1 / 65536, -32768)),
            "uint8": (np.uint8, (1 / 256, 0))}
    for tn, (dt, qin) in (("int8", (np.int8, (0.05, 3))), ("int8_int16", (np.int8, (0.5, -7))),
                          ("uint8", (np.uint8, (0.05, 131)))):
        for scale, beta, shape in ((0.05, 1.0, [3, 10]), (0.5, 1.0, [4, 33]),
                                   (2.0, 0.7, [2, 3, 17]), (0.1, 1.5, [1, 1000]),
                                   (0.05, 1.0, [5, 1]), (0.3, 1.0, [1, 2, 2, 3, 6])):
            inp = om.T(shape, dt, (scale, qin[1]))
            yield ("softmax.%s.%g.%g.%d.r%d" % (tn, scale, beta, shape[-1], len(shape)),
                   om.build(BO.SOFTMAX, [inp], [om.T(shape, outs[tn][0], outs[tn][1])],
                            OPT.SoftmaxOptions, opts(s.SoftmaxOptionsT, beta=beta)), [inp])


def sum_cases():
    """Quantized SUM: axes, keep_dims, equal and different quantizations."""
    for dt, qin, qout in ((np.int8, (0.05, 3), (0.05, 3)), (np.int8, (0.02, -15), (0.2, 15)),
                          (np.int8, (0.05, 3), (0.5, -2)), (np.uint8, (0.05, 131), (0.3, 120)),
                          (np.uint8, (0.05, 131), (0.05, 131)),
                          (np.int16, (0.05, 0), (0.3, 0)), (np.int16, (0.001, 0), (0.001, 0))):
        tn = np.dtype(dt).name
        for k, (shape, axes, keep) in enumerate((([4, 25], [1], False), ([2, 3, 4, 5], [1, 2], True),
                                                ([2, 3, 4], [0, -1], False), ([3, 6], [0, 1], False))):
            oshape = [1 if i in [a % len(shape) for a in axes] else d
                      for i, d in enumerate(shape)]
            if not keep:
                oshape = [d for i, d in enumerate(shape) if i not in [a % len(shape) for a in axes]]
            yield ("sum.%s.%s.%d" % (tn, "eq" if qin == qout else "rq", k),
                   om.build(BO.SUM, [om.T(shape, dt, qin), om.T([len(axes)], np.int32, None, axes)],
                            [om.T(oshape, dt, qout)], OPT.ReducerOptions,
                            opts(s.ReducerOptionsT, keepDims=keep)),
                   [om.T(shape, dt, qin)])


def reference_resolver(name):
    """The resolver a case is compared with: BUILTIN_REF, except quantized
    SUM, whose int8 and int16 reference kernel reads the data wrongly
    (Documentation/cpu-fallback.rst): the interpreter's own kernel, which
    users run, for every quantized type."""
    if name.startswith("sum.") and name.split(".")[1] != "float32":
        return "BUILTIN_WITHOUT_DEFAULT_DELEGATES"
    if name.startswith("segment_sum."):
        return "BUILTIN_WITHOUT_DEFAULT_DELEGATES"  # BUILTIN_REF has no SEGMENT_SUM
    return "BUILTIN_REF"

def fc_round_cases():
    """FULLY_CONNECTED where the requantization's rounding shows: TFLite's
    reference kernels round acc * (double)in * filter / out half away from
    zero.  Power-of-two scales put an eighth of the outputs on exact halves
    (half of them negative: a Q31 multiplier rounds those up); int16 with
    float scales whose float product is not the double one lands near
    halves at 2^-24 of 2^15 (the float product was off there)."""
    rng = np.random.default_rng(31)
    depth = 8
    w_in, w_f = 0.018593518063426018, 0.006578364409506321  # float product off by 5.9e-8
    for name, dt, inq, wq, outq, b, units in (
            ("int8_ties", np.int8, (2.0 ** -7, 3), (2.0 ** -7, 0), (2.0 ** -11, -2), 32, 32),
            ("uint8_ties", np.uint8, (2.0 ** -7, 128), (2.0 ** -7, 125), (2.0 ** -11, 120),
             32, 32),
            ("int8_per_channel_ties", np.int8, (2.0 ** -7, -1),
             ([2.0 ** -int(k) for k in rng.integers(6, 9, 32)], [0] * 32), (2.0 ** -11, 0),
             32, 32),
            ("int16_ties", np.int16, (2.0 ** -10, 0), (2.0 ** -7, 0), (2.0 ** -13, 0), 32, 32),
            ("int16_near_ties", np.int16, (w_in, 0), (w_f, 0), (w_in * w_f * 5.3456, 0),
             64, 64)):
        wdt = np.uint8 if dt == np.uint8 else np.int8
        w = rng.integers(-3, 4, (units, depth)) + np.asarray(wq[1]).reshape(-1, 1)
        bscale = inq[0] * np.asarray(wq[0], np.float64)
        bias = rng.integers(-64, 64, units)
        yield ("fully_connected." + name,
               om.build(BO.FULLY_CONNECTED,
                        [om.T([b, depth], dt, inq), om.T([units, depth], wdt, wq, w),
                         om.T([units], np.int64 if dt == np.int16 else np.int32,
                              (bscale, [0] * np.size(bscale)), bias)],
                        [om.T([b, units], dt, outq)],
                        OPT.FullyConnectedOptions, opts(s.FullyConnectedOptionsT)),
               [om.T([b, depth], dt, inq)])


def hybrid_bmm_cases():
    """Dynamic-range BATCH_MATMUL: float lhs, constant int8 rhs (per tensor or
    per output column), symmetric or asymmetric run-time quantization,
    adjoint operands, broadcast batches, rows longer than the vector
    blocks of 8."""
    rng = np.random.default_rng(41)
    f32 = np.float32
    for name, ls, rs, adj_x, adj_y, asym, per_channel in (
            ("hybrid_sym", [2, 3, 5, 16], [16, 12], False, False, False, False),
            ("hybrid_asym", [2, 3, 5, 16], [16, 12], False, False, True, False),
            ("hybrid_per_channel", [2, 3, 5, 16], [3, 16, 12], False, False, False, True),
            ("hybrid_asym_per_channel", [3, 5, 19], [3, 19, 6], False, False, True, True),
            ("hybrid_adj", [2, 16, 5], [1, 12, 16], True, True, True, False),
            ("hybrid_squeezed", [2, 3, 5, 16], [1, 16, 12], False, False, True, False),
            ("hybrid_rank5", [2, 1, 3, 4, 9], [2, 3, 1, 9, 5], False, False, True, False),
            ("hybrid_long", [1, 4, 43], [43, 7], False, False, False, False)):
        w = rng.integers(-127, 128, rs).astype(np.int8)
        n = rs[-2] if adj_y else rs[-1]
        if per_channel:
            q = ([float(x) for x in rng.uniform(0.005, 0.03, n)], [0] * n)
        else:
            q = (0.02, 0)
        rhs = om.T(rs, np.int8, q, w)
        out_shape = list(np.broadcast_shapes(tuple(ls[:-2]), tuple(rs[:-2]))) + [
            ls[-1] if adj_x else ls[-2], n]
        o = opts(s.BatchMatMulOptionsT, adjX=adj_x, adjY=adj_y,
                 asymmetricQuantizeInputs=asym)
        model = om.build(BO.BATCH_MATMUL, [om.T(ls, f32), rhs], [om.T(out_shape, f32)],
                         OPT.BatchMatMulOptions, o)
        if per_channel:
            # The scales run along the output columns: the rhs's last axis.
            m = s.ModelT.InitFromPackedBuf(model, 0)
            m.subgraphs[0].tensors[1].quantization.quantizedDimension = len(rs) - (
                2 if adj_y else 1)
            b = flatbuffers.Builder(1024)
            b.Finish(m.Pack(b), file_identifier=b"TFL3")
            model = bytes(b.Output())
        yield ("batch_matmul." + name, model, [om.T(ls, f32)])


def reverse_cases():
    """REVERSE_V2 (Keras's Bidirectional LSTM converts to it): one axis,
    several, negative, each type."""
    for dt in (np.int8, np.uint8, np.int16, np.int32, np.float32):
        tn = np.dtype(dt).name
        for k, (shape, axes) in enumerate((([2, 5, 6], [1]), ([3, 4], [0]),
                                            ([2, 3, 4, 5], [-1]), ([2, 3, 4], [0, 2]))):
            t = om.T(shape, dt, q_of(dt))
            yield ("reverse_v2.%s.a%d" % (tn, k),
                   om.build(BO.REVERSE_V2, [t, om.T([len(axes)], np.int32, None, axes)],
                            [om.T(shape, dt, q_of(dt))]),
                   [t])


def complex_cases():
    """RFFT2D (float32 -> complex64: cropped, zero-padded, several slices),
    COMPLEX_ABS, REAL and IMAG (complex64 and complex128), and an audio
    front end: RFFT2D, COMPLEX_ABS, then an int8 FULLY_CONNECTED on the
    NPU."""
    f32, i32, c64 = np.float32, np.int32, np.complex64
    for k, (ishape, fl) in enumerate((
            ([1, 16, 64], [16, 64]), ([2, 3, 8, 8], [8, 8]), ([1, 5, 12], [8, 16]),
            ([1, 20, 40], [16, 32]), ([4, 4], [4, 2]), ([3, 1, 512], [1, 512]),
            ([1, 64, 256], [64, 256]))):
        oshape = ishape[:-2] + [fl[0], fl[1] // 2 + 1]
        yield ("rfft2d.float32.s%d" % k,
               om.build(BO.RFFT2D, [om.T(ishape, f32), om.T([2], i32, None, fl)],
                        [om.T(oshape, c64)]),
               [om.T(ishape, f32)])
    for op, name in ((BO.COMPLEX_ABS, "complex_abs"), (BO.REAL, "real"), (BO.IMAG, "imag")):
        for ct, rt in ((c64, f32), (np.complex128, np.float64)):
            for k, shape in enumerate(([2, 3, 5], [7])):
                yield ("%s.%s.s%d" % (name, np.dtype(ct).name, k),
                       om.build(op, [om.T(shape, ct)], [om.T(shape, rt)]),
                       [om.T(shape, ct)])
    # x [1, 64, 128] -> |rfft2d| [1, 64, 65] -> int8 -> FULLY_CONNECTED
    # [64, 128] (large enough to be worth the NPU round trip).
    rng = np.random.default_rng(5)
    qa, qo = (2.0, -128), (25.0, 0)
    w = rng.integers(-127, 128, (128, 65))
    tensors = [om.T([1, 64, 128], f32), om.T([2], i32, None, [64, 128]),
               om.T([1, 64, 65], c64), om.T([1, 64, 65], f32),
               om.T([1, 64, 65], np.int8, qa), om.T([128, 65], np.int8, (0.01, 0), w),
               om.T([128], i32, (0.02, 0), rng.integers(-500, 500, 128)),
               om.T([64, 128], np.int8, qo)]
    fc = opts(s.FullyConnectedOptionsT)
    yield ("rfft2d.frontend_int8",
           om.build_graph(tensors, [(BO.RFFT2D, [0, 1], [2], 0, None, 1),
                                    (BO.COMPLEX_ABS, [2], [3], 0, None, 1),
                                    (BO.QUANTIZE, [3], [4], 0, None, 1),
                                    (BO.FULLY_CONNECTED, [4, 5, 6], [7],
                                     OPT.FullyConnectedOptions, fc, 1)], [7]),
           [tensors[0]])


def recurrent_builder(rng, hybrid, scale):
    """A tensor list, add(T) -> its index, and weight(*shape): random
    constant weights, float or int8 of @scale (hybrid)."""
    tensors = []

    def add(t):
        tensors.append(t)
        return len(tensors) - 1

    def weight(*shape):
        if hybrid:
            return add(om.T(shape, np.int8, (scale, 0), rng.integers(-127, 128, shape)))
        return add(om.T(shape, np.float32, None, rng.normal(0.0, 0.5, shape)))

    return tensors, add, weight


def bilstm_model(rng, hybrid, merge, time_major, cifg=False, peephole=False,
                 proj=False, aux_bw=False, asym=False, batch=2, steps=5):
    """One BIDIRECTIONAL_SEQUENCE_LSTM (TFLite's 48 inputs): 3 inputs, 4
    cells per direction, float or int8 (hybrid) weights; the converter
    makes two UNIDIRECTIONAL_SEQUENCE_LSTM and REVERSE_V2 instead."""
    f32, ni, nc = np.float32, 3, 4
    no = 3 if proj else nc
    seq = [steps, batch, ni] if time_major else [batch, steps, ni]
    tensors, add, weight = recurrent_builder(rng, hybrid, 0.02)

    ins = [add(om.T(seq, f32))]
    for _ in range(2):
        ins += [-1 if cifg and g == 0 else weight(nc, ni) for g in range(4)]
        ins += [-1 if cifg and g == 0 else weight(nc, no) for g in range(4)]
        ins += [weight(nc) if peephole and not (cifg and g == 0) else -1 for g in range(3)]
        ins += [-1 if cifg and g == 0 else add(om.T([nc], f32, None, rng.normal(0, 0.5, nc)))
                for g in range(4)]
        ins += [weight(no, nc), add(om.T([no], f32, None, rng.normal(0, 0.5, no)))] \
            if proj else [-1, -1]
    for n in (no, nc, no, nc):
        ins.append(add(om.T([batch, n], f32, variable=True)))
    ins.append(add(om.T(seq, f32)) if aux_bw else -1)
    ins += [-1] * 8
    oshape = seq[:2]
    outs = [add(om.T(oshape + [2 * no], f32))] if merge else \
        [add(om.T(oshape + [no], f32)), add(om.T(oshape + [no], f32))]
    o = opts(s.BidirectionalSequenceLSTMOptionsT, fusedActivationFunction=s.ActivationFunctionType.TANH,
             cellClip=0.0, projClip=0.0, mergeOutputs=merge, timeMajor=time_major,
             asymmetricQuantizeInputs=asym)
    model = om.build_graph(tensors, [(BO.BIDIRECTIONAL_SEQUENCE_LSTM, ins, outs,
                                      OPT.BidirectionalSequenceLSTMOptions, o, 3 if hybrid else 1)],
                           outs)
    return model, [tensors[0]] + ([tensors[ins[39]]] if aux_bw else [])


def bilstm_cases():
    """BIDIRECTIONAL_SEQUENCE_LSTM, float32 and hybrid: merged or two
    outputs, time- or batch-major, CIFG, peepholes, projection, the
    backward cell on the auxiliary input, symmetric / asymmetric run-time
    quantization."""
    rng = np.random.default_rng(11)
    for hybrid in (False, True):
        kind = "hybrid" if hybrid else "float32"
        for name, kw in (("merged_tm", dict(merge=True, time_major=True)),
                         ("split_bm", dict(merge=False, time_major=False)),
                         # batch 1: TFLite offsets batch b's state by b times
                         # the merged output's width, outside the state
                         ("merged_bm", dict(merge=True, time_major=False, batch=1)),
                         ("cifg_peephole_proj", dict(merge=True, time_major=True, cifg=True,
                                                     peephole=True, proj=True)),
                         ("peephole_split_tm", dict(merge=False, time_major=True,
                                                    peephole=True)),
                         ("aux_bw", dict(merge=True, time_major=True, aux_bw=True)),
                         ("asym_tm", dict(merge=True, time_major=True, asym=True)),
                         ("asym_split_bm", dict(merge=False, time_major=False, asym=True)),
                         ("asym_bm", dict(merge=True, time_major=False, asym=True,
                                          batch=1))):
            if name.startswith("asym") and not hybrid:
                continue
            model, inputs = bilstm_model(rng, hybrid, **kw)
            yield ("bidirectional_sequence_lstm.%s.%s" % (kind, name), model, inputs)


def rnn_model(rng, op, hybrid, act=None, time_major=False, merge=False, aux_bw=False,
              asym=False, batch=2, steps=4):
    """RNN (one step), UNIDIRECTIONAL_SEQUENCE_RNN or
    BIDIRECTIONAL_SEQUENCE_RNN: 3 inputs, 5 units, float or int8 (hybrid)
    weights."""
    f32, ni, nu = np.float32, 3, 5
    act = s.ActivationFunctionType.TANH if act is None else act
    seq = [batch, ni] if op == BO.RNN else \
        [steps, batch, ni] if time_major else [batch, steps, ni]
    tensors, add, weight = recurrent_builder(rng, hybrid, 0.01)

    ins = [add(om.T(seq, f32))]
    for _ in range(2 if op == BO.BIDIRECTIONAL_SEQUENCE_RNN else 1):
        ins += [weight(nu, ni), weight(nu, nu),
                add(om.T([nu], f32, None, rng.normal(0, 0.5, nu))),
                add(om.T([batch, nu], f32, variable=True))]
    if op == BO.RNN:
        o, ot = opts(s.RNNOptionsT, fusedActivationFunction=act,
                     asymmetricQuantizeInputs=asym), OPT.RNNOptions
    elif op == BO.UNIDIRECTIONAL_SEQUENCE_RNN:
        o, ot = opts(s.SequenceRNNOptionsT, timeMajor=time_major, fusedActivationFunction=act,
                     asymmetricQuantizeInputs=asym), OPT.SequenceRNNOptions
    else:
        ins += [add(om.T(seq, f32)) if aux_bw else -1, -1, -1]
        o, ot = opts(s.BidirectionalSequenceRNNOptionsT, timeMajor=time_major,
                     fusedActivationFunction=act, mergeOutputs=merge,
                     asymmetricQuantizeInputs=asym), OPT.BidirectionalSequenceRNNOptions
    oshape = seq[:-1]
    if op == BO.BIDIRECTIONAL_SEQUENCE_RNN and not merge:
        outs = [add(om.T(oshape + [nu], f32)), add(om.T(oshape + [nu], f32))]
    else:
        outs = [add(om.T(oshape + [2 * nu if merge else nu], f32))]
    model = om.build_graph(tensors, [(op, ins, outs, ot, o, 2 if hybrid else 1)], outs)
    return model, [tensors[0]] + ([tensors[ins[9]]] if aux_bw else [])


def rnn_cases():
    """RNN, UNIDIRECTIONAL_SEQUENCE_RNN, BIDIRECTIONAL_SEQUENCE_RNN: float32
    and hybrid, activations, time- or batch-major, merged or split outputs,
    the auxiliary input, asymmetric run-time quantization."""
    rng = np.random.default_rng(12)
    A = s.ActivationFunctionType
    for hybrid in (False, True):
        kind = "hybrid" if hybrid else "float32"
        for op, name, kw in (
                (BO.RNN, "rnn", dict()),
                (BO.RNN, "rnn", dict(act=A.RELU)),
                (BO.RNN, "rnn", dict(asym=True)),
                (BO.UNIDIRECTIONAL_SEQUENCE_RNN, "unidirectional_sequence_rnn", dict()),
                (BO.UNIDIRECTIONAL_SEQUENCE_RNN, "unidirectional_sequence_rnn",
                 dict(time_major=True, act=A.RELU6)),
                (BO.UNIDIRECTIONAL_SEQUENCE_RNN, "unidirectional_sequence_rnn",
                 dict(asym=True, act=A.NONE)),
                (BO.BIDIRECTIONAL_SEQUENCE_RNN, "bidirectional_sequence_rnn",
                 dict(merge=True, time_major=True)),
                (BO.BIDIRECTIONAL_SEQUENCE_RNN, "bidirectional_sequence_rnn", dict()),
                (BO.BIDIRECTIONAL_SEQUENCE_RNN, "bidirectional_sequence_rnn",
                 dict(merge=True)),
                (BO.BIDIRECTIONAL_SEQUENCE_RNN, "bidirectional_sequence_rnn",
                 dict(merge=True, time_major=True, aux_bw=True)),
                (BO.BIDIRECTIONAL_SEQUENCE_RNN, "bidirectional_sequence_rnn",
                 dict(asym=True, time_major=True))):
            if kw.get("asym") and not hybrid:
                continue
            if hybrid and op == BO.BIDIRECTIONAL_SEQUENCE_RNN:
                continue        # the interpreter dies (SIGSEGV) running it
            tag = "_".join("%s%s" % (k, v) for k, v in sorted(kw.items())) or "default"
            model, inputs = rnn_model(rng, op, hybrid, **kw)
            yield ("%s.%s.%s" % (name, kind, tag), model, inputs)


def embedding_cases():
    """EMBEDDING_LOOKUP: rows of each type copied, and the hybrid form (int8
    values, float32 output) with one scale or one per row."""
    ids = [3, 0, 3, 5, 1]
    for dt in (np.float32, np.int8, np.uint8, np.int16, np.int32):
        t = om.T([6, 2, 3], dt, q_of(dt))
        yield ("embedding_lookup.%s" % np.dtype(dt).name,
               om.build(BO.EMBEDDING_LOOKUP, [om.T([5], np.int32, None, ids), t],
                        [om.T([5, 2, 3], dt, q_of(dt))]),
               [t])
    rng = np.random.default_rng(13)
    for name, q in (("per_tensor", (0.037, 0)),
                    ("per_row", (list(rng.uniform(0.001, 0.1, 6)), [0] * 6))):
        t = om.T([6, 4], np.int8, q)
        yield ("embedding_lookup.hybrid_%s" % name,
               om.build(BO.EMBEDDING_LOOKUP, [om.T([5], np.int32, None, ids), t],
                        [om.T([5, 4], np.float32)]),
               [t])


def conv3d_cases():
    """CONV_3D (float32 only in TFLite): SAME / VALID, strides, dilations,
    with and without bias, fused activations."""
    rng = np.random.default_rng(14)
    f32, A = np.float32, s.ActivationFunctionType
    for k, (ishape, fshape, pad, strides, dil, bias, act) in enumerate((
            ([1, 4, 5, 6, 3], [2, 3, 3, 3, 4], s.Padding.SAME, (1, 1, 1), (1, 1, 1), True, A.NONE),
            ([2, 5, 6, 4, 2], [3, 2, 2, 2, 3], s.Padding.VALID, (2, 1, 2), (1, 1, 1), True, A.RELU),
            ([1, 6, 7, 5, 2], [2, 3, 2, 2, 2], s.Padding.SAME, (2, 2, 1), (2, 1, 2), False,
             A.RELU6),
            ([1, 3, 4, 4, 5], [1, 1, 1, 5, 6], s.Padding.VALID, (1, 1, 1), (1, 1, 1), True,
             A.NONE))):
        o = opts(s.Conv3DOptionsT, padding=pad, strideD=strides[0], strideH=strides[1],
                 strideW=strides[2], dilationDFactor=dil[0], dilationHFactor=dil[1],
                 dilationWFactor=dil[2], fusedActivationFunction=act)
        eff = [(fshape[a] - 1) * dil[a] + 1 for a in range(3)]
        osz = [(ishape[1 + a] + strides[a] - 1) // strides[a] if pad == s.Padding.SAME else
               (ishape[1 + a] + strides[a] - eff[a]) // strides[a] for a in range(3)]
        ins = [om.T(ishape, f32), om.T(fshape, f32, None, rng.normal(0, 0.5, fshape))]
        if bias:
            ins.append(om.T([fshape[4]], f32, None, rng.normal(0, 0.5, fshape[4])))
        yield ("conv_3d.float32.c%d" % k,
               om.build(BO.CONV_3D, ins, [om.T([ishape[0]] + osz + [fshape[4]], f32)],
                        OPT.Conv3DOptions, o),
               [ins[0]])


def dynamic_shape_cases():
    """A Dense on 3-D input as Keras converts it when inner dimensions are
    dynamic: the file stores them as 1 (shape_signature -1) and TFLite's
    Prepare computes them; npu-compile propagates them (compiler/fold.c).
    RESHAPE with -1, FULLY_CONNECTED with and without keep_num_dims, a
    broadcasting ADD, TRANSPOSE, MEAN, SOFTMAX."""
    i8, i32 = np.int8, np.int32
    rng = np.random.default_rng(33)
    sm = (1.0 / 256, -128)
    t = [om.T([1, 10, 12], i8, Q8),                                       # 0 input
         om.T([2], i32, None, [-1, 12]),                                  # 1
         om.T([1, 12], i8, Q8, signature=[-1, 12]),                       # 2
         om.T([16, 12], i8, (0.02, 0), rng.integers(-10, 11, (16, 12))),  # 3
         om.T([1, 16], i8, Q8, signature=[-1, 16]),                       # 4
         om.T([3], i32, None, [1, -1, 32]),                               # 5
         om.T([1, 5, 32], i8, Q8, signature=[1, -1, 32]),                 # 6
         om.T([8, 32], i8, (0.02, 0), rng.integers(-5, 6, (8, 32))),      # 7
         om.T([1, 1, 8], i8, Q8, signature=[1, -1, 8]),                   # 8
         om.T([8], i8, Q8, rng.integers(-20, 21, 8)),                     # 9
         om.T([1, 1, 8], i8, Q8, signature=[1, -1, 8]),                   # 10
         om.T([3], i32, None, [0, 2, 1]),                                 # 11
         om.T([1, 8, 1], i8, Q8, signature=[1, 8, -1]),                   # 12
         om.T([1], i32, None, [1]),                                       # 13
         om.T([1, 1, 1], i8, Q8, signature=[1, 1, -1]),                   # 14
         om.T([1, 1, 1], i8, sm, signature=[1, 1, -1])]                   # 15
    fc = opts(s.FullyConnectedOptionsT)
    fck = opts(s.FullyConnectedOptionsT, keepNumDims=True)
    ops = [(BO.RESHAPE, [0, 1], [2], 0, None, 1),
           (BO.FULLY_CONNECTED, [2, 3, -1], [4], OPT.FullyConnectedOptions, fc, 1),
           (BO.RESHAPE, [4, 5], [6], 0, None, 1),
           (BO.FULLY_CONNECTED, [6, 7, -1], [8], OPT.FullyConnectedOptions, fck, 1),
           (BO.ADD, [8, 9], [10], OPT.AddOptions, opts(s.AddOptionsT), 1),
           (BO.TRANSPOSE, [10, 11], [12], 0, None, 1),
           (BO.MEAN, [12, 13], [14], OPT.ReducerOptions, opts(s.ReducerOptionsT, keepDims=True), 1),
           (BO.SOFTMAX, [14], [15], OPT.SoftmaxOptions, opts(s.SoftmaxOptionsT, beta=1.0), 1)]
    yield ("dynamic_shape.int8.dense3d", om.build_graph(t, ops, [15]), [t[0]])


def empty_shape_cases():
    """RESHAPE to a scalar whose [0]-shaped shape input has an empty buffer
    (as onnx-tf writes it: openWakeWord's hey_jarvis): no op writes it and
    it is no graph input, TFLite runs it as an empty constant."""
    f32, i8, i32 = np.float32, np.int8, np.int32
    empty = om.T([0], i32, None, np.zeros(0, i32))
    t = [om.T([1, 1], i8, Q8), empty, om.T([], i8, Q8)]
    yield ("reshape_empty_shape.int8", om.build_graph(t, [(BO.RESHAPE, [0, 1], [2], 0, None, 1)],
                                                      [2]), [t[0]])
    t = [om.T([1, 1], f32), om.T([], f32, None, [0.5]), om.T([1, 1], np.bool_), empty,
         om.T([], np.bool_)]
    ops = [(BO.GREATER_EQUAL, [0, 1], [2], 0, None, 1),
           (BO.RESHAPE, [2, 3], [4], 0, None, 1)]
    yield ("reshape_empty_shape.bool", om.build_graph(t, ops, [4]), [t[0]])


def grouped_conv_cases():
    """CONV_2D with a filter depth below the input's (groups = input
    channels / filter depth, as Keras' Conv2D(groups=) converts): float32
    (the CPU kernel), int8 per-channel and int16, strides and padding."""
    rng = np.random.default_rng(52)
    for dt in (np.float32, np.int8, np.int16):
        for k, (cin, cout, groups, stride, pad) in enumerate(
                ((8, 16, 4, 1, s.Padding.SAME), (6, 6, 3, 2, s.Padding.VALID),
                 (4, 8, 2, 1, s.Padding.VALID))):
            fd = cin // groups
            if dt == np.float32:
                fq, bq, bt = None, None, np.float32
                w = rng.uniform(-1, 1, (cout, 3, 3, fd))
                b = rng.uniform(-1, 1, cout)
            else:
                fsc = rng.uniform(0.005, 0.02, cout)
                fq, bt = (fsc, np.zeros(cout, int)), np.int32 if dt == np.int8 else np.int64
                bq = (fsc * q_of(dt)[0], np.zeros(cout, int))
                w = rng.integers(-127, 128, (cout, 3, 3, fd))
                b = rng.integers(-2000, 2001, cout)
            oh = 7 if pad == s.Padding.SAME else (7 - 3) // stride + 1
            inp = om.T([1, 7, 7, cin], dt, q_of(dt))
            out = om.T([1, oh, oh, cout], dt, (0.1, 2) if dt == np.int8 else
                       ((0.004, 0) if dt == np.int16 else None))
            o = opts(s.Conv2DOptionsT, padding=pad, strideH=stride, strideW=stride,
                     dilationHFactor=1, dilationWFactor=1,
                     fusedActivationFunction=s.ActivationFunctionType.RELU if k == 1 else 0)
            yield ("conv_2d_grouped.%s.g%d" % (np.dtype(dt).name, k),
                   om.build(BO.CONV_2D, [inp, om.T(w.shape, np.float32 if dt == np.float32
                                                   else np.int8, fq, w),
                                         om.T([cout], bt, bq, b)], [out],
                            OPT.Conv2DOptions, o, 1 if dt == np.float32 else 3), [inp])


def dilated_conv1d_cases():
    """Conv1D's dilated convolution as the converter writes it:
    SPACE_TO_BATCH_ND, EXPAND_DIMS, CONV_2D, SQUEEZE, BATCH_TO_SPACE_ND,
    the batch in between stored as 1 (shape_signature -1): TFLite's
    Prepare computes it, and npu-compile through EXPAND_DIMS and SQUEEZE
    (their output_shape hook)."""
    rng = np.random.default_rng(53)
    i32 = np.int32
    for dt in (np.float32, np.int8):
        q = q_of(dt)
        if dt == np.float32:
            w, wq, b, bt, bq = rng.uniform(-1, 1, (4, 1, 3, 4)), None, rng.uniform(-1, 1, 4), \
                np.float32, None
        else:
            w, wq = rng.integers(-127, 128, (4, 1, 3, 4)), (np.full(4, 0.01), np.zeros(4, int))
            b, bt, bq = rng.integers(-500, 501, 4), i32, (np.full(4, 0.01 * q[0]), np.zeros(4, int))
        t = [om.T([1, 20, 4], dt, q),                                        # 0 input
             om.T([1], i32, None, [2]), om.T([1, 2], i32, None, [[0, 0]]),  # 1, 2
             om.T([1, 10, 4], dt, q, signature=[-1, 10, 4]),                 # 3
             om.T([], i32, None, [1]),                                       # 4
             om.T([1, 1, 10, 4], dt, q, signature=[-1, 1, 10, 4]),           # 5
             om.T(w.shape, np.float32 if dt == np.float32 else np.int8, wq, w),  # 6
             om.T([4], bt, bq, b),                                           # 7
             om.T([1, 1, 8, 4], dt, q, signature=[-1, 1, 8, 4]),             # 8
             om.T([1, 8, 4], dt, q, signature=[-1, 8, 4]),                   # 9
             om.T([1, 16, 4], dt, q)]                                        # 10
        co = opts(s.Conv2DOptionsT, padding=s.Padding.VALID, strideH=1, strideW=1,
                  dilationHFactor=1, dilationWFactor=1)
        ops = [(BO.SPACE_TO_BATCH_ND, [0, 1, 2], [3], 0, None, 1),
               (BO.EXPAND_DIMS, [3, 4], [5], 0, None, 1),
               (BO.CONV_2D, [5, 6, 7], [8], OPT.Conv2DOptions, co, 1 if dt == np.float32 else 3),
               (BO.SQUEEZE, [8], [9], OPT.SqueezeOptions, opts(s.SqueezeOptionsT, squeezeDims=[1]), 1),
               (BO.BATCH_TO_SPACE_ND, [9, 1, 2], [10], 0, None, 1)]
        yield ("dilated_conv1d.%s" % np.dtype(dt).name, om.build_graph(t, ops, [10]), [t[0]])


def arg_cases():
    """ARG_MAX / ARG_MIN of float32, int32 and bool inputs (the CPU kernel):
    each axis, int32 and int64 outputs, ties (the first index wins).  No
    NaN: TFLite's x86 loop orders them its own way (cpu-fallback.rst)."""
    rng = np.random.default_rng(51)
    f32, i32 = np.float32, np.int32
    for op, tname in ((BO.ARG_MAX, "arg_max"), (BO.ARG_MIN, "arg_min")):
        for dt in (f32, i32, np.bool_):
            tn = np.dtype(dt).name
            for axis, shape in ((1, [2, 7, 3]), (-1, [4, 6]), (0, [5, 2, 2])):
                oshape = [d for i, d in enumerate(shape) if i != axis % len(shape)]
                for ot in (i32, np.int64):
                    # small values: ties in every row
                    feed = rng.integers(0, 2 if dt == np.bool_ else 3, shape).astype(dt)
                    yield ("%s.%s.axis%d.%s" % (tname, tn, axis, np.dtype(ot).name),
                           om.build(op, [om.T(shape, dt, feed=feed),
                                         om.T([], i32, None, [axis])],
                                    [om.T(oshape, ot)], OPT.ArgMaxOptions if op == BO.ARG_MAX
                                    else OPT.ArgMinOptions,
                                    opts(s.ArgMaxOptionsT if op == BO.ARG_MAX else
                                         s.ArgMinOptionsT, outputType=om.TYPES[np.dtype(ot)])),
                           [om.T(shape, dt, feed=feed)])
            t = om.T([3, 5], dt)
            yield ("%s.%s.random" % (tname, tn),
                   om.build(op, [t, om.T([1], i32, None, [1])], [om.T([3], i32)],
                            OPT.ArgMaxOptions if op == BO.ARG_MAX else OPT.ArgMinOptions,
                            opts(s.ArgMaxOptionsT if op == BO.ARG_MAX else s.ArgMinOptionsT,
                                 outputType=s.TensorType.INT32)), [t])


def topk_cases():
    """TOPK_V2: each type, k from 0 to the whole row, rows of one element,
    ties (equal values keep their order), a rank-3 input."""
    rng = np.random.default_rng(52)
    for dt in (np.float32, np.int8, np.uint8, np.int16, np.int32, np.int64):
        tn = np.dtype(dt).name
        for k, shape, tied in ((3, [2, 7], False), (5, [5], False), (0, [3, 4], False),
                               (1, [4, 1], False), (4, [3, 2, 9], True), (9, [2, 9], True)):
            if tied:
                feed = rng.integers(0, 4, shape).astype(dt)
            elif dt == np.float32:
                feed = rng.uniform(-4, 4, shape).astype(dt)
            else:
                info = np.iinfo(dt)
                feed = rng.integers(info.min, info.max, shape, endpoint=True).astype(dt)
            q = q_of(dt) if dt in (np.int8, np.uint8, np.int16) else None
            t = om.T(shape, dt, q, feed=feed)
            oshape = shape[:-1] + [k]
            yield ("topk_v2.%s.k%d.%s%s" % (tn, k, "x".join(map(str, shape)),
                                           ".ties" if tied else ""),
                   om.build(BO.TOPK_V2, [t, om.T([], np.int32, None, [k])],
                            [om.T(oshape, dt, q), om.T(oshape, np.int32)]),
                   [t])


def unique_cases():
    """UNIQUE: each type with int32 and int64 indices, the values output
    sized to the feed's distinct count (the converter stores 1 there and
    TFLite resizes it; this runtime keeps the stored size), -0.0 and 0.0,
    one element, all equal, all different."""
    feeds = [("dups", [3, 1, 3, 3, 0, 1, 7, 0, 2]), ("one", [5]), ("same", [4, 4, 4, 4]),
             ("distinct", [9, 2, 7, 1, 0, 6])]
    for dt in (np.float32, np.int8, np.uint8, np.int16, np.int32, np.int64):
        tn = np.dtype(dt).name
        cases = list(feeds)
        if dt == np.float32:
            cases.append(("zeros", [0.0, -0.0, 1.5, -0.0, 0.0, -2.25]))
        for name, values in cases:
            feed = np.asarray(values, dt)
            n = len(values)
            count = len({float(v) for v in feed})
            for it in (np.int32, np.int64):
                t = om.T([n], dt, feed=feed)
                yield ("unique.%s.%s.%s" % (tn, name, np.dtype(it).name),
                       om.build(BO.UNIQUE, [t], [om.T([count], dt), om.T([n], it)],
                                OPT.UniqueOptions,
                                opts(s.UniqueOptionsT, idxOutType=om.TYPES[np.dtype(it)])),
                       [t])


def scatter_cases():
    """SCATTER_ND: each updates type, row and element indices, duplicate
    indices adding up, slices, no indices, indices as a model input."""
    i32 = np.int32
    for dt in (np.float32, np.int8, np.uint8, np.int32, np.int64, np.bool_):
        tn = np.dtype(dt).name
        for name, ishape, idx, ushape, oshape in (
                ("rows", [3, 1], [[2], [0], [2]], [3, 4], [5, 4]),
                ("elements", [4, 2], [[0, 1], [3, 2], [0, 1], [1, 0]], [4], [4, 3]),
                ("slices", [2, 2, 1], [[[1], [0]], [[1], [3]]], [2, 2, 2, 3], [4, 2, 3]),
                ("empty", [0, 1], np.zeros((0, 1)), [0, 3], [4, 3])):
            upd = om.T(ushape, dt)
            ind = om.T(ishape, i32, feed=np.asarray(idx, i32).reshape(ishape))
            yield ("scatter_nd.%s.%s" % (tn, name),
                   om.build(BO.SCATTER_ND, [ind, upd,
                                            om.T([len(oshape)], i32, None, oshape)],
                            [om.T(oshape, dt)]),
                   [ind, upd])


def segment_cases():
    """SEGMENT_SUM (sorted ids) and UNSORTED_SEGMENT_SUM/PROD/MAX/MIN:
    float32 and int32, ids as model inputs and constants, empty segments
    (the identity: 0, 1, lowest, highest), negative ids (dropped), ids of
    rank 2."""
    i32, f32 = np.int32, np.float32
    for dt in (f32, i32):
        tn = np.dtype(dt).name
        for name, dshape, ids, const in (("input", [6, 3], [0, 0, 1, 2, 2, 2], False),
                                         ("const", [5, 2, 2], [0, 1, 1, 2, 3], True),
                                         ("one", [4], [0, 0, 0, 0], False)):
            n = ids[-1] + 1
            d = om.T(dshape, dt)
            it = om.T([len(ids)], i32, None, ids) if const else \
                om.T([len(ids)], i32, feed=np.asarray(ids, i32))
            yield ("segment_sum.%s.%s" % (tn, name),
                   om.build(BO.SEGMENT_SUM, [d, it], [om.T([n] + dshape[1:], dt)]),
                   [d] if const else [d, it])
        for op, oname in ((BO.UNSORTED_SEGMENT_SUM, "sum"), (BO.UNSORTED_SEGMENT_PROD, "prod"),
                          (BO.UNSORTED_SEGMENT_MAX, "max"), (BO.UNSORTED_SEGMENT_MIN, "min")):
            for name, dshape, ids, num, const in (
                    ("input", [6, 3], [2, -1, 0, 2, 3, 0], 5, False),
                    ("const", [5, 2], [1, 1, 0, -3, 1], 3, True),
                    ("rank2", [2, 3, 2], [[0, 2, 2], [-1, 0, 1]], 4, False),
                    ("none", [3, 2], [-1, -1, -1], 2, False)):
                ids = np.asarray(ids, i32)
                d = om.T(dshape, dt)
                it = om.T(list(ids.shape), i32, None, ids) if const else \
                    om.T(list(ids.shape), i32, feed=ids)
                oshape = [num] + dshape[ids.ndim:]
                yield ("unsorted_segment_%s.%s.%s" % (oname, tn, name),
                       om.build(op, [d, it, om.T([], i32, None, [num])], [om.T(oshape, dt)]),
                       [d] if const else [d, it])


def nms_boxes(rng, n, tied):
    """@n boxes (y1, x1, y2, x2 in either corner order, some degenerate)
    clustered so that many overlap, and their scores (ties when @tied)."""
    c = rng.uniform(0, 1, (n, 2))[rng.integers(0, max(1, n // 3), n)] + rng.normal(0, 0.05, (n, 2))
    hw = rng.uniform(0.05, 0.3, (n, 2))
    b = np.concatenate([c - hw / 2, c + hw / 2], axis=1)
    swap = rng.integers(0, 2, n) == 1
    b[swap] = b[swap][:, [2, 3, 0, 1]]
    if n > 3:
        b[3, 2] = b[3, 0]           # zero area
    s = rng.uniform(0, 1, n)
    if tied:
        s = np.round(s * 4) / 4
    return b.astype(np.float32), s.astype(np.float32)


def nms_cases():
    """NON_MAX_SUPPRESSION_V4 and V5 (float32): thresholds, Soft-NMS sigma,
    equal scores (the heap's order), fewer candidates than outputs, no
    boxes, max_output_size 0."""
    rng = np.random.default_rng(53)
    f32, i32 = np.float32, np.int32
    for name, n, mx, iou, sth, sigma, tied in (
            ("basic", 20, 6, 0.5, 0.1, 0.0, False), ("ties", 24, 10, 0.4, 0.0, 0.0, True),
            ("all", 8, 8, 0.7, -1.0, 0.0, False), ("few", 10, 16, 0.3, 0.6, 0.0, False),
            ("none", 0, 4, 0.5, 0.0, 0.0, False), ("zero_out", 6, 0, 0.5, 0.0, 0.0, False),
            ("soft", 20, 8, 0.9, 0.05, 0.5, False), ("soft_ties", 30, 12, 1.0, 0.1, 0.3, True),
            ("soft_hard", 16, 10, 0.45, 0.2, 1.0, False)):
        b, sc = nms_boxes(rng, n, tied)
        boxes, scores = om.T([n, 4], f32, feed=b), om.T([n], f32, feed=sc)
        common = [boxes, scores, om.T([], i32, None, [mx]), om.T([], f32, None, [iou]),
                  om.T([], f32, None, [sth])]
        if sigma == 0.0:
            yield ("non_max_suppression_v4.float32.%s" % name,
                   om.build(BO.NON_MAX_SUPPRESSION_V4, common,
                            [om.T([mx], i32), om.T([], i32)]),
                   [boxes, scores])
        yield ("non_max_suppression_v5.float32.%s" % name,
               om.build(BO.NON_MAX_SUPPRESSION_V5, common + [om.T([], f32, None, [sigma])],
                        [om.T([mx], i32), om.T([mx], f32), om.T([], i32)]),
               [boxes, scores])


def index_hostile_cases():
    """Large and degenerate inputs: a row of 3000 mostly-equal values, 5000
    values of which 700 distinct, 400 boxes, 1000 updates on one element,
    float products overflowing to inf (and 0 * inf)."""
    rng = np.random.default_rng(54)
    f32, i32 = np.float32, np.int32
    t = om.T([2, 3000], f32, feed=rng.integers(0, 3, (2, 3000)).astype(f32))
    yield ("topk_v2.float32.hostile_row",
           om.build(BO.TOPK_V2, [t, om.T([], i32, None, [3000])],
                    [om.T([2, 3000], f32), om.T([2, 3000], i32)]), [t])
    feed = rng.integers(0, 700, 5000).astype(i32)
    t = om.T([5000], i32, feed=feed)
    yield ("unique.int32.hostile_5000",
           om.build(BO.UNIQUE, [t], [om.T([len(set(feed.tolist()))], i32), om.T([5000], i32)],
                    OPT.UniqueOptions, opts(s.UniqueOptionsT, idxOutType=s.TensorType.INT32)),
           [t])
    b, sc = nms_boxes(rng, 400, True)
    boxes, scores = om.T([400, 4], f32, feed=b), om.T([400], f32, feed=sc)
    yield ("non_max_suppression_v5.float32.hostile_400",
           om.build(BO.NON_MAX_SUPPRESSION_V5,
                    [boxes, scores, om.T([], i32, None, [150]), om.T([], f32, None, [0.6]),
                     om.T([], f32, None, [0.01]), om.T([], f32, None, [0.4])],
                    [om.T([150], i32), om.T([150], f32), om.T([], i32)]), [boxes, scores])
    ind = om.T([1000, 2], i32, feed=np.tile(np.asarray([[3, 2]], i32), (1000, 1)))
    upd = om.T([1000], i32)
    yield ("scatter_nd.int32.hostile_1000_same",
           om.build(BO.SCATTER_ND, [ind, upd, om.T([2], i32, None, [4, 3])],
                    [om.T([4, 3], i32)]), [ind, upd])
    d = om.T([300, 2], f32, feed=np.concatenate(
        [rng.uniform(-8, 8, (299, 2)), np.zeros((1, 2))]).astype(f32))
    it = om.T([300], i32, feed=rng.integers(0, 2, 300).astype(i32))
    yield ("unsorted_segment_prod.float32.hostile_overflow",
           om.build(BO.UNSORTED_SEGMENT_PROD, [d, it, om.T([], i32, None, [2])],
                    [om.T([2, 2], f32)]), [d, it])


def index_placeholder_cases():
    """Outputs the converter writes as 1 (shape_signature -1) though a
    constant sizes them, as its NON_MAX_SUPPRESSION_V5 exports: TFLite's
    Prepare resizes them, npu-compile's shape propagation too."""
    rng = np.random.default_rng(55)
    f32, i32 = np.float32, np.int32
    b, sc = nms_boxes(rng, 12, False)
    boxes, scores = om.T([12, 4], f32, feed=b), om.T([12], f32, feed=sc)
    yield ("non_max_suppression_v5.float32.placeholder",
           om.build(BO.NON_MAX_SUPPRESSION_V5,
                    [boxes, scores, om.T([], i32, None, [5]), om.T([], f32, None, [0.5]),
                     om.T([], f32, None, [0.1]), om.T([], f32, None, [0.0])],
                    [om.T([1], i32, signature=[-1]), om.T([1], f32, signature=[-1]),
                     om.T([], i32)]), [boxes, scores])
    t = om.T([3, 6], f32)
    yield ("topk_v2.float32.placeholder",
           om.build(BO.TOPK_V2, [t, om.T([], i32, None, [4])],
                    [om.T([3, 1], f32, signature=[3, -1]), om.T([3, 1], i32, signature=[3, -1])]),
           [t])
    d, it = om.T([5, 3], f32), om.T([5], i32, feed=np.asarray([3, 0, 3, -1, 1], i32))
    yield ("unsorted_segment_sum.float32.placeholder",
           om.build(BO.UNSORTED_SEGMENT_SUM, [d, it, om.T([], i32, None, [4])],
                    [om.T([1, 3], f32, signature=[-1, 3])]), [d, it])

# Their float outputs are input values moved, or sums, products and expf in
# TFLite's order: the same bytes (NaN and inf included).
INDEX_OPS = ("arg_max", "arg_min", "topk_v2", "unique", "scatter_nd", "segment_sum",
             "unsorted_segment_sum", "unsorted_segment_prod", "unsorted_segment_max",
             "unsorted_segment_min", "non_max_suppression_v4", "non_max_suppression_v5")


def index_cases():
    yield from arg_cases()
    yield from topk_cases()
    yield from unique_cases()
    yield from scatter_cases()
    yield from segment_cases()
    yield from nms_cases()
    yield from index_hostile_cases()
    yield from index_placeholder_cases()


def failing_cases():
    """Runs npu-run --cpu must fail, with a message and no crash (name,
    model, inputs, what TFLite does): those TFLite's Eval fails (indices out
    of range, unsorted segment ids), and a data-dependent output size other
    than the stored one, which TFLite resizes and this runtime does not
    (cpu-fallback.rst)."""
    i32, f32 = np.int32, np.float32
    for name, idx in (("past_end", [[0], [4]]), ("negative", [[-1], [1]])):
        ind = om.T([2, 1], i32, feed=np.asarray(idx, i32))
        upd = om.T([2, 3], f32)
        yield ("scatter_nd.%s" % name,
               om.build(BO.SCATTER_ND, [ind, upd, om.T([2], i32, None, [4, 3])],
                        [om.T([4, 3], f32)]), [ind, upd], "fails")
    # Past its axis, inside the output flattened: TFLite refuses it too.
    ind, upd = om.T([2, 2], i32, feed=np.asarray([[0, 5], [1, 1]], i32)), om.T([2], f32)
    yield ("scatter_nd.flat_inside",
           om.build(BO.SCATTER_ND, [ind, upd, om.T([2], i32, None, [4, 3])],
                    [om.T([4, 3], f32)]), [ind, upd], "fails")
    for name, ids in (("not_from_0", [1, 1, 2]), ("gap", [0, 2, 2]), ("down", [0, 1, 0])):
        d, it = om.T([3, 2], f32), om.T([3], i32, feed=np.asarray(ids, i32))
        yield ("segment_sum.%s" % name,
               om.build(BO.SEGMENT_SUM, [d, it], [om.T([3, 2], f32)]), [d, it], "fails")
    t = om.T([5], i32, feed=np.asarray([1, 2, 1, 3, 2], i32))
    yield ("unique.count_differs",  # 3 distinct values, the file stores 1
           om.build(BO.UNIQUE, [t], [om.T([1], i32), om.T([5], i32)],
                    OPT.UniqueOptions, opts(s.UniqueOptionsT, idxOutType=s.TensorType.INT32)),
           [t], "runs")
    d, it = om.T([3, 2], f32), om.T([3], i32, feed=np.asarray([0, 4, 1], i32))
    yield ("unsorted_segment_max.id_too_big",
           om.build(BO.UNSORTED_SEGMENT_MAX, [d, it, om.T([], i32, None, [3])],
                    [om.T([3, 2], f32)]), [d, it], "fails")


def all_cases():
    yield from resize_cases()
    yield from resize_edge_cases()
    yield from movement_cases()
    yield from gather_cases()
    yield from cpu_move_cases()
    yield from unary_cases()
    yield from sum_cases()
    yield from prelu_cases()
    yield from sqdiff_cases()
    yield from l2norm_cases()
    yield from log_softmax_cases()
    yield from softmax_int16_cases()
    yield from softmax_8bit_cases()
    yield from fc_round_cases()
    yield from hybrid_bmm_cases()
    yield from reverse_cases()
    yield from complex_cases()
    yield from bilstm_cases()
    yield from rnn_cases()
    yield from embedding_cases()
    yield from conv3d_cases()
    yield from dynamic_shape_cases()
    yield from empty_shape_cases()
    yield from grouped_conv_cases()
    yield from dilated_conv1d_cases()
    yield from index_cases()


def malformed_cases():
    """Models TFLite's Prepare refuses: npu-compile must refuse them too,
    naming the operator (name, model, words of the message)."""
    i8, i32 = np.int8, np.int32
    o = opts(s.ResizeBilinearOptionsT, alignCorners=True, halfPixelCenters=True)
    yield ("resize_bilinear.align_and_half",
           om.build(BO.RESIZE_BILINEAR, [om.T([1, 2, 2, 1], i8, Q8), om.T([2], i32, None, [4, 4])],
                    [om.T([1, 4, 4, 1], i8, Q8)], OPT.ResizeBilinearOptions, o),
           "RESIZE_BILINEAR")
    yield ("resize_nearest.rank3",
           om.build(BO.RESIZE_NEAREST_NEIGHBOR, [om.T([2, 2, 1], i8, Q8),
                                                 om.T([2], i32, None, [4, 4])],
                    [om.T([4, 4, 1], i8, Q8)], OPT.ResizeNearestNeighborOptions,
                    opts(s.ResizeNearestNeighborOptionsT)),
           "RESIZE_NEAREST_NEIGHBOR")
    yield ("resize_bilinear.size0",
           om.build(BO.RESIZE_BILINEAR, [om.T([1, 2, 2, 1], i8, Q8), om.T([2], i32, None, [0, 4])],
                    [om.T([1, 0, 4, 1], i8, Q8)], OPT.ResizeBilinearOptions,
                    opts(s.ResizeBilinearOptionsT)),
           "RESIZE_BILINEAR")
    yield ("pack.bad_count",
           om.build(BO.PACK, [om.T([2, 3], i8, Q8)] * 2, [om.T([2, 2, 3], i8, Q8)],
                    OPT.PackOptions, opts(s.PackOptionsT, valuesCount=3, axis=0)),
           "PACK")
    yield ("split.uneven",
           om.build(BO.SPLIT, [om.T([], i32, None, [1]), om.T([2, 5], i8, Q8)],
                    [om.T([2, 2], i8, Q8)] * 2, OPT.SplitOptions,
                    opts(s.SplitOptionsT, numSplits=2)),
           "SPLIT")
    yield ("rfft2d.not_pow2",
           om.build(BO.RFFT2D, [om.T([4, 12], np.float32), om.T([2], i32, None, [4, 12])],
                    [om.T([4, 7], np.complex64)]),
           "RFFT2D")
    yield from index_malformed_cases()


def index_malformed_cases():
    """The index builtins' files TFLite's Prepare refuses."""
    i32, f32 = np.int32, np.float32
    yield ("topk_v2.k_above_row",
           om.build(BO.TOPK_V2, [om.T([2, 5], f32), om.T([], i32, None, [6])],
                    [om.T([2, 6], f32), om.T([2, 6], i32)]), "TOPK_V2")
    yield ("scatter_nd.updates_shape",
           om.build(BO.SCATTER_ND, [om.T([3, 1], i32), om.T([3, 5], f32),
                                    om.T([2], i32, None, [4, 4])], [om.T([4, 4], f32)]),
           "SCATTER_ND")
    yield ("unsorted_segment_sum.id_above_num",
           om.build(BO.UNSORTED_SEGMENT_SUM, [om.T([3, 2], f32), om.T([3], i32, None, [0, 5, 1]),
                                              om.T([], i32, None, [3])], [om.T([3, 2], f32)]),
           "UNSORTED_SEGMENT_SUM")
    yield ("unique.rank2",
           om.build(BO.UNIQUE, [om.T([2, 3], f32)], [om.T([6], f32), om.T([6], i32)],
                    OPT.UniqueOptions, opts(s.UniqueOptionsT, idxOutType=s.TensorType.INT32)),
           "UNIQUE")
    yield ("non_max_suppression_v4.boxes_rank3",
           om.build(BO.NON_MAX_SUPPRESSION_V4,
                    [om.T([1, 4, 4], f32), om.T([4], f32), om.T([], i32, None, [2]),
                     om.T([], f32, None, [0.5]), om.T([], f32, None, [0.0])],
                    [om.T([2], i32), om.T([], i32)]), "NON_MAX_SUPPRESSION_V4")


def placement(name):
    """Where npu-compile must place the case's op: "npu" or "cpu"."""
    op, tn = name.split(".")[:2]
    if op in ("gather", "gather_nd", "embedding_lookup", "topk_v2", "unique", "scatter_nd",
              "segment_sum", "unsorted_segment_sum", "unsorted_segment_prod",
              "unsorted_segment_max", "unsorted_segment_min", "non_max_suppression_v4",
              "non_max_suppression_v5"):
        return "cpu"            # indices are data
    if op in ("arg_max", "arg_min") and tn in ("float32", "int32", "bool"):
        return "cpu"            # no NPU arithmetic on them
    if op == "batch_matmul":
        return "cpu"            # quantized at run time
    if op == "dilated_conv1d" and tn == "float32":
        return "cpu"            # float
    if op == "conv_2d_grouped" and tn == "float32":
        return "cpu"            # float
    if op == "reshape_empty_shape" and tn == "bool":
        return "cpu"            # a float comparison
    if op == "dynamic_shape":
        return "npu"            # all eight, SOFTMAX too: no round trip
    if op == "rfft2d" and tn == "frontend_int8":
        return "npu"            # its FULLY_CONNECTED; the float front end on the CPU
    if op in ("rfft2d", "complex_abs", "real", "imag", "bidirectional_sequence_lstm", "rnn",
              "conv_3d",
              "unidirectional_sequence_rnn", "bidirectional_sequence_rnn"):
        return "cpu"            # float and complex: no NPU arithmetic
    if op == "reverse_v2":
        return "cpu"            # the NPU's copies step forwards
    if op == "resize_bilinear" and tn not in ("int8", "int16"):
        return "cpu"            # TFLite computes float and uint8 in float
    if tn == "float32" and op in ("gelu", "rsqrt", "neg", "exp", "log", "abs", "sqrt"):
        return "cpu"            # float unary ops run TFLite's float kernels
    if op in ("sum", "squared_difference", "l2_normalization", "log_softmax") or \
            (op == "softmax" and tn == "int16"):
        return "cpu"            # no NPU command (a float sum, a square, a norm, exps)
    if tn == "int16" and op in ("abs", "sqrt", "neg"):
        return "cpu"            # arithmetic in TFLite, not its table
    return "npu"


def key():
    h = hashlib.sha256()
    here = os.path.dirname(os.path.abspath(__file__))
    for f in ("ops_ref.py", "opmodel.py"):
        with open(os.path.join(here, f), "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:16]


def generate(outdir):
    """Models, inputs and BUILTIN_REF outputs into @outdir (cached)."""
    k = key()
    stamp = os.path.join(outdir, ".key")
    if os.path.exists(stamp) and open(stamp).read().strip() == k:
        return
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(10)
    lines, skipped = [], []
    for name, model, inputs in all_cases():
        path = os.path.join(outdir, name)
        with open(path + ".tflite", "wb") as f:
            f.write(model)
        feeds = [om.random_input(rng, t) for t in inputs]
        try:
            outs = om.reference(model, feeds, reference_resolver(name))
        except RuntimeError:
            # A type TFLite's kernel refuses (its Prepare): no such model.
            skipped.append(name)
            os.unlink(path + ".tflite")
            continue
        for i, v in enumerate(feeds):
            v.tofile("%s.in%d.bin" % (path, i))
        for i, v in enumerate(outs):
            v.tofile("%s.out%d.bin" % (path, i))
        # Hybrid BATCH_MATMUL and the hybrid recurrent ops follow TFLite's
        # float operations one by one: their float outputs must be the same
        # bytes too.
        exact = (all(v.dtype not in (np.float32, np.complex64) for v in outs) or
                 name.split(".")[1].startswith("hybrid") or
                 name.split(".")[0] in INDEX_OPS)
        lines.append("%s %d %d %s %s\n" % (name, len(feeds), len(outs),
                                            "exact" if exact else "float", placement(name)))
    with open(os.path.join(outdir, "cases.txt"), "w") as f:
        f.writelines(lines)
    with open(os.path.join(outdir, "refused.txt"), "w") as f:
        f.writelines(n + "\n" for n in skipped)
    with open(stamp, "w") as f:
        f.write(k + "\n")


def same(a, b, exact):
    if exact:
        return a == b, "%d of %d bytes differ" % (
            sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b)), len(b))
    fa, fb = np.frombuffer(a, np.float32), np.frombuffer(b, np.float32)
    if fa.shape != fb.shape:
        return False, "%d floats, want %d" % (fa.size, fb.size)
    tol = 1e-5 * max(1.0, float(np.max(np.abs(fb))) if fb.size else 1.0)
    worst = float(np.max(np.abs(fa - fb))) if fa.size else 0.0
    return worst <= tol, "max |diff| %g (tolerance %g)" % (worst, tol)


def main():
    outdir = sys.argv[1]
    generate(outdir)
    n = failed = 0
    print("TAP version 13")
    for name in open(os.path.join(outdir, "refused.txt")):
        print("# %s: TFLite refuses the type, not a case" % name.strip())
    for line in open(os.path.join(outdir, "cases.txt")):
        name, nin, nout, kind, where = line.split()
        path = os.path.join(outdir, name)
        cmd = ["npu-run", "--cpu", "--model", path + ".tflite", "--num-runs", "1",
               "--warmup-runs", "0"]
        for i in range(int(nin)):
            cmd += ["--input", "%s.in%d.bin" % (path, i)]
        for i in range(int(nout)):
            cmd += ["--output", "%s.cpu%d.bin" % (path, i)]
        run = subprocess.run(cmd, capture_output=True, text=True)
        ok, why = run.returncode == 0, (run.stderr.strip().splitlines() or [""])[-1]
        for i in range(int(nout)) if ok else []:
            with open("%s.cpu%d.bin" % (path, i), "rb") as f:
                got = f.read()
            with open("%s.out%d.bin" % (path, i), "rb") as f:
                ref = f.read()
            ok, why = same(got, ref, kind == "exact")
            if not ok:
                why = "output %d: %s" % (i, why)
                break
        n += 1
        failed += not ok
        print("%s %d - %s on the CPU equals BUILTIN_REF%s" % (
            "ok" if ok else "not ok", n, name, "" if ok else " # " + why))
        # The compiler lowers it to NPU commands where the op has them.
        rep = subprocess.run(["npu-compile", path + ".tflite", "--dry-run", "--report"],
                             capture_output=True, text=True).stdout
        # (Some op on the NPU: a case of several ops has several there.)
        npu = bool(re.search(r" [1-9][0-9]* on the NPU", rep.splitlines()[0])) if rep else False
        ok = npu == (where == "npu")
        n += 1
        failed += not ok
        print("%s %d - %s placed on the %s%s" % (
            "ok" if ok else "not ok", n, name, where.upper(),
            "" if ok else " # " + (rep.splitlines() or ["no report"])[-1].strip()))
    for name, model, words in malformed_cases():
        path = os.path.join(outdir, "bad." + name + ".tflite")
        with open(path, "wb") as f:
            f.write(model)
        try:
            om.reference(model, [])
            tfl = "accepts"
        except (RuntimeError, ValueError):
            tfl = "refuses"
        run = subprocess.run(["npu-compile", path, "--dry-run"], capture_output=True, text=True)
        ok = tfl == "refuses" and run.returncode != 0 and words in run.stderr
        n += 1
        failed += not ok
        print("%s %d - %s: TFLite refuses it, npu-compile names %s%s" % (
            "ok" if ok else "not ok", n, name, words,
            "" if ok else " # TFLite %s; npu-compile: %s" % (tfl, run.stderr.strip()[-200:])))
    frng = np.random.default_rng(20)
    for name, model, inputs, want in failing_cases():
        path = os.path.join(outdir, "fail." + name)
        with open(path + ".tflite", "wb") as f:
            f.write(model)
        feeds = [om.random_input(frng, t) for t in inputs]
        try:
            om.reference(model, feeds, reference_resolver(name))
            tfl = "runs"
        except RuntimeError:
            tfl = "fails"
        cmd = ["npu-run", "--cpu", "--model", path + ".tflite", "--num-runs", "1",
               "--warmup-runs", "0"]
        for i, v in enumerate(feeds):
            v.tofile("%s.in%d.bin" % (path, i))
            cmd += ["--input", "%s.in%d.bin" % (path, i)]
        run = subprocess.run(cmd, capture_output=True, text=True)
        # A clean failure: an exit status and a message, no signal.
        ok = tfl == want and run.returncode > 0 and run.stderr.strip() != ""
        n += 1
        failed += not ok
        print("%s %d - %s: TFLite %s it, npu-run --cpu fails with a message%s" % (
            "ok" if ok else "not ok", n, name, want,
            "" if ok else " # TFLite %s; npu-run status %d: %s" % (
                tfl, run.returncode, run.stderr.strip()[-200:])))
    print("1..%d" % n)
    print("%d passed, %d failed" % (n - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
