#!/bin/sh
# control_limits.sh - no local client can stop the agent: clients that hang
# up before their reply (SIGPIPE), half-sent and overlong requests, idle
# and flooding connections, under a 1024-descriptor limit, from
# unprivileged uids; the agent keeps answering root with bounded memory.
. "$(dirname "$0")/lib.sh"

NOBODY=65534

# as UID command...: runs a command as an unprivileged uid.
run_as() {
	uid=$1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
}

rss_kb() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$AGENT_PID/status"
}

nfds() {
	ls "/proc/$AGENT_PID/fd" | wc -l
}

alive() {
	kill -0 "$AGENT_PID" 2>/dev/null
}

# status_ok WHAT: root's wardenctl answers within 5 s while the agent runs.
status_ok() {
	if out=$(timeout 5 "$WARDENCTL" -s "$SOCK" status --json 2>&1) &&
	    alive; then
		ok "$1"
	else
		not_ok "$1" "$out"
	fi
}

chmod 0711 "$T"
# The unprivileged clients must read it wherever the tree is checked out.
install -m 0644 "$WARDEN_SRCTREE/tests/integration/ctl_peer.py" "$T/ctl_peer.py"
PEER="/usr/bin/python3 $T/ctl_peer.py"
cat >"$T/wardend.conf" <<EOF
control-mode 0666
control-timeout 2
control-max-clients 64
control-max-per-uid 8
EOF
# ASan keeps freed memory in quarantine (256 MB by default): keep it small
# so that what the agent holds is what the test measures.
ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=1" \
    start_agent -f "$T/wardend.conf" || { not_ok "agent starts"; finish; exit 1; }
prlimit --nofile=1024:1024 --pid "$AGENT_PID"
ok "agent starts, descriptors limited to 1024"
rss0=$(rss_kb)

# 1. Clients that hang up before reading their reply.
run_as $NOBODY $PEER "$SOCK" hangup '{"cmd":"status"}'
run_as $NOBODY $PEER "$SOCK" hangup '{"cmd":"facts"}' rst
run_as $NOBODY $PEER "$SOCK" hangup '{"cmd":"compliance"}'
run_as $NOBODY $PEER "$SOCK" hangup '{"cmd":"policy-show"}' rst
run_as $NOBODY $PEER "$SOCK" hangup '{"cmd":"attest"}'
sleep 0.3
status_ok "unprivileged clients hanging up before their reply: the agent lives"
# root's requests answered later, after the client has gone (a scan, a
# policy apply: the administrator's Ctrl-C)
$PEER "$SOCK" hangup '{"cmd":"scan"}'
$PEER "$SOCK" hangup "{\"cmd\":\"policy-apply\",\"policy\":$(cat "$WARDEN_SRCTREE/examples/policies/fully_managed.json" | tr -d '\n')}"
sleep 1
status_ok "root hanging up during a scan and a policy apply: the agent lives"
i=0
while [ $i -lt 30 ]; do
	run_as $NOBODY $PEER "$SOCK" hangup '{"cmd":"facts"}' rst
	$PEER "$SOCK" hangup '{"cmd":"scan"}'
	i=$((i + 1))
done
sleep 1
status_ok "60 more hang-ups: the agent lives"
if grep -q 'SIGPIPE\|Broken pipe' "$T/wardend.log" && ! alive; then
	not_ok "no SIGPIPE death" "$(tail -n 5 "$T/wardend.log")"
else
	ok "no SIGPIPE death"
fi

# 2. Line limits: short for unprivileged peers, long for root.
out=$(run_as $NOBODY $PEER "$SOCK" line 9000)
case "$out" in
*'request longer than 8192 bytes'*) ok "unprivileged 9000-byte request refused: $out" ;;
*) not_ok "unprivileged 9000-byte request refused" "$out" ;;
esac
out=$($PEER "$SOCK" line 9000)
case "$out" in
*'"ok":true'*) ok "root's 9000-byte request answered" ;;
*) not_ok "root's 9000-byte request answered" "$out" ;;
esac

# 3. Half-sent and idle connections time out (control-timeout 2).
out=$(run_as $NOBODY $PEER "$SOCK" trickle 6)
secs=$(printf '%s' "$out" | sed -n 's/^after \([0-9]*\)\..*/\1/p')
case "$out" in
*'request not completed within 2 s'*)
	if [ "${secs:-9}" -le 3 ]; then
		ok "a request trickled a byte a second is cut after 2 s"
	else
		not_ok "trickled request cut after 2 s" "$out"
	fi ;;
*) not_ok "a trickled request is cut after 2 s" "$out" ;;
esac
out=$(run_as $NOBODY $PEER "$SOCK" wait)
secs=$(printf '%s' "$out" | sed -n 's/^after \([0-9]*\)\..*/\1/p')
if [ "${secs:-9}" -le 3 ] && printf '%s' "$out" | grep -q 'None$'; then
	ok "an idle connection is closed after 2 s ($out)"
else
	not_ok "an idle connection is closed after 2 s" "$out"
fi

# 4. Descriptor exhaustion: 1,100 idle connections from one uid.
run_as $NOBODY $PEER "$SOCK" idle 1100 4 >"$T/idle.out" 2>&1 &
idle_pid=$!
sleep 2
status_ok "root answered while 1,100 connections are held open"
out=$(timeout 5 setpriv --reuid=4242 --regid=4242 --clear-groups "$WARDENCTL" -s "$SOCK" status 2>&1)
if [ $? -eq 0 ]; then
	ok "another unprivileged uid answered meanwhile"
else
	not_ok "another unprivileged uid answered meanwhile" "$out"
fi
fds=$(nfds)
if [ "$fds" -lt 100 ]; then
	ok "the agent holds $fds descriptors"
else
	not_ok "the agent holds fewer than 100 descriptors" "$fds"
fi
wait $idle_pid
out=$(cat "$T/idle.out")
case "$out" in
open=8\ refused=1092\ failed=0) ok "8 kept (per-uid cap), 1,092 refused with a reason: $out" ;;
*) not_ok "per-uid cap: 8 kept, the rest refused with a reason" "$out" ;;
esac
out=$(run_as $NOBODY "$WARDENCTL" -s "$SOCK" status 2>&1)
if [ $? -eq 0 ]; then
	ok "the flooding uid is served again once its connections are gone"
else
	not_ok "the flooding uid is served again" "$out"
fi

# 5. Half-open flood: 300 connections sending 1 MiB without a newline,
# from six unprivileged uids at once.
flooders=
for u in 4000 4001 4002 4003 4004 4005; do
	run_as $u $PEER "$SOCK" halfopen 50 1048576 3 >"$T/flood.$u" 2>&1 &
	flooders="$flooders $!"
done
sleep 1.5
rss1=$(rss_kb)
status_ok "root answered during a 300 x 1 MiB half-open flood"
wait $flooders
refused=$(cat "$T"/flood.* | sed -n 's/.*refused=\([0-9]*\).*/\1/p' |
    awk '{ n += $1 } END { print n + 0 }')
if [ "$refused" -ge 250 ]; then
	ok "$refused of 300 flooding connections cut by the agent"
else
	not_ok "flooding connections cut by the agent" "$(cat "$T"/flood.*)"
fi
sleep 2.5
rss2=$(rss_kb)
grow=$(( (rss1 - rss0) / 1024 ))
left=$(( (rss2 - rss0) / 1024 ))
if [ "$grow" -lt 16 ] && [ "$left" -lt 16 ]; then
	ok "memory bounded: RSS $((rss0 / 1024)) MB, +$grow MB during the flood, +$left MB after"
else
	not_ok "memory bounded (under 16 MB of growth)" \
	    "RSS $rss0 kB, during $rss1 kB, after $rss2 kB"
fi
conns=$(ctl --json status | json_get controlConnections)
if [ "$conns" = 1 ]; then
	ok "every flooding connection is gone (only this one open)"
else
	not_ok "every flooding connection is gone" "controlConnections $conns"
fi
refused=$(ctl --json status | json_get controlRefused)
if [ "$refused" -gt 1000 ]; then
	ok "status counts the refused connections ($refused)"
else
	not_ok "status counts the refused connections" "$refused"
fi
if grep -q 'cut a connection from uid 65534' "$T/wardend.log"; then
	ok "a cut connection is logged"
else
	not_ok "a cut connection is logged"
fi
n=$(grep -c 'cut a connection\|request longer' "$T/wardend.log")
if [ "$n" -le 5 ]; then
	ok "cut connections are logged at most once a minute ($n lines)"
else
	not_ok "cut connections are logged at most once a minute" "$n lines"
fi

# 6. wardenctl survives an agent that hangs up on it.
$PEER "$T/fake.sock" serve-hangup >"$T/fake.out" 2>&1 &
fake=$!
i=0
while [ ! -S "$T/fake.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
# more than the socket's buffer, less than wardenctl's 256 KiB for a policy
head -c 250000 /dev/zero | tr '\0' ' ' >"$T/big.json"
printf '{}' >>"$T/big.json"
timeout 10 "$WARDENCTL" -s "$T/fake.sock" policy apply "$T/big.json" \
    >/dev/null 2>"$T/ctl.err"
rc=$?
kill $fake 2>/dev/null
wait $fake
if [ "$rc" -eq 1 ] && [ -s "$T/ctl.err" ]; then
	ok "wardenctl reports an agent that hung up (exit 1: $(head -c 100 "$T/ctl.err"))"
else
	not_ok "wardenctl reports an agent that hung up (exit 1, not 141)" \
	    "exit $rc: $(cat "$T/ctl.err")"
fi

# 7. The unit restarts the agent whatever ended it.
if grep -qx 'Restart=always' "$WARDEN_SRCTREE/packaging/systemd/wardend.service"; then
	ok "the unit restarts the agent on any exit (Restart=always)"
else
	not_ok "the unit says Restart=always"
fi

alive && ok "the agent is still running" || not_ok "the agent is still running"
finish
