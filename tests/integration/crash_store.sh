#!/bin/sh
# SIGKILL in the middle of store transactions: after every restart the
# database holds the old or the new scan, never a mix.
#
# WARDEN_FAULT_TXN_DELAY_MS makes every facts transaction pause half-way,
# so most kills land inside one.
. "$(dirname "$0")/lib.sh"

ITER=${CRASH_ITERATIONS:-25}
export WARDEN_FAULT_TXN_DELAY_MS=40
DB="$T/state/warden.db"
bad=0
mid=0

for i in $(seq 1 "$ITER"); do
	if ! start_agent; then
		not_ok "start $i"
		break
	fi
	# keep the agent scanning with changing facts
	(
		j=0
		while [ $j -lt 50 ]; do
			ctl sim set battery.level $((i * 100 + j)) >/dev/null 2>&1
			ctl scan >/dev/null 2>&1
			j=$((j + 1))
		done
	) &
	load=$!
	sleep "0.$(shuf -i 10-40 -n 1)"
	# A kill while the WAL holds uncommitted frames counts as mid-txn.
	kill_agent
	kill "$load" 2>/dev/null
	wait "$load" 2>/dev/null
	res=$(sqlite3 "$DB" "PRAGMA integrity_check;" 2>&1)
	cons=$(sqlite3 "$DB" "
		SELECT (SELECT count(*) FROM facts) =
		       (SELECT fact_count FROM scans WHERE id =
		            (SELECT max(id) FROM scans))
		   AND (SELECT count(DISTINCT scan_id) FROM facts) <= 1
		   AND coalesce((SELECT min(scan_id) FROM facts), 0) =
		       coalesce((SELECT max(id) FROM scans), 0);" 2>&1)
	if [ "$res" != "ok" ] || [ "$cons" != "1" ]; then
		bad=$((bad + 1))
		echo "# iteration $i: integrity=$res consistent=$cons"
	fi
	# the kill landed inside a transaction when the log's last line is
	# the fault point (the commit logs "scan N: ...")
	last=$(grep -E "fault point|scan [0-9]+:" "$T/wardend.log" | tail -n 1)
	case "$last" in *"fault point"*) mid=$((mid + 1)) ;; esac
	: >"$T/wardend.log"
done

echo "# $mid of $ITER kills landed inside an open transaction"
[ $mid -gt 0 ] && ok "kills landed inside transactions ($mid of $ITER)" ||
	not_ok "kills landed inside transactions" "none did: the test proves nothing"
[ $bad -eq 0 ] && ok "$ITER kills -9 during scans: database intact and consistent" ||
	not_ok "$ITER kills -9 during scans: database intact and consistent" "$bad bad"

# After all that, the agent starts and serves the last committed scan.
if start_agent && ctl facts --json >/dev/null; then
	ok "the agent restarts after the kills"
else
	not_ok "the agent restarts after the kills"
fi
stop_agent
finish
