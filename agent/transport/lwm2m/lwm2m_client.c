/*
 * lwm2m_client.c - the LwM2M client's registration interface (LwM2M TS
 * 1.1 section 6.2) and client-initiated bootstrap (6.1), over one CoAP
 * session at a time (lwm2m_client.h).
 *
 *   Register    POST /rd?ep=<endpoint>&lt=<lifetime>&lwm2m=1.1&b=U[&Q]
 *               with the object links; the answer's Location-Path names
 *               the registration.
 *   Update      POST /rd/<location>[?lt=..&b=..] before the lifetime
 *               ends, when the objects or the parameters change, when
 *               the device's address changes (on a new session), on the
 *               Server object's trigger, and to wake a queue-mode client.
 *               A 4.04 means the server forgot the registration: register
 *               again (with backoff).
 *   De-register DELETE /rd/<location> at stop.
 *   Bootstrap   POST /bs?ep=<endpoint> to the bootstrap server, which
 *               writes Security and Server and ends with POST /bs; then
 *               register with the server it gave.
 *
 * A failed step (no answer, DTLS refused, an error code) is retried on
 * a new session after backoff (the owner's schedule). Observations end
 * with the registration they were made under.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_client.h"

enum state {
	ST_IDLE,		/* nothing configured, or not started */
	ST_CONNECTING,		/* session opening, then next */
	ST_BS_REQUEST,		/* Bootstrap-Request sent */
	ST_BOOTSTRAPPING,	/* the bootstrap server writes */
	ST_REGISTERING,
	ST_REGISTERED,
	ST_WAITING,		/* backoff before another try */
	ST_DISABLING,		/* Disable executed: de-register shortly */
	ST_DISABLED,		/* the server asked us to go away for a while */
	ST_DEREGISTERING,
	ST_STOPPED,
};

/* What to send once the session is up. */
enum next { NEXT_REGISTER, NEXT_UPDATE, NEXT_BOOTSTRAP };

struct lwm2m_client {
	struct lwm2m_client_params p;
	char endpoint[LWM2M_ENDPOINT_MAX + 1];
	struct lwm2m_objects *objs;
	struct lwm2m_coap *coap;
	struct lwm2m_observe *obs;
	struct lwm2m_send *send;	/* the Compliance object, pushed */
	struct lwm2m_dm dm;
	uv_timer_t timer;	/* retry, update, disable, bootstrap end */
	uv_timer_t stop_timer;	/* the de-registration's deadline */
	int handles;
	enum state state;
	enum next next;
	bool to_bootstrap;	/* the session is the bootstrap server's */
	char uri[LWM2M_URI_MAX + 1];
	uint16_t ssid;
	char location[LWM2M_LOCATION_MAX + 1];
	int64_t lifetime;	/* as registered */
	char binding[8];
	bool links_dirty;	/* objects changed since the last send */
	bool params_dirty;	/* lifetime or binding changed */
	bool updating;		/* an Update is in flight */
	bool update_again;
	unsigned attempt;
	uint64_t last_io;	/* uv_now() of the last exchange */
	bool freed;		/* lwm2m_client_free() waits for handles */
	int64_t disable_for;	/* seconds, ST_DISABLING */
};

static void start_session(struct lwm2m_client *c, enum next next);
static void on_timer(uv_timer_t *t);
static void register_(struct lwm2m_client *c);
static void update(struct lwm2m_client *c);
static void retry_later(struct lwm2m_client *c, const char *why);

static void
status(struct lwm2m_client *c, const char *fmt, const char *why)
{
	char buf[LWM2M_WHY_MAX * 2];

	snprintf(buf, sizeof(buf), fmt, why);
	if (c->p.status != NULL)
		c->p.status(c->p.arg, buf);
}

static void
close_session(struct lwm2m_client *c)
{
	lwm2m_coap_free(c->coap);
	c->coap = NULL;
	c->updating = false;
	if (c->send != NULL)
		lwm2m_send_closed(c->send);
}

static const struct lwm2m_server *
server_of(struct lwm2m_client *c)
{
	return lwm2m_server_find(c->objs, c->ssid);
}

static bool
queue_mode(struct lwm2m_client *c)
{
	const struct lwm2m_server *s = server_of(c);

	return s != NULL && strcmp(s->binding, "UQ") == 0;
}

/* ------------------------------------------------------------------ */
/* Hooks of the observations and the DM interface                     */
/* ------------------------------------------------------------------ */

static struct lwm2m_coap *
obs_coap(void *arg)
{
	struct lwm2m_client *c = arg;

	return c->state == ST_REGISTERED && c->coap != NULL &&
	    lwm2m_coap_ready(c->coap) ? c->coap : NULL;
}

static bool
obs_awake(void *arg)
{
	struct lwm2m_client *c = arg;

	return !queue_mode(c) || uv_now(c->p.loop) - c->last_io <
	    LWM2M_AWAKE_MS;
}

static void
obs_wake(void *arg)
{
	struct lwm2m_client *c = arg;

	if (c->state == ST_REGISTERED)
		update(c);
}

static bool
send_muted(void *arg)
{
	const struct lwm2m_server *s = server_of(arg);

	return s == NULL || s->mute_send;
}

/* Anchors every object, instance and resource path for observation. */
static void
anchor_all(struct lwm2m_client *c)
{
	uint16_t ids[LWM2M_INSTANCES_MAX];
	struct lwm2m_path p;
	size_t k, i, r, n;

	if (c->coap == NULL)
		return;
	for (k = 0; k < c->objs->n; k++) {
		const struct lwm2m_object *o = &c->objs->obj[k];

		if (o->def->id == LWM2M_OBJ_SECURITY)
			continue;
		memset(&p, 0, sizeof(p));
		p.id[0] = o->def->id;
		p.len = 1;
		lwm2m_coap_anchor(c->coap, &p);
		n = o->ops->instances(&c->objs->obj[k], ids,
		    LWM2M_INSTANCES_MAX);
		for (i = 0; i < n; i++) {
			p.id[1] = ids[i];
			p.len = 2;
			lwm2m_coap_anchor(c->coap, &p);
			for (r = 0; r < o->def->nres; r++) {
				if (!(o->def->res[r].ops & LWM2M_OP_R))
					continue;
				p.id[2] = o->def->res[r].id;
				p.len = 3;
				lwm2m_coap_anchor(c->coap, &p);
			}
		}
	}
}

/* The server's configuration after a bootstrap: a Server instance whose
 * short id has a Security instance. */
static int
bs_finish(void *arg, char *err, size_t errlen)
{
	struct lwm2m_client *c = arg;
	const struct lwm2m_server *s = lwm2m_server_first(c->objs);
	const struct lwm2m_security *x;

	if (s == NULL || (x = lwm2m_security_find(c->objs, false,
	    s->ssid)) == NULL || x->uri[0] == '\0') {
		snprintf(err, errlen, "no Server instance with a matching "
		    "Security instance");
		return 406;
	}
	if (x->mode != LWM2M_SEC_PSK && x->mode != LWM2M_SEC_CERT &&
	    !(x->mode == LWM2M_SEC_NOSEC && c->p.allow_nosec)) {
		snprintf(err, errlen, "security mode %d: UNSUPPORTED or not "
		    "allowed", (int)x->mode);
		return 406;
	}
	c->objs->host->save(c->objs->host->arg);
	/* register once the answer to this request has gone */
	c->state = ST_WAITING;
	c->ssid = s->ssid;
	c->attempt = 0;
	uv_timer_stop(&c->timer);
	start_session(c, NEXT_REGISTER);
	return 204;
}

static void
dm_changed(void *arg, bool instances)
{
	struct lwm2m_client *c = arg;

	if (instances) {
		c->links_dirty = true;
		anchor_all(c);
		if (c->state == ST_REGISTERED)
			update(c);
	}
	lwm2m_observe_check(c->obs);
	lwm2m_send_check(c->send);
}

/* ------------------------------------------------------------------ */
/* The session                                                         */
/* ------------------------------------------------------------------ */

static void
on_serve(void *arg, const struct lwm2m_msg *m, struct lwm2m_answer *a)
{
	struct lwm2m_client *c = arg;

	c->last_io = uv_now(c->p.loop);
	c->dm.bootstrap = c->to_bootstrap;
	lwm2m_dm_serve(&c->dm, m, a);
}

static void
on_failed(void *arg, const char *why)
{
	struct lwm2m_client *c = arg;

	if (c->state == ST_DEREGISTERING || c->state == ST_STOPPED)
		return;
	retry_later(c, why);
}

static void bs_request(struct lwm2m_client *c);

static void
on_connected(void *arg)
{
	struct lwm2m_client *c = arg;

	c->last_io = uv_now(c->p.loop);
	switch (c->next) {
	case NEXT_BOOTSTRAP:
		bs_request(c);
		break;
	case NEXT_UPDATE:
		c->state = ST_REGISTERED;
		anchor_all(c);
		update(c);
		break;
	default:
		register_(c);
		break;
	}
}

/* Opens a session to the server (or bootstrap server) of Security. */
static void
start_session(struct lwm2m_client *c, enum next next)
{
	struct lwm2m_coap_events ev = { on_serve, on_connected, on_failed, c };
	struct lwm2m_coap_params cp;
	const struct lwm2m_security *x;
	char err[LWM2M_WHY_MAX], ident[LWM2M_PSK_ID_MAX + 1];

	close_session(c);
	c->next = next;
	c->to_bootstrap = next == NEXT_BOOTSTRAP;
	x = lwm2m_security_find(c->objs, c->to_bootstrap, c->ssid);
	if (x == NULL) {
		c->state = ST_IDLE;
		status(c, "%s", c->to_bootstrap ? "no bootstrap server" :
		    "no Security instance for the server");
		return;
	}
	snprintf(c->uri, sizeof(c->uri), "%s", x->uri);
	memset(&cp, 0, sizeof(cp));
	cp.loop = c->p.loop;
	cp.uri = x->uri;
	cp.allow_nosec = c->p.allow_nosec;
	cp.resolver = c->p.resolver;
	cp.mode = x->mode;
	cp.connect_ms = c->p.connect_ms;
	if (x->mode == LWM2M_SEC_PSK) {
		if (x->identity_len == 0 || x->identity_len >= sizeof(ident) ||
		    memchr(x->identity, '\0', x->identity_len) != NULL) {
			retry_later(c, "the PSK identity is not text of 1-128 "
			    "bytes");
			return;
		}
		memcpy(ident, x->identity, x->identity_len);
		ident[x->identity_len] = '\0';
		cp.psk_identity = ident;
		cp.psk_key = x->secret;
		cp.psk_key_len = x->secret_len;
	} else if (x->mode == LWM2M_SEC_CERT) {
		cp.cert = x->identity;
		cp.cert_len = x->identity_len;
		cp.key = x->secret;
		cp.key_len = x->secret_len;
		cp.ca = x->server_key;
		cp.ca_len = x->server_key_len;
	}
	c->state = ST_CONNECTING;
	if (lwm2m_coap_new(&cp, &ev, &c->coap, err, sizeof(err)) != 0) {
		/* a configuration that cannot work: say so, try later (the
		 * bootstrap server or a restart may fix it) */
		retry_later(c, err);
		return;
	}
}

/* ------------------------------------------------------------------ */
/* Timers and retries                                                  */
/* ------------------------------------------------------------------ */

static void
ignore_reply(void *arg, const struct lwm2m_coap_reply *r)
{
	(void)arg;
	(void)r;
}

/* Disable: de-register, come back after disable_for seconds. */
static void
disable(struct lwm2m_client *c)
{
	if (c->coap != NULL && c->location[0] != '\0')
		(void)lwm2m_coap_request(c->coap, LWM2M_DELETE, c->location,
		    NULL, LWM2M_CF_NONE, NULL, 0, ignore_reply, NULL);
	close_session(c);
	lwm2m_observe_reset(c->obs);
	c->state = ST_DISABLED;
	c->location[0] = '\0';
	status(c, "%s", "disabled by the server");
	uv_timer_start(&c->timer, on_timer, (uint64_t)(c->disable_for > 0 ?
	    c->disable_for : 1) * 1000, 0);
}

static void
on_timer(uv_timer_t *t)
{
	struct lwm2m_client *c = t->data;

	switch (c->state) {
	case ST_DISABLING:
		disable(c);
		break;
	case ST_REGISTERED:
		update(c);
		break;
	case ST_BOOTSTRAPPING:
		retry_later(c, "the bootstrap server did not finish");
		break;
	case ST_WAITING:
	case ST_DISABLED:
		lwm2m_client_start(c);
		break;
	default:
		break;
	}
}

static void
retry_later(struct lwm2m_client *c, const char *why)
{
	uint64_t ms;

	close_session(c);
	lwm2m_observe_reset(c->obs);
	c->location[0] = '\0';
	c->state = ST_WAITING;
	ms = c->p.backoff(c->p.arg, &c->attempt);
	status(c, "%s", why);
	uv_timer_start(&c->timer, on_timer, ms, 0);
}

/* When the next Update is due: before the lifetime ends. */
static void
schedule_update(struct lwm2m_client *c)
{
	int64_t margin = c->lifetime / 10 < LWM2M_UPDATE_MARGIN ?
	    c->lifetime / 10 : LWM2M_UPDATE_MARGIN;
	int64_t s = c->lifetime - margin;

	uv_timer_start(&c->timer, on_timer, (uint64_t)(s > 1 ? s : 1) * 1000,
	    0);
}

/* ------------------------------------------------------------------ */
/* Registration                                                        */
/* ------------------------------------------------------------------ */

static void
on_registered(void *arg, const struct lwm2m_coap_reply *r)
{
	struct lwm2m_client *c = arg;
	char why[LWM2M_WHY_MAX + 64];

	if (r->code != 201 || r->location[0] == '\0') {
		if (r->code == 0)
			snprintf(why, sizeof(why), "registration: %s", r->why);
		else
			snprintf(why, sizeof(why), "registration refused: "
			    "%d.%02d", r->code / 100, r->code % 100);
		retry_later(c, why);
		return;
	}
	c->last_io = uv_now(c->p.loop);
	snprintf(c->location, sizeof(c->location), "%s", r->location);
	c->state = ST_REGISTERED;
	c->attempt = 0;
	c->links_dirty = c->params_dirty = false;
	/* a new registration ends the observations of the old one */
	lwm2m_observe_reset(c->obs);
	lwm2m_coap_forget_observers(c->coap);
	anchor_all(c);
	schedule_update(c);
	status(c, "%s", "");
	if (c->p.contact != NULL)
		c->p.contact(c->p.arg);
	c->p.registered(c->p.arg, c->uri, c->location);
	lwm2m_send_registered(c->send);
	lwm2m_send_check(c->send);
}

static void
register_(struct lwm2m_client *c)
{
	const struct lwm2m_server *s = server_of(c);
	char query[LWM2M_ENDPOINT_MAX + 96], *links = NULL;
	size_t len = 0;

	if (s == NULL) {
		retry_later(c, "no Server instance");
		return;
	}
	c->lifetime = s->lifetime;
	snprintf(c->binding, sizeof(c->binding), "%s", s->binding);
	snprintf(query, sizeof(query), "ep=%s&lt=%lld&lwm2m=1.1&b=U%s",
	    c->endpoint, (long long)c->lifetime, queue_mode(c) ? "&Q" : "");
	if (lwm2m_objects_links(c->objs, &links, &len) != 0 ||
	    lwm2m_coap_request(c->coap, LWM2M_POST, "rd", query,
	    LWM2M_CF_LINK, (const uint8_t *)links, len, on_registered,
	    c) != 0) {
		free(links);
		retry_later(c, "registration: cannot send");
		return;
	}
	free(links);
	c->state = ST_REGISTERING;
}

static void
on_updated(void *arg, const struct lwm2m_coap_reply *r)
{
	struct lwm2m_client *c = arg;
	char why[LWM2M_WHY_MAX + 64];

	c->updating = false;
	if (r->code == 204) {
		c->last_io = uv_now(c->p.loop);
		schedule_update(c);
		status(c, "%s", "");
		if (c->p.contact != NULL)
			c->p.contact(c->p.arg);
		if (c->update_again) {
			c->update_again = false;
			update(c);
		}
		lwm2m_observe_flush(c->obs);
		lwm2m_send_check(c->send);
		return;
	}
	/* 4.04: the server forgot us; anything else: start over too */
	if (r->code == 0)
		snprintf(why, sizeof(why), "update: %s", r->why);
	else
		snprintf(why, sizeof(why), "update answered %d.%02d%s",
		    r->code / 100, r->code % 100, r->code == 404 ?
		    " (registration unknown): registering again" : "");
	retry_later(c, why);
}

static void
update(struct lwm2m_client *c)
{
	const struct lwm2m_server *s = server_of(c);
	char path[LWM2M_LOCATION_MAX + 1], query[64], *links = NULL;
	size_t len = 0;

	if (c->state != ST_REGISTERED || c->coap == NULL)
		return;
	if (c->updating) {
		c->update_again = true;
		return;
	}
	query[0] = '\0';
	if (s != NULL && (s->lifetime != c->lifetime ||
	    strcmp(s->binding, c->binding) != 0 || c->params_dirty)) {
		c->lifetime = s->lifetime;
		snprintf(c->binding, sizeof(c->binding), "%s", s->binding);
		snprintf(query, sizeof(query), "lt=%lld&b=U%s",
		    (long long)c->lifetime, queue_mode(c) ? "&Q" : "");
	}
	if (c->links_dirty && lwm2m_objects_links(c->objs, &links,
	    &len) != 0) {
		retry_later(c, "update: out of memory");
		return;
	}
	snprintf(path, sizeof(path), "%s", c->location);
	if (lwm2m_coap_request(c->coap, LWM2M_POST, path, query,
	    links != NULL ? LWM2M_CF_LINK : LWM2M_CF_NONE,
	    (const uint8_t *)links, len, on_updated, c) != 0) {
		free(links);
		retry_later(c, "update: cannot send");
		return;
	}
	free(links);
	c->links_dirty = c->params_dirty = false;
	c->updating = true;
}

/* ------------------------------------------------------------------ */
/* Bootstrap                                                           */
/* ------------------------------------------------------------------ */

static void
on_bs_requested(void *arg, const struct lwm2m_coap_reply *r)
{
	struct lwm2m_client *c = arg;
	char why[LWM2M_WHY_MAX + 64];

	if (r->code != 204) {
		if (r->code == 0)
			snprintf(why, sizeof(why), "bootstrap request: %s",
			    r->why);
		else
			snprintf(why, sizeof(why), "bootstrap request "
			    "refused: %d.%02d", r->code / 100, r->code % 100);
		retry_later(c, why);
		return;
	}
	c->last_io = uv_now(c->p.loop);
	c->state = ST_BOOTSTRAPPING;
	if (c->p.contact != NULL)
		c->p.contact(c->p.arg);
	uv_timer_start(&c->timer, on_timer, LWM2M_BOOTSTRAP_TIMEOUT * 1000,
	    0);
}

static void
bs_request(struct lwm2m_client *c)
{
	char query[LWM2M_ENDPOINT_MAX + 8];

	snprintf(query, sizeof(query), "ep=%s", c->endpoint);
	if (lwm2m_coap_request(c->coap, LWM2M_POST, "bs", query,
	    LWM2M_CF_NONE, NULL, 0, on_bs_requested, c) != 0) {
		retry_later(c, "bootstrap request: cannot send");
		return;
	}
	c->state = ST_BS_REQUEST;
}

/* ------------------------------------------------------------------ */
/* Events of the Server object                                         */
/* ------------------------------------------------------------------ */

static void
on_event(void *arg, enum lwm2m_event ev, uint16_t ssid, int64_t value)
{
	struct lwm2m_client *c = arg;

	(void)ssid;
	switch (ev) {
	case LWM2M_EV_REGISTER:
		c->params_dirty = true;
		update(c);
		break;
	case LWM2M_EV_UPDATE:
		update(c);
		break;
	case LWM2M_EV_DISABLE:
		/* after the answer to the Execute has gone */
		if (c->state != ST_REGISTERED)
			break;
		c->state = ST_DISABLING;
		c->disable_for = value;
		uv_timer_start(&c->timer, on_timer, 100, 0);
		break;
	case LWM2M_EV_BOOTSTRAP:
		if (lwm2m_security_find(c->objs, true, 0) == NULL)
			break;
		uv_timer_stop(&c->timer);
		start_session(c, NEXT_BOOTSTRAP);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */
/* ------------------------------------------------------------------ */

int
lwm2m_client_new(const struct lwm2m_client_params *p,
    struct lwm2m_client **out, char *err, size_t errlen)
{
	struct lwm2m_observe_hooks hooks;
	struct lwm2m_send_hooks shooks;
	struct lwm2m_client *c;
	size_t i, n = strlen(p->endpoint);

	*out = NULL;
	if (n == 0 || n > LWM2M_ENDPOINT_MAX) {
		snprintf(err, errlen, "endpoint name of 1-%d bytes needed",
		    LWM2M_ENDPOINT_MAX);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (p->endpoint[i] <= 0x20 || p->endpoint[i] > 0x7e ||
		    p->endpoint[i] == '&') {
			snprintf(err, errlen, "endpoint name: bad character");
			return -1;
		}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->p = *p;
	c->objs = p->objs;
	snprintf(c->endpoint, sizeof(c->endpoint), "%s", p->endpoint);
	hooks.coap = obs_coap;
	hooks.awake = obs_awake;
	hooks.wake = obs_wake;
	hooks.arg = c;
	shooks.coap = obs_coap;
	shooks.awake = obs_awake;
	shooks.wake = obs_wake;
	shooks.muted = send_muted;
	shooks.arg = c;
	if ((c->obs = lwm2m_observe_new(p->loop, c->objs, &hooks)) == NULL ||
	    (c->send = lwm2m_send_new(p->loop, c->objs, &shooks)) == NULL) {
		lwm2m_observe_free(c->obs);
		free(c);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->dm.objs = c->objs;
	c->dm.obs = c->obs;
	c->dm.finish = bs_finish;
	c->dm.changed = dm_changed;
	c->dm.arg = c;
	c->objs->event = on_event;
	c->objs->event_arg = c;
	uv_timer_init(p->loop, &c->timer);
	uv_timer_init(p->loop, &c->stop_timer);
	c->timer.data = c->stop_timer.data = c;
	c->handles = 2;
	*out = c;
	return 0;
}

void
lwm2m_client_start(struct lwm2m_client *c)
{
	const struct lwm2m_server *s = lwm2m_server_first(c->objs);

	if (c->state == ST_DEREGISTERING || c->state == ST_STOPPED)
		return;
	uv_timer_stop(&c->timer);
	if (s != NULL && lwm2m_security_find(c->objs, false, s->ssid) !=
	    NULL) {
		c->ssid = s->ssid;
		start_session(c, NEXT_REGISTER);
	} else if (lwm2m_security_find(c->objs, true, 0) != NULL) {
		start_session(c, NEXT_BOOTSTRAP);
	} else {
		c->state = ST_IDLE;
		status(c, "%s", "no LwM2M server or bootstrap server "
		    "configured");
	}
}

void
lwm2m_client_changed(struct lwm2m_client *c)
{
	lwm2m_observe_check(c->obs);
	lwm2m_send_check(c->send);
}

void
lwm2m_client_address_changed(struct lwm2m_client *c)
{
	/* a new session from the new address, then an Update */
	if (c->state == ST_REGISTERED)
		start_session(c, NEXT_UPDATE);
}

static void
on_handle_closed(uv_handle_t *h)
{
	struct lwm2m_client *c = h->data;

	if (--c->handles == 0 && c->freed)
		free(c);
}

static void
stopped(struct lwm2m_client *c)
{
	if (c->state == ST_STOPPED)
		return;
	c->state = ST_STOPPED;
	close_session(c);
	uv_close((uv_handle_t *)&c->timer, on_handle_closed);
	uv_close((uv_handle_t *)&c->stop_timer, on_handle_closed);
	lwm2m_observe_free(c->obs);
	c->obs = NULL;
	lwm2m_send_free(c->send);
	c->send = NULL;
	c->objs->event = NULL;
	if (c->p.stopped != NULL)
		c->p.stopped(c->p.arg);
}

static void
on_deregistered(void *arg, const struct lwm2m_coap_reply *r)
{
	(void)r;
	stopped(arg);
}

static void
on_stop_timer(uv_timer_t *t)
{
	stopped(t->data);
}

void
lwm2m_client_stop(struct lwm2m_client *c)
{
	if (c->state == ST_DEREGISTERING || c->state == ST_STOPPED)
		return;
	uv_timer_stop(&c->timer);
	if (c->state == ST_REGISTERED && c->coap != NULL &&
	    lwm2m_coap_request(c->coap, LWM2M_DELETE, c->location, NULL,
	    LWM2M_CF_NONE, NULL, 0, on_deregistered, c) == 0) {
		c->state = ST_DEREGISTERING;
		uv_timer_start(&c->stop_timer, on_stop_timer,
		    LWM2M_DEREGISTER_MS, 0);
		return;
	}
	stopped(c);
}

void
lwm2m_client_free(struct lwm2m_client *c)
{
	if (c == NULL)
		return;
	if (c->state != ST_STOPPED) {
		c->p.stopped = NULL;
		stopped(c);
	}
	c->freed = true;
	if (c->handles == 0)
		free(c);
}

const char *
lwm2m_client_server(const struct lwm2m_client *c)
{
	return c->uri;
}

const char *
lwm2m_client_location(const struct lwm2m_client *c)
{
	return c->state == ST_REGISTERED ? c->location : "";
}

size_t
lwm2m_client_observations(const struct lwm2m_client *c)
{
	return c->obs != NULL ? lwm2m_observe_count(c->obs) : 0;
}
