#!/bin/sh
# The protocol tests of wardenmdm once more, on PostgreSQL: each runs with
# WARDEN_MDM_BACKEND=postgresql (lib_pg.sh: a cluster of its own) and its
# lines are repeated here, prefixed with its name. The SQLite runs are the
# tests themselves. The list is every test of the server's protocol
# (enrollment and its retry, reports, policies, commands and their
# faults, signing, attestation, retirement, a simulated fleet) and of the
# admin console. $WARDEN_MDM_PG_TESTS replaces the list.
. "$(dirname "$0")/lib.sh"
dir=$(dirname "$0")
list=${WARDEN_MDM_PG_TESTS:-mdm_server enroll_rest enroll_retry fleet retire \
	signed_commands commands outbox_faults attest mdm_agent mdm_console}

for t in $list; do
	if [ ! -f "$dir/$t.sh" ]; then
		not_ok "$t: no such test"
		continue
	fi
	WARDEN_MDM_BACKEND=postgresql sh "$dir/$t.sh" >"$T/$t.log" 2>&1
	rc=$?
	n=0
	failing=
	# A failure's "#" lines follow it; the others stay in the log.
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "$t: ${line#ok * - }"; n=$((n + 1)); failing= ;;
		"not ok "*) not_ok "$t: ${line#not ok * - }"; n=$((n + 1))
			failing=1 ;;
		"#"*) [ -n "$failing" ] && echo "$line" ;;
		esac
	done <"$T/$t.log"
	if [ "$rc" -ne 0 ] || [ "$n" -eq 0 ]; then
		not_ok "$t on PostgreSQL exits 0 with results (exit $rc)" \
			"$(tail -n 20 "$T/$t.log")"
	fi
done

# The store's unit tests, each on the database emptied before it.
. "$dir/lib_pg.sh"
if ! pg_start >"$T/pg.log" 2>&1; then
	not_ok "a PostgreSQL server starts" "$(cat "$T/pg.log")"
	finish
	exit 1
fi
for u in "$WARDEN_BIN"/tests/unit/tools/mdm/test_mdm_store* \
    "$WARDEN_BIN"/tests/unit/tools/mdm/test_mdm_db; do
	[ -x "$u" ] || continue
	name=$(basename "$u")
	WARDEN_MDM_DB="$PG_URL" "$u" >"$T/$name.log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$T/$name.log")
	[ "$rc" = 0 ] && [ "${p:-0}" -gt 0 ] &&
		ok "unit/$name on PostgreSQL ($p passed)" ||
		not_ok "unit/$name on PostgreSQL" "$(grep -E 'FAILED|ERROR|error|Sanitizer' "$T/$name.log" | head -n 20)"
done
finish
