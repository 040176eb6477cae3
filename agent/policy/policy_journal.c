/*
 * policy_journal.c - the enforcement journal in applied_settings.
 *
 * A plan of N steps costs two waits for the disk, not 2N: every step is
 * journalled pending in one synchronous=FULL transaction before the
 * first HAL op, each result is committed with synchronous=NORMAL (in the
 * WAL, so a killed process loses nothing), and the last result's FULL
 * commit syncs the WAL and with it every result before it. After a crash
 * at any instant the rows are either pending (the next start applies
 * them again, as every start re-applies everything) or hold the step's
 * result.
 */
#include <stdio.h>

#include "agent/policy/policy_journal.h"
#include "agent/core/core.h"

/* Writes one record (or deletes it) inside the caller's transaction. */
static int
write_record(struct store *st, const struct enforce_result *r)
{
	sqlite3_stmt *q;
	int rc;

	if (r->remove) {
		rc = sqlite3_prepare_v2(store_db(st), "DELETE FROM "
		    "applied_settings WHERE setting = ?", -1, &q, NULL);
		if (rc == SQLITE_OK)
			sqlite3_bind_text(q, 1, r->key, -1, SQLITE_STATIC);
	} else {
		rc = sqlite3_prepare_v2(store_db(st), "INSERT OR REPLACE "
		    "INTO applied_settings (setting, field_path, value, status, "
		    "reason, source, updated_at, prior) VALUES (?, ?, ?, ?, ?, "
		    "?, ?, NULLIF(?, ''))",
		    -1, &q, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(q, 1, r->key, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 2, r->field_path, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 3, r->value, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 4, enforce_status_name(r->status),
			    -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 5, r->reason, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 6, r->source, -1, SQLITE_STATIC);
			sqlite3_bind_int64(q, 7, store_now());
			sqlite3_bind_text(q, 8, r->prior, -1, SQLITE_STATIC);
		}
	}
	if (rc != SQLITE_OK || sqlite3_step(q) != SQLITE_DONE) {
		log_warnx("policy: storing %s: %s", r->key,
		    sqlite3_errmsg(store_db(st)));
		sqlite3_finalize(q);
		return -1;
	}
	sqlite3_finalize(q);
	return 0;
}

int
policy_journal_plan(struct store *st, const struct enforce_plan *plan)
{
	struct enforce_result pending;
	size_t i;

	if (plan->n == 0)
		return 0;
	if (store_begin(st) != 0)
		return -1;
	for (i = 0; i < plan->n; i++) {
		enforce_step_pending(&plan->steps[i], &pending);
		if (write_record(st, &pending) != 0) {
			store_rollback(st);
			return -1;
		}
	}
	test_hooks_txn_pause();
	return store_commit(st);
}

int
policy_journal_result(struct store *st, const struct enforce_result *r,
    bool last)
{
	int rc;

	if (!last && store_exec(st, "PRAGMA synchronous=NORMAL") != 0)
		return -1;
	if ((rc = store_begin(st)) == 0) {
		if ((rc = write_record(st, r)) == 0) {
			test_hooks_txn_pause();
			rc = store_commit(st);
		} else {
			store_rollback(st);
		}
	}
	if (!last && store_exec(st, "PRAGMA synchronous=FULL") != 0)
		rc = -1;
	return rc;
}
