# lib_pg.sh - a PostgreSQL server of the test's own (sourced after lib.sh):
# Debian's postgresql package, a cluster made by initdb in a temporary
# directory, run by an unprivileged user (PostgreSQL refuses root), reached
# through a unix socket in that directory only (no TCP at all). fsync is
# off: the cluster is thrown away with the test.

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_DIR=
PG_URL=
PG_DB=wardenmdm

# as_pg command...: runs the command as the cluster's owner.
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		"$@"
	fi
}

# pg_start: initdb, start, create the database; sets PG_URL. Stopped and
# removed at exit.
pg_start() {
	[ -x "$PG_BIN/initdb" ] || { echo "postgresql is not installed"; return 1; }
	PG_DIR=$(mktemp -d /tmp/warden-pg-XXXXXX) || return 1
	trap pg_stop EXIT
	[ "$(id -u)" = 0 ] && chown 65534:65534 "$PG_DIR"
	(cd "$PG_DIR" && as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U warden \
		--auth=trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1) ||
		{ cat "$PG_DIR/initdb.log"; return 1; }
	(cd "$PG_DIR" && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 \
		-l "$PG_DIR/server.log" -o "-k $PG_DIR -c listen_addresses='' \
		-c fsync=off -c max_connections=200" start >/dev/null 2>&1) ||
		{ cat "$PG_DIR/server.log"; return 1; }
	psql -X -q "postgresql://warden@/postgres?host=$PG_DIR" \
		-c "CREATE DATABASE $PG_DB" >/dev/null || return 1
	PG_URL="postgresql://warden@/$PG_DB?host=$PG_DIR"
}

# pg_sql SQL: the query's rows, unaligned, fields separated by "|".
pg_sql() {
	psql -X -q -At "$PG_URL" -c "$1"
}

pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	(cd "$PG_DIR" && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w \
		stop >/dev/null 2>&1)
	rm -rf "$PG_DIR"
	PG_DIR=
}

# mdm_backend: with WARDEN_MDM_BACKEND=postgresql, puts the database of
# the wardenmdm under test ($D) on a PostgreSQL server of the test's own
# instead of $D/mdm.db (the protocol tests run so once more, in
# integration/mdm_postgresql). Ends the test when it cannot start one.
mdm_backend() {
	[ "${WARDEN_MDM_BACKEND:-sqlite}" = postgresql ] || return 0
	if ! pg_start >"$T/pg.log" 2>&1; then
		not_ok "a PostgreSQL server starts" "$(cat "$T/pg.log")"
		finish
		exit 1
	fi
	export WARDEN_MDM_DB="$PG_URL"
}

# mdmdb SQL: a query on the database of the wardenmdm under test, on
# whichever backend.
mdmdb() {
	if [ -n "${WARDEN_MDM_DB:-}" ]; then
		psql -X -q -At "$WARDEN_MDM_DB" -c "$1"
	else
		sqlite3 "$D/mdm.db" "$1"
	fi
}
