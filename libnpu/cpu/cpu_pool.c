// SPDX-License-Identifier: MIT
/*
 * The CPU executor's worker threads: created once per executor
 * (npu_cpu_set_threads()), woken for each parallel kernel, which splits
 * its work into disjoint output ranges so that the bytes never depend on
 * the number of threads or on which thread runs which part.  A job has a
 * few parts per thread, claimed one at a time by whichever thread is free,
 * the calling thread included: on a machine where a worker waits for a
 * core, the caller takes its parts rather than waiting for it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "cpu_opt.h"

struct npu_cpu_pool {
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* workers: a new job, or stop */
	pthread_cond_t done_cond;	/* caller: every part of the job finished */
	pthread_t *threads;
	uint32_t workers;	/* threads besides the caller */
	uint32_t started;	/* threads actually created */
	uint64_t generation;	/* bumped per job */
	uint32_t parts;		/* of the current job */
	uint32_t next;		/* its first part not claimed */
	uint32_t done;		/* its parts finished */
	bool stop;
	cpu_pool_fn fn;
	void *arg;
};

/* Parts per thread: finer shares balance threads that start late. */
#define PARTS_PER_THREAD	4u

/*
 * Runs parts of job @gen until none is left to claim.  Called with the
 * lock held; returns with it held.
 */
static void work(struct npu_cpu_pool *pool, uint64_t gen)
{
	const cpu_pool_fn fn = pool->fn;
	void *const arg = pool->arg;
	const uint32_t parts = pool->parts;

	while (pool->generation == gen && pool->next < parts) {
		const uint32_t part = pool->next++;

		pthread_mutex_unlock(&pool->lock);
		fn(arg, part, parts);
		pthread_mutex_lock(&pool->lock);
		if (++pool->done == parts)
			pthread_cond_signal(&pool->done_cond);
	}
}

static void *worker(void *p)
{
	struct npu_cpu_pool *pool = p;
	uint64_t seen = 0;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (!pool->stop && pool->generation == seen)
			pthread_cond_wait(&pool->wake, &pool->lock);
		if (pool->stop)
			break;
		seen = pool->generation;
		work(pool, seen);
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
	pthread_cond_destroy(&pool->done_cond);
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
	pthread_cond_init(&pool->done_cond, NULL);
	for (uint32_t i = 0; i < pool->workers; i++) {
		int ret = pthread_create(&pool->threads[i], NULL, worker, pool);

		if (ret) {
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
	pool->parts = (pool->workers + 1) * PARTS_PER_THREAD;
	pool->next = 0;
	pool->done = 0;
	pool->generation++;
	pthread_cond_broadcast(&pool->wake);
	work(pool, pool->generation);
	while (pool->done < pool->parts)
		pthread_cond_wait(&pool->done_cond, &pool->lock);
	pthread_mutex_unlock(&pool->lock);
}
