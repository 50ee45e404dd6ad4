// SPDX-License-Identifier: GPL-2.0-only
/*
 * npu_sim's SoC integration: what the chip around an NPU block gives it, as
 * a device tree describes it (Documentation/devicetree.rst): two clocks,
 * "core" and "bus", one reset line and a power domain.  The simulator
 * provides each through the kernel's own frameworks (clk_hw with a clkdev
 * lookup, a reset controller with a reset lookup, a generic PM domain), so
 * npu.ko takes them with the calls it makes on silicon
 * (devm_clk_bulk_get_optional(), devm_reset_control_get_optional_exclusive()
 * and runtime PM) and cannot tell the backends apart.
 *
 * The register block answers only while both clocks run, the reset line is
 * released and the domain is on; any other access is a bus error, counted
 * in debugfs bus_errors (silicon would hang or return garbage).  Asserting
 * the reset line or powering the domain off loses the block's state, as
 * CONTROL.SOFT_RESET does, and clears POWER, IRQ_MASK and the address-space
 * slots.
 */
#include <linux/clk-provider.h>
#include <linux/clkdev.h>
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/platform_device.h>
#include <linux/pm_domain.h>
#include <linux/reset-controller.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "npu_sim.h"

static const char *const npu_sim_clk_names[NPU_SIM_NUM_CLKS] = {
	"core", "bus",
};

/* Rates the clocks report; the cycle model uses CLOCK_MHZ regardless. */
static const unsigned long npu_sim_clk_rates[NPU_SIM_NUM_CLKS] = {
	1000000000, 800000000,
};

/**
 * npu_sim_soc_up_locked() - whether the register block can be reached
 * @sim: the device.
 *
 * Return: true when both clocks run, the reset line is released and the
 * power domain is on, or when the device has no SoC resources (the
 * self-test's private device).
 */
bool npu_sim_soc_up_locked(const struct npu_sim *sim)
{
	const struct npu_sim_soc *soc = &sim->soc;

	lockdep_assert_held(&sim->lock);
	return !soc->managed ||
	       (soc->clk_on == GENMASK(NPU_SIM_NUM_CLKS - 1, 0) &&
		!soc->in_reset && soc->domain_on);
}

/* Reset asserted or power gone: the block forgets what it was told. */
static void npu_sim_soc_lose_state_locked(struct npu_sim *sim)
{
	int as;

	npu_sim_reset_state_locked(sim);
	sim->power = 0;
	sim->irq_mask = 0;
	for (as = 0; as < NPU_MAX_AS; as++)
		sim->as_ctrl[as] = 0;
}

static struct npu_sim_clk *to_npu_sim_clk(struct clk_hw *hw)
{
	return container_of(hw, struct npu_sim_clk, hw);
}

static int npu_sim_clk_enable(struct clk_hw *hw)
{
	struct npu_sim_clk *clk = to_npu_sim_clk(hw);
	struct npu_sim *sim = clk->sim;

	guard(spinlock_irqsave)(&sim->lock);
	sim->soc.clk_on |= BIT(clk->index);
	wake_up(&sim->wq);
	return 0;
}

static void npu_sim_clk_disable(struct clk_hw *hw)
{
	struct npu_sim_clk *clk = to_npu_sim_clk(hw);
	struct npu_sim *sim = clk->sim;

	guard(spinlock_irqsave)(&sim->lock);
	sim->soc.clk_on &= ~BIT(clk->index);
}

static int npu_sim_clk_is_enabled(struct clk_hw *hw)
{
	struct npu_sim_clk *clk = to_npu_sim_clk(hw);
	struct npu_sim *sim = clk->sim;

	guard(spinlock_irqsave)(&sim->lock);
	return !!(sim->soc.clk_on & BIT(clk->index));
}

static unsigned long npu_sim_clk_recalc_rate(struct clk_hw *hw,
					     unsigned long parent_rate)
{
	return npu_sim_clk_rates[to_npu_sim_clk(hw)->index];
}

static const struct clk_ops npu_sim_clk_ops = {
	.enable = npu_sim_clk_enable,
	.disable = npu_sim_clk_disable,
	.is_enabled = npu_sim_clk_is_enabled,
	.recalc_rate = npu_sim_clk_recalc_rate,
};

static int npu_sim_clks_init(struct npu_sim *sim, const char *consumer)
{
	struct device *dev = sim->dev;
	unsigned int i;
	int ret;

	for (i = 0; i < NPU_SIM_NUM_CLKS; i++) {
		struct npu_sim_clk *clk = &sim->soc.clks[i];
		struct clk_init_data init = {
			.ops = &npu_sim_clk_ops,
		};

		init.name = devm_kasprintf(dev, GFP_KERNEL, "%s-%s",
					   dev_name(dev), npu_sim_clk_names[i]);
		if (!init.name)
			return -ENOMEM;
		clk->sim = sim;
		clk->index = i;
		clk->hw.init = &init;
		ret = devm_clk_hw_register(dev, &clk->hw);
		if (ret)
			return ret;
		ret = devm_clk_hw_register_clkdev(dev, &clk->hw,
						  npu_sim_clk_names[i],
						  consumer);
		if (ret)
			return ret;
	}
	return 0;
}

static struct npu_sim *rcdev_to_sim(struct reset_controller_dev *rcdev)
{
	return container_of(rcdev, struct npu_sim, soc.rcdev);
}

static int npu_sim_reset_assert(struct reset_controller_dev *rcdev,
				unsigned long id)
{
	struct npu_sim *sim = rcdev_to_sim(rcdev);

	guard(spinlock_irqsave)(&sim->lock);
	if (!sim->soc.in_reset)
		npu_sim_soc_lose_state_locked(sim);
	sim->soc.in_reset = true;
	return 0;
}

static int npu_sim_reset_deassert(struct reset_controller_dev *rcdev,
				  unsigned long id)
{
	struct npu_sim *sim = rcdev_to_sim(rcdev);

	guard(spinlock_irqsave)(&sim->lock);
	sim->soc.in_reset = false;
	wake_up(&sim->wq);
	return 0;
}

static int npu_sim_reset_status(struct reset_controller_dev *rcdev,
				unsigned long id)
{
	struct npu_sim *sim = rcdev_to_sim(rcdev);

	guard(spinlock_irqsave)(&sim->lock);
	return sim->soc.in_reset;
}

static const struct reset_control_ops npu_sim_reset_ops = {
	.assert = npu_sim_reset_assert,
	.deassert = npu_sim_reset_deassert,
	.status = npu_sim_reset_status,
};

/*
 * Linux 6.12 can add reset lookups but not remove them, so an entry must
 * outlive the module: it is allocated (never from module memory) and names
 * its provider by string, which the reset core resolves at each get.  One
 * entry per device id is added per module load; entries of an earlier
 * load are identical, hence harmless.
 */
static int npu_sim_reset_init(struct npu_sim *sim, const char *consumer)
{
	struct reset_control_lookup *lookup;
	int ret;

	sim->soc.rcdev.ops = &npu_sim_reset_ops;
	sim->soc.rcdev.owner = THIS_MODULE;
	sim->soc.rcdev.nr_resets = 1;
	sim->soc.rcdev.dev = sim->dev;
	ret = devm_reset_controller_register(sim->dev, &sim->soc.rcdev);
	if (ret)
		return ret;

	lookup = kzalloc(sizeof(*lookup), GFP_KERNEL);
	if (!lookup)
		return -ENOMEM;
	lookup->provider = kstrdup(dev_name(sim->dev), GFP_KERNEL);
	lookup->dev_id = kstrdup(consumer, GFP_KERNEL);
	if (!lookup->provider || !lookup->dev_id) {
		kfree(lookup->provider);
		kfree(lookup->dev_id);
		kfree(lookup);
		return -ENOMEM;
	}
	lookup->index = 0;
	reset_controller_add_lookup(lookup, 1);
	return 0;
}

static struct npu_sim *genpd_to_sim(struct generic_pm_domain *genpd)
{
	return container_of(genpd, struct npu_sim, soc.genpd);
}

static int npu_sim_domain_power_on(struct generic_pm_domain *genpd)
{
	struct npu_sim *sim = genpd_to_sim(genpd);

	guard(spinlock_irqsave)(&sim->lock);
	sim->soc.domain_on = true;
	sim->soc.domain_power_ons++;
	wake_up(&sim->wq);
	return 0;
}

static int npu_sim_domain_power_off(struct generic_pm_domain *genpd)
{
	struct npu_sim *sim = genpd_to_sim(genpd);

	guard(spinlock_irqsave)(&sim->lock);
	if (sim->soc.domain_on)
		npu_sim_soc_lose_state_locked(sim);
	sim->soc.domain_on = false;
	return 0;
}

static void npu_sim_domain_remove(void *data)
{
	struct npu_sim *sim = data;

	pm_genpd_remove(&sim->soc.genpd);
}

static int npu_sim_domain_init(struct npu_sim *sim)
{
	struct generic_pm_domain *genpd = &sim->soc.genpd;
	int ret;

	genpd->name = devm_kasprintf(sim->dev, GFP_KERNEL, "%s-pd",
				     dev_name(sim->dev));
	if (!genpd->name)
		return -ENOMEM;
	genpd->power_on = npu_sim_domain_power_on;
	genpd->power_off = npu_sim_domain_power_off;
	/* Off until the driver's runtime PM asks for it. */
	ret = pm_genpd_init(genpd, NULL, true);
	if (ret)
		return ret;
	return devm_add_action_or_reset(sim->dev, npu_sim_domain_remove, sim);
}

/**
 * npu_sim_soc_init() - clocks, reset line and power domain of a device
 * @sim: the device.
 * @consumer: device name of the NPU that will use them ("npu.N").
 *
 * The block starts with its clocks stopped, in reset and powered off.
 *
 * Return: 0 or a negative errno.
 */
int npu_sim_soc_init(struct npu_sim *sim, const char *consumer)
{
	int ret;

	scoped_guard(spinlock_irqsave, &sim->lock) {
		sim->soc.managed = true;
		sim->soc.in_reset = true;
	}
	ret = npu_sim_clks_init(sim, consumer);
	if (!ret)
		ret = npu_sim_reset_init(sim, consumer);
	if (!ret)
		ret = npu_sim_domain_init(sim);
	return ret;
}

/**
 * npu_sim_soc_attach() - put the NPU device into the power domain
 * @sim: the device.
 * @npu: the NPU's platform device, initialised but not yet added.
 *
 * Return: 0 or a negative errno.
 */
int npu_sim_soc_attach(struct npu_sim *sim, struct platform_device *npu)
{
	return pm_genpd_add_device(&sim->soc.genpd, &npu->dev);
}

/**
 * npu_sim_soc_detach() - take the NPU device out of the power domain
 * @sim: the device.
 * @npu: the NPU's platform device, deleted but not yet released.
 */
void npu_sim_soc_detach(struct npu_sim *sim, struct platform_device *npu)
{
	pm_genpd_remove_device(&npu->dev);
}

/**
 * npu_sim_soc_show() - the SoC resources' state, for debugfs
 * @sim: the device.
 * @m: the file.
 */
void npu_sim_soc_show(struct npu_sim *sim, struct seq_file *m)
{
	bool managed, in_reset, domain_on;
	u64 domain_power_ons;
	unsigned int i;
	u32 clk_on;

	scoped_guard(spinlock_irqsave, &sim->lock) {
		managed = sim->soc.managed;
		clk_on = sim->soc.clk_on;
		in_reset = sim->soc.in_reset;
		domain_on = sim->soc.domain_on;
		domain_power_ons = sim->soc.domain_power_ons;
	}
	if (!managed) {
		seq_puts(m, "unmanaged\n");
		return;
	}
	for (i = 0; i < NPU_SIM_NUM_CLKS; i++)
		seq_printf(m, "clock %s: %s\n", npu_sim_clk_names[i],
			   clk_on & BIT(i) ? "on" : "off");
	seq_printf(m, "reset: %s\n", in_reset ? "asserted" : "released");
	seq_printf(m, "domain: %s\n", domain_on ? "on" : "off");
	seq_printf(m, "domain_power_ons: %llu\n", domain_power_ons);
}
