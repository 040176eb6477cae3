/*
 * mdm_db.h - the database layer under the server's store: one small
 * statement interface (prepare, bind, step, columns, transactions) over
 * two backends, the embedded SQLite (mdm_db_sqlite.c, the default) and
 * PostgreSQL through libpq (mdm_db_pg.c), so that every store function
 * is written once.
 *
 * SQL is written in the dialect both understand; placeholders are
 * SQLite's ("?" and "?N"), which the PostgreSQL backend turns into "$N"
 * outside string literals. What differs (schema types, a random id) is
 * asked of mdm_db_kind() by the store. Not for files other than the
 * store's (mdm_store*.c), the server's wake-up (mdm_serve.c) and which
 * database a command opens (mdm_admin.c).
 *
 * A struct mdm_db is one connection, used by one thread at a time (the
 * store's mutex sees to that). Every call may block on the database.
 */
#ifndef WARDEN_MDM_DB_H
#define WARDEN_MDM_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mdm_db_kind {
	MDM_DB_SQLITE,
	MDM_DB_POSTGRESQL,
};

/* What mdm_db_step returns. */
enum {
	MDM_DB_ERROR = -1,
	MDM_DB_DONE = 0,
	MDM_DB_ROW = 1,
};

/* At most this many parameters in one statement. */
#define MDM_DB_PARAMS_MAX 16

/* The environment variable naming the database when --db is not given:
 * a postgresql:// (or postgres://) URL; unset or empty means the SQLite
 * file in the server's directory. */
#define MDM_DB_ENV "WARDEN_MDM_DB"

struct mdm_db;
struct mdm_db_stmt;

/* A backend: every member is mandatory. */
struct mdm_db_ops {
	const char *name;
	int (*open)(const char *spec, struct mdm_db **out, char *err,
	    size_t errlen);
	void (*close)(struct mdm_db *db);
	int (*exec)(struct mdm_db *db, const char *sql);
	int (*begin)(struct mdm_db *db, bool write);
	struct mdm_db_stmt *(*prepare)(struct mdm_db *db, const char *sql);
	int (*bind_text)(struct mdm_db_stmt *s, int i, const char *v);
	int (*bind_int64)(struct mdm_db_stmt *s, int i, int64_t v);
	int (*step)(struct mdm_db_stmt *s);
	void (*reset)(struct mdm_db_stmt *s);
	const char *(*column_text)(struct mdm_db_stmt *s, int i);
	bool (*column_null)(struct mdm_db_stmt *s, int i);
	void (*finalize)(struct mdm_db_stmt *s);
	long long (*changes)(struct mdm_db *db);
	const char *(*errmsg)(struct mdm_db *db);
	/* A transaction is open (an error may have ended it). */
	bool (*in_txn)(struct mdm_db *db);
};

/* What every backend's connection and statement begin with. */
struct mdm_db {
	const struct mdm_db_ops *ops;
	enum mdm_db_kind kind;
};

struct mdm_db_stmt {
	struct mdm_db *db;
};

extern const struct mdm_db_ops mdm_db_sqlite_ops;
extern const struct mdm_db_ops mdm_db_pg_ops;

/* mdm_db.c */

/* True when spec is a PostgreSQL URL (postgresql:// or postgres://). */
bool mdm_db_is_url(const char *spec);
/* The database the server in dir uses: $WARDEN_MDM_DB when set and not
 * empty, else path (dir's SQLite file). Never NULL. */
const char *mdm_db_spec(const char *path);
/* Opens spec, a PostgreSQL URL or an SQLite file path; *out is the
 * caller's (mdm_db_close). Returns -1 with err on failure. */
int mdm_db_open(const char *spec, struct mdm_db **out, char *err,
    size_t errlen);
void mdm_db_close(struct mdm_db *db);
enum mdm_db_kind mdm_db_kind(const struct mdm_db *db);
/* Runs one or more statements without parameters or rows. */
int mdm_db_exec(struct mdm_db *db, const char *sql);
/* Begins a transaction. A write transaction excludes every other write
 * transaction on the database, in any process or on any host, until it
 * ends (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped
 * advisory lock), so a read-then-write inside it cannot race. */
int mdm_db_begin(struct mdm_db *db, bool write);
int mdm_db_commit(struct mdm_db *db);
int mdm_db_rollback(struct mdm_db *db);
/* True while a transaction is open: the database may end one by itself
 * on an error (SQLite on a full disk or I/O error). */
bool mdm_db_in_txn(struct mdm_db *db);
/* Prepares sql; NULL (logged) on failure. The statement is the
 * caller's: mdm_db_finalize, NULL-safe. */
struct mdm_db_stmt *mdm_db_prepare(struct mdm_db *db, const char *sql);
/* Binds parameter i (from 1): text (NULL binds SQL NULL), an integer. */
int mdm_db_bind_text(struct mdm_db_stmt *s, int i, const char *v);
int mdm_db_bind_int64(struct mdm_db_stmt *s, int i, int64_t v);
/* Runs the statement on the first call, then moves through its rows:
 * MDM_DB_ROW, MDM_DB_DONE or MDM_DB_ERROR. */
int mdm_db_step(struct mdm_db_stmt *s);
/* Makes the statement ready to run again; its bindings stay. */
void mdm_db_reset(struct mdm_db_stmt *s);
/* Column i (from 0) of the current row: text (NULL for SQL NULL; valid
 * until the next step), an integer (0 for NULL), whether NULL. */
const char *mdm_db_column_text(struct mdm_db_stmt *s, int i);
int64_t mdm_db_column_int64(struct mdm_db_stmt *s, int i);
bool mdm_db_column_null(struct mdm_db_stmt *s, int i);
void mdm_db_finalize(struct mdm_db_stmt *s);
/* Rows changed by the last statement run. */
long long mdm_db_changes(struct mdm_db *db);
/* The last error's text. */
const char *mdm_db_errmsg(struct mdm_db *db);
/* An SQL expression giving a fresh random 16-hex-digit id. */
const char *mdm_db_random_id(const struct mdm_db *db);
/* Tells every server listening on the database (mdm_db_listen) that a
 * command or policy was written: PostgreSQL NOTIFY, delivered when the
 * current transaction commits. Nothing to do with SQLite (the admin CLI
 * touches DIR/notify instead). */
int mdm_db_notify(struct mdm_db *db);

/* mdm_db_pg.c: the server's wake-up across instances */

/* The PostgreSQL channel every wardenmdm listens on. */
#define MDM_DB_CHANNEL "wardenmdm"

struct mdm_db_listen;

/* Opens a second connection to url that LISTENs on MDM_DB_CHANNEL;
 * *out is the caller's (mdm_db_listen_free, NULL-safe). -1 with err. */
int mdm_db_listen_open(const char *url, struct mdm_db_listen **out,
    char *err, size_t errlen);
void mdm_db_listen_free(struct mdm_db_listen *l);
/* The connection's socket, to watch for reading on the loop. */
int mdm_db_listen_fd(const struct mdm_db_listen *l);
/* Reads what arrived without blocking: 1 when a notification came, 0
 * when none, -1 when the connection is lost. */
int mdm_db_listen_drain(struct mdm_db_listen *l);
/* Connects again after a loss and LISTENs (blocks while connecting);
 * the socket may have changed. -1 with err when the server is still
 * unreachable. */
int mdm_db_listen_reconnect(struct mdm_db_listen *l, char *err,
    size_t errlen);

#endif /* WARDEN_MDM_DB_H */
