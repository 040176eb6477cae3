/*
 * mdm_store_schema.c - the store's tables and their versions: SQLite's
 * schema with its forward upgrades (the version in PRAGMA user_version),
 * and the same tables on PostgreSQL, created at the current version (in
 * the table wardenmdm_schema).
 */
#include <stdio.h>

#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_store_int.h"

#define SCHEMA_VERSION 5

static const char schema[] =
    "CREATE TABLE tokens ("
    " hash TEXT PRIMARY KEY,"		/* hex SHA-256 of the token */
    " mode TEXT NOT NULL,"
    " created INTEGER NOT NULL,"
    " expires INTEGER NOT NULL,"
    " used INTEGER,"			/* when, NULL while unused */
    " device_id TEXT);"
    "CREATE TABLE devices ("
    " id TEXT PRIMARY KEY,"
    " mode TEXT NOT NULL,"
    " enrolled INTEGER NOT NULL,"
    " retired INTEGER,"			/* when, NULL while enrolled */
    " info TEXT NOT NULL);"		/* the enrollment's device JSON */
    "CREATE TABLE certs ("
    " fingerprint TEXT PRIMARY KEY,"	/* hex SHA-256 of the DER */
    " device_id TEXT NOT NULL REFERENCES devices(id),"
    " serial TEXT NOT NULL,"
    " not_after INTEGER NOT NULL,"
    " issued INTEGER NOT NULL);"
    "CREATE TABLE policies ("
    " scope TEXT PRIMARY KEY,"		/* device id, '' for the default */
    " version TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " updated INTEGER NOT NULL);"
    "CREATE TABLE policy_versions ("
    " version TEXT PRIMARY KEY,"
    " hash TEXT NOT NULL);"		/* hex SHA-256 of the body */
    "CREATE TABLE reports ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " device_id TEXT NOT NULL REFERENCES devices(id),"
    " idem_key TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " payload TEXT NOT NULL,"
    " compliant INTEGER,"		/* payload.policyCompliant */
    " received INTEGER NOT NULL,"
    " UNIQUE (device_id, idem_key));"
    "CREATE TABLE commands ("
    " id TEXT PRIMARY KEY,"
    " device_id TEXT NOT NULL REFERENCES devices(id),"
    " type TEXT NOT NULL,"
    " params TEXT NOT NULL,"
    " created INTEGER NOT NULL,"
    " duration INTEGER NOT NULL,"
    " delivered INTEGER,"
    " deliveries INTEGER NOT NULL DEFAULT 0,"
    " status TEXT,"
    " error_code TEXT,"
    " result TEXT,"
    " result_time INTEGER);"
    "CREATE INDEX commands_pending ON commands (device_id, result_time);";

/* upgrades[v - 1] brings version v to v + 1; never edited once released. */
static const char *const upgrades[] = {
	/* 1 -> 2: signed commands. */
	"ALTER TABLE commands ADD COLUMN signature TEXT;",
	/* 2 -> 3: an enrollment answered again to the same key. */
	("ALTER TABLE tokens ADD COLUMN key_hash TEXT;"
	 "ALTER TABLE tokens ADD COLUMN certificate TEXT;"),
	/* 3 -> 4: groups; a group's policy is scope 'group:<name>'. */
	("CREATE TABLE groups ("
	 " name TEXT PRIMARY KEY,"
	 " created INTEGER NOT NULL);"
	 "ALTER TABLE devices ADD COLUMN group_name TEXT REFERENCES "
	 "groups(name);"
	 "CREATE INDEX devices_group ON devices (group_name);"),
	/* 4 -> 5: the admin console: its one-time login links (by their
	 * SHA-256), its password, a token's group, and a device's last
	 * report found without a scan. */
	("CREATE TABLE admin_links ("
	 " hash TEXT PRIMARY KEY,"
	 " created INTEGER NOT NULL,"
	 " expires INTEGER NOT NULL,"
	 " used INTEGER);"
	 "CREATE TABLE admin_password ("
	 " id INTEGER PRIMARY KEY CHECK (id = 1),"
	 " salt TEXT NOT NULL,"
	 " iterations INTEGER NOT NULL,"
	 " hash TEXT NOT NULL,"
	 " updated INTEGER NOT NULL);"
	 "ALTER TABLE tokens ADD COLUMN group_name TEXT;"
	 "CREATE INDEX reports_last ON reports (device_id, kind, seq);"),
};

_Static_assert(sizeof(upgrades) / sizeof(upgrades[0]) == SCHEMA_VERSION - 1,
    "one upgrade per schema version after the first");

static int
user_version(struct mdm_store *st, int *version)
{
	struct mdm_db_stmt *s;

	if ((s = mdm_store_prepare(st, "PRAGMA user_version")) == NULL ||
	    mdm_db_step(s) != MDM_DB_ROW) {
		mdm_db_finalize(s);
		return -1;
	}
	*version = mdm_db_column_int64(s, 0);
	mdm_db_finalize(s);
	return 0;
}

static int
migrate(struct mdm_store *st, char *err, size_t errlen)
{
	char sql[64];
	int version;

	if (user_version(st, &version) != 0) {
		snprintf(err, errlen, "reading the schema version: %s",
		    mdm_db_errmsg(st->db));
		return -1;
	}
	if (version == SCHEMA_VERSION)
		return 0;
	if (version < 0 || version > SCHEMA_VERSION) {
		snprintf(err, errlen, "schema version %d is not %d (a newer "
		    "wardenmdm?)", version, SCHEMA_VERSION);
		return -1;
	}
	if (mdm_db_exec(st->db, "BEGIN IMMEDIATE") != 0)
		goto fail;
	/* The other process may have created or upgraded it meanwhile. */
	if (user_version(st, &version) != 0) {
		mdm_db_exec(st->db, "ROLLBACK");
		goto fail;
	}
	if (version == 0 && mdm_db_exec(st->db, schema) != 0) {
		mdm_db_exec(st->db, "ROLLBACK");
		goto fail;
	}
	for (version = version == 0 ? 1 : version; version < SCHEMA_VERSION;
	    version++)
		if (mdm_db_exec(st->db, upgrades[version - 1]) != 0) {
			mdm_db_exec(st->db, "ROLLBACK");
			goto fail;
		}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    SCHEMA_VERSION);
	if (mdm_db_exec(st->db, sql) != 0 || mdm_db_exec(st->db, "COMMIT") != 0) {
		mdm_db_exec(st->db, "ROLLBACK");
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "creating the schema: %s",
	    mdm_db_errmsg(st->db));
	return -1;
}

/* The same tables on PostgreSQL, at SCHEMA_VERSION: integers are
 * BIGINT (times in seconds), and the tables the store orders by
 * insertion get the rowid SQLite gives every table. A later version
 * adds its upgrade here too, next to the SQLite one. */
static const char schema_pg[] =
    "CREATE TABLE groups ("
    " name TEXT PRIMARY KEY,"
    " created BIGINT NOT NULL);"
    "CREATE TABLE tokens ("
    " hash TEXT PRIMARY KEY,"
    " mode TEXT NOT NULL,"
    " created BIGINT NOT NULL,"
    " expires BIGINT NOT NULL,"
    " used BIGINT,"
    " device_id TEXT,"
    " key_hash TEXT,"
    " certificate TEXT,"
    " group_name TEXT);"
    "CREATE TABLE devices ("
    " rowid BIGINT GENERATED ALWAYS AS IDENTITY,"
    " id TEXT PRIMARY KEY,"
    " mode TEXT NOT NULL,"
    " enrolled BIGINT NOT NULL,"
    " retired BIGINT,"
    " info TEXT NOT NULL,"
    " group_name TEXT REFERENCES groups(name));"
    "CREATE INDEX devices_group ON devices (group_name);"
    "CREATE TABLE certs ("
    " fingerprint TEXT PRIMARY KEY,"
    " device_id TEXT NOT NULL REFERENCES devices(id),"
    " serial TEXT NOT NULL,"
    " not_after BIGINT NOT NULL,"
    " issued BIGINT NOT NULL);"
    "CREATE TABLE policies ("
    " scope TEXT PRIMARY KEY,"
    " version TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " updated BIGINT NOT NULL);"
    "CREATE TABLE policy_versions ("
    " version TEXT PRIMARY KEY,"
    " hash TEXT NOT NULL);"
    "CREATE TABLE reports ("
    " seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " device_id TEXT NOT NULL REFERENCES devices(id),"
    " idem_key TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " payload TEXT NOT NULL,"
    " compliant BIGINT,"
    " received BIGINT NOT NULL,"
    " UNIQUE (device_id, idem_key));"
    "CREATE INDEX reports_last ON reports (device_id, kind, seq);"
    "CREATE TABLE commands ("
    " rowid BIGINT GENERATED ALWAYS AS IDENTITY,"
    " id TEXT PRIMARY KEY,"
    " device_id TEXT NOT NULL REFERENCES devices(id),"
    " type TEXT NOT NULL,"
    " params TEXT NOT NULL,"
    " created BIGINT NOT NULL,"
    " duration BIGINT NOT NULL,"
    " delivered BIGINT,"
    " deliveries BIGINT NOT NULL DEFAULT 0,"
    " status TEXT,"
    " error_code TEXT,"
    " result TEXT,"
    " result_time BIGINT,"
    " signature TEXT);"
    "CREATE INDEX commands_pending ON commands (device_id, result_time);"
    "CREATE TABLE admin_links ("
    " hash TEXT PRIMARY KEY,"
    " created BIGINT NOT NULL,"
    " expires BIGINT NOT NULL,"
    " used BIGINT);"
    "CREATE TABLE admin_password ("
    " id BIGINT PRIMARY KEY CHECK (id = 1),"
    " salt TEXT NOT NULL,"
    " iterations BIGINT NOT NULL,"
    " hash TEXT NOT NULL,"
    " updated BIGINT NOT NULL);";

/* Creates the schema on PostgreSQL unless there; instances starting
 * together wait for each other on the write lock. */
static int
migrate_pg(struct mdm_store *st, char *err, size_t errlen)
{
	struct mdm_db_stmt *s;
	char sql[96];
	int version = -1, rc;

	if (mdm_db_begin(st->db, true) != 0 ||
	    mdm_db_exec(st->db, "CREATE TABLE IF NOT EXISTS wardenmdm_schema ("
	    "version INTEGER NOT NULL)") != 0)
		goto fail;
	if ((s = mdm_store_prepare(st, "SELECT version FROM "
	    "wardenmdm_schema")) == NULL)
		goto fail;
	rc = mdm_db_step(s);
	if (rc == MDM_DB_ROW)
		version = (int)mdm_db_column_int64(s, 0);
	else if (rc == MDM_DB_DONE)
		version = 0;
	mdm_db_finalize(s);
	if (version < 0)
		goto fail;
	if (version != 0 && version != SCHEMA_VERSION) {
		mdm_db_rollback(st->db);
		snprintf(err, errlen, "schema version %d is not %d (a newer "
		    "wardenmdm?)", version, SCHEMA_VERSION);
		return -1;
	}
	if (version == 0) {
		snprintf(sql, sizeof(sql), "INSERT INTO wardenmdm_schema "
		    "(version) VALUES (%d)", SCHEMA_VERSION);
		if (mdm_db_exec(st->db, schema_pg) != 0 || mdm_db_exec(st->db, sql) != 0)
			goto fail;
	}
	if (mdm_db_commit(st->db) != 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "creating the schema: %s",
	    mdm_db_errmsg(st->db));
	mdm_db_rollback(st->db);
	return -1;
}

int
mdm_store_migrate(struct mdm_store *st, char *err, size_t errlen)
{
	return mdm_db_kind(st->db) == MDM_DB_POSTGRESQL ?
	    migrate_pg(st, err, errlen) : migrate(st, err, errlen);
}
