// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The NPU stack authors */

/*
 * Register block, SoC clocks and reset line, firmware boot handshake, soft
 * reset, power and the interrupt line.  Registers are reached only through
 * regmap: MMIO on silicon, or the regmap of the parent device when the
 * block has no memory resource (the simulated NPU).  Clocks, reset line and
 * power domain come from the device tree or, for the simulated NPU, from
 * the lookups npu_sim.ko registers: the same calls serve both.
 */

#include <linux/cleanup.h>
#include <linux/clk.h>
#include <linux/dma-mapping.h>
#include <linux/firmware.h>
#include <linux/interrupt.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>
#include <linux/reset.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "npu_drv.h"
#include "npu_fw.h"
#include "npu_hw.h"
#include "npu_sched_job.h"
#include "npu_mmu.h"

#define NPU_BOOT_TIMEOUT_US	2000000
#define NPU_RESET_TIMEOUT_US	1000000
#define NPU_POWER_TIMEOUT_US	100000

static const struct regmap_config npu_regmap_config = {
	.name = "npu",
	.reg_bits = 32,
	.val_bits = 32,
	.reg_stride = 4,
	.max_register = NPU_REG_SPACE_SIZE - 4,
};

static int npu_hw_map_regs(struct npu_drm_device *ndev,
			   struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	void __iomem *base;

	if (platform_get_resource(pdev, IORESOURCE_MEM, 0)) {
		base = devm_platform_ioremap_resource(pdev, 0);
		if (IS_ERR(base))
			return PTR_ERR(base);
		ndev->regs = devm_regmap_init_mmio(dev, base,
						   &npu_regmap_config);
		return PTR_ERR_OR_ZERO(ndev->regs);
	}

	/* No MMIO window: the register block is a regmap of the parent. */
	ndev->regs = dev->parent ? dev_get_regmap(dev->parent, NULL) : NULL;
	if (!ndev->regs)
		return dev_err_probe(dev, -ENODEV,
				     "no MEM resource and no parent regmap\n");
	return 0;
}

/*
 * Waits for the block's own reset sequence (STATUS.RESETTING), after a soft
 * reset or the release of the reset line, and drops the interrupts raised
 * before it.
 */
static int npu_hw_reset_done(struct npu_drm_device *ndev, const char *what)
{
	u32 status;
	int ret;

	ret = regmap_read_poll_timeout(ndev->regs, NPU_REG_STATUS, status,
				       !(status & NPU_STATUS_RESETTING), 100,
				       NPU_RESET_TIMEOUT_US);
	if (ret) {
		dev_err(ndev->dev, "%s timed out\n", what);
		return ret;
	}
	regmap_write(ndev->regs, NPU_REG_IRQ_CLEAR, NPU_IRQ_ALL);
	return 0;
}

static const char *const npu_clk_names[NPU_NUM_CLKS] = { "core", "bus" };

/**
 * npu_hw_get_resources() - find the register block and the SoC resources
 * @ndev: device.
 * @pdev: its platform device.
 *
 * Touches no register: the block may be unclocked, in reset or unpowered
 * until npu_hw_resources_on() (runtime resume; the power domain is runtime
 * PM's).  Each clock and the reset line is optional, for SoCs that keep
 * them on.
 *
 * Return: 0 or a negative errno.
 */
int npu_hw_get_resources(struct npu_drm_device *ndev, struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	int ret, i;

	ret = npu_hw_map_regs(ndev, pdev);
	if (ret)
		return ret;

	ndev->clks = devm_kcalloc(dev, NPU_NUM_CLKS, sizeof(*ndev->clks),
				  GFP_KERNEL);
	if (!ndev->clks)
		return -ENOMEM;
	for (i = 0; i < NPU_NUM_CLKS; i++)
		ndev->clks[i].id = npu_clk_names[i];
	ret = devm_clk_bulk_get_optional(dev, NPU_NUM_CLKS, ndev->clks);
	if (ret)
		return dev_err_probe(dev, ret, "cannot get clocks\n");

	ndev->reset = devm_reset_control_get_optional_exclusive(dev, NULL);
	if (IS_ERR(ndev->reset))
		return dev_err_probe(dev, PTR_ERR(ndev->reset),
				     "cannot get the reset line\n");
	return 0;
}

/**
 * npu_hw_resources_on() - clock the block and take it out of reset
 * @ndev: device.
 *
 * The power domain is already on (runtime PM powers it before calling the
 * driver).  A block leaving reset runs its own reset sequence
 * (STATUS.RESETTING) before it accepts a boot.
 *
 * Return: 0 or a negative errno.
 */
int npu_hw_resources_on(struct npu_drm_device *ndev)
{
	int ret;

	ret = clk_bulk_prepare_enable(NPU_NUM_CLKS, ndev->clks);
	if (ret) {
		dev_err(ndev->dev, "cannot enable clocks: %d\n", ret);
		return ret;
	}
	ret = reset_control_deassert(ndev->reset);
	if (ret) {
		dev_err(ndev->dev, "cannot release reset: %d\n", ret);
		goto err_clk;
	}
	ret = npu_hw_reset_done(ndev, "reset line release");
	if (ret)
		goto err_reset;
	return 0;

err_reset:
	reset_control_assert(ndev->reset);
err_clk:
	clk_bulk_disable_unprepare(NPU_NUM_CLKS, ndev->clks);
	return ret;
}

/**
 * npu_hw_resources_off() - put the block in reset and stop its clocks
 * @ndev: device.
 *
 * Registers are not to be touched afterwards.
 */
void npu_hw_resources_off(struct npu_drm_device *ndev)
{
	reset_control_assert(ndev->reset);
	clk_bulk_disable_unprepare(NPU_NUM_CLKS, ndev->clks);
}

static const char *npu_boot_status_str(u32 status)
{
	switch (status) {
	case NPU_BOOT_IDLE:
		return "no answer";
	case NPU_BOOT_ERR_MAGIC:
		return "bad magic";
	case NPU_BOOT_ERR_VERSION:
		return "unsupported version";
	case NPU_BOOT_ERR_CHECKSUM:
		return "checksum mismatch";
	case NPU_BOOT_ERR_SIZE:
		return "bad size";
	case NPU_BOOT_ERR_DMA:
		return "DMA error";
	case NPU_BOOT_ERR_SELFTEST:
		return "self-test failed";
	default:
		return "unknown error";
	}
}

/*
 * Rejects a bad image with a message saying what is wrong with it, before
 * the device sees it.  The framing rules are the firmware's
 * (firmware/fw_image_hdr.c); the device checks them again with the rest of
 * the image and reports the outcome in BOOT_STATUS.
 */
static int npu_fw_check(struct npu_drm_device *ndev, const struct firmware *fw)
{
	struct device *dev = ndev->dev;
	struct npu_fw_header hdr;

	switch (npu_fw_image_hdr_check(fw->data, fw->size, &hdr)) {
	case NPU_BOOT_OK:
		break;
	case NPU_BOOT_ERR_SIZE:
		dev_err(dev, "firmware %s: truncated (%zu bytes)\n",
			NPU_FW_NAME, fw->size);
		return -EINVAL;
	case NPU_BOOT_ERR_MAGIC:
		dev_err(dev, "firmware %s: bad magic 0x%08x\n",
			NPU_FW_NAME, hdr.magic);
		return -EINVAL;
	case NPU_BOOT_ERR_VERSION:
		dev_err(dev, "firmware %s: unsupported format version %u (header size %u)\n",
			NPU_FW_NAME, hdr.format_version, hdr.header_size);
		return -EINVAL;
	case NPU_BOOT_ERR_CHECKSUM:
		dev_err(dev, "firmware %s: header checksum mismatch\n",
			NPU_FW_NAME);
		return -EINVAL;
	default:
		dev_err(dev, "firmware %s: bad header\n", NPU_FW_NAME);
		return -EINVAL;
	}

	switch (npu_fw_image_payload_check(&hdr, fw->data, fw->size)) {
	case NPU_BOOT_OK:
		return 0;
	case NPU_BOOT_ERR_CHECKSUM:
		dev_err(dev, "firmware %s: payload checksum mismatch\n",
			NPU_FW_NAME);
		return -EINVAL;
	default:
		dev_err(dev, "firmware %s: header says %u + %u bytes, file has %zu\n",
			NPU_FW_NAME, hdr.header_size, hdr.payload_size,
			fw->size);
		return -EINVAL;
	}
}

static int npu_fw_load(struct npu_drm_device *ndev)
{
	const struct firmware *fw;
	int ret;

	ret = request_firmware(&fw, NPU_FW_NAME, ndev->dev);
	if (ret) {
		dev_err(ndev->dev, "firmware %s not available: %d\n",
			NPU_FW_NAME, ret);
		return ret;
	}

	ret = npu_fw_check(ndev, fw);
	if (!ret) {
		ndev->fw_size = fw->size;
		ndev->fw_cpu = dmam_alloc_coherent(ndev->dev, fw->size,
						   &ndev->fw_dma, GFP_KERNEL);
		if (ndev->fw_cpu)
			memcpy(ndev->fw_cpu, fw->data, fw->size);
		else
			ret = -ENOMEM;
	}
	release_firmware(fw);
	return ret;
}

/*
 * Boot handshake.  The FW_READY interrupt normally wakes us; BOOT_STATUS is
 * read in any case, so a lost interrupt (or a reset path running with the
 * line disabled) only costs polling.
 */
static int npu_fw_boot(struct npu_drm_device *ndev, bool wait_irq)
{
	struct regmap *regs = ndev->regs;
	u32 boot;
	int ret;

	reinit_completion(&ndev->fw_ready);
	regmap_write(regs, NPU_REG_FW_BASE_LO, lower_32_bits(ndev->fw_dma));
	regmap_write(regs, NPU_REG_FW_BASE_HI, upper_32_bits(ndev->fw_dma));
	regmap_write(regs, NPU_REG_FW_SIZE, ndev->fw_size);
	regmap_write(regs, NPU_REG_CONTROL, NPU_CONTROL_BOOT);

	if (wait_irq &&
	    !wait_for_completion_timeout(&ndev->fw_ready,
					 usecs_to_jiffies(NPU_BOOT_TIMEOUT_US)))
		dev_warn(ndev->dev, "no FW_READY interrupt, polling\n");

	ret = regmap_read_poll_timeout(regs, NPU_REG_BOOT_STATUS, boot,
				       boot != NPU_BOOT_IDLE, 100,
				       NPU_BOOT_TIMEOUT_US);
	if (ret || boot != NPU_BOOT_OK) {
		dev_err(ndev->dev, "firmware boot failed: %s (0x%08x)\n",
			npu_boot_status_str(boot), boot);
		return ret ?: -EIO;
	}

	regmap_read(regs, NPU_REG_FW_VERSION, &ndev->fw_version);
	regmap_read(regs, NPU_REG_FW_FEATURES, &ndev->fw_features);
	return 0;
}

static void npu_hw_ring_init(struct npu_drm_device *ndev)
{
	struct regmap *regs = ndev->regs;
	u32 wptr = 0;

	guard(mutex)(&ndev->ring_lock);
	regmap_write(regs, NPU_REG_CRING_BASE_LO, lower_32_bits(ndev->cring_dma));
	regmap_write(regs, NPU_REG_CRING_BASE_HI, upper_32_bits(ndev->cring_dma));
	regmap_write(regs, NPU_REG_CRING_ENTRIES, NPU_CRING_ENTRIES);
	regmap_read(regs, NPU_REG_CRING_WPTR, &wptr);
	ndev->cring_rptr = wptr;
	regmap_write(regs, NPU_REG_CRING_RPTR, wptr);
}

static int npu_hw_power_on(struct npu_drm_device *ndev)
{
	u32 status;
	int ret;

	regmap_write(ndev->regs, NPU_REG_POWER, NPU_POWER_ON);
	ret = regmap_read_poll_timeout(ndev->regs, NPU_REG_STATUS, status,
				       status & NPU_STATUS_POWERED, 10,
				       NPU_POWER_TIMEOUT_US);
	if (ret)
		dev_err(ndev->dev, "power-up timed out\n");
	return ret;
}

/**
 * npu_hw_power_up() - power on and bring the device to a state that runs jobs
 * @ndev: device.
 *
 * Boots the firmware again if power-down lost it, and rewrites the state the
 * device forgets: completion ring and address-space slots.
 *
 * Return: 0 or a negative errno.
 */
int npu_hw_power_up(struct npu_drm_device *ndev)
{
	u32 status = 0;
	int ret;

	ret = npu_hw_power_on(ndev);
	if (ret)
		return ret;

	regmap_write(ndev->regs, NPU_REG_IRQ_MASK, NPU_IRQ_ALL);
	regmap_read(ndev->regs, NPU_REG_STATUS, &status);
	if (!(status & NPU_STATUS_FW_READY)) {
		ret = npu_fw_boot(ndev, false);
		if (ret)
			return ret;
	}
	npu_hw_ring_init(ndev);
	npu_mmu_as_restore(ndev);
	return 0;
}

void npu_hw_power_down(struct npu_drm_device *ndev)
{
	regmap_write(ndev->regs, NPU_REG_POWER, 0);
}

/**
 * npu_hw_reset() - soft reset and reboot the device
 * @ndev: device.
 *
 * Called with the interrupt line disabled and no job in the hardware queue
 * that the driver still expects to complete.
 *
 * Return: 0, or a negative errno if the device did not come back.
 */
int npu_hw_reset(struct npu_drm_device *ndev)
{
	int ret;

	atomic64_inc(&ndev->counters.resets);
	regmap_write(ndev->regs, NPU_REG_CONTROL, NPU_CONTROL_SOFT_RESET);
	ret = npu_hw_reset_done(ndev, "soft reset");
	if (ret)
		return ret;
	atomic_set(&ndev->irq_pending, 0);
	return npu_hw_power_up(ndev);
}

static void npu_hw_handle(struct npu_drm_device *ndev, u32 pending)
{
	if (pending & NPU_IRQ_FW_READY)
		complete(&ndev->fw_ready);
	/* RESET_DONE needs no action: resets poll STATUS with the line off. */
	if (pending & NPU_IRQ_MMU_FAULT)
		npu_sched_job_mmu_fault(ndev);
	if (pending & (NPU_IRQ_JOB_DONE | NPU_IRQ_MMU_FAULT))
		npu_sched_job_handle_completions(ndev);
}

static u32 npu_hw_ack(struct npu_drm_device *ndev)
{
	u32 status = 0;

	if (regmap_read(ndev->regs, NPU_REG_IRQ_STATUS, &status) || !status)
		return 0;
	regmap_write(ndev->regs, NPU_REG_IRQ_CLEAR, status);
	return status;
}

static irqreturn_t npu_irq(int irq, void *arg)
{
	struct npu_drm_device *ndev = arg;
	u32 status = npu_hw_ack(ndev);

	if (!status)
		return IRQ_NONE;
	atomic_or(status, &ndev->irq_pending);
	return IRQ_WAKE_THREAD;
}

static irqreturn_t npu_irq_thread(int irq, void *arg)
{
	struct npu_drm_device *ndev = arg;

	npu_hw_handle(ndev, atomic_xchg(&ndev->irq_pending, 0));
	return IRQ_HANDLED;
}

/* Register access that may sleep cannot run in hard-IRQ context. */
static irqreturn_t npu_irq_thread_only(int irq, void *arg)
{
	struct npu_drm_device *ndev = arg;
	u32 status = npu_hw_ack(ndev);

	if (!status)
		return IRQ_NONE;
	npu_hw_handle(ndev, status);
	return IRQ_HANDLED;
}

int npu_hw_init(struct npu_drm_device *ndev, struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct regmap *regs = ndev->regs;
	u32 config = 0;
	int ret, as;

	ret = regmap_read(regs, NPU_REG_ID, &ndev->hw_id);
	if (ret)
		return ret;
	if (ndev->hw_id != NPU_ID_VALUE)
		return dev_err_probe(dev, -ENODEV, "unknown ID 0x%08x\n",
				     ndev->hw_id);
	regmap_read(regs, NPU_REG_REVISION, &ndev->revision);
	regmap_read(regs, NPU_REG_MAC_COUNT, &ndev->mac_count);
	regmap_read(regs, NPU_REG_SRAM_SIZE, &ndev->sram_size);
	regmap_read(regs, NPU_REG_CLOCK_MHZ, &ndev->clock_mhz);
	regmap_read(regs, NPU_REG_DRAM_BPC, &ndev->dram_bpc);
	regmap_read(regs, NPU_REG_CONFIG, &config);
	ndev->queue_depth = NPU_CONFIG_QUEUE_DEPTH(config);
	ndev->num_as = min_t(u32, NPU_CONFIG_NUM_AS(config), NPU_MAX_AS);
	ndev->cs_version = NPU_CONFIG_CS_VERSION(config);
	if (!ndev->queue_depth || !ndev->num_as)
		return dev_err_probe(dev, -ENODEV, "bad CONFIG 0x%08x\n",
				     config);

	if (dev->of_node) {
		/* PTEs and base registers take 52-bit bus addresses. */
		ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(52));
		if (ret)
			return ret;
	}
	if (!dev->dma_mask)
		return dev_err_probe(dev, -ENODEV, "no DMA mask\n");
	/* The MMU maps page by page: a segment may be as long as it gets. */
	dma_set_max_seg_size(dev, UINT_MAX);

	ndev->cring = dmam_alloc_coherent(dev, NPU_CRING_ENTRIES *
					  sizeof(*ndev->cring),
					  &ndev->cring_dma, GFP_KERNEL);
	if (!ndev->cring)
		return -ENOMEM;

	ret = npu_fw_load(ndev);
	if (ret)
		return ret;

	regmap_write(regs, NPU_REG_IRQ_MASK, 0);
	regmap_write(regs, NPU_REG_IRQ_CLEAR, NPU_IRQ_ALL);
	ndev->irq = platform_get_irq(pdev, 0);
	if (ndev->irq < 0)
		return ndev->irq;
	if (regmap_might_sleep(regs))
		ret = devm_request_threaded_irq(dev, ndev->irq, NULL,
						npu_irq_thread_only,
						IRQF_ONESHOT, dev_name(dev),
						ndev);
	else
		ret = devm_request_threaded_irq(dev, ndev->irq, npu_irq,
						npu_irq_thread, IRQF_ONESHOT,
						dev_name(dev), ndev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot request IRQ %d\n",
				     ndev->irq);

	ret = npu_hw_power_on(ndev);
	if (ret)
		return ret;
	regmap_write(regs, NPU_REG_IRQ_MASK, NPU_IRQ_ALL);
	for (as = 0; as < ndev->num_as; as++)
		regmap_write(regs, NPU_REG_MMU_AS_CTRL(as), 0);

	ret = npu_fw_boot(ndev, true);
	if (ret) {
		npu_hw_power_down(ndev);
		return ret;
	}
	npu_hw_ring_init(ndev);
	return 0;
}

/* Quiesce the device for removal; nothing touches registers afterwards. */
void npu_hw_fini(struct npu_drm_device *ndev)
{
	regmap_write(ndev->regs, NPU_REG_IRQ_MASK, 0);
	disable_irq(ndev->irq);
	npu_mmu_as_unbind_all(ndev);
	regmap_write(ndev->regs, NPU_REG_CONTROL, NPU_CONTROL_SOFT_RESET);
	npu_hw_power_down(ndev);
}

void npu_hw_debugfs_show(struct npu_drm_device *ndev, struct seq_file *m)
{
	u32 status = 0, free = 0, done = 0, wptr = 0, overflow = 0;

	regmap_read(ndev->regs, NPU_REG_STATUS, &status);
	regmap_read(ndev->regs, NPU_REG_JOB_QUEUE_FREE, &free);
	regmap_read(ndev->regs, NPU_REG_JOB_OVERFLOW, &overflow);
	regmap_read(ndev->regs, NPU_REG_DONE_SEQNO, &done);
	regmap_read(ndev->regs, NPU_REG_CRING_WPTR, &wptr);
	seq_printf(m, "status 0x%08x queue-free %u overflow %u done-seqno %u ring %u/%u\n",
		   status, free, overflow, done, ndev->cring_rptr, wptr);
}
