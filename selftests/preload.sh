#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# preload.sh [SHARE]: libzcopy-preload.so keeps sendfile(2)'s semantics and
# routes what it should through zcopy.  TAP on stdout.  Staged as
# SHARE/selftests/preload_test by tools/vm/stage-preload, which puts the
# dynamic pieces in SHARE/lib: sendfile_matrix, libzcopy-preload.so,
# zcopy-run, and the host's glibc with its loader (the bed's guests are
# busybox, with no glibc of their own).
#
# sendfile_matrix runs every case twice, plainly and under zcopy-run; the
# outputs must be the same line for line (but for the 2 GiB send of the
# 0x7ffff000 cap, run under zcopy-run only and held to sendfile's known
# result, which the plain run gives too: see sendfile_matrix --big).
# PRELOAD_BIG=0 leaves that case out: it is most of the test's time
# (about 85 s of 100 under TCG; a debug kernel may want to skip it).  With /dev/zcopy, the cases a
# regular file on ext4 (/scratch) sends to a TCP socket must have grown
# the module's bytes_by_reference by exactly what the receiver got, and
# the others (tmpfs, /proc, pipe, UDP, UNIX, EPIPE, count 0, EOF...) by
# nothing.  Without it (a host), every call must fall back, silently.
share=${1:-/share}
lib=$share/lib
ld=$lib/ld-linux-x86-64.so.2
matrix=$lib/sendfile_matrix
work=$(mktemp -d "${TMPDIR:-/tmp}/preload.XXXXXX") || exit 1
n=0 failed=0

result() { # STATUS NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" = skip ]; then
		echo "ok $n preload.$2 # SKIP $3"
	elif [ "$1" = ok ]; then
		echo "ok $n preload.$2"
	else
		echo "not ok $n preload.$2${3:+ # $3}"
		failed=1
	fi
}

# The eligible directory: a disk file system, and a tmpfs one.
disk=
for d in ${PRELOAD_DISK_DIR:-} /scratch /var/tmp "$HOME"; do
	[ -n "$d" ] && [ -d "$d" ] && [ -w "$d" ] || continue
	case $(stat -f -c %T "$d" 2>/dev/null) in tmpfs|ramfs|overlayfs) continue ;; esac
	disk=$d
	break
done
tmpfs=
for d in /tmp /dev/shm /run; do
	[ "$(stat -f -c %T "$d" 2>/dev/null)" = tmpfs ] && [ -w "$d" ] && { tmpfs=$d; break; }
done
echo "TAP version 13"
echo "1..8"
if [ -z "$disk" ] || [ -z "$tmpfs" ] || [ ! -x "$ld" ]; then
	echo "# no disk dir ($disk), tmpfs dir ($tmpfs) or loader ($ld)"
	result fail setup
	exit 1
fi
mkdir -p "$disk/preload-test" "$tmpfs/preload-test"
echo "# disk $disk ($(stat -f -c %T "$disk")), tmpfs $tmpfs, /dev/zcopy $([ -c /dev/zcopy ] && echo yes || echo no)"

t0=$(date +%s)
"$ld" --library-path "$lib" "$matrix" "$disk/preload-test" "$tmpfs/preload-test" \
	--routes "$work/routes.plain" >"$work/plain" 2>"$work/plain.err"
rc_plain=$?
t1=$(date +%s)
big=--big
[ "${PRELOAD_BIG:-1}" = 0 ] && big= && echo "# PRELOAD_BIG=0: the 0x7ffff000 cap case is left out"
ZCOPY_PRELOAD_LIB=$lib/libzcopy-preload.so ZCOPY_PRELOAD_STATS=$work/stats \
	"$lib/zcopy-run" "$ld" --library-path "$lib" "$matrix" \
	"$disk/preload-test" "$tmpfs/preload-test" \
	$big --routes "$work/routes.preload" >"$work/preload" 2>"$work/preload.err"
rc_pre=$?
echo "# plain run $((t1 - t0)) s, preloaded run $(($(date +%s) - t1)) s"
sed 's/^/# plain: /' "$work/plain" "$work/plain.err"
sed 's/^/# stats: /' "$work/stats" 2>/dev/null
if [ $rc_plain = 0 ] && [ $rc_pre = 0 ] && [ -s "$work/plain" ]; then
	result ok matrix_runs
else
	cat "$work/preload.err" | sed 's/^/# preload: /'
	result fail matrix_runs "exit $rc_plain / $rc_pre"
fi
# The 2 GiB send of the 0x7ffff000 cap runs under the interposer only (it
# is the slow case under emulation); sendfile's own answer is known.
cap="tcp_cap_0x7ffff000 ret=2147479552 errno=4242 off=2147479552 pos=0 rx=2147479552 data=ok sigpipe=0"
grep -v '^tcp_cap_' "$work/preload" >"$work/preload.small"
[ -n "$big" ] || cap=
if cmp -s "$work/plain" "$work/preload.small" &&
   [ "$(grep '^tcp_cap_' "$work/preload")" = "$cap" ]; then
	result ok same_results_as_sendfile
else
	diff "$work/plain" "$work/preload" | sed 's/^/# /'
	result fail same_results_as_sendfile
fi

# Without the interposer nothing goes by reference.
if awk '$3 != "ref=0" { bad = 1; print "# " $0 } END { exit bad }' "$work/routes.plain"; then
	result ok plain_run_sends_nothing_by_reference
else
	result fail plain_run_sends_nothing_by_reference
fi

stat_of() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$work/stats" | head -n1; }
if [ -c /dev/zcopy ]; then
	# want=ref: exactly the received bytes went by reference; want=copy: none.
	if awk '{ split($3, r, "="); split($4, x, "=")
		  if ($2 == "want=ref" && (r[2] != x[2] || x[2] == 0)) { bad = 1; print "# " $0 }
		  if ($2 == "want=copy" && r[2] != 0) { bad = 1; print "# " $0 } }
		END { exit bad }' "$work/routes.preload"; then
		result ok eligible_by_reference_others_not
	else
		result fail eligible_by_reference_others_not
	fi
	# nodev: only the two calls after the matrix closed every descriptor.
	if [ "$(stat_of zcopy_calls)" -gt 0 ] 2>/dev/null &&
	   [ "$(stat_of fallback_refused)" -gt 0 ] && [ "$(stat_of fallback_ineligible)" -gt 0 ] &&
	   [ "$(stat_of fallback_nodev)" = 2 ]; then
		result ok stats_count_routed_and_fallen_back
	else
		result fail stats_count_routed_and_fallen_back "$(cat "$work/stats" 2>/dev/null)"
	fi
else
	if awk '$3 != "ref=0" { bad = 1 } END { exit bad }' "$work/routes.preload"; then
		result ok no_device_nothing_by_reference
	else
		result fail no_device_nothing_by_reference
	fi
	if [ "$(stat_of zcopy_calls)" = 0 ] && [ "$(stat_of fallback_nodev)" -gt 0 ] 2>/dev/null; then
		result ok no_device_every_call_falls_back
	else
		result fail no_device_every_call_falls_back "$(cat "$work/stats" 2>/dev/null)"
	fi
fi

# ZCOPY_PRELOAD_DISABLE=1 is the plain run too.
ZCOPY_PRELOAD_DISABLE=1 ZCOPY_PRELOAD_LIB=$lib/libzcopy-preload.so \
	"$lib/zcopy-run" "$ld" --library-path "$lib" "$matrix" \
	"$disk/preload-test" "$tmpfs/preload-test" >"$work/disabled" 2>&1
if cmp -s "$work/plain" "$work/disabled"; then
	result ok disabled_is_plain
else
	result fail disabled_is_plain
fi
# A server's workers run as another user, and /dev/zcopy is root-only:
# with ZCOPY_PRELOAD_EARLY=1 the device is opened before the drop and
# the calls go by reference; without it they all fall back, silently.
drop_run() { # NAME [ENV...]
	name=$1
	shift
	mkdir -p "$work/drop"
	chmod 711 "$work"
	chmod 777 "$work/drop"
	rm -f "$work/drop/stats"
	env "$@" ZCOPY_PRELOAD_LIB=$lib/libzcopy-preload.so ZCOPY_PRELOAD_STATS=$work/drop/stats \
		"$lib/zcopy-run" "$ld" --library-path "$lib" "$matrix" \
		"$disk/preload-test" "$tmpfs/preload-test" --drop 65534 >"$work/$name" 2>&1
	sed 's/^/# '"$name"' stats: /' "$work/drop/stats" 2>/dev/null
	cmp -s "$work/plain" "$work/$name" ||
		{ diff "$work/plain" "$work/$name" | sed 's/^/# /'; return 1; }
}
dstat() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$work/drop/stats" | head -n1; }
if [ -c /dev/zcopy ] && [ "$(id -u)" = 0 ]; then
	if drop_run early ZCOPY_PRELOAD_EARLY=1 && [ "$(dstat zcopy_calls)" -gt 0 ] 2>/dev/null &&
	   [ "$(dstat fallback_nodev)" = 2 ]; then
		result ok early_open_survives_privilege_drop
	else
		result fail early_open_survives_privilege_drop
	fi
	if drop_run lazy ZCOPY_PRELOAD_EARLY=0 && [ "$(dstat zcopy_calls)" = 0 ] &&
	   [ "$(dstat fallback_nodev)" -gt 0 ] 2>/dev/null; then
		result ok lazy_open_after_drop_falls_back_silently
	else
		result fail lazy_open_after_drop_falls_back_silently
	fi
else
	result skip early_open_survives_privilege_drop "needs /dev/zcopy and root"
	result skip lazy_open_after_drop_falls_back_silently "needs /dev/zcopy and root"
fi
rm -rf "$work" "$disk/preload-test" "$tmpfs/preload-test"
exit $failed
