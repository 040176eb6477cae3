/*
 * store_schema.c - the database schema and its forward migrations.
 *
 * migrations[i] brings a database from version i to version i + 1. A
 * released migration is never edited: add a new one.
 */
#include <stdio.h>
#include <string.h>

#include "agent/core/store.h"

static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE agent ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  state TEXT NOT NULL,"
	"  step TEXT NOT NULL DEFAULT '',"
	"  updated_at INTEGER NOT NULL);"
	"INSERT INTO agent (id, state, updated_at)"
	"  VALUES (1, 'UNPROVISIONED', strftime('%s','now'));"
	"CREATE TABLE state_history ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at INTEGER NOT NULL,"
	"  from_state TEXT NOT NULL,"
	"  to_state TEXT NOT NULL,"
	"  reason TEXT NOT NULL);"
	"CREATE TABLE kv ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"
	"CREATE TABLE enrollment ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  request TEXT NOT NULL,"
	"  device_id TEXT,"
	"  certificate TEXT,"
	"  ca_chain TEXT,"
	"  enrolled_at INTEGER);"
	"CREATE TABLE policies ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  source TEXT NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 0,"
	"  raw TEXT NOT NULL,"
	"  signature TEXT,"
	"  received_at INTEGER NOT NULL,"
	"  active INTEGER NOT NULL DEFAULT 1);"
	"CREATE TABLE applied_settings ("
	"  setting TEXT PRIMARY KEY,"
	"  field_path TEXT NOT NULL DEFAULT '',"
	"  value TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('applied','pending','failed','unsupported')),"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  source TEXT NOT NULL DEFAULT '',"
	"  updated_at INTEGER NOT NULL);"
	"CREATE TABLE scans ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at INTEGER NOT NULL,"
	"  fact_count INTEGER NOT NULL);"
	"CREATE TABLE facts ("
	"  name TEXT PRIMARY KEY,"
	"  type TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  scan_id INTEGER NOT NULL REFERENCES scans(id));"
	"CREATE TABLE rule_state ("
	"  rule_id TEXT PRIMARY KEY,"
	"  first_failed_at INTEGER NOT NULL);"
	"CREATE TABLE compliance_history ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at INTEGER NOT NULL,"
	"  verdict TEXT NOT NULL,"
	"  policy_version INTEGER NOT NULL DEFAULT 0,"
	"  report TEXT NOT NULL);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind TEXT NOT NULL,"
	"  idem_key TEXT NOT NULL UNIQUE,"
	"  payload TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_try_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE inbox ("
	"  id TEXT PRIMARY KEY,"
	"  type TEXT NOT NULL,"
	"  params TEXT NOT NULL DEFAULT '{}',"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'received',"
	"  attempted_at INTEGER,"
	"  result TEXT);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  detail TEXT NOT NULL);",
	/* 1 -> 2: signed commands (commands_signature.c). The server's
	 * command key is an enrollment credential and goes with the row. */
	("ALTER TABLE inbox ADD COLUMN signature TEXT;"
	"ALTER TABLE enrollment ADD COLUMN command_key TEXT;"),
	/* 2 -> 3: how the device was before warden first applied a
	 * setting, so that a revert restores it. */
	"ALTER TABLE applied_settings ADD COLUMN prior TEXT;",
};

#define MIGRATION_COUNT (sizeof(migrations) / sizeof(migrations[0]))

_Static_assert(MIGRATION_COUNT == STORE_SCHEMA_VERSION,
    "one migration per schema version");

/*
 * Brings the schema to STORE_SCHEMA_VERSION, one transaction per step, so
 * a crash during a migration leaves the previous version intact.
 */
int
store_schema_migrate(struct store *st, char *err, size_t errlen)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q;
	int version = 0;
	char sql[128];

	if (sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS schema_version"
	    " (version INTEGER NOT NULL)", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	if (sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1,
	    &q, NULL) != SQLITE_OK)
		goto dberr;
	if (sqlite3_step(q) == SQLITE_ROW)
		version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "database schema version %d is newer "
		    "than this agent's %d", version, STORE_SCHEMA_VERSION);
		return -1;
	}
	for (; version < STORE_SCHEMA_VERSION; version++) {
		if (store_begin(st) != 0)
			goto dberr;
		snprintf(sql, sizeof(sql), "DELETE FROM schema_version;"
		    "INSERT INTO schema_version VALUES (%d)", version + 1);
		if (sqlite3_exec(db, migrations[version], NULL, NULL, NULL) !=
		    SQLITE_OK || sqlite3_exec(db, sql, NULL, NULL, NULL) !=
		    SQLITE_OK) {
			snprintf(err, errlen, "migration to schema version %d: "
			    "%s", version + 1, sqlite3_errmsg(db));
			store_rollback(st);
			return -1;
		}
		if (store_commit(st) != 0)
			goto dberr;
		log_info("database migrated to schema version %d", version + 1);
	}
	return 0;
dberr:
	snprintf(err, errlen, "schema: %s", sqlite3_errmsg(db));
	return -1;
}
