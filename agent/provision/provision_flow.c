/*
 * provision_flow.c - taking a blank device to ENROLLING: one validated
 * provisioning request (from a QR code, an NFC tag, an afw# token, the
 * camera, the NFC reader or the image's zero-touch file) is stored, its
 * Wi-Fi, locale and time zone are applied through the HAL step by step,
 * and the state machine moves UNPROVISIONED -> PROVISIONING -> ENROLLING.
 *
 * Bad input changes nothing: the request is parsed and validated before
 * the first write. A crash while PROVISIONING resumes the steps from the
 * stored request at the next start (every step is idempotent).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/provision/provision.h"
#include "agent/provision/qrdecode.h"
#include "agent/core/core.h"
#include "crypto/crypto.h"

struct prov_job {
	struct ctl_conn *conn;		/* NULL: zero-touch or resume */
	struct prov_request req;
	/* Results of the HAL steps, filled on the work queue. */
	int rc_wifi, rc_ca, rc_locale, rc_tz;
	bool did_wifi, did_ca, did_locale, did_tz;
	/* Inputs read through the HAL (camera, NFC reader). */
	const char *hal_source;
	struct qrdecode_conf qr;	/* the camera's decoder */
	bool dry_run;
	int rc_read;
	char err[512];
};

static void
progress(struct prov_job *j, struct wardend *d, const char *step,
    const char *detail)
{
	char text[PROV_URL_MAX + 128];

	snprintf(text, sizeof(text), "%s%s%s", step, *detail ? ": " : "",
	    detail);
	store_set_step(d->store, text);
	log_info("provisioning: %s", text);
	if (j->conn != NULL) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "step", step);
		cJSON_AddStringToObject(p, "detail", detail);
		control_progress(j->conn, p);
	}
}

static void
job_free(struct prov_job *j)
{
	prov_request_clear(&j->req);
	prov_secret_free(j, sizeof(*j));
}

/* The image's defaults (wardend.conf): a default server, its pin, and
 * the management mode, for inputs that name no server (an AMAPI
 * enrollment token). The config was checked at start. */
static void
defaults(struct wardend *d, struct prov_defaults *defs)
{
	prov_defaults_from_config(&d->conf, defs);
}

/* Runs on the work queue: the HAL steps, in order. */
static void
steps_work(struct wardend *d, void *arg)
{
	struct prov_job *j = arg;
	char ca_name[64];

	if (j->req.wifi_ca_cert_len > 0) {
		snprintf(ca_name, sizeof(ca_name), "provisioning-wifi-ca");
		j->did_ca = true;
		j->rc_ca = hal_certstore_install_ca(&d->hal, ca_name,
		    j->req.wifi_ca_cert, j->req.wifi_ca_cert_len);
		if (j->rc_ca == 0)
			snprintf(j->req.wifi.ca_cert, sizeof(j->req.wifi.ca_cert),
			    "%s", ca_name);
	}
	if (j->req.has_wifi && (!j->did_ca || j->rc_ca == 0)) {
		j->did_wifi = true;
		j->rc_wifi = hal_network_apply_wifi(&d->hal, &j->req.wifi);
	}
	if (j->req.locale[0] != '\0') {
		j->did_locale = true;
		j->rc_locale = hal_network_set_locale(&d->hal, j->req.locale);
	}
	if (j->req.time_zone[0] != '\0') {
		j->did_tz = true;
		j->rc_tz = hal_network_set_timezone(&d->hal, j->req.time_zone);
	}
}

/* A mandatory step failed: back to UNPROVISIONED, loudly. */
static void
fail(struct wardend *d, struct prov_job *j, const char *what, int rc)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "provisioning failed at %s: %s", what,
	    strerror(-rc));
	log_warnx("%s", msg);
	store_event(d->store, "provisioning-failed", msg);
	store_set_state(d->store, STATE_UNPROVISIONED, msg, false);
	if (j->conn != NULL)
		control_reply_err(j->conn, EXIT_FAIL, "%s", msg);
}

/* Optional steps (locale, time zone) may be unsupported by the HAL. */
static void
optional_step(struct wardend *d, struct prov_job *j, const char *step,
    bool did, int rc, const char *value)
{
	char detail[160];

	if (!did)
		return;
	if (rc == 0)
		snprintf(detail, sizeof(detail), "%s", value);
	else if (rc == -ENOSYS)
		snprintf(detail, sizeof(detail), "%s UNSUPPORTED by this HAL "
		    "backend, skipped", value);
	else
		snprintf(detail, sizeof(detail), "%s failed (%s), skipped",
		    value, strerror(-rc));
	progress(j, d, step, detail);
}

static void
steps_after(struct wardend *d, void *arg)
{
	struct prov_job *j = arg;
	char detail[PROV_URL_MAX + 64];
	cJSON *r;
	char *masked;

	if (j->did_ca && j->rc_ca != 0) {
		fail(d, j, "installing the Wi-Fi CA certificate", j->rc_ca);
		goto out;
	}
	if (j->did_wifi) {
		if (j->rc_wifi != 0) {
			fail(d, j, "applying Wi-Fi", j->rc_wifi);
			goto out;
		}
		snprintf(detail, sizeof(detail), "\"%s\" (%s)", j->req.wifi.ssid,
		    j->req.wifi.security);
		progress(j, d, "wifi", detail);
	}
	optional_step(d, j, "locale", j->did_locale, j->rc_locale,
	    j->req.locale);
	optional_step(d, j, "timezone", j->did_tz, j->rc_tz,
	    j->req.time_zone);
	snprintf(detail, sizeof(detail), "%s via %s",
	    j->req.server_url[0] ? j->req.server_url : "(no server)",
	    prov_binding_name(j->req.binding));
	if (store_set_state(d->store, STATE_ENROLLING, "provisioned", false)
	    != 0) {
		fail(d, j, "recording the new state", -EIO);
		goto out;
	}
	progress(j, d, "enrolling", detail);
	store_event(d->store, "provisioned", prov_source_name(j->req.source));
	if (j->conn != NULL) {
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "state", "ENROLLING");
		masked = prov_request_to_json(&j->req, true);
		if (masked != NULL)
			cJSON_AddItemToObject(r, "request", cJSON_Parse(masked));
		free(masked);
		control_reply_ok(j->conn, r);
	}
	wardend_enroll(d);
out:
	job_free(j);
}

/*
 * Stores the validated request and enters PROVISIONING in one
 * transaction, then queues the HAL steps. `resume`: the state is already
 * PROVISIONING (restart after a crash).
 */
static void
begin(struct wardend *d, struct prov_job *j, bool resume)
{
	sqlite3_stmt *q;
	char *json = NULL;

	if (!resume) {
		if ((json = prov_request_to_json(&j->req, false)) == NULL) {
			if (j->conn != NULL)
				control_reply_err(j->conn, EXIT_FAIL,
				    "out of memory");
			job_free(j);
			return;
		}
		if (store_begin(d->store) != 0)
			goto dberr;
		if (sqlite3_prepare_v2(store_db(d->store), "INSERT OR REPLACE "
		    "INTO enrollment (id, request) VALUES (1, ?)", -1, &q,
		    NULL) != SQLITE_OK)
			goto dberr_txn;
		sqlite3_bind_text(q, 1, json, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE) {
			sqlite3_finalize(q);
			goto dberr_txn;
		}
		sqlite3_finalize(q);
		if (store_kv_set(d->store, "mode", prov_mode_name(j->req.mode))
		    != 0 || store_set_state(d->store, STATE_PROVISIONING,
		    prov_source_name(j->req.source), true) != 0 ||
		    store_commit(d->store) != 0)
			goto dberr_txn;
		prov_secret_free(json, strlen(json));
	}
	progress(j, d, resume ? "resuming" : "validated",
	    prov_source_name(j->req.source));
	daemon_hal_job(d, steps_work, steps_after, j);
	return;
dberr_txn:
	store_rollback(d->store);
dberr:
	if (json != NULL)
		prov_secret_free(json, strlen(json));
	if (j->conn != NULL)
		control_reply_err(j->conn, EXIT_FAIL, "provisioning: storing "
		    "the request failed; nothing changed");
	job_free(j);
}

/* The current state allows provisioning (RETIRED returns to
 * UNPROVISIONED first); else replies why not. */
static bool
provisionable(struct wardend *d, struct ctl_conn *c)
{
	enum agent_state s;

	if (store_get_state(d->store, &s, NULL, 0) != 0) {
		control_reply_err(c, EXIT_FAIL, "provision: cannot read the "
		    "agent state");
		return false;
	}
	if (s == STATE_RETIRED &&
	    store_set_state(d->store, STATE_UNPROVISIONED, "new provisioning",
	    false) == 0)
		s = STATE_UNPROVISIONED;
	if (s != STATE_UNPROVISIONED) {
		control_reply_err(c, EXIT_FAIL, "provision: refused: the device "
		    "is %s; retire it first (wardenctl retire)", state_name(s));
		return false;
	}
	return true;
}

/* Parses the request's input into j->req; replies on error. */
static int
parse_input(struct wardend *d, struct ctl_conn *c, const cJSON *req,
    struct prov_job *j)
{
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(req, "source");
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(req, "text");
	const cJSON *token = cJSON_GetObjectItemCaseSensitive(req, "token");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(req, "code");
	struct prov_defaults defs;
	uint8_t *buf = NULL;
	size_t n = 0;
	int rc = -1;

	defaults(d, &defs);
	j->err[0] = '\0';
	if (!cJSON_IsString(src)) {
		control_reply_err(c, EXIT_USAGE, "request.source: missing or not "
		    "a string");
		return -1;
	}
	if (strcmp(src->valuestring, "token") == 0) {
		if (!cJSON_IsString(token) || !cJSON_IsString(code)) {
			control_reply_err(c, EXIT_USAGE, "request.token and "
			    "request.code: both required strings");
			return -1;
		}
		if (d->conf.token_dir[0] == '\0') {
			control_reply_err(c, EXIT_USAGE, "afw# tokens: this "
			    "image has no token directory (token-directory in "
			    "wardend.conf)");
			return -1;
		}
		rc = prov_from_token(d->conf.token_dir, token->valuestring,
		    code->valuestring, &defs, &j->req, j->err, sizeof(j->err));
	} else if (!cJSON_IsString(text)) {
		control_reply_err(c, EXIT_USAGE, "request.text: missing or not a "
		    "string");
		return -1;
	} else if (strcmp(src->valuestring, "qr") == 0) {
		rc = prov_from_qr_text(text->valuestring,
		    strlen(text->valuestring), &defs, &j->req, j->err,
		    sizeof(j->err));
	} else if (strcmp(src->valuestring, "nfc-properties") == 0) {
		rc = prov_from_properties(text->valuestring,
		    strlen(text->valuestring), &defs, &j->req, j->err,
		    sizeof(j->err));
	} else if (strcmp(src->valuestring, "nfc-ndef") == 0) {
		/* Binary NDEF travels base64url-encoded. */
		if ((buf = malloc(PROV_NDEF_MAX + 1)) == NULL ||
		    crypto_b64_decode(text->valuestring,
		    strlen(text->valuestring), buf, PROV_NDEF_MAX + 1, &n,
		    CRYPTO_B64_PAD | CRYPTO_B64_STD) != 0) {
			free(buf);
			control_reply_err(c, EXIT_USAGE, "request.text: not "
			    "base64 of at most %d bytes", PROV_NDEF_MAX);
			return -1;
		}
		rc = prov_from_ndef(buf, n, &defs, &j->req, j->err,
		    sizeof(j->err));
		free(buf);
	} else {
		control_reply_err(c, EXIT_USAGE, "request.source: unknown source "
		    "\"%.32s\" (qr, nfc-ndef, nfc-properties, token, camera, "
		    "nfc-reader)", src->valuestring);
		return -1;
	}
	if (rc != 0) {
		control_reply_err(c, EXIT_USAGE, "%s", j->err);
		return -1;
	}
	return 0;
}

static void
reply_dry_run(struct ctl_conn *c, struct prov_job *j)
{
	char *masked = prov_request_to_json(&j->req, true);
	cJSON *r = cJSON_CreateObject();

	cJSON_AddBoolToObject(r, "dryRun", true);
	if (masked != NULL)
		cJSON_AddItemToObject(r, "request", cJSON_Parse(masked));
	free(masked);
	control_reply_ok(c, r);
}

/* Camera and NFC reader inputs are read through the HAL (work queue). */
static void
hal_read_work(struct wardend *d, void *arg)
{
	struct prov_job *j = arg;
	struct prov_defaults defs;
	char *text;
	uint8_t *buf;
	size_t n = 0;

	defaults(d, &defs);
	if (strcmp(j->hal_source, "camera") == 0) {
		struct hal_qr_decoder dec = { qrdecode_run, &j->qr };

		if ((text = calloc(1, PROV_QR_MAX + 1)) == NULL) {
			j->rc_read = -ENOMEM;
			return;
		}
		j->rc_read = hal_camera_scan_qr(&d->hal, &dec, text,
		    PROV_QR_MAX + 1);
		if (j->rc_read == 0 && prov_from_qr_text(text, strlen(text),
		    &defs, &j->req, j->err, sizeof(j->err)) != 0)
			j->rc_read = -EINVAL;
		prov_secret_free(text, PROV_QR_MAX + 1);
		return;
	}
	if ((buf = calloc(1, PROV_NDEF_MAX)) == NULL) {
		j->rc_read = -ENOMEM;
		return;
	}
	j->rc_read = hal_nfc_read_ndef(&d->hal, buf, PROV_NDEF_MAX, &n);
	if (j->rc_read == 0 && prov_from_ndef(buf, n, &defs, &j->req, j->err,
	    sizeof(j->err)) != 0)
		j->rc_read = -EINVAL;
	prov_secret_free(buf, PROV_NDEF_MAX);
}

static void
hal_read_after(struct wardend *d, void *arg)
{
	struct prov_job *j = arg;

	if (j->rc_read == -EINVAL) {
		control_reply_err(j->conn, EXIT_USAGE, "%s", j->err);
		job_free(j);
		return;
	}
	if (j->rc_read == -ENOENT && strcmp(j->hal_source, "camera") == 0) {
		control_reply_err(j->conn, EXIT_FAIL, "camera: UNSUPPORTED: no "
		    "QR decoder at %s (qr-decoder in wardend.conf)",
		    j->qr.path);
		job_free(j);
		return;
	}
	if (j->rc_read != 0) {
		control_reply_err(j->conn, EXIT_FAIL, "%s: %s", j->hal_source, j->rc_read == -ENOSYS ?
		    "UNSUPPORTED by this HAL backend" : j->rc_read == -ENODATA ?
		    "nothing to read (no QR code or tag presented)" :
		    strerror(-j->rc_read));
		job_free(j);
		return;
	}
	if (j->dry_run) {
		reply_dry_run(j->conn, j);
		job_free(j);
		return;
	}
	/* The state may have changed while the reader was busy. */
	if (!provisionable(d, j->conn)) {
		job_free(j);
		return;
	}
	begin(d, j, false);
}

static bool
dry_run_flag(const cJSON *req)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "dryRun"));
}

void
ctl_provision(struct ctl_conn *c, const cJSON *req)
{
	struct wardend *d = control_daemon(c);
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(req, "source");
	bool dry = dry_run_flag(req);
	struct prov_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		control_reply_err(c, EXIT_FAIL, "out of memory");
		return;
	}
	j->conn = c;
	if (!dry && !provisionable(d, c)) {
		job_free(j);
		return;
	}
	if (cJSON_IsString(src) && (strcmp(src->valuestring, "camera") == 0 ||
	    strcmp(src->valuestring, "nfc-reader") == 0)) {
		j->hal_source = strcmp(src->valuestring, "camera") == 0 ?
		    "camera" : "nfc-reader";
		j->dry_run = dry;
		snprintf(j->qr.path, sizeof(j->qr.path), "%s",
		    d->conf.qr_decoder);
		snprintf(j->qr.user, sizeof(j->qr.user), "%s",
		    d->conf.network_user);
		snprintf(j->qr.root, sizeof(j->qr.root), "%s",
		    d->conf.network_root);
		daemon_hal_job(d, hal_read_work, hal_read_after, j);
		return;
	}
	if (parse_input(d, c, req, j) != 0) {
		job_free(j);
		return;
	}
	if (dry) {
		reply_dry_run(c, j);
		job_free(j);
		return;
	}
	begin(d, j, false);
}

void
provision_start(struct wardend *d)
{
	struct prov_defaults defs;
	struct prov_job *j;
	enum agent_state s;
	sqlite3_stmt *q;
	char err[512];

	if (store_get_state(d->store, &s, NULL, 0) != 0)
		return;
	if (s == STATE_PROVISIONING) {
		/* Interrupted: run the steps again from the stored request. */
		if ((j = calloc(1, sizeof(*j))) == NULL)
			fatal("calloc");
		if (sqlite3_prepare_v2(store_db(d->store), "SELECT request FROM "
		    "enrollment WHERE id = 1", -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW &&
		    prov_request_from_json((const char *)sqlite3_column_text(q,
		    0), (size_t)sqlite3_column_bytes(q, 0), true, &j->req, err,
		    sizeof(err)) == 0) {
			sqlite3_finalize(q);
			log_info("provisioning was interrupted; resuming");
			begin(d, j, true);
			return;
		}
		sqlite3_finalize(q);
		log_warnx("provisioning was interrupted and its request is "
		    "unreadable; back to UNPROVISIONED");
		store_set_state(d->store, STATE_UNPROVISIONED,
		    "interrupted provisioning", false);
		job_free(j);
		return;
	}
	if (s != STATE_UNPROVISIONED || d->conf.zerotouch_file[0] == '\0' ||
	    access(d->conf.zerotouch_file, F_OK) != 0)
		return;
	if ((j = calloc(1, sizeof(*j))) == NULL)
		fatal("calloc");
	defaults(d, &defs);
	if (prov_from_zerotouch(d->conf.zerotouch_file, &defs, &j->req, err,
	    sizeof(err)) != 0) {
		log_warnx("zero-touch file %s rejected: %s",
		    d->conf.zerotouch_file, err);
		store_event(d->store, "zerotouch-rejected", err);
		job_free(j);
		return;
	}
	log_info("zero-touch provisioning from %s", d->conf.zerotouch_file);
	begin(d, j, false);
}

/* `wardenctl provision share --ndef`: the NDEF message a new device
 * needs, built from this device's stored request. */
void
ctl_provision_share(struct ctl_conn *c, const cJSON *req)
{
	struct wardend *d = control_daemon(c);
	struct prov_request *pr;
	enum agent_state s;
	sqlite3_stmt *q;
	uint8_t *ndef = NULL;
	size_t n = 0;
	char err[512], *b64;
	cJSON *r;
	int rc = -1;

	(void)req;
	if (store_get_state(d->store, &s, NULL, 0) != 0 ||
	    (s != STATE_ENROLLING && s != STATE_MANAGED)) {
		control_reply_err(c, EXIT_FAIL, "provision share: only an "
		    "enrolled device can provision others (this one is %s)",
		    state_name(s));
		return;
	}
	if ((pr = calloc(1, sizeof(*pr))) == NULL) {
		control_reply_err(c, EXIT_FAIL, "out of memory");
		return;
	}
	if (sqlite3_prepare_v2(store_db(d->store), "SELECT request FROM "
	    "enrollment WHERE id = 1", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		rc = prov_request_from_json((const char *)sqlite3_column_text(q,
		    0), (size_t)sqlite3_column_bytes(q, 0), true, pr, err,
		    sizeof(err));
	sqlite3_finalize(q);
	if (rc != 0 || prov_ndef_build(pr, &ndef, &n, err, sizeof(err)) != 0) {
		control_reply_err(c, EXIT_FAIL, "provision share: %s", rc != 0 ?
		    "no stored provisioning request" : err);
		prov_request_clear(pr);
		free(pr);
		return;
	}
	prov_request_clear(pr);
	free(pr);
	b64 = malloc(crypto_b64url_enclen(n) + 1);
	if (b64 == NULL || crypto_b64url_encode(ndef, n, b64,
	    crypto_b64url_enclen(n) + 1) < 0) {
		free(b64);
		prov_secret_free(ndef, n);
		control_reply_err(c, EXIT_FAIL, "out of memory");
		return;
	}
	prov_secret_free(ndef, n);
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "ndef", b64);
	prov_secret_free(b64, strlen(b64));
	control_reply_ok(c, r);
}
