# Top-level build of the NPU stack.  See README.rst and Documentation/.
#
#   make            build firmware host library, libnpu, tools and modules
#   make check      every test: the host tests, the sanitizer lane and the
#                   driver tests in a VM, two stages at a time (see below)
#   make check-debug  the VM suite and the demo on a debug kernel (KASAN,
#                   lockdep, kmemleak...; built once, ~35 min, then cached)
#   make demo       boot the VM, load the driver, run a real model on the NPU
#   make lint       checkpatch --strict, kernel-doc and sparse on the kernel code
#   make bench      benchmarks (not tests)
#   make sweep      published models from PyPI wheels and converted Keras
#                   models through npu-compile and npu-verify (sweep-vm: and
#                   the NPU in the VM); downloads, not part of check
#   make check-fresh  make demo and make check in a fresh debootstrapped
#                   bookworm root (as root; 30-60 min; not part of check)
#   make deps       install the Debian packages the above need (as root) and
#                   make the Python venv build/venv (mk/requirements.txt)
#
# KDIR=/path/to/kernel/build overrides the Debian 6.12 headers (real board).

TOP := $(CURDIR)
export TOP
# mk/kernel.mk is read by the sub-makes, after `make deps` has run: the
# kernel headers may be installed by this very run.

# Userspace parts in build order; kernel/ is built with kbuild.
USER_DIRS := firmware libnpu tools tests

.PHONY: all deps user kernel check check-fresh check-host check-vm check-vm-render check-debug models models-report check-models uint8-models check-uint8 sweep sweep-vm demo lint bench compiler-report fuzz install clean

all: user kernel

deps:
	@sh mk/deps.sh
	@sh mk/venv.sh

user:
	@set -e; for d in $(USER_DIRS); do $(MAKE) -C $$d all; done

# The modules are built with the compiler of the kernel they load into
# (kbuild's choice), whatever CC the userspace build was given.
kernel: MAKEOVERRIDES := $(filter-out CC=%,$(MAKEOVERRIDES))
kernel:
	$(MAKE) -C kernel all

# make check: the build (-j2: the machine's two cores; CHECK_JOBS or your
# own -j says otherwise), then the stages below in two lanes, one per core:
# the model sets and then the VM suites (check-vm, check-vm-render: one VM
# at a time), libnpu's and the tests' checks; and the sanitizer lane (unit tests
# under ASan/UBSan, then the fuzz targets over their corpora and
# ../shared/hostile), the firmware and tools checks, then
# model/tflite_delegate's own VM boot (about a
# third of the VM time, moved to the lane that ends earlier).  Each stage's output goes to build/check/<stage>.log and is
# printed whole when the stage ends; mk/check-summary.sh then prints every
# stage's wall and CPU time and the one "N passed, N failed" line.
# Documentation/testing.rst has the layout.
CHECK_JOBS ?= 2
CHECK_DIR := $(TOP)/build/check
CHECK_J = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(CHECK_JOBS))
STAGE := bash $(TOP)/mk/check-stage.sh $(CHECK_DIR)
# The VM suites run the model sets the host stages make (model/ops:
# build/ops, model/uint8: build/uint8, model/builtin_ops:
# build/tests/tflite/ops, model/workflows: build/models), so those four
# stages run before vm, in its lane.
CHECK_STAGES = $(CHECK_LANE_vm) $(CHECK_LANE_host)
CHECK_STAGE_CMD_vm := env VM_SKIP=model/tflite_delegate $(MAKE) -C tests check-vm
CHECK_STAGE_CMD_vm-delegate := $(MAKE) -C tests check-vm TESTS=model/tflite_delegate
CHECK_STAGE_CMD_vm-render := $(MAKE) -C tests check-vm-render
CHECK_STAGE_CMD_san-unit := $(MAKE) -C tests/fuzz check-unit
CHECK_STAGE_CMD_san-fuzz := $(MAKE) -C tests/fuzz check-fuzz
CHECK_STAGE_CMD_libnpu := $(MAKE) -C libnpu check
CHECK_STAGE_CMD_ops := $(MAKE) -C tests check-ops
CHECK_STAGE_CMD_firmware := $(MAKE) -C firmware check
CHECK_STAGE_CMD_tools := $(MAKE) -C tools check
CHECK_STAGE_CMD_tests := $(MAKE) -C tests check-misc
CHECK_STAGE_CMD_tflite-ops := $(MAKE) -C tests check-tflite-ops
CHECK_STAGE_CMD_uint8 := $(MAKE) -C tests check-uint8-cpu
CHECK_STAGE_CMD_models := $(MAKE) -C tests check-models-cpu

check: deps
	@rm -rf $(CHECK_DIR) && mkdir -p $(CHECK_DIR)
	@$(STAGE) build $(MAKE) $(CHECK_J) all
	@if [ "$$(cut -d' ' -f2 $(CHECK_DIR)/build.result)" = 0 ]; then \
		$(MAKE) --no-print-directory $(CHECK_J) check-stages; fi
	@sh mk/check-summary.sh $(CHECK_DIR) build $(CHECK_STAGES)

# Two lanes, one per core, each running its stages in turn (make -j alone
# would not start vm first when its model sets are done): the model sets,
# the VM suites, then libnpu and tests (2.7 minutes: what balances the
# lanes on a clean clone, which makes the model sets in this lane, once
# the VM boots got cheaper); the sanitizer lane, the other host stages,
# then the delegate's VM.
CHECK_LANE_vm := ops uint8 models tflite-ops vm vm-render libnpu tests
CHECK_LANE_host := san-unit san-fuzz firmware tools vm-delegate
.PHONY: check-stages check-lane-vm check-lane-host
check-stages: check-lane-vm check-lane-host
check-lane-vm check-lane-host: check-lane-%:
	+@$(foreach s,$(CHECK_LANE_$*),$(STAGE) $(s) $(CHECK_STAGE_CMD_$(s));)

check-fresh: deps
	@sh mk/check-fresh.sh

check-host:
	@set -e; for d in $(USER_DIRS); do $(MAKE) -C $$d check; done

check-debug: deps
	$(MAKE) all
	tests/debug/check-debug.sh

models models-report check-models uint8-models check-uint8 sweep sweep-vm: deps
	$(MAKE) all
	$(MAKE) -C tests $@

check-vm:
	$(MAKE) -C tests check-vm

# The driver and model suites with npu.ko as a render-node driver.
check-vm-render:
	$(MAKE) -C tests check-vm-render

# --cpu max: the demo's TFLite part runs Python wheels built for SSE4/AVX.
demo: deps
	$(MAKE) all
	tests/vm/run --cpu max -- tools/demo.sh

lint: deps
	$(MAKE) -C kernel lint

bench: deps
	$(MAKE) all
	$(MAKE) -C tests bench

# The compiler's estimates before/after fusion beside Arm's Vela on the
# int8 shared models (tests/bench/compiler_report.py); a few minutes.
compiler-report: deps
	$(MAKE) user
	NPU_TOP=$(CURDIR) build/venv/bin/python tests/bench/compiler_report.py

fuzz: deps
	$(MAKE) -C firmware fuzz
	$(MAKE) -C tests fuzz

install: all
	@set -e; for d in kernel firmware libnpu tools; do $(MAKE) -C $$d install; done

clean:
	@set -e; for d in $(USER_DIRS) kernel; do $(MAKE) -C $$d clean; done
	rm -rf build
