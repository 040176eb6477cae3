#!/bin/sh
# A server that refuses what the device pushes (wardenmdm's fault
# injection, serve --inject-faults): answering 400, 413 or 422 to every
# push and every command result costs the device nothing (the outbox keeps
# every row, the agent backs off, and everything arrives once the server
# is healthy again); a server that rejects exactly one row gets the others,
# that row is dropped, and the server is told (an OUTBOX_DROPPED event
# with droppedReports 1) as is `wardenctl status`; the same for one
# command result. The counts survive a restart.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"
FAULTS="$T/faults"
MDM_SERVE_ARGS="--inject-faults $FAULTS"

rows() {
	db "SELECT count(*) FROM outbox"
}

# kernel VALUE: a new report, whose deviceKernelVersion is VALUE.
kernel() {
	ctl sim set os.kernel "$1" >/dev/null && ctl scan >/dev/null
}

# server_has TEXT: the server stored a report or event containing TEXT.
server_has() {
	mdm reports "$ID" | grep -q -- "$1"
}

outbox_holds() {
	[ "$(db "SELECT count(*) FROM outbox WHERE payload LIKE '%$1%'")" = 1 ]
}

if ! command -v sqlite3 >/dev/null || [ ! -x "$MDM" ]; then
	not_ok "sqlite3 and wardenmdm are available"
	finish
	exit 1
fi
start_server || { not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"; finish; exit 1; }
mdm policy set examples/policies/fully_managed.json >/dev/null
mdm token new --mode FULLY_MANAGED --json "$T/qr.json" >/dev/null
start_agent
ctl provision --qr-text "$T/qr.json" >/dev/null 2>&1
if wait_until 20 is_state MANAGED; then
	ID=$(field deviceId)
	ok "a device enrolled ($ID)"
else
	not_ok "enrolled" "$(tail -n 20 "$T/wardend.log")"
	finish
	exit 1
fi
wait_until 20 sh -c "[ \$(sqlite3 '$T/state/warden.db' 'SELECT count(*) FROM outbox') = 0 ]" ||
	not_ok "the first report is delivered" "$(db 'SELECT kind, idem_key FROM outbox')"

# --- a server that refuses everything ---------------------------------------
for code in 400 413 422; do
	echo "refuse $code" >"$FAULTS"
	kernel "k-$code-1"
	kernel "k-$code-2"
	CMD=$(mdm command "$ID" RESCAN)
	kernel "k-$code-3"
	wait_until 10 sh -c "[ \$(sqlite3 '$T/state/warden.db' \"SELECT count(*) FROM outbox WHERE kind = 'result'\") = 1 ]"
	# Several rounds of refusals (the first retries come after 1 and 2 s).
	sleep 4
	if outbox_holds "k-$code-1" && outbox_holds "k-$code-2" &&
		outbox_holds "k-$code-3" &&
		[ "$(db "SELECT count(*) FROM outbox WHERE kind = 'result'")" = 1 ] &&
		[ "$(db "SELECT count(*) FROM events WHERE kind = 'outbox-dropped'")" = 0 ] &&
		[ "$(field droppedReports)" = 0 ] && [ "$(field droppedResults)" = 0 ] &&
		[ "$(field nextRetryAt)" != null ] &&
		field serverError | grep -q 'refuses every row' &&
		! server_has "k-$code-"; then
		ok "HTTP $code to everything: every row kept, the agent backs off"
	else
		not_ok "HTTP $code: rows kept" "$(db 'SELECT kind, idem_key, attempts FROM outbox';
			ctl status; grep outbox "$T/wardend.log" | tail -n 10)"
	fi
	n=$(grep -c "inject-faults: .* refused with $code" "$T/mdm.log")
	[ "$n" -gt 0 ] && [ "$n" -lt 100 ] &&
		ok "HTTP $code: $n refused exchanges in 4 s, no storm" ||
		not_ok "HTTP $code: refused exchanges" "$n"
	rm -f "$FAULTS"
	if wait_until 30 sh -c "[ \$(sqlite3 '$T/state/warden.db' 'SELECT count(*) FROM outbox') = 0 ]" &&
		server_has "k-$code-1" && server_has "k-$code-2" &&
		server_has "k-$code-3" && wait_result "$CMD" SUCCEEDED; then
		ok "HTTP $code: once the server is healthy every row arrives"
	else
		not_ok "HTTP $code: delivered after" "$(db 'SELECT kind, idem_key FROM outbox'; mdm results "$ID")"
	fi
done
[ "$(field droppedReports)" = 0 ] && [ "$(field droppedResults)" = 0 ] &&
	! ctl status | grep -q '^dropped:' &&
	ok "nothing was dropped; status shows no drops" ||
	not_ok "no drops" "$(ctl status)"

# --- a server that rejects exactly one row -----------------------------------
echo "reject POISON-ROW" >"$FAULTS"
kernel k-good-1
kernel POISON-ROW
kernel k-good-2
kernel k-good-3
if wait_until 30 sh -c "[ \$(sqlite3 '$T/state/warden.db' 'SELECT count(*) FROM outbox') = 0 ]" &&
	server_has k-good-1 && server_has k-good-2 && server_has k-good-3 &&
	! server_has POISON-ROW; then
	ok "one row rejected: the others delivered, that row dropped"
else
	not_ok "one row rejected" "$(db 'SELECT kind, idem_key FROM outbox'; mdm reports "$ID" | cut -c 1-200)"
fi
[ "$(db "SELECT count(*) FROM events WHERE kind = 'outbox-dropped' AND detail LIKE '%rejected by fault injection%'")" = 1 ] &&
	ok "the drop is recorded in the local events" ||
	not_ok "local event" "$(db 'SELECT * FROM events')"
if wait_until 10 sh -c "'$MDM' --dir '$D' reports '$ID' | grep -q '\"type\":\"OUTBOX_DROPPED\",\"droppedReports\":1,\"droppedResults\":0'" &&
	wait_until 5 sh -c "[ \"\$('$WARDENCTL' -s '$SOCK' status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"droppedAcknowledged\"])')\" = True ]"; then
	ok "the server is told: OUTBOX_DROPPED with droppedReports 1"
else
	not_ok "server told" "$(mdm reports "$ID" | grep -i dropped; ctl status --json)"
fi
[ "$(field droppedReports)" = 1 ] && [ "$(field droppedResults)" = 0 ] &&
	[ "$(field droppedAcknowledged)" = true ] &&
	ctl status | grep -q '^dropped: *1 reports/events, 0 command results (the server was told)' &&
	ok "wardenctl status shows the drop (text and --json)" ||
	not_ok "status" "$(ctl status; ctl status --json)"

# --- one command result rejected --------------------------------------------
echo "reject FLY_TO_MOON" >"$FAULTS"
BAD=$(mdm command "$ID" FLY_TO_MOON)
GOOD=$(mdm command "$ID" LOCK)
if wait_result "$GOOD" SUCCEEDED 30 &&
	wait_until 30 sh -c "[ \$(sqlite3 '$T/state/warden.db' 'SELECT count(*) FROM outbox') = 0 ]" &&
	! mdm results "$ID" | grep "^$BAD " | grep -q UNSUPPORTED &&
	[ "$(field droppedResults)" = 1 ]; then
	ok "one command result rejected: dropped, the next one delivered"
else
	not_ok "result rejected" "$(mdm results "$ID"; db 'SELECT kind, idem_key FROM outbox'; ctl status)"
fi
wait_until 10 sh -c "'$MDM' --dir '$D' reports '$ID' | grep -q '\"droppedReports\":1,\"droppedResults\":1'" &&
	ok "the server is told: droppedResults 1" ||
	not_ok "told droppedResults" "$(mdm reports "$ID" | grep -i dropped)"
rm -f "$FAULTS"

# --- the counts survive a restart ---------------------------------------------
stop_agent
start_agent
[ "$(field droppedReports)" = 1 ] && [ "$(field droppedResults)" = 1 ] &&
	[ "$(field droppedAcknowledged)" = true ] &&
	ok "the drop counts survive a restart" ||
	not_ok "after restart" "$(ctl status --json)"
[ "$(mdm reports "$ID" | grep -c OUTBOX_DROPPED)" = 2 ] &&
	ok "each notice reached the server once" ||
	not_ok "notices" "$(mdm reports "$ID" | grep OUTBOX_DROPPED)"

stop_agent
stop_server
if [ "$nfail" -ne 0 ]; then
	echo "# server log:"
	tail -n 30 "$T/mdm.log" | sed 's/^/# /'
fi
finish
