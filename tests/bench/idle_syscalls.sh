#!/bin/sh
# Counts the system calls an idle wardend makes: starts it on a simulated
# device, lets the first scan finish, then traces every thread with
# strace -f -tt for SECONDS (default 30) and prints what it saw.
# usage: idle_syscalls.sh BUILD_DIR [SECONDS]
set -u
bin=${1:?usage: idle_syscalls.sh BUILD_DIR [SECONDS]}
secs=${2:-30}
T=$(mktemp -d /tmp/warden-idle-XXXXXX)
"$bin/wardend" -d -H "sim:$T/dev" -S "$T/state" -s "$T/sock" >"$T/log" 2>&1 &
pid=$!
i=0
while [ ! -S "$T/sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
"$bin/wardenctl" -s "$T/sock" scan >/dev/null
sleep 0.5
timeout "$secs" strace -f -tt -p "$pid" -o "$T/trace" 2>/dev/null
# Lines for calls already blocking when strace attached end in
# "<unfinished ...>" or "<detached ...>"; anything else is a call made
# during the window.
calls=$(grep -v -e '<unfinished \.\.\.>$' -e '<detached \.\.\.>$' "$T/trace" | grep -c .)
threads=$(ls "/proc/$pid/task" | wc -l)
echo "idle wardend, pid $pid, $threads threads, traced ${secs}s with strace -f -tt:"
sed 's/^/  /' "$T/trace"
echo "system calls made while idle: $calls"
kill "$pid"
wait "$pid" 2>/dev/null
rm -rf "$T"
[ "$calls" -eq 0 ]
