# lib.sh - shared helpers for the integration tests (sourced).
#
# Each test prints "ok N - what" or "not ok N - what"; tests/run.sh counts
# them. Binaries come from $WARDEN_BIN (the build directory).

: "${WARDEN_BIN:?set WARDEN_BIN to the build directory}"
WARDEND="$WARDEN_BIN/wardend"
WARDENCTL="$WARDEN_BIN/wardenctl"
T=$(mktemp -d /tmp/warden-it-XXXXXX)
SOCK="$T/ctl.sock"
_tn=0
nfail=0
# ASan's leak check does not apply to processes killed on purpose.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"

ok() {
	_tn=$((_tn + 1))
	echo "ok $_tn - $1"
}

not_ok() {
	_tn=$((_tn + 1))
	nfail=$((nfail + 1))
	echo "not ok $_tn - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/# /'
	return 0
}

# check "what" command...: ok when the command succeeds.
check() {
	what=$1
	shift
	if out=$("$@" 2>&1); then
		ok "$what"
	else
		not_ok "$what" "$out"
	fi
}

# expect_fail "what" CODE PATTERN command...: the command must exit with
# CODE and print something matching PATTERN (grep -E) on stderr.
expect_fail() {
	what=$1 code=$2 pat=$3
	shift 3
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq "$code" ] && printf '%s' "$out" | grep -Eq -- "$pat"; then
		ok "$what"
	else
		not_ok "$what" "exit $rc (want $code), stderr: $out"
	fi
}

ctl() {
	"$WARDENCTL" -s "$SOCK" "$@"
}

# start_agent [args...]: starts wardend in the foreground on the
# simulated device in $T/dev with state in $T/state; waits for the socket.
start_agent() {
	"$WARDEND" -d -H "sim:$T/dev" -S "$T/state" -s "$SOCK" "$@" \
		>>"$T/wardend.log" 2>&1 &
	AGENT_PID=$!
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 200 ]; do
		if ! kill -0 "$AGENT_PID" 2>/dev/null; then
			break
		fi
		sleep 0.05
		i=$((i + 1))
	done
	[ -S "$SOCK" ]
}

stop_agent() {
	if [ -n "${AGENT_PID:-}" ]; then
		kill -TERM "$AGENT_PID" 2>/dev/null
		wait "$AGENT_PID" 2>/dev/null
		AGENT_RC=$?
		AGENT_PID=
	fi
}

kill_agent() {
	if [ -n "${AGENT_PID:-}" ]; then
		kill -KILL "$AGENT_PID" 2>/dev/null
		wait "$AGENT_PID" 2>/dev/null
		AGENT_PID=
	fi
	rm -f "$SOCK"
}

# json_get PATH: reads JSON on stdin, prints the value at PATH (a/b/0) (python3 is
# Debian's and always present; jq is not).
json_get() {
	/usr/bin/python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("/"):
    if k:
        v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)
' "$1"
}

finish() {
	stop_agent
	if [ "$nfail" -eq 0 ]; then
		rm -rf "$T"
	else
		echo "# agent log kept in $T/wardend.log"
		tail -n 30 "$T/wardend.log" | sed 's/^/# /'
	fi
	[ "$nfail" -eq 0 ]
}
