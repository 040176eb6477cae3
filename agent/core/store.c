/*
 * store.c - opening the database (with recovery from corruption),
 * transactions, and the small tables every module shares: agent state,
 * key/value, facts, events, outbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent/core/store.h"
#include "agent/core/test_hooks.h"

struct store {
	sqlite3 *db;
	char path[PATH_MAX];
	char marker[PATH_MAX + 16];	/* warden.db.open while it is open */
	uint64_t outbox_adds;		/* rows queued since the open */
	int64_t drop_run;		/* reports dropped since the outbox
					 * last had room */
};

int64_t
store_now(void)
{
	return (int64_t)time(NULL);
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

int
store_exec(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("store: %s: %s", sql, msg != NULL ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
store_begin(struct store *st)
{
	return store_exec(st, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *st)
{
	return store_exec(st, "COMMIT");
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Returns 1 when the database is intact, 0 when it is damaged, -1 when
 * it could not be checked for another reason. */
static int
integrity_ok(sqlite3 *db)
{
	sqlite3_stmt *q;
	int rc, ok = 0;

	rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		return 0;
	if (rc != SQLITE_OK)
		return -1;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(q, 0);
		ok = t != NULL && strcmp((const char *)t, "ok") == 0;
	} else if (rc != SQLITE_NOTADB && rc != SQLITE_CORRUPT) {
		ok = -1;
	}
	sqlite3_finalize(q);
	return ok;
}

/* 1 when PRAGMA name answers value. */
static bool
pragma_is(sqlite3 *db, const char *name, int value)
{
	char sql[64];
	sqlite3_stmt *q;
	bool is = false;

	snprintf(sql, sizeof(sql), "PRAGMA %s", name);
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(q) == SQLITE_ROW)
		is = sqlite3_column_int(q, 0) == value;
	sqlite3_finalize(q);
	return is;
}

/*
 * Opens and checks the database. The full integrity check reads every
 * page (tens of ms for a few MB on a handheld), so it runs only when the
 * last run did not close the store: `unclean` (the marker file was
 * there). A file that is not a database at all fails the pragmas either
 * way.
 */
static int
open_db(struct store *st, bool unclean, char *err, size_t errlen)
{
	/* Sized for a small device: a 256 KiB page cache, temporary tables
	 * in memory, the WAL checkpointed every 256 pages (1 MiB of 4 KiB
	 * pages) and cut back to 1 MiB after a checkpoint. */
	static const char *const pragmas =
	    "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON;"
	    "PRAGMA busy_timeout=5000;"
	    "PRAGMA cache_size=-256;"
	    "PRAGMA temp_store=MEMORY;"
	    "PRAGMA wal_autocheckpoint=256;"
	    "PRAGMA journal_size_limit=" STORE_WAL_LIMIT_STR ";";

	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", st->path,
		    st->db ? sqlite3_errmsg(st->db) : "cannot open");
		return -1;
	}
	switch (unclean ? integrity_ok(st->db) : 1) {
	case 1:
		break;
	case 0:
		snprintf(err, errlen, "%s: integrity check failed", st->path);
		return 0;
	default:
		snprintf(err, errlen, "%s: %s", st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	if (sqlite3_exec(st->db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", st->path, sqlite3_errmsg(st->db));
		return sqlite3_errcode(st->db) == SQLITE_NOTADB ||
		    sqlite3_errcode(st->db) == SQLITE_CORRUPT ? 0 : -1;
	}
	/* Freed pages go back to the file system (store_hygiene.c runs the
	 * incremental vacuum). A database made before this setting is
	 * rebuilt once to take it; a new one takes it before its first
	 * table. */
	if (!pragma_is(st->db, "auto_vacuum", 2) &&
	    sqlite3_exec(st->db, "PRAGMA auto_vacuum=INCREMENTAL; VACUUM",
	    NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", st->path, sqlite3_errmsg(st->db));
		return sqlite3_errcode(st->db) == SQLITE_NOTADB ||
		    sqlite3_errcode(st->db) == SQLITE_CORRUPT ? 0 : -1;
	}
	if (store_schema_migrate(st, err, errlen) != 0)
		return sqlite3_errcode(st->db) == SQLITE_NOTADB ||
		    sqlite3_errcode(st->db) == SQLITE_CORRUPT ? 0 : -1;
	return 1;
}

/* Creates the marker of an open store and makes it durable: a crash or
 * power cut leaves it behind for the next start to see. */
static int
mark_open(struct store *st, const char *dir)
{
	int fd, dfd;

	if ((fd = open(st->marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return -1;
	close(fd);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* Moves a damaged database (and its WAL) aside so the agent can start. */
static void
quarantine(const char *path)
{
	char to[PATH_MAX + 64], from[PATH_MAX + 8];
	long now = (long)time(NULL);
	const char *const sfx[] = { "", "-wal", "-shm" };
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(from, sizeof(from), "%s%s", path, sfx[i]);
		snprintf(to, sizeof(to), "%s.corrupt-%ld%s", path, now, sfx[i]);
		if (rename(from, to) == 0 && i == 0)
			log_warnx("DATABASE CORRUPT: moved %s to %s and starting "
			    "with a fresh database; the device must be "
			    "provisioned again", from, to);
	}
}

struct store *
store_open(const char *dir, char *err, size_t errlen)
{
	struct store *st;
	bool unclean;
	int rc;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((size_t)snprintf(st->path, sizeof(st->path), "%s/warden.db", dir) >=
	    sizeof(st->path)) {
		snprintf(err, errlen, "state directory path too long");
		free(st);
		return NULL;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(st);
		return NULL;
	}
	snprintf(st->marker, sizeof(st->marker), "%s.open", st->path);
	unclean = access(st->marker, F_OK) == 0;
	if (unclean)
		log_info("store: not closed by the last run: checking %s",
		    st->path);
	rc = open_db(st, unclean, err, errlen);
	if (rc == 0) {
		log_warnx("%s", err);
		sqlite3_close(st->db);
		st->db = NULL;
		quarantine(st->path);
		rc = open_db(st, false, err, errlen);
	}
	if (rc == 1 && mark_open(st, dir) != 0) {
		snprintf(err, errlen, "%s: %s", st->marker, strerror(errno));
		rc = -1;
	}
	if (rc != 1) {
		sqlite3_close(st->db);
		free(st);
		return NULL;
	}
	return st;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->drop_run > 0)
		log_warnx("outbox: %lld oldest reports were dropped while it "
		    "was full", (long long)st->drop_run);
	/* Only a store closed in full counts as a clean stop. */
	if (sqlite3_close(st->db) == SQLITE_OK)
		unlink(st->marker);
	free(st);
}

/* Prepares sql or logs why not. */
static sqlite3_stmt *
prep(struct store *st, const char *sql)
{
	sqlite3_stmt *q;

	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK) {
		log_warnx("store: %s: %s", sql, sqlite3_errmsg(st->db));
		return NULL;
	}
	return q;
}

/* Steps a statement that returns no rows and finalizes it. */
static int
run(struct store *st, sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);

	if (rc != SQLITE_DONE) {
		log_warnx("store: %s: %s", sqlite3_sql(q),
		    sqlite3_errmsg(st->db));
		sqlite3_finalize(q);
		return -1;
	}
	sqlite3_finalize(q);
	return 0;
}

int
store_get_state(struct store *st, enum agent_state *state, char *step,
    size_t steplen)
{
	sqlite3_stmt *q = prep(st, "SELECT state, step FROM agent WHERE id = 1");
	int rc = -1;

	if (q == NULL)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW &&
	    state_parse((const char *)sqlite3_column_text(q, 0), state) == 0) {
		if (step != NULL)
			snprintf(step, steplen, "%s",
			    (const char *)sqlite3_column_text(q, 1));
		rc = 0;
	}
	sqlite3_finalize(q);
	return rc;
}

int
store_set_state(struct store *st, enum agent_state to, const char *reason,
    bool in_txn)
{
	enum agent_state from;
	sqlite3_stmt *q;

	if (!in_txn && store_begin(st) != 0)
		return -1;
	if (store_get_state(st, &from, NULL, 0) != 0)
		goto fail;
	if (!state_transition_allowed(from, to)) {
		log_warnx("refused state transition %s -> %s (%s)",
		    state_name(from), state_name(to), reason);
		goto fail;
	}
	if ((q = prep(st, "UPDATE agent SET state = ?, step = '', "
	    "updated_at = ? WHERE id = 1")) == NULL)
		goto fail;
	sqlite3_bind_text(q, 1, state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, store_now());
	if (run(st, q) != 0)
		goto fail;
	test_hooks_txn_pause();
	if ((q = prep(st, "INSERT INTO state_history (at, from_state, "
	    "to_state, reason) VALUES (?, ?, ?, ?)")) == NULL)
		goto fail;
	sqlite3_bind_int64(q, 1, store_now());
	sqlite3_bind_text(q, 2, state_name(from), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, reason, -1, SQLITE_TRANSIENT);
	if (run(st, q) != 0)
		goto fail;
	if (!in_txn && store_commit(st) != 0)
		goto fail;
	log_info("state %s -> %s (%s)", state_name(from), state_name(to),
	    reason);
	return 0;
fail:
	if (!in_txn)
		store_rollback(st);
	return -1;
}

int
store_set_step(struct store *st, const char *step)
{
	sqlite3_stmt *q = prep(st, "UPDATE agent SET step = ? WHERE id = 1");

	if (q == NULL)
		return -1;
	sqlite3_bind_text(q, 1, step, -1, SQLITE_TRANSIENT);
	return run(st, q);
}

char *
store_kv_get(struct store *st, const char *key)
{
	sqlite3_stmt *q = prep(st, "SELECT value FROM kv WHERE key = ?");
	char *v = NULL;

	if (q == NULL)
		return NULL;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return v;
}

bool
store_lost_mode(struct store *st)
{
	char *v = store_kv_get(st, STORE_KV_LOST_MODE);

	free(v);
	return v != NULL;
}

int
store_kv_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *q = prep(st, "INSERT INTO kv (key, value) VALUES (?, ?) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value");

	if (q == NULL)
		return -1;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, value, -1, SQLITE_TRANSIENT);
	return run(st, q);
}

int
store_kv_del(struct store *st, const char *key)
{
	sqlite3_stmt *q = prep(st, "DELETE FROM kv WHERE key = ?");

	if (q == NULL)
		return -1;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	return run(st, q);
}

int
store_facts_save(struct store *st, const struct hal_facts *fs,
    int64_t scanned_at, int64_t *scan_id)
{
	sqlite3_stmt *q;
	char value[HAL_FACT_STR_MAX];
	size_t i;

	/* The facts are the last scan's, made again by the next one: their
	 * commit does not wait for the disk (atomic all the same; a power
	 * cut may lose the newest scan, never leave half of one). */
	if (store_exec(st, "PRAGMA synchronous=NORMAL") != 0)
		return -1;
	if (store_begin(st) != 0)
		goto sync;
	if ((q = prep(st, "INSERT INTO scans (at, fact_count) VALUES (?, ?)"))
	    == NULL)
		goto fail;
	sqlite3_bind_int64(q, 1, scanned_at);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)fs->n);
	if (run(st, q) != 0)
		goto fail;
	*scan_id = sqlite3_last_insert_rowid(st->db);
	if (store_exec(st, "DELETE FROM facts") != 0)
		goto fail;
	if ((q = prep(st, "INSERT INTO facts (name, type, value, scan_id) "
	    "VALUES (?, ?, ?, ?)")) == NULL)
		goto fail;
	for (i = 0; i < fs->n; i++) {
		hal_fact_format(&fs->f[i], value, sizeof(value));
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, fs->f[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, hal_fact_type_name(fs->f[i].type), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(q, 3, value, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 4, *scan_id);
		if (sqlite3_step(q) != SQLITE_DONE) {
			log_warnx("store: facts: %s", sqlite3_errmsg(st->db));
			sqlite3_finalize(q);
			goto fail;
		}
		if (i == fs->n / 2)
			test_hooks_txn_pause();
	}
	sqlite3_finalize(q);
	if (store_prune(st) != 0 || store_commit(st) != 0)
		goto fail;
	return store_exec(st, "PRAGMA synchronous=FULL");
fail:
	store_rollback(st);
sync:
	store_exec(st, "PRAGMA synchronous=FULL");
	return -1;
}

static const struct {
	const char *name;
	enum hal_fact_type type;
} type_names[] = {
	{ "Boolean", HAL_FACT_BOOL }, { "Int64", HAL_FACT_INT64 },
	{ "Double", HAL_FACT_DOUBLE }, { "String", HAL_FACT_STRING },
	{ "DateTime", HAL_FACT_DATETIME }, { "Version", HAL_FACT_VERSION },
};

int
store_facts_load(struct store *st, struct hal_facts *fs, int64_t *scanned_at)
{
	sqlite3_stmt *q;
	size_t i;

	fs->n = 0;
	*scanned_at = 0;
	if ((q = prep(st, "SELECT f.name, f.type, f.value, s.at FROM facts f "
	    "JOIN scans s ON s.id = f.scan_id ORDER BY f.name")) == NULL)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		const char *type = (const char *)sqlite3_column_text(q, 1);
		const char *value = (const char *)sqlite3_column_text(q, 2);

		*scanned_at = sqlite3_column_int64(q, 3);
		for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
			if (strcmp(type, type_names[i].name) == 0)
				break;
		if (i == sizeof(type_names) / sizeof(type_names[0]))
			continue;
		switch (type_names[i].type) {
		case HAL_FACT_BOOL:
			hal_fact_bool(fs, name, strcmp(value, "true") == 0);
			break;
		case HAL_FACT_INT64:
			hal_fact_int(fs, name, strtoll(value, NULL, 10));
			break;
		case HAL_FACT_DOUBLE:
			hal_fact_double(fs, name, strtod(value, NULL));
			break;
		default:
			hal_fact_str(fs, type_names[i].type, name, value);
			break;
		}
	}
	sqlite3_finalize(q);
	return 0;
}

int
store_event(struct store *st, const char *kind, const char *detail)
{
	sqlite3_stmt *q = prep(st, "INSERT INTO events (at, kind, detail) "
	    "VALUES (?, ?, ?)");

	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, store_now());
	sqlite3_bind_text(q, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, detail, -1, SQLITE_TRANSIENT);
	return run(st, q);
}

/* An upper bound of the outbox's rows: last id - first id + 1, both read
 * at the ends of the primary key. */
static int
outbox_span(struct store *st, int64_t *n)
{
	sqlite3_stmt *q = prep(st, "SELECT (SELECT max(id) FROM outbox) - "
	    "(SELECT min(id) FROM outbox) + 1");

	if (q == NULL)
		return -1;
	*n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return 0;
}

uint64_t
store_outbox_adds(const struct store *st)
{
	return st->outbox_adds;
}

int
store_outbox_add(struct store *st, const char *kind, const char *idem_key,
    const char *payload, int max)
{
	sqlite3_stmt *q;
	int64_t n = 0;
	int dropped;

	/* A savepoint: the row, the rows it pushes out and their count go
	 * together, inside the caller's transaction or as one of their own. */
	if (store_exec(st, "SAVEPOINT outbox_add") != 0)
		return -1;
	if ((q = prep(st, "INSERT INTO outbox (kind, idem_key, payload, "
	    "created_at) VALUES (?, ?, ?, ?) "
	    "ON CONFLICT(idem_key) DO NOTHING")) == NULL)
		goto fail;
	sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, idem_key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, payload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 4, store_now());
	if (run(st, q) != 0)
		goto fail;
	if (sqlite3_changes(st->db) > 0)
		st->outbox_adds++;
	if (outbox_span(st, &n) != 0 || (n > max &&
	    store_outbox_count(st, NULL, &n) != 0))
		goto fail;
	if (n <= max) {
		if (st->drop_run > 0)
			log_warnx("outbox: room again; %lld oldest reports were "
			    "dropped while it was full (%d)",
			    (long long)st->drop_run, max);
		st->drop_run = 0;
		return store_exec(st, "RELEASE outbox_add");
	}
	/* Over the bound: the oldest reports go first, since every newer
	 * report restates the device's whole compliance; events and command
	 * results stay until the server has them. The server is told how
	 * many went (outbox_sender.c). */
	if ((q = prep(st, "DELETE FROM outbox WHERE id IN (SELECT id FROM "
	    "outbox WHERE kind = 'report' ORDER BY id LIMIT ?)")) == NULL)
		goto fail;
	sqlite3_bind_int64(q, 1, n - max);
	if (run(st, q) != 0)
		goto fail;
	dropped = sqlite3_changes(st->db);
	if (dropped > 0 && store_outbox_dropped(st, "report", dropped) != 0)
		goto fail;
	if (store_exec(st, "RELEASE outbox_add") != 0)
		goto fail;
	if (dropped > 0 && st->drop_run == 0)
		log_warnx("outbox full (%d): dropping the oldest reports (the "
		    "count follows when there is room again)", max);
	st->drop_run += dropped;
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK TO outbox_add; RELEASE outbox_add",
	    NULL, NULL, NULL);
	return -1;
}

static int64_t
kv_int(struct store *st, const char *key)
{
	char *v = store_kv_get(st, key);
	long long n = v != NULL ? strtoll(v, NULL, 10) : 0;

	free(v);
	return n > 0 ? (int64_t)n : 0;
}

int
store_outbox_dropped(struct store *st, const char *kind, int64_t n)
{
	sqlite3_stmt *q;

	if (n <= 0)
		return 0;
	if ((q = prep(st, "INSERT INTO kv (key, value) VALUES (?, ?) "
	    "ON CONFLICT(key) DO UPDATE SET value = "
	    "CAST(CAST(value AS INTEGER) + excluded.value AS TEXT)")) == NULL)
		return -1;
	sqlite3_bind_text(q, 1, strcmp(kind, "result") == 0 ?
	    STORE_KV_DROPPED_RESULTS : STORE_KV_DROPPED_REPORTS, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, n);
	return run(st, q);
}

int
store_outbox_drops(struct store *st, struct store_drops *out)
{
	out->reports = kv_int(st, STORE_KV_DROPPED_REPORTS);
	out->results = kv_int(st, STORE_KV_DROPPED_RESULTS);
	out->told_reports = kv_int(st, STORE_KV_TOLD_REPORTS);
	out->told_results = kv_int(st, STORE_KV_TOLD_RESULTS);
	return 0;
}

int
store_outbox_drops_told(struct store *st, int64_t reports, int64_t results)
{
	char v[24];

	if (reports > kv_int(st, STORE_KV_TOLD_REPORTS)) {
		snprintf(v, sizeof(v), "%lld", (long long)reports);
		if (store_kv_set(st, STORE_KV_TOLD_REPORTS, v) != 0)
			return -1;
	}
	if (results > kv_int(st, STORE_KV_TOLD_RESULTS)) {
		snprintf(v, sizeof(v), "%lld", (long long)results);
		if (store_kv_set(st, STORE_KV_TOLD_RESULTS, v) != 0)
			return -1;
	}
	return 0;
}

int
store_outbox_count(struct store *st, const char *kind, int64_t *count)
{
	sqlite3_stmt *q = prep(st, kind != NULL ?
	    "SELECT count(*) FROM outbox WHERE kind = ?" :
	    "SELECT count(*) FROM outbox");

	if (q == NULL)
		return -1;
	if (kind != NULL)
		sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
	*count = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return 0;
}
