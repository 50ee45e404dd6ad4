// SPDX-License-Identifier: GPL-2.0-only
/*
 * npu_sim execution engine: one kernel thread per device that boots the
 * firmware, finishes soft resets and executes queued jobs in order, writing
 * a completion record for each.
 */
#include <linux/cleanup.h>
#include <linux/crc32.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "npu_cmdstream.h"
#include "npu_sim.h"

enum npu_sim_work {
	NPU_SIM_WORK_NONE,
	NPU_SIM_WORK_RESET,
	NPU_SIM_WORK_BOOT,
	NPU_SIM_WORK_JOB,
};

/**
 * npu_sim_soft_reset_locked() - CONTROL.SOFT_RESET
 * @sim: the device.
 *
 * Drops the queue and the firmware at once; the running job is abandoned
 * without a completion record.  The thread finishes the reset (raising
 * RESET_DONE) once the running job has stopped touching memory.
 */
void npu_sim_soft_reset_locked(struct npu_sim *sim)
{
	lockdep_assert_held(&sim->lock);
	sim->stats.resets++;
	npu_sim_reset_state_locked(sim);
}

/**
 * npu_sim_reset_state_locked() - the state a reset of any kind loses
 * @sim: the device.
 *
 * What npu_sim_soft_reset_locked() does, without counting it as a soft
 * reset: the reset line and the power domain (npu_sim_soc.c) lose the same.
 */
void npu_sim_reset_state_locked(struct npu_sim *sim)
{
	lockdep_assert_held(&sim->lock);
	sim->epoch++;
	sim->stats.jobs_aborted += sim->queue_count;
	sim->queue_count = 0;
	sim->overtaken = false;
	sim->status = NPU_STATUS_RESETTING;
	sim->boot_pending = false;
	sim->boot_status = NPU_BOOT_IDLE;
	sim->fw_version = 0;
	sim->fw_features = 0;
	sim->job_overflow = 0;
	sim->fault_status = 0;
	sim->fault_addr_lo = 0;
	sim->fault_addr_hi = 0;
	sim->fault_seqno = 0;
	sim->irq_raw = 0;
	sim->reset_pending = true;
	wake_up(&sim->wq);
}

/* reorder_jobs: the job at the head waits for one to overtake it. */
static bool npu_sim_awaits_overtaker_locked(const struct npu_sim *sim)
{
	return sim->inject.reorder_jobs && !sim->overtaken &&
	       sim->queue_count < 2;
}

static enum npu_sim_work npu_sim_next_work_locked(struct npu_sim *sim)
{
	if (sim->stopping)
		return NPU_SIM_WORK_NONE;
	if (sim->reset_pending)
		return NPU_SIM_WORK_RESET;
	if (sim->boot_pending)
		return NPU_SIM_WORK_BOOT;
	if ((sim->power & NPU_POWER_ON) && npu_sim_soc_up_locked(sim) &&
	    (sim->status & NPU_STATUS_FW_READY) && sim->queue_count &&
	    !npu_sim_awaits_overtaker_locked(sim))
		return NPU_SIM_WORK_JOB;
	return NPU_SIM_WORK_NONE;
}

static bool npu_sim_has_work(struct npu_sim *sim)
{
	guard(spinlock_irqsave)(&sim->lock);
	return npu_sim_next_work_locked(sim) != NPU_SIM_WORK_NONE;
}

static bool npu_sim_aborted(struct npu_sim *sim, u32 epoch)
{
	guard(spinlock_irqsave)(&sim->lock);
	return sim->stopping || sim->epoch != epoch;
}

/* True once a soft reset or removal abandoned the job (or boot) of @x. */
bool npu_sim_job_aborted(const struct npu_sim_exec *x)
{
	return npu_sim_aborted(x->sim, x->epoch);
}

/**
 * npu_sim_inject_set() - set the injections the thread waits on
 * @sim: the device.
 * @hold: new value of hold_next_job, or NULL.
 * @reorder: new value of reorder_jobs, or NULL.
 *
 * Wakes the thread: clearing hold_next_job releases a held job, clearing
 * reorder_jobs lets a job that waits for an overtaker start alone.
 */
void npu_sim_inject_set(struct npu_sim *sim, bool *hold, u32 *reorder)
{
	guard(spinlock_irqsave)(&sim->lock);
	if (hold)
		sim->inject.hold_next_job = *hold;
	if (reorder)
		sim->inject.reorder_jobs = *reorder;
	wake_up(&sim->wq);
}

static bool npu_sim_released(struct npu_sim *sim, u32 epoch)
{
	guard(spinlock_irqsave)(&sim->lock);
	return !sim->inject.hold_next_job || sim->stopping ||
	       sim->epoch != epoch;
}

static void npu_sim_finish_reset(struct npu_sim *sim)
{
	guard(spinlock_irqsave)(&sim->lock);
	sim->reset_pending = false;
	if (sim->inject.fail_next_reset) {
		/* Injected: the block stays in reset until reset again. */
		sim->inject.fail_next_reset = false;
		return;
	}
	sim->status &= ~NPU_STATUS_RESETTING;
	npu_sim_raise_irq_locked(sim, NPU_IRQ_RESET_DONE);
}

static u32 npu_sim_load_image(struct npu_sim_exec *x, u64 base, u32 size,
			      u32 *version, u32 *features,
			      struct npu_fw_hw_model *hw)
{
	u8 *img;
	u32 ret;

	if (size < sizeof(struct npu_fw_header) || size > NPU_SIM_FW_MAX_SIZE)
		return NPU_BOOT_ERR_SIZE;
	img = kvmalloc(size, GFP_KERNEL);
	if (!img)
		return NPU_BOOT_ERR_DMA;
	if (npu_sim_fetch(x->sim, x->epoch, base, img, size))
		ret = NPU_BOOT_ERR_DMA;
	else
		ret = npu_sim_fw_boot(x, img, size, version, features, hw);
	kvfree(img);
	return ret;
}

static void npu_sim_boot(struct npu_sim *sim)
{
	struct npu_sim_exec x = { .sim = sim };
	struct npu_fw_hw_model hw;
	u32 version = 0, features = 0;
	u32 size, result;
	u64 base;

	scoped_guard(spinlock_irqsave, &sim->lock) {
		sim->boot_pending = false;
		sim->stats.boots++;
		x.epoch = sim->epoch;
		base = (u64)sim->fw_base_hi << 32 | sim->fw_base_lo;
		size = sim->fw_size;
	}

	result = npu_sim_load_image(&x, base, size, &version, &features, &hw);

	guard(spinlock_irqsave)(&sim->lock);
	/* A reset or a newer BOOT request supersedes this one. */
	if (sim->epoch != x.epoch || sim->boot_pending || sim->stopping)
		return;
	sim->boot_status = result;
	if (result == NPU_BOOT_OK) {
		sim->fw_hw = hw;
		sim->fw_version = version;
		sim->fw_features = features;
		sim->status |= NPU_STATUS_FW_READY;
		wake_up(&sim->wq);
	}
	npu_sim_raise_irq_locked(sim, NPU_IRQ_FW_READY);
}

static bool npu_sim_ring_ready(struct npu_sim *sim, u32 epoch)
{
	guard(spinlock_irqsave)(&sim->lock);
	if (sim->stopping || sim->epoch != epoch)
		return true;
	/* A ring that is not set up takes no records and never stalls. */
	if (!sim->cring_entries || !is_power_of_2(sim->cring_entries))
		return true;
	return sim->cring_wptr - sim->cring_rptr < sim->cring_entries;
}

static void npu_sim_write_record_locked(struct npu_sim *sim,
					const struct npu_sim_exec *x,
					const struct npu_sim_result *res)
{
	struct npu_hw_completion rec = {
		.seqno = cpu_to_le32(x->job.seqno),
		.status = cpu_to_le32(res->status),
		.cycles = cpu_to_le64(res->cycles),
		.macs = cpu_to_le64(res->macs),
		.dram_read_bytes = cpu_to_le64(res->dram_read_bytes),
		.dram_write_bytes = cpu_to_le64(res->dram_write_bytes),
		.fault_addr = cpu_to_le64(res->status == NPU_JOB_ERR_MMU_FAULT ?
					  x->fault_va : 0),
		.detail = cpu_to_le32(res->detail),
	};
	u64 base = (u64)sim->cring_base_hi << 32 | sim->cring_base_lo;
	u32 idx;

	if (!sim->cring_entries || !is_power_of_2(sim->cring_entries))
		return;
	idx = sim->cring_wptr & (sim->cring_entries - 1);
	if (npu_sim_phys_write(base + (u64)idx * sizeof(rec), &rec,
			       sizeof(rec)))
		return;
	/* The record must be visible before the pointer that publishes it. */
	wmb();
	sim->cring_wptr++;
}

static void npu_sim_complete(struct npu_sim *sim, struct npu_sim_exec *x,
			     const struct npu_sim_result *res)
{
	u32 irq = NPU_IRQ_JOB_DONE;

	guard(spinlock_irqsave)(&sim->lock);
	sim->running = false;
	/* Aborted by a soft reset or removal: no record. */
	if (sim->stopping || sim->epoch != x->epoch)
		return;

	if (res->status == NPU_JOB_ERR_MMU_FAULT && x->fault_status) {
		sim->fault_status = x->fault_status;
		sim->fault_addr_lo = lower_32_bits(x->fault_va);
		sim->fault_addr_hi = upper_32_bits(x->fault_va);
		sim->fault_seqno = x->job.seqno;
		sim->stats.mmu_faults++;
		irq |= NPU_IRQ_MMU_FAULT;
	}
	npu_sim_write_record_locked(sim, x, res);
	sim->done_seqno = x->job.seqno;
	sim->counters[NPU_SIM_CNT_CYCLES] += res->cycles;
	sim->counters[NPU_SIM_CNT_MACS] += res->macs;
	sim->counters[NPU_SIM_CNT_DRAM_RD] += res->dram_read_bytes;
	sim->counters[NPU_SIM_CNT_DRAM_WR] += res->dram_write_bytes;
	sim->counters[NPU_SIM_CNT_JOBS]++;
	sim->queue_head = (sim->queue_head + 1) % NPU_SIM_QUEUE_DEPTH;
	sim->queue_count--;
	sim->stats.jobs_executed++;
	if (res->status != NPU_JOB_OK)
		sim->stats.jobs_failed++;
	if (sim->inject.drop_next_irq) {
		sim->inject.drop_next_irq = false;
		sim->stats.irqs_dropped++;
		irq &= ~NPU_IRQ_JOB_DONE;
	}
	npu_sim_raise_irq_locked(sim, irq);
}

/* reorder_jobs: the second queued job swaps places with the head. */
static void npu_sim_overtake_locked(struct npu_sim *sim)
{
	unsigned int next = (sim->queue_head + 1) % NPU_SIM_QUEUE_DEPTH;

	swap(sim->queue[sim->queue_head], sim->queue[next]);
	sim->inject.reorder_jobs--;
	sim->overtaken = true;
}

static void npu_sim_run_job(struct npu_sim *sim)
{
	struct npu_sim_result res = {};
	struct npu_sim_exec x = { .sim = sim };
	bool hang, hold;
	u32 delay;

	scoped_guard(spinlock_irqsave, &sim->lock) {
		if (npu_sim_next_work_locked(sim) != NPU_SIM_WORK_JOB)
			return;
		if (sim->overtaken)
			sim->overtaken = false;
		else if (sim->inject.reorder_jobs)
			npu_sim_overtake_locked(sim);
		x.job = sim->queue[sim->queue_head];
		x.epoch = sim->epoch;
		sim->running = true;
		hang = sim->inject.hang_next_job;
		sim->inject.hang_next_job = false;
		hold = sim->inject.hold_next_job;
		sim->held = hold;
		delay = sim->inject.delay_ms;
	}

	if (hold) {
		/* Released by clearing hold_next_job, or abandoned. */
		wait_event_interruptible(sim->wq, npu_sim_released(sim, x.epoch));
		scoped_guard(spinlock_irqsave, &sim->lock) {
			sim->held = false;
			sim->inject.hold_next_job = false;
		}
	}
	if (hang) {
		/* Injected hang: only a soft reset or removal ends it. */
		wait_event_interruptible(sim->wq,
					 npu_sim_aborted(sim, x.epoch));
	} else if (!npu_sim_job_aborted(&x)) {
		npu_sim_exec_job(&x, &res);
		if (delay)
			wait_event_interruptible_timeout(sim->wq,
							 npu_sim_aborted(sim, x.epoch),
							 msecs_to_jiffies(delay));
	}
	/*
	 * Interruptible sleeps: a kthread gets no signals, and an injected
	 * hang must not trip the hung-task detector.
	 *
	 * The device stalls while the completion ring is full.
	 */
	wait_event_interruptible(sim->wq, npu_sim_ring_ready(sim, x.epoch));
	npu_sim_complete(sim, &x, &res);
}

static int npu_sim_thread(void *data)
{
	struct npu_sim *sim = data;

	while (!kthread_should_stop()) {
		enum npu_sim_work work;

		wait_event_interruptible(sim->wq, kthread_should_stop() ||
					 npu_sim_has_work(sim));
		scoped_guard(spinlock_irqsave, &sim->lock)
			work = npu_sim_next_work_locked(sim);

		switch (work) {
		case NPU_SIM_WORK_RESET:
			npu_sim_finish_reset(sim);
			break;
		case NPU_SIM_WORK_BOOT:
			npu_sim_boot(sim);
			break;
		case NPU_SIM_WORK_JOB:
			npu_sim_run_job(sim);
			break;
		case NPU_SIM_WORK_NONE:
			break;
		}
		cond_resched();
	}
	return 0;
}

int npu_sim_thread_start(struct npu_sim *sim)
{
	struct task_struct *t;

	t = kthread_run(npu_sim_thread, sim, "%s", dev_name(sim->dev));
	if (IS_ERR(t))
		return PTR_ERR(t);
	sim->thread = t;
	return 0;
}

/* Aborts the queued and running jobs (no records) and stops the thread. */
void npu_sim_thread_stop(struct npu_sim *sim)
{
	scoped_guard(spinlock_irqsave, &sim->lock) {
		sim->stopping = true;
		sim->stats.jobs_aborted += sim->queue_count;
		sim->queue_count = 0;
		wake_up(&sim->wq);
	}
	kthread_stop(sim->thread);
}
