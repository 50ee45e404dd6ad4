/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The NPU stack authors */

#ifndef __NPU_HW_H__
#define __NPU_HW_H__

struct npu_drm_device;
struct platform_device;
struct seq_file;

int npu_hw_get_resources(struct npu_drm_device *ndev, struct platform_device *pdev);
int npu_hw_resources_on(struct npu_drm_device *ndev);
void npu_hw_resources_off(struct npu_drm_device *ndev);
int npu_hw_init(struct npu_drm_device *ndev, struct platform_device *pdev);
void npu_hw_fini(struct npu_drm_device *ndev);
int npu_hw_reset(struct npu_drm_device *ndev);
int npu_hw_power_up(struct npu_drm_device *ndev);
void npu_hw_power_down(struct npu_drm_device *ndev);
void npu_hw_debugfs_show(struct npu_drm_device *ndev, struct seq_file *m);

#endif /* __NPU_HW_H__ */
