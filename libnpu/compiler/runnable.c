// SPDX-License-Identifier: MIT
/*
 * Whether each op of a compiled model can run as compiled: what npu-compile
 * and npu-compile --check name before the first inference.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compiler_internal.h"
#include "npu_cpu.h"

#define NAME_MAX_SHOWN 48

/* printf at *@at of @buf, clamped: *@at stays below @len. */
__attribute__((format(printf, 4, 5)))
static void put(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	*at = n < 0 || *at + (size_t)n >= len ? len - 1 : *at + (size_t)n;
}

/* " (int8 'x' [1,8], int8 'w' [4,8] -> int8 'y' [1,4])": the op's tensors. */
static void put_signature(const struct npu_graph *g, const struct npu_graph_op *op, char *buf,
			  size_t len, size_t *at)
{
	for (uint32_t k = 0; k < op->num_inputs + op->num_outputs; k++) {
		bool out = k >= op->num_inputs;
		int32_t t = out ? op->outputs[k - op->num_inputs] : op->inputs[k];
		const struct npu_graph_tensor *tt;

		put(buf, len, at, "%s", !k ? " (" : k == op->num_inputs ? " -> " : ", ");
		if (t < 0 || (uint32_t)t >= g->num_tensors) {
			put(buf, len, at, "none");
			continue;
		}
		tt = &g->tensors[t];
		/* Converters join fused names with ';': the first part is enough. */
		put(buf, len, at, "%s '%.*s%s' [", npu_type_name(tt->type), NAME_MAX_SHOWN,
		    tt->name, strlen(tt->name) > NAME_MAX_SHOWN ? "..." : "");
		for (int32_t d = 0; d < tt->rank; d++)
			put(buf, len, at, "%s%d", d ? "," : "", tt->shape[d]);
		put(buf, len, at, "]");
	}
	if (op->num_inputs + op->num_outputs)
		put(buf, len, at, ")");
}

int npu_compiled_op_runnable(const struct npu_compiled_model *m, uint32_t i, char *why,
			     size_t whylen)
{
	const struct npu_graph_op *op;
	char cpu_why[256] = "", label[96], *tail;
	size_t at;
	int ret;

	if (why && whylen)
		why[0] = 0;
	if (!m || !m->graph)
		return -EINVAL;
	if (i >= m->graph->num_ops)
		return -ERANGE;
	if (m->op_segment[i] >= 0)
		return 0;
	op = &m->graph->ops[i];
	ret = npu_cpu_check_op(m->graph, op, cpu_why, sizeof(cpu_why));
	if (!ret || !why || whylen < 2)
		return ret;
	/* The executor names the first input's and output's types: the
	 * signature below names every tensor, with its shape. */
	tail = strstr(cpu_why, " (input ");
	if (tail)
		*tail = 0;
	if (op->builtin == NPU_BUILTIN_CUSTOM)
		snprintf(label, sizeof(label), "CUSTOM '%s'", op->custom_name ? op->custom_name : "");
	else
		snprintf(label, sizeof(label), "%s", npu_op_name(op->builtin));
	/* The words of the report's reason ("...; no CPU kernel: ..."). */
	at = 0;
	put(why, whylen, &at, "op %u (%s): %s: %s", npu_graph_op_source(m->graph, i), label,
	    ret == -ENOTSUP ? "no CPU kernel" : "malformed", cpu_why[0] ? cpu_why : strerror(-ret));
	put_signature(m->graph, op, why, whylen, &at);
	return ret;
}
