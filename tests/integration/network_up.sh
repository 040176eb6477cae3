#!/bin/sh
# The network coming back ends the backoff at once (agent/session/netwatch.c):
# the agent and the reference server run in a network namespace of
# their own (unshare -n: only lo, which the test brings down and up; the
# host's network is never touched). With lo down the long poll fails
# and backs off (1, 2, 4, 8, 16 s); lo up again is an rtnetlink event,
# and a command queued meanwhile reaches the device within seconds, not
# after the 16 s delay then running.
if [ -z "${WARDEN_IN_NETNS:-}" ]; then
	if ! unshare -n true 2>/dev/null; then
		. "$(dirname "$0")/lib.sh"
		not_ok "a network namespace can be made (unshare -n, as root)"
		finish
		exit 1
	fi
	exec unshare -n env WARDEN_IN_NETNS=1 sh "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"

ip link set lo up
MDM_SERVE_ARGS="--poll-timeout 2"
start_server || { not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"; finish; exit 1; }
mdm policy set examples/policies/fully_managed.json >/dev/null
start_agent || not_ok "the agent starts" "$(tail -n 5 "$T/wardend.log")"
mdm token new --mode FULLY_MANAGED --json "$T/qr.json" >/dev/null
ctl provision --qr-text "$T/qr.json" >/dev/null 2>&1
if wait_until 20 is_state MANAGED; then
	ok "the device enrolls in the namespace"
else
	not_ok "enrollment" "$(tail -n 10 "$T/wardend.log")"
fi
ID=$(field deviceId)

PORT=${URL##*:}
# The server goes away: every poll is refused at once and the delays
# grow 1, 2, 4, 8 s; after 16 s the next poll is 16 s (+-20 %) away.
stop_server
sleep 16
grep -q "receiving commands" "$T/wardend.log" &&
	ok "with the server gone the long poll fails and backs off" ||
	not_ok "long poll failing" "$(tail -n 5 "$T/wardend.log")"
start_server "127.0.0.1:$PORT" ||
	not_ok "wardenmdm starts again on its port" "$(tail -n 5 "$T/mdm.log")"
CMD=$(mdm command "$ID" LOCK)
# The network event: an address added (RTM_NEWADDR).
ip addr add 127.0.0.2/8 dev lo
t0=$(date +%s%N)
answered() {
	mdm results "$ID" | grep -q "^$CMD .* SUCCEEDED "
}
if wait_until 6 answered; then
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	ok "an address added: the command arrives at once ($ms ms)"
else
	not_ok "an address added: the command arrives at once" \
		"$(mdm results "$ID"; tail -n 5 "$T/wardend.log")"
fi
grep -q "the network is back: trying again now" "$T/wardend.log" &&
	ok "... because the agent heard the network come back" ||
	not_ok "... because the agent heard the network come back"
stop_agent
stop_server
finish
