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
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "npu_cpu.h"
#include "test_cpu_graph.h"
#include "../lower/lower.h"

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

/* The graph inputs of @b: the @n tensors @ins (CPU-only builtins' tests). */
static inline void tg_inputs(struct tg *b, uint32_t n, const int32_t *ins)
{
	b->g.num_inputs = n;
	memcpy(b->graph_in, ins, n * sizeof(*ins));
}

/* A CPU executor of @b, asserting it is created. */
static inline struct npu_cpu *cpu_ok(const struct tg *b)
{
	struct npu_cpu *cpu = NULL;
	char err[256] = "";

	ck_assert_msg(npu_cpu_create(&b->g, &cpu, err, sizeof(err)) == 0, "%s", err);
	return cpu;
}

/* A CPU executor of @b run once with @bytes of @x in tensor @in, asserting success. */
static inline struct npu_cpu *cpu_run(const struct tg *b, int32_t in, const void *x, size_t bytes)
{
	struct npu_cpu *cpu = cpu_ok(b);

	memcpy(npu_cpu_tensor_data(cpu, in), x, bytes);
	ck_assert_msg(npu_cpu_invoke(cpu) == 0, "%s", npu_cpu_error(cpu));
	return cpu;
}

/* @b run once on @x in tensor @in: tensor @out must hold @want. */
static inline void cpu_run_expect(const struct tg *b, int32_t in, const void *x, size_t x_bytes,
				  int32_t out, const void *want, size_t want_bytes)
{
	struct npu_cpu *cpu = cpu_run(b, in, x, x_bytes);

	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want, want_bytes);
	npu_cpu_destroy(cpu);
}

/*
 * @b is refused with a message holding @words: by npu_cpu_create(), or for
 * a case without a kernel (-ENOTSUP, which a registered kernel may still
 * serve) by the first npu_cpu_invoke().
 */
static inline void cpu_refused(struct tg *b, const char *words)
{
	struct npu_cpu *cpu = NULL;
	char err[256] = "";

	if (npu_cpu_create(&b->g, &cpu, err, sizeof(err)) == 0) {
		ck_assert_int_eq(npu_cpu_invoke(cpu), -ENOTSUP);
		snprintf(err, sizeof(err), "%s", npu_cpu_error(cpu));
		npu_cpu_destroy(cpu);
	} else {
		ck_assert_ptr_null(cpu);
	}
	ck_assert_msg(strstr(err, words), "'%s' lacks '%s'", err, words);
}

/* npu_cpu_invoke() fails with an error naming @words (and no crash). */
static inline void cpu_run_fails(struct npu_cpu *cpu, const char *words)
{
	ck_assert_int_ne(npu_cpu_invoke(cpu), 0);
	ck_assert_msg(strstr(npu_cpu_error(cpu), words), "'%s' lacks '%s'",
		      npu_cpu_error(cpu), words);
}

/*
 * Output @o of op 0 of @b as its builtin's output_shape hook computes it
 * (compiler/fold.c's propagation asks the same): rank @rank and @dims, or
 * no shape when @rank is -1.
 */
static inline void assert_output_shape(const struct tg *b, uint32_t o, int rank,
				       const int32_t *dims)
{
	const struct npu_builtin_impl *impl = npu_builtin_find(b->ops[0].builtin);
	int32_t got[NPU_GRAPH_MAX_DIMS] = { 0 };
	int r;

	ck_assert_ptr_nonnull(impl);
	ck_assert_ptr_nonnull(impl->output_shape);
	r = impl->output_shape(&b->g, &b->ops[0], o, got);
	ck_assert_int_eq(r, rank);
	for (int d = 0; d < rank; d++)
		ck_assert_msg(got[d] == dims[d], "output %u axis %d: %d, expected %d", o, d,
			      got[d], dims[d]);
}

#endif /* NPU_LOWER_UTIL_H */
