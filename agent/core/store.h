/*
 * store.h - the agent's one SQLite database.
 *
 * WAL journal, synchronous=FULL: a committed transaction survives a power
 * cut, an interrupted one leaves no trace. Every state change is one
 * transaction (store_begin .. store_commit). Nothing here blocks for long:
 * statements touch a handful of rows.
 */
#ifndef WARDEN_STORE_H
#define WARDEN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "hal/hal.h"
#include "agent/core/core.h"

struct store;

/* The schema version this build migrates to. */
#define STORE_SCHEMA_VERSION 3

/* The WAL is cut back to this many bytes after a checkpoint. */
#define STORE_WAL_LIMIT_STR "1048576"
/* Rows kept in the tables that only grow (store_hygiene.c). */
#define STORE_SCANS_KEEP 64
#define STORE_EVENTS_KEEP 1000
#define STORE_STATE_HISTORY_KEEP 200

/*
 * Opens (creating if needed) DIR/warden.db and runs forward migrations,
 * and creates DIR/warden.db.open, which store_close() removes. A database
 * that is not a database at all, or that fails PRAGMA integrity_check
 * when the marker says the last run did not close it, is renamed to
 * warden.db.corrupt-<unix time> with a loud log line and a fresh one is
 * created. Returns NULL with a reason in err on failure.
 */
struct store *store_open(const char *dir, char *err, size_t errlen);
/* Closes the database; NULL-safe. */
void store_close(struct store *st);
/* The underlying handle, for modules with their own statements. */
sqlite3 *store_db(struct store *st);

/* Transactions (BEGIN IMMEDIATE). 0 on success, -1 (logged) on error. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);
/* Runs one SQL statement with no result rows; -1 (logged) on error. */
int store_exec(struct store *st, const char *sql);

/* Agent state. */
int store_get_state(struct store *st, enum agent_state *state, char *step,
    size_t steplen);
/*
 * Moves the state machine from its current state to `to`, recording the
 * reason in the history, in one transaction (or inside the caller's open
 * transaction when `in_txn`). Refuses (-1, logged) an illegal transition.
 */
int store_set_state(struct store *st, enum agent_state to, const char *reason,
    bool in_txn);
/* Sets the progress step shown by `wardenctl status` ("" clears it). */
int store_set_step(struct store *st, const char *step);

/* Small named values (key at most 64 bytes). Returns a malloc'd string or
 * NULL when the key is absent. */
char *store_kv_get(struct store *st, const char *key);
int store_kv_set(struct store *st, const char *key, const char *value);
int store_kv_del(struct store *st, const char *key);

/* Facts: replaces the stored facts with a whole scan in one transaction
 * (synchronous=NORMAL: a power cut may lose the newest scan, never half
 * of one) and cuts the growing tables (store_prune); returns the new
 * scan id in *scan_id. */
int store_facts_save(struct store *st, const struct hal_facts *fs,
    int64_t scanned_at, int64_t *scan_id);
/* Loads the facts of the last scan; *scanned_at = 0 when there is none. */
int store_facts_load(struct store *st, struct hal_facts *fs,
    int64_t *scanned_at);

/* Records an event (drift, enforcement, fault) in the event log. */
int store_event(struct store *st, const char *kind, const char *detail);

/* store_hygiene.c */
/* Free pages worth giving back (with more than a quarter of the file). */
#define STORE_RECLAIM_MIN_PAGES 64
/*
 * Cuts the tables that only grow to their newest rows (STORE_SCANS_KEEP
 * scans, STORE_EVENTS_KEEP events, STORE_STATE_HISTORY_KEEP state
 * changes), inside the caller's transaction. 0, or -1 (logged).
 */
int store_prune(struct store *st);
/*
 * Gives free pages back to the file system (incremental vacuum) when at
 * least STORE_RECLAIM_MIN_PAGES and more than a quarter of the file are
 * free: after a pruned history or a delivered outbox backlog. Outside a
 * transaction, on the loop thread. 0, or -1 (logged).
 */
int store_reclaim(struct store *st);

/*
 * Outbox: what the server must see. add() queues a payload under an
 * idempotency key (a second add with the same key is a no-op). When the
 * outbox holds more than max rows, the oldest rows of kind "report" are
 * dropped first (a newer report supersedes them) and counted
 * (store_outbox_dropped); events and command results are never dropped
 * for room. add() is atomic (a savepoint), inside a transaction or not.
 * It does not count the rows: the span of ids (two lookups at the ends
 * of the primary key) bounds their number, and only an outbox whose
 * span passes max is counted. A run of drops logs one line when it
 * starts and one summing it up when a row fits again.
 */
int store_outbox_add(struct store *st, const char *kind, const char *idem_key,
    const char *payload, int max);
/* How many rows add() has queued since the store was opened (memory
 * only: lets the sender know, without reading, that nothing came). */
uint64_t store_outbox_adds(const struct store *st);
int store_outbox_count(struct store *st, const char *kind, int64_t *count);

/*
 * Rows dropped from the outbox before the server had them (outbox full,
 * or a row the server refused for good), counted since enrollment so the
 * server can be told: kv keys below, forgotten when the device retires.
 * told_* are the totals the server has acknowledged (outbox_sender.c).
 */
/* The kv key of lost mode's fields while it lasts (commands.c sets and
 * clears it; every room reads it with store_lost_mode()). */
#define STORE_KV_LOST_MODE "lost_mode"
/* True while the device is in lost mode. */
bool store_lost_mode(struct store *st);
#define STORE_KV_DROPPED_REPORTS "outbox_dropped_reports"
#define STORE_KV_DROPPED_RESULTS "outbox_dropped_results"
#define STORE_KV_TOLD_REPORTS "outbox_told_reports"
#define STORE_KV_TOLD_RESULTS "outbox_told_results"
struct store_drops {
	int64_t reports;	/* reports and events */
	int64_t results;	/* command results */
	int64_t told_reports, told_results;
};
/* Adds n rows of kind ("report", "event" or "result") to the dropped
 * totals; run it in the transaction that deletes them. */
int store_outbox_dropped(struct store *st, const char *kind, int64_t n);
/* Reads the totals (0 for a key never written). */
int store_outbox_drops(struct store *st, struct store_drops *out);
/* Records that the server holds totals reports and results (a told
 * total never decreases). */
int store_outbox_drops_told(struct store *st, int64_t reports,
    int64_t results);

/* store_schema.c: brings the schema to STORE_SCHEMA_VERSION (called by
 * store_open); -1 with a reason in err. */
int store_schema_migrate(struct store *st, char *err, size_t errlen);

/* Unix time in seconds (CLOCK_REALTIME). */
int64_t store_now(void);

#endif /* WARDEN_STORE_H */
