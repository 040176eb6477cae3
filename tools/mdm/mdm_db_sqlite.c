/*
 * mdm_db_sqlite.c - the database layer on the embedded SQLite: one file,
 * WAL, synchronous=FULL, foreign keys on, a busy timeout so that the
 * server and the admin CLI share it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_db.h"

#define BUSY_TIMEOUT_MS 5000

struct sqlite_db {
	struct mdm_db base;
	sqlite3 *db;
};

struct sqlite_stmt {
	struct mdm_db_stmt base;
	sqlite3_stmt *s;
};

static sqlite3 *
handle(struct mdm_db *db)
{
	return ((struct sqlite_db *)(void *)db)->db;
}

static sqlite3_stmt *
stmt(struct mdm_db_stmt *s)
{
	return ((struct sqlite_stmt *)(void *)s)->s;
}

static int
sq_exec(struct mdm_db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(handle(db), sql, NULL, NULL, &msg) != SQLITE_OK) {
		mdm_log_warnx("database: %s: %s", sql,
		    msg != NULL ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static void
sq_close(struct mdm_db *db)
{
	sqlite3_close(handle(db));
	free(db);
}

static int
sq_open(const char *path, struct mdm_db **out, char *err, size_t errlen)
{
	struct sqlite_db *d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->base.ops = &mdm_db_sqlite_ops;
	d->base.kind = MDM_DB_SQLITE;
	if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, d->db != NULL ?
		    sqlite3_errmsg(d->db) : "out of memory");
		sq_close(&d->base);
		return -1;
	}
	sqlite3_busy_timeout(d->db, BUSY_TIMEOUT_MS);
	/* Reports the server has acknowledged must survive a power cut:
	 * the device has dropped them from its outbox. */
	if (sq_exec(&d->base, "PRAGMA journal_mode = WAL") != 0 ||
	    sq_exec(&d->base, "PRAGMA synchronous = FULL") != 0 ||
	    sq_exec(&d->base, "PRAGMA foreign_keys = ON") != 0) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(d->db));
		sq_close(&d->base);
		return -1;
	}
	*out = &d->base;
	return 0;
}

static int
sq_begin(struct mdm_db *db, bool write)
{
	return sq_exec(db, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static struct mdm_db_stmt *
sq_prepare(struct mdm_db *db, const char *sql)
{
	struct sqlite_stmt *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->base.db = db;
	if (sqlite3_prepare_v2(handle(db), sql, -1, &s->s, NULL) !=
	    SQLITE_OK) {
		mdm_log_warnx("database: prepare: %s",
		    sqlite3_errmsg(handle(db)));
		sqlite3_finalize(s->s);
		free(s);
		return NULL;
	}
	return &s->base;
}

static int
sq_bind_text(struct mdm_db_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(stmt(s), i) == SQLITE_OK ? 0 : -1;
	return sqlite3_bind_text(stmt(s), i, v, -1, SQLITE_TRANSIENT) ==
	    SQLITE_OK ? 0 : -1;
}

static int
sq_bind_int64(struct mdm_db_stmt *s, int i, int64_t v)
{
	return sqlite3_bind_int64(stmt(s), i, (sqlite3_int64)v) ==
	    SQLITE_OK ? 0 : -1;
}

static int
sq_step(struct mdm_db_stmt *s)
{
	switch (sqlite3_step(stmt(s))) {
	case SQLITE_ROW:
		return MDM_DB_ROW;
	case SQLITE_DONE:
		return MDM_DB_DONE;
	default:
		return MDM_DB_ERROR;
	}
}

static void
sq_reset(struct mdm_db_stmt *s)
{
	sqlite3_reset(stmt(s));
}

static const char *
sq_column_text(struct mdm_db_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(stmt(s), i);
}

static bool
sq_column_null(struct mdm_db_stmt *s, int i)
{
	return sqlite3_column_type(stmt(s), i) == SQLITE_NULL;
}

static void
sq_finalize(struct mdm_db_stmt *s)
{
	sqlite3_finalize(stmt(s));
	free(s);
}

static long long
sq_changes(struct mdm_db *db)
{
	return sqlite3_changes(handle(db));
}

static const char *
sq_errmsg(struct mdm_db *db)
{
	return sqlite3_errmsg(handle(db));
}

static bool
sq_in_txn(struct mdm_db *db)
{
	return !sqlite3_get_autocommit(handle(db));
}

const struct mdm_db_ops mdm_db_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.begin = sq_begin,
	.prepare = sq_prepare,
	.bind_text = sq_bind_text,
	.bind_int64 = sq_bind_int64,
	.step = sq_step,
	.reset = sq_reset,
	.column_text = sq_column_text,
	.column_null = sq_column_null,
	.finalize = sq_finalize,
	.changes = sq_changes,
	.errmsg = sq_errmsg,
	.in_txn = sq_in_txn,
};
