/* SPDX-License-Identifier: MIT */
/*
 * Register map, MMU page-table format, completion-ring records and firmware
 * image header of the NPU block.  Shared by the driver (npu.ko), the
 * simulated device (npu_sim.ko), the firmware and userspace tools.
 *
 * Documentation/hardware.rst describes the behaviour behind each register.
 * Version of this interface: NPU_REGS_VERSION.
 */
#ifndef _UAPI_NPU_REGS_H_
#define _UAPI_NPU_REGS_H_

#include <linux/types.h>

#define NPU_REGS_VERSION		1

/* All registers are 32 bits wide and 32-bit aligned. */
#define NPU_REG_SPACE_SIZE		0x1000

/* ---- identity and configuration (read-only) ---- */
#define NPU_REG_ID			0x000	/* NPU_ID_VALUE */
#define NPU_REG_REVISION		0x004	/* major << 16 | minor */
#define NPU_REG_MAC_COUNT		0x008	/* int8 MACs per cycle */
#define NPU_REG_SRAM_SIZE		0x00c	/* bytes */
#define NPU_REG_CONFIG			0x010	/* NPU_CONFIG_* fields */
#define NPU_REG_CLOCK_MHZ		0x014
#define NPU_REG_DRAM_BPC		0x018	/* DRAM bytes per cycle */

#define NPU_ID_VALUE			0x4e505538u	/* "NPU8" */

#define NPU_CONFIG_QUEUE_DEPTH(v)	((v) & 0xff)
#define NPU_CONFIG_NUM_AS(v)		(((v) >> 8) & 0xff)
#define NPU_CONFIG_CS_VERSION(v)	(((v) >> 16) & 0xff)

/* ---- power, reset, firmware boot ---- */
#define NPU_REG_STATUS			0x020	/* NPU_STATUS_* */
#define NPU_REG_CONTROL			0x024	/* NPU_CONTROL_*, write-only */
#define NPU_REG_FW_BASE_LO		0x028	/* bus address of the image */
#define NPU_REG_FW_BASE_HI		0x02c
#define NPU_REG_FW_SIZE			0x030
#define NPU_REG_FW_VERSION		0x034	/* valid once FW_READY */
#define NPU_REG_FW_FEATURES		0x038	/* valid once FW_READY */
#define NPU_REG_BOOT_STATUS		0x03c	/* NPU_BOOT_* */
#define NPU_REG_POWER			0x040	/* NPU_POWER_ON: clocks enabled */

#define NPU_STATUS_FW_READY		(1u << 0)
#define NPU_STATUS_BUSY			(1u << 1)	/* a job is executing */
#define NPU_STATUS_RESETTING		(1u << 2)
#define NPU_STATUS_POWERED		(1u << 3)

#define NPU_CONTROL_SOFT_RESET		(1u << 0)	/* drops queue and firmware */
#define NPU_CONTROL_BOOT		(1u << 1)	/* boot image at FW_BASE */

#define NPU_POWER_ON			(1u << 0)

#define NPU_BOOT_IDLE			0
#define NPU_BOOT_OK			1
#define NPU_BOOT_ERR_MAGIC		0x80000001u
#define NPU_BOOT_ERR_VERSION		0x80000002u
#define NPU_BOOT_ERR_CHECKSUM		0x80000003u
#define NPU_BOOT_ERR_SIZE		0x80000004u
#define NPU_BOOT_ERR_DMA		0x80000005u
#define NPU_BOOT_ERR_SELFTEST		0x80000006u	/* boot self-test failed */

/* ---- interrupts ---- */
#define NPU_REG_IRQ_RAWSTAT		0x050	/* pending, before mask */
#define NPU_REG_IRQ_STATUS		0x054	/* pending & mask */
#define NPU_REG_IRQ_MASK		0x058	/* 1 = enabled */
#define NPU_REG_IRQ_CLEAR		0x05c	/* write 1 to clear */

#define NPU_IRQ_JOB_DONE		(1u << 0)	/* completion ring advanced */
#define NPU_IRQ_MMU_FAULT		(1u << 1)
#define NPU_IRQ_FW_READY		(1u << 2)	/* boot finished (ok or not) */
#define NPU_IRQ_RESET_DONE		(1u << 3)
#define NPU_IRQ_ALL			0xfu

/* ---- job queue ----
 * The driver stages a job in the JOB_* registers and writes JOB_PUSH.  The
 * device executes queued jobs in order; JOB_QUEUE_FREE says how many more it
 * takes.  A push while the queue is full is dropped and counted in
 * JOB_OVERFLOW.
 */
#define NPU_REG_JOB_CS_LO		0x080	/* NPU VA of the command stream */
#define NPU_REG_JOB_CS_HI		0x084
#define NPU_REG_JOB_CS_SIZE		0x088	/* bytes */
#define NPU_REG_JOB_AS			0x08c	/* address-space slot */
#define NPU_REG_JOB_SEQNO		0x090	/* driver's sequence number */
#define NPU_REG_JOB_PUSH		0x094	/* write 1 */
#define NPU_REG_JOB_QUEUE_FREE		0x098
#define NPU_REG_JOB_OVERFLOW		0x09c
#define NPU_REG_DONE_SEQNO		0x0a0	/* seqno of the last ended job */
/*
 * NPU VA of the job's region table (struct npu_hw_region[NPU_CS_MAX_REGIONS]),
 * 0: none (region 0 only).  Staged with the other JOB_* registers and
 * latched by JOB_PUSH; NPU_FW_FEAT_REGIONS (firmware 1.5.0).
 */
#define NPU_REG_JOB_RT_LO		0x0a4
#define NPU_REG_JOB_RT_HI		0x0a8

/**
 * struct npu_hw_region - one region-table entry, 16 bytes
 *
 * The table is NPU_CS_MAX_REGIONS entries (256 bytes, 16-byte aligned) in
 * the job's address space; the firmware reads it once at job start.  Entry
 * 0 is unused and zero (region 0 is absolute).  An entry with @size 0 is
 * unbound: any address in that region is NPU_JOB_ERR_BAD_STREAM.
 *
 * @base: NPU VA of offset 0 of the region.
 * @size: bytes; every range [offset, offset + len) a command touches in
 *        the region must lie below it.
 */
struct npu_hw_region {
	__le64 base;
	__le64 size;
};

/* ---- completion ring ----
 * A ring of NPU_CRING_ENTRIES records in memory at bus address CRING_BASE,
 * written by the device when a job ends (in queue order), one record each.
 * The device advances CRING_WPTR after writing a record and raises
 * NPU_IRQ_JOB_DONE; the driver consumes records and writes CRING_RPTR.
 * Pointers count records modulo 2^32; index = ptr % entries.
 */
#define NPU_REG_CRING_BASE_LO		0x0c0
#define NPU_REG_CRING_BASE_HI		0x0c4
#define NPU_REG_CRING_ENTRIES		0x0c8	/* power of two */
#define NPU_REG_CRING_WPTR		0x0cc	/* device-written; settable idle */
#define NPU_REG_CRING_RPTR		0x0d0	/* driver-written */

/**
 * struct npu_hw_completion - completion-ring record, 64 bytes
 * @seqno: JOB_SEQNO the job was pushed with.
 * @status: NPU_JOB_OK or an NPU_JOB_ERR_* code.
 * @cycles: cycles the job took.
 * @macs: multiply-accumulates.
 * @dram_read_bytes: bytes read through the MMU.
 * @dram_write_bytes: bytes written through the MMU.
 * @fault_addr: faulting NPU VA for NPU_JOB_ERR_MMU_FAULT.
 * @detail: error detail (command index of the failing command).
 * @reserved: zero.
 */
struct npu_hw_completion {
	__le32 seqno;
	__le32 status;
	__le64 cycles;
	__le64 macs;
	__le64 dram_read_bytes;
	__le64 dram_write_bytes;
	__le64 fault_addr;
	__le32 detail;
	__le32 reserved[3];
};

#define NPU_JOB_OK			0
#define NPU_JOB_ERR_MMU_FAULT		1	/* unmapped or permission */
#define NPU_JOB_ERR_BAD_STREAM		2	/* command stream invalid */
#define NPU_JOB_ERR_ABORTED		3	/* dropped by soft reset */
#define NPU_JOB_ERR_INTERNAL		4	/* device out of resources */

/* ---- MMU ----
 * NPU_MAX_AS address spaces.  Each has a directory base and an enable bit;
 * a job runs in the address space named by JOB_AS.  Disabled slot: every
 * access faults.
 */
#define NPU_MAX_AS			8
#define NPU_REG_MMU_AS_DIR_LO(n)	(0x100 + (n) * 0x10)
#define NPU_REG_MMU_AS_DIR_HI(n)	(0x104 + (n) * 0x10)
#define NPU_REG_MMU_AS_CTRL(n)		(0x108 + (n) * 0x10)	/* NPU_MMU_AS_ENABLE */
#define NPU_REG_MMU_FLUSH		0x180	/* write AS bitmask: drop TLB */
#define NPU_REG_MMU_FAULT_STATUS	0x184	/* NPU_MMU_FAULT_*; write clears */
#define NPU_REG_MMU_FAULT_ADDR_LO	0x188
#define NPU_REG_MMU_FAULT_ADDR_HI	0x18c
#define NPU_REG_MMU_FAULT_SEQNO		0x190

#define NPU_MMU_AS_ENABLE		(1u << 0)

#define NPU_MMU_FAULT_VALID		(1u << 31)
#define NPU_MMU_FAULT_WRITE		(1u << 30)	/* else a read */
#define NPU_MMU_FAULT_PERMISSION	(1u << 29)	/* else translation */
#define NPU_MMU_FAULT_AS(v)		((v) & 0xff)

/*
 * Page tables: 32-bit NPU virtual addresses of which the MMU translates the
 * low 30 bits (1 GiB per address space); 4 KiB pages; two levels.  The
 * directory is one 4 KiB page of 512 64-bit entries, each pointing to a
 * table page of 512 64-bit PTEs (2 MiB).  Entries are little-endian.
 *
 *   VA[29:21] directory index   VA[20:12] table index   VA[11:0] offset
 */
#define NPU_PAGE_SHIFT			12
#define NPU_PAGE_SIZE			(1u << NPU_PAGE_SHIFT)
#define NPU_VA_BITS			30
#define NPU_VA_SIZE			(1ull << NPU_VA_BITS)
#define NPU_PT_ENTRIES			512
#define NPU_DIR_INDEX(va)		(((va) >> 21) & 0x1ff)
#define NPU_PT_INDEX(va)		(((va) >> 12) & 0x1ff)

#define NPU_PTE_VALID			(1ull << 0)
#define NPU_PTE_READ			(1ull << 1)
#define NPU_PTE_WRITE			(1ull << 2)
#define NPU_PTE_ADDR_MASK		0x000ffffffffff000ull	/* bits 51:12 */

#define NPU_PDE_VALID			(1ull << 0)
#define NPU_PDE_ADDR_MASK		NPU_PTE_ADDR_MASK

/* ---- performance counters (64-bit, LO then HI; read LO first) ---- */
#define NPU_REG_CNT_CYCLES_LO		0x200
#define NPU_REG_CNT_CYCLES_HI		0x204
#define NPU_REG_CNT_MACS_LO		0x208
#define NPU_REG_CNT_MACS_HI		0x20c
#define NPU_REG_CNT_DRAM_RD_LO		0x210
#define NPU_REG_CNT_DRAM_RD_HI		0x214
#define NPU_REG_CNT_DRAM_WR_LO		0x218
#define NPU_REG_CNT_DRAM_WR_HI		0x21c
#define NPU_REG_CNT_JOBS_LO		0x220
#define NPU_REG_CNT_JOBS_HI		0x224

/* ---- firmware image (npu/npu-fw.bin) ----
 * Header followed by payload_size bytes of payload.  crc32 is the IEEE
 * CRC-32 (as zlib) of the payload; header_crc32 covers the header with
 * header_crc32 itself taken as zero.
 */
#define NPU_FW_MAGIC			0x4655504eu	/* "NPUF" */
#define NPU_FW_FORMAT_VERSION		1

#define NPU_FW_FEAT_INT8		(1u << 0)
#define NPU_FW_FEAT_INT16X8		(1u << 1)
#define NPU_FW_FEAT_PERF_COUNTERS	(1u << 2)
/* NPU_CMD_SIGMOID_S16 (int16 LOGISTIC/TANH as TFLite), since firmware 1.1.0 */
#define NPU_FW_FEAT_SIGMOID_S16		(1u << 3)
/* NPU_CMD_RELU (RELU, RELU_N1_TO_1, RELU6 as TFLite), since firmware 1.2.0 */
#define NPU_FW_FEAT_RELU		(1u << 4)
/*
 * NPU_CMD_MEAN over any axes with the element count folded into the
 * multiplier (TFLite's rounding; before: H and W only, divided after
 * requantizing as TFLite Micro), NPU_CMD_REDUCE_MAX/MIN, NPU_CMD_ARG_MAX/MIN,
 * since firmware 1.3.0
 */
#define NPU_FW_FEAT_REDUCE		(1u << 5)
/* NPU_CMD_MAXIMUM, NPU_CMD_MINIMUM, NPU_CMD_PRELU, since firmware 1.3.0 */
#define NPU_FW_FEAT_ELTWISE2		(1u << 6)
/*
 * uint8 (legacy asymmetric) operands of CONV_2D, DEPTHWISE_CONV_2D,
 * TRANSPOSE_CONV, FULLY_CONNECTED, ADD, SUB, MUL, AVERAGE/MAX_POOL_2D and
 * LUT, since firmware 1.3.0
 */
#define NPU_FW_FEAT_UINT8		(1u << 7)
/* NPU_CMD_RESIZE_BILINEAR, NPU_CMD_RESIZE_NEAREST, since firmware 1.3.0 */
#define NPU_FW_FEAT_RESIZE		(1u << 8)
/* NPU_CMD_STRIDED_COPY (box copies and fills), since firmware 1.3.0 */
#define NPU_FW_FEAT_STRIDED_COPY	(1u << 9)
/* int16 input and output of NPU_CMD_PRELU (alpha int8), since firmware 1.4.0 */
#define NPU_FW_FEAT_PRELU_S16		(1u << 10)
/* The on-chip SRAM window (NPU_SRAM_VA) and NPU_CMD_DMA, since firmware 1.4.0 */
#define NPU_FW_FEAT_SRAM		(1u << 11)
/*
 * NPU_RQ_SCALE_F64 on FULLY_CONNECTED (TFLite's reference rounding of the
 * accumulator times the binary64 scale), since firmware 1.4.0
 */
#define NPU_FW_FEAT_FC_SCALE_F64	(1u << 12)
/*
 * Compressed filters (npu_tensor.encoding NPU_WEIGHTS_NPW1) of CONV_2D,
 * DEPTHWISE_CONV_2D, TRANSPOSE_CONV and FULLY_CONNECTED, decoded on the
 * device, since firmware 1.4.0
 */
#define NPU_FW_FEAT_WDEC		(1u << 13)
/*
 * Region addresses (NPU_ADDR() in npu_cmdstream.h) and the job region
 * table (NPU_REG_JOB_RT_LO/HI), since firmware 1.5.0
 */
#define NPU_FW_FEAT_REGIONS		(1u << 14)
/*
 * Shared palettes in the compressed-filter format (its header's byte 3;
 * firmware 1.4.0's decoder refuses a non-zero one), since firmware 1.5.0
 */
#define NPU_FW_FEAT_WDEC_PALETTES	(1u << 15)
/*
 * uint8 (legacy asymmetric) operands of NPU_CMD_MEAN (TFLite 2.21's
 * integer QuantizedMeanOrSum, as int8)
 */
#define NPU_FW_FEAT_MEAN_U8		(1u << 16)
/*
 * Version 2 of the compressed-filter format (its header's byte 2): the
 * blocks packed in one bit stream, a block's mode one bit when it repeats
 * the previous block's (older decoders refuse it), since
 * firmware 1.7.0
 */
#define NPU_FW_FEAT_WDEC_PACKED		(1u << 17)
/*
 * Version 3 of the compressed-filter format (its header's byte 1): rows
 * with their zero structure first, a row's +-127 by its position, and
 * truncated binary codes of 127 - |v| (older decoders refuse it), since
 * firmware 1.8.0
 */
#define NPU_FW_FEAT_WDEC_ROWS		(1u << 18)
/*
 * uint8 (legacy asymmetric) operands of NPU_CMD_MAXIMUM and NPU_CMD_MINIMUM
 * (the stored bytes compared, as TFLite's maximum_minimum.cc), since
 * firmware 1.9.0
 */
#define NPU_FW_FEAT_MINMAX_U8		(1u << 19)
/*
 * Palette values in version 3 of the compressed-filter format (its values
 * field 3: up to 8 palettes of up to 16 ascending values, each row naming
 * one; older decoders refuse it), since firmware 1.10.0
 */
#define NPU_FW_FEAT_WDEC_ROWS_PALETTES	(1u << 20)
/* NPU_CMD_SOFTMAX (int8, uint8 and int8 -> int16), since firmware 1.11.0 */
#define NPU_FW_FEAT_SOFTMAX		(1u << 21)

/**
 * struct npu_fw_header - start of the firmware image, 32 bytes
 * @magic: NPU_FW_MAGIC.
 * @format_version: NPU_FW_FORMAT_VERSION.
 * @header_size: sizeof(struct npu_fw_header) of the writer.
 * @fw_version: major << 16 | minor << 8 | patch.
 * @features: NPU_FW_FEAT_* bits.
 * @cmdstream_version: command-stream version the firmware executes.
 * @payload_size: bytes after the header.
 * @payload_crc32: CRC-32 of the payload.
 * @header_crc32: CRC-32 of the header with this field zero.
 */
struct npu_fw_header {
	__u32 magic;
	__u16 format_version;
	__u16 header_size;
	__u32 fw_version;
	__u32 features;
	__u32 cmdstream_version;
	__u32 payload_size;
	__u32 payload_crc32;
	__u32 header_crc32;
};

#endif /* _UAPI_NPU_REGS_H_ */
