# SPDX-License-Identifier: MIT
"""Structure-aware mutation of valid .tflite and .npu files.

usage: mutate.py [--seed S] [--count N] [--max-mutations K] -o DIR SEED_FILE...

Writes N files to DIR, each a copy of one seed file with 1..K mutations of
fields that parse fine but mean something hostile, which random bytes
almost never reach:

  .tflite  decoded with TFLite's own schema (ai_edge_litert), mutated as
           objects, packed again: tensor shapes (rank 0..9, 0, -1, huge),
           shape signatures, types, buffers (wrong, shared, short, empty,
           out of range, offset/size past the file), quantization (scale 0,
           negative, NaN, inf, denormal, huge; zero points out of range;
           per-channel arrays of the wrong length; quantized_dimension out
           of range), every scalar of the op's builtin options (strides,
           dilations, padding, activation, axes, ...), options of another
           op's type, op input/output indices (-1, out of range, aliases,
           cycles, a graph output that is an input), operator codes,
           subgraph inputs/outputs, subgraphs added, dropped or duplicated,
           custom ops and their options, sparsity parameters.
  .npu     header, section table, model info, tensors, ops, segments and
           indices rewritten field by field, then the CRC recomputed.

The name of each output says its seed and its mutations (mutations are
also listed in DIR/mutations.tsv), so a finding can be replayed and
minimized by hand.  Run by tests/fuzz/run_mutants.sh (make -C tests/fuzz
fuzz-mutate); needs the Python of build/venv.
"""
import argparse
import os
import random
import struct
import sys
import zlib

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema

I32 = [0, 1, -1, 2, 3, -2, 7, 8, 255, 256, 65535, 65536, 1 << 20, 46341,
       2**31 - 1, -2**31, 2**30, -65536]
SMALL = [0, 1, 2, 3, -1, 4, 5, 8]
FLOATS = [0.0, -0.0, -1.0, float("nan"), float("inf"), float("-inf"), 1e-45, 1e-38,
          3.4e38, 1e-10, 1e10, 0.5, 1.0, 2.0**-32]
ZP = [0, -1, 1, 127, -128, 128, -129, 255, 256, 32767, -32768, 65535,
      2**31 - 1, -2**31]


def ints(v):
    """A vector of the object API (None, list or numpy array) as a list of ints."""
    return [] if v is None else [int(x) for x in v]


def pick_dim(rng):
    return rng.choice([0, 1, -1, 2, 3, -7, 65536, 46341, 2**31 - 1, -2**31, 1 << 20,
                       rng.randint(1, 64)])


# ---- .tflite ----------------------------------------------------------------

class TfliteMutator:
    def __init__(self, model, rng, file_len):
        self.m = model
        self.rng = rng
        self.file_len = file_len

    def sg(self):
        return self.rng.choice(self.m.subgraphs) if self.m.subgraphs else None

    def tensor(self):
        sg = self.sg()
        if sg is None or not sg.tensors:
            return None, None, None
        i = self.rng.randrange(len(sg.tensors))
        return sg, i, sg.tensors[i]

    def op(self):
        sg = self.sg()
        if sg is None or not sg.operators:
            return None, None
        return sg, self.rng.choice(sg.operators)

    def tensor_index(self, sg):
        n = len(sg.tensors) if sg.tensors else 0
        return self.rng.choice([-1, -2, n, n + 1, 2**31 - 1, -2**31,
                                self.rng.randrange(max(n, 1))] +
                               [self.rng.randrange(max(n, 1))] * 4)

    # Each returns a short description, or None when it did not apply.
    def m_shape(self):
        sg, i, t = self.tensor()
        if t is None:
            return None
        rng = self.rng
        shape = ints(t.shape)
        how = rng.randrange(6)
        if how == 0:
            shape = [rng.randint(1, 4) for _ in range(rng.randint(0, 9))]
        elif how == 1 and shape:
            shape[rng.randrange(len(shape))] = pick_dim(rng)
        elif how == 2:
            shape = []
        elif how == 3 and shape:
            k = rng.randrange(len(shape))
            shape[k] = max(shape[k] + rng.choice([-1, 1]), 0)
        elif how == 4:
            shape = shape + [1] * rng.randint(1, 5)
        else:
            shape = shape[:-1] if shape else [pick_dim(rng)]
        t.shape = shape
        return "shape t%d=%s" % (i, shape)

    def m_signature(self):
        sg, i, t = self.tensor()
        if t is None:
            return None
        t.shapeSignature = [self.rng.choice([-1, -2, d, 0]) for d in (ints(t.shape) or [1])]
        return "signature t%d" % i

    def m_type(self):
        sg, i, t = self.tensor()
        if t is None:
            return None
        t.type = self.rng.choice(list(range(0, 18)) + [18, 20, 127])
        return "type t%d=%d" % (i, t.type)

    def m_buffer_index(self):
        sg, i, t = self.tensor()
        if t is None:
            return None
        nb = len(self.m.buffers or [])
        t.buffer = self.rng.choice([0, nb, nb + 5, 2**32 - 1, self.rng.randrange(max(nb, 1))])
        return "buffer t%d=%d" % (i, t.buffer)

    def m_buffer_data(self):
        bufs = [b for b in (self.m.buffers or []) if b.data is not None and len(b.data)]
        if not bufs:
            return None
        b = self.rng.choice(bufs)
        d = np.asarray(b.data, dtype=np.uint8)
        how = self.rng.randrange(4)
        if how == 0:
            b.data = d[:self.rng.randrange(len(d))]
        elif how == 1:
            b.data = None
        elif how == 2:
            b.data = np.concatenate([d, d[:self.rng.randint(1, 64)]])
        else:
            d = d.copy()
            d[self.rng.randrange(len(d))] = self.rng.choice([0, 0x80, 0xff, 0x7f])
            b.data = d
        return "bufdata %d" % how

    def m_buffer_offset(self):
        if not self.m.buffers:
            return None
        b = self.rng.choice(self.m.buffers)
        b.data = None
        b.offset = self.rng.choice([1, self.file_len, self.file_len + 4096, 2**63, 2**64 - 1,
                                    self.rng.randrange(max(self.file_len, 1))])
        b.size = self.rng.choice([0, 1, 4, 1 << 20, 2**32, 2**64 - 1, self.file_len])
        return "bufoffset %d+%d" % (b.offset, b.size)

    def m_quant(self):
        sg, i, t = self.tensor()
        if t is None:
            return None
        rng = self.rng
        q = t.quantization or schema.QuantizationParametersT()
        t.quantization = q
        how = rng.randrange(7)
        if how == 0:
            n = len(q.scale) if q.scale is not None and len(q.scale) else 1
            q.scale = [rng.choice(FLOATS) for _ in range(n)]
        elif how == 1:
            n = len(q.zeroPoint) if q.zeroPoint is not None and len(q.zeroPoint) else 1
            q.zeroPoint = [rng.choice(ZP) for _ in range(n)]
        elif how == 2:
            n = rng.choice([0, 1, 2, 3, 5, 17, 1000])
            q.scale = [rng.choice(FLOATS[6:]) for _ in range(n)]
            q.zeroPoint = [0] * rng.choice([n, 0, 1, max(n - 1, 0)])
        elif how == 3:
            q.quantizedDimension = rng.choice([-1, 1, 2, 3, 4, 8, 9, 2**31 - 1, -2**31])
        elif how == 4:
            t.quantization = None
        elif how == 5:
            q.min = [rng.choice(FLOATS)]
            q.max = [rng.choice(FLOATS)]
        else:
            q.detailsType = rng.choice([1, 2, 3, 7])
            q.details = None
        return "quant t%d %d" % (i, how)

    def m_options(self):
        sg, op = self.op()
        if op is None or op.builtinOptions is None:
            return None
        o = op.builtinOptions
        fields = [k for k, v in vars(o).items()
                  if isinstance(v, (int, float, bool, list, np.ndarray))]
        if not fields:
            return None
        f = self.rng.choice(fields)
        v = getattr(o, f)
        if isinstance(v, bool):
            v = not v
        elif isinstance(v, float):
            v = self.rng.choice(FLOATS)
        elif isinstance(v, int):
            v = self.rng.choice(I32 + [v + 1, v - 1, 4, 5, 6, 7])
            v = max(min(v, 2**31 - 1), -2**31)
        else:
            v = [self.rng.choice(I32) for _ in range(self.rng.randint(0, 9))]
        setattr(o, f, v)
        # Enums are stored in a byte: keep them storable.
        try:
            b = flatbuffers.Builder(64)
            b.Finish(o.Pack(b))
        except (struct.error, TypeError, ValueError):
            setattr(o, f, self.rng.choice([0, 1, 2, 3, 5, 6, 7, 100, -1, 127]))
            try:
                b = flatbuffers.Builder(64)
                b.Finish(o.Pack(b))
            except (struct.error, TypeError, ValueError):
                setattr(o, f, 0)
        return "opt %s.%s=%s" % (type(o).__name__[:-1], f, getattr(o, f))

    def m_options_type(self):
        sg, op = self.op()
        if op is None:
            return None
        t = self.rng.choice([0, 1, 2, 5, 8, 9, 10, 20, 29, 43, 60, 100])
        try:
            name = [k for k, v in vars(schema.BuiltinOptions).items() if v == t][0]
            op.builtinOptions = getattr(schema, name + "T")()
        except (AttributeError, IndexError):
            op.builtinOptions = None
            t = 0
        op.builtinOptionsType = t
        return "opttype %d" % t

    def m_op_io(self):
        sg, op = self.op()
        if op is None:
            return None
        rng = self.rng
        lst = "inputs" if rng.random() < 0.6 else "outputs"
        v = ints(getattr(op, lst))
        how = rng.randrange(5)
        if how == 0 and v:
            v[rng.randrange(len(v))] = self.tensor_index(sg)
        elif how == 1:
            v.append(self.tensor_index(sg))
        elif how == 2 and v:
            del v[rng.randrange(len(v))]
        elif how == 3 and v:
            # Aliases and cycles: an output of this op, or a graph I/O.
            pool = ints(op.outputs) + ints(op.inputs) + ints(sg.inputs) + ints(sg.outputs)
            if pool:
                v[rng.randrange(len(v))] = rng.choice(pool)
        else:
            v = []
        setattr(op, lst, v)
        return "op%s %s" % (lst, v[:6])

    def m_opcode(self):
        sg, op = self.op()
        if op is None:
            return None
        rng = self.rng
        if rng.random() < 0.4 or not self.m.operatorCodes:
            n = len(self.m.operatorCodes or [])
            op.opcodeIndex = rng.choice([n, n + 1, 2**32 - 1, rng.randrange(max(n, 1))])
            return "opcodeindex %d" % op.opcodeIndex
        c = rng.choice(self.m.operatorCodes)
        how = rng.randrange(4)
        if how == 0:
            c.builtinCode = rng.randrange(0, 210)
            c.deprecatedBuiltinCode = min(c.builtinCode, 127)
        elif how == 1:
            c.version = rng.choice([0, -1, 2**31 - 1, 7, 100])
        elif how == 2:
            c.builtinCode = 32
            c.deprecatedBuiltinCode = 32
            c.customCode = rng.choice([b"", b"TFLite_Detection_PostProcess",
                                       b"x" * 300, b"\xff\xfe"])
        else:
            c.deprecatedBuiltinCode = rng.randrange(0, 128)
            c.builtinCode = rng.choice([0, c.deprecatedBuiltinCode, 127])
        return "opcode %d b%d d%d v%d" % (how, c.builtinCode, c.deprecatedBuiltinCode, c.version)

    def m_custom_options(self):
        sg, op = self.op()
        if op is None:
            return None
        rng = self.rng
        n = rng.choice([0, 1, 3, 8, 32, 200])
        op.customOptions = np.frombuffer(bytes(rng.randrange(256) for _ in range(n)),
                                         dtype=np.uint8)
        op.customOptionsFormat = 0
        return "customopts %d" % n

    def m_graph_io(self):
        sg = self.sg()
        if sg is None:
            return None
        rng = self.rng
        lst = rng.choice(["inputs", "outputs"])
        v = ints(getattr(sg, lst))
        how = rng.randrange(4)
        if how == 0 and v:
            v[rng.randrange(len(v))] = self.tensor_index(sg)
        elif how == 1:
            v = v + v[:1] if v else [self.tensor_index(sg)]
        elif how == 2:
            other = sg.outputs if lst == "inputs" else sg.inputs
            if other is not None and len(other):
                v.append(rng.choice(ints(other)))
        else:
            v = []
        setattr(sg, lst, v)
        return "graph%s %s" % (lst, v[:6])

    def m_subgraphs(self):
        rng = self.rng
        subs = self.m.subgraphs or []
        how = rng.randrange(4)
        if how == 0 and subs:
            import copy
            self.m.subgraphs = subs + [copy.deepcopy(rng.choice(subs))]
        elif how == 1 and len(subs) > 1:
            del self.m.subgraphs[rng.randrange(1, len(subs))]
        elif how == 2:
            self.m.subgraphs = subs + [schema.SubGraphT()]
        else:
            self.m.subgraphs = []
        return "subgraphs %d" % how

    def m_op_order(self):
        sg = self.sg()
        if sg is None or not sg.operators or len(sg.operators) < 2:
            return None
        rng = self.rng
        ops = list(sg.operators)
        how = rng.randrange(3)
        if how == 0:
            ops.reverse()
        elif how == 1:
            import copy
            ops.insert(rng.randrange(len(ops)), copy.deepcopy(rng.choice(ops)))
        else:
            i, j = rng.randrange(len(ops)), rng.randrange(len(ops))
            ops[i], ops[j] = ops[j], ops[i]
        sg.operators = ops
        return "oporder %d" % how

    def m_sparsity(self):
        sg, i, t = self.tensor()
        if t is None:
            return None
        rng = self.rng
        sp = schema.SparsityParametersT()
        rank = len(t.shape) if t.shape is not None else 0
        n = rng.choice([rank, rank + 1, max(rank - 1, 0), 0, 9])
        sp.traversalOrder = [rng.choice([0, 1, 2, 3, -1, 8, 2**31 - 1]) if rng.random() < 0.3
                             else k for k in range(n)]
        sp.blockMap = [rng.choice([0, 1, -1, 5]) for _ in range(rng.choice([0, 0, 1, 2]))]
        dms = []
        for k in range(len(sp.traversalOrder)):
            dm = schema.DimensionMetadataT()
            dm.format = rng.choice([0, 1, 1, 2])
            dm.denseSize = rng.choice([0, 1, 2, 4, 2**31 - 1, -1])
            if dm.format == 1:
                seg = schema.Int32VectorT()
                seg.values = [rng.choice([0, 1, 2, -1, 1000]) for _ in range(rng.randint(0, 5))]
                idx = schema.Int32VectorT()
                idx.values = [rng.choice([0, 1, 2, -1, 1000]) for _ in range(rng.randint(0, 5))]
                dm.arraySegmentsType = 1
                dm.arraySegments = seg
                dm.arrayIndicesType = 1
                dm.arrayIndices = idx
            dms.append(dm)
        sp.dimMetadata = dms
        t.sparsity = sp
        return "sparsity t%d n%d" % (i, n)

    def m_variable(self):
        sg, i, t = self.tensor()
        if t is None:
            return None
        t.isVariable = not t.isVariable
        return "variable t%d" % i

    MUTATIONS = ["m_shape", "m_shape", "m_shape", "m_signature", "m_type", "m_buffer_index",
                 "m_buffer_data", "m_buffer_offset", "m_quant", "m_quant", "m_quant",
                 "m_options", "m_options", "m_options", "m_options", "m_options_type",
                 "m_op_io", "m_op_io", "m_opcode", "m_custom_options", "m_graph_io",
                 "m_subgraphs", "m_op_order", "m_sparsity", "m_variable"]


def mutate_tflite(data, rng, k):
    model = schema.ModelT.InitFromPackedBuf(data, 0)
    mut = TfliteMutator(model, rng, len(data))
    done = []
    for _ in range(k):
        for _ in range(5):
            d = getattr(mut, rng.choice(mut.MUTATIONS))()
            if d:
                done.append(d)
                break
    b = flatbuffers.Builder(len(data) + 1024)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output()), done


# ---- .npu -------------------------------------------------------------------

HDR = struct.Struct("<8sHHIQIIQIIQQ")
SECT = struct.Struct("<IIQQ")
# Field offsets and sizes inside each record (npu_model_format.h).
TENSOR_FIELDS = [(0, 4), (4, 1), (5, 1), (6, 1)] + [(8 + 4 * k, 4) for k in range(8)] + \
    [(40, 4), (44, 4), (48, 4), (56, 8), (64, 8), (72, 8)]
TENSOR_SIZE = 80
OP_HEAD = [(0, 4), (4, 4), (8, 4), (12, 4), (16, 4), (20, 4), (24, 4), (28, 4), (32, 4),
           (36, 4), (40, 8), (48, 8)]
SEG_FIELDS = [(0, 4), (4, 4), (8, 8), (16, 4), (20, 4), (24, 4), (28, 4)]
MODEL_FIELDS = [(4 * k, 4) for k in range(8)] + [(32, 8), (40, 8)]
VALUES = {1: [0, 1, 2, 3, 8, 9, 0x7f, 0x80, 0xff],
          4: [0, 1, 2, 3, 4, 7, 8, 0xffffffff, 0x7fffffff, 0x80000000, 0xfffffffe, 65536,
              46341],
          8: [0, 1, 64, 4096, 2**64 - 1, 2**63, 2**32, 2**32 + 64, 1 << 40]}


def mutate_npu(data, rng, k):
    buf = bytearray(data)
    hdr = HDR.unpack_from(buf, 0)
    sto, nsect = hdr[7], hdr[8]
    sections = {}
    for s in range(min(nsect, 64)):
        off = sto + s * SECT.size
        if off + SECT.size > len(buf):
            break
        typ, _, so, ss = SECT.unpack_from(buf, off)
        sections.setdefault(typ, (so, ss, off))
    done = []

    def put(off, size, what):
        if off + size > len(buf):
            return
        old = int.from_bytes(buf[off:off + size], "little")
        v = rng.choice(VALUES[size] + [old + 1, max(old - 1, 0), old ^ (1 << rng.randrange(8))])
        v &= (1 << (8 * size)) - 1
        buf[off:off + size] = v.to_bytes(size, "little")
        done.append("%s@%d=%d" % (what, off, v))

    def record(typ, fields, size=None, what=""):
        if typ not in sections:
            return False
        so, ss, _ = sections[typ]
        if size is None:
            info = sections.get(1)
            n = struct.unpack_from("<I", buf, info[0] + 4)[0] if info else 0
            size = ss // n if n else 0
        if not size or ss < size:
            return False
        r = rng.randrange(ss // size)
        if typ == 3 and size > 56 and rng.random() < 0.5:
            # The op's options union and cost fields: any aligned int32.
            off = rng.randrange(56, size - 3) & ~3
            put(so + r * size + off, 4, what + "opt")
        else:
            off, n = rng.choice(fields)
            put(so + r * size + off, n, what)
        return True

    for _ in range(k):
        how = rng.randrange(9)
        if how == 0:
            off, n = rng.choice([(8, 2), (10, 2), (12, 4), (16, 8), (28, 4), (32, 8),
                                 (40, 4), (44, 4)])
            put(off, n, "hdr")
        elif how == 1 and nsect:
            s = rng.randrange(min(nsect, 64))
            off, n = rng.choice([(0, 4), (4, 4), (8, 8), (16, 8)])
            put(sto + s * SECT.size + off, n, "sect")
        elif how == 2 and 1 in sections:
            off, n = rng.choice(MODEL_FIELDS)
            put(sections[1][0] + off, n, "model")
        elif how in (3, 4):
            record(2, TENSOR_FIELDS, TENSOR_SIZE, "tensor")
        elif how in (5, 6):
            record(3, OP_HEAD, None, "op")
        elif how == 7:
            record(4, SEG_FIELDS, 72, "segment")
        elif 5 in sections:
            so, ss, _ = sections[5]
            if ss >= 4:
                put(so + rng.randrange(ss // 4) * 4, 4, "index")
    # The CRC over the file with its own field taken as zero.
    buf[24:28] = b"\0\0\0\0"
    buf[24:28] = struct.pack("<I", zlib.crc32(bytes(buf)) & 0xffffffff)
    return bytes(buf), done


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("seeds", nargs="+")
    p.add_argument("-o", "--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--max-mutations", type=int, default=3)
    a = p.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    seeds = []
    for s in a.seeds:
        with open(s, "rb") as f:
            seeds.append((os.path.basename(s).rsplit(".", 1)[0], s.endswith(".npu"), f.read()))
    log = open(os.path.join(a.out, "mutations.tsv"), "a")
    made = 0
    while made < a.count:
        name, npu, data = rng.choice(seeds)
        # Mostly one mutation: each one is likely to be refused, and what
        # gets past the reader's checks is what reaches the kernels.
        k = 1 if rng.random() < 0.7 else rng.randint(1, a.max_mutations)
        try:
            out, done = (mutate_npu if npu else mutate_tflite)(data, rng, k)
        except Exception as e:  # a mutation the packer cannot store: draw another
            print("mutate.py: %s: skipped (%s: %s)" % (name, type(e).__name__, e),
                  file=sys.stderr)
            continue
        fn = "m%d_%05d_%s.%s" % (a.seed, made, name[:40], "npu" if npu else "tflite")
        with open(os.path.join(a.out, fn), "wb") as f:
            f.write(out)
        log.write("%s\t%s\n" % (fn, "; ".join(done)))
        made += 1
    log.close()


if __name__ == "__main__":
    sys.exit(main())
