/*
 * compliance.c - judging each scan: the posture rules in force, the
 * policy's requirements and the enforcement results go through the
 * evaluator (posture_eval.c); the verdict, the grace-period history and
 * the AMAPI report are stored in one transaction, and the report is
 * queued in the outbox when it says something new.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/policy/report.h"
#include "agent/core/core.h"
#include "agent/policy/policy.h"

/* compliance_history keeps this many rows. */
#define HISTORY_KEEP 1000

static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* posture_history_fn over the rule_state table. */
static int
history_lookup(void *arg, const char *id, int64_t *first_failed)
{
	struct store *st = arg;
	sqlite3_stmt *q;
	int rc = -1;

	if (sqlite3_prepare_v2(store_db(st), "SELECT first_failed_at FROM "
	    "rule_state WHERE rule_id = ?", -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		*first_failed = sqlite3_column_int64(q, 0);
		rc = 0;
	}
	sqlite3_finalize(q);
	return rc;
}

/* Rewrites rule_state: failing entries keep their first-failed time,
 * entries no longer failing are forgotten. Inside the caller's txn. */
static int
save_history(struct store *st, const struct posture_result *r)
{
	sqlite3_stmt *q;
	size_t i;

	if (store_exec(st, "DELETE FROM rule_state") != 0)
		return -1;
	if (sqlite3_prepare_v2(store_db(st), "INSERT OR IGNORE INTO rule_state "
	    "(rule_id, first_failed_at) VALUES (?, ?)", -1, &q, NULL) !=
	    SQLITE_OK)
		return -1;
	for (i = 0; i < r->n; i++) {
		if (!posture_entry_failing(&r->entry[i]))
			continue;
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, r->entry[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, r->entry[i].first_failed);
		if (sqlite3_step(q) != SQLITE_DONE) {
			sqlite3_finalize(q);
			return -1;
		}
	}
	sqlite3_finalize(q);
	return 0;
}

static enum report_mode
current_mode(struct store *st)
{
	static const struct {
		const char *name;
		enum report_mode mode;
	} modes[] = {
		{ "FULLY_MANAGED", REPORT_MODE_FULLY_MANAGED },
		{ "DEDICATED", REPORT_MODE_DEDICATED },
		{ "WORK_PROFILE_COMPANY_OWNED", REPORT_MODE_WORK_PROFILE_COMPANY },
		{ "WORK_PROFILE_PERSONAL", REPORT_MODE_WORK_PROFILE_PERSONAL },
	};
	enum report_mode m = REPORT_MODE_FULLY_MANAGED;
	char *v = store_kv_get(st, "mode");
	size_t i;

	for (i = 0; v != NULL && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(v, modes[i].name) == 0)
			m = modes[i].mode;
	free(v);
	return m;
}

/* The report without its timestamps, to tell a new report from a
 * repeated one. */
static unsigned long
report_digest(const char *json)
{
	cJSON *doc = cJSON_Parse(json);
	unsigned long h = 5381;
	char *text, *p;

	if (doc == NULL)
		return 0;
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "lastStatusReportTime");
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "lastPolicySyncTime");
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	for (p = text; p != NULL && *p; p++)
		h = h * 33 + (unsigned char)*p;
	free(text);
	return h;
}

/* applicationReports when the policy asks and the HAL lists apps. */
static void
report_apps(struct wardend *d, struct report_info *info)
{
	if (!d->apps_known || !policy_engine_app_reports(d))
		return;
	info->app_reports = true;
	info->apps = d->apps;
	info->napps = d->napps;
	info->installer = hal_apps_installer(&d->hal);
}

void
compliance_evaluate(struct wardend *d)
{
	struct posture_input in;
	struct report_info info;
	struct store *st = d->store;
	char *json = NULL, key[64], digest[32], *last;
	sqlite3_stmt *q;
	uint64_t t0;
	int64_t hist_id;
	bool changed;

	memset(&in, 0, sizeof(in));
	in.facts = &d->facts;
	in.req = d->have_req ? &d->req : NULL;
	in.rules = d->rules;
	in.extras = d->extras;
	in.nextras = d->nextras;
	in.now = store_now();
	in.history = history_lookup;
	in.history_arg = st;
	t0 = cpu_ns();
	if (posture_evaluate(&in, &d->result) != 0) {
		log_warn("compliance: evaluation");
		return;
	}
	d->eval_ns_last = cpu_ns() - t0;
	d->have_result = true;

	memset(&info, 0, sizeof(info));
	info.mode = current_mode(st);
	info.state = (store_lost_mode(d->store) ? REPORT_STATE_LOST :
	    REPORT_STATE_ACTIVE);
	info.agent_version = WARDEN_VERSION;
	report_apps(d, &info);
	if (report_json(&d->result, &d->facts, &info, &json) != 0) {
		log_warnx("compliance: building the report: out of memory");
		return;
	}
	snprintf(digest, sizeof(digest), "%lu", report_digest(json));
	last = store_kv_get(st, "last_report_digest");
	changed = last == NULL || strcmp(last, digest) != 0;
	free(last);

	if (store_begin(st) != 0)
		goto out;
	if (save_history(st, &d->result) != 0)
		goto fail;
	if (changed) {
		if (sqlite3_prepare_v2(store_db(st), "INSERT INTO "
		    "compliance_history (at, verdict, policy_version, report) "
		    "VALUES (?, ?, ?, ?)", -1, &q, NULL) != SQLITE_OK)
			goto fail;
		sqlite3_bind_int64(q, 1, in.now);
		sqlite3_bind_text(q, 2, posture_state_name(d->result.verdict),
		    -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, d->result.policy_version);
		sqlite3_bind_text(q, 4, json, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE) {
			sqlite3_finalize(q);
			goto fail;
		}
		sqlite3_finalize(q);
		hist_id = sqlite3_last_insert_rowid(store_db(st));
		snprintf(key, sizeof(key), "report-%lld", (long long)hist_id);
		if (store_outbox_add(st, "report", key, json,
		    d->conf.outbox_max) != 0 ||
		    store_kv_set(st, "last_report_digest", digest) != 0)
			goto fail;
		snprintf(key, sizeof(key), "DELETE FROM compliance_history "
		    "WHERE id <= %lld", (long long)(hist_id - HISTORY_KEEP));
		if (store_exec(st, key) != 0)
			goto fail;
	}
	if (store_commit(st) != 0)
		goto fail;
	if (changed) {
		log_info("compliance: %s (policy version %lld)",
		    posture_state_name(d->result.verdict),
		    d->result.policy_version);
		/* A new report goes out now, whatever produced it. */
		wardend_outbox_kick(d);
	}
	policy_engine_after_evaluation(d);
	goto out;
fail:
	log_warnx("compliance: storing the verdict failed; kept the previous");
	store_rollback(st);
out:
	free(json);
}

static int
load_rules_text(struct wardend *d, const char *text, size_t len, char *err,
    size_t errlen)
{
	struct rules_set *rs;

	if (rules_parse(text, len, &rs, err, errlen) != 0)
		return -1;
	rules_free(d->rules);
	d->rules = rs;
	return 0;
}

void
compliance_start(struct wardend *d)
{
	char err[512];
	char *raw;

	/* The last rules applied through the control socket win over the
	 * configured file: they are newer. */
	if ((raw = store_kv_get(d->store, "rules")) != NULL) {
		if (load_rules_text(d, raw, strlen(raw), err, sizeof(err)) != 0)
			log_warnx("stored posture rules no longer valid (%s); "
			    "ignoring them", err);
		free(raw);
	}
	if (d->rules == NULL && d->conf.rules_file[0] != '\0') {
		if (rules_load(d->conf.rules_file, &d->rules, err,
		    sizeof(err)) != 0)
			fatalx("rules-file %s: %s", d->conf.rules_file, err);
		log_info("posture rules from %s: %zu rules",
		    d->conf.rules_file, d->rules->nrules);
	}
}

void
compliance_stop(struct wardend *d)
{
	rules_free(d->rules);
	d->rules = NULL;
}

void
ctl_compliance(struct ctl_conn *c, const cJSON *req)
{
	struct wardend *d = control_daemon(c);
	struct report_info info;
	char *json = NULL, *text = NULL;
	cJSON *r, *doc;

	(void)req;
	if (!d->have_result)
		compliance_evaluate(d);
	if (!d->have_result) {
		control_reply_err(c, EXIT_FAIL, "compliance: no evaluation yet "
		    "(the first scan has not finished)");
		return;
	}
	memset(&info, 0, sizeof(info));
	info.mode = current_mode(d->store);
	info.state = (store_lost_mode(d->store) ? REPORT_STATE_LOST :
	    REPORT_STATE_ACTIVE);
	info.agent_version = WARDEN_VERSION;
	report_apps(d, &info);
	if (report_json(&d->result, &d->facts, &info, &json) != 0 ||
	    report_text(&d->result, &text) != 0 ||
	    (doc = cJSON_Parse(json)) == NULL) {
		free(json);
		free(text);
		control_reply_err(c, EXIT_FAIL, "compliance: out of memory");
		return;
	}
	r = cJSON_CreateObject();
	cJSON_AddItemToObject(r, "report", doc);
	cJSON_AddStringToObject(r, "text", text);
	cJSON_AddStringToObject(r, "verdict",
	    posture_state_name(d->result.verdict));
	cJSON_AddNumberToObject(r, "evaluationNanoseconds",
	    (double)d->eval_ns_last);
	free(json);
	free(text);
	control_reply_ok(c, r);
}

void
ctl_rules_apply(struct ctl_conn *c, const cJSON *req)
{
	struct wardend *d = control_daemon(c);
	const cJSON *doc = cJSON_GetObjectItemCaseSensitive(req, "document");
	char err[512];

	if (!cJSON_IsString(doc)) {
		control_reply_err(c, EXIT_USAGE, "request.document: missing or "
		    "not a string");
		return;
	}
	if (load_rules_text(d, doc->valuestring, strlen(doc->valuestring),
	    err, sizeof(err)) != 0) {
		control_reply_err(c, EXIT_USAGE, "%s", err);
		return;
	}
	if (store_kv_set(d->store, "rules", doc->valuestring) != 0) {
		control_reply_err(c, EXIT_FAIL, "rules: storing them failed");
		return;
	}
	log_info("posture rules applied: %zu rules", d->rules->nrules);
	compliance_evaluate(d);
	control_reply_ok(c, NULL);
}
