#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# nginx_test.sh [DIR]: stock nginx (Debian's nginx-light, `sendfile on`,
# workers as www-data) serves files from DIR (default /scratch: ext4, a
# real page cache) and curl checks every byte.  For the userland guest:
#   tools/vm/run --userland --wire --share STAGE -- sh /share/nginx_test.sh
# curl runs on the peer side of the wire when there is one (`wire-peer`,
# tools/vm/guest-wire), else over loopback.  TAP on stdout; exit status
# non-zero on any failure.  Nothing here uses zcopy: this is the
# baseline; nginx_zcopy_test.sh runs the same nginx under the preload.
# dash, the image's sh, has `local`.
# shellcheck disable=SC3043
set -u
base=${1:-/scratch}/nginx
port=8080
# tap, sum, the client side, nginx's configuration and start/stop.
# shellcheck source=nginx_lib.sh
. "$(dirname "$0")/nginx_lib.sh"
ng_client
echo "TAP version 13"
echo "1..11"
echo "# nginx $(nginx -v 2>&1 | sed 's/.*version: //'), curl from the $where side"

rm -rf "$base" && mkdir -p "$base/www" "$base/out" || exit 1
# Random content: a byte out of place anywhere changes the sha256.
head -c 4096 /dev/urandom >"$base/www/4k"
head -c 1048576 /dev/urandom >"$base/www/1m"
head -c 67108864 /dev/urandom >"$base/www/64m"
chmod 755 "$base" "$base/www" && chmod 644 "$base/www/"*

ng_conf "$base" $port

t=$(date +%s)
ng_start "$base" "$url/4k"
rc=$?
tap $rc "nginx.start" "$(cat "$base/start.err" "$base/error.log" 2>/dev/null | tail -n 5)"

# The workers (the master's children) must run as www-data, as Debian's
# do: this is the privilege drop the interposer has to live with.
master=$(cat "$base/nginx.pid" 2>/dev/null)
www=$(id -u www-data)
workers=0 wrong=
for p in $(ng_workers "$master"); do
	uid=$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' /proc/"$p"/status)
	workers=$((workers + 1))
	[ "$uid" = "$www" ] || wrong="$wrong $p:uid=$uid"
done
[ "$workers" = 2 ] && [ -z "$wrong" ]
tap $? "nginx.workers-www-data" "workers=$workers (uid $www expected)$wrong"

get() { # FILE URL NAME: fetch URL/FILE, check its sha256 against www/FILE
	local name="$1" u="$2" got
	rm -f "$base/out/$name"
	if ! $client curl -fsS --max-time 300 -o "$base/out/$name" "$u/$name" 2>"$base/out/err"; then
		tap 1 "$3" "curl: $(cat "$base/out/err")"
		return
	fi
	got=$(sum "$base/out/$name")
	[ "$got" = "$(sum "$base/www/$name")" ]
	tap $? "$3" "sha256 $got differs from the file's"
}
get 4k "$url" nginx.get.4k
get 1m "$url" nginx.get.1m
t1=$(date +%s)
get 64m "$url" nginx.get.64m
echo "# 64 MiB in $(($(date +%s) - t1)) s"
get 1m "http://$host6:$port" nginx.get.1m.ipv6

range() { # FILE FIRST LAST NAME: a Range request must return exactly those bytes
	local f="$1" first="$2" last="$3" code
	code=$($client curl -sS --max-time 120 -r "$first-$last" -o "$base/out/range" \
		-w '%{http_code}' "$url/$f" 2>"$base/out/err")
	tail -c +$((first + 1)) "$base/www/$f" | head -c $((last - first + 1)) >"$base/out/range.want"
	[ "$code" = 206 ] && cmp -s "$base/out/range" "$base/out/range.want"
	tap $? "$4" "HTTP $code, $(wc -c <"$base/out/range") bytes; $(cat "$base/out/err")"
}
# Unaligned at both ends, across page boundaries.
range 1m 4097 1000001 nginx.range.1m.unaligned
range 64m 33554433 34000000 nginx.range.64m.unaligned

# Several files on one keep-alive connection: a response whose tail stayed
# corked would hold up the next request (curl's time limit catches it);
# num_connects 0 after the first says the connection was reused.
conns=$($client curl -fsS --max-time 60 -w '%{num_connects} ' \
	-o "$base/out/ka1" "$url/1m" -o "$base/out/ka2" "$url/4k" -o "$base/out/ka3" "$url/1m" \
	2>"$base/out/err")
rc=$?
[ $rc = 0 ] && [ "$conns" = "1 0 0 " ] &&
	cmp -s "$base/out/ka1" "$base/www/1m" && cmp -s "$base/out/ka2" "$base/www/4k" &&
	cmp -s "$base/out/ka3" "$base/www/1m"
tap $? "nginx.keepalive.3-files" "curl exit $rc, connects per file: $conns; $(cat "$base/out/err")"

# The baseline the interposer changes: stock nginx sends the whole body
# of a file with sendfile(2) (the headers go by writev).  strace the
# workers during one fetch and add up what sendfile returned.
wpids=
for p in $(ng_workers "$master"); do wpids="$wpids -p $p"; done
ng_strace_on "$base/strace" sendfile
$client curl -fsS --max-time 120 -o "$base/out/traced" "$url/1m" 2>"$base/out/err"
rc=$?
ng_strace_off
calls=$(grep -c 'sendfile(' "$base/strace" 2>/dev/null)
bytes=$(sed -n 's/.*sendfile(.*) = \([0-9]*\)$/\1/p' "$base/strace" | awk '{ s += $1 } END { print s + 0 }')
[ $rc = 0 ] && [ "$untraced" = 0 ] && [ "$bytes" = 1048576 ] && cmp -s "$base/out/traced" "$base/www/1m"
tap $? "nginx.body-by-sendfile" "curl exit $rc, traced=$((1 - untraced)), $calls sendfile calls returned $bytes bytes (1048576 expected)"
echo "# 1 MiB: $calls sendfile calls, $bytes bytes"

# A clean stop, and nothing alarming in the error log.
ng_stop "$base" "$master"
! [ -e "$base/nginx.pid" ] && ! grep -E '\[(alert|crit|emerg)\]' "$base/error.log" >/dev/null
tap $? "nginx.stop-clean" "$(grep -E '\[(alert|crit|emerg)\]' "$base/error.log" | head -n 3)"
echo "# took $(($(date +%s) - t)) s"
[ "$failed" = 0 ]
