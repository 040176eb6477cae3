/*
 * lwm2m_dm.c - what a request from the server means (LwM2M TS 1.1
 * section 6.3 and 6.4) and its answer (lwm2m_client.h):
 *
 *   GET, Accept link format   Discover (Bootstrap-Discover on / or /o)
 *   GET                       Read; Observe 0/1 starts/cancels
 *   PUT with a payload        Write (replace)
 *   PUT without one           Write-Attributes (queries)
 *   POST /o                   Create
 *   POST /o/i                 Write (partial update)
 *   POST /o/i/r               Execute (arguments: the payload)
 *   POST /bs                  Bootstrap-Finish (bootstrap server only)
 *   DELETE /o/i               Delete; /o and / from the bootstrap server
 *   FETCH / (SenML paths)     Read-Composite
 *   FETCH with Observe, iPATCH, PATCH
 *                             4.05: Observe- and Write-Composite
 *                             UNSUPPORTED
 *
 * The Security object is the bootstrap server's: a management server
 * gets 4.01 for anything on /0. Every error answer carries its reason as
 * text so that the server's operator sees why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_client.h"

#define EXECUTE_ARGS_MAX 256
#define COMPOSITE_MAX 64		/* paths of one Read-Composite */

static void
text(struct lwm2m_answer *a, int code, const char *why)
{
	size_t n = strlen(why);

	a->code = code;
	a->cf = LWM2M_CF_NONE;
	if (n == 0 || (a->payload = malloc(n)) == NULL)
		return;
	memcpy(a->payload, why, n);
	a->len = n;
	a->cf = LWM2M_CF_TEXT;
}

/* Is the answer to a read of p one resource value (and opaque)? */
static bool
single(struct lwm2m_objects *objs, const struct lwm2m_path *p, bool *opaque)
{
	struct lwm2m_object *o = lwm2m_objects_find(objs, p->id[0]);
	const struct lwm2m_res_def *d;

	*opaque = false;
	if (p->len < 3 || o == NULL ||
	    (d = lwm2m_res_find(o->def, p->id[2])) == NULL)
		return false;
	*opaque = d->type == LWM2M_T_OPAQUE;
	return p->len == 4 || !d->multiple;
}

static void
read_(struct lwm2m_dm *dm, const struct lwm2m_msg *m, struct lwm2m_answer *a)
{
	struct lwm2m_records rs;
	char err[LWM2M_ERR_MAX];
	bool opaque, one = single(dm->objs, &m->path, &opaque);
	int cf, rc;

	if (m->observe == 1)
		lwm2m_observe_cancel(dm->obs, m->token, m->token_len);
	if ((cf = lwm2m_cf_pick(m->accept, one, opaque)) < 0) {
		text(a, 406, "the Accept format cannot carry this");
		return;
	}
	lwm2m_records_init(&rs);
	rc = lwm2m_objects_read(dm->objs, &m->path, &rs, err, sizeof(err));
	if (rc != 205) {
		lwm2m_records_clear(&rs);
		text(a, rc, err);
		return;
	}
	if (lwm2m_encode(cf, &m->path, &rs, &a->payload, &a->len) != 0) {
		lwm2m_records_clear(&rs);
		text(a, 406, "the format cannot carry these values");
		return;
	}
	a->code = 205;
	a->cf = cf;
	/* a new observation, or a notification of one */
	if (m->observe == 0 && m->observed)
		(void)lwm2m_observe_sent(dm->obs, &m->path, m->token,
		    m->token_len, &rs);
	lwm2m_records_clear(&rs);
}

/*
 * Read-Composite (LwM2M TS 1.1 section 6.3.8): FETCH on / with a SenML
 * JSON or CBOR list of paths; the answer is one SenML document with
 * every value, in the Accept format (the request's when absent). A path
 * named twice or under another named path is read once; a path that
 * does not exist is left out (4.04 only when none does); the Security
 * object refuses the whole request.
 */
static void
read_composite(struct lwm2m_dm *dm, const struct lwm2m_msg *m,
    struct lwm2m_answer *a)
{
	struct lwm2m_path paths[COMPOSITE_MAX], root = { { 0, 0, 0, 0 }, 0 };
	struct lwm2m_records rs, one;
	char err[LWM2M_ERR_MAX];
	size_t n = 0, i, j, k;
	bool skip;
	int cf = m->accept != LWM2M_CF_NONE ? m->accept : m->cf, rc;

	if (m->observe == 0) {
		text(a, 405, "Observe-Composite: UNSUPPORTED");
		return;
	}
	if (m->cf != LWM2M_CF_SENML_JSON && m->cf != LWM2M_CF_SENML_CBOR) {
		text(a, 415, "a composite request is SenML JSON or CBOR");
		return;
	}
	if (cf != LWM2M_CF_SENML_JSON && cf != LWM2M_CF_SENML_CBOR) {
		text(a, 406, "a composite answer is SenML JSON or CBOR");
		return;
	}
	rc = m->cf == LWM2M_CF_SENML_JSON ?
	    lwm2m_senml_paths(m->payload, m->len, paths, COMPOSITE_MAX, &n,
	    err, sizeof(err)) :
	    lwm2m_senml_cbor_paths(m->payload, m->len, paths, COMPOSITE_MAX,
	    &n, err, sizeof(err));
	if (rc != 0) {
		text(a, 400, err);
		return;
	}
	for (i = 0; i < n; i++)
		if (paths[i].id[0] == LWM2M_OBJ_SECURITY) {
			text(a, 401, "the Security object is not a server's "
			    "to see");
			return;
		}
	lwm2m_records_init(&rs);
	lwm2m_records_init(&one);
	for (i = 0; i < n; i++) {
		skip = false;
		for (j = 0; j < n && !skip; j++)
			skip = j != i && lwm2m_path_covers(&paths[j],
			    &paths[i]) && (!lwm2m_path_equal(&paths[j],
			    &paths[i]) || j < i);
		if (skip)
			continue;
		lwm2m_records_clear(&one);
		rc = lwm2m_objects_read(dm->objs, &paths[i], &one, err,
		    sizeof(err));
		if (rc == 404)
			continue;
		if (rc != 205)
			goto fail;
		for (k = 0; k < one.n; k++)
			if (lwm2m_records_add(&rs, &one.r[k].path,
			    &one.r[k].v) != 0) {
				rc = 500;
				snprintf(err, sizeof(err), "more than %d values",
				    LWM2M_RECORDS_MAX);
				goto fail;
			}
	}
	if (rs.n == 0) {
		rc = 404;
		snprintf(err, sizeof(err), "none of the paths exists");
		goto fail;
	}
	lwm2m_records_sort(&rs);
	if (lwm2m_encode(cf, &root, &rs, &a->payload, &a->len) != 0) {
		rc = 500;
		snprintf(err, sizeof(err), "cannot encode the values");
		goto fail;
	}
	a->code = 205;
	a->cf = cf;
	lwm2m_records_clear(&one);
	lwm2m_records_clear(&rs);
	return;
fail:
	lwm2m_records_clear(&one);
	lwm2m_records_clear(&rs);
	text(a, rc, err);
}

/* Appends the object and instance links of object id to links. */
static int
bs_discover(struct lwm2m_objects *objs, uint16_t id, struct lwm2m_link *links,
    size_t *n)
{
	struct lwm2m_link *tmp;
	struct lwm2m_path p = { { id, 0, 0, 0 }, 1 };
	size_t got, i;
	int rc;

	if ((tmp = calloc(LWM2M_LINKS_MAX, sizeof(*tmp))) == NULL)
		return 500;
	rc = lwm2m_objects_discover(objs, &p, tmp, LWM2M_LINKS_MAX, &got, NULL,
	    NULL);
	for (i = 0; rc == 205 && i < got; i++) {
		struct lwm2m_path q;

		if (lwm2m_path_parse(tmp[i].target, &q) != 0 || q.len > 2)
			continue;
		if (*n == LWM2M_LINKS_MAX) {
			rc = 500;
			break;
		}
		links[(*n)++] = tmp[i];
	}
	free(tmp);
	return rc;
}

static void
discover(struct lwm2m_dm *dm, const struct lwm2m_msg *m,
    struct lwm2m_answer *a)
{
	struct lwm2m_link *links;
	size_t n = 0, k;
	char *out;
	int rc = 205;

	if ((links = calloc(LWM2M_LINKS_MAX, sizeof(*links))) == NULL) {
		text(a, 500, "out of memory");
		return;
	}
	if (m->path.len == 0 && dm->bootstrap) {
		/* Bootstrap-Discover: the objects and their instances */
		snprintf(links[n++].target, sizeof(links[0].target), "/");
		lwm2m_link_attr(&links[0], "lwm2m", "1.1", true);
		for (k = 0; k < dm->objs->n && rc == 205; k++)
			rc = bs_discover(dm->objs, dm->objs->obj[k].def->id,
			    links, &n);
	} else {
		rc = lwm2m_objects_discover(dm->objs, &m->path, links,
		    LWM2M_LINKS_MAX, &n, dm->bootstrap ? NULL :
		    lwm2m_observe_link, dm->obs);
	}
	if (rc != 205 || lwm2m_link_encode(links, n, &out, &a->len) != 0) {
		free(links);
		text(a, rc != 205 ? rc : 500, "discover failed");
		return;
	}
	free(links);
	a->payload = (uint8_t *)out;
	a->code = 205;
	a->cf = LWM2M_CF_LINK;
}

static int
decode(const struct lwm2m_msg *m, struct lwm2m_records *rs, char *err,
    size_t errlen)
{
	int cf = m->cf;

	/* LwM2M 1.0 servers may leave the format out of a one-resource
	 * write: it is then plain text */
	if (cf == LWM2M_CF_NONE && m->path.len >= 3)
		cf = LWM2M_CF_TEXT;
	if (!lwm2m_cf_known(cf) || lwm2m_cf_family(cf) == LWM2M_CF_LINK) {
		snprintf(err, errlen, "content format %d: UNSUPPORTED", cf);
		return 415;
	}
	return lwm2m_decode(cf, &m->path, m->payload, m->len, rs, err,
	    errlen) == 0 ? 0 : 400;
}

static void
write_(struct lwm2m_dm *dm, const struct lwm2m_msg *m, bool replace,
    struct lwm2m_answer *a)
{
	struct lwm2m_records rs;
	char err[LWM2M_ERR_MAX * 8];
	int rc;

	lwm2m_records_init(&rs);
	if ((rc = decode(m, &rs, err, sizeof(err))) == 0)
		rc = lwm2m_objects_write(dm->objs, &m->path, &rs, replace,
		    dm->bootstrap, err, sizeof(err));
	lwm2m_records_clear(&rs);
	if (rc != 204) {
		text(a, rc, err);
		return;
	}
	a->code = 204;
	dm->changed(dm->arg, dm->bootstrap);
}

static void
create(struct lwm2m_dm *dm, const struct lwm2m_msg *m, struct lwm2m_answer *a)
{
	struct lwm2m_records rs;
	char err[LWM2M_ERR_MAX * 8];
	uint16_t inst = 0;
	int rc = 0;

	lwm2m_records_init(&rs);
	if (m->len > 0)
		rc = decode(m, &rs, err, sizeof(err));
	if (rc == 0)
		rc = lwm2m_objects_create(dm->objs, &m->path, &rs,
		    dm->bootstrap, &inst, err, sizeof(err));
	lwm2m_records_clear(&rs);
	if (rc != 201) {
		text(a, rc, err);
		return;
	}
	a->code = 201;
	snprintf(a->location, sizeof(a->location), "%u/%u",
	    (unsigned)m->path.id[0], (unsigned)inst);
	dm->changed(dm->arg, true);
}

static void
execute(struct lwm2m_dm *dm, const struct lwm2m_msg *m, struct lwm2m_answer *a)
{
	char err[LWM2M_ERR_MAX];
	int rc;

	if (m->len > EXECUTE_ARGS_MAX) {
		text(a, 400, "execute arguments too long");
		return;
	}
	rc = lwm2m_objects_execute(dm->objs, &m->path, m->payload, m->len,
	    err, sizeof(err));
	if (rc != 204) {
		text(a, rc, rc == 503 ? "busy: an action is in progress" :
		    rc == 500 ? "the action could not be queued" : err);
		return;
	}
	a->code = 204;
}

static void
remove_(struct lwm2m_dm *dm, const struct lwm2m_msg *m,
    struct lwm2m_answer *a)
{
	char err[LWM2M_ERR_MAX];
	int rc;

	rc = lwm2m_objects_delete(dm->objs, &m->path, dm->bootstrap, err,
	    sizeof(err));
	if (rc != 202) {
		text(a, rc, rc == 400 ? "this instance cannot be deleted" :
		    err);
		return;
	}
	a->code = 202;
	dm->changed(dm->arg, true);
}

void
lwm2m_dm_serve(struct lwm2m_dm *dm, const struct lwm2m_msg *m,
    struct lwm2m_answer *a)
{
	char err[LWM2M_ERR_MAX];
	int rc;

	if (m->bs) {
		if (!dm->bootstrap || m->method != LWM2M_POST) {
			text(a, 405, "only the bootstrap server finishes a "
			    "bootstrap");
			return;
		}
		rc = dm->finish(dm->arg, err, sizeof(err));
		if (rc != 204)
			text(a, rc, err);
		else
			a->code = 204;
		return;
	}
	if (!dm->bootstrap && m->path.len > 0 &&
	    m->path.id[0] == LWM2M_OBJ_SECURITY) {
		text(a, 401, "the Security object is not a server's to see");
		return;
	}
	if (m->method == LWM2M_FETCH && m->path.len == 0 && !dm->bootstrap) {
		read_composite(dm, m, a);
		return;
	}
	if (m->path.len == 0 && !(dm->bootstrap && (m->method == LWM2M_GET ||
	    m->method == LWM2M_DELETE))) {
		text(a, 405, "not on /");
		return;
	}
	switch (m->method) {
	case LWM2M_GET:
		if (lwm2m_cf_family(m->accept) == LWM2M_CF_LINK)
			discover(dm, m, a);
		else if (dm->bootstrap && m->path.id[0] != LWM2M_OBJ_SERVER)
			text(a, 405, "a bootstrap server reads only Server");
		else
			read_(dm, m, a);
		return;
	case LWM2M_PUT:
		if (m->len == 0 && m->nquery > 0 && !dm->bootstrap) {
			rc = lwm2m_observe_attrs(dm->obs, &m->path, m->query,
			    m->nquery, err, sizeof(err));
			if (rc != 204)
				text(a, rc, err);
			else
				a->code = 204;
			return;
		}
		write_(dm, m, true, a);
		return;
	case LWM2M_POST:
		if (m->path.len == 1)
			create(dm, m, a);
		else if (m->path.len == 2)
			write_(dm, m, false, a);
		else if (m->path.len == 3 && !dm->bootstrap)
			execute(dm, m, a);
		else
			text(a, 405, "POST on this path");
		return;
	case LWM2M_DELETE:
		remove_(dm, m, a);
		return;
	default:
		text(a, 405, "FETCH off /, PATCH and iPATCH (Observe- and "
		    "Write-Composite): UNSUPPORTED");
		return;
	}
}
