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
	union fw_params p;
	struct fw_operand ops[FW_SLOT_COUNT];
	void *buf[FW_SLOT_COUNT];
	struct npu_fw_cost cost;
};

static void job_fail(struct npu_fw_result *res, uint32_t status, int error)
{
	res->status = status;
	res->error = error;
}

static void free_bufs(const struct npu_fw_env *env, struct fw_job *job)
{
	uint32_t i;

	for (i = 0; i < FW_SLOT_COUNT; i++) {
		if (job->buf[i])
			env->free(env->ctx, job->buf[i]);
		job->buf[i] = NULL;
	}
}

static void dispatch(uint32_t op, const union fw_params *p, void *const *b)
{
	const int s16 = p->copy.input.dtype == NPU_DTYPE_INT16;
	void *in = b[FW_SLOT_IN0], *out = b[FW_SLOT_OUT];

	switch (op) {
	case NPU_OP_CONV_2D:
		if (s16)
			npu_op_conv2d_s16(&p->conv, in, b[FW_SLOT_WEIGHTS],
					  b[FW_SLOT_BIAS], b[FW_SLOT_MULT],
					  b[FW_SLOT_SHIFT], out);
		else
			npu_op_conv2d_s8(&p->conv, in, b[FW_SLOT_WEIGHTS],
					 b[FW_SLOT_BIAS], b[FW_SLOT_MULT],
					 b[FW_SLOT_SHIFT], out);
		break;
	case NPU_OP_DEPTHWISE_CONV_2D:
		if (s16)
			npu_op_depthwise_s16(&p->conv, in, b[FW_SLOT_WEIGHTS],
					     b[FW_SLOT_BIAS], b[FW_SLOT_MULT],
					     b[FW_SLOT_SHIFT], out);
		else
			npu_op_depthwise_s8(&p->conv, in, b[FW_SLOT_WEIGHTS],
					    b[FW_SLOT_BIAS], b[FW_SLOT_MULT],
					    b[FW_SLOT_SHIFT], out);
		break;
	case NPU_OP_TRANSPOSE_CONV:
		if (s16)
			npu_op_transpose_conv_s16(&p->conv, in,
						  b[FW_SLOT_WEIGHTS],
						  b[FW_SLOT_BIAS],
						  b[FW_SLOT_MULT],
						  b[FW_SLOT_SHIFT], out);
		else
			npu_op_transpose_conv_s8(&p->conv, in,
						 b[FW_SLOT_WEIGHTS],
						 b[FW_SLOT_BIAS],
						 b[FW_SLOT_MULT],
						 b[FW_SLOT_SHIFT], out);
		break;
	case NPU_OP_FULLY_CONNECTED:
		if (s16)
			npu_op_fc_s16(&p->fc, in, b[FW_SLOT_WEIGHTS],
				      b[FW_SLOT_BIAS], b[FW_SLOT_MULT],
				      b[FW_SLOT_SHIFT], out);
		else
			npu_op_fc_s8(&p->fc, in, b[FW_SLOT_WEIGHTS],
				     b[FW_SLOT_BIAS], b[FW_SLOT_MULT],
				     b[FW_SLOT_SHIFT], out);
		break;
	case NPU_OP_ADD:
		if (s16)
			npu_op_add_s16(&p->elt, in, b[FW_SLOT_IN1], out);
		else
			npu_op_add_s8(&p->elt, in, b[FW_SLOT_IN1], out);
		break;
	case NPU_OP_SUB:
		if (s16)
			npu_op_sub_s16(&p->elt, in, b[FW_SLOT_IN1], out);
		else
			npu_op_sub_s8(&p->elt, in, b[FW_SLOT_IN1], out);
		break;
	case NPU_OP_MUL:
		if (s16)
			npu_op_mul_s16(&p->elt, in, b[FW_SLOT_IN1], out);
		else
			npu_op_mul_s8(&p->elt, in, b[FW_SLOT_IN1], out);
		break;
	case NPU_OP_AVERAGE_POOL_2D:
		if (s16)
			npu_op_avg_pool_s16(&p->pool, in, out);
		else
			npu_op_avg_pool_s8(&p->pool, in, out);
		break;
	case NPU_OP_MAX_POOL_2D:
		if (s16)
			npu_op_max_pool_s16(&p->pool, in, out);
		else
			npu_op_max_pool_s8(&p->pool, in, out);
		break;
	case NPU_OP_MEAN:
		if (s16)
			npu_op_mean_s16(&p->mean, in, out);
		else
			npu_op_mean_s8(&p->mean, in, out);
		break;
	case NPU_OP_PAD:
		npu_op_pad(&p->pad, in, out);
		break;
	case NPU_OP_TRANSPOSE:
		npu_op_transpose(&p->tr, in, out);
		break;
	case NPU_OP_STRIDED_SLICE:
		npu_op_strided_slice(&p->slice, in, out);
		break;
	case NPU_OP_COPY:
		npu_op_copy(&p->copy, in, out);
		break;
	case NPU_OP_LUT:
		if (s16)
			npu_op_lut_s16(&p->lut, in, b[FW_SLOT_TABLE], out);
		else
			npu_op_lut_s8(&p->lut, in, b[FW_SLOT_TABLE], out);
		break;
	case NPU_OP_LEAKY_RELU:
		if (s16)
			npu_op_leaky_relu_s16(&p->lrelu, in, out);
		else
			npu_op_leaky_relu_s8(&p->lrelu, in, out);
		break;
	default:
		break;
	}
}

/* CONCATENATION writes only its slice of the output, block by block. */
static int write_concat(const struct npu_fw_env *env, struct fw_job *job,
			struct npu_fw_result *res)
{
	const struct npu_concat_params *p = &job->p.cat;
	const uint8_t *src = job->buf[FW_SLOT_IN0];
	uint64_t inner = npu_dtype_size(p->input.dtype), outer = 1, i, fault;
	uint32_t d;

	for (d = 0; d < p->axis; d++)
		outer *= p->input.dims[d];
	for (d = p->axis + 1; d < p->input.rank; d++)
		inner *= p->input.dims[d];
	for (i = 0; i < outer; i++) {
		uint64_t len = inner * p->input.dims[p->axis];
		uint64_t va = p->output.addr +
			      (i * p->output.dims[p->axis] + p->offset) * inner;

		fault = 0;
		if (env->dma_write(env->ctx, va, src + i * len, (uint32_t)len,
				   &fault)) {
			res->fault_addr = fault;
			res->fault_write = 1;
			return -NPU_FW_EFAULT;
		}
		res->dram_write_bytes += len;
	}
	return 0;
}

static int exec_cmd(const struct npu_fw_env *env, struct fw_job *job,
		    uint32_t op, struct npu_fw_result *res)
{
	struct fw_operand *out = NULL;
	uint32_t i, n;
	uint64_t fault;
	int r = 0;

	n = fw_op_operands(op, &job->p, job->ops);
	for (i = 0; i < n; i++) {
		struct fw_operand *o = &job->ops[i];

		if (o->access == NPU_FW_ACCESS_WRITE) {
			out = o;
			if (op == NPU_OP_CONCAT)
				continue;
		}
		job->buf[o->slot] = env->alloc(env->ctx, (size_t)o->len);
		if (!job->buf[o->slot]) {
			r = -NPU_FW_ENOMEM;
			goto out;
		}
		if (o->access != NPU_FW_ACCESS_READ)
			continue;
		fault = 0;
		if (env->dma_read(env->ctx, o->va, job->buf[o->slot],
				  (uint32_t)o->len, &fault)) {
			res->fault_addr = fault;
			res->fault_write = 0;
			r = -NPU_FW_EFAULT;
			goto out;
		}
		res->dram_read_bytes += o->len;
	}

	dispatch(op, &job->p, job->buf);

	if (op == NPU_OP_CONCAT) {
		r = write_concat(env, job, res);
	} else if (out) {
		fault = 0;
		if (env->dma_write(env->ctx, out->va, job->buf[out->slot],
				   (uint32_t)out->len, &fault)) {
			res->fault_addr = fault;
			res->fault_write = 1;
			r = -NPU_FW_EFAULT;
			goto out;
		}
		res->dram_write_bytes += out->len;
	}
out:
	free_bufs(env, job);
	return r;
}

int npu_fw_run(const struct npu_fw_env *env, uint64_t cs_va, uint32_t cs_size,
	       struct npu_fw_result *res)
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

	r = npu_fw_validate(cs, cs_size, NULL, NULL, &verr);
	if (r) {
		res->cmd_index = verr.cmd_index;
		res->reason = verr.reason;
		job_fail(res, NPU_JOB_ERR_BAD_STREAM, r);
		goto done;
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
		r = exec_cmd(env, job, opcode, res);
		if (r == -NPU_FW_EFAULT) {
			job_fail(res, NPU_JOB_ERR_MMU_FAULT, r);
			goto done;
		} else if (r) {
			job_fail(res, NPU_JOB_ERR_INTERNAL, r);
			goto done;
		}
		fw_memset(&job->cost, 0, sizeof(job->cost));
		npu_fw_estimate_op(env->hw, opcode, &job->p, &job->cost);
		res->cycles += job->cost.cycles;
		res->macs += job->cost.macs;
	}
	res->cmd_index = idx;
	res->status = NPU_JOB_OK;
done:
	if (cs)
		env->free(env->ctx, cs);
	if (job)
		env->free(env->ctx, job);
	return res->error;
}
