// SPDX-License-Identifier: MIT
/*
 * PRELU (int8, and int16 with an int8 alpha as TFLite's 16x8 models have
 * it) with a broadcast alpha, bit-exact with TFLite's reference
 * BroadcastPrelu4DSlow: the identity and the alpha branch requantize
 * separately, the alpha product in 32 bits.
 */
#include "fw_internal.h"

static inline int32_t prelu_one(const struct npu_prelu_params *p, int32_t x,
				int32_t alpha, int32_t lo, int32_t hi)
{
	const int32_t v = x - p->input.zero_point;
	int32_t r;

	if (v >= 0)
		r = fw_mbqm(v, p->multiplier_identity, p->shift_identity);
	else
		r = fw_mbqm(v * (alpha - p->alpha.zero_point),
			    p->multiplier_alpha, p->shift_alpha);
	return fw_clamp((int32_t)((uint32_t)r + (uint32_t)p->output.zero_point),
			lo, hi);
}

void npu_op_prelu_s8(const struct npu_prelu_params *p, const int8_t *in,
		     const int8_t *alpha, int8_t *out)
{
	struct fw_bcast bc;
	uint32_t a, b, o;

	fw_bcast_init(&p->input, &p->alpha, &p->output, &bc);
	FW_BCAST_FOR(bc, a, b, o,
		     out[o] = (int8_t)prelu_one(p, in[a], alpha[b],
						NPU_FW_S8_MIN, NPU_FW_S8_MAX));
}

void npu_op_prelu_s16(const struct npu_prelu_params *p, const int16_t *in,
		      const int8_t *alpha, int16_t *out)
{
	struct fw_bcast bc;
	uint32_t a, b, o;

	fw_bcast_init(&p->input, &p->alpha, &p->output, &bc);
	FW_BCAST_FOR(bc, a, b, o,
		     out[o] = (int16_t)prelu_one(p, in[a], alpha[b],
						 NPU_FW_S16_MIN, NPU_FW_S16_MAX));
}

/* ---- check, cost and the command row ---- */

static int check_prelu(uint32_t op, const union npu_cmd_params *pp,
		       uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_prelu_params *p = &pp->prelu;

	(void)op;
	(void)flags;
	if (p->input.dtype == NPU_DTYPE_INT16) {
		/* 16x8: the broadcast check on an int16 view of alpha. */
		struct npu_tensor alpha16 = p->alpha;

		if (fw_check_tensor(&p->alpha, FW_T_S8, 1, NPU_CS_MAX_DIMS, why))
			return -NPU_FW_EINVAL;
		alpha16.dtype = NPU_DTYPE_INT16;
		if (fw_check_bcast(&p->input, &alpha16, &p->output, FW_T_S16,
				   why))
			return -NPU_FW_EINVAL;
	} else if (fw_check_bcast(&p->input, &p->alpha, &p->output, FW_T_S8,
				  why)) {
		return -NPU_FW_EINVAL;
	}
	FW_CHECK(why, p->multiplier_identity >= 0 && p->multiplier_alpha >= 0,
		 "negative multiplier");
	FW_CHECK(why, p->shift_identity >= -31 && p->shift_identity <= 30 &&
		 p->shift_alpha >= -31 && p->shift_alpha <= 30,
		 "shift out of range");
	return 0;
}

static void cost_prelu(uint32_t op, const union npu_cmd_params *p,
		       struct fw_work *w)
{
	(void)op;
	w->elems = npu_tensor_elems(&p->prelu.output);
}

static uint32_t features_prelu(uint32_t op, const union npu_cmd_params *p)
{
	(void)op;
	return p->prelu.input.dtype == NPU_DTYPE_INT16 ? NPU_FW_FEAT_PRELU_S16 : 0;
}

static void run_prelu(uint32_t op, const union npu_cmd_params *p,
		      void *const *b)
{
	(void)op;
	if (p->prelu.input.dtype == NPU_DTYPE_INT16)
		npu_op_prelu_s16(&p->prelu, b[NPU_FW_SLOT_IN0],
				 b[NPU_FW_SLOT_IN1], b[NPU_FW_SLOT_OUT]);
	else
		npu_op_prelu_s8(&p->prelu, b[NPU_FW_SLOT_IN0],
				b[NPU_FW_SLOT_IN1], b[NPU_FW_SLOT_OUT]);
}

const struct fw_cmd fw_cmds_prelu[] = {
	{ .opcode = NPU_CMD_PRELU, .name = "PRELU",
	  .features = NPU_FW_FEAT_ELTWISE2,
	  .params_size = sizeof(struct npu_prelu_params),
	  .param_features = features_prelu,
	  .check = check_prelu, .operands = fw_operands_in2_out,
	  .cost = cost_prelu, .run = run_prelu },
	{ .name = NULL }
};
