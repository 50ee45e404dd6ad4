// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The NPU stack authors */

/*
 * Platform driver and DRM device of the NPU: one /dev/accel/accelN per NPU
 * instance, on silicon (device tree) or on the simulated device.  On a
 * kernel without CONFIG_DRM_ACCEL (or built with NPU_NODE=render) the same
 * device is a render-only DRM driver instead, /dev/dri/renderDN, as compute
 * drivers were before drivers/accel existed: the ioctls are the same.
 */

#include <linux/cleanup.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/mod_devicetable.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_accel.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <drm/npu_accel.h>

#include "npu_drv.h"
#include "npu_cs_pool.h"
#include "npu_gem.h"
#include "npu_hw.h"
#include "npu_sched_job.h"
#include "npu_mmu.h"

unsigned int npu_sched_job_timeout_ms = 2000;
module_param_named(job_timeout_ms, npu_sched_job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms, "Time a job may run before the device is reset [2000]");

unsigned int npu_ban_hangs = 3;
module_param_named(ban_hangs, npu_ban_hangs, uint, 0644);
MODULE_PARM_DESC(ban_hangs, "Timeouts after which a file is banned [3]");

/*
 * Each queued job pins up to NPU_MAX_BO_REFS + 2 buffers and a stream copy
 * of up to 1 MiB: a file may not queue without bound.  The default leaves
 * room for deep pipelines (npu_bench queues 2000 jobs back to back).
 */
unsigned int npu_max_queued_jobs = 4096;
module_param_named(max_queued_jobs, npu_max_queued_jobs, uint, 0644);
MODULE_PARM_DESC(max_queued_jobs, "Jobs a file may have queued; more fail with -EBUSY [4096]");

static unsigned int npu_autosuspend_ms = 100;
module_param_named(autosuspend_ms, npu_autosuspend_ms, uint, 0444);
MODULE_PARM_DESC(autosuspend_ms, "Idle time before the NPU is powered down [100]");

/* ---- files ---- */

struct npu_file *npu_file_get(struct npu_file *nfile)
{
	kref_get(&nfile->refcount);
	return nfile;
}

static void npu_file_release(struct kref *kref)
{
	struct npu_file *nfile = container_of(kref, struct npu_file, refcount);

	npu_cs_pool_fini(nfile);
	mutex_destroy(&nfile->cs_pool_lock);
	npu_mmu_put(nfile->mmu);
	mutex_destroy(&nfile->submit_lock);
	kfree(nfile);
}

void npu_file_put(struct npu_file *nfile)
{
	kref_put(&nfile->refcount, npu_file_release);
}

static int npu_open(struct drm_device *drm, struct drm_file *file)
{
	struct npu_drm_device *ndev = to_npu_drm_device(drm);
	struct npu_file *nfile;
	int ret, idx;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	nfile = kzalloc(sizeof(*nfile), GFP_KERNEL);
	if (!nfile) {
		ret = -ENOMEM;
		goto out_exit;
	}
	kref_init(&nfile->refcount);
	nfile->ndev = ndev;
	nfile->client_id = file->client_id;
	mutex_init(&nfile->submit_lock);
	mutex_init(&nfile->cs_pool_lock);
	INIT_LIST_HEAD(&nfile->cs_pool);

	nfile->mmu = npu_mmu_create(ndev);
	if (IS_ERR(nfile->mmu)) {
		ret = PTR_ERR(nfile->mmu);
		nfile->mmu = NULL;
		goto err_put;
	}

	ret = npu_sched_job_open_file(nfile);
	if (ret)
		goto err_put;

	file->driver_priv = nfile;
	drm_dev_exit(idx);
	return 0;

err_put:
	npu_file_put(nfile);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

static void npu_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct npu_file *nfile = file->driver_priv;

	npu_sched_job_close_file(nfile);
	npu_file_put(nfile);
}

/* ---- query ---- */

static void npu_fill_device_info(struct npu_drm_device *ndev,
				 struct drm_npu_device_info *info)
{
	info->hw_id = ndev->hw_id;
	info->hw_revision = ndev->revision;
	info->fw_version = ndev->fw_version;
	info->fw_features = ndev->fw_features;
	info->cmdstream_version = ndev->cs_version;
	info->mac_count = ndev->mac_count;
	info->clock_mhz = ndev->clock_mhz;
	info->sram_size = ndev->sram_size;
	info->dram_bytes_per_cycle = ndev->dram_bpc;
	info->queue_depth = ndev->queue_depth;
	info->num_address_spaces = ndev->num_as;
	info->page_size = NPU_PAGE_SIZE;
	info->va_start = NPU_VA_START;
	info->va_end = NPU_VA_END;
	info->max_bo_size = NPU_MAX_BO_SIZE;
}

static void npu_fill_counters(struct npu_drm_device *ndev,
			      struct drm_npu_counters *cnt)
{
	struct npu_dev_counters *c = &ndev->counters;

	cnt->cycles = atomic64_read(&c->cycles);
	cnt->macs = atomic64_read(&c->macs);
	cnt->dram_read_bytes = atomic64_read(&c->dram_read_bytes);
	cnt->dram_write_bytes = atomic64_read(&c->dram_write_bytes);
	cnt->jobs_completed = atomic64_read(&c->jobs_completed);
	cnt->jobs_failed = atomic64_read(&c->jobs_failed);
	cnt->resets = atomic64_read(&c->resets);
	cnt->mmu_faults = atomic64_read(&c->mmu_faults);
}

static int npu_ioctl_query(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct npu_drm_device *ndev = to_npu_drm_device(drm);
	struct drm_npu_query *args = data;
	union {
		struct drm_npu_device_info info;
		struct drm_npu_counters counters;
	} out = {};
	u32 size;

	switch (args->type) {
	case DRM_NPU_QUERY_DEVICE_INFO:
		npu_fill_device_info(ndev, &out.info);
		size = sizeof(out.info);
		break;
	case DRM_NPU_QUERY_COUNTERS:
		npu_fill_counters(ndev, &out.counters);
		size = sizeof(out.counters);
		break;
	default:
		drm_dbg(drm, "unknown query type %u\n", args->type);
		return -EINVAL;
	}

	if (args->size &&
	    copy_to_user(u64_to_user_ptr(args->data), &out,
			 min(args->size, size))) {
		drm_dbg(drm, "query buffer 0x%llx not writable\n", args->data);
		return -EFAULT;
	}
	args->size = size;
	return 0;
}

static const struct drm_ioctl_desc npu_ioctls[] = {
	/* DRM_RENDER_ALLOW: a render node refuses ioctls without it. */
	DRM_IOCTL_DEF_DRV(NPU_QUERY, npu_ioctl_query, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NPU_BO_CREATE, npu_ioctl_bo_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NPU_BO_MMAP_OFFSET, npu_ioctl_bo_mmap_offset,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NPU_BO_INFO, npu_ioctl_bo_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NPU_BO_WAIT, npu_ioctl_bo_wait, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NPU_SUBMIT, npu_ioctl_submit, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NPU_CMDSTREAM_CREATE, npu_ioctl_cmdstream_create,
			  DRM_RENDER_ALLOW),
};

/* Kbuild defines NPU_ACCEL_NODE from CONFIG_DRM_ACCEL and NPU_NODE. */
#ifdef NPU_ACCEL_NODE
DEFINE_DRM_ACCEL_FOPS(npu_fops);
#define NPU_NODE_FEATURE	DRIVER_COMPUTE_ACCEL
#else
DEFINE_DRM_GEM_FOPS(npu_fops);
#define NPU_NODE_FEATURE	DRIVER_RENDER
#endif

static const struct drm_driver npu_drm_driver = {
	.driver_features = DRIVER_GEM | NPU_NODE_FEATURE | DRIVER_SYNCOBJ,
	.open = npu_open,
	.postclose = npu_postclose,
	.gem_create_object = npu_gem_create_object,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.ioctls = npu_ioctls,
	.num_ioctls = ARRAY_SIZE(npu_ioctls),
	.fops = &npu_fops,
	.name = NPU_DRIVER_NAME,
	.desc = "NPU accelerator",
	.major = 1,
	.minor = 0,
};

/* ---- sysfs identity for udev ---- */

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct npu_drm_device *ndev = dev_get_drvdata(dev);
	u32 id = ndev->hw_id;

	/* NPU_REG_ID spells the model in ASCII, most significant byte first. */
	return sysfs_emit(buf, "%c%c%c%c\n", (id >> 24) & 0xff,
			  (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff);
}
static DEVICE_ATTR_RO(model);

static ssize_t revision_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct npu_drm_device *ndev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u.%u\n", ndev->revision >> 16,
			  ndev->revision & 0xffff);
}
static DEVICE_ATTR_RO(revision);

static ssize_t firmware_version_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct npu_drm_device *ndev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u.%u.%u\n", ndev->fw_version >> 16,
			  (ndev->fw_version >> 8) & 0xff,
			  ndev->fw_version & 0xff);
}
static DEVICE_ATTR_RO(firmware_version);

static ssize_t mac_count_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct npu_drm_device *ndev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", ndev->mac_count);
}
static DEVICE_ATTR_RO(mac_count);

static struct attribute *npu_attrs[] = {
	&dev_attr_model.attr,
	&dev_attr_revision.attr,
	&dev_attr_firmware_version.attr,
	&dev_attr_mac_count.attr,
	NULL
};

static const struct attribute_group npu_attr_group = {
	.attrs = npu_attrs,
};

/* ---- debugfs ---- */

static struct npu_drm_device *npu_debugfs_ndev(struct seq_file *m)
{
	struct drm_debugfs_entry *entry = m->private;

	return to_npu_drm_device(entry->dev);
}

static int npu_debugfs_as(struct seq_file *m, void *data)
{
	npu_mmu_debugfs_show(npu_debugfs_ndev(m), m);
	return 0;
}

static int npu_debugfs_queue(struct seq_file *m, void *data)
{
	struct npu_drm_device *ndev = npu_debugfs_ndev(m);

	npu_sched_job_debugfs_show(ndev, m);
	/* Registers of a powered-down block are not to be touched. */
	if (pm_runtime_get_if_active(ndev->dev) > 0) {
		npu_hw_debugfs_show(ndev, m);
		pm_runtime_put_autosuspend(ndev->dev);
	} else {
		seq_puts(m, "powered down\n");
	}
	return 0;
}

static int npu_debugfs_counters(struct seq_file *m, void *data)
{
	struct drm_npu_counters c;

	npu_fill_counters(npu_debugfs_ndev(m), &c);
	seq_printf(m, "cycles %llu\nmacs %llu\ndram_read_bytes %llu\n"
		   "dram_write_bytes %llu\njobs_completed %llu\n"
		   "jobs_failed %llu\nresets %llu\nmmu_faults %llu\n",
		   c.cycles, c.macs, c.dram_read_bytes, c.dram_write_bytes,
		   c.jobs_completed, c.jobs_failed, c.resets, c.mmu_faults);
	return 0;
}

static const struct drm_debugfs_info npu_debugfs_list[] = {
	{ "bos", npu_gem_debugfs_bos },
	{ "address_spaces", npu_debugfs_as },
	{ "queue", npu_debugfs_queue },
	{ "counters", npu_debugfs_counters },
};

/* ---- platform driver ---- */

static void npu_sched_job_fini_action(struct drm_device *drm, void *data)
{
	npu_sched_job_fini(to_npu_drm_device(drm));
}

static int npu_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct npu_drm_device *ndev;
	int ret;

	ndev = devm_drm_dev_alloc(dev, &npu_drm_driver, struct npu_drm_device,
				  drm);
	if (IS_ERR(ndev))
		return PTR_ERR(ndev);
	ndev->dev = dev;
	platform_set_drvdata(pdev, ndev);

	spin_lock_init(&ndev->job_lock);
	spin_lock_init(&ndev->fence_lock);
	INIT_LIST_HEAD(&ndev->hw_jobs);
	INIT_LIST_HEAD(&ndev->as_lru);
	init_waitqueue_head(&ndev->job_wq);
	init_completion(&ndev->fw_ready);
	ret = drmm_mutex_init(&ndev->drm, &ndev->as_lock);
	if (!ret)
		ret = drmm_mutex_init(&ndev->drm, &ndev->ring_lock);
	if (!ret)
		ret = drmm_mutex_init(&ndev->drm, &ndev->reset_lock);
	if (ret)
		return ret;

	ret = npu_hw_get_resources(ndev, pdev);
	if (ret)
		return ret;

	/*
	 * Runtime PM powers the domain, then npu_runtime_resume() starts the
	 * clocks and releases the reset line; only then are registers read.
	 */
	pm_runtime_set_autosuspend_delay(dev, npu_autosuspend_ms);
	pm_runtime_use_autosuspend(dev);
	ret = devm_pm_runtime_enable(dev);
	if (ret)
		return ret;
	ret = pm_runtime_resume_and_get(dev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot power up\n");

	ret = npu_hw_init(ndev, pdev);
	if (ret)
		goto err_pm;
	ndev->hw_ready = true;

	ret = npu_sched_job_init(ndev);
	if (ret)
		goto err_pm;
	ret = drmm_add_action_or_reset(&ndev->drm, npu_sched_job_fini_action, NULL);
	if (ret)
		goto err_pm;

	ret = devm_device_add_group(dev, &npu_attr_group);
	if (ret)
		goto err_pm;

	drm_debugfs_add_files(&ndev->drm, npu_debugfs_list,
			      ARRAY_SIZE(npu_debugfs_list));

	ret = drm_dev_register(&ndev->drm, 0);
	if (ret)
		goto err_pm;

	dev_info(dev, "NPU rev %u.%u, %u MACs, %u KiB SRAM, firmware %u.%u.%u\n",
		 ndev->revision >> 16, ndev->revision & 0xffff,
		 ndev->mac_count, ndev->sram_size >> 10,
		 ndev->fw_version >> 16, (ndev->fw_version >> 8) & 0xff,
		 ndev->fw_version & 0xff);
	pm_runtime_mark_last_busy(dev);
	pm_runtime_put_autosuspend(dev);
	return 0;

err_pm:
	/* Off now, not after the autosuspend delay: devres follows. */
	if (ndev->hw_ready)
		npu_hw_power_down(ndev);
	ndev->hw_ready = false;
	pm_runtime_put_sync_suspend(dev);
	return ret;
}

static void npu_remove(struct platform_device *pdev)
{
	struct npu_drm_device *ndev = platform_get_drvdata(pdev);
	struct device *dev = &pdev->dev;

	/* From here ioctls fail with -ENODEV; open files stay valid. */
	drm_dev_unplug(&ndev->drm);

	pm_runtime_get_sync(dev);
	disable_irq(ndev->irq);
	npu_sched_job_kill_hw(ndev);
	npu_hw_fini(ndev);
	ndev->hw_ready = false;
	/* Clocks off, reset asserted and the domain off before devres. */
	pm_runtime_put_sync_suspend(dev);
	npu_sched_job_wait_all_freed(ndev);
}

static int npu_runtime_suspend(struct device *dev)
{
	struct npu_drm_device *ndev = dev_get_drvdata(dev);

	if (ndev->hw_ready)
		npu_hw_power_down(ndev);
	npu_hw_resources_off(ndev);
	return 0;
}

/*
 * The block may have lost everything while off (its power domain): power
 * up boots the firmware again when it is not running.  During probe
 * (!hw_ready) npu_hw_init() does the first boot.
 */
static int npu_runtime_resume(struct device *dev)
{
	struct npu_drm_device *ndev = dev_get_drvdata(dev);
	int ret;

	ret = npu_hw_resources_on(ndev);
	if (ret || !ndev->hw_ready)
		return ret;
	ret = npu_hw_power_up(ndev);
	if (ret)
		npu_hw_resources_off(ndev);
	return ret;
}

/*
 * System sleep: stop feeding the hardware, let its queue drain, then power
 * down as runtime PM does.  Jobs still queued in the scheduler run after
 * resume.
 */
static void npu_sched_restart(struct npu_drm_device *ndev)
{
	drm_sched_resume_timeout(&ndev->sched, ndev->sched_timeout_left);
	drm_sched_wqueue_start(&ndev->sched);
}

static int npu_system_suspend(struct device *dev)
{
	struct npu_drm_device *ndev = dev_get_drvdata(dev);
	int ret;

	/*
	 * No pushes, and no timeout handling: finished jobs stay on the
	 * scheduler's pending list until it restarts and must not look hung.
	 */
	drm_sched_wqueue_stop(&ndev->sched);
	ndev->sched_timeout_left = drm_sched_suspend_timeout(&ndev->sched);
	if (!wait_event_timeout(ndev->job_wq, npu_sched_job_hw_idle(ndev),
				msecs_to_jiffies(npu_sched_job_timeout_ms))) {
		dev_err(dev, "hardware queue did not drain for suspend\n");
		npu_sched_restart(ndev);
		return -EBUSY;
	}
	ret = pm_runtime_force_suspend(dev);
	if (ret)
		npu_sched_restart(ndev);
	return ret;
}

static int npu_system_resume(struct device *dev)
{
	struct npu_drm_device *ndev = dev_get_drvdata(dev);
	int ret = pm_runtime_force_resume(dev);

	npu_sched_restart(ndev);
	return ret;
}

static const struct dev_pm_ops npu_pm_ops = {
	SYSTEM_SLEEP_PM_OPS(npu_system_suspend, npu_system_resume)
	RUNTIME_PM_OPS(npu_runtime_suspend, npu_runtime_resume, NULL)
};

static const struct of_device_id npu_of_match[] = {
	{ .compatible = "npustack,npu8" },
	{ }
};
MODULE_DEVICE_TABLE(of, npu_of_match);

static const struct platform_device_id npu_id_table[] = {
	{ .name = NPU_DRIVER_NAME },
	{ }
};
MODULE_DEVICE_TABLE(platform, npu_id_table);

static struct platform_driver npu_platform_driver = {
	.probe = npu_probe,
	.remove = npu_remove,
	.id_table = npu_id_table,
	.driver = {
		.name = NPU_DRIVER_NAME,
		.of_match_table = npu_of_match,
		.pm = pm_ptr(&npu_pm_ops),
	},
};
module_platform_driver(npu_platform_driver);

MODULE_DESCRIPTION("NPU DRM accel (or render-node) driver");
MODULE_LICENSE("GPL");
MODULE_FIRMWARE(NPU_FW_NAME);
