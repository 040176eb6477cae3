/*
 * lwm2m_session.c - the LwM2M binding's side in wardend's privileged
 * parent (lwm2m_session.h). The client, libcoap, DTLS, the parsers and
 * the objects the server reads and writes run in the network process
 * (agent/transport/netproc_lwm2m.c); this side starts it there (LWM2M_START),
 * pushes what the objects show of the device (LWM2M_STATE) and carries
 * out, after checking them, the actions the objects ask for: a policy
 * for the policy engine, reboot, wipe, lock and an application's
 * install or removal (Software Management, object 9) on the HAL job queue,
 * Security and Server for the store (docs/privsep.md, "The LwM2M
 * binding"). Every message from the network process is untrusted.
 *
 * Where things come from: Security and Server from the store (kv
 * lwm2m_security, lwm2m_server: what the bootstrap server or an earlier
 * run left), else from the provisioning request (its server URL, PSK,
 * bootstrap flag); the policy the policy objects show from the active
 * server policy; facts and the compliance verdict from the daemon's last
 * scan; the identity from the HAL (read once, on the job queue); the
 * applications from the HAL's list (on the job queue, after each scan
 * and after each install or removal).
 *
 * What goes where: writes of policy objects to policy_engine_set(...,
 * "server", ...); Reboot, Factory Reset, Wipe and Lock onto the HAL job
 * queue (the wipe is the factory-reset path, or the work profile's
 * selective wipe); the first registration makes an ENROLLING device
 * MANAGED.
 *
 * The compliance reports the daemon queues for a server are superseded
 * by the Compliance object, which the server reads or observes: this
 * binding drops them from the outbox (compliance_history keeps them).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "agent/policy/policy.h"
#include "agent/transport/transport.h"
#include "agent/provision/provision.h"
#include "agent/session/commands.h"
#include "agent/session/server.h"
#include "agent/session/lwm2m_session.h"

#define HW_MAX 128

struct job;
struct lwm2m_session;

/* The facts the objects read (lwm2m_obj_*.c); no other fact goes to the
 * network process. */
static const char *const shown_facts[] = {
	"battery.charging", "battery.level", "kiosk.active",
	"memory.available_bytes", "memory.total_bytes", "network.addresses",
	"network.bearer", "network.bearers", "network.connected",
	"network.signal_dbm", "os.kernel", "os.name", "os.version",
	"profile.exists", "screen.locked",
};

struct lwm2m_session {
	struct wardend *d;
	/* Security and Server as stored: the copy the network process's
	 * LWM2M_SAVE is checked against and START is made from */
	struct lwm2m_objects objs;
	bool objs_ok;
	struct lwm2m_host host;
	struct netproc_lwm2m_ops ops;
	bool running;			/* LWM2M_START was sent */
	char location[LWM2M_LOCATION_MAX + 1];
	int64_t observations;
	struct crypto_rng *rng;
	char manufacturer[HW_MAX], model[HW_MAX], serial[HW_MAX];
	char endpoint[LWM2M_ENDPOINT_MAX + 1];
	char mode[32];
	bool personal;
	struct lwm2m_compliance comp;
	char uri[LWM2M_URI_MAX + 1];
	char error[SERVER_ERROR_MAX];
	int64_t last_contact;
	struct job *jobs;		/* on the HAL job queue */
	bool starting, stopping;
	char wipe_why[96];	/* a wipe waiting for the de-registration */
	/* Object 9: the HAL's installed and blocked applications and the
	 * policy's, as last pushed; an install or removal is refused for a package not in
	 * it. */
	struct hal_app apps[NETMSG_LW_APPS_MAX];
	size_t napps;
	bool listing;			/* a J_APPS job is queued */
};

enum job_kind { J_IDENTITY, J_REBOOT, J_WIPE_PROFILE, J_LOCK,
	J_LOCK_PROFILE, J_OS_UPDATE, J_APPS, J_INSTALL, J_REMOVE };

struct job {
	struct job *next;
	struct lwm2m_session *s;	/* NULL once the session is gone */
	enum job_kind kind;
	lwm2m_done_fn done;
	void *done_arg;
	int rc;
	char why[96];
	char mf[HW_MAX], model[HW_MAX], serial[HW_MAX];
	/* J_INSTALL, J_REMOVE: the package; J_OS_UPDATE: the URI */
	char package[HAL_OS_UPDATE_URI_MAX + 1];
	struct hal_app *list;		/* the HAL's list after the job */
	size_t nlist;
	int list_rc;
};

static void seterr(struct lwm2m_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
seterr(struct lwm2m_session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* The HAL job queue                                                   */
/* ------------------------------------------------------------------ */

static void
job_work(struct wardend *d, void *arg)
{
	struct job *j = arg;

	switch (j->kind) {
	case J_IDENTITY:
		if (hal_identity_get(&d->hal, j->mf, sizeof(j->mf), j->model,
		    sizeof(j->model), j->serial, sizeof(j->serial)) != 0)
			j->mf[0] = j->model[0] = j->serial[0] = '\0';
		break;
	case J_REBOOT:
		j->rc = hal_power_reboot(&d->hal);
		break;
	case J_WIPE_PROFILE:
		j->rc = hal_wipe_profile(&d->hal);
		break;
	case J_LOCK:
		j->rc = hal_lock_now(&d->hal, HAL_SCOPE_DEVICE);
		break;
	case J_LOCK_PROFILE:
		j->rc = hal_lock_now(&d->hal, HAL_SCOPE_PROFILE);
		break;
	case J_OS_UPDATE:
		j->rc = hal_power_os_update(&d->hal, j->package);
		break;
	case J_APPS:
		break;
	case J_INSTALL:
		j->rc = hal_apps_install(&d->hal, j->package, "");
		break;
	case J_REMOVE:
		j->rc = hal_apps_remove(&d->hal, j->package);
		break;
	}
	/* After an install or removal the list is read again, so that the
	 * network process sees the outcome before the job's answer. */
	if (j->kind >= J_APPS)
		j->list_rc = hal_apps_list(&d->hal, &j->list, &j->nlist);
}

static void send_state(struct lwm2m_session *s);

/* The list a J_APPS, J_INSTALL or J_REMOVE job read, as object 9 shows
 * it (lwm2m_apps_shown()). */
static void
take_apps(struct lwm2m_session *s, struct job *j)
{
	s->napps = lwm2m_apps_shown(s->d, j->list, j->nlist, j->list_rc,
	    s->apps, NETMSG_LW_APPS_MAX);
}

static void identified(struct lwm2m_session *s, struct job *j);

static void
job_after(struct wardend *d, void *arg)
{
	struct job *j = arg, **p;
	struct lwm2m_session *s = j->s;
	static const char *const what[] = { "identity", "reboot",
	    "wipe of the work profile", "lock",
	    "lock of the work profile", "OS update", "list of applications",
	    "install", "removal" };
	char msg[192];

	if (j->kind != J_IDENTITY && j->kind != J_APPS) {
		snprintf(msg, sizeof(msg), "%s: %s", j->why, j->rc == 0 ?
		    "done" : j->rc == -ENOSYS ? "UNSUPPORTED by this HAL "
		    "backend" : strerror(-j->rc));
		if (j->rc == 0)
			log_info("lwm2m: %s %s", what[j->kind], msg);
		else
			log_warnx("lwm2m: %s %s", what[j->kind], msg);
		store_event(d->store, j->kind == J_REBOOT ? "reboot" :
		    j->kind == J_WIPE_PROFILE ? "wipe" :
		    j->kind == J_INSTALL ? "app-install" :
		    j->kind == J_OS_UPDATE ? "os-update" :
		    j->kind == J_REMOVE ? "app-remove" : "lock", msg);
	}
	if (s != NULL) {
		for (p = &s->jobs; *p != NULL; p = &(*p)->next)
			if (*p == j) {
				*p = j->next;
				break;
			}
		if (j->kind >= J_APPS) {
			s->listing = s->listing && j->kind != J_APPS;
			take_apps(s, j);
			send_state(s);
		}
		if (j->kind == J_IDENTITY)
			identified(s, j);
		else if (j->done != NULL)
			j->done(j->done_arg, j->rc);
	}
	free(j->list);
	free(j);
}

/* Queues a job; package is J_INSTALL's and J_REMOVE's (else NULL). The
 * job may run at once on the HAL thread: everything it reads is set
 * here. */
static struct job *
queue_pkg(struct lwm2m_session *s, enum job_kind kind, const char *why,
    const char *package, lwm2m_done_fn done, void *done_arg)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->s = s;
	j->kind = kind;
	snprintf(j->package, sizeof(j->package), "%s", package != NULL ?
	    package : "");
	j->done = done;
	j->done_arg = done_arg;
	snprintf(j->why, sizeof(j->why), "%s", why != NULL ? why : "");
	j->next = s->jobs;
	s->jobs = j;
	daemon_hal_job(s->d, job_work, job_after, j);
	return j;
}

static struct job *
queue(struct lwm2m_session *s, enum job_kind kind, const char *why,
    lwm2m_done_fn done, void *done_arg)
{
	return queue_pkg(s, kind, why, NULL, done, done_arg);
}

/* ------------------------------------------------------------------ */
/* The host of the object layer                                        */
/* ------------------------------------------------------------------ */

static const struct hal_fact *
h_fact(void *arg, const char *name)
{
	struct lwm2m_session *s = arg;

	return hal_fact_find(&s->d->facts, name);
}

static void
h_identity(void *arg, const char **mf, const char **model,
    const char **serial)
{
	struct lwm2m_session *s = arg;

	*mf = s->manufacturer;
	*model = s->model;
	/* no hardware ids from a personally-owned device */
	*serial = s->personal ? "" : s->serial;
}

static const char *
h_mode(void *arg)
{
	return ((struct lwm2m_session *)arg)->mode;
}

static const struct lwm2m_compliance *
h_compliance(void *arg)
{
	return &((struct lwm2m_session *)arg)->comp;
}

static int
h_apply_policy(void *arg, const char *json, char *err, size_t errlen)
{
	struct lwm2m_session *s = arg;

	if (policy_engine_set(s->d, json, "server", false, true, err,
	    errlen) != 0) {
		log_warnx("lwm2m: a policy write was refused: %s", err);
		return -1;
	}
	return 0;
}

static int
h_reboot(void *arg, const char *why)
{
	return queue(arg, J_REBOOT, why, NULL, NULL) != NULL ? 0 : -1;
}

/* The device wipe h_wipe() held back until the session stopped. */
static void
wipe_now(struct lwm2m_session *s)
{
	char why[sizeof(s->wipe_why)];

	if (s->wipe_why[0] == '\0')
		return;
	memcpy(why, s->wipe_why, sizeof(why));
	s->wipe_why[0] = '\0';
	commands_wipe_device(s->d, why);
}

/* A wipe of the work profile is the selective wipe (CLEAR_APP_DATA over
 * HTTPS). A wipe of the device is the HTTPS WIPE: refused on a
 * personally-owned device and by a HAL that cannot factory-reset;
 * otherwise the server has its 2.04 already (the network process
 * answers before asking), so the session stops, which de-registers,
 * and once the network process says it stopped (or died) the agent's
 * wipe follows: device key destroyed, factory reset, enrollment (the
 * LwM2M keys with it) forgotten, UNPROVISIONED (commands_wipe_device()).
 * The wipe is recorded first, so a stop in between wipes at the next
 * start (commands_start()). */
static int
h_wipe(void *arg, bool profile, const char *why, lwm2m_done_fn done,
    void *done_arg)
{
	struct lwm2m_session *s = arg;
	struct wardend *d = s->d;
	const struct hal_backend *be = d->hal.be;

	if (profile) {
		log_warnx("lwm2m: %s: wiping the work profile", why);
		store_event(d->store, "wipe-profile-requested", why);
		return queue(s, J_WIPE_PROFILE, why, done, done_arg) != NULL ?
		    0 : -1;
	}
	if (strcmp(s->mode, "WORK_PROFILE_PERSONAL") == 0) {
		log_warnx("lwm2m: %s refused: a personally-owned device is not "
		    "wiped (a wipe of the work profile removes it)", why);
		if (done != NULL)
			done(done_arg, -EPERM);
		return 0;
	}
	if (be == NULL || be->wipe == NULL || be->wipe->factory_reset == NULL) {
		log_warnx("lwm2m: %s: UNSUPPORTED: this device's HAL cannot "
		    "factory-reset", why);
		if (done != NULL)
			done(done_arg, -ENOSYS);
		return 0;
	}
	log_warnx("lwm2m: %s: wiping the device: de-registering, then the "
	    "device key destroyed, the factory reset, the enrollment "
	    "forgotten", why);
	store_event(d->store, "wipe-requested", why);
	if (store_kv_set(d->store, COMMANDS_WIPE_PENDING_KEY, why) != 0)
		log_warnx("lwm2m: the store could not record the wipe");
	snprintf(s->wipe_why, sizeof(s->wipe_why), "%s", why);
	lwm2m_session_stop(d);
	/* The session is stopping: this only releases done_arg. */
	if (done != NULL)
		done(done_arg, 0);
	return 0;
}

static int
h_lock(void *arg, bool profile, lwm2m_done_fn done, void *done_arg)
{
	return queue(arg, profile ? J_LOCK_PROFILE : J_LOCK, "LwM2M State "
	    "(/8/0/0)", done, done_arg) != NULL ? 0 : -1;
}

/* Reads the HAL's applications again (one list job at a time); the
 * network process gets them in LWM2M_STATE when it ends. */
static void
refresh_apps(struct lwm2m_session *s)
{
	if (s->listing || s->stopping)
		return;
	if (queue(s, J_APPS, NULL, NULL, NULL) != NULL)
		s->listing = true;
}

/* Object 9's Install or Uninstall: only of a package this side listed
 * (installed, blocked or managed by the policy) and pushed, never of a name the network
 * process made up; an install only of one not installed. */
static int
h_app(void *arg, bool remove, const char *package, lwm2m_done_fn done,
    void *done_arg)
{
	struct lwm2m_session *s = arg;
	const struct hal_app *a = NULL;
	char why[96 + HAL_APP_PACKAGE_MAX];
	size_t i;

	for (i = 0; i < s->napps && a == NULL; i++)
		if (strcmp(s->apps[i].package, package) == 0)
			a = &s->apps[i];
	if (a == NULL || (!remove && a->installed)) {
		log_warnx("lwm2m: refused an %s of %s: %s", remove ?
		    "uninstall" : "install", package, a == NULL ?
		    "not an application Software Management shows" :
		    "already installed");
		if (done != NULL)
			done(done_arg, -EPERM);
		return 0;
	}
	snprintf(why, sizeof(why), "LwM2M %s (/9) of %s", remove ?
	    "Uninstall" : "Install", package);
	return queue_pkg(s, remove ? J_REMOVE : J_INSTALL, why, package,
	    done, done_arg) != NULL ? 0 : -1;
}

static void
h_save(void *arg)
{
	struct lwm2m_session *s = arg;
	char *text = NULL;

	if (lwm2m_security_dump(&s->objs, &text) == 0)
		store_kv_set(s->d->store, "lwm2m_security", text);
	if (text != NULL)
		crypto_zero(text, strlen(text));
	free(text);
	text = NULL;
	if (lwm2m_server_dump(&s->objs, &text) == 0)
		store_kv_set(s->d->store, "lwm2m_server", text);
	free(text);
}

/* ------------------------------------------------------------------ */
/* What the network process asks                                        */
/* ------------------------------------------------------------------ */

/* A wipe or lock it asked for: answered with LWM2M_DONE. */
struct asked {
	struct lwm2m_session *s;
	uint32_t id;
};

static void
send_msg(struct lwm2m_session *s, struct netmsg_buf *b)
{
	if (b->failed || netproc_lwm2m_send(s->d->net, b) != 0)
		log_warnx("lwm2m: cannot send to the network process");
	netmsg_buf_free(b);
}

static void
answer_done(void *arg, int rc)
{
	struct asked *a = arg;
	struct netmsg_buf b;

	if (a->s->stopping) {
		free(a);
		return;
	}
	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_LWM2M_DONE, 0, a->id);
	netmsg_put_int(&b, rc < -4095 || rc > 0 ? -EIO : rc);
	netmsg_end(&b);
	send_msg(a->s, &b);
	free(a);
}

static void
do_apply(struct lwm2m_session *s, const struct netmsg *m)
{
	struct netmsg_buf b;
	char err[NETMSG_LW_ERRORS_MAX + 1];
	int rc;

	err[0] = '\0';
	rc = h_apply_policy(s, m->policy, err, sizeof(err));
	if (rc != 0 && err[0] == '\0')
		snprintf(err, sizeof(err), "refused");
	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_LWM2M_APPLIED, 0, m->id);
	netmsg_put_int(&b, rc == 0 ? 0 : -1);
	netmsg_put_str(&b, rc == 0 ? NULL : err);
	netmsg_end(&b);
	send_msg(s, &b);
}

static void
do_action(struct lwm2m_session *s, const struct netmsg *m)
{
	struct asked *a;
	int rc;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		log_warnx("lwm2m: out of memory");
		return;
	}
	a->s = s;
	a->id = m->id;
	if (m->type == NETMSG_LWM2M_WIPE)
		rc = h_wipe(s, m->profile, m->lw_why, answer_done, a);
	else if (m->type == NETMSG_LWM2M_APP)
		rc = h_app(s, m->app_remove, m->package, answer_done, a);
	else if (m->type == NETMSG_LWM2M_OS_UPDATE)
		rc = queue_pkg(s, J_OS_UPDATE, "LwM2M Firmware Update (/5/0/2)",
		    m->uri, answer_done, a) != NULL ? 0 : -1;
	else
		rc = h_lock(s, m->profile, answer_done, a);
	if (rc != 0)
		answer_done(a, -ENOMEM);
}

/* Security and Server from the network process: stored only when both
 * load (bounded and checked field by field), and as this side writes
 * them again, not as it sent them. */
static void
do_save(struct lwm2m_session *s, const struct netmsg *m)
{
	char err[256], *old = NULL;

	if (lwm2m_security_dump(&s->objs, &old) != 0) {
		log_warnx("lwm2m: out of memory");
		return;
	}
	if (lwm2m_security_load(&s->objs, m->security, err,
	    sizeof(err)) != 0 || lwm2m_server_load(&s->objs, m->server, err,
	    sizeof(err)) != 0) {
		log_warnx("lwm2m: the network process sent Security and "
		    "Server that cannot be stored: %s", err);
		(void)lwm2m_security_load(&s->objs, old, err, sizeof(err));
	} else {
		h_save(s);
	}
	crypto_zero(old, strlen(old));
	free(old);
}

/* ------------------------------------------------------------------ */
/* Compliance                                                          */
/* ------------------------------------------------------------------ */

/* The last evaluation as the Compliance object shows it; true when it
 * differs from what it showed. */
static bool
snapshot(struct lwm2m_session *s)
{
	const struct posture_result *r = &s->d->result;
	struct lwm2m_compliance *c, *old = &s->comp;
	bool changed;
	size_t i;

	if (!s->d->have_result || (c = calloc(1, sizeof(*c))) == NULL)
		return false;
	c->valid = true;
	snprintf(c->verdict, sizeof(c->verdict), "%s",
	    posture_state_name(r->verdict));
	c->compliant = r->policy_compliant;
	c->policy_version = r->policy_version;
	if (r->security.device != POSTURE_DEVICE_UNSPECIFIED)
		snprintf(c->posture, sizeof(c->posture), "%s",
		    posture_device_name(r->security.device));
	for (i = 0; i < r->n && c->n < LWM2M_DETAILS_MAX; i++) {
		const struct posture_entry *e = &r->entry[i];
		struct lwm2m_noncompliance *x = &c->detail[c->n];

		if (!posture_entry_failing(e))
			continue;
		snprintf(x->setting, sizeof(x->setting), "%s",
		    e->setting_name);
		snprintf(x->field_path, sizeof(x->field_path), "%s",
		    e->field_path != NULL ? e->field_path : "");
		snprintf(x->reason, sizeof(x->reason), "%s",
		    rules_reason_name(e->reason));
		if (e->specific != POSTURE_SPECIFIC_NONE)
			snprintf(x->specific, sizeof(x->specific), "%s",
			    posture_specific_name(e->specific));
		if (e->fact != NULL)
			hal_fact_format(e->fact, x->current,
			    sizeof(x->current));
		else if (e->current_text != NULL)
			snprintf(x->current, sizeof(x->current), "%s",
			    e->current_text);
		c->n++;
	}
	/* the time of the change, not of every evaluation */
	c->changed_at = old->changed_at;
	changed = !old->valid || memcmp(c, old, sizeof(*c)) != 0;
	if (changed)
		c->changed_at = r->now;
	*old = *c;
	free(c);
	return changed;
}

/* ------------------------------------------------------------------ */
/* The client's events                                                 */
/* ------------------------------------------------------------------ */

static void
drop_reports(struct lwm2m_session *s)
{
	store_exec(s->d->store, "DELETE FROM outbox WHERE kind = 'report'");
}

/* The first registration: ENROLLING -> MANAGED, in one transaction. */
static void
enrolled(struct lwm2m_session *s, const char *uri)
{
	struct store *st = s->d->store;
	sqlite3_stmt *q = NULL;
	char reason[256];

	snprintf(reason, sizeof(reason), "registered with LwM2M server %.128s "
	    "as %s", uri, s->endpoint);
	if (store_begin(st) != 0)
		return;
	if (sqlite3_prepare_v2(store_db(st), "UPDATE enrollment SET device_id "
	    "= ?, enrolled_at = ? WHERE id = 1", -1, &q, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(q, 1, s->endpoint, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, store_now());
	if (sqlite3_step(q) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(q);
	q = NULL;
	if (store_kv_del(st, "enroll_error") != 0 ||
	    store_set_state(st, STATE_MANAGED, reason, true) != 0 ||
	    store_commit(st) != 0)
		goto fail;
	store_set_step(st, "");
	store_event(st, "enrolled", s->endpoint);
	log_info("%s: MANAGED", reason);
	/* the mode's baseline is in force from now on */
	policy_engine_enforce(s->d, 0);
	return;
fail:
	sqlite3_finalize(q);
	store_rollback(st);
	log_warnx("lwm2m: storing the enrollment failed; it is tried again at "
	    "the next registration");
}

static void
registered(struct lwm2m_session *s, const char *uri, const char *location)
{
	enum agent_state state;

	snprintf(s->uri, sizeof(s->uri), "%s", uri);
	snprintf(s->location, sizeof(s->location), "%s", location);
	log_info("lwm2m: registered with %s as %s (/%s)", uri, s->endpoint,
	    location);
	if (store_get_state(s->d->store, &state, NULL, 0) == 0 &&
	    state == STATE_ENROLLING)
		enrolled(s, uri);
	drop_reports(s);
}

static void
client_status(struct lwm2m_session *s, const struct netmsg *m)
{
	const char *why = m->lw_why != NULL ? m->lw_why : "";

	if (why[0] != '\0' && strcmp(why, s->error) != 0)
		log_warnx("lwm2m: %s", why);
	seterr(s, "%s", why);
	if (m->contact)
		s->last_contact = store_now();
	snprintf(s->location, sizeof(s->location), "%s", m->location != NULL ?
	    m->location : "");
	s->observations = m->observations;
}

/* netproc_lwm2m_ops.message: one of the network process's messages,
 * parsed whole by netmsg_parse(). */
static void
on_message(void *arg, const struct netmsg *m)
{
	struct lwm2m_session *s = arg;

	if (!s->running || s->stopping) {
		if (m->type != NETMSG_LWM2M_STOPPED)
			log_warnx("lwm2m: dropped a %s: the session is not "
			    "running", netmsg_type_name(m->type));
		else
			wipe_now(s);	/* de-registered */
		return;
	}
	switch (m->type) {
	case NETMSG_LWM2M_APPLY_POLICY:
		do_apply(s, m);
		break;
	case NETMSG_LWM2M_REBOOT:
		if (h_reboot(s, m->lw_why) != 0)
			log_warnx("lwm2m: a reboot cannot be queued");
		break;
	case NETMSG_LWM2M_WIPE:
	case NETMSG_LWM2M_LOCK:
	case NETMSG_LWM2M_APP:
	case NETMSG_LWM2M_OS_UPDATE:
		do_action(s, m);
		break;
	case NETMSG_LWM2M_SAVE:
		do_save(s, m);
		break;
	case NETMSG_LWM2M_REGISTERED:
		registered(s, m->uri, m->location);
		break;
	case NETMSG_LWM2M_STATUS:
		client_status(s, m);
		break;
	default:
		break;
	}
}

/* netproc_lwm2m_ops.may_resolve: only the servers Security names. */
static bool
may_resolve(void *arg, const char *host, int port)
{
	struct lwm2m_session *s = arg;
	char *text = NULL, h[LWM2M_HOST_MAX + 1], err[128];
	const cJSON *o;
	cJSON *arr;
	uint16_t p;
	bool secure, ok = false;

	if (lwm2m_security_dump(&s->objs, &text) != 0)
		return false;
	arr = cJSON_Parse(text);
	crypto_zero(text, strlen(text));
	free(text);
	for (o = arr != NULL ? arr->child : NULL; o != NULL && !ok;
	    o = o->next)
		ok = lwm2m_uri_parse(lwm2m_pol_str(o, "uri", ""), &secure, h,
		    sizeof(h), &p, err, sizeof(err)) == 0 &&
		    strcmp(h, host) == 0 && p == port;
	if (arr != NULL)
		for (o = arr->child; o != NULL; o = o->next) {
			const cJSON *c;

			for (c = o->child; c != NULL; c = c->next)
				if (cJSON_IsString(c))
					crypto_zero(c->valuestring,
					    strlen(c->valuestring));
		}
	cJSON_Delete(arr);
	return ok;
}

/* What the objects show of the device, for the network process. */
static void
send_state(struct lwm2m_session *s)
{
	struct netmsg_lwm2m_state *st;
	const struct hal_fact *f;
	struct netmsg_buf b;
	size_t i;

	if (!s->running || (st = calloc(1, sizeof(*st))) == NULL)
		return;
	snprintf(st->mode, sizeof(st->mode), "%s", s->mode);
	snprintf(st->manufacturer, sizeof(st->manufacturer), "%s",
	    s->manufacturer);
	snprintf(st->model, sizeof(st->model), "%s", s->model);
	/* no hardware ids from a personally-owned device */
	snprintf(st->serial, sizeof(st->serial), "%s", s->personal ? "" :
	    s->serial);
	for (i = 0; i < sizeof(shown_facts) / sizeof(shown_facts[0]); i++)
		if ((f = hal_fact_find(&s->d->facts, shown_facts[i])) != NULL)
			st->facts.f[st->facts.n++] = *f;
	st->valid = s->comp.valid;
	st->compliant = s->comp.compliant;
	snprintf(st->verdict, sizeof(st->verdict), "%s", s->comp.verdict);
	st->policy_version = s->comp.policy_version;
	st->changed_at = s->comp.changed_at;
	snprintf(st->posture, sizeof(st->posture), "%s", s->comp.posture);
	for (i = 0; i < s->comp.n && i < 128; i++) {
		memcpy(st->detail[i].setting, s->comp.detail[i].setting,
		    sizeof(st->detail[i].setting));
		memcpy(st->detail[i].field_path, s->comp.detail[i].field_path,
		    sizeof(st->detail[i].field_path));
		memcpy(st->detail[i].reason, s->comp.detail[i].reason,
		    sizeof(st->detail[i].reason));
		memcpy(st->detail[i].specific, s->comp.detail[i].specific,
		    sizeof(st->detail[i].specific));
		memcpy(st->detail[i].current, s->comp.detail[i].current,
		    sizeof(st->detail[i].current));
	}
	st->ndetails = i;
	memcpy(st->apps, s->apps, s->napps * sizeof(s->apps[0]));
	st->napps = s->napps;
	memset(&b, 0, sizeof(b));
	netmsg_put_lwm2m_state(&b, st);
	free(st);
	send_msg(s, &b);
}

/* Starts the client in the network process: the endpoint, the stored
 * Security (with the PSK: DTLS needs it there) and Server, the policy
 * the policy objects show. */
static void
send_start(struct lwm2m_session *s)
{
	struct netmsg_buf b;
	char *sec = NULL, *srv = NULL, *policy;

	if (lwm2m_security_dump(&s->objs, &sec) != 0 ||
	    lwm2m_server_dump(&s->objs, &srv) != 0) {
		log_warnx("lwm2m: out of memory");
		goto out;
	}
	policy = lwm2m_stored_server_policy(s->d);
	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_LWM2M_START, 0, 0);
	netmsg_put_str(&b, s->endpoint);
	netmsg_put_int(&b, s->d->conf.lwm2m_allow_nosec != 0);
	netmsg_put_str(&b, sec);
	netmsg_put_str(&b, srv);
	netmsg_put_str(&b, policy);
	netmsg_end(&b);
	free(policy);
	s->running = true;
	send_msg(s, &b);
	send_state(s);
	refresh_apps(s);
out:
	if (sec != NULL)
		crypto_zero(sec, strlen(sec));
	free(sec);
	free(srv);
}

/* netproc_lwm2m_ops.restarted: a new network process knows nothing. */
static void
on_restarted(void *arg)
{
	struct lwm2m_session *s = arg;

	/* The network process died before it de-registered. */
	wipe_now(s);
	if (!s->running || s->stopping)
		return;
	log_info("lwm2m: starting the client again in the new network "
	    "process");
	s->location[0] = '\0';
	s->observations = 0;
	send_start(s);
}

/* ------------------------------------------------------------------ */
/* Start                                                               */
/* ------------------------------------------------------------------ */

static void
identified(struct lwm2m_session *s, struct job *j)
{
	s->starting = false;
	snprintf(s->manufacturer, sizeof(s->manufacturer), "%s", j->mf);
	snprintf(s->model, sizeof(s->model), "%s", j->model);
	snprintf(s->serial, sizeof(s->serial), "%s", j->serial);
	if (s->stopping)
		return;
	lwm2m_endpoint_name(s->d->store, s->rng, s->serial, s->personal,
	    s->endpoint, sizeof(s->endpoint));
	log_info("lwm2m: endpoint %s (the client runs in the network "
	    "process)", s->endpoint);
	s->ops = (struct netproc_lwm2m_ops){ on_message, on_restarted,
	    may_resolve, s };
	netproc_lwm2m_attach(s->d->net, &s->ops);
	send_start(s);
}

void
lwm2m_session_start(struct wardend *d)
{
	struct lwm2m_session *s = d->lwm2m;
	struct prov_request *req;
	char err[512], *policy, *mode;
	enum agent_state state;
	int rc;

	if (d->stopping || store_get_state(d->store, &state, NULL, 0) != 0 ||
	    (state != STATE_ENROLLING && state != STATE_MANAGED))
		return;
	if (s != NULL && (s->running || s->starting))
		return;
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			fatal("calloc");
		s->d = d;
		d->lwm2m = s;
		if (crypto_rng_new("wardend-lwm2m", &s->rng, err,
		    sizeof(err)) != 0)
			fatalx("lwm2m: %s", err);
		/* This side's copy of the objects is never served: only
		 * Security and Server are used, to check and store them. */
		s->host = (struct lwm2m_host){ s, h_fact, h_identity, h_mode,
		    h_compliance, h_apply_policy, h_reboot, h_wipe, h_lock,
		    h_save, NULL, h_app, NULL };
	}
	if ((req = lwm2m_stored_request(d, err, sizeof(err))) == NULL) {
		seterr(s, "the stored enrollment request is unreadable: %s",
		    err);
		log_warnx("lwm2m: %s", s->error);
		return;
	}
	snprintf(s->uri, sizeof(s->uri), "%.*s", LWM2M_URI_MAX,
	    req->server_url);
	s->personal = req->mode == PROV_MODE_WORK_PROFILE_PERSONAL;
	mode = store_kv_get(d->store, "mode");
	snprintf(s->mode, sizeof(s->mode), "%s", mode != NULL ? mode :
	    prov_mode_name(req->mode));
	free(mode);
	if (!s->objs_ok) {
		policy = lwm2m_stored_server_policy(d);
		if (lwm2m_objects_init(&s->objs, &s->host, policy) != 0)
			fatal("lwm2m: objects");
		free(policy);
		s->objs_ok = true;
	}
	if ((rc = lwm2m_stored_objects(d->store, &s->objs, req, err,
	    sizeof(err))) < 0) {
		prov_request_clear(req);
		free(req);
		seterr(s, "%s", err);
		log_warnx("lwm2m: %s", err);
		return;
	}
	/* Made from the request: stored, as the network process's own
	 * saves are. */
	if (rc == 1)
		h_save(s);
	prov_request_clear(req);
	free(req);
	(void)snapshot(s);
	s->starting = true;
	if (queue(s, J_IDENTITY, NULL, NULL, NULL) == NULL)
		fatal("calloc");
}

void
lwm2m_session_changed(struct wardend *d)
{
	struct lwm2m_session *s = d->lwm2m;

	if (s == NULL || !s->objs_ok)
		return;
	(void)snapshot(s);
	if (!s->running || s->stopping)
		return;
	if (s->location[0] != '\0')
		drop_reports(s);
	send_state(s);
	refresh_apps(s);
}

void
lwm2m_session_stop(struct wardend *d)
{
	struct lwm2m_session *s = d->lwm2m;

	if (s == NULL || s->stopping)
		return;
	/* De-registration: netproc_stop() waits for it. */
	if (s->running)
		netproc_lwm2m_stop(d->net, LWM2M_DEREGISTER_MS + 500);
	s->stopping = true;
}

void
lwm2m_session_free(struct wardend *d)
{
	struct lwm2m_session *s = d->lwm2m;
	struct job *j;

	if (s == NULL)
		return;
	netproc_lwm2m_attach(d->net, NULL);
	for (j = s->jobs; j != NULL; j = j->next) {
		j->s = NULL;
		if (j->done == answer_done)
			free(j->done_arg);
	}
	if (s->objs_ok)
		lwm2m_objects_free(&s->objs);
	crypto_rng_free(s->rng);
	crypto_zero(s, sizeof(*s));
	free(s);
	d->lwm2m = NULL;
}

static void
replace(cJSON *r, const char *key, cJSON *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(r, key);
	cJSON_AddItemToObject(r, key, v);
}

void
lwm2m_session_status(struct wardend *d, cJSON *r)
{
	struct lwm2m_session *s = d->lwm2m;

	if (s == NULL)
		return;
	replace(r, "server", cJSON_CreateString(s->uri));
	replace(r, "deviceId", cJSON_CreateString(s->endpoint));
	replace(r, "lastContactAt", cJSON_CreateNumber((double)
	    s->last_contact));
	replace(r, "serverError", cJSON_CreateString(s->error));
	replace(r, "lwm2mRegistration", cJSON_CreateString(s->location));
	replace(r, "lwm2mObservations", cJSON_CreateNumber((double)
	    s->observations));
}
