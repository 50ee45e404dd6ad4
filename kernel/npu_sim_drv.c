// SPDX-License-Identifier: GPL-2.0-only
/*
 * npu_sim: a simulated NPU block, the backend the npu driver is exercised
 * with when there is no silicon (like netdevsim or vkms).
 *
 * Each simulated NPU is a platform device "npu_sim.N" that owns the register
 * block (a regmap with custom accessors), an interrupt line from its own IRQ
 * domain and an execution thread.  It registers a child platform device
 * "npu.N" with an IRQ resource and no MEM resource: npu.ko finds the registers
 * with dev_get_regmap(dev->parent, NULL), exactly as it would use an MMIO
 * regmap on silicon, and its clocks, reset line and power domain through
 * the kernel's frameworks (npu_sim_soc.c), as from a device tree.
 */
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/fwnode.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/irq_work.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>
#include <linux/slab.h>

#include "npu_sim.h"

#define NPU_SIM_DRV_NAME	"npu_sim"
#define NPU_SIM_MAX_DEVICES	16
#define NPU_SIM_SELFTEST_LOG	8192

static unsigned int num_devices = 1;
module_param(num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices, "Number of simulated NPUs (default 1, max 16)");

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest,
		 "Run the register-level self-test on a private device at load; results in debugfs npu_sim/selftest");

static struct platform_device *npu_sim_pdevs[NPU_SIM_MAX_DEVICES];
static char *npu_sim_selftest_log;

static int npu_sim_irq_map(struct irq_domain *d, unsigned int virq,
			   irq_hw_number_t hw)
{
	irq_set_chip_data(virq, d->host_data);
	irq_set_chip_and_handler(virq, &dummy_irq_chip, handle_simple_irq);
	return 0;
}

static void npu_sim_irq_unmap(struct irq_domain *d, unsigned int virq)
{
	irq_set_chip_and_handler(virq, NULL, NULL);
	irq_set_chip_data(virq, NULL);
}

static const struct irq_domain_ops npu_sim_irq_domain_ops = {
	.map = npu_sim_irq_map,
	.unmap = npu_sim_irq_unmap,
};

static void npu_sim_irq_fini(void *data)
{
	struct npu_sim *sim = data;

	scoped_guard(spinlock_irqsave, &sim->lock)
		sim->irq_dead = true;
	irq_work_sync(&sim->irq_work);
	irq_dispose_mapping(sim->virq);
	irq_domain_remove(sim->irq_domain);
	irq_domain_free_fwnode(sim->irq_fwnode);
}

static int npu_sim_irq_init(struct npu_sim *sim)
{
	init_irq_work(&sim->irq_work, npu_sim_irq_work);

	sim->irq_fwnode = irq_domain_alloc_named_fwnode(dev_name(sim->dev));
	if (!sim->irq_fwnode)
		return -ENOMEM;
	sim->irq_domain = irq_domain_create_linear(sim->irq_fwnode, 1,
						   &npu_sim_irq_domain_ops, sim);
	if (!sim->irq_domain) {
		irq_domain_free_fwnode(sim->irq_fwnode);
		return -ENOMEM;
	}
	sim->virq = irq_create_mapping(sim->irq_domain, 0);
	if (!sim->virq) {
		irq_domain_remove(sim->irq_domain);
		irq_domain_free_fwnode(sim->irq_fwnode);
		return -ENOMEM;
	}
	return devm_add_action_or_reset(sim->dev, npu_sim_irq_fini, sim);
}

static void npu_sim_stop(void *data)
{
	npu_sim_thread_stop(data);
}

static void npu_sim_debugfs_remove(void *data)
{
	npu_sim_debugfs_fini(data);
}

static void npu_sim_unregister_child(void *data)
{
	struct npu_sim *sim = data;

	platform_device_del(sim->npu_pdev);
	npu_sim_soc_detach(sim, sim->npu_pdev);
	platform_device_put(sim->npu_pdev);
}

/*
 * The child is "npu.N" for npu_sim.N: the clock and reset lookups name their
 * consumer before it exists, and it joins the power domain before it is
 * added (and probed).
 */
static int npu_sim_add_child(struct npu_sim *sim, int id)
{
	struct resource res = DEFINE_RES_IRQ_NAMED(sim->virq, "npu");
	struct platform_device *child;
	const char *name;
	int ret;

	/* What platform_device_add() will call it; it has no name before. */
	name = devm_kasprintf(sim->dev, GFP_KERNEL, "npu.%d", id);
	if (!name)
		return -ENOMEM;
	child = platform_device_alloc("npu", id);
	if (!child)
		return -ENOMEM;
	child->dev.parent = sim->dev;
	child->platform_dma_mask = DMA_BIT_MASK(64);
	child->dev.dma_mask = &child->platform_dma_mask;
	child->dev.coherent_dma_mask = DMA_BIT_MASK(64);
	ret = platform_device_add_resources(child, &res, 1);
	if (!ret)
		ret = npu_sim_soc_init(sim, name);
	if (!ret)
		ret = npu_sim_soc_attach(sim, child);
	if (ret) {
		platform_device_put(child);
		return ret;
	}
	ret = platform_device_add(child);
	if (ret) {
		npu_sim_soc_detach(sim, child);
		platform_device_put(child);
		return ret;
	}
	sim->npu_pdev = child;
	return devm_add_action_or_reset(sim->dev, npu_sim_unregister_child,
					sim);
}

static void npu_sim_sram_free(void *sram)
{
	kvfree(sram);
}

static int npu_sim_probe(struct platform_device *pdev)
{
	const struct npu_sim_pdata *pdata = dev_get_platdata(&pdev->dev);
	struct device *dev = &pdev->dev;
	struct npu_sim *sim;
	int ret;

	sim = devm_kzalloc(dev, sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	sim->dev = dev;
	spin_lock_init(&sim->lock);
	init_waitqueue_head(&sim->wq);
	platform_set_drvdata(pdev, sim);

	sim->regmap = npu_sim_regmap_init(sim);
	if (IS_ERR(sim->regmap))
		return dev_err_probe(dev, PTR_ERR(sim->regmap),
				     "regmap init failed\n");

	ret = npu_sim_irq_init(sim);
	if (ret)
		return dev_err_probe(dev, ret, "irq domain init failed\n");

	sim->sram = kvzalloc(NPU_HW_SRAM_SIZE, GFP_KERNEL);
	if (!sim->sram)
		return -ENOMEM;
	ret = devm_add_action_or_reset(dev, npu_sim_sram_free, sim->sram);
	if (ret)
		return ret;

	ret = npu_sim_thread_start(sim);
	if (ret)
		return dev_err_probe(dev, ret, "thread start failed\n");
	ret = devm_add_action_or_reset(dev, npu_sim_stop, sim);
	if (ret)
		return ret;

	npu_sim_debugfs_init(sim);
	ret = devm_add_action_or_reset(dev, npu_sim_debugfs_remove, sim);
	if (ret)
		return ret;

	if (pdata && pdata->no_child)
		return 0;

	/* Last, so devres unregisters the child (unbinding npu.ko) first. */
	ret = npu_sim_add_child(sim, pdev->id);
	if (ret)
		return dev_err_probe(dev, ret, "child device failed\n");

	dev_info(dev, "simulated NPU, irq %u, child %s\n", sim->virq,
		 dev_name(&sim->npu_pdev->dev));
	return 0;
}

static struct platform_driver npu_sim_driver = {
	.probe = npu_sim_probe,
	.driver = {
		.name = NPU_SIM_DRV_NAME,
		.suppress_bind_attrs = true,
	},
};

static void npu_sim_destroy_devices(void)
{
	int i;

	for (i = NPU_SIM_MAX_DEVICES - 1; i >= 0; i--) {
		if (npu_sim_pdevs[i])
			platform_device_unregister(npu_sim_pdevs[i]);
		npu_sim_pdevs[i] = NULL;
	}
}

static int __init npu_sim_init(void)
{
	unsigned int i;
	int ret;

	if (num_devices > NPU_SIM_MAX_DEVICES) {
		pr_err("npu_sim: num_devices %u exceeds %u\n", num_devices,
		       NPU_SIM_MAX_DEVICES);
		return -EINVAL;
	}

	npu_sim_debugfs_module_init();
	ret = platform_driver_register(&npu_sim_driver);
	if (ret)
		goto err_debugfs;

	for (i = 0; i < num_devices; i++) {
		struct platform_device *pdev;

		pdev = platform_device_register_simple(NPU_SIM_DRV_NAME, i,
						       NULL, 0);
		if (IS_ERR(pdev)) {
			ret = PTR_ERR(pdev);
			goto err_devices;
		}
		npu_sim_pdevs[i] = pdev;
		if (!platform_get_drvdata(pdev)) {
			/* probe failed; its message says why */
			ret = -ENODEV;
			goto err_devices;
		}
	}

	if (selftest) {
		npu_sim_selftest_log = kzalloc(NPU_SIM_SELFTEST_LOG, GFP_KERNEL);
		if (!npu_sim_selftest_log) {
			ret = -ENOMEM;
			goto err_devices;
		}
		/* An id no regular device uses. */
		ret = npu_sim_selftest(NPU_SIM_MAX_DEVICES, npu_sim_selftest_log,
				       NPU_SIM_SELFTEST_LOG);
		if (ret < 0)
			scnprintf(npu_sim_selftest_log, NPU_SIM_SELFTEST_LOG,
				  "self-test could not run: %d\n", ret);
		npu_sim_debugfs_selftest(npu_sim_selftest_log);
	}
	return 0;

err_devices:
	npu_sim_destroy_devices();
	platform_driver_unregister(&npu_sim_driver);
err_debugfs:
	npu_sim_debugfs_module_exit();
	return ret;
}

static void __exit npu_sim_exit(void)
{
	npu_sim_destroy_devices();
	platform_driver_unregister(&npu_sim_driver);
	npu_sim_debugfs_module_exit();
	kfree(npu_sim_selftest_log);
}

module_init(npu_sim_init);
module_exit(npu_sim_exit);

MODULE_DESCRIPTION("Simulated NPU block (registers, IRQ, MMU, job engine)");
MODULE_AUTHOR("NPU stack developers");
MODULE_LICENSE("GPL");
