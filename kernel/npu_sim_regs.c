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

static u32 npu_sim_config(void)
{
	return NPU_SIM_QUEUE_DEPTH | NPU_MAX_AS << 8 |
	       NPU_CS_VERSION << 16;
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

static u32 npu_sim_read_locked(struct npu_sim *sim, unsigned int reg)
{
	unsigned int n;

	if (reg >= NPU_REG_MMU_AS_DIR_LO(0) &&
	    reg < NPU_REG_MMU_AS_DIR_LO(NPU_MAX_AS)) {
		n = (reg - NPU_REG_MMU_AS_DIR_LO(0)) / 0x10;
		switch (reg - NPU_REG_MMU_AS_DIR_LO(n)) {
		case 0x0:
			return sim->as_dir_lo[n];
		case 0x4:
			return sim->as_dir_hi[n];
		case 0x8:
			return sim->as_ctrl[n];
		default:
			return 0;
		}
	}
	if (reg >= NPU_REG_CNT_CYCLES_LO && reg <= NPU_REG_CNT_JOBS_HI)
		return npu_sim_read_counter_locked(sim, reg);

	switch (reg) {
	case NPU_REG_ID:
		return NPU_ID_VALUE;
	case NPU_REG_REVISION:
		return NPU_SIM_REVISION;
	case NPU_REG_MAC_COUNT:
		return NPU_HW_MACS_PER_CYCLE;
	case NPU_REG_SRAM_SIZE:
		return NPU_HW_SRAM_SIZE;
	case NPU_REG_CONFIG:
		return npu_sim_config();
	case NPU_REG_CLOCK_MHZ:
		return NPU_HW_CLOCK_MHZ;
	case NPU_REG_DRAM_BPC:
		return NPU_HW_DRAM_BYTES_PER_CYCLE;
	case NPU_REG_STATUS:
		return npu_sim_status_locked(sim);
	case NPU_REG_FW_BASE_LO:
		return sim->fw_base_lo;
	case NPU_REG_FW_BASE_HI:
		return sim->fw_base_hi;
	case NPU_REG_FW_SIZE:
		return sim->fw_size;
	case NPU_REG_FW_VERSION:
		return sim->fw_version;
	case NPU_REG_FW_FEATURES:
		return sim->fw_features;
	case NPU_REG_BOOT_STATUS:
		return sim->boot_status;
	case NPU_REG_POWER:
		return sim->power;
	case NPU_REG_IRQ_RAWSTAT:
		return sim->irq_raw;
	case NPU_REG_IRQ_STATUS:
		return sim->irq_raw & sim->irq_mask;
	case NPU_REG_IRQ_MASK:
		return sim->irq_mask;
	case NPU_REG_JOB_CS_LO:
		return sim->job_cs_lo;
	case NPU_REG_JOB_CS_HI:
		return sim->job_cs_hi;
	case NPU_REG_JOB_CS_SIZE:
		return sim->job_cs_size;
	case NPU_REG_JOB_AS:
		return sim->job_as;
	case NPU_REG_JOB_SEQNO:
		return sim->job_seqno;
	case NPU_REG_JOB_QUEUE_FREE:
		return NPU_SIM_QUEUE_DEPTH - sim->queue_count;
	case NPU_REG_JOB_OVERFLOW:
		return sim->job_overflow;
	case NPU_REG_DONE_SEQNO:
		return sim->done_seqno;
	case NPU_REG_CRING_BASE_LO:
		return sim->cring_base_lo;
	case NPU_REG_CRING_BASE_HI:
		return sim->cring_base_hi;
	case NPU_REG_CRING_ENTRIES:
		return sim->cring_entries;
	case NPU_REG_CRING_WPTR:
		return sim->cring_wptr;
	case NPU_REG_CRING_RPTR:
		return sim->cring_rptr;
	case NPU_REG_MMU_FAULT_STATUS:
		return sim->fault_status;
	case NPU_REG_MMU_FAULT_ADDR_LO:
		return sim->fault_addr_lo;
	case NPU_REG_MMU_FAULT_ADDR_HI:
		return sim->fault_addr_hi;
	case NPU_REG_MMU_FAULT_SEQNO:
		return sim->fault_seqno;
	default:
		/* CONTROL, JOB_PUSH, IRQ_CLEAR, MMU_FLUSH, holes */
		return 0;
	}
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

static void npu_sim_write_locked(struct npu_sim *sim, unsigned int reg,
				 u32 val)
{
	unsigned int n;

	if (reg >= NPU_REG_MMU_AS_DIR_LO(0) &&
	    reg < NPU_REG_MMU_AS_DIR_LO(NPU_MAX_AS)) {
		n = (reg - NPU_REG_MMU_AS_DIR_LO(0)) / 0x10;
		switch (reg - NPU_REG_MMU_AS_DIR_LO(n)) {
		case 0x0:
			sim->as_dir_lo[n] = val & (u32)NPU_PDE_ADDR_MASK;
			break;
		case 0x4:
			sim->as_dir_hi[n] = val & (u32)(NPU_PDE_ADDR_MASK >> 32);
			break;
		case 0x8:
			sim->as_ctrl[n] = val & NPU_MMU_AS_ENABLE;
			break;
		}
		return;
	}

	switch (reg) {
	case NPU_REG_CONTROL:
		npu_sim_control_locked(sim, val);
		break;
	case NPU_REG_FW_BASE_LO:
		sim->fw_base_lo = val;
		break;
	case NPU_REG_FW_BASE_HI:
		sim->fw_base_hi = val;
		break;
	case NPU_REG_FW_SIZE:
		sim->fw_size = val;
		break;
	case NPU_REG_POWER:
		sim->power = val & NPU_POWER_ON;
		if (npu_sim_powered(sim))
			wake_up(&sim->wq);
		break;
	case NPU_REG_IRQ_MASK:
		sim->irq_mask = val & NPU_IRQ_ALL;
		npu_sim_kick_irq_locked(sim);
		break;
	case NPU_REG_IRQ_CLEAR:
		sim->irq_raw &= ~val;
		/* Level line: still asserted after the ack fires again. */
		npu_sim_kick_irq_locked(sim);
		break;
	case NPU_REG_JOB_CS_LO:
		sim->job_cs_lo = val;
		break;
	case NPU_REG_JOB_CS_HI:
		sim->job_cs_hi = val;
		break;
	case NPU_REG_JOB_CS_SIZE:
		sim->job_cs_size = val;
		break;
	case NPU_REG_JOB_AS:
		sim->job_as = val;
		break;
	case NPU_REG_JOB_SEQNO:
		sim->job_seqno = val;
		break;
	case NPU_REG_JOB_PUSH:
		if (val & 1)
			npu_sim_push_locked(sim);
		break;
	case NPU_REG_CRING_BASE_LO:
		sim->cring_base_lo = val & ~(u32)(sizeof(struct npu_hw_completion) - 1);
		break;
	case NPU_REG_CRING_BASE_HI:
		sim->cring_base_hi = val;
		break;
	case NPU_REG_CRING_ENTRIES:
		sim->cring_entries = val;
		wake_up(&sim->wq);
		break;
	case NPU_REG_CRING_WPTR:
		/* Lets the driver (re)initialise an idle ring. */
		sim->cring_wptr = val;
		break;
	case NPU_REG_CRING_RPTR:
		sim->cring_rptr = val;
		wake_up(&sim->wq);
		break;
	case NPU_REG_MMU_FLUSH:
		/* No TLB is modelled: every access walks the tables. */
		break;
	case NPU_REG_MMU_FAULT_STATUS:
		/* Writing clears the fault so the next one is recorded. */
		sim->fault_status = 0;
		break;
	default:
		/* read-only registers and holes ignore writes */
		break;
	}
}

static int npu_sim_reg_read(void *context, unsigned int reg, unsigned int *val)
{
	struct npu_sim *sim = context;

	guard(spinlock_irqsave)(&sim->lock);
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
