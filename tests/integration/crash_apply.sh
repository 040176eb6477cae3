#!/bin/sh
# SIGKILL at random points of a policy apply, 50 times: every restart
# converges to the policy in force, fully applied, on the device too.
#
# Two policies alternate (versions 42 and 43 differ in camera, screen
# capture and passcode length); WARDEN_FAULT_TXN_DELAY_MS slows every
# journal write so the kill lands inside the apply.
. "$(dirname "$0")/lib.sh"

ITER=${CRASH_ITERATIONS:-50}
A=examples/policies/fully_managed.json
B=tests/data/policies/fully_managed_v43.json
bad=0
mid=0

# converged: prints "ok" when every setting is applied and the device's
# facts match the policy in force, else what is wrong.
converged() {
	ctl policy show --json >"$T/show.json" 2>/dev/null || { echo "no agent"; return; }
	ctl facts --json >"$T/facts.json" 2>/dev/null
	/usr/bin/python3 - "$T/show.json" "$T/facts.json" "$T/dev/device.json" <<'PY'
import json, sys
show = json.load(open(sys.argv[1]))
facts = json.load(open(sys.argv[2]))["facts"]
dev = json.load(open(sys.argv[3]))
v = show["version"]
if show["enforcing"]:
    print("still enforcing"); sys.exit()
bad = [s["setting"] + "=" + s["status"] for s in show["settings"] if s["status"] != "applied"]
if bad:
    print("not applied: " + ", ".join(bad)); sys.exit()
want_camera = v == 42
want_len = 6 if v == 42 else 8
if dev["facts"]["camera.blocked"] != want_camera:
    print("version %s but camera.blocked=%s" % (v, dev["facts"]["camera.blocked"])); sys.exit()
if dev["facts"]["screen_capture.blocked"] != want_camera:
    print("version %s but screen_capture.blocked wrong" % v); sys.exit()
if dev["state"]["passcodePolicy"]["minLength"] != want_len:
    print("version %s but passcode minLength=%s" % (v, dev["state"]["passcodePolicy"]["minLength"])); sys.exit()
print("ok")
PY
}

wait_converged() {
	i=0
	while [ $i -lt 50 ]; do
		res=$(converged)
		[ "$res" = ok ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# a device in STANDALONE with policy A applied
start_agent && ctl policy apply $A >/dev/null && stop_agent

for i in $(seq 1 "$ITER"); do
	if [ $((i % 2)) -eq 1 ]; then p=$B; else p=$A; fi
	WARDEN_FAULT_TXN_DELAY_MS=15 start_agent || { not_ok "start $i"; break; }
	: >"$T/wardend.log"
	ctl policy apply $p >/dev/null 2>&1 &
	client=$!
	sleep "0.$(shuf -i 0-19 -n 1)"
	kill_agent
	wait "$client" 2>/dev/null
	# inside the apply when the last journal write was not followed by
	# the end of the enforcement
	last=$(grep -E "fault point|scan [0-9]+:" "$T/wardend.log" | tail -n 1)
	case "$last" in *"fault point"*) mid=$((mid + 1)) ;; esac
	start_agent || { not_ok "restart $i"; break; }
	if ! wait_converged; then
		bad=$((bad + 1))
		echo "# iteration $i: $res"
	fi
	stop_agent
done
echo "# $mid of $ITER kills landed inside an apply"
[ $mid -ge $((ITER / 4)) ] && ok "kills landed inside applies ($mid of $ITER)" ||
	not_ok "kills landed inside applies" "only $mid of $ITER"
[ $bad -eq 0 ] && ok "$ITER kills during applies: every restart converged" ||
	not_ok "$ITER kills during applies: every restart converged" "$bad did not"
finish
