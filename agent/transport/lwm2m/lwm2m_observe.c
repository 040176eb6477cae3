/*
 * lwm2m_observe.c - observations and their attributes (lwm2m_client.h).
 *
 * libcoap keeps the observers of each anchored path; this file decides
 * when they are notified. Each observation remembers a digest of the
 * values it last sent and when. lwm2m_observe_check() (after a posture
 * scan, a write) reads every observed path again: a changed digest
 * makes it pending, and a pending observation is notified once pmin has
 * passed since the last notification; pmax notifies even without a
 * change. On a single numeric resource gt, lt and st narrow what counts
 * as a change (crossing a threshold, or a step of at least st). One
 * timer wakes the loop only when a pmin or pmax ends.
 *
 * Attributes are set per path (object, instance, resource) by
 * Write-Attributes; the most specific wins, and pmin/pmax default to the
 * Server object's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_client.h"

#define ATTRS_MAX 64
#define OBSERVATIONS_MAX 64
#define PERIOD_MAX 31536000

enum { A_PMIN, A_PMAX, A_GT, A_LT, A_ST, A_EPMIN, A_EPMAX, A_COUNT };
static const char *const attr_names[A_COUNT] = { "pmin", "pmax", "gt",
	"lt", "st", "epmin", "epmax" };

struct attrs {
	struct lwm2m_path path;
	bool has[A_COUNT];
	double v[A_COUNT];
};

struct obs {
	struct obs *next;
	struct lwm2m_path path;
	uint8_t token[LWM2M_TOKEN_MAX];
	size_t token_len;
	uint64_t digest;
	bool numeric;		/* a single numeric resource */
	double last;		/* its value last sent */
	uint64_t sent_at;	/* uv_now() */
	bool pending;		/* changed since */
};

struct lwm2m_observe {
	uv_loop_t *loop;
	uv_timer_t timer;
	struct lwm2m_objects *objs;
	struct lwm2m_observe_hooks hooks;
	struct obs *list;
	size_t n;
	struct attrs attrs[ATTRS_MAX];
	size_t nattrs;
};

static void schedule(struct lwm2m_observe *o);

/* ------------------------------------------------------------------ */
/* Attributes                                                          */
/* ------------------------------------------------------------------ */

static struct attrs *
attrs_at(struct lwm2m_observe *o, const struct lwm2m_path *p)
{
	size_t i;

	for (i = 0; i < o->nattrs; i++)
		if (lwm2m_path_equal(&o->attrs[i].path, p))
			return &o->attrs[i];
	return NULL;
}

/* The effective attributes of p: defaults, then object, instance and
 * resource levels. */
static void
effective(struct lwm2m_observe *o, const struct lwm2m_path *p,
    struct attrs *out)
{
	const struct lwm2m_server *s = lwm2m_server_first(o->objs);
	struct lwm2m_path q;
	const struct attrs *a;
	size_t k, len;

	memset(out, 0, sizeof(*out));
	out->path = *p;
	if (s != NULL) {
		out->has[A_PMIN] = s->pmin > 0;
		out->v[A_PMIN] = (double)s->pmin;
		out->has[A_PMAX] = s->pmax > 0;
		out->v[A_PMAX] = (double)s->pmax;
	}
	for (len = 1; len <= p->len && len <= 3; len++) {
		q = *p;
		q.len = (uint8_t)len;
		if ((a = attrs_at(o, &q)) == NULL)
			continue;
		for (k = 0; k < A_COUNT; k++) {
			/* thresholds belong to the resource itself */
			if ((k == A_GT || k == A_LT || k == A_ST) && len != 3)
				continue;
			if (a->has[k]) {
				out->has[k] = true;
				out->v[k] = a->v[k];
			}
		}
	}
}

static int
parse_number(const char *s, bool integer, double *v)
{
	char *end;

	if (*s == '\0' || strlen(s) > 24)
		return -1;
	if (integer) {
		long long n;

		if (strspn(s, "0123456789") != strlen(s) || (s[0] == '0' &&
		    s[1] != '\0'))
			return -1;
		n = strtoll(s, &end, 10);
		if (*end != '\0' || n > PERIOD_MAX)
			return -1;
		*v = (double)n;
		return 0;
	}
	if (strspn(s, "0123456789+-.eE") != strlen(s))
		return -1;
	*v = strtod(s, &end);
	return *end == '\0' && isfinite(*v) ? 0 : -1;
}

static bool
numeric_resource(struct lwm2m_observe *o, const struct lwm2m_path *p)
{
	struct lwm2m_object *obj = lwm2m_objects_find(o->objs, p->id[0]);
	const struct lwm2m_res_def *d;

	if (p->len != 3 || obj == NULL ||
	    (d = lwm2m_res_find(obj->def, p->id[2])) == NULL || d->multiple)
		return false;
	return d->type == LWM2M_T_INTEGER || d->type == LWM2M_T_FLOAT ||
	    d->type == LWM2M_T_UNSIGNED || d->type == LWM2M_T_TIME;
}

int
lwm2m_observe_attrs(struct lwm2m_observe *o, const struct lwm2m_path *p,
    const char query[][LWM2M_QUERY_LEN + 1], size_t nquery, char *err,
    size_t errlen)
{
	struct lwm2m_object *obj;
	struct attrs next, *cur;
	char name[LWM2M_QUERY_LEN + 1], *eq;
	size_t i, k;

	if (p->len == 0 || p->len > 3 ||
	    (obj = lwm2m_objects_find(o->objs, p->id[0])) == NULL ||
	    (p->len >= 2 && !lwm2m_instance_exists(obj, p->id[1])) ||
	    (p->len == 3 && lwm2m_res_find(obj->def, p->id[2]) == NULL)) {
		snprintf(err, errlen, "attributes: no such object, instance "
		    "or resource");
		return 404;
	}
	if (nquery == 0) {
		snprintf(err, errlen, "attributes: none given");
		return 400;
	}
	cur = attrs_at(o, p);
	memset(&next, 0, sizeof(next));
	if (cur != NULL)
		next = *cur;
	next.path = *p;
	for (i = 0; i < nquery; i++) {
		snprintf(name, sizeof(name), "%s", query[i]);
		if ((eq = strchr(name, '=')) != NULL)
			*eq++ = '\0';
		for (k = 0; k < A_COUNT; k++)
			if (strcmp(name, attr_names[k]) == 0)
				break;
		if (k == A_COUNT) {
			snprintf(err, errlen, "attribute \"%.32s\": unknown",
			    name);
			return 400;
		}
		if ((k == A_GT || k == A_LT || k == A_ST) &&
		    !numeric_resource(o, p)) {
			snprintf(err, errlen, "attribute %s: only on a single "
			    "numeric resource", name);
			return 400;
		}
		if (eq == NULL) {
			next.has[k] = false;	/* removed */
			continue;
		}
		if (parse_number(eq, k == A_PMIN || k == A_PMAX ||
		    k == A_EPMIN || k == A_EPMAX, &next.v[k]) != 0 ||
		    (k == A_ST && next.v[k] < 0)) {
			snprintf(err, errlen, "attribute %s: bad value", name);
			return 400;
		}
		next.has[k] = true;
	}
	if ((next.has[A_PMIN] && next.has[A_PMAX] && next.v[A_PMAX] > 0 &&
	    next.v[A_PMAX] < next.v[A_PMIN]) || (next.has[A_GT] &&
	    next.has[A_LT] && next.v[A_LT] + 2 * (next.has[A_ST] ?
	    next.v[A_ST] : 0) >= next.v[A_GT]) || (next.has[A_EPMIN] &&
	    next.has[A_EPMAX] && next.v[A_EPMAX] < next.v[A_EPMIN])) {
		snprintf(err, errlen, "attributes: pmax below pmin, or lt + "
		    "2st not below gt");
		return 400;
	}
	for (k = 0; k < A_COUNT && !next.has[k]; k++)
		;
	if (k == A_COUNT) {
		if (cur != NULL)
			*cur = o->attrs[--o->nattrs];
	} else if (cur != NULL) {
		*cur = next;
	} else if (o->nattrs == ATTRS_MAX) {
		snprintf(err, errlen, "attributes: at most %d paths",
		    ATTRS_MAX);
		return 400;
	} else {
		o->attrs[o->nattrs++] = next;
	}
	schedule(o);
	return 204;
}

void
lwm2m_observe_link(void *arg, const struct lwm2m_path *p,
    struct lwm2m_link *l)
{
	struct lwm2m_observe *o = arg;
	const struct attrs *a = attrs_at(o, p);
	char v[32];
	size_t k;

	for (k = 0; a != NULL && k < A_COUNT; k++) {
		if (!a->has[k])
			continue;
		snprintf(v, sizeof(v), "%.15g", a->v[k]);
		lwm2m_link_attr(l, attr_names[k], v, false);
	}
}

/* ------------------------------------------------------------------ */
/* Observations                                                        */
/* ------------------------------------------------------------------ */

static void
on_timer(uv_timer_t *t)
{
	lwm2m_observe_check(t->data);
}

struct lwm2m_observe *
lwm2m_observe_new(uv_loop_t *loop, struct lwm2m_objects *objs,
    const struct lwm2m_observe_hooks *hooks)
{
	struct lwm2m_observe *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	o->loop = loop;
	o->objs = objs;
	o->hooks = *hooks;
	uv_timer_init(loop, &o->timer);
	o->timer.data = o;
	return o;
}

static void
on_closed(uv_handle_t *h)
{
	free(h->data);
}

void
lwm2m_observe_free(struct lwm2m_observe *o)
{
	struct obs *x, *next;

	if (o == NULL)
		return;
	for (x = o->list; x != NULL; x = next) {
		next = x->next;
		free(x);
	}
	o->list = NULL;
	uv_close((uv_handle_t *)&o->timer, on_closed);
}

static struct obs **
find(struct lwm2m_observe *o, const uint8_t *token, size_t len)
{
	struct obs **x;

	for (x = &o->list; *x != NULL; x = &(*x)->next)
		if ((*x)->token_len == len && memcmp((*x)->token, token,
		    len) == 0)
			return x;
	return x;
}

bool
lwm2m_observe_known(struct lwm2m_observe *o, const uint8_t *token,
    size_t len)
{
	return *find(o, token, len) != NULL;
}

size_t
lwm2m_observe_count(const struct lwm2m_observe *o)
{
	return o->n;
}

/* FNV-1a over the records: paths, types and values. */
static uint64_t
digest(const struct lwm2m_records *rs)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i, k;

#define MIX(p, n) do { \
	const uint8_t *b_ = (const uint8_t *)(p); \
	for (k = 0; k < (n); k++) { \
		h ^= b_[k]; \
		h *= 1099511628211ULL; \
	} \
} while (0)
	for (i = 0; i < rs->n; i++) {
		const struct lwm2m_record *r = &rs->r[i];

		MIX(&r->path, sizeof(r->path));
		MIX(&r->v.type, sizeof(r->v.type));
		MIX(&r->v.i, sizeof(r->v.i));
		MIX(&r->v.u, sizeof(r->v.u));
		MIX(&r->v.f, sizeof(r->v.f));
		MIX(&r->v.b, sizeof(r->v.b));
		MIX(r->v.lnk, sizeof(r->v.lnk));
		if (r->v.bytes != NULL)
			MIX(r->v.bytes, r->v.len);
	}
#undef MIX
	return h;
}

static bool
number_of(const struct lwm2m_records *rs, double *v)
{
	if (rs->n != 1 || rs->r[0].path.len != 3)
		return false;
	switch (rs->r[0].v.type) {
	case LWM2M_T_INTEGER:
	case LWM2M_T_TIME:
		*v = (double)rs->r[0].v.i;
		return true;
	case LWM2M_T_UNSIGNED:
		*v = (double)rs->r[0].v.u;
		return true;
	case LWM2M_T_FLOAT:
		*v = rs->r[0].v.f;
		return true;
	default:
		return false;
	}
}

int
lwm2m_observe_sent(struct lwm2m_observe *o, const struct lwm2m_path *p,
    const uint8_t *token, size_t len, const struct lwm2m_records *values)
{
	struct obs *x = *find(o, token, len);

	if (len > LWM2M_TOKEN_MAX)
		return -1;
	if (x == NULL) {
		if (o->n == OBSERVATIONS_MAX ||
		    (x = calloc(1, sizeof(*x))) == NULL)
			return -1;
		memcpy(x->token, token, len);
		x->token_len = len;
		x->next = o->list;
		o->list = x;
		o->n++;
	}
	x->path = *p;
	x->digest = digest(values);
	x->numeric = number_of(values, &x->last);
	x->sent_at = uv_now(o->loop);
	x->pending = false;
	schedule(o);
	return 0;
}

void
lwm2m_observe_cancel(struct lwm2m_observe *o, const uint8_t *token,
    size_t len)
{
	struct obs **slot = find(o, token, len), *x = *slot;

	if (x == NULL)
		return;
	*slot = x->next;
	free(x);
	o->n--;
	schedule(o);
}

void
lwm2m_observe_reset(struct lwm2m_observe *o)
{
	struct obs *x, *next;

	for (x = o->list; x != NULL; x = next) {
		next = x->next;
		free(x);
	}
	o->list = NULL;
	o->n = 0;
	uv_timer_stop(&o->timer);
}

/* Drops the observations of p (libcoap has no observer left there). */
static void
forget_path(struct lwm2m_observe *o, const struct lwm2m_path *p)
{
	struct obs **slot = &o->list, *x;

	while ((x = *slot) != NULL) {
		if (lwm2m_path_equal(&x->path, p)) {
			*slot = x->next;
			free(x);
			o->n--;
		} else {
			slot = &x->next;
		}
	}
}

/* Has libcoap notify every observer of p now. */
static void
notify(struct lwm2m_observe *o, const struct lwm2m_path *p, uint64_t now)
{
	struct lwm2m_coap *c = o->hooks.coap(o->hooks.arg);
	struct obs *y;

	if (c == NULL)
		return;		/* no session: it waits, still pending */
	if (!o->hooks.awake(o->hooks.arg)) {
		o->hooks.wake(o->hooks.arg);
		return;
	}
	if (lwm2m_coap_notify(c, p) == 0) {
		forget_path(o, p);
		return;
	}
	/* libcoap answers for the path's observers from its loop step;
	 * until then they count as sent now */
	for (y = o->list; y != NULL; y = y->next)
		if (lwm2m_path_equal(&y->path, p)) {
			y->pending = false;
			y->sent_at = now;
		}
}

/* Whether x's new values count as a change under its attributes. */
static bool
changed(struct obs *x, const struct attrs *a, const struct lwm2m_records *rs)
{
	double v;
	bool crossed;

	if (digest(rs) == x->digest)
		return false;
	if (!x->numeric || !number_of(rs, &v) ||
	    !(a->has[A_GT] || a->has[A_LT] || a->has[A_ST]))
		return true;
	crossed = (a->has[A_GT] && (x->last > a->v[A_GT]) != (v >
	    a->v[A_GT])) || (a->has[A_LT] && (x->last < a->v[A_LT]) != (v <
	    a->v[A_LT]));
	return crossed || (a->has[A_ST] && fabs(v - x->last) >= a->v[A_ST]);
}

void
lwm2m_observe_check(struct lwm2m_observe *o)
{
	struct lwm2m_path due[OBSERVATIONS_MAX];
	struct lwm2m_records rs;
	struct attrs a;
	struct obs *x;
	uint64_t now = uv_now(o->loop);
	char err[LWM2M_ERR_MAX];
	size_t ndue = 0, i;
	int rc;

	lwm2m_records_init(&rs);
	for (x = o->list; x != NULL; x = x->next) {
		effective(o, &x->path, &a);
		lwm2m_records_clear(&rs);
		rc = lwm2m_objects_read(o->objs, &x->path, &rs, err,
		    sizeof(err));
		/* a path that went away is notified (with its 4.04) */
		if (rc != 205 || changed(x, &a, &rs))
			x->pending = true;
		if (!(x->pending && now - x->sent_at >= (uint64_t)(a.v[A_PMIN] *
		    1000)) && !(a.has[A_PMAX] && a.v[A_PMAX] > 0 &&
		    now - x->sent_at >= (uint64_t)(a.v[A_PMAX] * 1000)))
			continue;
		for (i = 0; i < ndue && !lwm2m_path_equal(&due[i], &x->path);
		    i++)
			;
		if (i == ndue && ndue < OBSERVATIONS_MAX)
			due[ndue++] = x->path;
	}
	lwm2m_records_clear(&rs);
	for (i = 0; i < ndue; i++)
		notify(o, &due[i], now);
	schedule(o);
}

void
lwm2m_observe_flush(struct lwm2m_observe *o)
{
	lwm2m_observe_check(o);
}

/* Arms the timer for the next pmin end of a pending observation or
 * pmax of any. */
static void
schedule(struct lwm2m_observe *o)
{
	struct attrs a;
	struct obs *x;
	uint64_t now = uv_now(o->loop), due = UINT64_MAX, t;

	/* nothing can go out without a session, or while asleep (the
	 * client flushes when that ends) */
	if (o->hooks.coap(o->hooks.arg) == NULL ||
	    !o->hooks.awake(o->hooks.arg)) {
		uv_timer_stop(&o->timer);
		return;
	}
	for (x = o->list; x != NULL; x = x->next) {
		effective(o, &x->path, &a);
		if (x->pending) {
			t = x->sent_at + (uint64_t)(a.v[A_PMIN] * 1000);
			if (t < due)
				due = t;
		}
		if (a.has[A_PMAX] && a.v[A_PMAX] > 0) {
			t = x->sent_at + (uint64_t)(a.v[A_PMAX] * 1000);
			if (t < due)
				due = t;
		}
	}
	if (due == UINT64_MAX) {
		uv_timer_stop(&o->timer);
		return;
	}
	uv_timer_start(&o->timer, on_timer, due > now ? due - now : 0, 0);
}
