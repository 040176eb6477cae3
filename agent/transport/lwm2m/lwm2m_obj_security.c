/*
 * lwm2m_obj_security.c - LwM2M Security (object 0): how to reach and
 * authenticate each server and the bootstrap server. Written only by the
 * bootstrap server (or from provisioning), never shown to a management
 * server; persisted by the host (lwm2m_security_dump/load). Keys are
 * zeroised when an instance goes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"
#include "crypto/crypto.h"

#define SERVERS_MAX 4
#define KEY_MAX 4096

static const struct lwm2m_res_def res[] = {
	{ 0, "LWM2M Server URI", LWM2M_T_STRING, 0, false, true, 0,
	    LWM2M_URI_MAX },
	{ 1, "Bootstrap-Server", LWM2M_T_BOOLEAN, 0, false, true, 0, 0 },
	{ 2, "Security Mode", LWM2M_T_INTEGER, 0, false, true, 0, 4 },
	{ 3, "Public Key or Identity", LWM2M_T_OPAQUE, 0, false, true, 0,
	    KEY_MAX },
	{ 4, "Server Public Key", LWM2M_T_OPAQUE, 0, false, true, 0, KEY_MAX },
	{ 5, "Secret Key", LWM2M_T_OPAQUE, 0, false, true, 0, KEY_MAX },
	{ 10, "Short Server ID", LWM2M_T_INTEGER, 0, false, false, 1, 65534 },
	{ 11, "Client Hold Off Time", LWM2M_T_INTEGER, 0, false, false, 0,
	    86400 },
	{ 12, "Bootstrap-Server Account Timeout", LWM2M_T_INTEGER, 0, false,
	    false, 0, 31536000 },
};

const struct lwm2m_obj_def lwm2m_security_def = {
	LWM2M_OBJ_SECURITY, "LWM2M Security", "1.1", true, true, res,
	sizeof(res) / sizeof(res[0]),
};

struct security {
	struct lwm2m_security inst[SERVERS_MAX];
	size_t n;
};

static struct security *
sec(struct lwm2m_object *o)
{
	return o->ctx;
}

static struct lwm2m_security *
find(struct security *s, uint16_t id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->inst[i].id == id)
			return &s->inst[i];
	return NULL;
}

static size_t
instances(struct lwm2m_object *o, uint16_t *ids, size_t max)
{
	struct security *s = sec(o);
	size_t i;

	for (i = 0; i < s->n && i < max; i++)
		ids[i] = s->inst[i].id;
	return i;
}

/* Never shown to a management server (the generic layer refuses the
 * reads: no resource is readable); Discover lists the resources. */
static int
do_read(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    struct lwm2m_emit *e)
{
	(void)o;
	(void)inst;
	(void)r;
	(void)e;
	return 404;
}

static void
defaults(struct lwm2m_security *x, uint16_t id)
{
	crypto_zero(x, sizeof(*x));
	x->id = id;
	x->mode = LWM2M_SEC_NOSEC;
}

static int
apply(struct lwm2m_security *x, const struct lwm2m_records *rs, char *err,
    size_t errlen)
{
	char host[LWM2M_HOST_MAX + 1];
	uint16_t port;
	bool secure;
	size_t i;

	for (i = 0; i < rs->n; i++) {
		const struct lwm2m_value *v = &rs->r[i].v;

		switch (rs->r[i].path.id[2]) {
		case 0:
			memcpy(x->uri, v->bytes, v->len);
			x->uri[v->len] = '\0';
			if (lwm2m_uri_parse(x->uri, &secure, host, sizeof(host),
			    &port, err, errlen) != 0)
				return 400;
			break;
		case 1:
			x->bootstrap = v->b;
			break;
		case 2:
			x->mode = (enum lwm2m_sec_mode)v->i;
			break;
		case 3:
			memcpy(x->identity, v->bytes, v->len);
			x->identity_len = v->len;
			break;
		case 4:
			memcpy(x->server_key, v->bytes, v->len);
			x->server_key_len = v->len;
			break;
		case 5:
			memcpy(x->secret, v->bytes, v->len);
			x->secret_len = v->len;
			break;
		case 10:
			x->ssid = (uint16_t)v->i;
			break;
		case 11:
			x->hold_off = v->i;
			break;
		case 12:
			x->bs_timeout = v->i;
			break;
		}
	}
	return 0;
}

static int
do_write(struct lwm2m_object *o, uint16_t inst,
    const struct lwm2m_records *rs, bool replace, bool bootstrap, char *err,
    size_t errlen)
{
	struct lwm2m_security *x = find(sec(o), inst), tmp;
	int rc;

	if (!bootstrap || x == NULL) {
		snprintf(err, errlen, "the Security object is the bootstrap "
		    "server's");
		return 401;
	}
	tmp = *x;
	if (replace)
		defaults(&tmp, inst);
	if ((rc = apply(&tmp, rs, err, errlen)) != 0) {
		crypto_zero(&tmp, sizeof(tmp));
		return rc;
	}
	*x = tmp;
	crypto_zero(&tmp, sizeof(tmp));
	return 204;
}

static int
create(struct lwm2m_object *o, uint16_t inst, const struct lwm2m_records *rs,
    bool bootstrap, char *err, size_t errlen)
{
	struct security *s = sec(o);
	struct lwm2m_security *x;
	size_t i;
	int rc;

	if (!bootstrap) {
		snprintf(err, errlen, "the Security object is the bootstrap "
		    "server's");
		return 401;
	}
	if (s->n == SERVERS_MAX) {
		snprintf(err, errlen, "at most %d servers", SERVERS_MAX);
		return 400;
	}
	/* keep the instances in id order */
	for (i = s->n; i > 0 && s->inst[i - 1].id > inst; i--)
		s->inst[i] = s->inst[i - 1];
	x = &s->inst[i];
	s->n++;
	defaults(x, inst);
	if ((rc = apply(x, rs, err, errlen)) != 0) {
		crypto_zero(x, sizeof(*x));
		memmove(x, x + 1, (size_t)(&s->inst[s->n] - (x + 1)) *
		    sizeof(*x));
		s->n--;
		crypto_zero(&s->inst[s->n], sizeof(s->inst[0]));
		return rc;
	}
	return 201;
}

static void
drop(struct security *s, struct lwm2m_security *x)
{
	crypto_zero(x, sizeof(*x));
	memmove(x, x + 1, (size_t)(&s->inst[s->n] - (x + 1)) * sizeof(*x));
	s->n--;
	crypto_zero(&s->inst[s->n], sizeof(s->inst[0]));
}

static int
remove_(struct lwm2m_object *o, uint16_t inst, bool bootstrap)
{
	struct security *s = sec(o);
	struct lwm2m_security *x = find(s, inst);

	/* the bootstrap server keeps its own account */
	if (!bootstrap || x == NULL || x->bootstrap)
		return 400;
	drop(s, x);
	return 202;
}

static void
free_(struct lwm2m_object *o)
{
	if (o->ctx != NULL)
		crypto_zero(o->ctx, sizeof(struct security));
	free(o->ctx);
	o->ctx = NULL;
}

static const struct lwm2m_object_ops ops = {
	.instances = instances,
	.read = do_read,
	.write = do_write,
	.create = create,
	.remove = remove_,
	.free = free_,
};

int
lwm2m_security_init(struct lwm2m_object *o)
{
	o->def = &lwm2m_security_def;
	o->ops = &ops;
	return (o->ctx = calloc(1, sizeof(struct security))) != NULL ? 0 : -1;
}

const struct lwm2m_security *
lwm2m_security_find(struct lwm2m_objects *objs, bool bs, uint16_t ssid)
{
	struct security *s = sec(lwm2m_objects_find(objs, LWM2M_OBJ_SECURITY));
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->inst[i].bootstrap == bs && (bs || s->inst[i].ssid ==
		    ssid))
			return &s->inst[i];
	return NULL;
}

int
lwm2m_security_set(struct lwm2m_objects *objs, const struct lwm2m_security *x)
{
	struct security *s = sec(lwm2m_objects_find(objs, LWM2M_OBJ_SECURITY));

	crypto_zero(s, sizeof(*s));
	s->inst[0] = *x;
	s->n = 1;
	return 0;
}

void
lwm2m_security_clear(struct lwm2m_objects *objs, bool keep_bs)
{
	struct security *s = sec(lwm2m_objects_find(objs, LWM2M_OBJ_SECURITY));
	size_t i = 0;

	while (i < s->n) {
		if (keep_bs && s->inst[i].bootstrap)
			i++;
		else
			drop(s, &s->inst[i]);
	}
}

/* ------------------------------------------------------------------ */
/* Persistence                                                         */
/* ------------------------------------------------------------------ */

static char *
hex(const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(2 * n + 1);
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		s[2 * i] = digits[b[i] >> 4];
		s[2 * i + 1] = digits[b[i] & 15];
	}
	s[2 * n] = '\0';
	return s;
}

static int
unhex(const cJSON *v, uint8_t *out, size_t cap, size_t *n)
{
	const char *s;
	size_t len, i;
	int hi, lo;

	*n = 0;
	if (v == NULL)
		return 0;
	if (!cJSON_IsString(v) || (len = strlen(s = v->valuestring)) % 2 ||
	    len / 2 > cap)
		return -1;
	for (i = 0; i < len; i += 2) {
		hi = s[i] >= 'a' ? s[i] - 'a' + 10 : s[i] - '0';
		lo = s[i + 1] >= 'a' ? s[i + 1] - 'a' + 10 : s[i + 1] - '0';
		if (hi < 0 || hi > 15 || lo < 0 || lo > 15)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*n = len / 2;
	return 0;
}

static int
add_hex(cJSON *o, const char *key, const uint8_t *b, size_t n)
{
	char *h = hex(b, n);
	cJSON *item;

	if (h == NULL)
		return -1;
	item = cJSON_AddStringToObject(o, key, h);
	crypto_zero(h, 2 * n);
	free(h);
	return item != NULL ? 0 : -1;
}

int
lwm2m_security_dump(struct lwm2m_objects *objs, char **out)
{
	struct security *s = sec(lwm2m_objects_find(objs, LWM2M_OBJ_SECURITY));
	cJSON *arr = cJSON_CreateArray(), *o;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (arr == NULL)
		return -1;
	for (i = 0; i < s->n; i++) {
		const struct lwm2m_security *x = &s->inst[i];

		if ((o = cJSON_CreateObject()) == NULL)
			goto out;
		cJSON_AddItemToArray(arr, o);
		if (cJSON_AddNumberToObject(o, "id", x->id) == NULL ||
		    cJSON_AddStringToObject(o, "uri", x->uri) == NULL ||
		    cJSON_AddBoolToObject(o, "bootstrap", x->bootstrap) ==
		    NULL || cJSON_AddNumberToObject(o, "mode", x->mode) ==
		    NULL || add_hex(o, "identity", x->identity,
		    x->identity_len) != 0 || add_hex(o, "serverKey",
		    x->server_key, x->server_key_len) != 0 ||
		    add_hex(o, "secret", x->secret, x->secret_len) != 0 ||
		    cJSON_AddNumberToObject(o, "ssid", x->ssid) == NULL ||
		    cJSON_AddNumberToObject(o, "holdOff",
		    (double)x->hold_off) == NULL ||
		    cJSON_AddNumberToObject(o, "bsTimeout",
		    (double)x->bs_timeout) == NULL)
			goto out;
	}
	if ((*out = cJSON_PrintUnformatted(arr)) != NULL)
		rc = 0;
out:
	/* the tree holds the secrets in hex: wipe its strings */
	for (o = arr->child; o != NULL; o = o->next) {
		cJSON *c;

		for (c = o->child; c != NULL; c = c->next)
			if (cJSON_IsString(c))
				crypto_zero(c->valuestring,
				    strlen(c->valuestring));
	}
	cJSON_Delete(arr);
	return rc;
}

static int64_t
num(const cJSON *o, const char *key, int64_t lo, int64_t hi, bool *bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble < (double)lo ||
	    v->valuedouble > (double)hi) {
		*bad = true;
		return lo;
	}
	return (int64_t)v->valuedouble;
}

int
lwm2m_security_load(struct lwm2m_objects *objs, const char *json, char *err,
    size_t errlen)
{
	struct security *s = sec(lwm2m_objects_find(objs, LWM2M_OBJ_SECURITY));
	struct security tmp;
	cJSON *arr = cJSON_Parse(json), *o;
	const char *uri;
	bool bad = false;

	memset(&tmp, 0, sizeof(tmp));
	if (!cJSON_IsArray(arr))
		bad = true;
	for (o = arr != NULL ? arr->child : NULL; o != NULL && !bad;
	    o = o->next) {
		struct lwm2m_security *x = &tmp.inst[tmp.n];

		if (tmp.n == SERVERS_MAX) {
			bad = true;
			break;
		}
		x->id = (uint16_t)num(o, "id", 0, LWM2M_ID_MAX, &bad);
		uri = lwm2m_pol_str(o, "uri", NULL);
		if (uri == NULL || strlen(uri) > LWM2M_URI_MAX)
			bad = true;
		else
			snprintf(x->uri, sizeof(x->uri), "%s", uri);
		x->bootstrap = lwm2m_pol_bool(o, "bootstrap");
		x->mode = (enum lwm2m_sec_mode)num(o, "mode", 0, 4, &bad);
		if (unhex(cJSON_GetObjectItemCaseSensitive(o, "identity"),
		    x->identity, KEY_MAX, &x->identity_len) != 0 ||
		    unhex(cJSON_GetObjectItemCaseSensitive(o, "serverKey"),
		    x->server_key, KEY_MAX, &x->server_key_len) != 0 ||
		    unhex(cJSON_GetObjectItemCaseSensitive(o, "secret"),
		    x->secret, KEY_MAX, &x->secret_len) != 0)
			bad = true;
		x->ssid = (uint16_t)num(o, "ssid", 0, 65534, &bad);
		x->hold_off = num(o, "holdOff", 0, 86400, &bad);
		x->bs_timeout = num(o, "bsTimeout", 0, 31536000, &bad);
		tmp.n++;
	}
	if (arr != NULL) {
		for (o = arr->child; o != NULL; o = o->next) {
			cJSON *c;

			for (c = o->child; c != NULL; c = c->next)
				if (cJSON_IsString(c))
					crypto_zero(c->valuestring,
					    strlen(c->valuestring));
		}
		cJSON_Delete(arr);
	}
	if (bad) {
		crypto_zero(&tmp, sizeof(tmp));
		snprintf(err, errlen, "the stored Security object is "
		    "unreadable");
		return -1;
	}
	*s = tmp;
	crypto_zero(&tmp, sizeof(tmp));
	return 0;
}
