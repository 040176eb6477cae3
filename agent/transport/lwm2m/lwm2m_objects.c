/*
 * lwm2m_objects.c - the registry of LwM2M objects and the generic
 * operations over it (lwm2m_objects.h): every path, operation, type and
 * bound is checked here, so an object's handlers see only resources it
 * defines, writable ones for a writer, typed values within bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

static int (*const inits[])(struct lwm2m_object *) = {
	lwm2m_security_init, lwm2m_server_init, lwm2m_device_init,
	lwm2m_connmon_init, lwm2m_fwupdate_init, lwm2m_lockwipe_init,
	lwm2m_swmgmt_init,
	lwm2m_passcode_init, lwm2m_restrict_init, lwm2m_mode_init,
	lwm2m_compliance_init,
};

int
lwm2m_objects_init(struct lwm2m_objects *objs, const struct lwm2m_host *host,
    const char *policy)
{
	size_t i;

	memset(objs, 0, sizeof(*objs));
	objs->host = host;
	if (lwm2m_policy_load(objs, policy) != 0)
		return -1;
	for (i = 0; i < sizeof(inits) / sizeof(inits[0]); i++) {
		struct lwm2m_object *o = &objs->obj[objs->n];

		o->all = objs;
		if (inits[i](o) != 0) {
			lwm2m_objects_free(objs);
			return -1;
		}
		objs->n++;
	}
	return 0;
}

void
lwm2m_objects_free(struct lwm2m_objects *objs)
{
	size_t i;

	for (i = 0; i < objs->n; i++)
		if (objs->obj[i].ops != NULL && objs->obj[i].ops->free != NULL)
			objs->obj[i].ops->free(&objs->obj[i]);
	lwm2m_policy_free(objs);
	objs->n = 0;
}

struct lwm2m_object *
lwm2m_objects_find(struct lwm2m_objects *objs, uint16_t id)
{
	size_t i;

	for (i = 0; i < objs->n; i++)
		if (objs->obj[i].def->id == id)
			return &objs->obj[i];
	return NULL;
}

const struct lwm2m_res_def *
lwm2m_res_find(const struct lwm2m_obj_def *d, uint16_t res)
{
	size_t i;

	for (i = 0; i < d->nres; i++)
		if (d->res[i].id == res)
			return &d->res[i];
	return NULL;
}

bool
lwm2m_instance_exists(struct lwm2m_object *o, uint16_t inst)
{
	uint16_t ids[LWM2M_INSTANCES_MAX];
	size_t n, i;

	n = o->ops->instances(o, ids, LWM2M_INSTANCES_MAX);
	for (i = 0; i < n; i++)
		if (ids[i] == inst)
			return true;
	return false;
}

void
lwm2m_objects_event(struct lwm2m_objects *objs, enum lwm2m_event ev,
    uint16_t ssid, int64_t value)
{
	if (objs->event != NULL)
		objs->event(objs->event_arg, ev, ssid, value);
}

static int
error(char *err, size_t errlen, int code, const char *fmt,
    const struct lwm2m_path *p)
{
	char text[48];

	snprintf(err, errlen, fmt, lwm2m_path_str(p, text, sizeof(text)));
	return code;
}

/* ------------------------------------------------------------------ */
/* Read                                                                */
/* ------------------------------------------------------------------ */

void
lwm2m_emit(struct lwm2m_emit *e, uint16_t ri, struct lwm2m_value v)
{
	struct lwm2m_path p = e->path;

	if (e->failed)
		return;
	if ((ri == LWM2M_ID_NONE) == e->def->multiple ||
	    v.type != e->def->type) {
		e->failed = true;	/* the object's mistake */
		return;
	}
	if (ri != LWM2M_ID_NONE) {
		if (e->only >= 0 && ri != (uint16_t)e->only)
			return;
		p.id[3] = ri;
		p.len = 4;
	}
	if (lwm2m_records_add(e->rs, &p, &v) != 0)
		e->failed = true;
}

void
lwm2m_emit_str(struct lwm2m_emit *e, uint16_t ri, const char *s)
{
	lwm2m_emit(e, ri, lwm2m_str(s != NULL ? s : ""));
}

/* Reads one resource. 0, 404 (absent here) or 500. */
static int
read_res(struct lwm2m_object *o, uint16_t inst,
    const struct lwm2m_res_def *d, int only, struct lwm2m_records *rs)
{
	struct lwm2m_emit e;
	struct lwm2m_value none;
	size_t before = rs->n;
	int rc;

	memset(&e, 0, sizeof(e));
	e.rs = rs;
	e.def = d;
	e.only = (int16_t)only;
	e.path.id[0] = o->def->id;
	e.path.id[1] = inst;
	e.path.id[2] = d->id;
	e.path.len = 3;
	rc = o->ops->read(o, inst, d->id, &e);
	if (rc != 0 || e.failed) {
		lwm2m_records_truncate(rs, before);
		return rc != 0 ? rc : 500;
	}
	if (d->multiple && rs->n == before && only < 0) {
		memset(&none, 0, sizeof(none));
		if (lwm2m_records_add(rs, &e.path, &none) != 0)
			return 500;
	}
	return 0;
}

static int
read_instance(struct lwm2m_object *o, uint16_t inst,
    struct lwm2m_records *rs)
{
	size_t i;
	int rc;

	for (i = 0; i < o->def->nres; i++) {
		const struct lwm2m_res_def *d = &o->def->res[i];

		if (!(d->ops & LWM2M_OP_R))
			continue;
		rc = read_res(o, inst, d, -1, rs);
		if (rc != 0 && rc != 404)
			return rc;
	}
	return 0;
}

int
lwm2m_objects_read(struct lwm2m_objects *objs, const struct lwm2m_path *p,
    struct lwm2m_records *rs, char *err, size_t errlen)
{
	uint16_t ids[LWM2M_INSTANCES_MAX];
	const struct lwm2m_res_def *d;
	struct lwm2m_object *o;
	size_t n, i;
	int rc;

	if (p->len == 0)
		return error(err, errlen, 405, "read of %s", p);
	if ((o = lwm2m_objects_find(objs, p->id[0])) == NULL)
		return error(err, errlen, 404, "%s: no such object", p);
	if (p->len == 1) {
		n = o->ops->instances(o, ids, LWM2M_INSTANCES_MAX);
		for (i = 0; i < n; i++)
			if ((rc = read_instance(o, ids[i], rs)) != 0)
				return error(err, errlen, rc, "%s: read failed",
				    p);
		return 205;
	}
	if (!lwm2m_instance_exists(o, p->id[1]))
		return error(err, errlen, 404, "%s: no such instance", p);
	if (p->len == 2) {
		if ((rc = read_instance(o, p->id[1], rs)) != 0)
			return error(err, errlen, rc, "%s: read failed", p);
		return 205;
	}
	if ((d = lwm2m_res_find(o->def, p->id[2])) == NULL)
		return error(err, errlen, 404, "%s: no such resource", p);
	if (!(d->ops & LWM2M_OP_R))
		return error(err, errlen, 405, "%s is not readable", p);
	if (p->len == 4 && !d->multiple)
		return error(err, errlen, 404, "%s: a single resource has no "
		    "instances", p);
	rc = read_res(o, p->id[1], d, p->len == 4 ? p->id[3] : -1, rs);
	if (rc == 0 && p->len == 4 && rs->n == 0)
		rc = 404;
	if (rc != 0)
		return error(err, errlen, rc, rc == 404 ? "%s: not present" :
		    "%s: read failed", p);
	return 205;
}

/* ------------------------------------------------------------------ */
/* Write and create                                                    */
/* ------------------------------------------------------------------ */

/* Checks and types the records of in for object o into out. */
static int
type_records(struct lwm2m_object *o, const struct lwm2m_records *in,
    bool bootstrap, struct lwm2m_records *out, char *err, size_t errlen)
{
	const struct lwm2m_res_def *d;
	struct lwm2m_value v;
	char why[LWM2M_ERR_MAX];
	size_t i;

	for (i = 0; i < in->n; i++) {
		const struct lwm2m_record *r = &in->r[i];
		const struct lwm2m_path *p = &r->path;
		bool marker = r->v.type == LWM2M_T_NONE &&
		    r->v.raw == LWM2M_RAW_NONE;

		if (p->len < 3 || p->id[0] != o->def->id)
			return error(err, errlen, 400, "%s: not a resource",
			    p);
		if ((d = lwm2m_res_find(o->def, p->id[2])) == NULL)
			return error(err, errlen, 404, "%s: no such resource",
			    p);
		if (!(d->ops & LWM2M_OP_W) && !bootstrap)
			return error(err, errlen, 405, "%s is not writable", p);
		if (d->type == LWM2M_T_NONE)
			return error(err, errlen, 405, "%s is executable", p);
		if ((p->len == 4) != d->multiple && !(marker && p->len == 3 &&
		    d->multiple))
			return error(err, errlen, 400, d->multiple ? "%s is a "
			    "multiple resource" : "%s is a single resource", p);
		if (marker) {
			if (lwm2m_records_add(out, p, &r->v) != 0)
				return error(err, errlen, 500, "%s: no memory",
				    p);
			continue;
		}
		if (lwm2m_value_coerce(&r->v, d->type, &v, why,
		    sizeof(why)) != 0) {
			char text[48];

			snprintf(err, errlen, "%s: %s",
			    lwm2m_path_str(p, text, sizeof(text)), why);
			return 400;
		}
		if ((d->min != 0 || d->max != 0) && ((d->type ==
		    LWM2M_T_INTEGER && (v.i < d->min || v.i > d->max)) ||
		    ((d->type == LWM2M_T_STRING || d->type ==
		    LWM2M_T_OPAQUE) && (int64_t)v.len > d->max)))
			return error(err, errlen, 400, "%s: out of range", p);
		if (lwm2m_records_add(out, p, &v) != 0)
			return error(err, errlen, 500, "%s: out of memory", p);
	}
	lwm2m_records_sort(out);
	return 0;
}

/* The records of instance inst in typed (sorted) as a list. */
static int
slice(const struct lwm2m_records *typed, uint16_t inst,
    struct lwm2m_records *one)
{
	size_t i;

	for (i = 0; i < typed->n; i++)
		if (typed->r[i].path.id[1] == inst &&
		    lwm2m_records_add(one, &typed->r[i].path,
		    &typed->r[i].v) != 0)
			return -1;
	return 0;
}

int
lwm2m_objects_write(struct lwm2m_objects *objs, const struct lwm2m_path *p,
    const struct lwm2m_records *in, bool replace, bool bootstrap,
    char *err, size_t errlen)
{
	struct lwm2m_records typed, one;
	struct lwm2m_object *o;
	struct lwm2m_path res;
	struct lwm2m_value none;
	size_t i;
	int rc = 204;

	if (p->len == 0 || (p->len == 1 && !bootstrap))
		return error(err, errlen, 405, "write to %s", p);
	if ((o = lwm2m_objects_find(objs, p->id[0])) == NULL)
		return error(err, errlen, 404, "%s: no such object", p);
	if (o->ops->write == NULL)
		return error(err, errlen, 405, "%s cannot be written", p);
	if (p->len >= 2 && !bootstrap && !lwm2m_instance_exists(o, p->id[1]))
		return error(err, errlen, 404, "%s: no such instance", p);
	if (in->n == 0)
		return error(err, errlen, 400, "%s: nothing to write", p);
	for (i = 0; i < in->n; i++)
		if (!lwm2m_path_covers(p, &in->r[i].path) ||
		    in->r[i].path.id[1] == LWM2M_ID_NONE)
			return error(err, errlen, 400, "%s: a value outside "
			    "the path", p);
	lwm2m_records_init(&typed);
	lwm2m_records_init(&one);
	/* PUT on a multiple resource replaces all its instances */
	if (p->len == 3 && replace) {
		const struct lwm2m_res_def *d = lwm2m_res_find(o->def,
		    p->id[2]);

		if (d != NULL && d->multiple) {
			memset(&none, 0, sizeof(none));
			res = *p;
			if (lwm2m_records_add(&typed, &res, &none) != 0) {
				rc = 500;
				goto out;
			}
		}
	}
	if ((rc = type_records(o, in, bootstrap, &typed, err, errlen)) != 0)
		goto out;
	rc = 204;
	for (i = 0; i < typed.n && rc == 204; ) {
		uint16_t inst = typed.r[i].path.id[1];

		lwm2m_records_clear(&one);
		if (slice(&typed, inst, &one) != 0) {
			rc = 500;
			break;
		}
		if (!lwm2m_instance_exists(o, inst)) {
			/* only a bootstrap server gets here */
			if (o->ops->create == NULL)
				rc = 405;
			else
				rc = o->ops->create(o, inst, &one, true, err,
				    errlen) == 201 ? 204 : 400;
		} else {
			rc = o->ops->write(o, inst, &one, replace &&
			    p->len <= 2, bootstrap, err, errlen);
		}
		while (i < typed.n && typed.r[i].path.id[1] == inst)
			i++;
	}
out:
	lwm2m_records_clear(&typed);
	lwm2m_records_clear(&one);
	return rc;
}

int
lwm2m_objects_create(struct lwm2m_objects *objs, const struct lwm2m_path *p,
    const struct lwm2m_records *in, bool bootstrap, uint16_t *inst,
    char *err, size_t errlen)
{
	struct lwm2m_records typed, fixed;
	struct lwm2m_object *o;
	uint16_t id = LWM2M_ID_NONE, ids[LWM2M_INSTANCES_MAX];
	size_t i, n;
	int rc;

	if (p->len != 1)
		return error(err, errlen, 405, "create on %s", p);
	if ((o = lwm2m_objects_find(objs, p->id[0])) == NULL)
		return error(err, errlen, 404, "%s: no such object", p);
	if (o->ops->create == NULL)
		return error(err, errlen, 405, "%s: instances cannot be "
		    "created", p);
	for (i = 0; i < in->n; i++) {
		if (i > 0 && in->r[i].path.id[1] != id)
			return error(err, errlen, 400, "%s: one instance at a "
			    "time", p);
		id = in->r[i].path.id[1];
	}
	n = o->ops->instances(o, ids, LWM2M_INSTANCES_MAX);
	if (!o->def->multiple && n > 0)
		return error(err, errlen, 400, "%s has its one instance", p);
	if (n >= LWM2M_INSTANCES_MAX)
		return error(err, errlen, 500, "%s: too many instances", p);
	if (id == LWM2M_ID_NONE) {
		/* the lowest free id */
		for (id = 0, i = 0; i < n && ids[i] == id; i++)
			id++;
	} else if (lwm2m_instance_exists(o, id)) {
		return error(err, errlen, 400, "%s: the instance exists", p);
	}
	lwm2m_records_init(&typed);
	lwm2m_records_init(&fixed);
	for (i = 0; i < in->n; i++) {
		struct lwm2m_path q = in->r[i].path;

		if (q.len == 2)
			continue;	/* an instance with no resources */
		q.id[1] = id;
		if (lwm2m_records_add(&fixed, &q, &in->r[i].v) != 0) {
			rc = 500;
			goto out;
		}
	}
	if ((rc = type_records(o, &fixed, bootstrap, &typed, err,
	    errlen)) != 0)
		goto out;
	rc = o->ops->create(o, id, &typed, bootstrap, err, errlen);
	if (rc == 201)
		*inst = id;
out:
	lwm2m_records_clear(&typed);
	lwm2m_records_clear(&fixed);
	return rc;
}

int
lwm2m_objects_delete(struct lwm2m_objects *objs, const struct lwm2m_path *p,
    bool bootstrap, char *err, size_t errlen)
{
	uint16_t ids[LWM2M_INSTANCES_MAX];
	struct lwm2m_object *o;
	size_t i, k, n;

	if (p->len == 2) {
		if ((o = lwm2m_objects_find(objs, p->id[0])) == NULL ||
		    !lwm2m_instance_exists(o, p->id[1]))
			return error(err, errlen, 404, "%s: no such instance",
			    p);
		if (o->ops->remove == NULL)
			return error(err, errlen, 405, "%s cannot be deleted",
			    p);
		return o->ops->remove(o, p->id[1], bootstrap);
	}
	if (!bootstrap || p->len > 1)
		return error(err, errlen, 405, "delete of %s", p);
	/* Bootstrap-Delete of an object or of everything: the instances
	 * that can go, go (the bootstrap server's own Security instance
	 * and the Device object stay). */
	for (k = 0; k < objs->n; k++) {
		o = &objs->obj[k];
		if ((p->len == 1 && o->def->id != p->id[0]) ||
		    o->ops->remove == NULL)
			continue;
		n = o->ops->instances(o, ids, LWM2M_INSTANCES_MAX);
		for (i = 0; i < n; i++)
			(void)o->ops->remove(o, ids[i], true);
	}
	return 202;
}

int
lwm2m_objects_execute(struct lwm2m_objects *objs, const struct lwm2m_path *p,
    const uint8_t *args, size_t len, char *err, size_t errlen)
{
	const struct lwm2m_res_def *d;
	struct lwm2m_object *o;

	if (p->len != 3)
		return error(err, errlen, 405, "execute on %s", p);
	if ((o = lwm2m_objects_find(objs, p->id[0])) == NULL ||
	    !lwm2m_instance_exists(o, p->id[1]) ||
	    (d = lwm2m_res_find(o->def, p->id[2])) == NULL)
		return error(err, errlen, 404, "%s: no such resource", p);
	if (!(d->ops & LWM2M_OP_E) || o->ops->execute == NULL)
		return error(err, errlen, 405, "%s is not executable", p);
	return o->ops->execute(o, p->id[1], p->id[2], args, len);
}

/* ------------------------------------------------------------------ */
/* Discover and registration links                                     */
/* ------------------------------------------------------------------ */

static struct lwm2m_link *
link_add(struct lwm2m_link *links, size_t cap, size_t *n,
    const struct lwm2m_path *p)
{
	struct lwm2m_link *l;

	if (*n >= cap)
		return NULL;
	l = &links[(*n)++];
	memset(l, 0, sizeof(*l));
	lwm2m_path_str(p, l->target, sizeof(l->target));
	return l;
}

/* Links of the resources of an instance that it has. */
static int
discover_instance(struct lwm2m_object *o, uint16_t inst, int only,
    struct lwm2m_link *links, size_t cap, size_t *n,
    void (*attrs)(void *, const struct lwm2m_path *, struct lwm2m_link *),
    void *arg)
{
	struct lwm2m_records scratch;
	struct lwm2m_path p = { { o->def->id, inst, 0, 0 }, 3 };
	struct lwm2m_link *l;
	char dim[8];
	size_t i, k, count;
	int rc;

	lwm2m_records_init(&scratch);
	for (i = 0; i < o->def->nres; i++) {
		const struct lwm2m_res_def *d = &o->def->res[i];

		if (only >= 0 && d->id != (uint16_t)only)
			continue;
		p.id[2] = d->id;
		count = 0;
		if (d->ops & LWM2M_OP_R) {
			lwm2m_records_clear(&scratch);
			rc = read_res(o, inst, d, -1, &scratch);
			if (rc == 404)
				continue;
			for (k = 0; k < scratch.n; k++)
				if (scratch.r[k].path.len == 4)
					count++;
		}
		if ((l = link_add(links, cap, n, &p)) == NULL) {
			lwm2m_records_clear(&scratch);
			return 500;
		}
		if (d->multiple) {
			snprintf(dim, sizeof(dim), "%zu", count);
			lwm2m_link_attr(l, "dim", dim, false);
		}
		if (attrs != NULL)
			attrs(arg, &p, l);
	}
	lwm2m_records_clear(&scratch);
	return 0;
}

int
lwm2m_objects_discover(struct lwm2m_objects *objs, const struct lwm2m_path *p,
    struct lwm2m_link *links, size_t cap, size_t *n,
    void (*attrs)(void *arg, const struct lwm2m_path *p, struct lwm2m_link *l),
    void *attrs_arg)
{
	uint16_t ids[LWM2M_INSTANCES_MAX];
	struct lwm2m_object *o;
	struct lwm2m_link *l;
	struct lwm2m_path q;
	size_t i, count;
	int rc;

	*n = 0;
	if (p->len == 0 || p->len > 3 ||
	    (o = lwm2m_objects_find(objs, p->id[0])) == NULL)
		return 404;
	if (p->len >= 2 && !lwm2m_instance_exists(o, p->id[1]))
		return 404;
	if (p->len == 3) {
		if (lwm2m_res_find(o->def, p->id[2]) == NULL)
			return 404;
		rc = discover_instance(o, p->id[1], p->id[2], links, cap, n,
		    attrs, attrs_arg);
		return rc != 0 ? rc : *n == 0 ? 404 : 205;
	}
	if ((l = link_add(links, cap, n, p)) == NULL)
		return 500;
	if (p->len == 1 && strcmp(o->def->version, "1.0") != 0)
		lwm2m_link_attr(l, "ver", o->def->version, false);
	if (attrs != NULL)
		attrs(attrs_arg, p, l);
	count = p->len == 1 ? o->ops->instances(o, ids, LWM2M_INSTANCES_MAX) :
	    1;
	if (p->len == 2)
		ids[0] = p->id[1];
	for (i = 0; i < count; i++) {
		q.id[0] = o->def->id;
		q.id[1] = ids[i];
		q.len = 2;
		if (p->len == 1) {
			if ((l = link_add(links, cap, n, &q)) == NULL)
				return 500;
			if (attrs != NULL)
				attrs(attrs_arg, &q, l);
		}
		if ((rc = discover_instance(o, ids[i], -1, links, cap, n,
		    attrs, attrs_arg)) != 0)
			return rc;
	}
	return 205;
}

int
lwm2m_objects_links(struct lwm2m_objects *objs, char **out, size_t *len)
{
	struct lwm2m_link *links, *l;
	uint16_t ids[LWM2M_INSTANCES_MAX];
	struct lwm2m_path p;
	size_t n = 0, k, i, count;
	int rc = -1;

	if ((links = calloc(LWM2M_LINKS_MAX, sizeof(*links))) == NULL)
		return -1;
	memset(&p, 0, sizeof(p));
	l = link_add(links, LWM2M_LINKS_MAX, &n, &p);
	lwm2m_link_attr(l, "rt", "oma.lwm2m", true);
	lwm2m_link_attr(l, "ct", "110", false);
	for (k = 0; k < objs->n; k++) {
		struct lwm2m_object *o = &objs->obj[k];

		if (o->def->id == LWM2M_OBJ_SECURITY)
			continue;
		count = o->ops->instances(o, ids, LWM2M_INSTANCES_MAX);
		p.id[0] = o->def->id;
		p.len = 1;
		if (count == 0 || strcmp(o->def->version, "1.0") != 0) {
			if ((l = link_add(links, LWM2M_LINKS_MAX, &n, &p)) ==
			    NULL)
				goto out;
			if (strcmp(o->def->version, "1.0") != 0)
				lwm2m_link_attr(l, "ver", o->def->version,
				    false);
		}
		for (i = 0; i < count; i++) {
			p.id[1] = ids[i];
			p.len = 2;
			if (link_add(links, LWM2M_LINKS_MAX, &n, &p) == NULL)
				goto out;
		}
	}
	rc = lwm2m_link_encode(links, n, out, len);
out:
	free(links);
	return rc;
}
