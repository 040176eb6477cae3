/*
 * store_hygiene.c - keeps warden.db small on a device that runs for
 * years: the tables that only grow are cut to their newest rows, and
 * pages freed by the cuts, by a delivered outbox backlog or by pruned
 * history go back to the file system (the database is in incremental
 * auto-vacuum mode, store.c).
 */
#include <stdio.h>

#include "agent/core/store.h"

/* The cuts: each deletes by primary key range, no scan of the table. */
static const char *const prune_sql[] = {
	/* The facts point at the newest scan only. */
	"DELETE FROM scans WHERE id <= (SELECT max(id) FROM scans) - "
	    "%d AND id NOT IN (SELECT scan_id FROM facts)",
	"DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - %d",
	"DELETE FROM state_history WHERE id <= "
	    "(SELECT max(id) FROM state_history) - %d",
};

static int64_t
pragma_int(struct store *st, const char *sql)
{
	sqlite3_stmt *q;
	int64_t v = -1;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

int
store_prune(struct store *st)
{
	const int keep[] = { STORE_SCANS_KEEP, STORE_EVENTS_KEEP,
		STORE_STATE_HISTORY_KEEP };
	char sql[160];
	size_t i;

	for (i = 0; i < sizeof(prune_sql) / sizeof(prune_sql[0]); i++) {
		snprintf(sql, sizeof(sql), prune_sql[i], keep[i]);
		if (store_exec(st, sql) != 0)
			return -1;
	}
	return 0;
}

int
store_reclaim(struct store *st)
{
	int64_t free_pages = pragma_int(st, "PRAGMA freelist_count");
	int64_t pages = pragma_int(st, "PRAGMA page_count");

	if (free_pages < STORE_RECLAIM_MIN_PAGES || free_pages * 4 < pages)
		return 0;
	/* Moves pages from the end of the file into the free ones and
	 * truncates it, in one transaction. */
	if (store_exec(st, "PRAGMA incremental_vacuum") != 0)
		return -1;
	log_info("store: gave back %lld free pages of %lld",
	    (long long)free_pages, (long long)pages);
	return 0;
}
