#!/bin/sh
# policyEnforcementRules over time, on a standalone simulated device whose
# clocks come from a file (WARDEN_TEST_CLOCK) the test moves: encryption
# off, block after 2 days, wipe after 5. Nothing happens before 2 days of
# boot time; the block comes at 2; the wall clock set 10 days back does
# not postpone the wipe, nor 30 days forward hasten it; the count
# survives a restart of the agent; a reboot credits the wall-clock gap,
# never a negative one; the wipe happens once, at 5 days, and the agent
# then forgets the policy (UNPROVISIONED) as after a WIPE command; with
# the policy applied again, compliance lifts a block and the next failure
# counts from 0; a damaged count
# starts again, loudly; a bad clock file falls back to the real clocks;
# blockAfterDays 0 blocks at once; removing the rule lifts its block; in
# lost mode a block or its lifting leaves the lost-mode message.
. "$(dirname "$0")/lib.sh"
HOUR=3600
DAY=86400
W0=1750000000
DB="$T/state/warden.db"
CLOCK="$T/clock"
export WARDEN_TEST_CLOCK="$CLOCK"

if ! command -v sqlite3 >/dev/null; then
	not_ok "sqlite3 is available"
	finish
	exit 1
fi

# set_clock WALL BOOT BOOT_ID: what the agent reads next. The new file
# is renamed into place so the agent never reads half of it.
set_clock() {
	WALL=$1 BOOT=$2 BOOT_ID=$3
	printf 'wall=%s boot=%s boot_id=%s\n' "$1" "$2" "$3" >"$CLOCK.new"
	mv "$CLOCK.new" "$CLOCK"
}

# The stored count of encryptionPolicy, in seconds ("" when none).
counted() {
	sqlite3 "$DB" "SELECT json_extract(value, '\$.seconds') FROM kv
		WHERE key = 'noncompliant:encryptionPolicy'"
}

# ops PATTERN: how many lines of the sim's op log match.
ops() {
	grep -c -- "$1" "$T/dev/ops.log" 2>/dev/null
}

scan() {
	ctl scan >/dev/null || not_ok "scan" "$(tail -n 5 "$T/wardend.log")"
}

# wait_ops N PATTERN: true once N lines match (HAL jobs run after the
# scan's reply).
wait_ops() {
	n=50
	while [ "$(ops "$2")" != "$1" ]; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

# expect WHAT SECONDS BLOCKS WIPES: the count, and how many blocks and
# factory resets the op log holds so far.
expect() {
	what=$1 secs=$2 blocks=$3 wipes=$4
	wait_ops "$blocks" 'lock.set_message message="This device' &&
		wait_ops "$wipes" 'wipe.factory_reset'
	got="count=$(counted) blocks=$(ops 'lock.set_message message="This device') wipes=$(ops wipe.factory_reset)"
	want="count=$secs blocks=$blocks wipes=$wipes"
	if [ "$got" = "$want" ]; then
		ok "$what"
	else
		not_ok "$what" "got $got, want $want"
	fi
}

cat >"$T/policy.json" <<'EOF'
{
  "name": "enterprises/acme/policies/encrypted",
  "version": "1",
  "encryptionPolicy": "ENABLED_WITHOUT_PASSWORD",
  "policyEnforcementRules": [
    {
      "settingName": "encryptionPolicy",
      "blockAction": { "blockAfterDays": 2, "blockScope": "BLOCK_SCOPE_DEVICE" },
      "wipeAction": { "wipeAfterDays": 5 }
    }
  ]
}
EOF
printf 'mode FULLY_MANAGED\n' >"$T/mode.conf"

# --- boot one: counting on the boot clock ----------------------------------
set_clock $W0 1000 boot-one
start_agent -f "$T/mode.conf" || { not_ok "agent starts"; finish; exit 1; }
ctl sim set disk.encrypted false >/dev/null
check "the policy applies" ctl policy apply "$T/policy.json"
check "applying it again replies though there is nothing to apply" \
	timeout 20 "$WARDENCTL" -s "$SOCK" policy apply "$T/policy.json"
scan
expect "the first failing scan starts the count at 0" 0 0 0

set_clock $((W0 + 47 * HOUR)) $((1000 + 47 * HOUR)) boot-one
scan
expect "nothing before 2 days (47 h)" $((47 * HOUR)) 0 0

set_clock $((W0 + 48 * HOUR)) $((1000 + 48 * HOUR)) boot-one
scan
expect "blocked at 2 days" $((2 * DAY)) 1 0
check "the lock-screen message names the setting and the days" \
	grep -q 'lock.set_message message="This device is blocked: encryptionPolicy has not been compliant for 2 days' "$T/dev/ops.log"
check "the device is locked" grep -q 'lock.now scope=device -> ok' \
	"$T/dev/ops.log"
scan
expect "a block happens once" $((2 * DAY)) 1 0

# The wall clock set 10 days back: a day of boot time still counts.
set_clock $((W0 + 48 * HOUR - 10 * DAY)) $((1000 + 72 * HOUR)) boot-one
scan
expect "the wall clock set 10 days back postpones nothing (3 days)" \
	$((3 * DAY)) 1 0

# And 30 days forward: only the hour of boot time counts. Counting from
# the first failure's wall time would wipe now.
set_clock $((W0 + 30 * DAY)) $((1000 + 73 * HOUR)) boot-one
scan
expect "the wall clock set 30 days forward hastens nothing" \
	$((3 * DAY + HOUR)) 1 0

# --- the agent restarted within the same boot ------------------------------
stop_agent
set_clock $((W0 + 30 * DAY + HOUR)) $((1000 + 74 * HOUR)) boot-one
start_agent -f "$T/mode.conf" || not_ok "agent starts again"
scan
expect "the count survives a restart (and the time it was stopped counts)" \
	$((3 * DAY + 2 * HOUR)) 1 0

# --- reboots: the wall-clock gap, bounded ----------------------------------
stop_agent
set_clock $((WALL + 12 * HOUR)) 120 boot-two
start_agent -f "$T/mode.conf" || not_ok "agent starts after a reboot"
scan
expect "a reboot credits the wall-clock gap (12 h)" \
	$((3 * DAY + 14 * HOUR)) 1 0

stop_agent
set_clock $((WALL - 5 * DAY)) 60 boot-three
start_agent -f "$T/mode.conf" || not_ok "agent starts after a reboot"
scan
expect "a reboot with the wall clock set back credits only the time since boot" \
	$((3 * DAY + 14 * HOUR + 60)) 1 0

stop_agent
set_clock $((WALL + 20 * DAY)) 60 boot-four
start_agent -f "$T/mode.conf" || not_ok "agent starts after a reboot"
scan
expect "a reboot with the wall clock 20 days ahead credits at most a day" \
	$((4 * DAY + 14 * HOUR + 60)) 1 0

# --- the wipe, once, at 5 days ---------------------------------------------
# 4 d 14 h 60 s so far, the last 60 s of them at boot time 60.
set_clock $WALL $((10 * HOUR - 1)) boot-four
scan
expect "no wipe a second before 5 days" $((5 * DAY - 1)) 1 0
set_clock $WALL $((10 * HOUR)) boot-four
scan
# A wipe goes the WIPE command's way: the factory reset, then the agent
# forgets the policy and its counts (UNPROVISIONED).
wait_ops 1 'wipe.factory_reset'
wait_until_state() {
	n=50
	while [ "$(ctl status --json | json_get state)" != "$1" ]; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}
wait_until_state UNPROVISIONED &&
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM policies WHERE active = 1")" = 0 ] &&
	ok "wiped at 5 days: the factory reset, then UNPROVISIONED" ||
	not_ok "wiped at 5 days" "$(ctl status; tail -n 3 "$T/dev/ops.log")"
expect "the count and the flags are forgotten with the rest" "" 1 1
set_clock $WALL $((34 * HOUR)) boot-four
scan
expect "the wipe happens once" "" 1 1
n=$(sqlite3 "$DB" "SELECT group_concat(e, ' ') FROM (SELECT kind || ':' ||
	detail AS e FROM events WHERE kind LIKE 'enforcement-%' ORDER BY id)")
[ "$n" = "enforcement-block:block enforcement-wipe:wipe" ] &&
	ok "the block and the wipe are in the event log" ||
	not_ok "the block and the wipe are in the event log" "$n"

# --- the policy again; compliant again --------------------------------------
check "the policy applies again after the wipe" \
	timeout 20 "$WARDENCTL" -s "$SOCK" policy apply "$T/policy.json"
scan
expect "a new life: the count starts at 0" 0 1 1
set_clock $WALL $((BOOT + 2 * DAY)) boot-four
scan
expect "blocked after 2 days of the new count" $((2 * DAY)) 2 1
ctl sim set disk.encrypted true >/dev/null
scan
if wait_ops 1 'lock.set_message message=none'; then
	ok "compliance lifts the block"
else
	not_ok "compliance lifts the block" "$(tail -n 5 "$T/dev/ops.log")"
fi
expect "compliance forgets the count" "" 2 1
n=$(sqlite3 "$DB" "SELECT count(*) FROM kv WHERE key = 'blocked:encryptionPolicy'")
[ "$n" = 0 ] && ok "the block flag is gone" || not_ok "the block flag is gone" "$n"

# The clock first: a change on the simulated device brings a scan of
# its own.
set_clock $((WALL + DAY)) $((BOOT + DAY)) boot-four
ctl sim set disk.encrypted false >/dev/null
scan
expect "the next failure counts from 0" 0 2 1
set_clock $WALL $((BOOT + 2 * DAY)) boot-four
scan
expect "blocked again after 2 more days" $((2 * DAY)) 3 1
set_clock $WALL $((BOOT + 2 * DAY)) boot-four
scan
expect "no second wipe before 5 days of this count" $((4 * DAY)) 3 1

# --- a damaged count, a bad clock file --------------------------------------
set_clock $WALL $((BOOT + DAY)) boot-four
sqlite3 "$DB" "UPDATE kv SET value = '{\"seconds\":-5}'
	WHERE key = 'noncompliant:encryptionPolicy'"
scan
expect "a damaged count starts again" 0 3 1
check "a damaged count is said loudly, with the member and the reason" \
	grep -q 'encryptionPolicy: the stored non-compliance time is not valid (seconds: not an integer' \
	"$T/wardend.log"

printf 'wall=%s boot=-1 boot_id=boot-four\n' $WALL >"$CLOCK"
scan
check "a bad clock file is said loudly, then the real clocks are used" \
	grep -q "WARDEN_TEST_CLOCK=$CLOCK: boot: not seconds .*; using the real clocks" \
	"$T/wardend.log"
n=$(sqlite3 "$DB" "SELECT json_extract(value, '\$.boot_id') FROM kv
	WHERE key = 'noncompliant:encryptionPolicy'")
real=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)
[ "$n" = "$real" ] && ok "the count was taken on the real clocks" ||
	not_ok "the count was taken on the real clocks" "boot_id $n, want $real"

# --- blockAfterDays 0: blocked as soon as the setting fails -----------------
set_clock $((WALL + DAY)) 500 boot-five
ctl sim set disk.encrypted true >/dev/null
scan
wait_ops 2 'lock.set_message message=none' ||
	not_ok "compliance lifts the second block" "$(tail -n 3 "$T/dev/ops.log")"
cat >"$T/policy0.json" <<'EOF'
{
  "name": "enterprises/acme/policies/encrypted",
  "version": "2",
  "encryptionPolicy": "ENABLED_WITHOUT_PASSWORD",
  "policyEnforcementRules": [
    {
      "settingName": "encryptionPolicy",
      "blockAction": { "blockAfterDays": 0 }
    }
  ]
}
EOF
# Nothing for the HAL to do: the reply must still come.
check "a policy with blockAfterDays 0 applies" \
	timeout 20 "$WARDENCTL" -s "$SOCK" policy apply "$T/policy0.json"
ctl sim set disk.encrypted false >/dev/null
scan
expect "blockAfterDays 0 blocks at the first failing scan" 0 4 1
check "... saying 0 days" grep -q \
	'message="This device is blocked: encryptionPolicy has not been compliant for 0 days' \
	"$T/dev/ops.log"

# --- the rule removed: its block does not stay ------------------------------
cat >"$T/policy3.json" <<'EOF2'
{
  "name": "enterprises/acme/policies/encrypted",
  "version": "3",
  "encryptionPolicy": "ENABLED_WITHOUT_PASSWORD"
}
EOF2
check "a policy without the rule applies" \
	timeout 20 "$WARDENCTL" -s "$SOCK" policy apply "$T/policy3.json"
scan
wait_ops 3 'lock.set_message message=none' &&
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM kv WHERE key LIKE 'blocked:%'")" = 0 ] &&
	ok "the rule removed: the block is lifted, though still non-compliant" ||
	not_ok "the rule removed: the block is lifted" "$(tail -n 3 "$T/dev/ops.log")"

# --- lost mode keeps the lock screen -----------------------------------------
# Lost mode as the START_LOST_MODE command stores it, shown at start.
stop_agent
sqlite3 "$DB" "INSERT OR REPLACE INTO kv (key, value)
	VALUES ('lost_mode', '{\"lostMessage\":\"Lost: call 555 0100\"}')"
start_agent -f "$T/mode.conf" || not_ok "agent starts in lost mode"
wait_ops 1 'lock.set_message message="Lost: call 555 0100"' ||
	not_ok "lost mode shown at start" "$(tail -n 3 "$T/dev/ops.log")"
blocks=$(ops 'lock.set_message message="This device')
clears=$(ops 'lock.set_message message=none')
sed 's/"version": "2"/"version": "4"/' "$T/policy0.json" >"$T/policy4.json"
check "a policy that blocks at once applies in lost mode" \
	timeout 20 "$WARDENCTL" -s "$SOCK" policy apply "$T/policy4.json"
scan
wait_until_state STANDALONE
n=50
while ! sqlite3 "$DB" "SELECT 1 FROM kv WHERE key = 'blocked:encryptionPolicy'" |
	grep -q 1 && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
sleep 0.5
[ "$(ops 'lock.set_message message="This device')" = "$blocks" ] &&
	grep '"lockMessage"' "$T/dev/device.json" | grep -q 'Lost: call 555 0100' &&
	ok "a block in lost mode locks but leaves the lost-mode message" ||
	not_ok "block in lost mode" "$(tail -n 3 "$T/dev/ops.log")"
check "the rule removed again" \
	timeout 20 "$WARDENCTL" -s "$SOCK" policy apply "$T/policy3.json"
scan
sleep 0.5
[ "$(ops 'lock.set_message message=none')" = "$clears" ] &&
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM kv WHERE key LIKE 'blocked:%'")" = 0 ] &&
	grep '"lockMessage"' "$T/dev/device.json" | grep -q 'Lost: call 555 0100' &&
	ok "lifting it in lost mode leaves the lost-mode message too" ||
	not_ok "unblock in lost mode" "$(tail -n 3 "$T/dev/ops.log")"

finish
