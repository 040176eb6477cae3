/*
 * lwm2m_obj_server.c - LwM2M Server (object 1): the registration's
 * lifetime, binding and the default notification periods of each
 * management server, and the executable resources that ask the client to
 * update its registration, to go offline for a while (Disable) or to
 * bootstrap again. Changes are persisted by the host and reach the
 * client as events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

#define SERVERS_MAX 4
#define DISABLE_DEFAULT 86400

static const struct lwm2m_res_def res[] = {
	{ 0, "Short Server ID", LWM2M_T_INTEGER, LWM2M_OP_R, false, true, 1,
	    65534 },
	{ 1, "Lifetime", LWM2M_T_INTEGER, LWM2M_OP_R | LWM2M_OP_W, false, true,
	    LWM2M_LIFETIME_MIN, 31536000 },
	{ 2, "Default Minimum Period", LWM2M_T_INTEGER, LWM2M_OP_R |
	    LWM2M_OP_W, false, false, 0, 31536000 },
	{ 3, "Default Maximum Period", LWM2M_T_INTEGER, LWM2M_OP_R |
	    LWM2M_OP_W, false, false, 0, 31536000 },
	{ 4, "Disable", LWM2M_T_NONE, LWM2M_OP_E, false, false, 0, 0 },
	{ 5, "Disable Timeout", LWM2M_T_INTEGER, LWM2M_OP_R | LWM2M_OP_W,
	    false, false, 0, 31536000 },
	{ 6, "Notification Storing When Disabled or Offline",
	    LWM2M_T_BOOLEAN, LWM2M_OP_R | LWM2M_OP_W, false, true, 0, 0 },
	{ 7, "Binding", LWM2M_T_STRING, LWM2M_OP_R | LWM2M_OP_W, false, true,
	    0, 3 },
	{ 8, "Registration Update Trigger", LWM2M_T_NONE, LWM2M_OP_E, false,
	    true, 0, 0 },
	{ 9, "Bootstrap-Request Trigger", LWM2M_T_NONE, LWM2M_OP_E, false,
	    false, 0, 0 },
	{ 23, "Mute Send", LWM2M_T_BOOLEAN, LWM2M_OP_R | LWM2M_OP_W, false,
	    false, 0, 0 },
};

const struct lwm2m_obj_def lwm2m_server_def = {
	LWM2M_OBJ_SERVER, "LwM2M Server", "1.1", true, true, res,
	sizeof(res) / sizeof(res[0]),
};

struct servers {
	struct lwm2m_server inst[SERVERS_MAX];
	size_t n;
};

static struct servers *
srv(struct lwm2m_object *o)
{
	return o->ctx;
}

static struct lwm2m_server *
find(struct servers *s, uint16_t id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->inst[i].id == id)
			return &s->inst[i];
	return NULL;
}

static void
defaults(struct lwm2m_server *x, uint16_t id)
{
	memset(x, 0, sizeof(*x));
	x->id = id;
	x->ssid = 1;
	x->lifetime = LWM2M_LIFETIME_DEFAULT;
	x->disable_timeout = DISABLE_DEFAULT;
	x->storing = true;
	snprintf(x->binding, sizeof(x->binding), "U");
}

static size_t
instances(struct lwm2m_object *o, uint16_t *ids, size_t max)
{
	struct servers *s = srv(o);
	size_t i;

	for (i = 0; i < s->n && i < max; i++)
		ids[i] = s->inst[i].id;
	return i;
}

static int
do_read(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    struct lwm2m_emit *e)
{
	struct lwm2m_server *x = find(srv(o), inst);

	if (x == NULL)
		return 404;
	switch (r) {
	case 0:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(x->ssid));
		return 0;
	case 1:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(x->lifetime));
		return 0;
	case 2:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(x->pmin));
		return 0;
	case 3:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(x->pmax));
		return 0;
	case 5:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(x->disable_timeout));
		return 0;
	case 6:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_bool(x->storing));
		return 0;
	case 7:
		lwm2m_emit_str(e, LWM2M_ID_NONE, x->binding);
		return 0;
	case 23:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_bool(x->mute_send));
		return 0;
	default:
		return 404;
	}
}

static int
apply(struct lwm2m_server *x, const struct lwm2m_records *rs, char *err,
    size_t errlen)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		const struct lwm2m_value *v = &rs->r[i].v;

		switch (rs->r[i].path.id[2]) {
		case 0:
			x->ssid = (uint16_t)v->i;
			break;
		case 1:
			x->lifetime = v->i;
			break;
		case 2:
			x->pmin = v->i;
			break;
		case 3:
			x->pmax = v->i;
			break;
		case 5:
			x->disable_timeout = v->i;
			break;
		case 6:
			x->storing = v->b;
			break;
		case 7:
			/* UDP, and UDP with queue mode (the 1.0 spelling) */
			if (!(v->len == 1 && v->bytes[0] == 'U') &&
			    !(v->len == 2 && memcmp(v->bytes, "UQ", 2) == 0)) {
				snprintf(err, errlen, "binding \"%.*s\": "
				    "UNSUPPORTED (U or UQ)", (int)(v->len > 8 ?
				    8 : v->len), (const char *)v->bytes);
				return 400;
			}
			memcpy(x->binding, v->bytes, v->len);
			x->binding[v->len] = '\0';
			break;
		case 23:
			x->mute_send = v->b;
			break;
		}
	}
	if (x->pmax != 0 && x->pmax < x->pmin) {
		snprintf(err, errlen, "default maximum period below the "
		    "minimum");
		return 400;
	}
	return 0;
}

static int
do_write(struct lwm2m_object *o, uint16_t inst, const struct lwm2m_records *rs,
    bool replace, bool bootstrap, char *err, size_t errlen)
{
	struct lwm2m_server *x = find(srv(o), inst), tmp;
	bool reregister;
	int rc;

	if (x == NULL)
		return 404;
	tmp = *x;
	if (replace) {
		defaults(&tmp, inst);
		tmp.ssid = x->ssid;
	}
	if ((rc = apply(&tmp, rs, err, errlen)) != 0)
		return rc;
	if (!bootstrap && tmp.ssid != x->ssid) {
		snprintf(err, errlen, "the short server id is read-only");
		return 405;
	}
	reregister = tmp.lifetime != x->lifetime ||
	    strcmp(tmp.binding, x->binding) != 0;
	*x = tmp;
	o->all->host->save(o->all->host->arg);
	if (reregister && !bootstrap)
		lwm2m_objects_event(o->all, LWM2M_EV_REGISTER, x->ssid, 0);
	return 204;
}

static int
execute(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    const uint8_t *args, size_t len)
{
	struct lwm2m_server *x = find(srv(o), inst);

	(void)args;
	(void)len;
	if (x == NULL)
		return 404;
	switch (r) {
	case 4:
		lwm2m_objects_event(o->all, LWM2M_EV_DISABLE, x->ssid,
		    x->disable_timeout);
		return 204;
	case 8:
		lwm2m_objects_event(o->all, LWM2M_EV_UPDATE, x->ssid, 0);
		return 204;
	case 9:
		lwm2m_objects_event(o->all, LWM2M_EV_BOOTSTRAP, x->ssid, 0);
		return 204;
	default:
		return 405;
	}
}

static int
create(struct lwm2m_object *o, uint16_t inst, const struct lwm2m_records *rs,
    bool bootstrap, char *err, size_t errlen)
{
	struct servers *s = srv(o);
	struct lwm2m_server tmp;
	size_t i;
	int rc;

	if (!bootstrap) {
		snprintf(err, errlen, "servers come from the bootstrap server");
		return 401;
	}
	if (s->n == SERVERS_MAX) {
		snprintf(err, errlen, "at most %d servers", SERVERS_MAX);
		return 400;
	}
	defaults(&tmp, inst);
	if ((rc = apply(&tmp, rs, err, errlen)) != 0)
		return rc;
	for (i = s->n; i > 0 && s->inst[i - 1].id > inst; i--)
		s->inst[i] = s->inst[i - 1];
	s->inst[i] = tmp;
	s->n++;
	return 201;
}

static int
remove_(struct lwm2m_object *o, uint16_t inst, bool bootstrap)
{
	struct servers *s = srv(o);
	struct lwm2m_server *x = find(s, inst);

	if (!bootstrap || x == NULL)
		return bootstrap ? 404 : 401;
	memmove(x, x + 1, (size_t)(&s->inst[s->n] - (x + 1)) * sizeof(*x));
	s->n--;
	return 202;
}

static void
free_(struct lwm2m_object *o)
{
	free(o->ctx);
	o->ctx = NULL;
}

static const struct lwm2m_object_ops ops = {
	.instances = instances,
	.read = do_read,
	.write = do_write,
	.execute = execute,
	.create = create,
	.remove = remove_,
	.free = free_,
};

int
lwm2m_server_init(struct lwm2m_object *o)
{
	o->def = &lwm2m_server_def;
	o->ops = &ops;
	return (o->ctx = calloc(1, sizeof(struct servers))) != NULL ? 0 : -1;
}

const struct lwm2m_server *
lwm2m_server_find(struct lwm2m_objects *objs, uint16_t ssid)
{
	struct servers *s = srv(lwm2m_objects_find(objs, LWM2M_OBJ_SERVER));
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->inst[i].ssid == ssid)
			return &s->inst[i];
	return NULL;
}

const struct lwm2m_server *
lwm2m_server_first(struct lwm2m_objects *objs)
{
	struct servers *s = srv(lwm2m_objects_find(objs, LWM2M_OBJ_SERVER));

	return s->n > 0 ? &s->inst[0] : NULL;
}

int
lwm2m_server_set(struct lwm2m_objects *objs, const struct lwm2m_server *x)
{
	struct servers *s = srv(lwm2m_objects_find(objs, LWM2M_OBJ_SERVER));

	memset(s, 0, sizeof(*s));
	s->inst[0] = *x;
	s->n = 1;
	return 0;
}

void
lwm2m_server_clear(struct lwm2m_objects *objs)
{
	memset(srv(lwm2m_objects_find(objs, LWM2M_OBJ_SERVER)), 0,
	    sizeof(struct servers));
}

int
lwm2m_server_dump(struct lwm2m_objects *objs, char **out)
{
	struct servers *s = srv(lwm2m_objects_find(objs, LWM2M_OBJ_SERVER));
	cJSON *arr = cJSON_CreateArray(), *o;
	size_t i;

	*out = NULL;
	if (arr == NULL)
		return -1;
	for (i = 0; i < s->n; i++) {
		const struct lwm2m_server *x = &s->inst[i];

		if ((o = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddItemToArray(arr, o);
		cJSON_AddNumberToObject(o, "id", x->id);
		cJSON_AddNumberToObject(o, "ssid", x->ssid);
		cJSON_AddNumberToObject(o, "lifetime", (double)x->lifetime);
		cJSON_AddNumberToObject(o, "pmin", (double)x->pmin);
		cJSON_AddNumberToObject(o, "pmax", (double)x->pmax);
		cJSON_AddNumberToObject(o, "disableTimeout",
		    (double)x->disable_timeout);
		cJSON_AddBoolToObject(o, "storing", x->storing);
		cJSON_AddBoolToObject(o, "muteSend", x->mute_send);
		cJSON_AddStringToObject(o, "binding", x->binding);
	}
	*out = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return *out != NULL ? 0 : -1;
}

static bool
in_range(const cJSON *o, const char *key, double lo, double hi)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) && v->valuedouble >= lo &&
	    v->valuedouble <= hi;
}

int
lwm2m_server_load(struct lwm2m_objects *objs, const char *json, char *err,
    size_t errlen)
{
	struct servers *s = srv(lwm2m_objects_find(objs, LWM2M_OBJ_SERVER));
	struct servers tmp;
	cJSON *arr = cJSON_Parse(json), *o;
	const char *b;
	bool bad = !cJSON_IsArray(arr);

	memset(&tmp, 0, sizeof(tmp));
	for (o = arr != NULL ? arr->child : NULL; o != NULL && !bad;
	    o = o->next) {
		struct lwm2m_server *x = &tmp.inst[tmp.n];

		b = lwm2m_pol_str(o, "binding", "");
		if (tmp.n == SERVERS_MAX || !in_range(o, "id", 0,
		    LWM2M_ID_MAX) || !in_range(o, "ssid", 1, 65534) ||
		    !in_range(o, "lifetime", LWM2M_LIFETIME_MIN, 31536000) ||
		    !in_range(o, "pmin", 0, 31536000) ||
		    !in_range(o, "pmax", 0, 31536000) ||
		    !in_range(o, "disableTimeout", 0, 31536000) ||
		    (strcmp(b, "U") != 0 && strcmp(b, "UQ") != 0)) {
			bad = true;
			break;
		}
		x->id = (uint16_t)lwm2m_pol_int(o, "id");
		x->ssid = (uint16_t)lwm2m_pol_int(o, "ssid");
		x->lifetime = lwm2m_pol_int(o, "lifetime");
		x->pmin = lwm2m_pol_int(o, "pmin");
		x->pmax = lwm2m_pol_int(o, "pmax");
		x->disable_timeout = lwm2m_pol_int(o, "disableTimeout");
		x->storing = lwm2m_pol_bool(o, "storing");
		/* absent in what older versions stored: false */
		x->mute_send = lwm2m_pol_bool(o, "muteSend");
		snprintf(x->binding, sizeof(x->binding), "%s", b);
		tmp.n++;
	}
	cJSON_Delete(arr);
	if (bad) {
		snprintf(err, errlen, "the stored Server object is unreadable");
		return -1;
	}
	*s = tmp;
	return 0;
}
