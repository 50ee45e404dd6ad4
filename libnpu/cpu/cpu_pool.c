// SPDX-License-Identifier: MIT
/*
 * The CPU executor's worker threads: created once per executor
 * (npu_cpu_set_threads()), woken for each parallel kernel, which splits
 * its work into disjoint output ranges so that the bytes never depend on
 * the number of threads.  The calling thread runs part 0 itself.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "cpu_opt.h"

struct npu_cpu_pool {
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* workers: a new job, or stop */
	pthread_cond_t done;	/* caller: every worker finished the job */
	pthread_t *threads;
	uint32_t workers;	/* threads besides the caller */
	uint32_t started;	/* threads actually created */
	uint64_t generation;	/* bumped per job */
	uint32_t busy;		/* workers still on the current job */
	bool stop;
	cpu_pool_fn fn;
	void *arg;
};

struct worker_start {
	struct npu_cpu_pool *pool;
	uint32_t index;
};

static void *worker(void *p)
{
	struct worker_start *ws = p;
	struct npu_cpu_pool *pool = ws->pool;
	const uint32_t index = ws->index;
	uint64_t seen = 0;

	free(ws);
	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (!pool->stop && pool->generation == seen)
			pthread_cond_wait(&pool->wake, &pool->lock);
		if (pool->stop)
			break;
		seen = pool->generation;
		pthread_mutex_unlock(&pool->lock);
		pool->fn(pool->arg, index, pool->workers + 1);
		pthread_mutex_lock(&pool->lock);
		if (--pool->busy == 0)
			pthread_cond_signal(&pool->done);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

void cpu_pool_destroy(struct npu_cpu_pool *pool)
{
	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->stop = true;
	pthread_cond_broadcast(&pool->wake);
	pthread_mutex_unlock(&pool->lock);
	for (uint32_t i = 0; i < pool->started; i++)
		pthread_join(pool->threads[i], NULL);
	pthread_cond_destroy(&pool->wake);
	pthread_cond_destroy(&pool->done);
	pthread_mutex_destroy(&pool->lock);
	free(pool->threads);
	free(pool);
}

int cpu_pool_create(uint32_t threads, struct npu_cpu_pool **out)
{
	struct npu_cpu_pool *pool;

	*out = NULL;
	if (threads < 2)
		return 0;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return -ENOMEM;
	pool->workers = threads - 1;
	pool->threads = calloc(pool->workers, sizeof(*pool->threads));
	if (!pool->threads || pthread_mutex_init(&pool->lock, NULL)) {
		free(pool->threads);
		free(pool);
		return -ENOMEM;
	}
	pthread_cond_init(&pool->wake, NULL);
	pthread_cond_init(&pool->done, NULL);
	for (uint32_t i = 0; i < pool->workers; i++) {
		struct worker_start *ws = malloc(sizeof(*ws));
		int ret;

		if (!ws) {
			cpu_pool_destroy(pool);
			return -ENOMEM;
		}
		ws->pool = pool;
		ws->index = i + 1;
		ret = pthread_create(&pool->threads[i], NULL, worker, ws);
		if (ret) {
			free(ws);
			cpu_pool_destroy(pool);
			return -ret;
		}
		pool->started++;
	}
	*out = pool;
	return 0;
}

uint32_t cpu_pool_threads(const struct npu_cpu_pool *pool)
{
	return pool ? pool->workers + 1 : 1;
}

void cpu_pool_run(struct npu_cpu_pool *pool, cpu_pool_fn fn, void *arg)
{
	if (!pool) {
		fn(arg, 0, 1);
		return;
	}
	pthread_mutex_lock(&pool->lock);
	pool->fn = fn;
	pool->arg = arg;
	pool->busy = pool->workers;
	pool->generation++;
	pthread_cond_broadcast(&pool->wake);
	pthread_mutex_unlock(&pool->lock);
	fn(arg, 0, pool->workers + 1);
	pthread_mutex_lock(&pool->lock);
	while (pool->busy)
		pthread_cond_wait(&pool->done, &pool->lock);
	pthread_mutex_unlock(&pool->lock);
}
