/*
 * ctl_handlers.c - the control requests the agent core answers: status,
 * facts, scan, and the simulated device's controls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/transport.h"
#include "agent/policy/policy.h"
#include "agent/session/session.h"
#include "agent/core/core.h"
#include "agent/provision/provision.h"
#include "agent/daemon/daemon.h"

cJSON *
ctl_facts_json(const struct hal_facts *fs)
{
	cJSON *o = cJSON_CreateObject();
	char value[HAL_FACT_STR_MAX];
	size_t i;

	for (i = 0; i < fs->n; i++) {
		const struct hal_fact *f = &fs->f[i];
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "type", hal_fact_type_name(f->type));
		switch (f->type) {
		case HAL_FACT_BOOL:
			cJSON_AddBoolToObject(e, "value", f->b);
			break;
		case HAL_FACT_INT64:
			cJSON_AddNumberToObject(e, "value", (double)f->i);
			break;
		case HAL_FACT_DOUBLE:
			cJSON_AddNumberToObject(e, "value", f->d);
			break;
		default:
			hal_fact_format(f, value, sizeof(value));
			cJSON_AddStringToObject(e, "value", value);
			break;
		}
		cJSON_AddItemToObject(o, f->name, e);
	}
	return o;
}

void
ctl_status(struct ctl_conn *c, const cJSON *req)
{
	struct wardend *d = control_daemon(c);
	enum agent_state state;
	char step[256] = "";
	int64_t reports = 0, events = 0;
	struct store_drops dr;
	cJSON *r;

	(void)req;
	if (store_get_state(d->store, &state, step, sizeof(step)) != 0) {
		control_reply_err(c, EXIT_FAIL, "status: cannot read the agent "
		    "state from the store");
		return;
	}
	store_outbox_count(d->store, "report", &reports);
	store_outbox_count(d->store, NULL, &events);
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "version", WARDEN_VERSION);
	cJSON_AddStringToObject(r, "state", state_name(state));
	cJSON_AddStringToObject(r, "step", step);
	cJSON_AddStringToObject(r, "hal", d->conf.hal);
	cJSON_AddStringToObject(r, "stateDir", d->conf.state_dir);
	cJSON_AddStringToObject(r, "deviceKey", keystore_kind(d));
	cJSON_AddNumberToObject(r, "pid", (double)getpid());
	/* 0 while it is being started again. */
	cJSON_AddNumberToObject(r, "networkPid", (double)netproc_pid(d->net));
	cJSON_AddStringToObject(r, "networkUser", d->conf.network_user);
	cJSON_AddNumberToObject(r, "uptimeSeconds",
	    (double)(store_now() - d->started_at));
	cJSON_AddNumberToObject(r, "scanIntervalSeconds", d->conf.scan_interval);
	report_add_time(r, "lastScanAt", d->facts_at);
	cJSON_AddNumberToObject(r, "factCount", (double)d->facts.n);
	cJSON_AddNumberToObject(r, "outboxPending", (double)events);
	/* Rows dropped before the server had them, since enrollment, and
	 * whether the server has been told these totals. */
	if (store_outbox_drops(d->store, &dr) != 0)
		memset(&dr, 0, sizeof(dr));
	cJSON_AddNumberToObject(r, "droppedReports", (double)dr.reports);
	cJSON_AddNumberToObject(r, "droppedResults", (double)dr.results);
	cJSON_AddBoolToObject(r, "droppedAcknowledged",
	    dr.reports <= dr.told_reports && dr.results <= dr.told_results);
	policy_engine_status(d, r);
	/* The last evaluation's verdict, as `compliance` gives it. */
	if (d->have_result)
		cJSON_AddStringToObject(r, "verdict",
		    posture_state_name(d->result.verdict));
	else
		cJSON_AddNullToObject(r, "verdict");
	report_add_time(r, "evaluatedAt", d->have_result ? d->result.now : 0);
	server_status(d, r);
	control_status(d, r);
	control_reply_ok(c, r);
}

void
ctl_scan(struct ctl_conn *c, const cJSON *req)
{
	(void)req;
	daemon_scan(control_daemon(c), c);
}

void
ctl_facts(struct ctl_conn *c, const cJSON *req)
{
	struct wardend *d = control_daemon(c);
	cJSON *r = cJSON_CreateObject();

	(void)req;
	report_add_time(r, "scannedAt", d->facts_at);
	cJSON_AddItemToObject(r, "facts", ctl_facts_json(&d->facts));
	control_reply_ok(c, r);
}

/* sim requests run as HAL jobs: the backend is not re-entrant. */
struct sim_req {
	struct ctl_conn *conn;
	char verb[16], key[64], value[HAL_FACT_STR_MAX];
	bool has_key, has_value;
	int rc;
	char *reply;
};

static void
sim_work(struct wardend *d, void *arg)
{
	struct sim_req *r = arg;

	r->rc = hal_control(&d->hal, r->verb, r->has_key ? r->key : NULL,
	    r->has_value ? r->value : NULL, &r->reply);
}

static void
sim_after(struct wardend *d, void *arg)
{
	struct sim_req *r = arg;

	if (r->rc == -ENOSYS) {
		control_reply_err(r->conn, EXIT_FAIL, "sim: the HAL backend "
		    "\"%s\" is not the simulated device", d->hal.be->name);
	} else if (r->rc != 0) {
		control_reply_err(r->conn, r->rc == -EINVAL ? EXIT_USAGE :
		    EXIT_FAIL, "%s", r->reply != NULL ? r->reply :
		    strerror(-r->rc));
	} else {
		cJSON *res = NULL;
		if (r->reply != NULL)
			res = cJSON_Parse(r->reply);
		control_reply_ok(r->conn, res);
		/* A changed fact or application (the device changed behind
		 * the agent's back) must show in status and compliance; the
		 * sim does not wake its own watch with its own writes. */
		if (strcmp(r->verb, "set") == 0 || strcmp(r->verb, "app") == 0 ||
		    strcmp(r->verb, "repo") == 0)
			daemon_scan(d, NULL);
	}
	free(r->reply);
	free(r);
}

/* Copies string member `name` of req into buf; -1 when absent or too long
 * (replying the error), 1 when absent and optional. */
static int
get_str(struct ctl_conn *c, const cJSON *req, const char *name, char *buf,
    size_t len, bool required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, name);

	if (v == NULL && !required)
		return 1;
	if (!cJSON_IsString(v)) {
		control_reply_err(c, EXIT_USAGE, "request.%s: missing or not a "
		    "string", name);
		return -1;
	}
	if (strlen(v->valuestring) >= len) {
		control_reply_err(c, EXIT_USAGE, "request.%s: longer than %zu "
		    "bytes", name, len - 1);
		return -1;
	}
	memcpy(buf, v->valuestring, strlen(v->valuestring) + 1);
	return 0;
}

void
ctl_sim(struct ctl_conn *c, const cJSON *req)
{
	struct sim_req *r = calloc(1, sizeof(*r));
	int rc;

	if (r == NULL) {
		control_reply_err(c, EXIT_FAIL, "out of memory");
		return;
	}
	r->conn = c;
	if (get_str(c, req, "verb", r->verb, sizeof(r->verb), true) != 0 ||
	    (rc = get_str(c, req, "key", r->key, sizeof(r->key), false)) < 0) {
		free(r);
		return;
	}
	r->has_key = rc == 0;
	if ((rc = get_str(c, req, "value", r->value, sizeof(r->value),
	    false)) < 0) {
		free(r);
		return;
	}
	r->has_value = rc == 0;
	daemon_hal_job(control_daemon(c), sim_work, sim_after, r);
}

/*
 * policy-check {document}: what this device (its HAL backend, its
 * management mode) would do with each setting; nothing is applied.
 */
void
ctl_policy_check(struct ctl_conn *c, const cJSON *req)
{
	struct wardend *d = control_daemon(c);
	const cJSON *doc = cJSON_GetObjectItemCaseSensitive(req, "document");
	struct policy_errors errs;
	struct policy *p;
	enum policy_mode m = policy_engine_mode(d);
	enum agent_state st;
	cJSON *r, *pred;
	char line[POLICY_PATH_MAX + POLICY_REASON_MAX + 8];

	if (!cJSON_IsString(doc)) {
		control_reply_err(c, EXIT_USAGE, "request.document: missing or "
		    "not a string");
		return;
	}
	if ((p = policy_parse(doc->valuestring, strlen(doc->valuestring),
	    &errs)) == NULL) {
		policy_error_format(&errs.e[0], line, sizeof(line));
		control_reply_err(c, EXIT_USAGE, "%s", line);
		return;
	}
	/* Not managed yet: a local policy would take the configured mode. */
	if (store_get_state(d->store, &st, NULL, 0) == 0 &&
	    st == STATE_UNPROVISIONED &&
	    policy_mode_parse(d->conf.mode, &m) != 0)
		m = policy_engine_mode(d);
	pred = policy_predict(p, m, d->hal.be);
	policy_free(p);
	if (pred == NULL || (r = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(pred);
		control_reply_err(c, EXIT_FAIL, "policy check: out of memory");
		return;
	}
	cJSON_AddStringToObject(r, "backend", d->hal.be->name);
	cJSON_AddStringToObject(r, "mode", policy_mode_name(m));
	cJSON_AddItemToObject(r, "settings", pred);
	control_reply_ok(c, r);
}

/* The requests of the control socket, by room. */
const struct ctl_command ctl_commands[] = {
	{ "status", false, ctl_status },
	{ "facts", false, ctl_facts },
	{ "scan", true, ctl_scan },
	{ "sim", true, ctl_sim },
	{ "compliance", false, ctl_compliance },
	{ "rules-apply", true, ctl_rules_apply },
	{ "policy-apply", true, ctl_policy_apply },
	{ "policy-show", false, ctl_policy_show },
	{ "policy-check", false, ctl_policy_check },
	{ "provision", true, ctl_provision },
	{ "provision-share", true, ctl_provision_share },
	{ "attest", false, ctl_attest },
	{ "retire", true, ctl_retire },
};
const size_t ctl_ncommands = sizeof(ctl_commands) / sizeof(ctl_commands[0]);
