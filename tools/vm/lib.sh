# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the zcopy test bed: cache layout, logging, the Debian
# mirror, build roots.  Sourced by the scripts in tools/vm/.

ZC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ZC_CACHE=${ZCOPY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zcopy}
ZC_BUILD=${ZCOPY_BUILD:-$ZC_TOP/build}
ZC_KERNELS_ALL="bookworm trixie sid debug debug-sid"
# What `make check` runs unless told otherwise.  debug-sid (the newest
# series under KASAN, lockdep and kmemleak) costs a kernel build of about
# 30 CPU-minutes (15 minutes on 2 idle cores) and a run of about 10, which
# neither the 30 cached minutes (the four default kernels take 25) nor
# the 60 from nothing hold: it runs on request (make check KERNELS=debug-sid).
ZC_KERNELS_DEFAULT="bookworm trixie sid debug"

zc_log() { printf '[zcopy %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
zc_die() { zc_log "error: $*"; exit 1; }

# Short content hash of files and strings, used as cache keys so that a
# change to what produced an artefact produces a new artefact.
zc_key() {
	local a
	for a in "$@"; do
		if [ -f "$a" ]; then cat "$a"; else printf '%s\n' "$a"; fi
	done | sha256sum | cut -c1-12
}

# The Debian mirror this machine's own apt configuration uses.  We never
# edit that configuration; we only read where it points.
zc_mirror() {
	local m
	if [ -n "${ZCOPY_MIRROR:-}" ]; then echo "$ZCOPY_MIRROR"; return; fi
	m=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)[[:space:]]*$/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
	[ -n "$m" ] || m=$(sed -n 's/^deb[[:space:]]\+\(http[^[:space:]]*\/debian\)[[:space:]].*/\1/p' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1)
	[ -n "$m" ] || zc_die "no Debian mirror found in /etc/apt; set ZCOPY_MIRROR"
	echo "$m"
}

# Host packages the bed needs.  Installed once, without recommends, and
# only from the machine's own configured suites.
ZC_HOST_PKGS="qemu-system-x86 debootstrap busybox-static kmod cpio e2fsprogs xz-utils zstd gcc make libc6-dev liburing-dev ethtool"
# The static tool the guests run (liburing-dev: the bench's io_uring method).
# ethtool: the wire's guests turn TCP segmentation offload off
# (tools/vm/guest-wire says why); busybox has no ethtool.
ZC_STATIC_TOOL=$ZC_BUILD/static/zcopy
zc_static_tool() {
	make -s -C "$ZC_TOP" tools STATIC=1 TOOL_BIN="$ZC_STATIC_TOOL" >&2
}
zc_host_deps() {
	local p missing=
	for p in $ZC_HOST_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || zc_die "need root to install:$missing"
	zc_log "installing host packages:$missing"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing >&2 || zc_die "apt-get install failed"
}

# Run a command inside a build root, with /proc, /sys and /dev available.
# The mounts live in a private mount namespace that dies with the command,
# so nothing stays mounted inside the cache (where an rm -rf could reach
# the host's /dev) and concurrent users do not trip over each other.
zc_chroot() {
	local root=$1; shift
	unshare --mount --propagation private sh -ec '
		root=$1; shift
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount -t sysfs sys "$root/sys"
		exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' sh "$root" "$@"
}

# debootstrap mounts into its target itself; make sure none is left.
zc_unmount_root() {
	local root=$1 m
	for m in sys dev/pts dev proc; do
		mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
	done
	return 0
}

# zc_progress LOG LABEL: print LABEL and the last line of LOG every 30 s
# while the caller works; stop it with `kill $!`.  Long steps (downloads,
# the debug kernel build) would otherwise be silent for minutes.
zc_progress() {
	local log=$1 label=$2
	(
		while sleep 30; do
			zc_log "$label: $(tail -n1 "$log" 2>/dev/null | cut -c1-100)"
		done
	) &
}
