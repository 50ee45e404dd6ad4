// SPDX-License-Identifier: GPL-2.0-only
/*
 * npu_sim debugfs: fault injection and statistics, in
 * /sys/kernel/debug/npu_sim/<device>/.
 */
#include <linux/cleanup.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/minmax.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>

#include "npu_sim.h"

static struct dentry *npu_sim_debugfs_root;

static int npu_sim_state_show(struct seq_file *m, void *unused)
{
	struct npu_sim *sim = m->private;
	struct npu_sim_stats st;
	u32 status, queued, wptr, rptr, done, epoch;
	bool running, held;

	scoped_guard(spinlock_irqsave, &sim->lock) {
		st = sim->stats;
		status = npu_sim_status_locked(sim);
		queued = sim->queue_count;
		running = sim->running;
		held = sim->held;
		wptr = sim->cring_wptr;
		rptr = sim->cring_rptr;
		done = sim->done_seqno;
		epoch = sim->epoch;
	}
	seq_printf(m, "status: %#x\nqueued: %u\nrunning: %u\nheld: %u\n",
		   status, queued, running, held);
	seq_printf(m, "cring_wptr: %u\ncring_rptr: %u\ndone_seqno: %u\n",
		   wptr, rptr, done);
	seq_printf(m, "reset_epoch: %u\n", epoch);
	seq_printf(m, "jobs_executed: %llu\njobs_failed: %llu\n",
		   st.jobs_executed, st.jobs_failed);
	seq_printf(m, "jobs_aborted: %llu\nmmu_faults: %llu\n",
		   st.jobs_aborted, st.mmu_faults);
	seq_printf(m, "powered_off_accesses: %llu\npushes_refused: %llu\n",
		   st.powered_off_accesses, st.pushes_refused);
	seq_printf(m, "bus_errors: %llu\n", st.bus_errors);
	seq_printf(m, "irqs_raised: %llu\nirqs_dropped: %llu\n",
		   st.irqs_raised, st.irqs_dropped);
	seq_printf(m, "resets: %llu\nboots: %llu\n", st.resets, st.boots);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(npu_sim_state);

static int npu_sim_soc_state_show(struct seq_file *m, void *unused)
{
	npu_sim_soc_show(m->private, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(npu_sim_soc_state);

/* Injections the thread waits on: a write must wake it. */
static int npu_sim_hold_get(void *data, u64 *val)
{
	struct npu_sim *sim = data;

	*val = READ_ONCE(sim->inject.hold_next_job);
	return 0;
}

static int npu_sim_hold_set(void *data, u64 val)
{
	bool hold = val;

	npu_sim_inject_set(data, &hold, NULL);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(npu_sim_hold_fops, npu_sim_hold_get,
			 npu_sim_hold_set, "%llu\n");

static int npu_sim_reorder_get(void *data, u64 *val)
{
	struct npu_sim *sim = data;

	*val = READ_ONCE(sim->inject.reorder_jobs);
	return 0;
}

static int npu_sim_reorder_set(void *data, u64 val)
{
	u32 reorder = min_t(u64, val, U32_MAX);

	npu_sim_inject_set(data, NULL, &reorder);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(npu_sim_reorder_fops, npu_sim_reorder_get,
			 npu_sim_reorder_set, "%llu\n");

void npu_sim_debugfs_init(struct npu_sim *sim)
{
	struct dentry *d;

	d = debugfs_create_dir(dev_name(sim->dev), npu_sim_debugfs_root);
	sim->debugfs = d;

	/* fault injection, consumed by the device when it acts on them */
	debugfs_create_bool("hang_next_job", 0600, d,
			    &sim->inject.hang_next_job);
	debugfs_create_u32("delay_ms", 0600, d, &sim->inject.delay_ms);
	debugfs_create_bool("drop_next_irq", 0600, d,
			    &sim->inject.drop_next_irq);
	debugfs_create_bool("fail_next_reset", 0600, d,
			    &sim->inject.fail_next_reset);
	debugfs_create_bool("fault_next_write", 0600, d,
			    &sim->inject.fault_next_write);
	debugfs_create_file_unsafe("hold_next_job", 0600, d, sim,
				   &npu_sim_hold_fops);
	debugfs_create_bool("job_held", 0400, d, &sim->held);
	debugfs_create_file_unsafe("reorder_jobs", 0600, d, sim,
				   &npu_sim_reorder_fops);

	/* statistics, one file each so tests can read a single number */
	debugfs_create_u64("jobs_executed", 0400, d,
			   &sim->stats.jobs_executed);
	debugfs_create_u64("jobs_failed", 0400, d, &sim->stats.jobs_failed);
	debugfs_create_u64("jobs_aborted", 0400, d, &sim->stats.jobs_aborted);
	debugfs_create_u64("mmu_faults", 0400, d, &sim->stats.mmu_faults);
	debugfs_create_u64("powered_off_accesses", 0400, d,
			   &sim->stats.powered_off_accesses);
	debugfs_create_u64("pushes_refused", 0400, d,
			   &sim->stats.pushes_refused);
	debugfs_create_u64("bus_errors", 0400, d, &sim->stats.bus_errors);
	debugfs_create_u64("irqs_raised", 0400, d, &sim->stats.irqs_raised);
	debugfs_create_u64("irqs_dropped", 0400, d, &sim->stats.irqs_dropped);
	debugfs_create_u64("resets", 0400, d, &sim->stats.resets);
	debugfs_create_u64("boots", 0400, d, &sim->stats.boots);
	debugfs_create_file("state", 0400, d, sim, &npu_sim_state_fops);
	debugfs_create_file("soc", 0400, d, sim, &npu_sim_soc_state_fops);
}

void npu_sim_debugfs_fini(struct npu_sim *sim)
{
	debugfs_remove_recursive(sim->debugfs);
	sim->debugfs = NULL;
}

static int npu_sim_selftest_show(struct seq_file *m, void *unused)
{
	seq_puts(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(npu_sim_selftest);

/* The self-test's TAP output, kept until the module is unloaded. */
void npu_sim_debugfs_selftest(const char *log)
{
	debugfs_create_file("selftest", 0400, npu_sim_debugfs_root,
			    (void *)log, &npu_sim_selftest_fops);
}

void npu_sim_debugfs_module_init(void)
{
	npu_sim_debugfs_root = debugfs_create_dir("npu_sim", NULL);
}

void npu_sim_debugfs_module_exit(void)
{
	debugfs_remove_recursive(npu_sim_debugfs_root);
	npu_sim_debugfs_root = NULL;
}
