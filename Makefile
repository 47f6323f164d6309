# SPDX-License-Identifier: GPL-2.0
# zcopy: this Makefile only wraps Kbuild (the module) and adds the
# userspace tool, the selftests and the test-bed targets.
#
#   make [KDIR=...]          module and tool for the running (or given) kernel
#   make demo                the main job, in a VM on the default kernel
#   make bench [BENCH_ARGS=] the copy comparison, in a VM, into build/bench/
#   make check [KERNELS=..]  every test, on every kernel of the test bed
#   make install             modules_install + depmod, so `modprobe zcopy` works

KDIR ?= /lib/modules/$(shell uname -r)/build
KERNELS ?= bookworm trixie sid debug
CC ?= cc
CFLAGS ?= -O2 -g
TOOL_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Iuapi -D_GNU_SOURCE $(CFLAGS)
ifneq ($(STATIC),)
TOOL_LDFLAGS := -static
endif

FEATURES := module/generated/features.h

all: modules tools

modules: $(FEATURES)
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# Probe the headers in KDIR for the APIs that differ between kernels.  The
# result names the KDIR it was made for, so a different KDIR re-probes.
$(FEATURES): module/compat/probe.sh $(wildcard module/compat/probes/*.c) FORCE
	@mkdir -p $(dir $@)
	@if ! head -n1 $@ 2>/dev/null | grep -qF -- "for $(KDIR);" || \
	    [ -n "$$(find $(filter-out FORCE,$^) -newer $@ 2>/dev/null)" ]; then \
		echo "  PROBE   $(KDIR)"; module/compat/probe.sh $(KDIR) $@; fi

TOOL_SRCS := $(wildcard tools/src/*.c)
# The bench's io_uring_send_zc method needs liburing (liburing-dev, which
# `make bench` installs); without it that method reports a skip.
ifneq ($(wildcard /usr/include/liburing.h),)
TOOL_CFLAGS += -DHAVE_LIBURING
TOOL_LIBS := -luring
endif
# TOOL_BIN: where the tool goes; the test bed builds a static one of its
# own (build/static/zcopy), so a dynamic tools/zcopy is never mistaken for it.
TOOL_BIN ?= tools/zcopy
tools: $(TOOL_BIN)
$(TOOL_BIN): $(TOOL_SRCS) $(wildcard tools/src/*.h) uapi/linux/zcopy.h
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -o $@ $(TOOL_SRCS) $(TOOL_LDFLAGS) $(TOOL_LIBS) -lm

# The kselftest harness headers come from Debian's linux-source (see
# tools/vm/ksft-headers); KSFT_INC may name another copy.
selftests:
	$(MAKE) -C selftests CC="$(CC)" STATIC="$(STATIC)" \
		KSFT_INC="$${KSFT_INC:-$$(tools/vm/ksft-headers)}"

check:
	tools/vm/check $(KERNELS)

demo:
	tools/vm/demo

# FUZZ_SECONDS of the seeded ioctl fuzzer on the debug kernel (default 1 h).
fuzz:
	tools/vm/fuzz $(FUZZ_SECONDS)

# The classic copy comparison in a VM on the default kernel, into
# build/bench/ (results.json, results.csv, table.txt, chart.png); BENCH_ARGS
# go to `zcopy bench` (e.g. "--reps 3 --big 0").  bench-quick: the TAP
# smoke run (every method works, bytes verify; no speed asserted).
bench:
	tools/vm/bench -- $(BENCH_ARGS)

bench-quick:
	tools/vm/bench --quick -- $(BENCH_ARGS)

# The release of the kernel in KDIR, which need not be the running one: its
# UTS_RELEASE, as in the module's vermagic (Debian's 6.1 headers say 6.1.N
# in include/config/kernel.release, but install to 6.1.0-N-amd64).
# INSTALL_MOD_PATH (for modules_install) and DESTDIR (for the udev rule)
# install into a staging tree instead of /.
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
		$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	@test -n "$(KRELEASE)" || { echo "no UTS_RELEASE in $(KDIR)" >&2; exit 1; }
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KRELEASE)
	install -D -m 644 tools/udev/99-zcopy.rules $(DESTDIR)/etc/udev/rules.d/99-zcopy.rules

dkms-install:
	tools/dkms-install

module-clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf module/generated

clean: module-clean
	rm -rf tools/zcopy build
	$(MAKE) -C selftests clean

.PHONY: all modules tools selftests check demo fuzz bench bench-quick install dkms-install module-clean clean FORCE
