# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Sets variables for the scripts that source it (client, url, ...).
# shellcheck disable=SC2034
# nginx_lib.sh: sourced (not run) by nginx_test.sh, nginx_zcopy_test.sh and
# tools/vm/guest-bench-nginx, so that the tests and the benchmark serve
# with one nginx configuration and find nginx's processes the same way.
# tools/vm/stage-userland stages it next to them.  POSIX sh (dash runs the
# tests, bash the benchmark; both with set -u).
#
#   ng_client            sets client, host, host6, where, url (port $port)
#   ng_conf BASE PORT [SERVER-LINES]   writes BASE/nginx.conf
#   ng_start BASE URL [CMD...]         starts nginx (under CMD, e.g.
#                        zcopy-run), waits until URL/4k... answers: see below
#   ng_workers MASTER    the pids of MASTER's children (the workers)
#   ng_stop BASE MASTER  quit, and wait until the master has gone
#   ng_strace_on FILE CALLS, ng_strace_off   strace the workers ($wpids)
#   tap STATUS NAME [DIAG], sum FILE   TAP lines and sha256 for the tests

n=${n:-0} failed=${failed:-0}

tap() { # STATUS NAME [DIAG]: one TAP line, and a diagnostic when it failed
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		[ -z "${3:-}" ] || echo "# $3"
		failed=$((failed + 1))
	fi
}
sum() { sha256sum "$1" | cut -d' ' -f1; }

# The clients (curl, wrk) run on the peer side of the wire when there is
# one (`wire-peer`, tools/vm/guest-wire), else over loopback.
ng_client() {
	if [ -n "${ZCOPY_WIRE_NETNS:-}" ]; then
		client=wire-peer host=$ZCOPY_WIRE_SELF host6="[$ZCOPY_WIRE_SELF6]" where=wire
	else
		client='' host=127.0.0.1 host6="[::1]" where=loopback
	fi
	url=http://$host:${port:?set port before ng_client}
}

# A minimal configuration of our own, with the directives Debian's default
# nginx.conf sets for sending files (sendfile, tcp_nopush) and its
# workers' user, so that nothing of the image's sites-enabled is in the
# way.  The access log's format adds $body_bytes_sent last (the bodies'
# bytes, which the benchmark adds up; the tests do not read it).
ng_conf() { # BASE PORT [SERVER-LINES]
	cat >"$1/nginx.conf" <<EOC
user www-data;
worker_processes 2;
pid $1/nginx.pid;
error_log $1/error.log info;
events { worker_connections 512; }
http {
	log_format zc '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent';
	access_log $1/access.log zc;
	sendfile on;
	tcp_nopush on;
	keepalive_timeout 65;
	default_type application/octet-stream;
	server {
		listen $2;
		listen [::]:$2;
		root $1/www;
		${3:-}
	}
}
EOC
}

# ng_start BASE URL [CMD...]: start nginx with BASE/nginx.conf (through
# CMD when given: `env VAR=.. zcopy-run`), then wait up to 10 s for URL to
# answer from the client side.  Status 0 when it does; what nginx said on
# start is in BASE/start.err.
ng_start() {
	_b=$1 _u=$2
	shift 2
	"$@" nginx -c "$_b/nginx.conf" -e "$_b/error.log" 2>"$_b/start.err" || return 1
	_i=0
	while ! $client curl -fsS -o /dev/null "$_u" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || return 1
		sleep 0.1
	done
}

ng_workers() { # MASTER: its children's pids, one a line
	for _s in /proc/[0-9]*/status; do
		[ "$(sed -n 's/^PPid:[[:space:]]*//p' "$_s" 2>/dev/null)" = "${1:-x}" ] || continue
		_s=${_s%/status}
		echo "${_s#/proc/}"
	done
}

# ng_stop BASE MASTER: a graceful quit; returns when the pid file has gone
# and the master has exited (the preload's stats line is written as it
# exits, after the pid file goes), or after 20 s.
ng_stop() {
	nginx -c "$1/nginx.conf" -e "$1/error.log" -s quit 2>/dev/null
	_i=0
	while [ -e "$1/nginx.pid" ] && [ $_i -lt 100 ]; do _i=$((_i + 1)); sleep 0.1; done
	while [ -n "${2:-}" ] && kill -0 "$2" 2>/dev/null && [ $_i -lt 200 ]; do
		_i=$((_i + 1))
		sleep 0.1
	done
	! [ -e "$1/nginx.pid" ]
}

# ng_strace_on FILE CALLS: strace the workers ($wpids: "-p PID -p PID")
# for CALLS (strace's trace=) into FILE, in the background ($spid); returns
# once strace holds every worker (TracerPid), not after an arbitrary time.
# $untraced is 1 if one was still not traced after 10 s.
ng_strace_on() {
	rm -f "$1"
	# shellcheck disable=SC2086 # $wpids is a list of options
	strace -qq -e trace="$2" -o "$1" ${wpids:?} 2>/dev/null &
	spid=$!
	_i=0
	while [ $_i -lt 100 ]; do
		untraced=0
		for _p in $wpids; do
			[ "$_p" = -p ] && continue
			[ "$(sed -n 's/^TracerPid:[[:space:]]*//p' /proc/"$_p"/status)" != 0 ] || untraced=1
		done
		[ $untraced = 0 ] && break
		_i=$((_i + 1))
		sleep 0.1
	done
}
ng_strace_off() {
	kill -INT "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
}
