# SPDX-License-Identifier: GPL-2.0
# zcopy: this Makefile only wraps Kbuild (the module) and adds the
# userspace tool, the selftests and the test-bed targets.
#
#   make [KDIR=...]          module and tool for the running (or given) kernel
#   make demo                the main job, in a VM on the default kernel
#   make bench [BENCH_ARGS=] the copy comparison, in a VM, into build/bench/
#   make bench-peer          the same with the consumers in a second guest
#   make bench-nginx [KERNEL=] stock nginx with and without the sendfile
#                            interposer, wrk on the wire, into build/bench-nginx/
#   make bench-profile [KERNEL=] where the sender's CPU goes, per method, on
#                            the peer wire (perf), into build/bench/profile/
#   make check [KERNELS=..]  every test, on every kernel of the test bed
#   make libs                libzcopy (.so, .a, .pc) and libzcopy-preload.so into LIB_DIR
#   make install             modules_install + depmod, so `modprobe zcopy` works,
#                            the udev rule, and install-lib (PREFIX, DESTDIR)

KDIR ?= /lib/modules/$(shell uname -r)/build
KERNELS ?= bookworm trixie sid debug
CC ?= cc
CFLAGS ?= -O2 -g
TOOL_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Iuapi -D_GNU_SOURCE $(CFLAGS)
ifneq ($(STATIC),)
TOOL_LDFLAGS := -static
endif

FEATURES := module/generated/features.h

all: modules tools libs

modules: $(FEATURES)
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# Probe the headers in KDIR for the APIs that differ between kernels.  The
# result names the KDIR it was made for, so a different KDIR re-probes;
# ZC_COMPAT_WITHOUT="PROBE..." builds as if the headers lacked those APIs
# (the test bed compiles and runs fallbacks no kernel of its own needs).
$(FEATURES): module/compat/probe.sh $(wildcard module/compat/probes/*.c) FORCE
	@mkdir -p $(dir $@)
	@if ! head -n1 $@ 2>/dev/null | grep -qF -- "for $(KDIR)$(if $(ZC_COMPAT_WITHOUT), without $(ZC_COMPAT_WITHOUT));" || \
	    [ -n "$$(find $(filter-out FORCE,$^) -newer $@ 2>/dev/null)" ]; then \
		echo "  PROBE   $(KDIR)"; \
		ZC_COMPAT_WITHOUT='$(ZC_COMPAT_WITHOUT)' module/compat/probe.sh $(KDIR) $@; fi

# libzcopy (tools/lib/zcopy) and the sendfile interposer (tools/lib/preload),
# built outside the source tree: into $ZCOPY_BUILD/lib as the test bed's
# other outputs, or build/lib.  The soname carries the module's ABI version,
# the file name the release as well (libzcopy.so.2 -> libzcopy.so.2.0.2.0).
ZC_ABI := $(shell sed -n 's/^\#define ZCOPY_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' uapi/linux/zcopy.h)
ZC_RELEASE := $(shell sed -n 's/^\#define ZCOPY_VERSION_STRING[[:space:]]*"\(.*\)"/\1/p' module/zcopy.h)
LIB_DIR ?= $(or $(ZCOPY_BUILD),build)/lib
LIB_SONAME := libzcopy.so.$(ZC_ABI)
LIB_REAL := $(LIB_SONAME).$(ZC_RELEASE)
LIB_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Iuapi -Itools/lib/zcopy -D_GNU_SOURCE \
	-fPIC -fvisibility=hidden $(CFLAGS)
LIB_SRCS := $(wildcard tools/lib/zcopy/*.c)
LIB_HDRS := $(wildcard tools/lib/zcopy/*.h) uapi/linux/zcopy.h
LIB_OBJS := $(patsubst tools/lib/zcopy/%.c,$(LIB_DIR)/obj/%.o,$(LIB_SRCS))
PRELOAD_SRCS := $(wildcard tools/lib/preload/*.c)
PRELOAD_HDRS := $(wildcard tools/lib/preload/*.h)

LIBS := $(LIB_DIR)/libzcopy.a $(LIB_DIR)/$(LIB_REAL) $(LIB_DIR)/libzcopy.pc \
	$(LIB_DIR)/libzcopy-preload.so
libs: $(LIBS) $(LIB_DIR)/sendfile_matrix

$(LIB_DIR)/obj/%.o: tools/lib/zcopy/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -c -o $@ $<

$(LIB_DIR)/libzcopy.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(LIB_DIR)/$(LIB_REAL): $(LIB_OBJS)
	$(CC) $(LIB_CFLAGS) -shared -Wl,-soname,$(LIB_SONAME) -Wl,-z,defs -o $@ $^
	ln -sf $(LIB_REAL) $(LIB_DIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(LIB_DIR)/libzcopy.so

# The .pc for the build tree; install-lib writes the installed one.
$(LIB_DIR)/libzcopy.pc: tools/lib/zcopy/libzcopy.pc.in
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(abspath $(LIB_DIR))|' -e 's|@INCLUDEDIR@|$(CURDIR)/tools/lib/zcopy|' \
	    -e 's|@LIBDIR@|$(abspath $(LIB_DIR))|' -e 's|@VERSION@|$(ZC_RELEASE)|' \
	    -e 's|^Cflags: .*|& -I$(CURDIR)/uapi|' $< >$@

# The interposer carries its own copy of the library (one file to preload).
$(LIB_DIR)/libzcopy-preload.so: $(PRELOAD_SRCS) $(PRELOAD_HDRS) $(LIB_OBJS)
	$(CC) $(LIB_CFLAGS) -shared -Wl,-z,defs -o $@ $(PRELOAD_SRCS) $(LIB_OBJS) -ldl -lpthread

# The sendfile semantics matrix (selftests/preload.sh runs it with and
# without the interposer): dynamic, as only a dynamic program can be
# interposed.
$(LIB_DIR)/sendfile_matrix: selftests/sendfile_matrix.c
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -o $@ $< -lpthread

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
$(TOOL_BIN): $(TOOL_SRCS) $(wildcard tools/src/*.h) uapi/linux/zcopy.h $(LIB_DIR)/libzcopy.a
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -Itools/lib/zcopy -o $@ $(TOOL_SRCS) $(TOOL_LDFLAGS) \
		$(LIB_DIR)/libzcopy.a $(TOOL_LIBS) -lm

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
# bench-peer: the consumers in a second guest over an emulated e1000e wire,
# so the sender's CPU is its own (into build/bench/peer/; BENCH_ARGS
# override the peer grid).  KERNEL=NAME runs any of them on another
# kernel of the bed (default bookworm).
BENCH_KERNEL = $(if $(KERNEL),--kernel $(KERNEL))
bench:
	tools/vm/bench $(BENCH_KERNEL) -- $(BENCH_ARGS)

bench-peer:
	tools/vm/bench --peer $(BENCH_KERNEL) -- $(BENCH_ARGS)

bench-quick:
	tools/vm/bench --quick $(BENCH_KERNEL) -- $(BENCH_ARGS)

# Stock nginx with and without libzcopy-preload.so in the userland guest,
# wrk on the wire's peer side, into build/bench-nginx/ (results.json,
# results.csv, table.txt with the target lines).  KERNEL picks the kernel
# (default bookworm, as make bench); BENCH_NGINX_ARGS go to
# tools/vm/bench-nginx (e.g. "--reps 3 --secs 10").
bench-nginx:
	tools/vm/bench-nginx $(if $(KERNEL),--kernel $(KERNEL)) $(BENCH_NGINX_ARGS)

# The sender's profile on the two-guest wire of bench-peer, per method
# (perf in the userland guest; one delivery per cell, the events enabled
# only while the method sends), into build/bench/profile/profile-KERNEL.txt.
# BENCH_PROFILE_ARGS go to tools/vm/bench-profile (e.g. "--size 64M zcopy:1").
bench-profile:
	tools/vm/bench-profile $(BENCH_KERNEL) $(BENCH_PROFILE_ARGS)

# The release of the kernel in KDIR, which need not be the running one: its
# UTS_RELEASE, as in the module's vermagic (Debian's 6.1 headers say 6.1.N
# in include/config/kernel.release, but install to 6.1.0-N-amd64).
# INSTALL_MOD_PATH (for modules_install) and DESTDIR (for the udev rule)
# install into a staging tree instead of /.
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
		$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

install: modules install-lib
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	@test -n "$(KRELEASE)" || { echo "no UTS_RELEASE in $(KDIR)" >&2; exit 1; }
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KRELEASE)
	install -D -m 644 tools/udev/99-zcopy.rules $(DESTDIR)/etc/udev/rules.d/99-zcopy.rules

# The libraries, header, .pc and zcopy-run, under DESTDIR$(PREFIX); no
# module needed (a build root for another kernel can run it alone).
PREFIX ?= /usr/local
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR ?= $(PREFIX)/lib
BINDIR ?= $(PREFIX)/bin
install-lib: $(LIBS)
	install -D -m 755 $(LIB_DIR)/$(LIB_REAL) $(DESTDIR)$(LIBDIR)/$(LIB_REAL)
	ln -sf $(LIB_REAL) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libzcopy.so
	install -m 644 $(LIB_DIR)/libzcopy.a $(DESTDIR)$(LIBDIR)/libzcopy.a
	install -m 755 $(LIB_DIR)/libzcopy-preload.so $(DESTDIR)$(LIBDIR)/libzcopy-preload.so
	install -D -m 644 tools/lib/zcopy/libzcopy.h $(DESTDIR)$(INCLUDEDIR)/libzcopy.h
	install -D -m 644 uapi/linux/zcopy.h $(DESTDIR)$(INCLUDEDIR)/linux/zcopy.h
	@mkdir -p $(DESTDIR)$(LIBDIR)/pkgconfig
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|$(ZC_RELEASE)|' \
	    tools/lib/zcopy/libzcopy.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/libzcopy.pc
	@mkdir -p $(DESTDIR)$(BINDIR)
	sed 's|@LIBDIR@|$(LIBDIR)|' tools/zcopy-run >$(DESTDIR)$(BINDIR)/zcopy-run
	chmod 755 $(DESTDIR)$(BINDIR)/zcopy-run
	$(if $(DESTDIR),,-ldconfig)

dkms-install:
	tools/dkms-install

module-clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf module/generated

clean: module-clean
	rm -rf tools/zcopy build
	$(MAKE) -C selftests clean

.PHONY: all modules tools libs install-lib selftests check demo fuzz bench bench-peer bench-quick bench-nginx bench-profile install dkms-install module-clean clean FORCE
