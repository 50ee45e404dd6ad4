// SPDX-License-Identifier: MIT
/*
 * Which variant of the optimized kernels runs (cpu_opt.h): the best the
 * CPU has, picked at run time (AVX-512 VNNI, AVX2, SSE4.1 on x86-64; NEON,
 * baseline on arm64), else portable C.  NPU_CPU_ISA in the environment
 * names a lesser one to run instead (c, sse4.1, avx2, avx512vnni, neon),
 * to measure or test it on a machine that has a better one.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_opt.h"

static enum cpu_isa isa_detected(void)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (cpu_isa_usable(CPU_ISA_AVX512VNNI))
		return CPU_ISA_AVX512VNNI;
	if (__builtin_cpu_supports("avx2"))
		return CPU_ISA_AVX2;
	if (__builtin_cpu_supports("sse4.1"))
		return CPU_ISA_SSE41;
#elif defined(__aarch64__)
	return CPU_ISA_NEON;
#endif
	return CPU_ISA_C;
}

enum cpu_isa cpu_isa_best(void)
{
	static const char *const names[CPU_ISA_COUNT] = {
		[CPU_ISA_C] = "c", [CPU_ISA_AVX2] = "avx2", [CPU_ISA_NEON] = "neon",
		[CPU_ISA_AVX512VNNI] = "avx512vnni", [CPU_ISA_SSE41] = "sse4.1",
	};
	const char *want = getenv("NPU_CPU_ISA");

	for (int isa = 0; want && isa < CPU_ISA_COUNT; isa++)
		if (!strcmp(want, names[isa]) && cpu_isa_usable((enum cpu_isa)isa))
			return (enum cpu_isa)isa;
	return isa_detected();
}

bool cpu_isa_usable(enum cpu_isa isa)
{
	switch (isa) {
	case CPU_ISA_C:
		return true;
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2");
	case CPU_ISA_AVX512VNNI:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("avx512f") &&
		       __builtin_cpu_supports("avx512bw") &&
		       __builtin_cpu_supports("avx512vnni");
	case CPU_ISA_SSE41:
		__builtin_cpu_init();
		return __builtin_cpu_supports("sse4.1");
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return true;
#endif
	default:
		return false;
	}
}
