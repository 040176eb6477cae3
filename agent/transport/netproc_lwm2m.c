/*
 * netproc_lwm2m.c - the LwM2M binding in the network process: libcoap
 * and DTLS, the CoAP, TLV, SenML and link parsers, the object registry
 * and the client run here; the device is the parent's (docs/privsep.md,
 * "The LwM2M binding").
 *
 * The objects' host (struct lwm2m_host) is a view of the parent:
 *
 *   fact, identity, mode, compliance   the last LWM2M_STATE the parent
 *                                       pushed (after each scan)
 *   apply_policy                        LWM2M_APPLY_POLICY, then waits
 *                                       for LWM2M_APPLIED (the policy
 *                                       engine's verdict), as SIGN waits
 *   reboot, wipe, lock                  LWM2M_REBOOT, _WIPE, _LOCK; a
 *                                       wipe's or lock's callback runs at
 *                                       the parent's LWM2M_DONE
 *   apps                                the applications in the last
 *                                       LWM2M_STATE (object 9)
 *   app                                 LWM2M_APP: install or remove;
 *                                       done at the parent's LWM2M_DONE,
 *                                       when the HAL job ended
 *   os_update                           LWM2M_OS_UPDATE: the OEM's hook
 *                                       on a package URI; likewise
 *   save                                LWM2M_SAVE: Security and Server,
 *                                       which the parent checks and stores
 *
 * The client's events (registered, status, contact) go to the parent as
 * LWM2M_REGISTERED and LWM2M_STATUS; LWM2M_STOP de-registers and
 * answers LWM2M_STOPPED. Server names are resolved by the parent
 * (RESOLVE), as for the rest binding.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/core.h"
#include "agent/transport/netproc.h"
#include "agent/transport/lwm2m/lwm2m_client.h"
#include "agent/transport/netmsg.h"

/* A wipe, lock or application job the parent runs; done at its
 * LWM2M_DONE. */
struct action {
	struct action *next;
	uint32_t id;
	lwm2m_done_fn done;
	void *done_arg;
};

struct lw {
	uv_loop_t *loop;
	struct crypto_rng *rng;
	struct lwm2m_objects objs;
	bool objs_ok;
	struct lwm2m_host host;
	struct lwm2m_client *client;
	struct netmsg_lwm2m_state st;
	struct lwm2m_compliance comp;
	char addresses[HAL_FACT_STR_MAX];
	struct action *actions;
	uint32_t next_id;
	bool stopping;
	char why[NETMSG_LW_WHY_MAX + 1];
};

static struct lw lw;	/* the process runs one client at most */

static void
send_buf(struct netmsg_buf *b)
{
	netproc_send(b);
}

/* ------------------------------------------------------------------ */
/* The host: the parent's device                                        */
/* ------------------------------------------------------------------ */

static const struct hal_fact *
h_fact(void *arg, const char *name)
{
	(void)arg;
	return hal_fact_find(&lw.st.facts, name);
}

static void
h_identity(void *arg, const char **mf, const char **model,
    const char **serial)
{
	(void)arg;
	*mf = lw.st.manufacturer;
	*model = lw.st.model;
	*serial = lw.st.serial;	/* "" for a personal device */
}

static const char *
h_mode(void *arg)
{
	(void)arg;
	return lw.st.mode;
}

static const struct lwm2m_compliance *
h_compliance(void *arg)
{
	(void)arg;
	return &lw.comp;
}

static int
h_apply_policy(void *arg, const char *json, char *err, size_t errlen)
{
	struct netmsg_buf b;
	struct netmsg m;
	uint32_t id = ++lw.next_id;
	int rc;

	(void)arg;
	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_LWM2M_APPLY_POLICY, 0, id);
	netmsg_put_str(&b, json);
	netmsg_end(&b);
	if (b.failed) {
		netmsg_buf_free(&b);
		snprintf(err, errlen, "the policy is over the message bounds");
		return -1;
	}
	send_buf(&b);
	/* The engine answers at once; the objects expect a verdict now. */
	if (netproc_await(NETMSG_LWM2M_APPLIED, id, &m) != 0) {
		snprintf(err, errlen, "no answer from wardend");
		return -1;
	}
	rc = m.lw_status;
	if (rc != 0)
		snprintf(err, errlen, "%s", m.lw_why);
	netmsg_clear(&m);
	return rc;
}

static int
h_reboot(void *arg, const char *why)
{
	struct netmsg_buf b;

	(void)arg;
	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_LWM2M_REBOOT, 0, ++lw.next_id);
	netmsg_put_str(&b, why);
	netmsg_end(&b);
	if (b.failed) {
		netmsg_buf_free(&b);
		return -1;
	}
	send_buf(&b);
	return 0;
}

static int
action(enum netmsg_type type, bool profile, const char *why,
    const char *package, lwm2m_done_fn done, void *done_arg)
{
	struct action *a;
	struct netmsg_buf b;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return -1;
	a->id = ++lw.next_id;
	a->done = done;
	a->done_arg = done_arg;
	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, type, 0, a->id);
	if (type != NETMSG_LWM2M_OS_UPDATE)
		netmsg_put_int(&b, profile);
	if (type == NETMSG_LWM2M_WIPE)
		netmsg_put_str(&b, why);
	if (type == NETMSG_LWM2M_APP || type == NETMSG_LWM2M_OS_UPDATE)
		netmsg_put_str(&b, package);
	netmsg_end(&b);
	if (b.failed) {
		netmsg_buf_free(&b);
		free(a);
		return -1;
	}
	send_buf(&b);
	a->next = lw.actions;
	lw.actions = a;
	return 0;
}

static int
h_wipe(void *arg, bool profile, const char *why, lwm2m_done_fn done,
    void *done_arg)
{
	(void)arg;
	return action(NETMSG_LWM2M_WIPE, profile, why, NULL, done, done_arg);
}

static int
h_lock(void *arg, bool profile, lwm2m_done_fn done, void *done_arg)
{
	(void)arg;
	return action(NETMSG_LWM2M_LOCK, profile, NULL, NULL, done, done_arg);
}

static const struct hal_app *
h_apps(void *arg, size_t *n)
{
	(void)arg;
	*n = lw.st.napps;
	return lw.st.apps;
}

/* The remove flag travels where a wipe's or lock's profile flag does. */
static int
h_app(void *arg, bool remove, const char *package, lwm2m_done_fn done,
    void *done_arg)
{
	(void)arg;
	return action(NETMSG_LWM2M_APP, remove, NULL, package, done,
	    done_arg);
}

static int
h_os_update(void *arg, const char *uri, lwm2m_done_fn done, void *done_arg)
{
	(void)arg;
	return action(NETMSG_LWM2M_OS_UPDATE, false, NULL, uri, done,
	    done_arg);
}

static void
h_save(void *arg)
{
	struct netmsg_buf b;
	char *sec = NULL, *srv = NULL;

	(void)arg;
	if (lwm2m_security_dump(&lw.objs, &sec) == 0 &&
	    lwm2m_server_dump(&lw.objs, &srv) == 0) {
		memset(&b, 0, sizeof(b));
		netmsg_begin(&b, NETMSG_LWM2M_SAVE, 0, ++lw.next_id);
		netmsg_put_str(&b, sec);
		netmsg_put_str(&b, srv);
		netmsg_end(&b);
		send_buf(&b);
	} else {
		log_warnx("network process: lwm2m: Security and Server "
		    "cannot be saved (out of memory)");
	}
	if (sec != NULL)
		crypto_zero(sec, strlen(sec));
	free(sec);
	free(srv);
}

/* ------------------------------------------------------------------ */
/* The client's events                                                  */
/* ------------------------------------------------------------------ */

static void
send_status(bool contact)
{
	struct netmsg_buf b;
	const char *loc = lw.client != NULL ?
	    lwm2m_client_location(lw.client) : "";

	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_LWM2M_STATUS, 0, 0);
	netmsg_put_str(&b, lw.why[0] != '\0' ? lw.why : NULL);
	netmsg_put_int(&b, contact);
	netmsg_put_str(&b, loc[0] != '\0' ? loc : NULL);
	netmsg_put_int(&b, lw.client != NULL ?
	    (int64_t)lwm2m_client_observations(lw.client) : 0);
	netmsg_end(&b);
	send_buf(&b);
}

static uint64_t
c_backoff(void *arg, unsigned *attempt)
{
	(void)arg;
	return backoff_next(lw.rng, attempt);
}

static void
c_registered(void *arg, const char *uri, const char *location)
{
	struct netmsg_buf b;

	(void)arg;
	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_LWM2M_REGISTERED, 0, 0);
	netmsg_put_str(&b, uri);
	netmsg_put_str(&b, location);
	netmsg_end(&b);
	send_buf(&b);
}

static void
c_status(void *arg, const char *why)
{
	(void)arg;
	snprintf(lw.why, sizeof(lw.why), "%s", why);
	send_status(false);
}

static void
c_contact(void *arg)
{
	(void)arg;
	send_status(true);
}

static void
c_stopped(void *arg)
{
	struct netmsg_buf b;

	(void)arg;
	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_LWM2M_STOPPED, 0, 0);
	netmsg_end(&b);
	send_buf(&b);
}

/* lwm2m_resolver: the parent resolves the server's name. */
static void
on_resolved(void *arg, const struct sockaddr *sa, const char *why)
{
	lwm2m_coap_resolved(arg, sa, why);
}

static int
r_start(void *arg, struct lwm2m_coap *c, const char *host, uint16_t port)
{
	(void)arg;
	return netproc_resolve(host, port, on_resolved, c);
}

static void
r_cancel(void *arg, struct lwm2m_coap *c)
{
	(void)arg;
	netproc_resolve_cancel(c);
}

static const struct lwm2m_resolver resolver = { r_start, r_cancel, NULL };

/* ------------------------------------------------------------------ */
/* The parent's messages                                                */
/* ------------------------------------------------------------------ */

static void
start(const struct netmsg *m)
{
	struct lwm2m_client_params p;
	char err[256];

	if (lw.objs_ok) {
		log_warnx("network process: lwm2m: a second LWM2M_START "
		    "ignored");
		return;
	}
	lw.host = (struct lwm2m_host){ NULL, h_fact, h_identity, h_mode,
	    h_compliance, h_apply_policy, h_reboot, h_wipe, h_lock, h_save,
	    h_apps, h_app, h_os_update };
	if (lwm2m_objects_init(&lw.objs, &lw.host, m->policy) != 0) {
		snprintf(lw.why, sizeof(lw.why), "lwm2m: objects: out of "
		    "memory or an unreadable policy");
		goto fail;
	}
	lw.objs_ok = true;
	if (lwm2m_security_load(&lw.objs, m->security, err,
	    sizeof(err)) != 0 || lwm2m_server_load(&lw.objs, m->server, err,
	    sizeof(err)) != 0) {
		snprintf(lw.why, sizeof(lw.why), "lwm2m: the stored "
		    "configuration: %s", err);
		goto fail;
	}
	memset(&p, 0, sizeof(p));
	p.loop = lw.loop;
	p.objs = &lw.objs;
	p.endpoint = m->endpoint;
	p.allow_nosec = m->allow_nosec;
	p.resolver = &resolver;
	p.backoff = c_backoff;
	p.registered = c_registered;
	p.status = c_status;
	p.contact = c_contact;
	p.stopped = c_stopped;
	if (lwm2m_client_new(&p, &lw.client, err, sizeof(err)) != 0) {
		snprintf(lw.why, sizeof(lw.why), "lwm2m: %s", err);
		goto fail;
	}
	lwm2m_client_start(lw.client);
	return;
fail:
	log_warnx("network process: %s", lw.why);
	send_status(false);
}

static void
state(const struct netmsg *m)
{
	const struct netmsg_lwm2m_state *st = m->state;
	struct lwm2m_compliance *c = &lw.comp;
	const struct hal_fact *f;
	size_t i;

	lw.st = *st;
	memset(c, 0, sizeof(*c));
	c->valid = st->valid;
	snprintf(c->verdict, sizeof(c->verdict), "%s", st->verdict);
	c->compliant = st->compliant;
	c->policy_version = st->policy_version;
	c->changed_at = st->changed_at;
	snprintf(c->posture, sizeof(c->posture), "%s", st->posture);
	for (i = 0; i < st->ndetails && i < LWM2M_DETAILS_MAX; i++) {
		memcpy(c->detail[i].setting, st->detail[i].setting,
		    sizeof(c->detail[i].setting));
		memcpy(c->detail[i].field_path, st->detail[i].field_path,
		    sizeof(c->detail[i].field_path));
		memcpy(c->detail[i].reason, st->detail[i].reason,
		    sizeof(c->detail[i].reason));
		memcpy(c->detail[i].specific, st->detail[i].specific,
		    sizeof(c->detail[i].specific));
		memcpy(c->detail[i].current, st->detail[i].current,
		    sizeof(c->detail[i].current));
	}
	c->n = i;
	if (lw.client == NULL || lw.stopping)
		return;
	f = hal_fact_find(&lw.st.facts, "network.addresses");
	if (f != NULL && f->type == HAL_FACT_STRING &&
	    strcmp(f->s, lw.addresses) != 0) {
		if (lw.addresses[0] != '\0')
			lwm2m_client_address_changed(lw.client);
		snprintf(lw.addresses, sizeof(lw.addresses), "%s", f->s);
	}
	lwm2m_client_changed(lw.client);
	/* Observations may have changed in number. */
	send_status(false);
}

static void
done(const struct netmsg *m)
{
	struct action **pp, *a;

	for (pp = &lw.actions; (a = *pp) != NULL; pp = &a->next)
		if (a->id == m->id) {
			*pp = a->next;
			if (a->done != NULL)
				a->done(a->done_arg, m->lw_rc);
			free(a);
			return;
		}
	log_debug("network process: lwm2m: a late LWM2M_DONE (%u)", m->id);
}

void
netproc_lwm2m_init(uv_loop_t *loop, struct crypto_rng *rng)
{
	lw.loop = loop;
	lw.rng = rng;
}

void
netproc_lwm2m_dispatch(const struct netmsg *m)
{
	switch (m->type) {
	case NETMSG_LWM2M_START:
		start(m);
		break;
	case NETMSG_LWM2M_STATE:
		state(m);
		break;
	case NETMSG_LWM2M_STOP:
		if (lw.client != NULL && !lw.stopping) {
			lw.stopping = true;
			lwm2m_client_stop(lw.client);
		} else if (lw.client == NULL) {
			c_stopped(NULL);
		}
		break;
	case NETMSG_LWM2M_DONE:
		done(m);
		break;
	default:	/* a late LWM2M_APPLIED */
		log_debug("network process: lwm2m: ignored a %s",
		    netmsg_type_name(m->type));
		break;
	}
}
