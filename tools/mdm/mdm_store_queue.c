/*
 * mdm_store_queue.c - what flows between the server and its devices:
 * reports and events (stored once per idempotency key) and commands
 * (queued by the CLI, taken by long polls, answered once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_store_int.h"

int
mdm_store_reports_add(struct mdm_store *st, const char *id,
    const struct mdm_report *r, size_t n, time_t now)
{
	struct mdm_db_stmt *s;
	size_t i;
	int rc = 0;

	if (mdm_store_begin(st, true) != 0)
		return -1;
	s = mdm_store_prepare(st, "INSERT INTO reports (device_id, idem_key, "
	    "kind, payload, compliant, received) VALUES (?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT DO NOTHING");
	if (s == NULL)
		return mdm_store_end(st, false);
	for (i = 0; i < n && rc == 0; i++) {
		mdm_db_reset(s);
		mdm_store_bind_text(s, 1, id);
		mdm_store_bind_text(s, 2, r[i].key);
		mdm_store_bind_text(s, 3, r[i].kind);
		mdm_store_bind_text(s, 4, r[i].payload);
		if (r[i].compliant < 0)
			mdm_db_bind_text(s, 5, NULL);
		else
			mdm_db_bind_int64(s, 5, r[i].compliant);
		mdm_db_bind_int64(s, 6, (int64_t)now);
		if (mdm_db_step(s) != MDM_DB_DONE) {
			mdm_store_log(st, "report insert");
			rc = -1;
		}
	}
	mdm_db_finalize(s);
	return mdm_store_end(st, rc == 0);
}

int
mdm_store_reports_count(struct mdm_store *st, const char *id,
    long long *count)
{
	struct mdm_db_stmt *s;
	int ret = -1;

	if (mdm_store_begin(st, false) != 0)
		return -1;
	s = mdm_store_prepare(st, "SELECT count(*) FROM reports WHERE "
	    "device_id = ?");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, id);
		if (mdm_db_step(s) == MDM_DB_ROW) {
			*count = mdm_db_column_int64(s, 0);
			ret = 0;
		} else {
			mdm_store_log(st, "report count");
		}
		mdm_db_finalize(s);
	}
	mdm_store_end(st, true);
	return ret;
}

int
mdm_store_reports_each(struct mdm_store *st, const char *id,
    int (*fn)(const struct mdm_report_row *row, void *arg), void *arg)
{
	struct mdm_report_row row;
	struct mdm_db_stmt *s;
	int rc, ret = 0;

	if (mdm_store_begin(st, false) != 0)
		return -1;
	s = mdm_store_prepare(st, "SELECT seq, idem_key, kind, payload, "
	    "received FROM reports WHERE device_id = ? ORDER BY seq");
	if (s == NULL) {
		mdm_store_end(st, true);
		return -1;
	}
	mdm_store_bind_text(s, 1, id);
	while ((rc = mdm_db_step(s)) == MDM_DB_ROW) {
		row.seq = mdm_db_column_int64(s, 0);
		row.key = mdm_db_column_text(s, 1);
		row.kind = mdm_db_column_text(s, 2);
		row.payload = mdm_db_column_text(s, 3);
		row.received = (time_t)mdm_db_column_int64(s, 4);
		if (fn(&row, arg) != 0)
			break;
	}
	if (rc != MDM_DB_ROW && rc != MDM_DB_DONE) {
		mdm_store_log(st, "report list");
		ret = -1;
	}
	mdm_db_finalize(s);
	mdm_store_end(st, true);
	return ret;
}

int
mdm_store_last_report(struct mdm_store *st, const char *id, char **payload,
    time_t *received)
{
	struct mdm_db_stmt *s;
	int rc, ret = -1;

	*payload = NULL;
	*received = 0;
	if (mdm_store_begin(st, false) != 0)
		return -1;
	s = mdm_store_prepare(st, "SELECT payload, received FROM reports "
	    "WHERE device_id = ? AND kind = 'report' ORDER BY seq DESC "
	    "LIMIT 1");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, id);
		rc = mdm_db_step(s);
		if (rc == MDM_DB_ROW) {
			*payload = strdup(mdm_db_column_text(s,
			    0));
			*received = (time_t)mdm_db_column_int64(s, 1);
			ret = *payload != NULL ? 0 : -1;
		} else if (rc == MDM_DB_DONE) {
			ret = 0;
		} else {
			mdm_store_log(st, "last report");
		}
		mdm_db_finalize(s);
	}
	mdm_store_end(st, true);
	return ret;
}

void
mdm_command_clear(struct mdm_command *c)
{
	if (c == NULL)
		return;
	free(c->params);
	free(c->result);
	free(c->signature);
	memset(c, 0, sizeof(*c));
}

int
mdm_store_command_add(struct mdm_store *st, const struct mdm_command *c)
{
	struct mdm_db_stmt *s;
	int rc;

	if (mdm_store_begin(st, true) != 0)
		return -1;
	s = mdm_store_prepare(st, "INSERT INTO commands (id, device_id, type, "
	    "params, created, duration, signature) VALUES (?, ?, ?, ?, ?, ?, "
	    "?)");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, c->id);
		mdm_store_bind_text(s, 2, c->device);
		mdm_store_bind_text(s, 3, c->type);
		mdm_store_bind_text(s, 4, c->params != NULL ? c->params : "{}");
		mdm_db_bind_int64(s, 5, (int64_t)c->created);
		mdm_db_bind_int64(s, 6, (int64_t)c->duration);
		mdm_store_bind_text(s, 7, c->signature);
	}
	rc = mdm_store_exec_stmt(st, s);
	if (rc == 0)
		rc = mdm_db_notify(mdm_store_db(st));
	return mdm_store_end(st, rc == 0);
}

static const char command_cols[] =
    "SELECT id, device_id, type, params, created, duration, delivered, "
    "deliveries, status, error_code, result, result_time, signature "
    "FROM commands";

static int
command_row(struct mdm_db_stmt *s, struct mdm_command *c)
{
	const char *t;

	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s",
	    mdm_db_column_text(s, 0));
	snprintf(c->device, sizeof(c->device), "%s",
	    mdm_db_column_text(s, 1));
	snprintf(c->type, sizeof(c->type), "%s",
	    mdm_db_column_text(s, 2));
	c->params = strdup(mdm_db_column_text(s, 3));
	c->created = (time_t)mdm_db_column_int64(s, 4);
	c->duration = mdm_db_column_int64(s, 5);
	c->delivered = (time_t)mdm_db_column_int64(s, 6);
	c->deliveries = mdm_db_column_int64(s, 7);
	if ((t = mdm_db_column_text(s, 8)) != NULL)
		snprintf(c->status, sizeof(c->status), "%s", t);
	if ((t = mdm_db_column_text(s, 9)) != NULL)
		snprintf(c->error_code, sizeof(c->error_code), "%s", t);
	if ((t = mdm_db_column_text(s, 10)) != NULL &&
	    (c->result = strdup(t)) == NULL) {
		mdm_command_clear(c);
		return -1;
	}
	c->result_time = (time_t)mdm_db_column_int64(s, 11);
	if ((t = mdm_db_column_text(s, 12)) != NULL &&
	    (c->signature = strdup(t)) == NULL) {
		mdm_command_clear(c);
		return -1;
	}
	if (c->params == NULL) {
		mdm_command_clear(c);
		return -1;
	}
	return 0;
}

int
mdm_store_devices_due(struct mdm_store *st, time_t now,
    int (*fn)(const char *id, void *arg), void *arg)
{
	struct mdm_db_stmt *s;
	int rc, ret = 0;

	if (mdm_store_begin(st, false) != 0)
		return -1;
	/* The condition of mdm_store_commands_take(), for every device. */
	s = mdm_store_prepare(st, "SELECT DISTINCT device_id FROM commands "
	    "WHERE result_time IS NULL AND created + duration > ? AND "
	    "(delivered IS NULL OR delivered <= ?) ORDER BY device_id");
	if (s == NULL) {
		mdm_store_end(st, false);
		return -1;
	}
	mdm_db_bind_int64(s, 1, (int64_t)now);
	mdm_db_bind_int64(s, 2, (int64_t)(now - MDM_REDELIVER_SECONDS));
	while ((rc = mdm_db_step(s)) == MDM_DB_ROW)
		if ((ret = fn(mdm_db_column_text(s, 0), arg)) != 0)
			break;
	if (rc != MDM_DB_ROW && rc != MDM_DB_DONE) {
		mdm_store_log(st, "commands due");
		ret = -1;
	}
	mdm_db_finalize(s);
	mdm_store_end(st, true);
	return ret;
}

int
mdm_store_commands_take(struct mdm_store *st, const char *id, time_t now,
    struct mdm_command *out, size_t max, size_t *n)
{
	char sql[sizeof(command_cols) + 256];
	struct mdm_db_stmt *s, *u;
	size_t i;
	int rc, ok = 1;

	*n = 0;
	snprintf(sql, sizeof(sql), "%s WHERE device_id = ? AND result_time "
	    "IS NULL AND created + duration > ? AND (delivered IS NULL OR "
	    "delivered <= ?) ORDER BY created, rowid LIMIT ?", command_cols);
	if (mdm_store_begin(st, true) != 0)
		return -1;
	if ((s = mdm_store_prepare(st, sql)) == NULL)
		return mdm_store_end(st, false);
	mdm_store_bind_text(s, 1, id);
	mdm_db_bind_int64(s, 2, (int64_t)now);
	mdm_db_bind_int64(s, 3, (int64_t)(now - MDM_REDELIVER_SECONDS));
	mdm_db_bind_int64(s, 4, (int64_t)max);
	while ((rc = mdm_db_step(s)) == MDM_DB_ROW && *n < max) {
		if (command_row(s, &out[*n]) != 0) {
			ok = 0;
			break;
		}
		(*n)++;
	}
	if (rc != MDM_DB_ROW && rc != MDM_DB_DONE) {
		mdm_store_log(st, "command poll");
		ok = 0;
	}
	mdm_db_finalize(s);
	u = ok ? mdm_store_prepare(st, "UPDATE commands SET delivered = ?, "
	    "deliveries = deliveries + 1 WHERE id = ?") : NULL;
	for (i = 0; ok && i < *n; i++) {
		if (u == NULL) {
			ok = 0;
			break;
		}
		mdm_db_reset(u);
		mdm_db_bind_int64(u, 1, (int64_t)now);
		mdm_store_bind_text(u, 2, out[i].id);
		if (mdm_db_step(u) != MDM_DB_DONE) {
			mdm_store_log(st, "command delivery");
			ok = 0;
		}
		out[i].delivered = now;
		out[i].deliveries++;
	}
	mdm_db_finalize(u);
	if (mdm_store_end(st, ok) != 0) {
		for (i = 0; i < *n; i++)
			mdm_command_clear(&out[i]);
		*n = 0;
		return -1;
	}
	return 0;
}

int
mdm_store_command_result(struct mdm_store *st, const char *id,
    const char *cmd, const char *status, const char *error_code,
    const char *result, time_t now, enum mdm_result_outcome *outcome)
{
	struct mdm_db_stmt *s;
	int rc;

	if (mdm_store_begin(st, true) != 0)
		return -1;
	s = mdm_store_prepare(st, "SELECT result_time FROM commands WHERE "
	    "id = ? AND device_id = ?");
	if (s == NULL)
		return mdm_store_end(st, false);
	mdm_store_bind_text(s, 1, cmd);
	mdm_store_bind_text(s, 2, id);
	rc = mdm_db_step(s);
	if (rc == MDM_DB_DONE) {
		*outcome = MDM_RESULT_UNKNOWN;
	} else if (rc == MDM_DB_ROW) {
		*outcome = mdm_db_column_null(s, 0) ?
		    MDM_RESULT_STORED : MDM_RESULT_IGNORED;
	} else {
		mdm_store_log(st, "command lookup");
		mdm_db_finalize(s);
		return mdm_store_end(st, false);
	}
	mdm_db_finalize(s);
	if (*outcome != MDM_RESULT_STORED)
		return mdm_store_end(st, true);
	s = mdm_store_prepare(st, "UPDATE commands SET status = ?, "
	    "error_code = ?, result = ?, result_time = ? WHERE id = ? AND "
	    "device_id = ? AND result_time IS NULL");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, status);
		mdm_store_bind_text(s, 2, error_code[0] != '\0' ? error_code :
		    NULL);
		mdm_store_bind_text(s, 3, result);
		mdm_db_bind_int64(s, 4, (int64_t)now);
		mdm_store_bind_text(s, 5, cmd);
		mdm_store_bind_text(s, 6, id);
	}
	rc = mdm_store_exec_stmt(st, s);
	return mdm_store_end(st, rc == 0);
}

int
mdm_store_commands_each(struct mdm_store *st, const char *id,
    int (*fn)(const struct mdm_command *c, void *arg), void *arg)
{
	char sql[sizeof(command_cols) + 64];
	struct mdm_command c;
	struct mdm_db_stmt *s;
	int rc, ret = 0;

	snprintf(sql, sizeof(sql), "%s WHERE device_id = ? ORDER BY created, "
	    "rowid", command_cols);
	if (mdm_store_begin(st, false) != 0)
		return -1;
	if ((s = mdm_store_prepare(st, sql)) == NULL) {
		mdm_store_end(st, true);
		return -1;
	}
	mdm_store_bind_text(s, 1, id);
	while ((rc = mdm_db_step(s)) == MDM_DB_ROW) {
		if (command_row(s, &c) != 0) {
			ret = -1;
			break;
		}
		rc = fn(&c, arg);
		mdm_command_clear(&c);
		if (rc != 0) {
			rc = MDM_DB_DONE;
			break;
		}
	}
	if (ret == 0 && rc != MDM_DB_ROW && rc != MDM_DB_DONE) {
		mdm_store_log(st, "command list");
		ret = -1;
	}
	mdm_db_finalize(s);
	mdm_store_end(st, true);
	return ret;
}

int
mdm_store_command_redeliver(struct mdm_store *st, const char *id,
    const char *cmd)
{
	struct mdm_db_stmt *s;
	int rc;

	if (mdm_store_begin(st, true) != 0)
		return -1;
	s = mdm_store_prepare(st, "UPDATE commands SET status = NULL, "
	    "error_code = NULL, result = NULL, result_time = NULL, delivered "
	    "= NULL WHERE id = ? AND device_id = ?");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, cmd);
		mdm_store_bind_text(s, 2, id);
	}
	rc = mdm_store_exec_stmt(st, s);
	if (rc == 0 && mdm_db_changes(st->db) == 0)
		rc = 1;
	else if (rc == 0)
		rc = mdm_db_notify(st->db);
	if (mdm_store_end(st, rc >= 0) != 0)
		return -1;
	return rc;
}
