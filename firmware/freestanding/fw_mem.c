// SPDX-License-Identifier: MIT
/*
 * The four functions a freestanding C compiler may call on its own for
 * aggregate copies and clears (clang does at -O2, GCC may): the firmware
 * provides them as a kernel does.  Built into the freestanding image only;
 * the host library uses libc's.
 */
#include <stddef.h>

#include "fw_internal.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	fw_memcpy(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	fw_memset(dst, c, n);
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	return fw_memcmp(a, b, n);
}
