#!/bin/sh
# wardend under a fake systemd: a datagram socket at $NOTIFY_SOCKET
# records what the agent says. READY=1 with STATUS= once the control
# socket listens, STATUS= after a scan, WATCHDOG=1 pings at half of
# WATCHDOG_USEC from the loop (none while the process is stopped),
# RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 on SIGTERM; without
# WATCHDOG_USEC no ping at all.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

# listen PATH LOG: records every datagram as one line (newlines as '|').
listen() {
	"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        f.write(s.recv(4096).decode().replace("\n", "|") + "\n")
' "$1" "$2" &
	LISTENER=$!
	i=0
	while [ ! -S "$1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

# wait_for PATTERN: true once the log has a line matching it.
wait_for() {
	i=0
	while ! grep -q -- "$1" "$T/notify.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || return 1
		sleep 0.05
	done
}

pings() {
	grep -c '^WATCHDOG=1$' "$T/notify.log"
}

: >"$T/notify.log"
listen "$T/notify" "$T/notify.log"
printf 'hal sim:%s/dev\nstate-dir %s/state\ncontrol-socket %s\n' \
	"$T" "$T" "$SOCK" >"$T/wardend.conf"
NOTIFY_SOCKET="$T/notify" WATCHDOG_USEC=400000 \
	start_agent -f "$T/wardend.conf" || not_ok "the agent starts"
wait_for '^READY=1|STATUS=UNPROVISIONED, ' &&
	ok "READY=1 with the agent's state" ||
	not_ok "READY=1 with the agent's state" "$(cat "$T/notify.log")"
[ -S "$SOCK" ] && ok "the control socket listens when READY=1 is sent" ||
	not_ok "the control socket listens when READY=1 is sent"
ctl scan >/dev/null
wait_for '^STATUS=UNPROVISIONED, \(not \)*compliant' &&
	ok "STATUS= after a scan carries the verdict" ||
	not_ok "STATUS= after a scan carries the verdict" "$(cat "$T/notify.log")"

sleep 1.1
n=$(pings)
[ "$n" -ge 3 ] && [ "$n" -le 7 ] &&
	ok "WATCHDOG=1 every 200 ms (half of WATCHDOG_USEC): $n in 1.1 s" ||
	not_ok "WATCHDOG=1 every 200 ms (half of WATCHDOG_USEC)" "$n pings"
kill -STOP "$AGENT_PID"
n=$(pings)
sleep 1
m=$(pings)
kill -CONT "$AGENT_PID"
[ "$m" -eq "$n" ] && ok "a stopped loop sends no ping (systemd would restart it)" ||
	not_ok "a stopped loop sends no ping" "$n then $m"

kill -HUP "$AGENT_PID"
wait_for '^RELOADING=1|MONOTONIC_USEC=[0-9]*$' &&
	ok "SIGHUP: RELOADING=1 with MONOTONIC_USEC" ||
	not_ok "SIGHUP: RELOADING=1 with MONOTONIC_USEC" "$(cat "$T/notify.log")"
wait_for '^RELOADING=1' && [ "$(sed -n '/^RELOADING=1/{n;p;}' "$T/notify.log" |
	grep -v '^WATCHDOG' | head -n 1 | cut -c1-8)" = "READY=1|" ] &&
	ok "then READY=1 again" || not_ok "then READY=1 again" "$(cat "$T/notify.log")"
stop_agent
wait_for '^STOPPING=1$' && ok "SIGTERM: STOPPING=1" ||
	not_ok "SIGTERM: STOPPING=1" "$(tail -n 5 "$T/notify.log")"

# Without WatchdogSec= nothing wakes the agent up.
: >"$T/notify.log"
NOTIFY_SOCKET="$T/notify" start_agent -f "$T/wardend.conf" ||
	not_ok "the agent starts again"
wait_for '^READY=1'
sleep 0.6
[ "$(pings)" -eq 0 ] && ok "no WATCHDOG_USEC, no ping" ||
	not_ok "no WATCHDOG_USEC, no ping" "$(pings) pings"
stop_agent
kill "$LISTENER" 2>/dev/null
wait "$LISTENER" 2>/dev/null
finish
