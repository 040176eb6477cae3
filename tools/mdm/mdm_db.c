/*
 * mdm_db.c - the database layer's front: picks the backend from the
 * database's name and hands every call to it (mdm_db.h).
 */
#include <stdlib.h>
#include <string.h>

#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_db.h"

bool
mdm_db_is_url(const char *spec)
{
	return strncmp(spec, "postgresql://", 13) == 0 ||
	    strncmp(spec, "postgres://", 11) == 0;
}

const char *
mdm_db_spec(const char *path)
{
	const char *env = getenv(MDM_DB_ENV);

	return env != NULL && env[0] != '\0' ? env : path;
}

int
mdm_db_open(const char *spec, struct mdm_db **out, char *err, size_t errlen)
{
	const struct mdm_db_ops *ops = mdm_db_is_url(spec) ? &mdm_db_pg_ops :
	    &mdm_db_sqlite_ops;

	*out = NULL;
	return ops->open(spec, out, err, errlen);
}

void
mdm_db_close(struct mdm_db *db)
{
	if (db != NULL)
		db->ops->close(db);
}

enum mdm_db_kind
mdm_db_kind(const struct mdm_db *db)
{
	return db->kind;
}

int
mdm_db_exec(struct mdm_db *db, const char *sql)
{
	return db->ops->exec(db, sql);
}

int
mdm_db_begin(struct mdm_db *db, bool write)
{
	return db->ops->begin(db, write);
}

int
mdm_db_commit(struct mdm_db *db)
{
	return db->ops->exec(db, "COMMIT");
}

int
mdm_db_rollback(struct mdm_db *db)
{
	return db->ops->exec(db, "ROLLBACK");
}

bool
mdm_db_in_txn(struct mdm_db *db)
{
	return db->ops->in_txn(db);
}

struct mdm_db_stmt *
mdm_db_prepare(struct mdm_db *db, const char *sql)
{
	return db->ops->prepare(db, sql);
}

int
mdm_db_bind_text(struct mdm_db_stmt *s, int i, const char *v)
{
	if (s == NULL || i < 1 || i > MDM_DB_PARAMS_MAX)
		return -1;
	return s->db->ops->bind_text(s, i, v);
}

int
mdm_db_bind_int64(struct mdm_db_stmt *s, int i, int64_t v)
{
	if (s == NULL || i < 1 || i > MDM_DB_PARAMS_MAX)
		return -1;
	return s->db->ops->bind_int64(s, i, v);
}

int
mdm_db_step(struct mdm_db_stmt *s)
{
	return s->db->ops->step(s);
}

void
mdm_db_reset(struct mdm_db_stmt *s)
{
	s->db->ops->reset(s);
}

const char *
mdm_db_column_text(struct mdm_db_stmt *s, int i)
{
	return s->db->ops->column_text(s, i);
}

int64_t
mdm_db_column_int64(struct mdm_db_stmt *s, int i)
{
	const char *t = s->db->ops->column_text(s, i);

	return t != NULL ? strtoll(t, NULL, 10) : 0;
}

bool
mdm_db_column_null(struct mdm_db_stmt *s, int i)
{
	return s->db->ops->column_null(s, i);
}

void
mdm_db_finalize(struct mdm_db_stmt *s)
{
	if (s != NULL)
		s->db->ops->finalize(s);
}

long long
mdm_db_changes(struct mdm_db *db)
{
	return db->ops->changes(db);
}

const char *
mdm_db_errmsg(struct mdm_db *db)
{
	return db->ops->errmsg(db);
}

const char *
mdm_db_random_id(const struct mdm_db *db)
{
	/* gen_random_uuid() is built into PostgreSQL 13 and later. */
	return db->kind == MDM_DB_POSTGRESQL ?
	    "substr(replace(gen_random_uuid()::text, '-', ''), 1, 16)" :
	    "lower(hex(randomblob(8)))";
}

int
mdm_db_notify(struct mdm_db *db)
{
	if (db->kind != MDM_DB_POSTGRESQL)
		return 0;
	return db->ops->exec(db, "NOTIFY " MDM_DB_CHANNEL);
}
