/* SPDX-License-Identifier: MIT */
/*
 * The few libcheck names test_cpu_opt.c uses, for the cross-built arm64
 * copy run under qemu-aarch64 (Debian has no arm64 libcheck without
 * multiarch).  Runs every test in turn in one process; the first failed
 * assertion prints its message and exits 1.
 */
#ifndef NPU_CROSS_CHECK_H
#define NPU_CROSS_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define START_TEST(name)	static void name(int _i __attribute__((unused)))
#define END_TEST

#define ck_assert_msg(c, ...) do {						\
		if (!(c)) {							\
			fprintf(stderr, "%s:%d: failed: %s: ", __FILE__, __LINE__, #c); \
			fprintf(stderr, __VA_ARGS__);				\
			fputc('\n', stderr);					\
			exit(1);						\
		}								\
	} while (0)
#define ck_assert(c)			ck_assert_msg(c, "%s", "")
#define ck_assert_int_eq(a, b)		ck_assert((a) == (b))
#define ck_assert_uint_eq(a, b)		ck_assert((a) == (b))
#define ck_assert_uint_ge(a, b)		ck_assert((a) >= (b))
#define ck_assert_ptr_nonnull(p)	ck_assert((p) != NULL)

#define CK_NORMAL 0
#define CROSS_MAX_TESTS 32

typedef struct {
	void (*fn[CROSS_MAX_TESTS])(int);
	int lo[CROSS_MAX_TESTS], hi[CROSS_MAX_TESTS];
	int n;
} TCase;
typedef struct {
	TCase *tc;
} Suite;
typedef struct {
	Suite *s;
	int run;
} SRunner;

static inline Suite *suite_create(const char *name)
{
	Suite *s = calloc(1, sizeof(*s));

	printf("Running suite: %s (cross)\n", name);
	return s;
}

static inline TCase *tcase_create(const char *name)
{
	(void)name;
	return calloc(1, sizeof(TCase));
}

static inline void tcase_add_loop_test(TCase *tc, void (*fn)(int), int lo, int hi)
{
	if (tc->n == CROSS_MAX_TESTS)
		abort();
	tc->fn[tc->n] = fn;
	tc->lo[tc->n] = lo;
	tc->hi[tc->n++] = hi;
}

#define tcase_add_test(tc, fn)	tcase_add_loop_test(tc, fn, 0, 1)
#define tcase_set_timeout(tc, t)	((void)(tc), (void)(t))

static inline void suite_add_tcase(Suite *s, TCase *tc)
{
	s->tc = tc;
}

static inline SRunner *srunner_create(Suite *s)
{
	SRunner *sr = calloc(1, sizeof(*sr));

	sr->s = s;
	return sr;
}

static inline void srunner_run_all(SRunner *sr, int mode)
{
	TCase *tc = sr->s->tc;

	(void)mode;
	for (int t = 0; t < tc->n; t++)
		for (int i = tc->lo[t]; i < tc->hi[t]; i++, sr->run++)
			tc->fn[t](i);
	printf("100%%: Checks: %d, Failures: 0, Errors: 0\n", sr->run);
}

static inline int srunner_ntests_failed(SRunner *sr)
{
	(void)sr;
	return 0;	/* a failure has exited already */
}

static inline void srunner_free(SRunner *sr)
{
	free(sr->s->tc);
	free(sr->s);
	free(sr);
}

#endif /* NPU_CROSS_CHECK_H */
