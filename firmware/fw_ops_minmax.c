// SPDX-License-Identifier: MIT
/*
 * MAXIMUM and MINIMUM with broadcast, as TFLite's reference
 * MaximumMinimumBroadcastSlow: the raw values compared, no requantization
 * (the converter gives inputs and output one quantization); int8, int16
 * and (NPU_FW_FEAT_MINMAX_U8, firmware 1.9.0) uint8.
 */
#include "fw_internal.h"

static inline int32_t minmax_one(const struct npu_eltwise_params *p, int max,
				 int32_t x, int32_t y)
{
	return fw_clamp(max ? (x > y ? x : y) : (x < y ? x : y), p->act_min,
			p->act_max);
}

#define MINMAX_BODY(T, MAX)						\
	struct fw_bcast bc;						\
	uint32_t a, b, o;						\
	fw_bcast_init(&p->input1, &p->input2, &p->output, &bc);		\
	FW_BCAST_FOR(bc, a, b, o,					\
		     out[o] = (T)minmax_one(p, MAX, in1[a], in2[b]))

void npu_op_maximum_s8(const struct npu_eltwise_params *p, const int8_t *in1,
		       const int8_t *in2, int8_t *out)
{
	MINMAX_BODY(int8_t, 1);
}

void npu_op_maximum_s16(const struct npu_eltwise_params *p,
			const int16_t *in1, const int16_t *in2, int16_t *out)
{
	MINMAX_BODY(int16_t, 1);
}

void npu_op_minimum_s8(const struct npu_eltwise_params *p, const int8_t *in1,
		       const int8_t *in2, int8_t *out)
{
	MINMAX_BODY(int8_t, 0);
}

void npu_op_minimum_s16(const struct npu_eltwise_params *p,
			const int16_t *in1, const int16_t *in2, int16_t *out)
{
	MINMAX_BODY(int16_t, 0);
}

void npu_op_maximum_u8(const struct npu_eltwise_params *p, const uint8_t *in1,
		       const uint8_t *in2, uint8_t *out)
{
	MINMAX_BODY(uint8_t, 1);
}

void npu_op_minimum_u8(const struct npu_eltwise_params *p, const uint8_t *in1,
		       const uint8_t *in2, uint8_t *out)
{
	MINMAX_BODY(uint8_t, 0);
}

/* ---- check, cost and the command rows ---- */

static int check_minmax(uint32_t op, const union npu_cmd_params *pp,
			uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_eltwise_params *p = &pp->eltwise;

	(void)op;
	(void)flags;
	if (fw_check_bcast(&p->input1, &p->input2, &p->output,
			   FW_T_S8 | FW_T_S16 | FW_T_U8, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, p->reserved == 0, "reserved field not zero");
	FW_CHECK(why, p->left_shift == 0 && p->input1_multiplier == 0 &&
		 p->input1_shift == 0 && p->input2_multiplier == 0 &&
		 p->input2_shift == 0 && p->output_multiplier == 0 &&
		 p->output_shift == 0, "MAXIMUM/MINIMUM do not requantize");
	return fw_check_act(p->output.dtype, p->act_min, p->act_max, why);
}

static void cost_minmax(uint32_t op, const union npu_cmd_params *p,
			struct fw_work *w)
{
	(void)op;
	w->elems = npu_tensor_elems(&p->eltwise.output);
}

static uint32_t features_minmax(uint32_t op, const union npu_cmd_params *p)
{
	(void)op;
	return p->eltwise.output.dtype == NPU_DTYPE_UINT8 ? NPU_FW_FEAT_MINMAX_U8 : 0;
}

static void run_minmax(uint32_t op, const union npu_cmd_params *pp,
		       void *const *b)
{
	const struct npu_eltwise_params *p = &pp->eltwise;
	const int max = op == NPU_CMD_MAXIMUM;

	if (p->output.dtype == NPU_DTYPE_UINT8)
		(max ? npu_op_maximum_u8 : npu_op_minimum_u8)(p,
			b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_IN1],
			b[NPU_FW_SLOT_OUT]);
	else if (p->output.dtype == NPU_DTYPE_INT16)
		(max ? npu_op_maximum_s16 : npu_op_minimum_s16)(p,
			b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_IN1],
			b[NPU_FW_SLOT_OUT]);
	else
		(max ? npu_op_maximum_s8 : npu_op_minimum_s8)(p,
			b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_IN1],
			b[NPU_FW_SLOT_OUT]);
}

const struct fw_cmd fw_cmds_minmax[] = {
	{ .opcode = NPU_CMD_MAXIMUM, .name = "MAXIMUM",
	  .features = NPU_FW_FEAT_ELTWISE2,
	  .params_size = sizeof(struct npu_eltwise_params),
	  .param_features = features_minmax,
	  .check = check_minmax, .operands = fw_operands_in2_out,
	  .cost = cost_minmax, .run = run_minmax },
	{ .opcode = NPU_CMD_MINIMUM, .name = "MINIMUM",
	  .features = NPU_FW_FEAT_ELTWISE2,
	  .params_size = sizeof(struct npu_eltwise_params),
	  .param_features = features_minmax,
	  .check = check_minmax, .operands = fw_operands_in2_out,
	  .cost = cost_minmax, .run = run_minmax },
	{ .name = NULL }
};
