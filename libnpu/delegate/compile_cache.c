// SPDX-License-Identifier: MIT
/*
 * Compiling a graph once: the compiled model is kept in the cache directory
 * under the hash of everything compilation depends on, so the next
 * interpreter (or process) preparing the same model loads it instead.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "delegate_priv.h"
#include "npu_fw.h"

/* A growing byte string, hashed once complete. */
struct bytes {
	uint8_t *data;
	size_t size, cap;
	bool failed;
};

static void put(struct bytes *b, const void *src, size_t len)
{
	if (b->failed || !len)
		return;
	if (b->size + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap < b->size + len)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->size, src, len);
	b->size += len;
}

static void put_u64(struct bytes *b, uint64_t v)
{
	put(b, &v, sizeof(v));
}

static void put_str(struct bytes *b, const char *s)
{
	put(b, s ? s : "", s ? strlen(s) + 1 : 1);
}

uint64_t delegate_graph_hash(const struct npu_graph *g, const uint32_t *force_cpu,
			     uint32_t num_force_cpu, uint32_t flags, uint32_t fw_features)
{
	struct bytes b = { 0 };
	uint32_t missing;
	uint64_t h;

	put_u64(&b, g->num_tensors);
	for (uint32_t i = 0; i < g->num_tensors; i++) {
		const struct npu_graph_tensor *t = &g->tensors[i];

		put_str(&b, t->name);
		put_u64(&b, (uint64_t)t->type << 32 | (uint32_t)t->rank);
		put(&b, t->shape, sizeof(t->shape));
		put_u64(&b, (uint64_t)t->quant.count << 32 | (uint32_t)t->quant.quantized_dimension);
		put(&b, t->quant.scale, t->quant.count * sizeof(float));
		put(&b, t->quant.zero_point, t->quant.count * sizeof(int32_t));
		put_u64(&b, (uint64_t)t->is_variable << 63 | t->data_size);
		put(&b, t->data, t->data_size);
	}
	put_u64(&b, g->num_ops);
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		put_u64(&b, (uint64_t)(uint32_t)op->builtin << 32 | (uint32_t)op->version);
		put_str(&b, op->custom_name);
		put_u64(&b, (uint64_t)op->num_inputs << 32 | op->num_outputs);
		put(&b, op->inputs, op->num_inputs * sizeof(int32_t));
		put(&b, op->outputs, op->num_outputs * sizeof(int32_t));
		put_u64(&b, op->options_kind);
		put(&b, &op->options, sizeof(op->options));
		put_u64(&b, op->custom_options_size);
		put(&b, op->custom_options, op->custom_options_size);
	}
	put_u64(&b, (uint64_t)g->num_inputs << 32 | g->num_outputs);
	put(&b, g->inputs, g->num_inputs * sizeof(int32_t));
	put(&b, g->outputs, g->num_outputs * sizeof(int32_t));
	put(&b, force_cpu, num_force_cpu * sizeof(uint32_t));
	/*
	 * Compile flags other than the default, and feature bits the
	 * firmware lacks, place ops otherwise.
	 */
	missing = fw_features ? NPU_FW_FEATURES & ~fw_features : 0;
	if (flags || missing)
		put_u64(&b, (uint64_t)missing << 32 | flags);
	/* A hash of nothing is no key: never cache what could not be hashed. */
	h = b.failed ? 0 : npu_model_hash(b.data, b.size);
	free(b.data);
	return h;
}

static void cache_path(char *buf, size_t len, const char *dir, uint64_t hash)
{
	snprintf(buf, len, "%s/tflite-%016" PRIx64 "-v%u.npu", dir, hash,
		 NPU_MF_VERSION_MAJOR);
}

int delegate_compile(struct npu_graph *g, const struct npu_compile_options *opt,
		     const char *cache_dir, struct npu_compiled_model **out,
		     char *err, size_t errlen)
{
	struct npu_compile_options o = *opt;
	char path[4096], tmp[4200];
	int ret;

	o.source_hash = cache_dir ? delegate_graph_hash(g, opt->force_cpu, opt->num_force_cpu,
							opt->flags, opt->fw_features) : 0;
	if (o.source_hash) {
		cache_path(path, sizeof(path), cache_dir, o.source_hash);
		/* A damaged or stale entry is compiled again and replaced. */
		if (!npu_model_load_file(path, out, NULL, 0)) {
			if ((*out)->source_hash == o.source_hash &&
			    (*out)->graph->num_ops == g->num_ops) {
				npu_graph_free(g);
				return 0;
			}
			npu_compiled_model_free(*out);
			*out = NULL;
		}
	}
	ret = npu_compile(g, &o, out, err, errlen);
	if (ret || !o.source_hash)
		return ret;
	/* Failing to cache is not an error: the next run compiles again. */
	if (mkdir(cache_dir, 0755) && errno != EEXIST)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.%d.%p.tmp", path, (int)getpid(), (void *)g);
	if (npu_model_save_file(*out, tmp, NULL, 0) || rename(tmp, path))
		unlink(tmp);
	return 0;
}
