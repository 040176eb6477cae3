# lib_mdm.sh - helpers for the tests that run wardend against the reference
# server wardenmdm (sourced after lib.sh).

MDM="$WARDEN_BIN/wardenmdm"
D="$T/mdm"
SRV_PID=
URL=

mdm() {
	"$MDM" --dir "$D" "$@"
}

# start_server [ADDR]: serves on ADDR (default a free port on 127.0.0.1)
# and sets URL once the server has written it. $MDM_SERVE_ARGS: more
# options for `serve` (word-split).
start_server() {
	rm -f "$D/server.url"
	"$MDM" --dir "$D" serve --listen "${1:-127.0.0.1:0}" \
		${MDM_SERVE_ARGS:-} >>"$T/mdm.log" 2>&1 &
	SRV_PID=$!
	i=0
	while [ ! -s "$D/server.url" ] && [ $i -lt 200 ]; do
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	URL=$(cat "$D/server.url" 2>/dev/null)
	[ -n "$URL" ]
}

stop_server() {
	if [ -n "$SRV_PID" ]; then
		kill -TERM "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
		SRV_PID=
	fi
}

# wait_until SECONDS command...: true once the command succeeds.
wait_until() {
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# field NAME: one member of `wardenctl status --json`.
field() {
	ctl status --json | json_get "$1"
}

is_state() {
	[ "$(field state)" = "$1" ]
}

# wait_result CMD PATTERN [SECONDS]: the server stores a result of command
# CMD (of device $ID) matching PATTERN (grep -E).
wait_result() {
	wait_until "${3:-10}" sh -c "'$MDM' --dir '$D' results '$ID' |
		grep '^$1 ' | grep -Eq -- '$2'"
}

# ops OP: how many times the simulated device ($OPS) ran OP.
ops() {
	grep -c "^$1 " "$OPS" 2>/dev/null || true
}

# db SQL: a query on the agent's store.
db() {
	sqlite3 "$T/state/warden.db" "$1"
}

. "$(dirname "$0")/lib_pg.sh"
mdm_backend
