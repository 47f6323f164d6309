#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench_quick.sh [DIR]: the benchmark's smoke test, for `make check` to call
# in the guest.  Every method delivers 4 KiB and 1 MiB files to 1 and 10
# consumers over loopback and veth, warm and cold, and every consumer
# checks every byte; TAP on stdout ("ok N bench.<method>.<scenario>", with
# "# SKIP reason" where the kernel or module cannot do a method).  Exit
# status non-zero on any failure.  Nothing about speed is asserted.
# The files go on a real file system where there is one (the bed's
# /scratch is ext4): tmpfs pages cannot be dropped for the cold rows.
dir=${1:-}
[ -n "$dir" ] || { [ -d /scratch ] && dir=/scratch; } || dir=${TMPDIR:-/tmp}
exec zcopy bench --quick --drop-caches --dir "$dir"
