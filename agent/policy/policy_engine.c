/*
 * policy_engine.c - the policy in force and its enforcement.
 *
 * The admin policy (from `wardenctl policy apply`, the standalone
 * policy-file, or a server) is stored in the policies table; merged with
 * the management mode's preset it gives the wanted settings. The engine
 * applies the difference from the applied_settings table one step at a
 * time: the whole plan is journalled "pending" before the first HAL op
 * runs on the work queue, and each step's result is stored after it
 * (policy_journal.c: two waits for the disk a plan). A crash at any
 * point leaves pending rows that the next start applies again (every
 * start re-applies everything, as a reboot may have undone it). All
 * store writes happen on the loop thread.
 *
 * After every scan the engine checks the facts against what it applied
 * (drift: a re-enabled camera, a removed work profile) and enforces
 * again, and watches the failed-passcode count against
 * maximumFailedPasswordsForWipe.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/policy/enforce.h"
#include "agent/policy/policy_journal.h"
#include "agent/core/core.h"
#include "agent/policy/policy.h"
#include "profiles/policy.h"
#include "profiles/policy_settings.h"
#include "profiles/presets.h"

struct waiter {
	struct ctl_conn *conn;
	struct waiter *next;
};

struct engine {
	struct policy *admin;		/* NULL: no admin policy */
	enum policy_mode mode;
	struct policy *effective;	/* preset + admin */
	struct policy_settings wanted;
	struct policy_details details;
	struct enforce_applied *applied;
	size_t napplied;

	struct enforce_plan plan;
	size_t step;
	bool running;
	bool rerun;		/* run again when the current plan ends */
	bool reload;		/* the stored policy changed meanwhile */
	struct enforce_result res;
	struct waiter *waiters;

	bool wipe_triggered;	/* failed-attempts wipe already started */
	/* policy_engine_revert_all(): nothing is wanted; done runs when
	 * the reverts have run. */
	bool retiring;
	void (*retire_done)(struct wardend *, void *);
	void *retire_arg;
	/* Storage for the texts the posture extras point to. */
	char extra_text[POSTURE_EXTRAS_MAX][ENFORCE_REASON_MAX + 16];
};

static struct engine *
eng(struct wardend *d)
{
	return d->engine;
}

/* ------------------------------------------------------------------ */
/* Store                                                                */
/* ------------------------------------------------------------------ */

static int
load_applied(struct wardend *d)
{
	struct engine *e = eng(d);
	sqlite3_stmt *q;
	size_t cap = 16;

	free(e->applied);
	e->applied = NULL;
	e->napplied = 0;
	if (sqlite3_prepare_v2(store_db(d->store), "SELECT setting, "
	    "field_path, value, status, reason, source, prior FROM "
	    "applied_settings "
	    "ORDER BY rowid", -1, &q, NULL) != SQLITE_OK)
		return -1;
	if ((e->applied = calloc(cap, sizeof(*e->applied))) == NULL)
		fatal("calloc");
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct enforce_applied *a;

		if (e->napplied == cap) {
			cap *= 2;
			e->applied = realloc(e->applied, cap *
			    sizeof(*e->applied));
			if (e->applied == NULL)
				fatal("realloc");
		}
		a = &e->applied[e->napplied];
		memset(a, 0, sizeof(*a));
		snprintf(a->key, sizeof(a->key), "%s",
		    (const char *)sqlite3_column_text(q, 0));
		snprintf(a->field_path, sizeof(a->field_path), "%s",
		    (const char *)sqlite3_column_text(q, 1));
		snprintf(a->value, sizeof(a->value), "%s",
		    (const char *)sqlite3_column_text(q, 2));
		if (enforce_status_parse((const char *)sqlite3_column_text(q,
		    3), &a->status) != 0)
			a->status = ENFORCE_PENDING;
		snprintf(a->reason, sizeof(a->reason), "%s",
		    (const char *)sqlite3_column_text(q, 4));
		snprintf(a->source, sizeof(a->source), "%s",
		    (const char *)sqlite3_column_text(q, 5));
		if (sqlite3_column_type(q, 6) == SQLITE_TEXT)
			snprintf(a->prior, sizeof(a->prior), "%s",
			    (const char *)sqlite3_column_text(q, 6));
		e->napplied++;
	}
	sqlite3_finalize(q);
	return 0;
}

/* The newest active admin policy's text, or NULL. */
static char *
stored_policy(struct wardend *d)
{
	sqlite3_stmt *q;
	char *raw = NULL;

	if (sqlite3_prepare_v2(store_db(d->store), "SELECT raw FROM policies "
	    "WHERE active = 1 ORDER BY id DESC LIMIT 1", -1, &q, NULL) !=
	    SQLITE_OK)
		return NULL;
	if (sqlite3_step(q) == SQLITE_ROW)
		raw = strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return raw;
}

/* ------------------------------------------------------------------ */
/* Wanted settings, requirements, posture extras                        */
/* ------------------------------------------------------------------ */

static enum policy_mode
stored_mode(struct wardend *d)
{
	enum policy_mode m = POLICY_MODE_FULLY_MANAGED;
	char *v = store_kv_get(d->store, "mode");

	/* Provisioning's names: the same words as the presets' but for the
	 * work-profile modes. */
	if (v != NULL) {
		if (strcmp(v, "WORK_PROFILE_COMPANY_OWNED") == 0)
			m = POLICY_MODE_COPE;
		else if (strcmp(v, "WORK_PROFILE_PERSONAL") == 0)
			m = POLICY_MODE_BYOD;
		else if (policy_mode_parse(v, &m) != 0)
			m = POLICY_MODE_FULLY_MANAGED;
	}
	free(v);
	return m;
}

static enum rules_reason
status_reason(enum enforce_status s)
{
	switch (s) {
	case ENFORCE_PENDING:
		return RULES_REASON_PENDING;
	case ENFORCE_UNSUPPORTED:
		return RULES_REASON_UNSUPPORTED;
	default:
		return RULES_REASON_DEVICE_INCOMPATIBLE;
	}
}

/* Rebuilds the compliance inputs from the policy and the records. */
static void
update_extras(struct wardend *d)
{
	struct engine *e = eng(d);
	size_t i, n = 0;

	d->have_req = e->admin != NULL;
	memset(&d->req, 0, sizeof(d->req));
	if (e->effective != NULL && e->admin != NULL)
		policy_requirements_fill(e->effective, e->mode, &d->req);
	for (i = 0; i < e->details.n && n < POSTURE_EXTRAS_MAX; i++) {
		const struct policy_detail *pd = &e->details.d[i];
		struct posture_extra *x = &d->extras[n++];

		memset(x, 0, sizeof(*x));
		x->setting_name = pd->setting_name[0] ? pd->setting_name :
		    "policy";
		x->field_path = pd->field_path[0] ? pd->field_path : NULL;
		x->reason = pd->reason;
		x->remediation = pd->specific[0] ? pd->specific : NULL;
	}
	for (i = 0; i < e->napplied && n < POSTURE_EXTRAS_MAX; i++) {
		const struct enforce_applied *a = &e->applied[i];
		const struct policy_setting *w;
		struct posture_extra *x;

		if (a->status == ENFORCE_APPLIED ||
		    (w = policy_settings_find(&e->wanted, a->key)) == NULL)
			continue;
		x = &d->extras[n];
		memset(x, 0, sizeof(*x));
		x->id = a->key;
		x->setting_name = w->name;
		x->field_path = a->field_path[0] ? a->field_path : NULL;
		/* An app step names AMAPI's reason (APP_NOT_INSTALLED, ...). */
		if (!enforce_reason_amapi(a->reason, &x->reason))
			x->reason = status_reason(a->status);
		snprintf(e->extra_text[n], sizeof(e->extra_text[n]), "%s: %s",
		    enforce_status_name(a->status), a->reason);
		x->current_value = e->extra_text[n];
		n++;
	}
	d->nextras = n;
}

/* Parses the stored policy and derives everything from it. */
static int
load_policy(struct wardend *d)
{
	struct engine *e = eng(d);
	struct policy_errors errs;
	const struct policy *admin[1];
	char *raw = stored_policy(d);

	policy_free(e->admin);
	policy_free(e->effective);
	e->admin = e->effective = NULL;
	e->mode = stored_mode(d);
	if (raw != NULL) {
		memset(&errs, 0, sizeof(errs));
		e->admin = policy_parse(raw, strlen(raw), &errs);
		if (e->admin == NULL)
			log_warnx("the stored policy no longer parses; "
			    "enforcing the mode's baseline only");
		free(raw);
	}
	admin[0] = e->admin;
	e->effective = policy_preset_merge(e->mode, admin,
	    e->admin != NULL ? 1 : 0);
	if (e->effective == NULL)
		fatalx("policy: out of memory");
	if (policy_settings_build(e->effective, e->mode, &e->wanted,
	    &e->details) != 0)
		fatalx("policy: out of memory");
	if (e->admin != NULL && e->effective->reporting.scan_interval_seconds >
	    0 && e->effective->reporting.scan_interval_seconds !=
	    d->conf.scan_interval) {
		d->conf.scan_interval =
		    e->effective->reporting.scan_interval_seconds;
		wardend_rearm_scan(d);
	}
	/* Leaving management: not even the mode's baseline stays. */
	if (e->retiring) {
		e->wanted.n = 0;
		e->details.n = 0;
	}
	/* The posture extras pointed into the settings just replaced. */
	update_extras(d);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Running a plan                                                       */
/* ------------------------------------------------------------------ */

static void next_step(struct wardend *d);

static void
step_work(struct wardend *d, void *arg)
{
	struct engine *e = arg;
	struct enforce_step *st = &e->plan.steps[e->step];
	struct hal_facts *now;

	/* How the device is before warden first touches the setting. */
	if (enforce_step_needs_prior(st) &&
	    (now = calloc(1, sizeof(*now))) != NULL) {
		if (hal_facts_read(&d->hal, now) == 0)
			enforce_step_set_prior(st, now);
		free(now);
	}
	enforce_step_run(&d->hal, st, &e->res);
}

static void
step_after(struct wardend *d, void *arg)
{
	struct engine *e = arg;

	if (e->res.status == ENFORCE_APPLIED || e->res.remove)
		log_info("policy: %s %s", e->res.key, e->res.remove ?
		    "reverted" : "applied");
	else
		log_warnx("policy: %s %s: %s", e->res.key,
		    enforce_status_name(e->res.status), e->res.reason);
	policy_journal_result(d->store, &e->res, e->step + 1 >= e->plan.n);
	e->step++;
	next_step(d);
}

static cJSON *
settings_json(struct engine *e)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < e->napplied; i++) {
		cJSON *o = cJSON_CreateObject();
		const struct policy_setting *w = policy_settings_find(&e->wanted,
		    e->applied[i].key);

		cJSON_AddStringToObject(o, "setting", e->applied[i].key);
		if (w != NULL)
			cJSON_AddStringToObject(o, "settingName", w->name);
		cJSON_AddStringToObject(o, "fieldPath", e->applied[i].field_path);
		cJSON_AddStringToObject(o, "value", e->applied[i].value);
		cJSON_AddStringToObject(o, "status",
		    enforce_status_name(e->applied[i].status));
		if (e->applied[i].reason[0])
			cJSON_AddStringToObject(o, "reason",
			    e->applied[i].reason);
		cJSON_AddStringToObject(o, "source", e->applied[i].source);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *
details_json(struct engine *e)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < e->details.n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "settingName",
		    e->details.d[i].setting_name);
		cJSON_AddStringToObject(o, "fieldPath",
		    e->details.d[i].field_path);
		cJSON_AddStringToObject(o, "nonComplianceReason",
		    rules_reason_name(e->details.d[i].reason));
		cJSON_AddStringToObject(o, "detail", e->details.d[i].specific);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static void
plan_done(struct wardend *d)
{
	struct engine *e = eng(d);
	struct waiter *w, *next;

	enforce_plan_free(&e->plan);
	e->running = false;
	load_applied(d);
	if (e->reload) {
		e->reload = false;
		load_policy(d);
		e->rerun = true;
	}
	/* The posture extras point into the rows just reloaded: renew
	 * them now, as a scan may end before a rerun plan does. */
	update_extras(d);
	if (e->rerun) {
		e->rerun = false;
		policy_engine_enforce(d, 0);
		return;
	}
	if (e->retiring) {
		void (*done)(struct wardend *, void *) = e->retire_done;

		e->retiring = false;
		e->retire_done = NULL;
		done(d, e->retire_arg);
		return;
	}
	for (w = e->waiters, e->waiters = NULL; w != NULL; w = next) {
		cJSON *r = cJSON_CreateObject();

		next = w->next;
		cJSON_AddNumberToObject(r, "version",
		    e->admin != NULL ? (double)e->admin->version : 0);
		cJSON_AddStringToObject(r, "mode", policy_mode_name(e->mode));
		cJSON_AddItemToObject(r, "settings", settings_json(e));
		cJSON_AddItemToObject(r, "notEnforced", details_json(e));
		control_reply_ok(w->conn, r);
		free(w);
	}
	/* Judge the device against what is now in force. */
	wardend_scan(d, NULL);
}

static void
next_step(struct wardend *d)
{
	struct engine *e = eng(d);

	if (d->stopping || e->step >= e->plan.n) {
		if (d->stopping)
			e->running = false;
		else
			plan_done(d);
		return;
	}
	memset(&e->res, 0, sizeof(e->res));
	daemon_hal_job(d, step_work, step_after, e);
}

void
policy_engine_enforce(struct wardend *d, unsigned flags)
{
	struct engine *e = eng(d);
	enum agent_state s;

	/* A mode's policy is in force only once the device is managed or
	 * standalone; an unprovisioned device is left alone. */
	if (store_get_state(d->store, &s, NULL, 0) != 0 ||
	    (s != STATE_STANDALONE && s != STATE_MANAGED &&
	    !(s == STATE_RETIRED && e->retiring)))
		return;
	if (e->running) {
		e->rerun = true;
		return;
	}
	if (enforce_plan(&e->wanted, e->applied, e->napplied, flags,
	    &e->plan) != 0) {
		log_warnx("policy: out of memory planning the enforcement");
		return;
	}
	e->running = true;
	e->step = 0;
	if (e->plan.n > 0)
		log_info("policy: %zu settings to enforce", e->plan.n);
	if (policy_journal_plan(d->store, &e->plan) != 0)
		log_warnx("policy: journalling the plan failed");
	next_step(d);
}

/* ------------------------------------------------------------------ */
/* After each scan: drift and failed passcode attempts                  */
/* ------------------------------------------------------------------ */

static void
check_failed_attempts(struct wardend *d)
{
	struct engine *e = eng(d);
	const struct hal_fact *f = hal_fact_find(&d->facts,
	    "passcode.failed_attempts");
	int limit = d->have_req ? d->req.passcode.max_failed_for_wipe : 0;
	char msg[160];

	if (f == NULL || f->type != HAL_FACT_INT64 || limit <= 0) {
		return;
	}
	if (f->i < limit) {
		e->wipe_triggered = false;
		return;
	}
	if (e->wipe_triggered)
		return;
	e->wipe_triggered = true;
	snprintf(msg, sizeof(msg), "%lld failed passcode attempts reach "
	    "maximumFailedPasswordsForWipe %d: wiping the device",
	    (long long)f->i, limit);
	log_warnx("%s", msg);
	store_event(d->store, "wipe-failed-attempts", msg);
	wardend_wipe(d, msg);
}

enum policy_mode
policy_engine_mode(struct wardend *d)
{
	return eng(d)->mode;
}

void
policy_engine_each_app(struct wardend *d,
    void (*fn)(void *arg, const char *package), void *arg)
{
	struct engine *e = eng(d);
	size_t i;

	for (i = 0; i < e->wanted.n; i++)
		if (e->wanted.s[i].kind == POLICY_SET_APP)
			fn(arg, e->wanted.s[i].v.app.package);
}

bool
policy_engine_app_reports(struct wardend *d)
{
	struct engine *e = eng(d);

	return e->admin != NULL && e->effective != NULL &&
	    e->effective->reporting.application_reports == POLICY_TRUE;
}

void
policy_engine_after_evaluation(struct wardend *d)
{
	struct engine *e = eng(d);

	/* Without an admin policy no rule counts non-compliance time. */
	enforcement_rules_check(d, e->admin != NULL ? e->effective : NULL);
}

void
policy_engine_after_scan(struct wardend *d)
{
	struct engine *e = eng(d);
	struct enforce_drift drift[16];
	struct enforce_result r;
	size_t n, i;

	check_failed_attempts(d);
	if (e->running)
		return;
	n = enforce_verify(&e->wanted, e->applied, e->napplied, &d->facts,
	    drift, sizeof(drift) / sizeof(drift[0]));
	if (d->apps_known)
		n += enforce_verify_apps(&e->wanted, e->applied, e->napplied,
		    d->apps, d->napps, drift + n,
		    sizeof(drift) / sizeof(drift[0]) - n);
	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		const struct enforce_applied *a = &e->applied[drift[i].applied];

		log_warnx("drift: %s: %s; enforcing again", a->key,
		    drift[i].reason);
		store_event(d->store, "drift", drift[i].reason);
		memset(&r, 0, sizeof(r));
		snprintf(r.key, sizeof(r.key), "%s", a->key);
		snprintf(r.field_path, sizeof(r.field_path), "%s",
		    a->field_path);
		snprintf(r.value, sizeof(r.value), "%s", a->value);
		snprintf(r.source, sizeof(r.source), "%s", a->source);
		r.status = ENFORCE_PENDING;
		snprintf(r.reason, sizeof(r.reason), "drift: %s",
		    drift[i].reason);
		policy_journal_result(d->store, &r, true);
	}
	load_applied(d);
	/* The posture extras point into the rows just reloaded. */
	update_extras(d);
	policy_engine_enforce(d, 0);
}

/* ------------------------------------------------------------------ */
/* Setting the policy                                                   */
/* ------------------------------------------------------------------ */

/* Writes the errors as "fieldPath: reason" lines into buf. */
static void
format_errors(const struct policy_errors *errs, char *buf, size_t len)
{
	size_t i, off = 0;
	char line[POLICY_PATH_MAX + POLICY_REASON_MAX + 8];

	buf[0] = '\0';
	for (i = 0; i < errs->n && off + 1 < len; i++) {
		policy_error_format(&errs->e[i], line, sizeof(line));
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i > 0 ? "\n" : "", line);
	}
	if (errs->more > 0 && off + 1 < len)
		snprintf(buf + off, len - off, "\n(%zu more errors)",
		    errs->more);
}

int
policy_engine_set(struct wardend *d, const char *text, const char *source,
    bool standalone, bool enforce_now, char *err, size_t errlen)
{
	struct engine *e = eng(d);
	struct policy_errors errs;
	struct policy *p;
	sqlite3_stmt *q;
	enum agent_state s;

	memset(&errs, 0, sizeof(errs));
	if ((p = policy_parse(text, strlen(text), &errs)) == NULL) {
		format_errors(&errs, err, errlen);
		return -1;
	}
	if (store_begin(d->store) != 0)
		goto dberr;
	if (standalone) {
		if (store_get_state(d->store, &s, NULL, 0) != 0)
			goto dberr_txn;
		if (s == STATE_UNPROVISIONED) {
			if (store_set_state(d->store, STATE_STANDALONE,
			    "local policy", true) != 0 ||
			    store_kv_set(d->store, "mode", d->conf.mode) != 0)
				goto dberr_txn;
		} else if (s != STATE_STANDALONE) {
			snprintf(err, errlen, "policy: refused: the device is %s "
			    "and takes its policy from its server",
			    state_name(s));
			store_rollback(d->store);
			policy_free(p);
			return -2;
		}
	}
	if (store_exec(d->store, "UPDATE policies SET active = 0") != 0 ||
	    sqlite3_prepare_v2(store_db(d->store), "INSERT INTO policies "
	    "(source, version, raw, received_at) VALUES (?, ?, ?, ?)", -1, &q,
	    NULL) != SQLITE_OK)
		goto dberr_txn;
	sqlite3_bind_text(q, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, p->version);
	sqlite3_bind_text(q, 3, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, store_now());
	if (sqlite3_step(q) != SQLITE_DONE) {
		sqlite3_finalize(q);
		goto dberr_txn;
	}
	sqlite3_finalize(q);
	if (store_exec(d->store, "DELETE FROM policies WHERE id NOT IN "
	    "(SELECT id FROM policies ORDER BY id DESC LIMIT 10)") != 0 ||
	    store_commit(d->store) != 0)
		goto dberr_txn;
	log_info("policy \"%s\" version %lld from %s", p->name,
	    (long long)p->version, source);
	policy_free(p);
	if (!enforce_now)
		return 0;
	if (e->running) {
		e->reload = true;
		return 0;
	}
	load_policy(d);
	policy_engine_enforce(d, 0);
	return 0;
dberr_txn:
	store_rollback(d->store);
dberr:
	policy_free(p);
	snprintf(err, errlen, "policy: storing it failed; nothing changed");
	return -2;
}

void
ctl_policy_apply(struct ctl_conn *c, const cJSON *req)
{
	struct wardend *d = control_daemon(c);
	struct engine *e = eng(d);
	const cJSON *doc = cJSON_GetObjectItemCaseSensitive(req, "document");
	char err[4096];
	struct waiter *w;
	int rc;

	if (!cJSON_IsString(doc)) {
		control_reply_err(c, EXIT_USAGE, "request.document: missing or "
		    "not a string");
		return;
	}
	/* The reply waits for the enforcement to finish, which ends before
	 * policy_engine_set returns when there is nothing to apply (a
	 * policy that changes only its enforcement rules): wait first. */
	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal("calloc");
	w->conn = c;
	w->next = e->waiters;
	e->waiters = w;
	rc = policy_engine_set(d, doc->valuestring, "local", true, true, err,
	    sizeof(err));
	if (rc != 0) {
		/* Nothing ran: w is still first. */
		e->waiters = w->next;
		free(w);
		control_reply_err(c, rc == -1 ? EXIT_USAGE : EXIT_FAIL, "%s",
		    err);
	}
}

void
policy_engine_status(struct wardend *d, cJSON *r)
{
	struct engine *e = eng(d);
	cJSON *p;

	if (e == NULL || e->admin == NULL) {
		cJSON_AddNullToObject(r, "policy");
		return;
	}
	p = cJSON_AddObjectToObject(r, "policy");
	cJSON_AddStringToObject(p, "name", e->admin->name);
	cJSON_AddNumberToObject(p, "version", (double)e->admin->version);
	cJSON_AddStringToObject(p, "mode", policy_mode_name(e->mode));
}

void
ctl_policy_show(struct ctl_conn *c, const cJSON *req)
{
	struct wardend *d = control_daemon(c);
	struct engine *e = eng(d);
	cJSON *r = cJSON_CreateObject();
	char *raw = stored_policy(d);

	(void)req;
	cJSON_AddStringToObject(r, "mode", policy_mode_name(e->mode));
	cJSON_AddNumberToObject(r, "version",
	    e->admin != NULL ? (double)e->admin->version : 0);
	cJSON_AddStringToObject(r, "name", e->admin != NULL ? e->admin->name :
	    "");
	cJSON_AddBoolToObject(r, "enforcing", e->running);
	if (raw != NULL)
		cJSON_AddItemToObject(r, "policy", cJSON_Parse(raw));
	free(raw);
	cJSON_AddItemToObject(r, "settings", settings_json(e));
	cJSON_AddItemToObject(r, "notEnforced", details_json(e));
	control_reply_ok(c, r);
}

/* ------------------------------------------------------------------ */
/* Start and stop                                                       */
/* ------------------------------------------------------------------ */

void
policy_engine_start(struct wardend *d)
{
	struct engine *e;
	char err[4096], *text;
	size_t len;
	FILE *f;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal("calloc");
	d->engine = e;
	load_applied(d);
	/* The standalone policy file: applied when it differs from the
	 * stored policy (an updated image or a changed config). */
	if (d->conf.policy_file[0] != '\0') {
		char *raw = stored_policy(d);

		if ((f = fopen(d->conf.policy_file, "r")) == NULL)
			fatal("policy-file %s", d->conf.policy_file);
		text = calloc(1, POLICY_DOC_MAX + 2);
		if (text == NULL)
			fatal("calloc");
		len = fread(text, 1, POLICY_DOC_MAX + 1, f);
		fclose(f);
		if (len > POLICY_DOC_MAX)
			fatalx("policy-file %s: larger than %d bytes",
			    d->conf.policy_file, POLICY_DOC_MAX);
		if (raw == NULL || strcmp(raw, text) != 0) {
			if (policy_engine_set(d, text, "file", true, false, err,
			    sizeof(err)) != 0)
				fatalx("policy-file %s:\n%s",
				    d->conf.policy_file, err);
		}
		free(raw);
		free(text);
	}
	load_policy(d);
	update_extras(d);
	/* Everything again after a start: a reboot may have undone it, and
	 * a crash may have left pending steps. */
	policy_engine_enforce(d, ENFORCE_FORCE);
}

void
policy_engine_revert_all(struct wardend *d,
    void (*done)(struct wardend *, void *), void *arg)
{
	struct engine *e = eng(d);

	e->retiring = true;
	e->retire_done = done;
	e->retire_arg = arg;
	/* A plan under way ends first; its end reloads and plans again. */
	if (e->running) {
		e->reload = true;
		return;
	}
	load_policy(d);
	update_extras(d);
	policy_engine_enforce(d, 0);
}

void
policy_engine_reload(struct wardend *d)
{
	struct engine *e = eng(d);

	if (e == NULL || e->running)
		return;
	load_applied(d);
	load_policy(d);
	update_extras(d);
}

void
policy_engine_cancel(struct wardend *d)
{
	struct engine *e = eng(d);
	struct waiter *w, *next;

	for (w = e->waiters, e->waiters = NULL; w != NULL; w = next) {
		next = w->next;
		control_reply_err(w->conn, EXIT_FAIL, "policy: the agent is "
		    "stopping; the enforcement resumes at its next start");
		free(w);
	}
}

void
policy_engine_stop(struct wardend *d)
{
	struct engine *e = eng(d);
	struct waiter *w, *next;

	if (e == NULL)
		return;
	for (w = e->waiters; w != NULL; w = next) {
		next = w->next;
		free(w);
	}
	enforce_plan_free(&e->plan);
	policy_settings_free(&e->wanted);
	policy_details_free(&e->details);
	policy_free(e->admin);
	policy_free(e->effective);
	free(e->applied);
	free(e);
	d->engine = NULL;
}
