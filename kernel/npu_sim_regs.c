// SPDX-License-Identifier: GPL-2.0-only
/*
 * npu_sim register block: the regmap read/write callbacks and the interrupt
 * line.  Documentation/hardware.rst describes each register's behaviour.
 */
#include <linux/cleanup.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/irq_work.h>
#include <linux/regmap.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "npu_cmdstream.h"
#include "npu_sim.h"

static bool npu_sim_powered(const struct npu_sim *sim)
{
	return sim->power & NPU_POWER_ON;
}

/*
 * Registers outside the always-on domain (identity, STATUS, POWER and the
 * interrupt block) are clock-gated while POWER is off.
 */
static bool npu_sim_reg_gated(unsigned int reg)
{
	if (reg <= NPU_REG_DRAM_BPC)
		return false;
	if (reg == NPU_REG_STATUS || reg == NPU_REG_POWER)
		return false;
	if (reg >= NPU_REG_IRQ_RAWSTAT && reg <= NPU_REG_IRQ_CLEAR)
		return false;
	return true;
}

static void npu_sim_kick_irq_locked(struct npu_sim *sim)
{
	if ((sim->irq_raw & sim->irq_mask) && !sim->irq_dead)
		irq_work_queue(&sim->irq_work);
}

/**
 * npu_sim_raise_irq_locked() - set bits in IRQ_RAWSTAT
 * @sim: the device.
 * @bits: NPU_IRQ_* bits.
 *
 * The line is level-triggered: it is asserted while RAWSTAT & MASK is
 * non-zero.  Each assertion is delivered through irq_work, because a
 * register write can come from any context.
 */
void npu_sim_raise_irq_locked(struct npu_sim *sim, u32 bits)
{
	lockdep_assert_held(&sim->lock);
	sim->irq_raw |= bits & NPU_IRQ_ALL;
	npu_sim_kick_irq_locked(sim);
}

void npu_sim_irq_work(struct irq_work *work)
{
	struct npu_sim *sim = container_of(work, struct npu_sim, irq_work);
	bool asserted;

	scoped_guard(spinlock_irqsave, &sim->lock) {
		asserted = (sim->irq_raw & sim->irq_mask) && !sim->irq_dead;
		if (asserted)
			sim->stats.irqs_raised++;
	}
	if (asserted)
		generic_handle_irq_safe(sim->virq);
}

u32 npu_sim_status_locked(const struct npu_sim *sim)
{
	u32 val = sim->status;

	if (sim->running)
		val |= NPU_STATUS_BUSY;
	if (npu_sim_powered(sim))
		val |= NPU_STATUS_POWERED;
	return val;
}

static u32 npu_sim_read_counter_locked(struct npu_sim *sim, unsigned int reg)
{
	unsigned int idx = (reg - NPU_REG_CNT_CYCLES_LO) / 8;

	/* Reading LO latches HI, so a LO-then-HI pair is consistent. */
	if (reg & 4)
		return sim->counter_hi_latch[idx];
	sim->counter_hi_latch[idx] = upper_32_bits(sim->counters[idx]);
	return lower_32_bits(sim->counters[idx]);
}

static void npu_sim_push_locked(struct npu_sim *sim)
{
	struct npu_sim_job *job;

	if (sim->queue_count >= NPU_SIM_QUEUE_DEPTH) {
		sim->job_overflow++;
		return;
	}
	job = &sim->queue[(sim->queue_head + sim->queue_count) %
			  NPU_SIM_QUEUE_DEPTH];
	job->cs_va = (u64)sim->job_cs_hi << 32 | sim->job_cs_lo;
	job->rt_va = (u64)sim->job_rt_hi << 32 | sim->job_rt_lo;
	job->cs_size = sim->job_cs_size;
	job->as = sim->job_as;
	job->seqno = sim->job_seqno;
	sim->queue_count++;
	wake_up(&sim->wq);
}

static void npu_sim_control_locked(struct npu_sim *sim, u32 val)
{
	if (val & NPU_CONTROL_SOFT_RESET) {
		/* A reset wins over a boot requested in the same write. */
		npu_sim_soft_reset_locked(sim);
		return;
	}
	if ((val & NPU_CONTROL_BOOT) &&
	    !(sim->status & NPU_STATUS_RESETTING)) {
		sim->status &= ~NPU_STATUS_FW_READY;
		sim->boot_status = NPU_BOOT_IDLE;
		sim->fw_version = 0;
		sim->fw_features = 0;
		sim->boot_pending = true;
		wake_up(&sim->wq);
	}
}

/* ---- register table ---- */

static u32 npu_sim_irq_status(const struct npu_sim *sim)
{
	return sim->irq_raw & sim->irq_mask;
}

static u32 npu_sim_queue_free(const struct npu_sim *sim)
{
	return NPU_SIM_QUEUE_DEPTH - sim->queue_count;
}

static void npu_sim_power_written(struct npu_sim *sim, u32 val)
{
	if (npu_sim_powered(sim))
		wake_up(&sim->wq);
}

static void npu_sim_irq_mask_written(struct npu_sim *sim, u32 val)
{
	npu_sim_kick_irq_locked(sim);
}

static void npu_sim_irq_clear(struct npu_sim *sim, u32 val)
{
	sim->irq_raw &= ~val;
	/* Level line: still asserted after the ack fires again. */
	npu_sim_kick_irq_locked(sim);
}

static void npu_sim_job_push(struct npu_sim *sim, u32 val)
{
	if (val & 1)
		npu_sim_push_locked(sim);
}

/* The firmware waits for the ring to be set up and for room in it. */
static void npu_sim_cring_written(struct npu_sim *sim, u32 val)
{
	wake_up(&sim->wq);
}

/* Writing clears the fault so the next one is recorded. */
static void npu_sim_fault_clear(struct npu_sim *sim, u32 val)
{
	sim->fault_status = 0;
}

/**
 * enum npu_sim_reg_kind - where a register's reads come from
 * @NPU_SIM_REG_NONE: reads 0 (write-only registers).
 * @NPU_SIM_REG_CONST: a constant (identity and configuration).
 * @NPU_SIM_REG_FIELD: a u32 of &struct npu_sim.
 * @NPU_SIM_REG_DERIVED: a hook computing it from the state.
 */
enum npu_sim_reg_kind {
	NPU_SIM_REG_NONE,
	NPU_SIM_REG_CONST,
	NPU_SIM_REG_FIELD,
	NPU_SIM_REG_DERIVED,
};

/**
 * struct npu_sim_reg - one register of the block
 * @kind: where a read comes from.
 * @value: the value of an %NPU_SIM_REG_CONST register.
 * @field: offset of the u32 in &struct npu_sim an %NPU_SIM_REG_FIELD
 *         register reads (and stores writes in, masked by @write_mask).
 * @write_mask: bits a write stores in @field; 0 for a read-only field.
 * @read: read hook of an %NPU_SIM_REG_DERIVED register.
 * @write: side effect of a write, after the store, or NULL.
 *
 * Registers not in the table (holes, and write-only registers without a
 * hook) read 0 and ignore writes.
 */
struct npu_sim_reg {
	enum npu_sim_reg_kind kind;
	u32 value;
	unsigned int field;
	u32 write_mask;
	u32 (*read)(const struct npu_sim *sim);
	void (*write)(struct npu_sim *sim, u32 val);
};

/* Every register field of &struct npu_sim is a u32. */
#define NPU_SIM_FIELD(f)	offsetof(struct npu_sim, f)
#define CONST(v)	{ .kind = NPU_SIM_REG_CONST, .value = (v) }
#define RO(f)		{ .kind = NPU_SIM_REG_FIELD, .field = NPU_SIM_FIELD(f) }
#define RW(f, mask, hook) \
	{ .kind = NPU_SIM_REG_FIELD, .field = NPU_SIM_FIELD(f), \
	  .write_mask = (mask), .write = (hook) }
#define DERIVED(fn)	{ .kind = NPU_SIM_REG_DERIVED, .read = (fn) }
#define WO(hook)	{ .write = (hook) }

/* Documentation/hardware.rst describes each register. */
static const struct npu_sim_reg npu_sim_regs[] = {
	[NPU_REG_ID / 4]		= CONST(NPU_ID_VALUE),
	[NPU_REG_REVISION / 4]		= CONST(NPU_SIM_REVISION),
	[NPU_REG_MAC_COUNT / 4]		= CONST(NPU_HW_MACS_PER_CYCLE),
	[NPU_REG_SRAM_SIZE / 4]		= CONST(NPU_HW_SRAM_SIZE),
	[NPU_REG_CONFIG / 4]		= CONST(NPU_SIM_QUEUE_DEPTH |
						NPU_MAX_AS << 8 |
						NPU_CS_VERSION << 16),
	[NPU_REG_CLOCK_MHZ / 4]		= CONST(NPU_HW_CLOCK_MHZ),
	[NPU_REG_DRAM_BPC / 4]		= CONST(NPU_HW_DRAM_BYTES_PER_CYCLE),
	[NPU_REG_STATUS / 4]		= DERIVED(npu_sim_status_locked),
	[NPU_REG_CONTROL / 4]		= WO(npu_sim_control_locked),
	[NPU_REG_FW_BASE_LO / 4]	= RW(fw_base_lo, ~0u, NULL),
	[NPU_REG_FW_BASE_HI / 4]	= RW(fw_base_hi, ~0u, NULL),
	[NPU_REG_FW_SIZE / 4]		= RW(fw_size, ~0u, NULL),
	[NPU_REG_FW_VERSION / 4]	= RO(fw_version),
	[NPU_REG_FW_FEATURES / 4]	= RO(fw_features),
	[NPU_REG_BOOT_STATUS / 4]	= RO(boot_status),
	[NPU_REG_POWER / 4]		= RW(power, NPU_POWER_ON,
					     npu_sim_power_written),
	[NPU_REG_IRQ_RAWSTAT / 4]	= RO(irq_raw),
	[NPU_REG_IRQ_STATUS / 4]	= DERIVED(npu_sim_irq_status),
	[NPU_REG_IRQ_MASK / 4]		= RW(irq_mask, NPU_IRQ_ALL,
					     npu_sim_irq_mask_written),
	[NPU_REG_IRQ_CLEAR / 4]		= WO(npu_sim_irq_clear),
	[NPU_REG_JOB_CS_LO / 4]		= RW(job_cs_lo, ~0u, NULL),
	[NPU_REG_JOB_CS_HI / 4]		= RW(job_cs_hi, ~0u, NULL),
	[NPU_REG_JOB_CS_SIZE / 4]	= RW(job_cs_size, ~0u, NULL),
	[NPU_REG_JOB_AS / 4]		= RW(job_as, ~0u, NULL),
	[NPU_REG_JOB_SEQNO / 4]		= RW(job_seqno, ~0u, NULL),
	[NPU_REG_JOB_PUSH / 4]		= WO(npu_sim_job_push),
	[NPU_REG_JOB_QUEUE_FREE / 4]	= DERIVED(npu_sim_queue_free),
	[NPU_REG_JOB_OVERFLOW / 4]	= RO(job_overflow),
	[NPU_REG_DONE_SEQNO / 4]	= RO(done_seqno),
	[NPU_REG_JOB_RT_LO / 4]		= RW(job_rt_lo, ~0u, NULL),
	[NPU_REG_JOB_RT_HI / 4]		= RW(job_rt_hi, ~0u, NULL),
	[NPU_REG_CRING_BASE_LO / 4]	= RW(cring_base_lo,
					     ~(u32)(sizeof(struct npu_hw_completion) - 1),
					     NULL),
	[NPU_REG_CRING_BASE_HI / 4]	= RW(cring_base_hi, ~0u, NULL),
	[NPU_REG_CRING_ENTRIES / 4]	= RW(cring_entries, ~0u,
					     npu_sim_cring_written),
	/* Device-written; the driver may (re)initialise an idle ring. */
	[NPU_REG_CRING_WPTR / 4]	= RW(cring_wptr, ~0u, NULL),
	[NPU_REG_CRING_RPTR / 4]	= RW(cring_rptr, ~0u,
					     npu_sim_cring_written),
	/* No TLB is modelled: every access walks the tables. */
	[NPU_REG_MMU_FLUSH / 4]		= WO(NULL),
	[NPU_REG_MMU_FAULT_STATUS / 4]	= { .kind = NPU_SIM_REG_FIELD,
					    .field = NPU_SIM_FIELD(fault_status),
					    .write = npu_sim_fault_clear },
	[NPU_REG_MMU_FAULT_ADDR_LO / 4]	= RO(fault_addr_lo),
	[NPU_REG_MMU_FAULT_ADDR_HI / 4]	= RO(fault_addr_hi),
	[NPU_REG_MMU_FAULT_SEQNO / 4]	= RO(fault_seqno),
};

#undef CONST
#undef RO
#undef RW
#undef DERIVED
#undef WO

static u32 *npu_sim_reg_field(struct npu_sim *sim, const struct npu_sim_reg *r)
{
	return (u32 *)((u8 *)sim + r->field);
}

/*
 * The address-space slots (three registers each) and the 64-bit counters
 * are arrays in the register map, decoded by range.
 */
static u32 *npu_sim_as_reg(struct npu_sim *sim, unsigned int reg, u32 *mask)
{
	unsigned int n;

	if (reg < NPU_REG_MMU_AS_DIR_LO(0) ||
	    reg >= NPU_REG_MMU_AS_DIR_LO(NPU_MAX_AS))
		return NULL;
	n = (reg - NPU_REG_MMU_AS_DIR_LO(0)) / 0x10;
	switch (reg - NPU_REG_MMU_AS_DIR_LO(n)) {
	case 0x0:
		*mask = lower_32_bits(NPU_PDE_ADDR_MASK);
		return &sim->as_dir_lo[n];
	case 0x4:
		*mask = upper_32_bits(NPU_PDE_ADDR_MASK);
		return &sim->as_dir_hi[n];
	case 0x8:
		*mask = NPU_MMU_AS_ENABLE;
		return &sim->as_ctrl[n];
	default:
		return NULL;
	}
}

static u32 npu_sim_read_locked(struct npu_sim *sim, unsigned int reg)
{
	const struct npu_sim_reg *r;
	u32 mask, *as;

	as = npu_sim_as_reg(sim, reg, &mask);
	if (as)
		return *as;
	if (reg >= NPU_REG_CNT_CYCLES_LO && reg <= NPU_REG_CNT_JOBS_HI)
		return npu_sim_read_counter_locked(sim, reg);
	if (reg / 4 >= ARRAY_SIZE(npu_sim_regs))
		return 0;
	r = &npu_sim_regs[reg / 4];
	switch (r->kind) {
	case NPU_SIM_REG_CONST:
		return r->value;
	case NPU_SIM_REG_FIELD:
		return *npu_sim_reg_field(sim, r);
	case NPU_SIM_REG_DERIVED:
		return r->read(sim);
	default:
		return 0;
	}
}

static void npu_sim_write_locked(struct npu_sim *sim, unsigned int reg,
				 u32 val)
{
	const struct npu_sim_reg *r;
	u32 mask, *as;

	as = npu_sim_as_reg(sim, reg, &mask);
	if (as) {
		*as = val & mask;
		return;
	}
	if (reg / 4 >= ARRAY_SIZE(npu_sim_regs))
		return;
	r = &npu_sim_regs[reg / 4];
	if (r->kind == NPU_SIM_REG_FIELD && r->write_mask)
		*npu_sim_reg_field(sim, r) = val & r->write_mask;
	if (r->write)
		r->write(sim, val);
}

static int npu_sim_reg_read(void *context, unsigned int reg, unsigned int *val)
{
	struct npu_sim *sim = context;

	guard(spinlock_irqsave)(&sim->lock);
	if (!npu_sim_soc_up_locked(sim)) {
		sim->stats.bus_errors++;
		*val = 0;
		return 0;
	}
	if (!npu_sim_powered(sim) && npu_sim_reg_gated(reg)) {
		sim->stats.powered_off_accesses++;
		*val = 0;
		return 0;
	}
	*val = npu_sim_read_locked(sim, reg);
	return 0;
}

static int npu_sim_reg_write(void *context, unsigned int reg, unsigned int val)
{
	struct npu_sim *sim = context;

	guard(spinlock_irqsave)(&sim->lock);
	if (!npu_sim_soc_up_locked(sim)) {
		sim->stats.bus_errors++;
		return 0;
	}
	if (!npu_sim_powered(sim) && npu_sim_reg_gated(reg)) {
		sim->stats.powered_off_accesses++;
		if (reg == NPU_REG_JOB_PUSH)
			sim->stats.pushes_refused++;
		return 0;
	}
	npu_sim_write_locked(sim, reg, val);
	return 0;
}

static const struct regmap_config npu_sim_regmap_config = {
	.reg_bits = 32,
	.val_bits = 32,
	.reg_stride = 4,
	.max_register = NPU_REG_SPACE_SIZE - 4,
	.reg_read = npu_sim_reg_read,
	.reg_write = npu_sim_reg_write,
	/* The driver touches registers from its hard IRQ handler. */
	.fast_io = true,
	.cache_type = REGCACHE_NONE,
};

struct regmap *npu_sim_regmap_init(struct npu_sim *sim)
{
	return devm_regmap_init(sim->dev, NULL, sim, &npu_sim_regmap_config);
}
