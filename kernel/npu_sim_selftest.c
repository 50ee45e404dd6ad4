// SPDX-License-Identifier: GPL-2.0-only
/*
 * npu_sim register-level self-test (module parameter selftest=1).
 *
 * Drives a private simulated NPU, which has no "npu" child so npu.ko never
 * binds to it, exactly as a driver would: regmap accesses, its interrupt
 * line, page tables and a completion ring in memory.  It checks the
 * behaviour Documentation/hardware.rst promises, including the fault
 * injection knobs, and prints TAP lines plus "N passed, N failed" to the
 * kernel log and to /sys/kernel/debug/npu_sim/selftest.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "npu_cmdstream.h"
#include "npu_fw.h"
#include "npu_sim.h"

#define ST_RING_ENTRIES		16
#define ST_CS_VA		0x100000u	/* stream page, read-only */
#define ST_RW_VA		0x103000u	/* data page, read-write */
#define ST_RO_VA		0x104000u	/* same data page, read-only */
#define ST_UNMAPPED_VA		0x200000u

enum { ST_DIR, ST_PT, ST_CS, ST_RING, ST_FW, ST_DATA, ST_PAGES };

/* A completion record in CPU byte order (the ring holds it little-endian). */
struct st_record {
	u32 seqno, status, detail;
	u64 cycles, dram_read_bytes, dram_write_bytes, fault_addr;
};

struct npu_sim_st {
	struct npu_sim *sim;
	struct regmap *regs;
	struct page *page[ST_PAGES];
	void *va[ST_PAGES];
	u64 pa[ST_PAGES];
	atomic_t pending;
	wait_queue_head_t wq;
	unsigned int passed, failed, index;
	char *log;
	size_t log_len, log_size;
	struct st_record rec;
};

static __printf(3, 4) void st_check(struct npu_sim_st *st, bool ok,
				    const char *fmt, ...)
{
	char msg[128];
	va_list args;

	va_start(args, fmt);
	vscnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);

	st->index++;
	if (ok) {
		st->passed++;
		pr_info("npu_sim selftest: ok %u - %s\n", st->index, msg);
	} else {
		st->failed++;
		pr_err("npu_sim selftest: not ok %u - %s\n", st->index, msg);
	}
	if (st->log_len < st->log_size)
		st->log_len += scnprintf(st->log + st->log_len,
					 st->log_size - st->log_len,
					 "%sok %u - %s\n", ok ? "" : "not ",
					 st->index, msg);
}

static u32 st_rd(struct npu_sim_st *st, unsigned int reg)
{
	unsigned int val = 0xdeadbeef;

	regmap_read(st->regs, reg, &val);
	return val;
}

static void st_wr(struct npu_sim_st *st, unsigned int reg, u32 val)
{
	regmap_write(st->regs, reg, val);
}

/* Hard handler acks, as a driver does; the thread wakes the test. */
static irqreturn_t st_irq(int irq, void *arg)
{
	struct npu_sim_st *st = arg;
	u32 status = st_rd(st, NPU_REG_IRQ_STATUS);

	if (!status)
		return IRQ_NONE;
	st_wr(st, NPU_REG_IRQ_CLEAR, status);
	atomic_or(status, &st->pending);
	return IRQ_WAKE_THREAD;
}

static irqreturn_t st_irq_thread(int irq, void *arg)
{
	struct npu_sim_st *st = arg;

	wake_up(&st->wq);
	return IRQ_HANDLED;
}

static bool st_wait_irq(struct npu_sim_st *st, u32 bit, unsigned int ms)
{
	bool ok = wait_event_timeout(st->wq, atomic_read(&st->pending) & bit,
				     msecs_to_jiffies(ms));

	atomic_andnot(bit, &st->pending);
	return ok;
}

static void st_map(struct npu_sim_st *st, u32 va, u64 pa, u64 flags)
{
	__le64 *dir = st->va[ST_DIR], *pt = st->va[ST_PT];

	dir[NPU_DIR_INDEX(va)] = cpu_to_le64(st->pa[ST_PT] | NPU_PDE_VALID);
	pt[NPU_PT_INDEX(va)] = cpu_to_le64(pa | flags);
}

static void st_push(struct npu_sim_st *st, u32 va, u32 size, u32 as, u32 seq)
{
	st_wr(st, NPU_REG_JOB_CS_LO, va);
	st_wr(st, NPU_REG_JOB_CS_HI, 0);
	st_wr(st, NPU_REG_JOB_CS_SIZE, size);
	st_wr(st, NPU_REG_JOB_AS, as);
	st_wr(st, NPU_REG_JOB_RT_LO, 0);
	st_wr(st, NPU_REG_JOB_RT_HI, 0);
	st_wr(st, NPU_REG_JOB_SEQNO, seq);
	st_wr(st, NPU_REG_JOB_PUSH, 1);
}

static struct st_record *st_rec(struct npu_sim_st *st, u32 ptr)
{
	const struct npu_hw_completion *ring = st->va[ST_RING];
	const struct npu_hw_completion *rec = &ring[ptr % ST_RING_ENTRIES];

	st->rec = (struct st_record) {
		.seqno = le32_to_cpu(rec->seqno),
		.status = le32_to_cpu(rec->status),
		.detail = le32_to_cpu(rec->detail),
		.cycles = le64_to_cpu(rec->cycles),
		.dram_read_bytes = le64_to_cpu(rec->dram_read_bytes),
		.dram_write_bytes = le64_to_cpu(rec->dram_write_bytes),
		.fault_addr = le64_to_cpu(rec->fault_addr),
	};
	return &st->rec;
}

static void st_consume_all(struct npu_sim_st *st)
{
	st_wr(st, NPU_REG_CRING_RPTR, st_rd(st, NPU_REG_CRING_WPTR));
}

/* A minimal valid image: header, HW_MODEL section, END section. */
static u32 st_make_image(struct npu_sim_st *st, bool corrupt)
{
	struct npu_fw_header *hdr = st->va[ST_FW];
	u8 *pay = (u8 *)(hdr + 1);
	struct npu_fw_section sect = {
		.tag = NPU_FW_SECT_HW_MODEL,
		.size = sizeof(npu_fw_default_hw),
	};
	u32 len = 0;

	memcpy(pay, &sect, sizeof(sect));
	len += sizeof(sect);
	memcpy(pay + len, &npu_fw_default_hw, sizeof(npu_fw_default_hw));
	len += sizeof(npu_fw_default_hw);
	sect = (struct npu_fw_section) { .tag = NPU_FW_SECT_END };
	memcpy(pay + len, &sect, sizeof(sect));
	len += sizeof(sect);

	*hdr = (struct npu_fw_header) {
		.magic = NPU_FW_MAGIC,
		.format_version = NPU_FW_FORMAT_VERSION,
		.header_size = sizeof(*hdr),
		.fw_version = NPU_FW_VERSION,
		.features = NPU_FW_FEATURES,
		.cmdstream_version = NPU_CS_VERSION,
		.payload_size = len,
		.payload_crc32 = npu_fw_crc32(0, pay, len),
	};
	hdr->header_crc32 = npu_fw_crc32(0, hdr, sizeof(*hdr));
	if (corrupt)
		pay[len - 1] ^= 1;
	return sizeof(*hdr) + len;
}

static bool st_boot(struct npu_sim_st *st, bool corrupt, u32 *boot_status)
{
	u32 size = st_make_image(st, corrupt);

	st_wr(st, NPU_REG_FW_BASE_LO, lower_32_bits(st->pa[ST_FW]));
	st_wr(st, NPU_REG_FW_BASE_HI, upper_32_bits(st->pa[ST_FW]));
	st_wr(st, NPU_REG_FW_SIZE, size);
	st_wr(st, NPU_REG_CONTROL, NPU_CONTROL_BOOT);
	if (!st_wait_irq(st, NPU_IRQ_FW_READY, 5000))
		return false;
	*boot_status = st_rd(st, NPU_REG_BOOT_STATUS);
	return true;
}

/* STREAM, then @nops NOPs, then @extra (a raw header word) if non-zero. */
static u32 st_make_nop_stream(struct npu_sim_st *st, int nops, u32 extra)
{
	u32 *w = st->va[ST_CS];
	u32 n = 0;

	w[n++] = NPU_CS_HDR(NPU_CMD_STREAM, 3);
	w[n++] = NPU_CS_VERSION;
	w[n++] = 0;
	while (nops--)
		w[n++] = NPU_CS_HDR(NPU_CMD_NOP, 1);
	if (extra)
		w[n++] = extra;
	return n * 4;
}

/* STREAM + COPY of 64 bytes from ST_RW_VA to @dst_va, at offset 1024. */
static u32 st_make_copy_stream(struct npu_sim_st *st, u32 dst_va)
{
	struct npu_copy_params cp = {};
	u32 *w = st->va[ST_CS] + 1024;
	u32 n = 0;

	cp.input.addr = ST_RW_VA;
	cp.input.dims[0] = 64;
	cp.input.dtype = NPU_DTYPE_INT8;
	cp.input.rank = 1;
	cp.output = cp.input;
	cp.output.addr = dst_va;
	w[n++] = NPU_CS_HDR(NPU_CMD_STREAM, 3);
	w[n++] = NPU_CS_VERSION;
	w[n++] = 0;
	w[n++] = NPU_CS_HDR(NPU_CMD_COPY, 1 + sizeof(cp) / 4);
	memcpy(&w[n], &cp, sizeof(cp));
	n += sizeof(cp) / 4;
	return n * 4;
}

static void st_identity_and_power(struct npu_sim_st *st)
{
	u64 refused = st->sim->stats.pushes_refused;
	u32 v;

	st_check(st, st_rd(st, NPU_REG_ID) == NPU_ID_VALUE,
		 "ID readable while powered off");
	st_check(st, !(st_rd(st, NPU_REG_STATUS) & NPU_STATUS_POWERED),
		 "STATUS.POWERED clear at reset");
	st_wr(st, NPU_REG_JOB_PUSH, 1);
	st_check(st, st->sim->stats.pushes_refused == refused + 1,
		 "JOB_PUSH refused and counted while off");
	st_check(st, st_rd(st, NPU_REG_JOB_QUEUE_FREE) == 0,
		 "core register reads 0 while off");
	st_wr(st, NPU_REG_IRQ_MASK, NPU_IRQ_ALL);
	st_wr(st, NPU_REG_POWER, NPU_POWER_ON);
	st_check(st, st_rd(st, NPU_REG_STATUS) & NPU_STATUS_POWERED,
		 "STATUS.POWERED after POWER write");
	st_check(st, st_rd(st, NPU_REG_JOB_QUEUE_FREE) == NPU_SIM_QUEUE_DEPTH,
		 "empty queue");
	v = st_rd(st, NPU_REG_CONFIG);
	st_check(st, NPU_CONFIG_QUEUE_DEPTH(v) == NPU_SIM_QUEUE_DEPTH &&
		 NPU_CONFIG_NUM_AS(v) == NPU_MAX_AS &&
		 NPU_CONFIG_CS_VERSION(v) == NPU_CS_VERSION,
		 "CONFIG %#x", v);
	st_check(st, st_rd(st, NPU_REG_MAC_COUNT) == NPU_HW_MACS_PER_CYCLE &&
		 st_rd(st, NPU_REG_SRAM_SIZE) == NPU_HW_SRAM_SIZE &&
		 st_rd(st, NPU_REG_CLOCK_MHZ) == NPU_HW_CLOCK_MHZ &&
		 st_rd(st, NPU_REG_DRAM_BPC) == NPU_HW_DRAM_BYTES_PER_CYCLE,
		 "performance figures from npu_cmdstream.h");
}

static void st_boot_tests(struct npu_sim_st *st)
{
	u32 bs = 0;
	bool done;

	done = st_boot(st, true, &bs);
	st_check(st, done && bs == NPU_BOOT_ERR_CHECKSUM,
		 "corrupt image: BOOT_STATUS checksum error (%#x)", bs);
	st_check(st, !(st_rd(st, NPU_REG_STATUS) & NPU_STATUS_FW_READY),
		 "not FW_READY after a failed boot");
	done = st_boot(st, false, &bs);
	st_check(st, done && bs == NPU_BOOT_OK, "good image boots (%#x)", bs);
	st_check(st, (st_rd(st, NPU_REG_STATUS) & NPU_STATUS_FW_READY) &&
		 st_rd(st, NPU_REG_FW_VERSION) == NPU_FW_VERSION &&
		 st_rd(st, NPU_REG_FW_FEATURES) == NPU_FW_FEATURES,
		 "FW_READY, FW_VERSION, FW_FEATURES");
}

static void st_setup_memory(struct npu_sim_st *st)
{
	st_wr(st, NPU_REG_CRING_BASE_LO, lower_32_bits(st->pa[ST_RING]));
	st_wr(st, NPU_REG_CRING_BASE_HI, upper_32_bits(st->pa[ST_RING]));
	st_wr(st, NPU_REG_CRING_ENTRIES, ST_RING_ENTRIES);
	st_map(st, ST_CS_VA, st->pa[ST_CS], NPU_PTE_VALID | NPU_PTE_READ);
	st_map(st, ST_RW_VA, st->pa[ST_DATA],
	       NPU_PTE_VALID | NPU_PTE_READ | NPU_PTE_WRITE);
	st_map(st, ST_RO_VA, st->pa[ST_DATA], NPU_PTE_VALID | NPU_PTE_READ);
	st_wr(st, NPU_REG_MMU_AS_DIR_LO(1), lower_32_bits(st->pa[ST_DIR]));
	st_wr(st, NPU_REG_MMU_AS_DIR_HI(1), upper_32_bits(st->pa[ST_DIR]));
	st_wr(st, NPU_REG_MMU_AS_CTRL(1), NPU_MMU_AS_ENABLE);
	st_wr(st, NPU_REG_MMU_FLUSH, BIT(1));
}

static void st_job_tests(struct npu_sim_st *st)
{
	u8 *src = st->va[ST_DATA], *dst = src + 2048;
	struct st_record *r;
	u32 size, v, i;

	size = st_make_nop_stream(st, 2, 0);
	st_push(st, ST_CS_VA, size, 1, 11);
	st_check(st, st_wait_irq(st, NPU_IRQ_JOB_DONE, 5000),
		 "NOP job raises JOB_DONE");
	r = st_rec(st, 0);
	st_check(st, st_rd(st, NPU_REG_CRING_WPTR) == 1 && r->seqno == 11 &&
		 r->status == NPU_JOB_OK && st_rd(st, NPU_REG_DONE_SEQNO) == 11,
		 "record, WPTR and DONE_SEQNO (status %u)", r->status);
	st_check(st, r->dram_read_bytes >= size && r->cycles > 0,
		 "record counters (read %llu, cycles %llu)",
		 r->dram_read_bytes, r->cycles);
	v = st_rd(st, NPU_REG_CNT_JOBS_LO);
	st_check(st, v == 1 && st_rd(st, NPU_REG_CNT_JOBS_HI) == 0,
		 "CNT_JOBS counts the job");

	st_push(st, ST_UNMAPPED_VA, size, 1, 12);
	st_check(st, st_wait_irq(st, NPU_IRQ_MMU_FAULT, 5000) &&
		 st_wait_irq(st, NPU_IRQ_JOB_DONE, 5000),
		 "unmapped stream raises MMU_FAULT and JOB_DONE");
	r = st_rec(st, 1);
	v = st_rd(st, NPU_REG_MMU_FAULT_STATUS);
	st_check(st, r->status == NPU_JOB_ERR_MMU_FAULT &&
		 r->fault_addr == ST_UNMAPPED_VA,
		 "fault record (status %u, addr %#llx)", r->status,
		 r->fault_addr);
	st_check(st, (v & NPU_MMU_FAULT_VALID) && NPU_MMU_FAULT_AS(v) == 1 &&
		 !(v & (NPU_MMU_FAULT_PERMISSION | NPU_MMU_FAULT_WRITE)) &&
		 st_rd(st, NPU_REG_MMU_FAULT_ADDR_LO) == ST_UNMAPPED_VA &&
		 st_rd(st, NPU_REG_MMU_FAULT_SEQNO) == 12,
		 "translation fault registers (%#x)", v);
	st_wr(st, NPU_REG_MMU_FAULT_STATUS, 0);
	st_check(st, st_rd(st, NPU_REG_MMU_FAULT_STATUS) == 0,
		 "MMU_FAULT_STATUS write clears");

	st_push(st, ST_CS_VA, size, 2, 13);
	st_check(st, st_wait_irq(st, NPU_IRQ_JOB_DONE, 5000) &&
		 st_wait_irq(st, NPU_IRQ_MMU_FAULT, 5000) &&
		 st_rec(st, 2)->status == NPU_JOB_ERR_MMU_FAULT,
		 "disabled address space faults");

	size = st_make_nop_stream(st, 1, NPU_CS_HDR(0xfff, 1));
	st_push(st, ST_CS_VA, size, 1, 14);
	st_check(st, st_wait_irq(st, NPU_IRQ_JOB_DONE, 5000) &&
		 st_rec(st, 3)->status == NPU_JOB_ERR_BAD_STREAM &&
		 st_rec(st, 3)->detail == 2,
		 "unknown opcode: BAD_STREAM, detail = command index");

	for (i = 0; i < 64; i++)
		src[i] = i + 1;
	memset(dst, 0, 64);
	size = st_make_copy_stream(st, ST_RW_VA + 2048);
	st_push(st, ST_CS_VA + 1024, size, 1, 15);
	st_check(st, st_wait_irq(st, NPU_IRQ_JOB_DONE, 5000) &&
		 st_rec(st, 4)->status == NPU_JOB_OK && !memcmp(src, dst, 64),
		 "COPY through the MMU");
	st_check(st, st_rec(st, 4)->dram_write_bytes == 64,
		 "COPY counts 64 bytes written");

	size = st_make_copy_stream(st, ST_RO_VA + 2048);
	st_push(st, ST_CS_VA + 1024, size, 1, 16);
	st_check(st, st_wait_irq(st, NPU_IRQ_JOB_DONE, 5000) &&
		 st_wait_irq(st, NPU_IRQ_MMU_FAULT, 5000),
		 "write to a read-only page ends the job with MMU_FAULT");
	r = st_rec(st, 5);
	v = st_rd(st, NPU_REG_MMU_FAULT_STATUS);
	st_check(st, r->status == NPU_JOB_ERR_MMU_FAULT &&
		 r->fault_addr == ST_RO_VA + 2048 && r->detail == 1 &&
		 (v & NPU_MMU_FAULT_PERMISSION) && (v & NPU_MMU_FAULT_WRITE),
		 "permission fault (status %u, addr %#llx, fault %#x)",
		 r->status, r->fault_addr, v);
	st_consume_all(st);
}

static void st_reset_tests(struct npu_sim_st *st)
{
	u64 aborted = st->sim->stats.jobs_aborted;
	u32 size, wptr, v, i, bs = 0;

	size = st_make_nop_stream(st, 2, 0);
	wptr = st_rd(st, NPU_REG_CRING_WPTR);
	st->sim->inject.hang_next_job = true;
	for (i = 0; i < NPU_SIM_QUEUE_DEPTH + 2; i++)
		st_push(st, ST_CS_VA, size, 1, 20 + i);
	st_check(st, st_rd(st, NPU_REG_JOB_OVERFLOW) == 2 &&
		 st_rd(st, NPU_REG_JOB_QUEUE_FREE) == 0,
		 "pushes beyond the queue depth counted in JOB_OVERFLOW");
	msleep(50);
	st_check(st, (st_rd(st, NPU_REG_STATUS) & NPU_STATUS_BUSY) &&
		 st_rd(st, NPU_REG_CRING_WPTR) == wptr,
		 "injected hang: BUSY, no record");

	st_wr(st, NPU_REG_CONTROL, NPU_CONTROL_SOFT_RESET);
	st_check(st, st_wait_irq(st, NPU_IRQ_RESET_DONE, 5000),
		 "soft reset raises RESET_DONE");
	v = st_rd(st, NPU_REG_STATUS);
	st_check(st, !(v & (NPU_STATUS_FW_READY | NPU_STATUS_RESETTING |
			    NPU_STATUS_BUSY)),
		 "reset cleared FW_READY, BUSY (STATUS %#x)", v);
	st_check(st, st_rd(st, NPU_REG_CRING_WPTR) == wptr &&
		 st_rd(st, NPU_REG_JOB_QUEUE_FREE) == NPU_SIM_QUEUE_DEPTH &&
		 st_rd(st, NPU_REG_JOB_OVERFLOW) == 0 &&
		 st->sim->stats.jobs_aborted == aborted + NPU_SIM_QUEUE_DEPTH,
		 "reset drops queued and running jobs without records");
	st_check(st, st_rd(st, NPU_REG_MMU_AS_CTRL(1)) == NPU_MMU_AS_ENABLE &&
		 st_rd(st, NPU_REG_CRING_ENTRIES) == ST_RING_ENTRIES,
		 "MMU and ring configuration survive reset");

	st_push(st, ST_CS_VA, size, 1, 30);
	msleep(30);
	st_check(st, st_rd(st, NPU_REG_CRING_WPTR) == wptr,
		 "no execution before the firmware is booted");
	st_check(st, st_boot(st, false, &bs) && bs == NPU_BOOT_OK &&
		 st_wait_irq(st, NPU_IRQ_JOB_DONE, 5000) &&
		 st_rec(st, wptr)->seqno == 30,
		 "job pushed before boot runs after it");

	st->sim->inject.fail_next_reset = true;
	st_wr(st, NPU_REG_CONTROL, NPU_CONTROL_SOFT_RESET);
	st_check(st, !st_wait_irq(st, NPU_IRQ_RESET_DONE, 200) &&
		 (st_rd(st, NPU_REG_STATUS) & NPU_STATUS_RESETTING),
		 "injected reset failure: stays RESETTING");
	st_wr(st, NPU_REG_CONTROL, NPU_CONTROL_SOFT_RESET);
	st_check(st, st_wait_irq(st, NPU_IRQ_RESET_DONE, 5000) &&
		 st_boot(st, false, &bs) && bs == NPU_BOOT_OK,
		 "the next reset and boot work");
	st_consume_all(st);
}

static void st_irq_tests(struct npu_sim_st *st)
{
	u32 size = st_make_nop_stream(st, 2, 0);
	u32 wptr = st_rd(st, NPU_REG_CRING_WPTR);
	u64 t0;

	st->sim->inject.drop_next_irq = true;
	st_push(st, ST_CS_VA, size, 1, 40);
	st_check(st, !st_wait_irq(st, NPU_IRQ_JOB_DONE, 200) &&
		 st_rd(st, NPU_REG_CRING_WPTR) == wptr + 1 &&
		 st_rd(st, NPU_REG_DONE_SEQNO) == 40,
		 "dropped interrupt: record written, JOB_DONE not raised");
	st_consume_all(st);

	st->sim->inject.delay_ms = 150;
	t0 = ktime_get_ns();
	st_push(st, ST_CS_VA, size, 1, 41);
	st_check(st, st_wait_irq(st, NPU_IRQ_JOB_DONE, 5000) &&
		 ktime_get_ns() - t0 >= 150 * NSEC_PER_MSEC,
		 "injected completion delay");
	st->sim->inject.delay_ms = 0;
	st_consume_all(st);

	st_wr(st, NPU_REG_IRQ_MASK, NPU_IRQ_ALL & ~NPU_IRQ_JOB_DONE);
	st_push(st, ST_CS_VA, size, 1, 42);
	msleep(50);
	st_check(st, (st_rd(st, NPU_REG_IRQ_RAWSTAT) & NPU_IRQ_JOB_DONE) &&
		 !(atomic_read(&st->pending) & NPU_IRQ_JOB_DONE),
		 "masked event: RAWSTAT set, line not raised");
	st_wr(st, NPU_REG_IRQ_MASK, NPU_IRQ_ALL);
	st_check(st, st_wait_irq(st, NPU_IRQ_JOB_DONE, 5000),
		 "unmasking a pending event raises the line");
	st_consume_all(st);
}

static void st_ring_tests(struct npu_sim_st *st)
{
	u32 size = st_make_nop_stream(st, 2, 0);
	u32 wptr = st_rd(st, NPU_REG_CRING_WPTR);
	u32 i;

	st_wr(st, NPU_REG_CRING_RPTR, wptr - (ST_RING_ENTRIES - 1));
	st_push(st, ST_CS_VA, size, 1, 50);
	st_push(st, ST_CS_VA, size, 1, 51);
	msleep(100);
	st_check(st, st_rd(st, NPU_REG_CRING_WPTR) == wptr + 1,
		 "full completion ring stalls the device");
	st_wr(st, NPU_REG_CRING_RPTR, wptr);
	msleep(100);
	st_check(st, st_rd(st, NPU_REG_CRING_WPTR) == wptr + 2,
		 "advancing RPTR resumes it");
	st_consume_all(st);

	wptr = st_rd(st, NPU_REG_CRING_WPTR);
	for (i = 0; i < 500; i++) {
		while (!st_rd(st, NPU_REG_JOB_QUEUE_FREE))
			usleep_range(50, 100);
		st_push(st, ST_CS_VA, size, 1, 1000 + i);
		st_consume_all(st);
	}
	for (i = 0; i < 250 && st_rd(st, NPU_REG_DONE_SEQNO) != 1499; i++)
		msleep(20);
	st_check(st, st_rd(st, NPU_REG_DONE_SEQNO) == 1499 &&
		 st_rd(st, NPU_REG_CRING_WPTR) == wptr + 500,
		 "500 pipelined jobs, one record each");
	st_consume_all(st);

	st_wr(st, NPU_REG_POWER, 0);
	st_check(st, st_rd(st, NPU_REG_CRING_WPTR) == 0 &&
		 st_rd(st, NPU_REG_MMU_AS_CTRL(1)) == 0,
		 "core registers read 0 while powered off");
	st_wr(st, NPU_REG_POWER, NPU_POWER_ON);
	st_check(st, st_rd(st, NPU_REG_MMU_AS_CTRL(1)) == NPU_MMU_AS_ENABLE &&
		 (st_rd(st, NPU_REG_STATUS) & NPU_STATUS_FW_READY),
		 "state retained across power off");
}

static int st_alloc_pages(struct npu_sim_st *st)
{
	int i;

	for (i = 0; i < ST_PAGES; i++) {
		st->page[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!st->page[i])
			return -ENOMEM;
		st->va[i] = page_address(st->page[i]);
		/* The model's bus addresses are physical addresses. */
		st->pa[i] = page_to_phys(st->page[i]);
	}
	return 0;
}

static void st_free_pages(struct npu_sim_st *st)
{
	int i;

	for (i = 0; i < ST_PAGES; i++)
		if (st->page[i])
			__free_page(st->page[i]);
}

static int st_run(struct npu_sim_st *st)
{
	int ret;

	ret = request_threaded_irq(st->sim->virq, st_irq, st_irq_thread,
				   IRQF_ONESHOT, "npu_sim_selftest", st);
	if (ret)
		return ret;

	st_identity_and_power(st);
	st_boot_tests(st);
	st_setup_memory(st);
	st_job_tests(st);
	st_reset_tests(st);
	st_irq_tests(st);
	st_ring_tests(st);

	/* Left in flight: removing the device must abort it. */
	st->sim->inject.hang_next_job = true;
	st_push(st, ST_CS_VA, st_make_nop_stream(st, 0, 0), 1, 9999);

	free_irq(st->sim->virq, st);
	return 0;
}

/**
 * npu_sim_selftest() - run the self-test on a private simulated NPU
 * @id: platform device id for the private device.
 * @log: buffer for the TAP text.
 * @log_size: its size.
 *
 * Return: number of failed checks, or a negative errno.
 */
int npu_sim_selftest(int id, char *log, size_t log_size)
{
	static const struct npu_sim_pdata pdata = { .no_child = true };
	struct platform_device *pdev;
	struct npu_sim_st *st;
	int ret;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->log = log;
	st->log_size = log_size;
	init_waitqueue_head(&st->wq);
	ret = st_alloc_pages(st);
	if (ret)
		goto out_free;

	pdev = platform_device_register_data(NULL, "npu_sim", id, &pdata,
					     sizeof(pdata));
	if (IS_ERR(pdev)) {
		ret = PTR_ERR(pdev);
		goto out_free;
	}
	st->sim = platform_get_drvdata(pdev);
	if (!st->sim) {
		ret = -ENODEV;
		goto out_unregister;
	}
	st->regs = st->sim->regmap;

	ret = st_run(st);
	if (!ret) {
		pr_info("npu_sim selftest: %u passed, %u failed\n",
			st->passed, st->failed);
		if (st->log_len < st->log_size)
			scnprintf(st->log + st->log_len,
				  st->log_size - st->log_len,
				  "%u passed, %u failed\n", st->passed,
				  st->failed);
		ret = st->failed;
	}

out_unregister:
	/* Aborts the hung job; after this the device touches no memory. */
	platform_device_unregister(pdev);
out_free:
	st_free_pages(st);
	kfree(st);
	return ret;
}
