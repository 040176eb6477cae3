#!/bin/sh
# The platform end to end: configuration checks, the control socket and
# its permissions, the simulated device, signals, and a corrupted
# database.
. "$(dirname "$0")/lib.sh"

# --- configuration ------------------------------------------------------
cat >"$T/good.conf" <<CONF
# a valid configuration
state-dir $T/state
control-socket $SOCK
hal sim:$T/dev
scan-interval 600
log-level info
CONF
check "wardend -n accepts a valid file" "$WARDEND" -n -f "$T/good.conf"
printf 'state-dir %s/state\nscan-intervall 60\n' "$T" >"$T/bad.conf"
expect_fail "wardend -n names the bad line" 1 \
	"bad.conf:2: unknown keyword \"scan-intervall\"" \
	"$WARDEND" -n -f "$T/bad.conf"
expect_fail "wardend -n on a missing file" 1 "nosuch.conf: No such file" \
	"$WARDEND" -n -f "$T/nosuch.conf"
expect_fail "wardend rejects stray arguments" 2 'unexpected argument "extra"' \
	"$WARDEND" extra

# --- unreachable agent ----------------------------------------------------
expect_fail "wardenctl without an agent exits 3" 3 "agent not reachable" \
	ctl status

# --- a running agent ------------------------------------------------------
if start_agent -f "$T/good.conf"; then ok "wardend starts"; else not_ok "wardend starts"; fi
check "status answers" ctl status
state=$(ctl status --json | json_get state)
[ "$state" = "UNPROVISIONED" ] && ok "a new device is UNPROVISIONED" ||
	not_ok "a new device is UNPROVISIONED" "state=$state"
mode=$(stat -c %a "$SOCK")
[ "$mode" = "660" ] && ok "control socket mode 0660" ||
	not_ok "control socket mode 0660" "mode=$mode"

check "sim set" ctl sim set passcode.length 4
ctl scan >/dev/null
len=$(ctl facts --json | json_get facts/passcode.length/value)
[ "$len" = "4" ] && ok "a set fact shows after a scan" ||
	not_ok "a set fact shows after a scan" "passcode.length=$len"
expect_fail "sim fail rejects an unknown op" 2 'unknown op "nope"' \
	ctl sim fail nope EIO
expect_fail "unknown command exits 2" 2 'unknown command "frobnicate"' \
	ctl frobnicate

# The sim's state file edited from outside: the agent notices by itself.
/usr/bin/python3 - "$T/dev/device.json" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["facts"]["battery.level"] = 17
open(p + ".new", "w").write(json.dumps(d))
import os
os.rename(p + ".new", p)
PY
i=0
lvl=
while [ $i -lt 40 ]; do
	lvl=$(ctl facts --json | json_get facts/battery.level/value)
	[ "$lvl" = "17" ] && break
	sleep 0.1
	i=$((i + 1))
done
[ "$lvl" = "17" ] && ok "an edited device file triggers a scan" ||
	not_ok "an edited device file triggers a scan" "battery.level=$lvl"

# --- permissions ----------------------------------------------------------
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 0755 "$T"
	expect_fail "a user outside the group cannot connect" 1 \
		"permission denied on .*needs root or membership" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$WARDENCTL" -s "$SOCK" status
	# Even with the socket opened to everyone, changes need privilege.
	chmod 0666 "$SOCK"
	check "an unprivileged user may read status" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$WARDENCTL" -s "$SOCK" status
	expect_fail "an unprivileged user may not change the device" 1 \
		"permission denied: \"sim\" changes the device and needs root" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$WARDENCTL" -s "$SOCK" sim set camera.blocked true
	blocked=$(ctl facts --json | json_get facts/camera.blocked/value)
	[ "$blocked" = "false" ] && ok "the refused change changed nothing" ||
		not_ok "the refused change changed nothing" "camera.blocked=$blocked"
else
	echo "# skipping permission tests: needs root and setpriv"
fi

# --- idle: no system calls between scheduled events ----------------------
if command -v strace >/dev/null; then
	ctl scan >/dev/null
	sleep 0.3
	timeout 3 strace -f -p "$AGENT_PID" -o "$T/trace" 2>/dev/null
	calls=$(grep -v -e '<unfinished \.\.\.>$' -e '<detached \.\.\.>$' \
		"$T/trace" | grep -c .)
	[ "$calls" -eq 0 ] && ok "an idle agent makes no system calls (3 s traced)" ||
		not_ok "an idle agent makes no system calls" "$(cat "$T/trace")"
fi

# --- signals --------------------------------------------------------------
sed -i 's/^log-level info/log-level debug/' "$T/good.conf"
kill -HUP "$AGENT_PID"
sleep 0.3
grep -q "configuration reloaded" "$T/wardend.log" &&
	ok "SIGHUP reloads the configuration" ||
	not_ok "SIGHUP reloads the configuration"
echo "bogus line" >>"$T/good.conf"
kill -HUP "$AGENT_PID"
sleep 0.3
grep -q "keeping the running configuration: .*good.conf:7: unknown keyword" \
	"$T/wardend.log" && kill -0 "$AGENT_PID" &&
	ok "a bad reload keeps the agent running" ||
	not_ok "a bad reload keeps the agent running"
sed -i '/^bogus line$/d' "$T/good.conf"
stop_agent
[ "$AGENT_RC" = 0 ] && [ ! -e "$SOCK" ] &&
	ok "SIGTERM stops cleanly and removes the socket" ||
	not_ok "SIGTERM stops cleanly and removes the socket" "rc=$AGENT_RC"

# --- corrupted database ---------------------------------------------------
head -c 8192 /dev/urandom >"$T/state/warden.db"
rm -f "$T/state/warden.db-wal" "$T/state/warden.db-shm"
if start_agent -f "$T/good.conf" && ctl status >/dev/null; then
	ok "a corrupted database does not stop the agent"
else
	not_ok "a corrupted database does not stop the agent"
fi
ls "$T/state" | grep -q '^warden.db.corrupt-' &&
	grep -q "DATABASE CORRUPT" "$T/wardend.log" &&
	ok "the corrupted database is kept aside, loudly" ||
	not_ok "the corrupted database is kept aside, loudly"
stop_agent

finish
