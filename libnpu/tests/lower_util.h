/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the lowering's unit tests, test_lower_<builtin>.c (one
 * per file of libnpu/lower/): they check npu_cpu_prepare_op() and its
 * pieces against values worked out by hand from TFLite's formulas, not by
 * the code under test.  Scales are mostly powers of two so the expected
 * multipliers are exact: QuantizeMultiplier(2^k) = (1 << 30, k + 1).
 * Header-only, as test_cpu_graph.h.
 */
#ifndef NPU_LOWER_UTIL_H
#define NPU_LOWER_UTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "npu_cpu.h"
#include "test_cpu_graph.h"

#define Q30 (1 << 30)

/* Lowers op 0 of @b, asserting success and at least one command. */
static inline struct npu_cpu_prepared *prep_ok(struct tg *b)
{
	struct npu_cpu_prepared *p = NULL;
	char err[256] = "";
	int ret = npu_cpu_prepare_op(&b->g, &b->ops[0], &p, err, sizeof(err));

	ck_assert_msg(ret == 0, "prepare: %d %s", ret, err);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_ge(p->num_cmds, 1);
	return p;
}

/* Lowers op 0 of @b, asserting failure with a message; returns the error. */
static inline int prep_fail(struct tg *b, char *err, size_t len)
{
	struct npu_cpu_prepared *p = (void *)1;
	int ret = npu_cpu_prepare_op(&b->g, &b->ops[0], &p, err, len);

	ck_assert_int_ne(ret, 0);
	ck_assert_ptr_null(p);
	ck_assert_msg(err[0], "no error message");
	return ret;
}

/* Asserts @t has rank @rank and dims @dims. */
static inline void assert_dims(const struct npu_tensor *t, uint32_t rank,
			       const uint32_t *dims)
{
	ck_assert_uint_eq(t->rank, rank);
	for (uint32_t i = 0; i < rank; i++)
		ck_assert_uint_eq(t->dims[i], dims[i]);
}

#endif /* NPU_LOWER_UTIL_H */
