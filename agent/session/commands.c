/*
 * commands.c - the command engine (commands.h): parameters checked
 * strictly, HAL work through the daemon's job queue, one result per
 * command through the outbox, the crash rule for interrupted commands,
 * lost mode kept in the store, and WIPE / RELINQUISH_OWNERSHIP acting
 * only once the server holds their result.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/policy/policy.h"
#include "agent/session/commands.h"
#include "agent/session/retire.h"
#include "agent/session/server.h"
#include "agent/core/core.h"

#define LOST_FIELD_MAX 256
#define PASSWORD_MAX 128
#define WIPE_REASON_MAX 200

enum job_kind {
	JOB_LOCK,
	JOB_RESET_PASSWORD,
	JOB_REBOOT,
	JOB_CLEAR_PROFILE,
	JOB_LOST_START,
	JOB_LOST_STOP,
	JOB_LOST_REAPPLY,
	JOB_DESTROY_KEY,
	JOB_FACTORY_RESET,
	JOB_REMOVE_PROFILE,
};

struct cmd_job {
	struct server *sv;
	enum job_kind kind;
	char id[TRANSPORT_CMD_ID_MAX + 1];
	enum hal_scope scope;
	bool require_entry, lock_now;
	char text[PASSWORD_MAX + 6 * LOST_FIELD_MAX];	/* secret or message */
	char *lost_json;	/* START_LOST_MODE: what the store keeps */
	char path[PATH_MAX];
	char err[256];
	int rc, rc2;
	/* A wipe: the event kind its steps are recorded under, and what
	 * retire_forget() is told. */
	const char *event;
	char why[160];
};

struct cmd_def {
	const char *type;
	bool destructive;	/* never run again after an interruption */
	void (*run)(struct server *, const char *, const cJSON *);
};

static void
finish(struct server *sv, const char *id, const char *status,
    const char *code, const char *message, cJSON *result)
{
	inbox_finish_with(sv, id, status, code, message, result, NULL);
}

static void
failed(struct server *sv, const char *id, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
failed(struct server *sv, const char *id, const char *code,
    const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	finish(sv, id, strcmp(code, "UNSUPPORTED") == 0 ? "UNSUPPORTED" :
	    "FAILED", code, msg, NULL);
}

/* A HAL error as a result: -ENOSYS is UNSUPPORTED, the rest UNKNOWN. */
static void
hal_failed(struct server *sv, const char *id, const char *what, int rc)
{
	if (rc == -ENOSYS)
		failed(sv, id, "UNSUPPORTED", "this device's HAL cannot %s",
		    what);
	else
		failed(sv, id, "UNKNOWN", "%s failed: %s", what,
		    strerror(-rc));
}

static struct cmd_job *
job_new(struct server *sv, const char *id, enum job_kind kind)
{
	struct cmd_job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		fatal("calloc");
	j->sv = sv;
	j->kind = kind;
	snprintf(j->id, sizeof(j->id), "%s", id != NULL ? id : "");
	return j;
}

static void
job_free(struct cmd_job *j)
{
	free(j->lost_json);
	crypto_zero(j, sizeof(*j));
	free(j);
}

/* The management mode the device was provisioned in. */
static bool
mode_is(struct wardend *d, const char *mode)
{
	char *v = store_kv_get(d->store, "mode");
	bool is = v != NULL && strcmp(v, mode) == 0;

	free(v);
	return is;
}

static bool
profile_mode(struct wardend *d)
{
	return mode_is(d, "WORK_PROFILE_COMPANY_OWNED") ||
	    mode_is(d, "WORK_PROFILE_PERSONAL");
}

/* ------------------------------------------------------------------ */
/* Parameters                                                           */
/* ------------------------------------------------------------------ */

/*
 * A text parameter: absent (out = "", 0), a string, or an AMAPI
 * UserFacingMessage {"defaultMessage": "..."}; at most max - 1 bytes of
 * printable text. -1 with the reason in why.
 */
static int
text_param(const cJSON *params, const char *name, char *out, size_t max,
    char *why, size_t whylen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);
	const unsigned char *p;

	out[0] = '\0';
	if (v == NULL)
		return 0;
	if (cJSON_IsObject(v))
		v = cJSON_GetObjectItemCaseSensitive(v, "defaultMessage");
	if (!cJSON_IsString(v)) {
		snprintf(why, whylen, "params.%s: not a string", name);
		return -1;
	}
	if (strlen(v->valuestring) >= max) {
		snprintf(why, whylen, "params.%s: longer than %zu bytes", name,
		    max - 1);
		return -1;
	}
	for (p = (const unsigned char *)v->valuestring; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(why, whylen, "params.%s: control characters",
			    name);
			return -1;
		}
	}
	snprintf(out, max, "%s", v->valuestring);
	return 0;
}

/*
 * A flags parameter: absent, or an array of strings each in allowed;
 * *mask gets bit i for allowed[i]. -1 with the reason in why.
 */
static int
flags_param(const cJSON *params, const char *name,
    const char *const *allowed, unsigned *mask, char *why, size_t whylen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name), *e;
	size_t i;

	*mask = 0;
	if (v == NULL)
		return 0;
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > 8) {
		snprintf(why, whylen, "params.%s: not an array of flags", name);
		return -1;
	}
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e))
			goto bad;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(e->valuestring, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL)
			goto bad;
		*mask |= 1u << i;
	}
	return 0;
bad:
	snprintf(why, whylen, "params.%s: an unknown flag", name);
	return -1;
}

/* ------------------------------------------------------------------ */
/* HAL jobs                                                             */
/* ------------------------------------------------------------------ */

static void
job_work(struct wardend *d, void *arg)
{
	struct cmd_job *j = arg;
	struct hal *h = &d->hal;

	switch (j->kind) {
	case JOB_LOCK:
		j->rc = hal_lock_now(h, j->scope);
		break;
	case JOB_RESET_PASSWORD:
		j->rc = hal_passcode_reset(h, j->text, j->require_entry);
		crypto_zero(j->text, sizeof(j->text));
		if (j->rc == 0 && j->lock_now)
			j->rc2 = hal_lock_now(h, j->scope);
		break;
	case JOB_REBOOT:
		j->rc = hal_power_reboot(h);
		break;
	case JOB_CLEAR_PROFILE:
		j->rc = hal_wipe_profile(h);
		break;
	case JOB_LOST_START:
	case JOB_LOST_REAPPLY:
		j->rc = hal_lock_set_message(h, j->text);
		if (j->rc == 0)
			j->rc = hal_lock_now(h, HAL_SCOPE_DEVICE);
		break;
	case JOB_LOST_STOP:
		j->rc = hal_lock_set_message(h, NULL);
		break;
	case JOB_DESTROY_KEY:
		j->rc = crypto_devkey_destroy(j->path, j->err, sizeof(j->err));
		return;		/* not a HAL call */
	case JOB_FACTORY_RESET:
		j->rc = hal_wipe_factory_reset(h);
		break;
	case JOB_REMOVE_PROFILE:
		j->rc = hal_wipe_profile(h);
		if (j->rc == 0 || j->rc == -ENOSYS)
			j->rc = hal_profile_remove(h);
		break;
	}
	test_hooks_kill_at("hal");
}

static void after_ack_step(struct wardend *d, struct cmd_job *j);

static void
job_after(struct wardend *d, void *arg)
{
	struct cmd_job *j = arg;
	struct server *sv = j->sv;
	cJSON *r;

	switch (j->kind) {
	case JOB_LOCK:
		if (j->rc != 0)
			hal_failed(sv, j->id, "lock the screen", j->rc);
		else
			finish(sv, j->id, "SUCCEEDED", NULL,
			    j->scope == HAL_SCOPE_PROFILE ?
			    "work profile locked" : "device locked", NULL);
		break;
	case JOB_RESET_PASSWORD:
		if (j->rc != 0)
			hal_failed(sv, j->id, "reset the passcode", j->rc);
		else if (j->lock_now && j->rc2 != 0)
			hal_failed(sv, j->id, "lock after the passcode reset",
			    j->rc2);
		else
			finish(sv, j->id, "SUCCEEDED", NULL, j->lock_now ?
			    "passcode reset; locked" : "passcode reset", NULL);
		break;
	case JOB_REBOOT:
		if (j->rc != 0)
			hal_failed(sv, j->id, "reboot", j->rc);
		else
			finish(sv, j->id, "SUCCEEDED", NULL, "rebooting",
			    NULL);
		break;
	case JOB_CLEAR_PROFILE:
		if (j->rc != 0) {
			hal_failed(sv, j->id, "wipe the work profile", j->rc);
			break;
		}
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(cJSON_AddObjectToObject(r,
		    "clearAppsDataStatus"), "status", "SUCCESS");
		finish(sv, j->id, "SUCCEEDED", NULL, "work profile data "
		    "crypto-erased and removed", r);
		break;
	case JOB_LOST_START:
		if (j->rc != 0) {
			hal_failed(sv, j->id, "show the lost-mode message",
			    j->rc);
			break;
		}
		if (store_kv_set(d->store, COMMANDS_LOST_MODE_KEY,
		    j->lost_json) != 0) {
			failed(sv, j->id, "UNKNOWN", "lost mode shown but not "
			    "stored; it would not survive a restart");
			break;
		}
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(cJSON_AddObjectToObject(r,
		    "startLostModeStatus"), "status", "SUCCESS");
		finish(sv, j->id, "SUCCEEDED", NULL, "lost mode started", r);
		/* The next report says LOST. */
		compliance_evaluate(d);
		break;
	case JOB_LOST_STOP:
		if (j->rc != 0) {
			hal_failed(sv, j->id, "clear the lost-mode message",
			    j->rc);
			break;
		}
		store_kv_del(d->store, COMMANDS_LOST_MODE_KEY);
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(cJSON_AddObjectToObject(r,
		    "stopLostModeStatus"), "status", "SUCCESS");
		finish(sv, j->id, "SUCCEEDED", NULL, "lost mode stopped", r);
		compliance_evaluate(d);
		break;
	case JOB_LOST_REAPPLY:
		if (j->rc != 0)
			log_warnx("lost mode: showing it again failed: %s",
			    strerror(-j->rc));
		else
			log_info("lost mode: shown again after the start");
		break;
	case JOB_DESTROY_KEY:
	case JOB_FACTORY_RESET:
	case JOB_REMOVE_PROFILE:
		after_ack_step(d, j);
		return;		/* j moves on or is freed there */
	}
	job_free(j);
}

/* ------------------------------------------------------------------ */
/* The commands                                                         */
/* ------------------------------------------------------------------ */

static void
run_lock(struct server *sv, const char *id, const cJSON *params)
{
	struct cmd_job *j = job_new(sv, id, JOB_LOCK);

	(void)params;
	/* In the work-profile modes the profile is what the admin owns. */
	j->scope = profile_mode(sv->d) ? HAL_SCOPE_PROFILE : HAL_SCOPE_DEVICE;
	daemon_hal_job(sv->d, job_work, job_after, j);
}

static void
run_reset_password(struct server *sv, const char *id, const cJSON *params)
{
	static const char *const flags[] = { "REQUIRE_ENTRY",
	    "DO_NOT_ASK_CREDENTIALS_ON_BOOT", "LOCK_NOW", NULL };
	struct wardend *d = sv->d;
	struct hal_passcode_policy none, *pol = &none;
	struct cmd_job *j;
	char why[256];
	unsigned mask;

	memset(&none, 0, sizeof(none));
	if (d->have_req)
		pol = &d->req.passcode;
	j = job_new(sv, id, JOB_RESET_PASSWORD);
	if (text_param(params, "newPassword", j->text, PASSWORD_MAX + 1, why,
	    sizeof(why)) != 0 || flags_param(params, "resetPasswordFlags",
	    flags, &mask, why, sizeof(why)) != 0) {
		failed(sv, id, "INVALID_VALUE", "%s", why);
		goto drop;
	}
	if (mask & 2u) {
		failed(sv, id, "UNSUPPORTED", "DO_NOT_ASK_CREDENTIALS_ON_BOOT: "
		    "this agent cannot unlock the disk without the passcode");
		goto drop;
	}
	if (j->text[0] == '\0' && d->have_req && d->req.passcode_required) {
		failed(sv, id, "INVALID_VALUE", "the passcode policy requires "
		    "a passcode; an empty one would clear it");
		goto drop;
	}
	if (j->text[0] != '\0' &&
	    commands_password_check(pol, j->text, why, sizeof(why)) != 0) {
		failed(sv, id, "INVALID_VALUE", "%s", why);
		goto drop;
	}
	j->require_entry = (mask & 1u) != 0;
	j->lock_now = (mask & 4u) != 0;
	j->scope = pol->scope;
	daemon_hal_job(d, job_work, job_after, j);
	return;
drop:
	job_free(j);
}

static void
run_reboot(struct server *sv, const char *id, const cJSON *params)
{
	(void)params;
	if (mode_is(sv->d, "WORK_PROFILE_PERSONAL")) {
		failed(sv, id, "MANAGEMENT_MODE", "a personally-owned device "
		    "is not rebooted by its work profile's admin");
		return;
	}
	daemon_hal_job(sv->d, job_work, job_after, job_new(sv, id,
	    JOB_REBOOT));
}

static void
run_clear_app_data(struct server *sv, const char *id, const cJSON *params)
{
	(void)params;
	/* Apps are not isolated per package here: the work profile is the
	 * unit of data the admin owns, so clearing it is a selective wipe. */
	if (!profile_mode(sv->d)) {
		failed(sv, id, "MANAGEMENT_MODE", "CLEAR_APP_DATA clears the "
		    "work profile, and this device has none");
		return;
	}
	daemon_hal_job(sv->d, job_work, job_after, job_new(sv, id,
	    JOB_CLEAR_PROFILE));
}

static const char *const lost_fields[] = { "lostMessage", "lostPhoneNumber",
    "lostEmailAddress", "lostStreetAddress", "lostOrganization", NULL };
static const char *const lost_labels[] = { "", "Phone: ", "Email: ",
    "Address: ", "Organization: " };

/* The lock-screen text from the stored or received fields. */
static int
lost_message(const cJSON *params, char *msg, size_t len, cJSON *keep,
    char *why, size_t whylen)
{
	char v[LOST_FIELD_MAX];
	size_t i, n = 0;

	msg[0] = '\0';
	for (i = 0; lost_fields[i] != NULL; i++) {
		if (text_param(params, lost_fields[i], v, sizeof(v), why,
		    whylen) != 0)
			return -1;
		if (v[0] == '\0')
			continue;
		if (keep != NULL)
			cJSON_AddStringToObject(keep, lost_fields[i], v);
		n += (size_t)snprintf(msg + n, len - n, "%s%s%s",
		    n > 0 ? "\n" : "", lost_labels[i], v);
		if (n >= len)
			n = len - 1;
	}
	if (msg[0] == '\0') {
		snprintf(why, whylen, "params: a lostMessage, phone number, "
		    "email address, street address or organization is needed");
		return -1;
	}
	return 0;
}

static void
run_start_lost_mode(struct server *sv, const char *id, const cJSON *params)
{
	struct cmd_job *j;
	char why[256];
	cJSON *keep;

	if (mode_is(sv->d, "WORK_PROFILE_PERSONAL")) {
		failed(sv, id, "MANAGEMENT_MODE", "lost mode is for "
		    "company-owned devices");
		return;
	}
	j = job_new(sv, id, JOB_LOST_START);
	keep = cJSON_CreateObject();
	if (lost_message(params, j->text, sizeof(j->text), keep, why,
	    sizeof(why)) != 0) {
		failed(sv, id, "INVALID_VALUE", "%s", why);
		cJSON_Delete(keep);
		job_free(j);
		return;
	}
	j->lost_json = cJSON_PrintUnformatted(keep);
	cJSON_Delete(keep);
	if (j->lost_json == NULL)
		fatal("cJSON_PrintUnformatted");
	daemon_hal_job(sv->d, job_work, job_after, j);
}

static void
run_stop_lost_mode(struct server *sv, const char *id, const cJSON *params)
{
	char *v = store_kv_get(sv->d->store, COMMANDS_LOST_MODE_KEY);
	cJSON *r;

	(void)params;
	if (v == NULL) {
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(cJSON_AddObjectToObject(r,
		    "stopLostModeStatus"), "status", "NOT_IN_LOST_MODE");
		finish(sv, id, "SUCCEEDED", NULL, "not in lost mode", r);
		return;
	}
	free(v);
	daemon_hal_job(sv->d, job_work, job_after, job_new(sv, id,
	    JOB_LOST_STOP));
}

static void
run_rescan(struct server *sv, const char *id, const cJSON *params)
{
	(void)params;
	wardend_scan(sv->d, NULL);
	/* The scan's verdict follows as a report. */
	finish(sv, id, "SUCCEEDED", NULL, "scan started", NULL);
}

static void
run_sync_policy(struct server *sv, const char *id, const cJSON *params)
{
	(void)params;
	if (sv->policy_cmd[0] != '\0')
		finish(sv, sv->policy_cmd, "SUCCEEDED", NULL,
		    "merged with a later SYNC_POLICY", NULL);
	snprintf(sv->policy_cmd, sizeof(sv->policy_cmd), "%s", id);
	server_policy_fetch(sv);
}

static void
run_renew_certificate(struct server *sv, const char *id,
    const cJSON *params)
{
	(void)params;
	renew_now(sv, id);
}

/* Queues the result, and the action to take once the server holds it,
 * in one transaction. */
static void
then_after_ack(struct server *sv, const char *id, const char *type,
    const char *message)
{
	char then[TRANSPORT_CMD_TYPE_MAX + TRANSPORT_CMD_ID_MAX + 2];

	snprintf(then, sizeof(then), "%s %s", type, id);
	if (inbox_finish_with(sv, id, "SUCCEEDED", NULL, message, NULL,
	    then) != 0)
		log_warnx("command %s: %s not started: its result could not "
		    "be queued", id, type);
}

static void
run_wipe(struct server *sv, const char *id, const cJSON *params)
{
	static const char *const flags[] = { "PRESERVE_RESET_PROTECTION_DATA",
	    "WIPE_EXTERNAL_STORAGE", "WIPE_ESIM", NULL };
	const struct hal_backend *be = sv->d->hal.be;
	char reason[WIPE_REASON_MAX + 1], why[256];
	unsigned mask;

	if (text_param(params, "wipeReason", reason, sizeof(reason), why,
	    sizeof(why)) != 0 || flags_param(params, "wipeDataFlags", flags,
	    &mask, why, sizeof(why)) != 0) {
		failed(sv, id, "INVALID_VALUE", "%s", why);
		return;
	}
	if (mode_is(sv->d, "WORK_PROFILE_PERSONAL")) {
		failed(sv, id, "MANAGEMENT_MODE", "a personally-owned device "
		    "is not wiped: CLEAR_APP_DATA removes the work profile");
		return;
	}
	if (mask & 6u) {
		failed(sv, id, "UNSUPPORTED", "WIPE_EXTERNAL_STORAGE and "
		    "WIPE_ESIM: this device has neither to wipe separately");
		return;
	}
	if (be->wipe == NULL || be->wipe->factory_reset == NULL) {
		failed(sv, id, "UNSUPPORTED", "this device's HAL cannot "
		    "factory-reset");
		return;
	}
	/* PRESERVE_RESET_PROTECTION_DATA: there is no reset protection to
	 * keep or lose on this platform. */
	log_warnx("command %s: WIPE requested%s%s; the wipe starts once the "
	    "server holds this result", id, reason[0] ? ": " : "", reason);
	then_after_ack(sv, id, "WIPE", reason[0] != '\0' ? reason :
	    "the wipe starts once this result is acknowledged");
}

static void
run_relinquish(struct server *sv, const char *id, const cJSON *params)
{
	(void)params;
	if (!mode_is(sv->d, "WORK_PROFILE_COMPANY_OWNED")) {
		failed(sv, id, "MANAGEMENT_MODE", "RELINQUISH_OWNERSHIP is for "
		    "a company-owned device with a work profile");
		return;
	}
	then_after_ack(sv, id, "RELINQUISH_OWNERSHIP", "the work profile is "
	    "removed and the device unenrolled once this result is "
	    "acknowledged");
}

static void
run_retire(struct server *sv, const char *id, const cJSON *params)
{
	(void)params;
	then_after_ack(sv, id, "RETIRE", "the device restores the settings "
	    "warden changed and unenrolls once this result is acknowledged");
}

static const struct cmd_def cmds[] = {
	{ "LOCK", false, run_lock },
	{ "RESET_PASSWORD", true, run_reset_password },
	{ "REBOOT", true, run_reboot },
	{ "WIPE", true, run_wipe },
	{ "CLEAR_APP_DATA", true, run_clear_app_data },
	{ "START_LOST_MODE", false, run_start_lost_mode },
	{ "STOP_LOST_MODE", false, run_stop_lost_mode },
	{ "RELINQUISH_OWNERSHIP", true, run_relinquish },
	{ "RESCAN", false, run_rescan },
	{ "SYNC_POLICY", false, run_sync_policy },
	{ "RENEW_CERTIFICATE", false, run_renew_certificate },
	{ "RETIRE", true, run_retire },
};

static const struct cmd_def *
find(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].type, type) == 0)
			return &cmds[i];
	return NULL;
}

/*
 * Wipes a secret parameter out of the stored row before it is used:
 * secure_delete zeroes the freed bytes in the database file, and the
 * checkpoint empties the write-ahead log, which still holds the row as
 * it was received. The signature's payload holds the secret too: its
 * digest is enough to recognise the command if it comes again.
 */
void
commands_scrub(struct server *sv, const char *id)
{
	sqlite3 *db = store_db(sv->d->store);
	char digest[COMMANDS_DIGEST_LEN];
	const char *sig;
	sqlite3_stmt *q;
	bool have_sig = false;
	int ok;

	if (sqlite3_prepare_v2(db, "SELECT signature FROM inbox WHERE id = ?",
	    -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW && (sig = (const char *)
		    sqlite3_column_text(q, 0)) != NULL) {
			commands_signature_digest(sig, digest);
			have_sig = true;
		}
		sqlite3_finalize(q);
	}
	if (sqlite3_exec(db, "PRAGMA secure_delete = ON", NULL, NULL, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(db, "UPDATE inbox SET params = "
	    "'{}', signature = ? WHERE id = ?", -1, &q, NULL) != SQLITE_OK) {
		log_warnx("command %s: removing its secret from the store "
		    "failed: %s", id, sqlite3_errmsg(db));
		return;
	}
	if (have_sig)
		sqlite3_bind_text(q, 1, digest, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 1);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
	ok = sqlite3_step(q) == SQLITE_DONE;
	sqlite3_finalize(q);
	if (!ok || sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL,
	    NULL, NULL) != SQLITE_OK)
		log_warnx("command %s: removing its secret from the store "
		    "failed: %s", id, sqlite3_errmsg(db));
}

void
commands_execute(struct server *sv, const char *id, const char *type,
    const char *params)
{
	const struct cmd_def *c = find(type);
	cJSON *p = NULL, *pw;

	test_hooks_kill_at("inbox");
	if (c == NULL) {
		failed(sv, id, "UNSUPPORTED", "command type %s is not "
		    "supported by this agent", type);
		return;
	}
	if (params == NULL)
		params = "{}";
	if (strlen(params) > COMMANDS_PARAMS_MAX ||
	    (p = cJSON_Parse(params)) == NULL || !cJSON_IsObject(p)) {
		failed(sv, id, "INVALID_VALUE", "params: not a JSON object of "
		    "at most %d bytes", COMMANDS_PARAMS_MAX);
		cJSON_Delete(p);
		return;
	}
	if (strcmp(type, "RESET_PASSWORD") == 0)
		commands_scrub(sv, id);
	c->run(sv, id, p);
	/* The passcode's only other copy is in p: wipe it before freeing. */
	if ((pw = cJSON_GetObjectItemCaseSensitive(p, "newPassword")) !=
	    NULL && cJSON_IsString(pw))
		crypto_zero(pw->valuestring, strlen(pw->valuestring));
	cJSON_Delete(p);
}

void
commands_resume(struct server *sv, const char *id, const char *type,
    const char *params, bool expired)
{
	const struct cmd_def *c = find(type);

	if (c != NULL && c->destructive) {
		log_warnx("command %s: %s was interrupted; it is not run "
		    "again", id, type);
		failed(sv, id, "UNKNOWN", "interrupted: the agent stopped "
		    "while %s was running; it may or may not have taken "
		    "effect, and is not run again", type);
		return;
	}
	if (expired) {
		finish(sv, id, "EXPIRED", NULL, "interrupted, and expired "
		    "before it could be run again", NULL);
		return;
	}
	log_info("command %s: %s was interrupted; running it again", id,
	    type);
	commands_execute(sv, id, type, params);
}

/* ------------------------------------------------------------------ */
/* Actions after the server holds the result                           */
/* ------------------------------------------------------------------ */

static void
after_ack_done(struct wardend *d, const char *what)
{
	store_kv_del(d->store, COMMANDS_AFTER_ACK_KEY);
	if (d->server != NULL)
		d->server->after_ack_busy = false;
	retire_forget(d, what);
}

/* The rest of a RELINQUISH_OWNERSHIP or RETIRE is a retire (retire.h):
 * device-wide settings restored, the server told, the key destroyed. The
 * retire is recorded before the waiting action is dropped, so a crash
 * between the two runs neither twice nor not at all. */
static void
after_ack_retire(struct wardend *d, const char *why)
{
	char err[256];

	if (retire_start(d, NULL, RETIRE_SERVER, why, err, sizeof(err)) != 0)
		log_warnx("%s: the retire cannot start: %s", why, err);
	store_kv_del(d->store, COMMANDS_AFTER_ACK_KEY);
	if (d->server != NULL)
		d->server->after_ack_busy = false;
}

static void
after_ack_step(struct wardend *d, struct cmd_job *j)
{
	switch (j->kind) {
	case JOB_DESTROY_KEY:
		if (j->rc != 0)
			log_warnx("WIPE: destroying the device key failed: %s; "
			    "wiping anyway", j->err);
		store_event(d->store, j->event, j->rc == 0 ?
		    "device key destroyed" : "device key destruction failed");
		j->kind = JOB_FACTORY_RESET;
		j->rc = 0;
		daemon_hal_job(d, job_work, job_after, j);
		return;
	case JOB_FACTORY_RESET:
		if (j->rc != 0)
			log_warnx("WIPE: factory reset failed: %s",
			    strerror(-j->rc));
		else
			log_warnx("WIPE: factory reset done");
		store_event(d->store, j->event, j->rc == 0 ?
		    "factory reset done" : "factory reset failed");
		after_ack_done(d, j->why);
		d->wiping = false;
		break;
	case JOB_REMOVE_PROFILE:
		if (j->rc != 0)
			log_warnx("RELINQUISH_OWNERSHIP: removing the work "
			    "profile failed: %s", strerror(-j->rc));
		store_event(d->store, "command-relinquish", j->rc == 0 ?
		    "work profile removed" : "work profile removal failed");
		after_ack_retire(d, "ownership relinquished");
		break;
	default:
		break;
	}
	job_free(j);
}

/* Starts the action stored as "TYPE id" once id's result is delivered. */
static void
after_ack_start(struct server *sv, const char *then)
{
	char type[TRANSPORT_CMD_TYPE_MAX + 1];
	const char *sp = strchr(then, ' ');
	struct cmd_job *j;

	if (sp == NULL || (size_t)(sp - then) >= sizeof(type) ||
	    sv->after_ack_busy)
		return;
	memcpy(type, then, (size_t)(sp - then));
	type[sp - then] = '\0';
	sv->after_ack_busy = true;
	if (strcmp(type, "WIPE") == 0) {
		store_event(sv->d->store, "command-wipe", "result acknowledged "
		    "by the server");
		log_warnx("WIPE: the server holds the result of %s; destroying "
		    "the device key, then the factory reset", sp + 1);
		j = job_new(sv, sp + 1, JOB_DESTROY_KEY);
		j->event = "command-wipe";
		snprintf(j->why, sizeof(j->why), "wiped");
		server_key_path(sv, sv->key_file, j->path, sizeof(j->path));
	} else if (strcmp(type, "RETIRE") == 0) {
		store_event(sv->d->store, "command-retire", "result "
		    "acknowledged by the server");
		after_ack_retire(sv->d, "retired by the server");
		return;
	} else if (strcmp(type, "RELINQUISH_OWNERSHIP") == 0) {
		store_event(sv->d->store, "command-relinquish", "result "
		    "acknowledged by the server");
		j = job_new(sv, sp + 1, JOB_REMOVE_PROFILE);
	} else {
		log_warnx("commands: unknown action %s dropped", type);
		store_kv_del(sv->d->store, COMMANDS_AFTER_ACK_KEY);
		sv->after_ack_busy = false;
		return;
	}
	daemon_hal_job(sv->d, job_work, job_after, j);
}

void
commands_result_delivered(struct server *sv, const char *id)
{
	char *then = store_kv_get(sv->d->store, COMMANDS_AFTER_ACK_KEY);
	const char *sp = then != NULL ? strchr(then, ' ') : NULL;

	if (sp != NULL && strcmp(sp + 1, id) == 0)
		after_ack_start(sv, then);
	free(then);
}

void
commands_session_open(struct server *sv)
{
	char *then = store_kv_get(sv->d->store, COMMANDS_AFTER_ACK_KEY);
	char key[TRANSPORT_CMD_ID_MAX + 16];
	const char *sp = then != NULL ? strchr(then, ' ') : NULL;
	sqlite3_stmt *q;
	bool queued = true;

	if (sp == NULL)
		goto out;
	snprintf(key, sizeof(key), "result-%s", sp + 1);
	if (sqlite3_prepare_v2(store_db(sv->d->store), "SELECT 1 FROM outbox "
	    "WHERE idem_key = ?", -1, &q, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	queued = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	/* Still queued: the delivery will call us. */
	if (!queued)
		after_ack_start(sv, then);
out:
	free(then);
}

void
commands_wipe_device(struct wardend *d, const char *why)
{
	char path[PATH_MAX];
	struct cmd_job *j;

	if (d->wiping)
		return;
	d->wiping = true;
	if (store_kv_set(d->store, COMMANDS_WIPE_PENDING_KEY, why) != 0)
		log_warnx("WIPE: the store could not record it; wiping anyway");
	store_event(d->store, "wipe", why);
	/* A device that never enrolled has no device key. */
	if (server_stored_key_path(d, path, sizeof(path)) != 0 ||
	    access(path, F_OK) != 0)
		path[0] = '\0';
	log_warnx("WIPE (%s): %sthe factory reset", why, path[0] != '\0' ?
	    "destroying the device key, then " : "");
	j = job_new(NULL, NULL, path[0] != '\0' ? JOB_DESTROY_KEY :
	    JOB_FACTORY_RESET);
	j->event = "wipe";
	snprintf(j->why, sizeof(j->why), "wiped: %s", why);
	memcpy(j->path, path, sizeof(j->path));
	daemon_hal_job(d, job_work, job_after, j);
}

void
commands_start(struct wardend *d)
{
	char *v = store_kv_get(d->store, COMMANDS_WIPE_PENDING_KEY), why[256];
	struct cmd_job *j;
	cJSON *p;

	/* A wipe the agent decided on was interrupted: it goes on. */
	if (v != NULL) {
		log_warnx("WIPE: interrupted by a stop; wiping now");
		commands_wipe_device(d, v);
		free(v);
		return;
	}
	if ((v = store_kv_get(d->store, COMMANDS_LOST_MODE_KEY)) == NULL)
		return;
	j = job_new(NULL, NULL, JOB_LOST_REAPPLY);
	p = cJSON_Parse(v);
	if (p == NULL || lost_message(p, j->text, sizeof(j->text), NULL, why,
	    sizeof(why)) != 0) {
		log_warnx("lost mode: the stored message is unreadable; "
		    "showing a generic one");
		snprintf(j->text, sizeof(j->text), "This device is lost. "
		    "Please return it to its owner.");
	}
	cJSON_Delete(p);
	free(v);
	log_info("lost mode: in force; showing it again");
	daemon_hal_job(d, job_work, job_after, j);
}
