/*
 * mdm_db_pg.c - the database layer on PostgreSQL through libpq, for a
 * fleet served by several wardenmdm instances on one database.
 *
 * A statement keeps its SQL with SQLite's placeholders turned into
 * PostgreSQL's ("?" -> "$n", "?N" -> "$N"), its bound values as text,
 * and is run by its first step (PQexecParams); later steps walk the
 * result's rows. Write transactions take one transaction-scoped advisory
 * lock: writers are serialized across every instance as SQLite
 * serializes them in one file, so the store's check-then-write sequences
 * (a token spent once, a command result stored once) hold across
 * instances without serialization failures to retry. Reads do not take
 * it. The unique constraints stay the last line.
 *
 * mdm_db_listen is the second connection a server keeps: it LISTENs on
 * MDM_DB_CHANNEL, and the loop watches its socket (non-blocking).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_db.h"

/* Any constant shared by every instance: "wardenmd". */
#define WRITE_LOCK_KEY "8631742397452481636"
#define ERR_MAX 512
/* PostgreSQL's type OIDs for the parameters (pg_type.h). */
#define INT8OID 20
#define TEXTOID 25

struct pg_db {
	struct mdm_db base;
	PGconn *conn;
	long long changes;
	char err[ERR_MAX];
};

struct pg_stmt {
	struct mdm_db_stmt base;
	char *sql;
	int nparams;
	char *values[MDM_DB_PARAMS_MAX];
	Oid types[MDM_DB_PARAMS_MAX];
	PGresult *res;
	int row, nrows;
};

struct mdm_db_listen {
	PGconn *conn;
};

static struct pg_db *
pg(struct mdm_db *db)
{
	return (struct pg_db *)(void *)db;
}

static struct pg_stmt *
ps(struct mdm_db_stmt *s)
{
	return (struct pg_stmt *)(void *)s;
}

/* Keeps the connection's or the result's error, one line. */
static void
set_err(struct pg_db *d, const PGresult *r)
{
	const char *m = r != NULL ? PQresultErrorMessage(r) :
	    PQerrorMessage(d->conn);
	size_t n;

	snprintf(d->err, sizeof(d->err), "%s", m != NULL && m[0] != '\0' ?
	    m : "error");
	n = strlen(d->err);
	while (n > 0 && (d->err[n - 1] == '\n' || d->err[n - 1] == ' '))
		d->err[--n] = '\0';
}

static void
quiet(void *arg, const char *msg)
{
	/* CREATE ... IF NOT EXISTS and the like say NOTICE: not news. */
	(void)arg;
	(void)msg;
}

static int
pg_exec(struct mdm_db *db, const char *sql)
{
	struct pg_db *d = pg(db);
	PGresult *r = PQexec(d->conn, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		set_err(d, r);
		mdm_log_warnx("database: %s: %s", sql, d->err);
		rc = -1;
	}
	PQclear(r);
	return rc;
}

static void
pg_close(struct mdm_db *db)
{
	PQfinish(pg(db)->conn);
	free(db);
}

/* Connects to url (blocking); NULL with err on failure. */
static PGconn *
connect_url(const char *url, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(url);
	const char *m;
	size_t n;

	if (c != NULL && PQstatus(c) == CONNECTION_OK) {
		PQsetNoticeProcessor(c, quiet, NULL);
		return c;
	}
	m = c != NULL ? PQerrorMessage(c) : "out of memory";
	/* The URL may hold a password: it is not repeated. */
	snprintf(err, errlen, "postgresql: %s", m);
	n = strlen(err);
	while (n > 0 && err[n - 1] == '\n')
		err[--n] = '\0';
	PQfinish(c);
	return NULL;
}

static int
pg_open(const char *url, struct mdm_db **out, char *err, size_t errlen)
{
	struct pg_db *d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->base.ops = &mdm_db_pg_ops;
	d->base.kind = MDM_DB_POSTGRESQL;
	if ((d->conn = connect_url(url, err, errlen)) == NULL) {
		free(d);
		return -1;
	}
	*out = &d->base;
	return 0;
}

/* Makes a lost connection again; -1 when the server is unreachable. */
static int
reconnect(struct pg_db *d)
{
	mdm_log_warnx("database: connection lost; reconnecting");
	PQreset(d->conn);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		set_err(d, NULL);
		mdm_log_warnx("database: %s", d->err);
		return -1;
	}
	return 0;
}

static int
pg_begin(struct mdm_db *db, bool write)
{
	struct pg_db *d = pg(db);
	/* One round trip for both statements. */
	const char *sql = write ? "BEGIN; SELECT pg_advisory_xact_lock("
	    WRITE_LOCK_KEY ")" : "BEGIN";

	/* Between transactions a lost connection is made again: libpq
	 * learns of a restarted server only when a statement fails, and
	 * BEGIN is safe to repeat. */
	if (PQstatus(d->conn) != CONNECTION_OK && reconnect(d) != 0)
		return -1;
	if (pg_exec(db, sql) != 0 &&
	    (PQstatus(d->conn) == CONNECTION_OK || reconnect(d) != 0 ||
	    pg_exec(db, sql) != 0)) {
		if (PQstatus(d->conn) == CONNECTION_OK)
			pg_exec(db, "ROLLBACK");
		return -1;
	}
	return 0;
}

/* SQLite's placeholders as PostgreSQL's, outside string literals; the
 * highest parameter number into *nparams. NULL when out of memory or a
 * number is out of range. */
static char *
translate(const char *sql, int *nparams)
{
	size_t len = strlen(sql);
	/* Each "?" grows by at most two characters ("$16"). */
	char *out = malloc(3 * len + 1), *o = out;
	bool quoted = false;
	int next = 0, n;
	const char *p;

	if (out == NULL)
		return NULL;
	*nparams = 0;
	for (p = sql; *p != '\0'; p++) {
		if (*p == '\'')
			quoted = !quoted;
		if (quoted || *p != '?') {
			*o++ = *p;
			continue;
		}
		if (isdigit((unsigned char)p[1])) {
			n = 0;
			while (isdigit((unsigned char)p[1]) && n <= 99)
				n = n * 10 + (*++p - '0');
		} else {
			n = ++next;
		}
		if (n < 1 || n > MDM_DB_PARAMS_MAX) {
			free(out);
			return NULL;
		}
		o += sprintf(o, "$%d", n);
		if (n > *nparams)
			*nparams = n;
	}
	*o = '\0';
	return out;
}

static struct mdm_db_stmt *
pg_prepare(struct mdm_db *db, const char *sql)
{
	struct pg_stmt *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->base.db = db;
	if ((s->sql = translate(sql, &s->nparams)) == NULL) {
		mdm_log_warnx("database: prepare: more than %d parameters or "
		    "out of memory", MDM_DB_PARAMS_MAX);
		free(s);
		return NULL;
	}
	return &s->base;
}

static void
clear_result(struct pg_stmt *s)
{
	PQclear(s->res);
	s->res = NULL;
	s->row = s->nrows = 0;
}

static int
bind_value(struct mdm_db_stmt *st, int i, const char *v, Oid type)
{
	struct pg_stmt *s = ps(st);
	char *copy = NULL;

	if (v != NULL && (copy = strdup(v)) == NULL)
		return -1;
	free(s->values[i - 1]);
	s->values[i - 1] = copy;
	s->types[i - 1] = v != NULL ? type : 0;
	return 0;
}

static int
pg_bind_text(struct mdm_db_stmt *s, int i, const char *v)
{
	return bind_value(s, i, v, TEXTOID);
}

static int
pg_bind_int64(struct mdm_db_stmt *s, int i, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return bind_value(s, i, buf, INT8OID);
}

static int
pg_step(struct mdm_db_stmt *st)
{
	struct pg_stmt *s = ps(st);
	struct pg_db *d = pg(st->db);
	ExecStatusType rs;

	if (s->res == NULL) {
		s->res = PQexecParams(d->conn, s->sql, s->nparams, s->types,
		    (const char *const *)s->values, NULL, NULL, 0);
		rs = PQresultStatus(s->res);
		if (rs == PGRES_COMMAND_OK) {
			d->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
			s->nrows = 0;
		} else if (rs == PGRES_TUPLES_OK) {
			d->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
			s->nrows = PQntuples(s->res);
		} else {
			set_err(d, s->res);
			mdm_log_warnx("database: %s", d->err);
			return MDM_DB_ERROR;
		}
		s->row = -1;
	}
	if (s->row + 1 < s->nrows) {
		s->row++;
		return MDM_DB_ROW;
	}
	s->row = s->nrows;
	return MDM_DB_DONE;
}

static void
pg_reset(struct mdm_db_stmt *s)
{
	clear_result(ps(s));
}

static const char *
pg_column_text(struct mdm_db_stmt *st, int i)
{
	struct pg_stmt *s = ps(st);

	if (s->res == NULL || s->row < 0 || s->row >= s->nrows ||
	    i >= PQnfields(s->res) || PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static bool
pg_column_null(struct mdm_db_stmt *s, int i)
{
	return pg_column_text(s, i) == NULL;
}

static void
pg_finalize(struct mdm_db_stmt *st)
{
	struct pg_stmt *s = ps(st);
	int i;

	clear_result(s);
	for (i = 0; i < MDM_DB_PARAMS_MAX; i++)
		free(s->values[i]);
	free(s->sql);
	free(s);
}

static long long
pg_changes(struct mdm_db *db)
{
	return pg(db)->changes;
}

static const char *
pg_errmsg(struct mdm_db *db)
{
	return pg(db)->err[0] != '\0' ? pg(db)->err : "no error";
}

static bool
pg_in_txn(struct mdm_db *db)
{
	return PQtransactionStatus(pg(db)->conn) != PQTRANS_IDLE;
}

const struct mdm_db_ops mdm_db_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.begin = pg_begin,
	.prepare = pg_prepare,
	.bind_text = pg_bind_text,
	.bind_int64 = pg_bind_int64,
	.step = pg_step,
	.reset = pg_reset,
	.column_text = pg_column_text,
	.column_null = pg_column_null,
	.finalize = pg_finalize,
	.changes = pg_changes,
	.errmsg = pg_errmsg,
	.in_txn = pg_in_txn,
};

/* LISTENs on the (blocking) connection, then makes it non-blocking. */
static int
listen_on(PGconn *c, char *err, size_t errlen)
{
	PGresult *r = PQexec(c, "LISTEN " MDM_DB_CHANNEL);

	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		snprintf(err, errlen, "postgresql: LISTEN: %s",
		    PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	if (PQsetnonblocking(c, 1) != 0) {
		snprintf(err, errlen, "postgresql: non-blocking mode refused");
		return -1;
	}
	return 0;
}

int
mdm_db_listen_open(const char *url, struct mdm_db_listen **out, char *err,
    size_t errlen)
{
	struct mdm_db_listen *l;

	*out = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((l->conn = connect_url(url, err, errlen)) == NULL) {
		free(l);
		return -1;
	}
	if (listen_on(l->conn, err, errlen) != 0) {
		mdm_db_listen_free(l);
		return -1;
	}
	*out = l;
	return 0;
}

int
mdm_db_listen_reconnect(struct mdm_db_listen *l, char *err, size_t errlen)
{
	PQsetnonblocking(l->conn, 0);
	PQreset(l->conn);
	if (PQstatus(l->conn) != CONNECTION_OK) {
		snprintf(err, errlen, "postgresql: %s", PQerrorMessage(l->conn));
		err[strcspn(err, "\n")] = '\0';
		return -1;
	}
	return listen_on(l->conn, err, errlen);
}

void
mdm_db_listen_free(struct mdm_db_listen *l)
{
	if (l == NULL)
		return;
	PQfinish(l->conn);
	free(l);
}

int
mdm_db_listen_fd(const struct mdm_db_listen *l)
{
	return PQsocket(l->conn);
}

int
mdm_db_listen_drain(struct mdm_db_listen *l)
{
	PGnotify *n;
	int got = 0;

	if (PQconsumeInput(l->conn) == 0 ||
	    PQstatus(l->conn) != CONNECTION_OK)
		return -1;
	while ((n = PQnotifies(l->conn)) != NULL) {
		got = 1;
		PQfreemem(n);
	}
	return got;
}
