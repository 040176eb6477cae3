/*
 * mdm_store_fleet.c - what the admin console reads: every device with
 * its last report in one pass, the fleet's compliance day by day from
 * the stored reports, a device's enrollment information, its recent
 * events, and the policy set for one scope.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_store_int.h"

int
mdm_store_fleet_each(struct mdm_store *st,
    int (*fn)(const struct mdm_fleet_row *row, void *arg), void *arg)
{
	struct mdm_fleet_row r;
	struct mdm_db_stmt *s;
	int rc, ret = 0;

	if (mdm_store_begin(st, false) != 0)
		return -1;
	/* reports_last (device_id, kind, seq) finds each last report. */
	s = mdm_store_prepare(st, "SELECT d.id, d.mode, d.enrolled, "
	    "d.retired, d.group_name, r.received, r.compliant, CASE WHEN "
	    "r.compliant = 0 THEN r.payload END FROM devices d LEFT JOIN "
	    "reports r ON r.seq = (SELECT MAX(seq) FROM reports WHERE "
	    "device_id = d.id AND kind = 'report') ORDER BY d.enrolled, "
	    "d.rowid");
	if (s == NULL) {
		mdm_store_end(st, true);
		return -1;
	}
	while ((rc = mdm_db_step(s)) == MDM_DB_ROW) {
		memset(&r, 0, sizeof(r));
		snprintf(r.dev.id, sizeof(r.dev.id), "%s",
		    mdm_db_column_text(s, 0));
		snprintf(r.dev.mode, sizeof(r.dev.mode), "%s",
		    mdm_db_column_text(s, 1));
		r.dev.enrolled = (time_t)mdm_db_column_int64(s, 2);
		r.dev.retired = !mdm_db_column_null(s, 3);
		if (!mdm_db_column_null(s, 4))
			snprintf(r.dev.group, sizeof(r.dev.group), "%s",
			    mdm_db_column_text(s, 4));
		r.dev.last_report = (time_t)mdm_db_column_int64(s, 5);
		r.dev.compliant = mdm_db_column_null(s, 6) ?
		    -1 : mdm_db_column_int64(s, 6) != 0;
		r.payload = mdm_db_column_text(s, 7);
		if (fn(&r, arg) != 0)
			break;
	}
	if (rc != MDM_DB_ROW && rc != MDM_DB_DONE) {
		mdm_store_log(st, "fleet list");
		ret = -1;
	}
	mdm_db_finalize(s);
	mdm_store_end(st, true);
	return ret;
}

int
mdm_store_compliance_days(struct mdm_store *st, const char *group,
    time_t since, int (*fn)(long long day, long long compliant,
    long long noncompliant, void *arg), void *arg)
{
	struct mdm_db_stmt *s;
	int rc, ret = 0;

	if (mdm_store_begin(st, false) != 0)
		return -1;
	/* Each device counts once a day, by its last report of that day.
	 * The CAST gives PostgreSQL the type of a NULL group. */
	s = mdm_store_prepare(st, "SELECT r.received / 86400 AS day, "
	    "SUM(CASE WHEN r.compliant = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN "
	    "r.compliant = 0 THEN 1 ELSE 0 END) FROM reports r WHERE r.seq "
	    "IN (SELECT MAX(x.seq) FROM reports x JOIN devices d ON d.id = "
	    "x.device_id WHERE x.kind = 'report' AND x.received >= ?1 AND "
	    "(CAST(?2 AS TEXT) IS NULL OR d.group_name = ?2) GROUP BY "
	    "x.device_id, x.received / 86400) GROUP BY r.received / 86400 "
	    "ORDER BY day");
	if (s == NULL) {
		mdm_store_end(st, true);
		return -1;
	}
	mdm_db_bind_int64(s, 1, (int64_t)since);
	mdm_store_bind_text(s, 2, group);
	while ((rc = mdm_db_step(s)) == MDM_DB_ROW)
		if (fn(mdm_db_column_int64(s, 0), mdm_db_column_int64(s, 1),
		    mdm_db_column_int64(s, 2), arg) != 0)
			break;
	if (rc != MDM_DB_ROW && rc != MDM_DB_DONE) {
		mdm_store_log(st, "compliance history");
		ret = -1;
	}
	mdm_db_finalize(s);
	mdm_store_end(st, true);
	return ret;
}

/* One text column of one row: 0 and *out (malloc'd), 1 when there is
 * no row, -1 on error. The first parameter is bound to key. */
static int
one_text(struct mdm_store *st, const char *sql, const char *key,
    char **out)
{
	struct mdm_db_stmt *s;
	int rc, ret = -1;

	*out = NULL;
	if (mdm_store_begin(st, false) != 0)
		return -1;
	if ((s = mdm_store_prepare(st, sql)) != NULL) {
		mdm_store_bind_text(s, 1, key);
		rc = mdm_db_step(s);
		if (rc == MDM_DB_ROW) {
			*out = strdup(mdm_db_column_text(s, 0));
			ret = *out != NULL ? 0 : -1;
		} else if (rc == MDM_DB_DONE) {
			ret = 1;
		} else {
			mdm_store_log(st, "lookup");
		}
		mdm_db_finalize(s);
	}
	mdm_store_end(st, true);
	return ret;
}

int
mdm_store_device_info(struct mdm_store *st, const char *id, char **info)
{
	return one_text(st, "SELECT info FROM devices WHERE id = ?", id, info);
}

int
mdm_store_events_recent(struct mdm_store *st, const char *id, int max,
    int (*fn)(const struct mdm_report_row *row, void *arg), void *arg)
{
	struct mdm_report_row r;
	struct mdm_db_stmt *s;
	int rc, ret = 0;

	if (mdm_store_begin(st, false) != 0)
		return -1;
	s = mdm_store_prepare(st, "SELECT seq, idem_key, kind, payload, "
	    "received FROM reports WHERE device_id = ? AND kind = 'event' "
	    "ORDER BY seq DESC LIMIT ?");
	if (s == NULL) {
		mdm_store_end(st, true);
		return -1;
	}
	mdm_store_bind_text(s, 1, id);
	mdm_db_bind_int64(s, 2, max);
	while ((rc = mdm_db_step(s)) == MDM_DB_ROW) {
		r.seq = mdm_db_column_int64(s, 0);
		r.key = mdm_db_column_text(s, 1);
		r.kind = mdm_db_column_text(s, 2);
		r.payload = mdm_db_column_text(s, 3);
		r.received = (time_t)mdm_db_column_int64(s, 4);
		if (fn(&r, arg) != 0)
			break;
	}
	if (rc != MDM_DB_ROW && rc != MDM_DB_DONE) {
		mdm_store_log(st, "events");
		ret = -1;
	}
	mdm_db_finalize(s);
	mdm_store_end(st, true);
	return ret;
}

int
mdm_store_policy_scope_get(struct mdm_store *st, enum mdm_scope kind,
    const char *name, char **json)
{
	char scope[MDM_ID_MAX + MDM_GROUP_MAX + 8];

	snprintf(scope, sizeof(scope), "%s%s", kind == MDM_SCOPE_GROUP ?
	    "group:" : "", kind == MDM_SCOPE_DEFAULT ? "" : name);
	return one_text(st, "SELECT body FROM policies WHERE scope = ?", scope,
	    json);
}
