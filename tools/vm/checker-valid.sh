#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Stand-in for the kernel's scripts/checker-valid.sh, which kbuild (7.x)
# runs before C=1/C=2 but Debian's linux-headers package does not ship:
# without it kbuild silently turns sparse off.  Same contract: print 1 if
# the checker "$@" runs and handles what current headers use, else 0.
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cat >"$tmp" <<'SRC'
static inline int u(const int *q)
{
	__typeof_unqual__(*q) v = *q;
	return v;
}
SRC
command -v "$1" >/dev/null 2>&1 || { echo 0; exit 0; }
"$@" "$tmp" 2>&1 | awk -v c=1 '/error/ { c = 0 } END { print c }'
