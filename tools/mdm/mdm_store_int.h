/*
 * mdm_store_int.h - what the store's files (mdm_store*.c) share: the
 * store's struct and the statement helpers.
 * Not for other files.
 */
#ifndef WARDEN_MDM_STORE_INT_H
#define WARDEN_MDM_STORE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <time.h>

#include "tools/mdm/mdm_db.h"

struct mdm_store {
	struct mdm_db *db;
	pthread_mutex_t mu;	/* one transaction at a time */
	bool batch;		/* group commit (mdm_store_batch) */
	bool batch_open;	/* the batch's transaction is open */
	bool batch_failed;	/* it was rolled back: nothing in it holds */
	bool in_savepoint;	/* the current transaction is a savepoint */
};

/* Locks the store and begins a transaction (when write, one that
 * excludes every other writer: mdm_db_begin). On failure the store is
 * unlocked again. */
int mdm_store_begin(struct mdm_store *st, bool write);
/* Commits (ok) or rolls back, then unlocks. Returns -1 when ok was
 * false or the commit failed. */
int mdm_store_end(struct mdm_store *st, bool ok);
/* Prepares sql; logs and returns NULL on failure. */
struct mdm_db_stmt *mdm_store_prepare(struct mdm_store *st, const char *sql);
/* Steps a statement that returns no row; finalizes it. */
int mdm_store_exec_stmt(struct mdm_store *st, struct mdm_db_stmt *s);
/* Logs the database's last error with a context. */
void mdm_store_log(struct mdm_store *st, const char *what);
/* Binds text, or NULL for a NULL pointer. */
int mdm_store_bind_text(struct mdm_db_stmt *s, int i, const char *v);

/* Creates the schema, or brings an older one up to date; refuses a
 * newer one. -1 with err (mdm_store_schema.c). */
int mdm_store_migrate(struct mdm_store *st, char *err, size_t errlen);
/* n bytes at b as lowercase hex into out (2n + 1 bytes). */
void mdm_store_hex(const uint8_t *b, size_t n, char *out);
/* The connection, for mdm_db_changes() and the like. */
struct mdm_db *mdm_store_db(struct mdm_store *st);
/* Inside a transaction: 1 when device id / group name exists, 0 when
 * not, -1 on error. */
int mdm_store_device_exists(struct mdm_store *st, const char *id);
int mdm_store_group_exists(struct mdm_store *st, const char *name);
/* Inside a write transaction: queues a SYNC_POLICY for every enrolled
 * device a policy of the scope is in force for (none already waiting
 * undelivered); adds their count to *pushed. */
int mdm_store_push_sync(struct mdm_store *st, enum mdm_scope kind,
    const char *name, time_t now, long long *pushed);

#endif /* WARDEN_MDM_STORE_INT_H */
