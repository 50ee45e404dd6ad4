// SPDX-License-Identifier: MIT
/*
 * The command processor: fetch a job's stream through the MMU, validate
 * it, then for each command DMA the operands into scratch memory, run the
 * op kernel, and DMA the result out.  The first fault or error ends the job;
 * earlier commands keep their effects (as on hardware).
 */
#include "fw_internal.h"

/* Per-job state lives in scratch memory, not on the (kernel) stack. */
struct fw_job {
	union npu_cmd_params p;
	union npu_cmd_params sub;		/* parameters of one tile */
	struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
	void *buf[NPU_FW_SLOT_COUNT];
	void *tile[NPU_FW_SLOT_COUNT];	/* operand pointers of one tile */
	struct npu_fw_cost cost;
	struct npu_fw_timeline tl;
	uint8_t *sram;			/* the SRAM window, if the stream uses it */
	int own_sram;
	struct fw_regions rt;		/* the job's region table */
};

/*
 * Work per tile, in MACs or window elements.  Large commands run as tiles
 * (batches, output rows, or FC units) with env->poll() in between, so the
 * simulator's kernel thread can reschedule and a soft reset can stop a job
 * even in the middle of a huge command.
 */
#define FW_TILE_WORK	(1u << 20)

static void job_fail(struct npu_fw_result *res, uint32_t status, int error)
{
	res->status = status;
	res->error = error;
}

static void free_bufs(const struct npu_fw_env *env, struct fw_job *job)
{
	uint32_t i;

	for (i = 0; i < NPU_FW_SLOT_COUNT; i++) {
		if (job->buf[i])
			env->free(env->ctx, job->buf[i]);
		job->buf[i] = NULL;
	}
}

int npu_fw_exec(uint32_t opcode, const union npu_cmd_params *params,
		void *const buf[NPU_FW_SLOT_COUNT])
{
	const struct fw_cmd *c = fw_cmd_find(opcode);

	if (!c)
		return -NPU_FW_EINVAL;
	if (c->run)
		c->run(opcode, params, buf);
	return 0;
}

static uint8_t *ptr_at(void *base, uint64_t elems, uint32_t elem_size)
{
	return base ? (uint8_t *)base + elems * elem_size : NULL;
}

/* Rows per tile for @row_work units of work per output row. */
static uint32_t tile_rows(uint64_t row_work, uint32_t rows)
{
	uint64_t n;

	if (!row_work)
		return rows;
	n = fw_div_u64(FW_TILE_WORK, row_work > FW_TILE_WORK ? FW_TILE_WORK :
		       (uint32_t)row_work);
	return n < 1 ? 1 : (n > rows ? rows : (uint32_t)n);
}

/*
 * Starts a tile: -NPU_FW_ECANCELED when the host asks to stop, else the
 * whole command in job->sub and its buffers in job->tile, for the caller
 * to narrow to the tile.
 */
static int tile_start(const struct npu_fw_env *env, struct fw_job *job)
{
	uint32_t i;

	if (env->poll && env->poll(env->ctx))
		return -NPU_FW_ECANCELED;
	job->sub = job->p;
	for (i = 0; i < NPU_FW_SLOT_COUNT; i++)
		job->tile[i] = job->buf[i];
	return 0;
}

/*
 * CONV_2D, DEPTHWISE_CONV_2D and the pools: one batch and a band of output
 * rows per tile.  The band's input starts at the first input row it can
 * touch (or keeps the top padding), so the kernel sees an ordinary, smaller
 * problem with the same arithmetic.
 */
static int run_row_tiles(const struct npu_fw_env *env, struct fw_job *job,
			 uint32_t op)
{
	const int pool = op == NPU_CMD_AVERAGE_POOL_2D || op == NPU_CMD_MAX_POOL_2D;
	const struct npu_tensor *in = pool ? &job->p.pool.input :
					     &job->p.conv.input;
	const struct npu_tensor *out = pool ? &job->p.pool.output :
					      &job->p.conv.output;
	const uint32_t es_in = npu_dtype_size(in->dtype);
	const uint32_t es_out = npu_dtype_size(out->dtype);
	const uint32_t ih = in->dims[1], oh = out->dims[1];
	const uint64_t in_row = (uint64_t)in->dims[2] * in->dims[3];
	const uint64_t out_row = (uint64_t)out->dims[2] * out->dims[3];
	uint32_t stride, pad, b, r0, rows;
	uint64_t row_work;
	int r;

	if (pool) {
		stride = job->p.pool.stride_h;
		pad = job->p.pool.pad_top;
		row_work = out_row * job->p.pool.filter_h * job->p.pool.filter_w;
	} else {
		stride = job->p.conv.stride_h;
		pad = job->p.conv.pad_top;
		row_work = out_row * job->p.conv.filter.dims[1] *
			   job->p.conv.filter.dims[2] *
			   (op == NPU_CMD_CONV_2D ? job->p.conv.filter.dims[3] : 1);
	}
	rows = tile_rows(row_work, oh);

	for (b = 0; b < in->dims[0]; b++) {
		for (r0 = 0; r0 < oh; r0 += rows) {
			const uint32_t n = oh - r0 < rows ? oh - r0 : rows;
			const int64_t y0 = (int64_t)r0 * stride - pad;
			const uint32_t skip = y0 > 0 ? (uint32_t)y0 : 0;
			struct npu_tensor *tin, *tout;

			r = tile_start(env, job);
			if (r)
				return r;
			tin = pool ? &job->sub.pool.input : &job->sub.conv.input;
			tout = pool ? &job->sub.pool.output : &job->sub.conv.output;
			tin->dims[0] = 1;
			tin->dims[1] = ih - skip;
			tout->dims[0] = 1;
			tout->dims[1] = n;
			if (pool)
				job->sub.pool.pad_top = (uint16_t)(y0 < 0 ? -y0 : 0);
			else
				job->sub.conv.pad_top = (uint16_t)(y0 < 0 ? -y0 : 0);
			job->tile[NPU_FW_SLOT_IN0] =
				ptr_at(job->buf[NPU_FW_SLOT_IN0],
				       ((uint64_t)b * ih + skip) * in_row, es_in);
			job->tile[NPU_FW_SLOT_OUT] =
				ptr_at(job->buf[NPU_FW_SLOT_OUT],
				       ((uint64_t)b * oh + r0) * out_row, es_out);
			npu_fw_exec(op, &job->sub, job->tile);
		}
	}
	return 0;
}

/* TRANSPOSE_CONV: one batch and a band of output rows per tile; shifting
 * the top padding by the band's first row keeps the gather identical. */
static int run_tconv_tiles(const struct npu_fw_env *env, struct fw_job *job)
{
	const struct npu_conv_params *p = &job->p.conv;
	const uint32_t es_in = npu_dtype_size(p->input.dtype);
	const uint32_t oh = p->output.dims[1];
	const uint64_t in_batch = (uint64_t)p->input.dims[1] *
				  p->input.dims[2] * p->input.dims[3];
	const uint64_t out_row = (uint64_t)p->output.dims[2] *
				 p->output.dims[3];
	uint64_t row_work = out_row * p->filter.dims[1] * p->filter.dims[2] *
			    p->input.dims[3];
	uint32_t b, r0, rows;
	int r;

	/* pad_top + r0 must stay within the 16-bit field. */
	rows = (uint64_t)p->pad_top + oh <= 0xffff ? tile_rows(row_work, oh) : oh;
	for (b = 0; b < p->input.dims[0]; b++) {
		for (r0 = 0; r0 < oh; r0 += rows) {
			const uint32_t n = oh - r0 < rows ? oh - r0 : rows;

			r = tile_start(env, job);
			if (r)
				return r;
			job->sub.conv.input.dims[0] = 1;
			job->sub.conv.output.dims[0] = 1;
			job->sub.conv.output.dims[1] = n;
			job->sub.conv.pad_top = (uint16_t)(p->pad_top + r0);
			job->tile[NPU_FW_SLOT_IN0] =
				ptr_at(job->buf[NPU_FW_SLOT_IN0], b * in_batch, es_in);
			job->tile[NPU_FW_SLOT_OUT] =
				ptr_at(job->buf[NPU_FW_SLOT_OUT],
				       ((uint64_t)b * oh + r0) * out_row, es_in);
			npu_fw_exec(NPU_CMD_TRANSPOSE_CONV, &job->sub, job->tile);
		}
	}
	return 0;
}

/* FULLY_CONNECTED: one batch row and a band of units per tile. */
static int run_fc_tiles(const struct npu_fw_env *env, struct fw_job *job)
{
	const struct npu_fc_params *p = &job->p.fc;
	const uint32_t es = npu_dtype_size(p->input.dtype);
	const uint32_t bias_es = es == 1 ? 4 : 8;
	const uint32_t depth = p->input.dims[1], units = p->output.dims[1];
	uint32_t b, u0, band;
	int r;

	band = tile_rows(depth, units);
	for (b = 0; b < p->input.dims[0]; b++) {
		for (u0 = 0; u0 < units; u0 += band) {
			const uint32_t n = units - u0 < band ? units - u0 : band;

			r = tile_start(env, job);
			if (r)
				return r;
			job->sub.fc.input.dims[0] = 1;
			job->sub.fc.output.dims[0] = 1;
			job->sub.fc.output.dims[1] = n;
			job->sub.fc.filter.dims[0] = n;
			if (p->rq.count)
				job->sub.fc.rq.count = n;
			job->tile[NPU_FW_SLOT_IN0] =
				ptr_at(job->buf[NPU_FW_SLOT_IN0],
				       (uint64_t)b * depth, es);
			job->tile[NPU_FW_SLOT_WEIGHTS] =
				ptr_at(job->buf[NPU_FW_SLOT_WEIGHTS],
				       (uint64_t)u0 * depth, 1);
			job->tile[NPU_FW_SLOT_BIAS] =
				ptr_at(job->buf[NPU_FW_SLOT_BIAS], u0, bias_es);
			job->tile[NPU_FW_SLOT_MULT] =
				ptr_at(job->buf[NPU_FW_SLOT_MULT], u0, 4);
			job->tile[NPU_FW_SLOT_SHIFT] =
				ptr_at(job->buf[NPU_FW_SLOT_SHIFT], u0, 4);
			job->tile[NPU_FW_SLOT_OUT] =
				ptr_at(job->buf[NPU_FW_SLOT_OUT],
				       (uint64_t)b * units + u0, es);
			npu_fw_exec(NPU_CMD_FULLY_CONNECTED, &job->sub, job->tile);
		}
	}
	return 0;
}

static int run_tiled(const struct npu_fw_env *env, struct fw_job *job,
		     const struct fw_cmd *c)
{
	switch (c->tiling) {
	case FW_TILE_ROWS:
		return run_row_tiles(env, job, c->opcode);
	case FW_TILE_TCONV:
		return run_tconv_tiles(env, job);
	case FW_TILE_UNITS:
		return run_fc_tiles(env, job);
	default:
		/* O(1) work per byte moved: bounded by the operand sizes. */
		if (!(c->flags & FW_CMD_WRITES_SLICE))
			npu_fw_exec(c->opcode, &job->p, job->buf);
		return 0;
	}
}

/* CONCATENATION writes only its slice of the output, block by block. */
static int write_concat(const struct npu_fw_env *env, struct fw_job *job,
			struct npu_fw_result *res)
{
	const struct npu_concat_params *p = &job->p.concat;
	uint8_t *src = job->buf[NPU_FW_SLOT_IN0];
	uint64_t inner = npu_dtype_size(p->input.dtype), outer = 1, i;
	uint32_t d;

	/* Requantizing: the input's scratch copy through the table (bytes). */
	if (p->flags & NPU_CONCAT_TABLE)
		fw_map_bytes(job->buf[NPU_FW_SLOT_TABLE], src, src,
			     npu_tensor_bytes(&p->input));
	for (d = 0; d < p->axis; d++)
		outer *= p->input.dims[d];
	for (d = p->axis + 1; d < p->input.rank; d++)
		inner *= p->input.dims[d];
	for (i = 0; i < outer; i++) {
		uint64_t len = inner * p->input.dims[p->axis];
		uint64_t va = p->output.addr +
			      (i * p->output.dims[p->axis] + p->offset) * inner;

		if (fw_mem_write(env, job->sram, va, src + i * len, len, res))
			return -NPU_FW_EFAULT;
	}
	return 0;
}

static int exec_cmd(const struct npu_fw_env *env, struct fw_job *job,
		    uint32_t op, struct npu_fw_result *res)
{
	const struct fw_cmd *c = fw_cmd_find(op);
	struct npu_fw_operand *out = NULL;
	uint32_t i, n;
	int r = 0;

	if (op == NPU_CMD_DMA)
		return fw_exec_dma(env, job->sram, &job->p.dma, res);
	n = npu_fw_cmd_operands(op, &job->p, job->ops);
	for (i = 0; i < n; i++) {
		struct npu_fw_operand *o = &job->ops[i];

		if (o->access == NPU_FW_ACCESS_WRITE) {
			out = o;
			if (c->flags & FW_CMD_WRITES_SLICE)
				continue;
		}
		job->buf[o->slot] = env->alloc(env->ctx, (size_t)o->len);
		if (!job->buf[o->slot]) {
			r = -NPU_FW_ENOMEM;
			goto out;
		}
		/* A box copy leaves the rest of its output as it was. */
		if (o->access != NPU_FW_ACCESS_READ &&
		    !(c->flags & FW_CMD_KEEPS_OUTPUT))
			continue;
		r = fw_mem_read(env, job->sram, o->va, job->buf[o->slot],
				o->len, res);
		if (r)
			goto out;
	}
	r = fw_wdec_stage(env, op, &job->p, &job->buf[NPU_FW_SLOT_WEIGHTS],
			  &res->reason);
	if (r)
		goto out;

	r = run_tiled(env, job, c);
	if (r)
		goto out;

	if (c->flags & FW_CMD_WRITES_SLICE) {
		r = write_concat(env, job, res);
	} else if (out) {
		r = fw_mem_write(env, job->sram, out->va, job->buf[out->slot],
				 out->len, res);
	}
out:
	free_bufs(env, job);
	return r;
}

int npu_fw_run(const struct npu_fw_env *env, uint64_t cs_va, uint32_t cs_size,
	       struct npu_fw_result *res)
{
	return npu_fw_run_job(env, cs_va, cs_size, 0, res);
}

int npu_fw_run_job(const struct npu_fw_env *env, uint64_t cs_va,
		   uint32_t cs_size, uint64_t rt_va, struct npu_fw_result *res)
{
	struct npu_fw_verror verr;
	struct fw_job *job = NULL;
	uint8_t *cs = NULL;
	uint32_t off, bytes, opcode, idx = 0;
	uint64_t fault = 0;
	const char *reason;
	int r;

	fw_memset(res, 0, sizeof(*res));
	if (cs_size == 0 || (cs_size & 3) || cs_size > NPU_LIMIT_STREAM_BYTES) {
		res->reason = "stream size not a non-zero multiple of 4 within the limit";
		job_fail(res, NPU_JOB_ERR_BAD_STREAM, -NPU_FW_EINVAL);
		return res->error;
	}
	job = env->alloc(env->ctx, sizeof(*job));
	if (job)
		fw_memset(job, 0, sizeof(*job));
	cs = env->alloc(env->ctx, cs_size);
	if (!job || !cs) {
		job_fail(res, NPU_JOB_ERR_INTERNAL, -NPU_FW_ENOMEM);
		goto done;
	}
	fw_memset(job, 0, sizeof(*job));
	if (env->dma_read(env->ctx, cs_va, cs, cs_size, &fault)) {
		res->fault_addr = fault;
		job_fail(res, NPU_JOB_ERR_MMU_FAULT, -NPU_FW_EFAULT);
		goto done;
	}
	res->dram_read_bytes += cs_size;

	r = fw_regions_load(env, rt_va, &job->rt, res);
	if (r) {
		job_fail(res, r == -NPU_FW_EFAULT ? NPU_JOB_ERR_MMU_FAULT :
			 NPU_JOB_ERR_BAD_STREAM, r);
		goto done;
	}
	r = fw_regions_validate(&job->rt, cs, cs_size, &verr);
	if (r) {
		res->cmd_index = verr.cmd_index;
		res->reason = verr.reason;
		job_fail(res, NPU_JOB_ERR_BAD_STREAM, r);
		goto done;
	}

	/* The SRAM starts cleared: no job reads another's data. */
	if (npu_fw_stream_features(cs, cs_size) & NPU_FW_FEAT_SRAM) {
		job->sram = env->sram;
		if (!job->sram) {
			job->sram = env->alloc(env->ctx, NPU_HW_SRAM_SIZE);
			job->own_sram = 1;
		}
		if (!job->sram) {
			job_fail(res, NPU_JOB_ERR_INTERNAL, -NPU_FW_ENOMEM);
			goto done;
		}
		fw_memset(job->sram, 0, NPU_HW_SRAM_SIZE);
	}

	for (off = 0; off < cs_size; off += bytes, idx++) {
		res->cmd_index = idx;
		if (env->poll && env->poll(env->ctx)) {
			job_fail(res, NPU_JOB_ERR_ABORTED, -NPU_FW_ECANCELED);
			goto done;
		}
		bytes = fw_decode_cmd(cs, cs_size, off, &opcode, &job->p,
				      &reason);
		if (!bytes) {	/* cannot happen after validation */
			res->reason = reason;
			job_fail(res, NPU_JOB_ERR_BAD_STREAM, -NPU_FW_EINVAL);
			goto done;
		}
		fw_regions_translate(&job->rt, opcode, &job->p);
		r = exec_cmd(env, job, opcode, res);
		if (r == -NPU_FW_EFAULT) {
			job_fail(res, NPU_JOB_ERR_MMU_FAULT, r);
			goto done;
		} else if (r == -NPU_FW_ECANCELED) {
			job_fail(res, NPU_JOB_ERR_ABORTED, r);
			goto done;
		} else if (r == -NPU_FW_EINVAL) {	/* compressed weights */
			job_fail(res, NPU_JOB_ERR_BAD_STREAM, r);
			goto done;
		} else if (r) {
			job_fail(res, NPU_JOB_ERR_INTERNAL, r);
			goto done;
		}
		fw_memset(&job->cost, 0, sizeof(job->cost));
		res->cycles += npu_fw_timeline_add(&job->tl, env->hw, opcode,
						   &job->p, &job->cost);
		res->macs += job->cost.macs;
	}
	res->cmd_index = idx;
	res->status = NPU_JOB_OK;
done:
	if (cs)
		env->free(env->ctx, cs);
	if (job && job->own_sram && job->sram)
		env->free(env->ctx, job->sram);
	if (job)
		env->free(env->ctx, job);
	return res->error;
}
