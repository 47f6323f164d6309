#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# nginx_zcopy_test.sh [DIR]: stock nginx (Debian's nginx-light, `sendfile
# on`, master root, workers www-data) UNDER THE PRELOAD (zcopy-run with
# ZCOPY_PRELOAD_EARLY=1) serves files from DIR (default /scratch: ext4)
# and from /tmp (tmpfs: the fallback), and curl checks every byte
# (issue 12, item 4).  For the userland guest, staged by
# tools/vm/stage-userland STAGE:
#   tools/vm/run --userland --wire --share STAGE -- sh /share/nginx_zcopy_test.sh
# curl and wrk run on the peer side of the wire when there is one, else
# over loopback.  The proof that zcopy did it, over a measured window of
# downloads from DIR: debugfs' bytes_by_reference grows by exactly the
# body bytes served, strace of the workers shows no sendfile call and
# ioctls instead, and the preload's stats lines count the routed calls.
# For the tmpfs file: strace shows sendfile, bytes_by_reference stays.
# TAP on stdout; exit status non-zero on any failure.
# dash, the image's sh, has `local`.
# shellcheck disable=SC3043
set -u
base=${1:-/scratch}/nginx-zc
tbase=/tmp/nginx-zc
port=8080
counters=/sys/kernel/debug/zcopy/counters
# tap, sum, the client side, nginx's configuration and start/stop.
# shellcheck source=nginx_lib.sh
. "$(dirname "$0")/nginx_lib.sh"
ng_client
counter() { sed -n "s/^$1 //p" $counters; }

# NGINX_WHOLE_SPARSE=1: also download the whole sparse file, by curl on
# the client's side (the wire's peer when there is one); =lo: by curl in
# nginx's own namespace, over loopback.  make check does the first on
# the newest release kernel, the second on the other release kernels
# and, on request (ZCOPY_CHECK_WHOLE_SPARSE=all), on a debug kernel,
# whose e1000e wire carries 5 to 7 MiB/s whether nginx sends by zcopy or
# by its own sendfile (256 MiB of holes in 34 to 50 s either way, MTU
# 9000), so the whole file would take 6 minutes or more; over its
# loopback, 256 MiB take 10 to 14 s.
whole=${NGINX_WHOLE_SPARSE:-0}
case $whole in
0) wtests=0 ;;
1) wtests=3 wclient=$client wurl=$url ;;
lo) wtests=3 wclient='' wurl=http://127.0.0.1:$port ;;
*) echo "NGINX_WHOLE_SPARSE=$whole: 0, 1 or lo" >&2; exit 2 ;;
esac
echo "TAP version 13"
echo "1..$((21 + wtests))"
echo "# nginx $(nginx -v 2>&1 | sed 's/.*version: //'), curl from the $where side, preload $(command -v zcopy-run)"
t=$(date +%s)

rm -rf "$base" "$tbase" && mkdir -p "$base/www" "$base/out" "$base/stats" "$tbase" || exit 1
# Random content: a byte out of place anywhere changes the sha256.
head -c 4096 /dev/urandom >"$base/www/4k"
head -c 1048576 /dev/urandom >"$base/www/1m"
head -c 67108864 /dev/urandom >"$base/www/64m"
head -c 1048576 /dev/urandom >"$tbase/tmpfs-1m"
# Sparse, 2 GiB + 4 MiB + 12345 bytes (an unaligned end), with 2 MiB of
# random data at 2 GiB + 1 MiB and 4 KiB at the end: the Range requests
# cross from a hole into data above 2^31 and end at end of file, and the
# whole file is more than one sendfile() can send (0x7ffff000 bytes), so
# its download goes on from an offset above 2^31.  2 GiB + 4 MiB rather
# than 3 GiB: the same boundaries, a third less to carry on every kernel.
big=$((2147483648 + 4194304 + 12345))
data_at=$((2147483648 + 1048576))
truncate -s $big "$base/www/sparse"
head -c 2097152 /dev/urandom | dd of="$base/www/sparse" bs=1M seek=$((data_at / 1048576)) \
	conv=notrunc status=none
head -c 4096 /dev/urandom | dd of="$base/www/sparse" bs=1 seek=$((big - 4096)) \
	conv=notrunc status=none
chmod 755 "$base" "$base/www" "$tbase" && chmod 644 "$base/www/"* "$tbase/"*
chmod 1777 "$base/stats"

ng_conf "$base" $port "location /tmpfs/ { alias $tbase/; }"
echo "# files made in $(($(date +%s) - t)) s"

ref0=$(counter bytes_by_reference)
# A stats file per process (%p): one file created by the root master
# would be 0644, and the www-data workers could not append their lines.
ng_start "$base" "$url/4k" \
	env ZCOPY_PRELOAD_EARLY=1 ZCOPY_PRELOAD_STATS="$base/stats/preload.%p" zcopy-run
rc=$?
tap $rc "nginx-zc.start" "$(cat "$base/start.err" "$base/error.log" 2>/dev/null | tail -n 5)"

master=$(cat "$base/nginx.pid" 2>/dev/null)
www=$(id -u www-data)
workers=0 wrong='' wpids='' preloaded=0
for p in $(ng_workers "$master"); do
	uid=$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' /proc/"$p"/status)
	workers=$((workers + 1))
	[ "$uid" = "$www" ] || wrong="$wrong $p:uid=$uid"
	wpids="$wpids -p $p"
	# Loaded, and holding /dev/zcopy from the root master (EARLY).
	dev=0
	for fd in /proc/"$p"/fd/*; do [ "$(readlink "$fd")" != /dev/zcopy ] || dev=1; done
	grep -q libzcopy-preload.so /proc/"$p"/maps && [ $dev = 1 ] && preloaded=$((preloaded + 1))
done
[ "$workers" = 2 ] && [ -z "$wrong" ] && [ $preloaded = 2 ]
tap $? "nginx-zc.workers-www-data-preloaded" \
	"workers=$workers (uid $www expected)$wrong; $preloaded with the preload and /dev/zcopy open"

# The measured window: every body byte below comes from ext4 through
# the preload; `served` adds them up.
served=0
get() { # FILE URL NAME: fetch URL/FILE, check its sha256 against www/FILE
	local name="$1" u="$2" got
	rm -f "$base/out/$name"
	if ! $client curl -fsS --max-time 300 -o "$base/out/$name" "$u/$name" 2>"$base/out/err"; then
		tap 1 "$3" "curl: $(cat "$base/out/err")"
		return
	fi
	served=$((served + $(wc -c <"$base/out/$name")))
	got=$(sum "$base/out/$name")
	[ "$got" = "$(sum "$base/www/$name")" ]
	tap $? "$3" "sha256 $got differs from the file's"
}
range() { # FILE FIRST LAST NAME: a Range request must return exactly those bytes
	local f="$1" first="$2" last="$3" code
	code=$($client curl -sS --max-time 120 -r "$first-$last" -o "$base/out/range" \
		-w '%{http_code}' "$url/$f" 2>"$base/out/err")
	served=$((served + $(wc -c <"$base/out/range")))
	tail -c +$((first + 1)) "$base/www/$f" | head -c $((last - first + 1)) >"$base/out/range.want"
	[ "$code" = 206 ] && cmp -s "$base/out/range" "$base/out/range.want"
	tap $? "$4" "HTTP $code, $(wc -c <"$base/out/range") bytes; $(cat "$base/out/err")"
}

# Warm the page cache outside the window is not needed: zcopy reads what
# is missing; but the start-up fetch of 4k above is outside the window.
ng_strace_on "$base/strace.ext4" sendfile,ioctl
ref1=$(counter bytes_by_reference)
get 4k "$url" nginx-zc.get.4k
get 1m "$url" nginx-zc.get.1m
t1=$(date +%s)
get 64m "$url" nginx-zc.get.64m
t64=$(($(date +%s) - t1))
echo "# 64 MiB in $t64 s (strace attached)"
get 1m "http://$host6:$port" nginx-zc.get.1m.ipv6
range 1m 4097 1000001 nginx-zc.range.1m.unaligned
range 64m 33554433 34000000 nginx-zc.range.64m.unaligned
# Above 2^31, unaligned, from a hole into the data; and the file's end.
range sparse $((data_at - 777)) $((data_at + 1500000)) nginx-zc.range.sparse.above-2g
range sparse $((big - 5001)) $((big - 1)) nginx-zc.range.sparse.to-eof
# Several files on one keep-alive connection: a tail left corked would
# hold up the next request (curl's time limit catches it).  The limit is
# twice what the 64 MiB fetch alone took plus a minute: that fetch takes
# 7 s on a release kernel and 100 s under KASAN on a shared host.
conns=$($client curl -fsS --max-time $((2 * t64 + 60)) -w '%{num_connects} ' \
	-o "$base/out/ka1" "$url/1m" -o "$base/out/ka2" "$url/4k" -o "$base/out/ka3" "$url/64m" \
	2>"$base/out/err")
rc=$?
[ $rc = 0 ] && served=$((served + 1048576 + 4096 + 67108864))
[ $rc = 0 ] && [ "$conns" = "1 0 0 " ] &&
	cmp -s "$base/out/ka1" "$base/www/1m" && cmp -s "$base/out/ka2" "$base/www/4k" &&
	cmp -s "$base/out/ka3" "$base/www/64m"
tap $? "nginx-zc.keepalive.3-files" "curl exit $rc, connects per file: $conns; $(cat "$base/out/err")"
ref2=$(counter bytes_by_reference)
ng_strace_off
sf=$(grep -c 'sendfile(' "$base/strace.ext4")
io=$(grep -c 'ioctl(' "$base/strace.ext4")
[ $((ref2 - ref1)) = $served ]
tap $? "nginx-zc.bytes-by-reference-exact" "bytes_by_reference grew by $((ref2 - ref1)), $served body bytes served"
echo "# window: $served body bytes served, bytes_by_reference +$((ref2 - ref1))"
[ "$untraced" = 0 ] && [ "$sf" = 0 ] && [ "$io" -gt 0 ]
tap $? "nginx-zc.no-sendfile-for-ext4" "traced=$((1 - untraced)), $sf sendfile calls, $io ioctl calls: $(grep 'sendfile(' "$base/strace.ext4" | head -n 3)"
echo "# window: $sf sendfile calls, $io ioctl calls in the workers"

# The fallback: a file on tmpfs is not zcopy's (the preload sends it with
# the real sendfile, after zcopy refused it or before asking).
ng_strace_on "$base/strace.tmpfs" sendfile,ioctl
ref3=$(counter bytes_by_reference)
$client curl -fsS --max-time 120 -o "$base/out/tmpfs" "$url/tmpfs/tmpfs-1m" 2>"$base/out/err"
rc=$?
ref4=$(counter bytes_by_reference)
ng_strace_off
sfb=$(sed -n 's/.*sendfile(.*) = \([0-9]*\)$/\1/p' "$base/strace.tmpfs" | awk '{ s += $1 } END { print s + 0 }')
[ $rc = 0 ] && cmp -s "$base/out/tmpfs" "$tbase/tmpfs-1m"
tap $? "nginx-zc.tmpfs.get" "curl exit $rc; $(cat "$base/out/err")"
[ "$untraced" = 0 ] && [ "$sfb" = 1048576 ] && [ "$ref4" = "$ref3" ]
tap $? "nginx-zc.tmpfs.fallback-sendfile" "traced=$((1 - untraced)), sendfile returned $sfb bytes (1048576 expected), bytes_by_reference +$((ref4 - ref3)) (0 expected)"

# 100 concurrent clients on the 4 KiB file: no error, no non-2xx.  wrk's
# own 2 s timeout counted a slow answer as a socket error when other guests
# shared the host's 2 cores (bookworm: 2 of 319); 30 s still catches a
# request that never completes.
$client wrk -c 100 -t 2 -d 3s --timeout 30s "$url/4k" >"$base/out/wrk" 2>&1
rc=$?
reqs=$(sed -n 's/^[[:space:]]*\([0-9]*\) requests in.*/\1/p' "$base/out/wrk")
[ $rc = 0 ] && [ "${reqs:-0}" -gt 0 ] && ! grep -qE 'Non-2xx|Socket errors' "$base/out/wrk"
tap $? "nginx-zc.wrk.100-clients" "wrk exit $rc: $(tr '\n' ' ' <"$base/out/wrk")"
echo "# wrk: $(grep -E 'requests in|Requests/sec' "$base/out/wrk" | tr -s ' \n' '  ')"
# And the 4 KiB file still intact after them.
get 4k "$url" nginx-zc.get.4k.after-wrk

# The whole sparse file in one response, compared byte for byte with the
# file on the client's side as it arrives (the scratch disk has no room
# for a copy).  sparse_cmp.py compares the holes with zeros without
# reading them: cmp read the holes of the file too (3 GiB then), and took
# 119 s of the download's 2 minutes where curl alone took 42 (sid, TCG).  First, that it fails where cmp would: a byte changed in a hole
# and in data, a stream cut short, one with a byte too many.
if [ "$whole" != 0 ]; then
	scmp="python3 $(dirname "$0")/sparse_cmp.py"
	small=$base/out/sparse-small
	# (no 'Z' in its data: the changed byte always differs)
	truncate -s 8388608 "$small" && yes data | head -c 5000 |
		dd of="$small" bs=4096 seek=1024 conv=notrunc status=none
	# stream KIND AT: the small file with a byte changed at AT (hole,
	# data), cut at AT, with a byte added (extra), or as it is (same).
	stream() {
		case $1 in
		hole|data) head -c $(($2 - 1)) "$small"; printf Z; tail -c +$(($2 + 1)) "$small" ;;
		cut) head -c "$2" "$small" ;;
		extra) cat "$small"; printf Z ;;
		same) cat "$small" ;;
		esac
	}
	bad=""
	for m in hole:1048577 data:4194404 cut:6000000 extra:0; do
		stream "${m%:*}" "${m#*:}" | $scmp "$small" >/dev/null
		[ $? = 1 ] || bad="$bad ${m%:*}"
	done
	stream same 0 | $scmp "$small" || bad="$bad same"
	[ -z "$bad" ]
	tap $? "nginx-zc.sparse-cmp.judges" "sparse_cmp.py was wrong on:$bad"

	t1=$(date +%s)
	ref6=$(counter bytes_by_reference)
	$wclient sh -c "curl -fsS --max-time 1200 '$wurl/sparse' | $scmp '$base/www/sparse'" \
		>"$base/out/cmp" 2>&1
	tap $? "nginx-zc.get.sparse-2g.whole" "curl | sparse_cmp: $(head -c 500 "$base/out/cmp")"
	# All of it by reference: a fallback to nginx's own sendfile (a
	# copy) for any part of the file fails here, not just the window's.
	ref7=$(counter bytes_by_reference)
	[ $((ref7 - ref6)) = $big ]
	tap $? "nginx-zc.get.sparse-2g.whole.by-reference" "bytes_by_reference grew by $((ref7 - ref6)) for a $big-byte body"
	echo "# the whole sparse file ($big bytes) in $(($(date +%s) - t1)) s, curl $([ -n "$wclient" ] && echo "on the $where side" || echo "over loopback")"
fi

ref5=$(counter bytes_by_reference)
ng_stop "$base" "$master"
! [ -e "$base/nginx.pid" ] && ! grep -E '\[(alert|crit|emerg)\]' "$base/error.log" >/dev/null
tap $? "nginx-zc.stop-clean" "$(grep -E '\[(alert|crit|emerg)\]' "$base/error.log" | head -n 3)"

# The preload's own account (one line per process at exit): the workers
# routed calls to zcopy, the bytes it queued are exactly what the module
# counted by reference over nginx's life, and the tmpfs file fell back.
cat "$base/stats/"preload.* >"$base/stats.all" 2>/dev/null
sed 's/^/# /' "$base/stats.all"
pstat() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$base/stats.all" | awk '{ s += $1 } END { printf "%.0f\n", s }'; }
zc=$(pstat zcopy_calls) zb=$(pstat zcopy_bytes) fb=$(pstat fallback_bytes) nodev=$(pstat fallback_nodev)
lines=$(wc -l <"$base/stats.all")
[ "$lines" -ge 4 ] && [ "$zc" -gt 0 ] && [ "$zb" = $((ref5 - ref0)) ] && [ "$fb" -ge 1048576 ] && [ "$nodev" = 0 ]
tap $? "nginx-zc.preload-stats" "$lines lines: zcopy_calls $zc, zcopy_bytes $zb (bytes_by_reference +$((ref5 - ref0))), fallback_bytes $fb (>= 1048576), fallback_nodev $nodev"

# Python's sendfile cases (sendfile_matrix.py, next to this script) on an
# ext4 file larger than the socket buffers, without and with the preload:
# the same result lines, and the preloaded run moved bytes by reference.
head -c $((16 * 1048576 + 123)) /dev/urandom >"$base/matrix"
t1=$(date +%s)
python3 "$(dirname "$0")/sendfile_matrix.py" --compare \
	"${ZCOPY_PRELOAD_LIB:-/share/lib/libzcopy-preload.so}" "$base/matrix" >"$base/out/matrix" 2>&1
rc=$?
grep '^# preload' "$base/out/matrix"
grep -q '^identical yes$' "$base/out/matrix"
tap $? "python.sendfile-matrix.identical" "exit $rc: $(grep -v '^# ' "$base/out/matrix" | tail -n 5 | tr '\n' ' ')"
moved=$(sed -n 's/^moved //p' "$base/out/matrix")
routed=$(sed -n 's/^routed //p' "$base/out/matrix")
[ "${moved:-0}" -gt 0 ] && [ "$moved" = "$routed" ]
tap $? "python.sendfile-matrix.by-reference" "bytes_by_reference +${moved:-?} in the preloaded run, the preload routed ${routed:-?}"
echo "# python matrix: $(($(date +%s) - t1)) s, bytes_by_reference +${moved:-?} with the preload"

echo "# took $(($(date +%s) - t)) s"
[ "$failed" = 0 ]
