// SPDX-License-Identifier: MIT
/*
 * The CPU executor's worker threads: created once per executor
 * (npu_cpu_set_threads()), handed each parallel kernel, which splits its
 * work into disjoint output ranges so that the bytes never depend on the
 * number of threads or on which thread runs which part.  A job has a few
 * parts per thread, claimed one at a time by whichever thread is free,
 * the calling thread included: on a machine where a worker waits for a
 * core, the caller takes its parts rather than waiting for it.
 *
 * Each thread has its own range of a job's parts, the same share of every
 * job (thread t of T: parts t * P / T up to (t + 1) * P / T), and takes
 * them from the front; a thread whose range is empty steals from the back
 * of the others'.  Kernels cut their outputs in order (rows, tiles of
 * pixels), so consecutive ops give a thread the same rows: the data it
 * wrote stays in its own core's cache for the next op, and the two threads
 * do not write one claim word for every part.
 *
 * A model runs dozens of parallel kernels per inference, a few tens of
 * microseconds apart (the serial work between them: small ops, set-up).
 * Waking a sleeping worker with a futex for each costs about as much as
 * the kernel's share, so a worker that finishes a job spins for the next
 * one for a while (POOL_SPIN_NS) before it sleeps, and the caller spins
 * for the last parts before it sleeps.  The hand-off itself is lock-free:
 * one atomic word publishes the job's sequence number, and one per thread
 * holds it with the thread's range (its next and its end); the mutex and
 * condition variables serve only the sleepers.
 *
 * NPU_CPU_POOL_STATS=1 in the environment makes the pool count hand-offs,
 * sleeps and each thread's parts and time in them (cpu_pool_stats()); off, it
 * costs one branch per part.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu_opt.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax()	_mm_pause()
#elif defined(__aarch64__)
#define cpu_relax()	__asm__ __volatile__("yield" ::: "memory")
#else
#define cpu_relax()	do { } while (0)
#endif

/* Parts per thread: finer shares balance threads that start late. */
#define PARTS_PER_THREAD	4u
/*
 * How long an idle thread spins for the next job (or the caller for the
 * last parts) before it sleeps: longer than the serial gaps between the
 * parallel kernels of one inference, short enough that an idle executor
 * gives its cores back soon: 200 us cost more CPU time than it saved on a
 * loaded machine, where spinning threads take cores from the ones they
 * wait for (yielding the core between looks made that worse still).
 */
#define POOL_SPIN_NS		50000u
/* Spins between two reads of the clock. */
#define SPIN_CHECK		64u

/* Kept apart: the claim word is written by every thread, the rest read. */
#define CACHE_LINE		64

/*
 * A thread's range of the current job: the job's sequence (high 32 bits),
 * the range's end (bits 16..31) and its next unclaimed part (0..15).  The
 * owner claims next (next + 1), a thief end - 1 (end - 1): either is one
 * compare-and-swap, which fails once the job changed.
 */
#define RANGE_SEQ(w)	((uint32_t)((w) >> 32))
#define RANGE_END(w)	((uint32_t)((w) >> 16) & 0xffffu)
#define RANGE_NEXT(w)	((uint32_t)(w) & 0xffffu)
#define MAX_PARTS	0xffffu

struct pool_range {
	_Alignas(CACHE_LINE) _Atomic uint64_t word;
};

struct npu_cpu_pool {
	/* The job's sequence number in its high 32 bits: written when it starts. */
	_Alignas(CACHE_LINE) _Atomic uint64_t claim;
	_Alignas(CACHE_LINE) _Atomic uint32_t done;	/* parts of the job finished */
	_Alignas(CACHE_LINE) _Atomic(cpu_pool_fn) fn;	/* the job, set before claim */
	_Atomic(void *) arg;
	_Atomic uint32_t parts;
	_Atomic uint32_t sleepers;	/* workers asleep or about to be */
	_Atomic bool caller_waits;	/* the caller sleeps on done_cond */
	_Atomic bool stop;
	uint32_t workers;	/* threads besides the caller */
	uint32_t started;	/* threads actually created */
	pthread_mutex_t lock;	/* for the sleepers only */
	pthread_cond_t wake;	/* workers: a new job, or stop */
	pthread_cond_t done_cond;	/* caller: every part of the job finished */
	pthread_t *threads;
	struct pool_worker *self;	/* per worker: its index */
	struct pool_range *ranges;	/* per thread (0: the caller) */
	bool stats_on;
	struct cpu_pool_stats *stats;	/* per thread (0: the caller), or NULL */
};

struct pool_worker {
	struct npu_cpu_pool *pool;
	uint32_t index;		/* 1..workers */
};

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Runs one part, counted when stats are on. */
static void run_part(struct npu_cpu_pool *pool, uint32_t thread, cpu_pool_fn fn, void *arg,
		     uint32_t part, uint32_t parts)
{
	struct cpu_pool_stats *st;
	uint64_t t0;

	if (!pool->stats_on) {
		fn(arg, part, parts);
		return;
	}
	st = &pool->stats[thread];
	t0 = now_ns(CLOCK_MONOTONIC);
	fn(arg, part, parts);
	st->work_ns += now_ns(CLOCK_MONOTONIC) - t0;
	st->parts++;
}

/*
 * Claims a part of job @seq from range @r: its front for its owner, its
 * back for a thief.  False when the range is empty or the job is no
 * longer @seq.  A part claimed is a part of that job (the sequence is in
 * the claimed word), and the job cannot end, nor the next one start,
 * before its parts are done.
 */
static bool claim(struct pool_range *r, uint32_t seq, bool own, uint32_t *part)
{
	uint64_t c = atomic_load_explicit(&r->word, memory_order_acquire);

	for (;;) {
		if (RANGE_SEQ(c) != seq || RANGE_NEXT(c) >= RANGE_END(c))
			return false;
		if (atomic_compare_exchange_weak_explicit(&r->word, &c,
							  own ? c + 1 : c - (1u << 16),
							  memory_order_acq_rel,
							  memory_order_acquire)) {
			*part = own ? RANGE_NEXT(c) : RANGE_END(c) - 1;
			return true;
		}
	}
}

/* Runs parts of job @seq until none is left: its own range, then the others'. */
static void work(struct npu_cpu_pool *pool, uint32_t thread, uint32_t seq)
{
	const uint32_t threads = pool->workers + 1;

	for (uint32_t i = 0; i < threads; i++) {
		const uint32_t victim = (thread + i) % threads;
		uint32_t part, parts;
		cpu_pool_fn fn;
		void *arg;

		while (claim(&pool->ranges[victim], seq, !i, &part)) {
			/* Claimed: the job is unfinished, so these are still its own. */
			parts = atomic_load_explicit(&pool->parts, memory_order_relaxed);
			fn = atomic_load_explicit(&pool->fn, memory_order_relaxed);
			arg = atomic_load_explicit(&pool->arg, memory_order_relaxed);
			run_part(pool, thread, fn, arg, part, parts);
			/* Pairs with the caller's caller_waits and look at done. */
			if (atomic_fetch_add(&pool->done, 1) + 1 == parts &&
			    atomic_load(&pool->caller_waits)) {
				pthread_mutex_lock(&pool->lock);
				pthread_cond_signal(&pool->done_cond);
				pthread_mutex_unlock(&pool->lock);
			}
		}
	}
}

/* Spins up to POOL_SPIN_NS while @busy(@pool, @v) holds; true if it stopped holding. */
static bool spin_while(struct npu_cpu_pool *pool, bool (*busy)(struct npu_cpu_pool *, uint64_t),
		       uint64_t v)
{
	uint64_t start = 0, now;

	for (uint32_t i = 1;; i++) {
		if (!busy(pool, v))
			return true;
		cpu_relax();
		if (i % SPIN_CHECK)
			continue;
		now = now_ns(CLOCK_MONOTONIC);
		if (!start)
			start = now;
		else if (now - start > POOL_SPIN_NS)
			return !busy(pool, v);
	}
}

/* Sequentially consistent: these are the last looks before sleeping. */
static bool no_new_job(struct npu_cpu_pool *pool, uint64_t seq)
{
	return (uint32_t)(atomic_load(&pool->claim) >> 32) == (uint32_t)seq &&
	       !atomic_load(&pool->stop);
}

static bool job_running(struct npu_cpu_pool *pool, uint64_t parts)
{
	return atomic_load(&pool->done) < parts;
}

static void *worker(void *p)
{
	struct pool_worker *self = p;
	struct npu_cpu_pool *pool = self->pool;
	uint32_t seen = 0;

	for (;;) {
		if (!spin_while(pool, no_new_job, seen)) {
			pthread_mutex_lock(&pool->lock);
			/* Counted before the last look, which the caller's publish pairs with. */
			atomic_fetch_add(&pool->sleepers, 1);
			while (no_new_job(pool, seen)) {
				if (pool->stats_on)
					pool->stats[self->index].sleeps++;
				pthread_cond_wait(&pool->wake, &pool->lock);
			}
			atomic_fetch_sub(&pool->sleepers, 1);
			pthread_mutex_unlock(&pool->lock);
		}
		if (atomic_load(&pool->stop))
			break;
		seen = (uint32_t)(atomic_load_explicit(&pool->claim, memory_order_acquire) >> 32);
		work(pool, self->index, seen);
	}
	return NULL;
}

void cpu_pool_destroy(struct npu_cpu_pool *pool)
{
	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	atomic_store(&pool->stop, true);
	pthread_cond_broadcast(&pool->wake);
	pthread_mutex_unlock(&pool->lock);
	for (uint32_t i = 0; i < pool->started; i++)
		pthread_join(pool->threads[i], NULL);
	pthread_cond_destroy(&pool->wake);
	pthread_cond_destroy(&pool->done_cond);
	pthread_mutex_destroy(&pool->lock);
	free(pool->threads);
	free(pool->self);
	free(pool->ranges);
	free(pool->stats);
	free(pool);
}

int cpu_pool_create(uint32_t threads, struct npu_cpu_pool **out)
{
	const char *stats = getenv("NPU_CPU_POOL_STATS");
	struct npu_cpu_pool *pool;

	*out = NULL;
	if (threads < 2)
		return 0;
	pool = aligned_alloc(CACHE_LINE, (sizeof(*pool) + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE);
	if (!pool)
		return -ENOMEM;
	memset(pool, 0, sizeof(*pool));
	pool->workers = threads - 1;
	pool->threads = calloc(pool->workers, sizeof(*pool->threads));
	pool->self = calloc(pool->workers, sizeof(*pool->self));
	pool->ranges = aligned_alloc(CACHE_LINE, threads * sizeof(*pool->ranges));
	if (pool->ranges)
		memset(pool->ranges, 0, threads * sizeof(*pool->ranges));
	pool->stats_on = stats && *stats && *stats != '0';
	if (pool->stats_on)
		pool->stats = calloc(threads, sizeof(*pool->stats));
	if (!pool->threads || !pool->self || !pool->ranges || (pool->stats_on && !pool->stats) ||
	    pthread_mutex_init(&pool->lock, NULL)) {
		free(pool->threads);
		free(pool->self);
		free(pool->ranges);
		free(pool->stats);
		free(pool);
		return -ENOMEM;
	}
	pthread_cond_init(&pool->wake, NULL);
	pthread_cond_init(&pool->done_cond, NULL);
	for (uint32_t i = 0; i < pool->workers; i++) {
		int ret;

		pool->self[i] = (struct pool_worker){ .pool = pool, .index = i + 1 };
		ret = pthread_create(&pool->threads[i], NULL, worker, &pool->self[i]);
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

bool cpu_pool_stats(const struct npu_cpu_pool *pool, struct cpu_pool_stats *per_thread)
{
	if (!pool || !pool->stats_on)
		return false;
	if (per_thread)
		memcpy(per_thread, pool->stats, (pool->workers + 1) * sizeof(*per_thread));
	return true;
}

void cpu_pool_run(struct npu_cpu_pool *pool, cpu_pool_fn fn, void *arg)
{
	cpu_pool_run_parts(pool, fn, arg, pool ? (pool->workers + 1) * PARTS_PER_THREAD : 1);
}

void cpu_pool_run_parts(struct npu_cpu_pool *pool, cpu_pool_fn fn, void *arg, uint32_t parts)
{
	uint64_t t0 = 0;
	uint32_t seq, threads;

	if (!pool || parts < 2) {
		fn(arg, 0, 1);
		return;
	}
	parts = parts < MAX_PARTS ? parts : MAX_PARTS;
	threads = pool->workers + 1;
	seq = (uint32_t)(atomic_load_explicit(&pool->claim, memory_order_relaxed) >> 32) + 1;
	atomic_store_explicit(&pool->fn, fn, memory_order_relaxed);
	atomic_store_explicit(&pool->arg, arg, memory_order_relaxed);
	atomic_store_explicit(&pool->parts, parts, memory_order_relaxed);
	atomic_store_explicit(&pool->done, 0, memory_order_relaxed);
	for (uint32_t t = 0; t < threads; t++)
		atomic_store_explicit(&pool->ranges[t].word,
				      (uint64_t)seq << 32 |
				      (uint64_t)((t + 1) * (uint64_t)parts / threads) << 16 |
				      (uint64_t)(t * (uint64_t)parts / threads),
				      memory_order_relaxed);
	/* Publishes the job (and the ranges); pairs with a worker's count of sleepers. */
	atomic_store(&pool->claim, (uint64_t)seq << 32);
	if (pool->stats_on)
		pool->stats[0].jobs++;
	if (atomic_load(&pool->sleepers)) {
		pthread_mutex_lock(&pool->lock);
		pthread_cond_broadcast(&pool->wake);
		pthread_mutex_unlock(&pool->lock);
		if (pool->stats_on)
			pool->stats[0].wakes++;
	}
	work(pool, 0, seq);
	if (pool->stats_on)
		t0 = now_ns(CLOCK_MONOTONIC);
	if (spin_while(pool, job_running, parts))
		goto out;
	pthread_mutex_lock(&pool->lock);
	atomic_store(&pool->caller_waits, true);
	while (job_running(pool, parts)) {
		if (pool->stats_on)
			pool->stats[0].sleeps++;
		pthread_cond_wait(&pool->done_cond, &pool->lock);
	}
	atomic_store(&pool->caller_waits, false);
	pthread_mutex_unlock(&pool->lock);
out:
	if (pool->stats_on)
		pool->stats[0].wait_ns += now_ns(CLOCK_MONOTONIC) - t0;
}
