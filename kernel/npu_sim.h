/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * npu_sim: the simulated NPU block.  Internal definitions shared by the
 * npu_sim_*.c files; the hardware contract itself is uapi/npu_regs.h and
 * Documentation/hardware.rst.
 */
#ifndef _NPU_SIM_H_
#define _NPU_SIM_H_

#include <linux/clk-provider.h>
#include <linux/irq_work.h>
#include <linux/pm_domain.h>
#include <linux/reset-controller.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "npu_fw.h"
#include "npu_regs.h"

struct device;
struct dentry;
struct irq_domain;
struct fwnode_handle;
struct platform_device;
struct regmap;
struct seq_file;
struct task_struct;

#define NPU_SIM_REVISION	0x00010000u	/* 1.0 */
#define NPU_SIM_QUEUE_DEPTH	4
/* Largest firmware image the device accepts. */
#define NPU_SIM_FW_MAX_SIZE	(16u << 20)

/* Indices of the 64-bit performance counters, in register order. */
enum npu_sim_counter {
	NPU_SIM_CNT_CYCLES,
	NPU_SIM_CNT_MACS,
	NPU_SIM_CNT_DRAM_RD,
	NPU_SIM_CNT_DRAM_WR,
	NPU_SIM_CNT_JOBS,
	NPU_SIM_NUM_COUNTERS,
};

/* Clocks the block takes from the SoC: "core" and "bus" (npu_sim_soc.c). */
#define NPU_SIM_NUM_CLKS	2

/**
 * struct npu_sim_clk - one clock the SoC feeds the block
 * @hw: the clock, registered with the common clock framework.
 * @sim: its device.
 * @index: bit in &npu_sim_soc.clk_on.
 */
struct npu_sim_clk {
	struct clk_hw hw;
	struct npu_sim *sim;
	unsigned int index;
};

/**
 * struct npu_sim_soc - what the SoC around the block provides (npu_sim_soc.c)
 * @managed: false for a device without them (always reachable).
 * @clk_on: bit per running clock; under &npu_sim.lock, as are the next.
 * @in_reset: the reset line is asserted.
 * @domain_on: the power domain is on.
 * @domain_power_ons: times the domain was powered on.
 * @clks: the clocks.
 * @rcdev: the reset controller of the one reset line.
 * @genpd: the power domain.
 */
struct npu_sim_soc {
	bool managed;
	u32 clk_on;
	bool in_reset;
	bool domain_on;
	u64 domain_power_ons;
	struct npu_sim_clk clks[NPU_SIM_NUM_CLKS];
	struct reset_controller_dev rcdev;
	struct generic_pm_domain genpd;
};

/**
 * struct npu_sim_pdata - platform data of an npu_sim device
 * @no_child: do not register the "npu" child (the self-test's device).
 */
struct npu_sim_pdata {
	bool no_child;
};

/* One entry of the hardware job queue, copied from the JOB_* registers. */
struct npu_sim_job {
	u64 cs_va;
	u64 rt_va;
	u32 cs_size;
	u32 as;
	u32 seqno;
};

/**
 * struct npu_sim_exec - state of the job the device executes
 * @sim: the device.
 * @job: copy of the queue entry.
 * @epoch: reset epoch the job was started in; a soft reset aborts it.
 * @fault_va: NPU VA of the first MMU fault.
 * @fault_status: NPU_MMU_FAULT_* bits of the first fault, 0 if none.
 */
struct npu_sim_exec {
	struct npu_sim *sim;
	struct npu_sim_job job;
	u32 epoch;
	u64 fault_va;
	u32 fault_status;
};

/**
 * struct npu_sim_result - how a job ended, for its completion record
 * @status: NPU_JOB_OK or NPU_JOB_ERR_*.
 * @detail: index of the failing command.
 * @cycles: modelled cycles.
 * @macs: multiply-accumulates.
 * @dram_read_bytes: bytes read.
 * @dram_write_bytes: bytes written.
 */
struct npu_sim_result {
	u32 status;
	u32 detail;
	u64 cycles;
	u64 macs;
	u64 dram_read_bytes;
	u64 dram_write_bytes;
};

/**
 * struct npu_sim_inject - fault injection, set through debugfs
 * @hang_next_job: the next job started never completes (until reset).
 * @delay_ms: every job's completion is delayed by this many milliseconds.
 * @drop_next_irq: the next JOB_DONE is written but not signalled.
 * @fail_next_reset: the next soft reset never finishes.
 * @fault_next_write: the next write a job makes through the MMU gets a
 *                    permission fault, as if its page were read-only (the
 *                    driver's fault path without a stream that faults: a
 *                    validated stream never does).
 * @hold_next_job: the next job started waits before it executes until this
 *                 is cleared (a test then knows the job is in the device).
 * @reorder_jobs: the next this many jobs each wait for a job queued behind
 *                them and let it execute and complete first (a device that
 *                breaks the queue order, for the tests of that order).
 */
struct npu_sim_inject {
	bool hang_next_job;
	u32 delay_ms;
	bool drop_next_irq;
	bool fail_next_reset;
	bool fault_next_write;
	bool hold_next_job;
	u32 reorder_jobs;
};

/**
 * struct npu_sim_stats - read-only statistics in debugfs
 * @jobs_executed: jobs that ended with a completion record.
 * @jobs_failed: of those, jobs that ended with an error.
 * @jobs_aborted: jobs dropped by a soft reset or removal.
 * @mmu_faults: MMU faults raised.
 * @powered_off_accesses: register accesses refused while powered off.
 * @bus_errors: register accesses while a clock was stopped, the reset line
 *              asserted or the power domain off (npu_sim_soc.c).
 * @pushes_refused: JOB_PUSH writes refused while powered off.
 * @irqs_raised: interrupt line assertions delivered.
 * @irqs_dropped: JOB_DONE interrupts dropped by fault injection.
 * @resets: soft resets requested.
 * @boots: boot requests handled.
 */
struct npu_sim_stats {
	u64 jobs_executed;
	u64 jobs_failed;
	u64 jobs_aborted;
	u64 mmu_faults;
	u64 powered_off_accesses;
	u64 bus_errors;
	u64 pushes_refused;
	u64 irqs_raised;
	u64 irqs_dropped;
	u64 resets;
	u64 boots;
};

/**
 * struct npu_sim - one simulated NPU
 * @dev: the simulator's platform device.
 * @npu_pdev: the NPU platform device created for npu.ko.
 * @regmap: the register block (custom read/write callbacks).
 * @lock: protects the members from @status up to (not including)
 *        @thread.
 * @status: STATUS bits kept as state (FW_READY, RESETTING); BUSY and
 *          POWERED are derived on read.
 * @fw_base_lo: FW_BASE_LO register.
 * @fw_base_hi: FW_BASE_HI register.
 * @fw_size: FW_SIZE register.
 * @fw_version: FW_VERSION of the booted image.
 * @fw_features: FW_FEATURES of the booted image.
 * @boot_status: BOOT_STATUS (NPU_BOOT_*).
 * @power: POWER register.
 * @irq_raw: raised interrupt bits (IRQ_RAW).
 * @irq_mask: enabled interrupt bits (IRQ_MASK).
 * @job_cs_lo: JOB_CS_LO register of the job being pushed.
 * @job_cs_hi: JOB_CS_HI register.
 * @job_cs_size: JOB_CS_SIZE register.
 * @job_as: JOB_AS register.
 * @job_rt_lo: JOB_RT_LO register (region table, NPU_FW_FEAT_REGIONS).
 * @job_rt_hi: JOB_RT_HI register.
 * @job_seqno: JOB_SEQNO register.
 * @job_overflow: JOB_OVERFLOW, pushes refused because the queue was full.
 * @done_seqno: DONE_SEQNO, sequence number of the last ended job.
 * @cring_base_lo: completion ring base, low half.
 * @cring_base_hi: completion ring base, high half.
 * @cring_entries: completion ring size in entries.
 * @cring_wptr: completion ring write index (device side).
 * @cring_rptr: completion ring read index (driver side).
 * @as_dir_lo: page-directory base of each address-space slot, low half.
 * @as_dir_hi: page-directory base of each address-space slot, high half.
 * @as_ctrl: control register of each address-space slot.
 * @fault_status: FAULT_STATUS of the last MMU fault.
 * @fault_addr_lo: faulting NPU address, low half.
 * @fault_addr_hi: faulting NPU address, high half.
 * @fault_seqno: sequence number of the faulting job.
 * @counters: 64-bit performance counters.
 * @counter_hi_latch: high halves latched by reading the low halves.
 * @queue: the hardware job queue.
 * @queue_head: oldest entry, the running job.
 * @queue_count: entries including the running job.
 * @running: the thread is executing @queue[@queue_head].
 * @held: the running job waits for @inject.hold_next_job to be cleared.
 * @overtaken: @queue[@queue_head] was overtaken by reorder_jobs and runs
 *             next, in its turn.
 * @epoch: bumped by each soft reset, so stale work is dropped.
 * @boot_pending: a BOOT request waits for the thread.
 * @reset_pending: a soft reset waits for the thread.
 * @stopping: the device is being removed.
 * @inject: fault injection (debugfs).
 * @stats: statistics (debugfs).
 * @fw_hw: cycle model of the booted image; used by the thread only.
 * @sram: the block's NPU_HW_SRAM_SIZE bytes of on-chip SRAM; used by the
 *        thread only (the firmware clears it before each job using it).
 * @thread: the execution thread.
 * @wq: wakes @thread.
 * @irq_fwnode: fwnode of the simulator's interrupt domain.
 * @irq_domain: that interrupt domain.
 * @virq: the Linux interrupt number given to npu.ko.
 * @irq_work: delivers the interrupt from any context.
 * @irq_dead: set at teardown: the line is no longer raised.
 * @soc: clocks, reset line and power domain from the SoC (npu_sim_soc.c).
 * @debugfs: the device's debugfs directory.
 *
 * Register state is protected by @lock, which is taken with interrupts
 * disabled: the driver reads and writes registers from its hard IRQ handler.
 */
struct npu_sim {
	struct device *dev;
	struct platform_device *npu_pdev;
	struct regmap *regmap;

	spinlock_t lock;	/* protects everything below up to @thread */
	u32 status;		/* FW_READY | RESETTING; BUSY/POWERED derived */
	u32 fw_base_lo, fw_base_hi, fw_size;
	u32 fw_version, fw_features, boot_status;
	u32 power;
	u32 irq_raw, irq_mask;
	u32 job_cs_lo, job_cs_hi, job_cs_size, job_as, job_seqno;
	u32 job_rt_lo, job_rt_hi;
	u32 job_overflow, done_seqno;
	u32 cring_base_lo, cring_base_hi, cring_entries;
	u32 cring_wptr, cring_rptr;
	u32 as_dir_lo[NPU_MAX_AS], as_dir_hi[NPU_MAX_AS], as_ctrl[NPU_MAX_AS];
	u32 fault_status, fault_addr_lo, fault_addr_hi, fault_seqno;
	u64 counters[NPU_SIM_NUM_COUNTERS];
	u32 counter_hi_latch[NPU_SIM_NUM_COUNTERS];

	struct npu_sim_job queue[NPU_SIM_QUEUE_DEPTH];
	unsigned int queue_head;	/* oldest entry, the running job */
	unsigned int queue_count;	/* entries incl. the running job */
	bool running;
	bool held;
	bool overtaken;
	u32 epoch;			/* bumped by each soft reset */
	bool boot_pending;
	bool reset_pending;
	bool stopping;
	struct npu_sim_inject inject;
	struct npu_sim_stats stats;
	/* cycle model of the booted image; used by the thread only */
	struct npu_fw_hw_model fw_hw;
	void *sram;

	struct task_struct *thread;
	wait_queue_head_t wq;

	struct fwnode_handle *irq_fwnode;
	struct irq_domain *irq_domain;
	unsigned int virq;
	struct irq_work irq_work;
	bool irq_dead;

	struct npu_sim_soc soc;

	struct dentry *debugfs;
};

/* npu_sim_regs.c */
struct regmap *npu_sim_regmap_init(struct npu_sim *sim);
void npu_sim_raise_irq_locked(struct npu_sim *sim, u32 bits);
u32 npu_sim_status_locked(const struct npu_sim *sim);
void npu_sim_irq_work(struct irq_work *work);

/* npu_sim_mmu.c */
int npu_sim_phys_read(u64 pa, void *dst, size_t len);
int npu_sim_phys_write(u64 pa, const void *src, size_t len);
int npu_sim_fetch(struct npu_sim *sim, u32 epoch, u64 pa, void *dst,
		  size_t len);
int npu_sim_dma_read(struct npu_sim_exec *x, u64 va, void *dst, size_t len);
int npu_sim_dma_write(struct npu_sim_exec *x, u64 va, const void *src,
		      size_t len);

/* npu_sim_job.c */
int npu_sim_thread_start(struct npu_sim *sim);
void npu_sim_thread_stop(struct npu_sim *sim);
void npu_sim_soft_reset_locked(struct npu_sim *sim);
void npu_sim_reset_state_locked(struct npu_sim *sim);
bool npu_sim_job_aborted(const struct npu_sim_exec *x);
void npu_sim_inject_set(struct npu_sim *sim, bool *hold, u32 *reorder);

/* npu_sim_exec.c */
u32 npu_sim_fw_boot(struct npu_sim_exec *x, const void *img, u32 size,
		    u32 *version, u32 *features, struct npu_fw_hw_model *hw);
void npu_sim_exec_job(struct npu_sim_exec *x, struct npu_sim_result *res);

/* npu_sim_soc.c */
bool npu_sim_soc_up_locked(const struct npu_sim *sim);
int npu_sim_soc_init(struct npu_sim *sim, const char *consumer);
int npu_sim_soc_attach(struct npu_sim *sim, struct platform_device *npu);
void npu_sim_soc_detach(struct npu_sim *sim, struct platform_device *npu);
void npu_sim_soc_show(struct npu_sim *sim, struct seq_file *m);

/* npu_sim_selftest.c */
int npu_sim_selftest(int id, char *log, size_t log_size);

/* npu_sim_debugfs.c */
void npu_sim_debugfs_init(struct npu_sim *sim);
void npu_sim_debugfs_fini(struct npu_sim *sim);
void npu_sim_debugfs_module_init(void);
void npu_sim_debugfs_module_exit(void);
void npu_sim_debugfs_selftest(const char *log);

#endif /* _NPU_SIM_H_ */
