/*
 * lwm2m_obj_restrict.c - warden Device Restrictions (object 32002): the
 * AMAPI cameraAccess, keyguardDisabledFeatures[], screenCaptureDisabled,
 * usbDataAccess and factoryResetDisabled of the server's policy,
 * writable, and what the last scan saw of camera, screen capture and
 * USB. Writes become a new policy version (lwm2m_policy.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

#define RW (LWM2M_OP_R | LWM2M_OP_W)
#define KEYGUARD_MAX 16

static const struct lwm2m_res_def res[] = {
	{ 0, "Camera Access", LWM2M_T_STRING, RW, false, false, 0, 40 },
	{ 1, "Keyguard Disabled Features", LWM2M_T_STRING, RW, true, false, 0,
	    48 },
	{ 2, "Screen Capture Disabled", LWM2M_T_BOOLEAN, RW, false, false, 0,
	    0 },
	{ 3, "USB Data Access", LWM2M_T_STRING, RW, false, false, 0, 40 },
	{ 4, "Factory Reset Disabled", LWM2M_T_BOOLEAN, RW, false, false, 0,
	    0 },
	{ 5, "Camera Blocked", LWM2M_T_BOOLEAN, LWM2M_OP_R, false, false, 0,
	    0 },
	{ 6, "Screen Capture Blocked", LWM2M_T_BOOLEAN, LWM2M_OP_R, false,
	    false, 0, 0 },
	{ 7, "USB Data Blocked", LWM2M_T_BOOLEAN, LWM2M_OP_R, false, false, 0,
	    0 },
};

const struct lwm2m_obj_def lwm2m_restrict_def = {
	LWM2M_OBJ_RESTRICT, "warden Device Restrictions", "1.0", false, false,
	res, sizeof(res) / sizeof(res[0]),
};

static size_t
instances(struct lwm2m_object *o, uint16_t *ids, size_t max)
{
	(void)o;
	if (max == 0)
		return 0;
	ids[0] = 0;
	return 1;
}

static int
do_read(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    struct lwm2m_emit *e)
{
	static const char *const facts[] = { "camera.blocked",
	    "screen_capture.blocked", "usb.data_blocked" };
	const struct lwm2m_host *h = o->all->host;
	const cJSON *doc = lwm2m_policy_doc(o->all), *a, *x;
	const struct hal_fact *f;
	uint16_t ri = 0;

	if (inst != 0)
		return 404;
	switch (r) {
	case 0:
		lwm2m_emit_str(e, LWM2M_ID_NONE, lwm2m_pol_str(doc,
		    "cameraAccess", "CAMERA_ACCESS_UNSPECIFIED"));
		return 0;
	case 1:
		a = cJSON_GetObjectItemCaseSensitive(doc,
		    "keyguardDisabledFeatures");
		cJSON_ArrayForEach(x, a)
			if (cJSON_IsString(x) && ri < KEYGUARD_MAX)
				lwm2m_emit_str(e, ri++, x->valuestring);
		return 0;
	case 2:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_bool(lwm2m_pol_bool(doc,
		    "screenCaptureDisabled")));
		return 0;
	case 3:
		lwm2m_emit_str(e, LWM2M_ID_NONE, lwm2m_pol_str(doc,
		    "usbDataAccess", "USB_DATA_ACCESS_UNSPECIFIED"));
		return 0;
	case 4:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_bool(lwm2m_pol_bool(doc,
		    "factoryResetDisabled")));
		return 0;
	case 5:
	case 6:
	case 7:
		f = h->fact(h->arg, facts[r - 5]);
		if (f == NULL || f->type != HAL_FACT_BOOL)
			return 404;
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_bool(f->b));
		return 0;
	default:
		return 404;
	}
}

/* keyguardDisabledFeatures with the instances of the write applied
 * (instance i is element i; a write without instances empties it). */
static int
keyguard(cJSON *doc, const struct lwm2m_records *rs, bool replace)
{
	const char *item[KEYGUARD_MAX + 1];
	char copy[KEYGUARD_MAX][49];
	cJSON *a = cJSON_GetObjectItemCaseSensitive(doc,
	    "keyguardDisabledFeatures"), *x, *na;
	size_t i, n = 0;

	memset(item, 0, sizeof(item));
	if (!replace)
		cJSON_ArrayForEach(x, a)
			if (cJSON_IsString(x) && n < KEYGUARD_MAX)
				item[n++] = x->valuestring;
	for (i = 0; i < rs->n; i++) {
		const struct lwm2m_record *r = &rs->r[i];

		if (r->path.id[2] != 1)
			continue;
		if (r->path.len == 3) {
			memset(item, 0, sizeof(item));
			continue;
		}
		if (r->path.id[3] >= KEYGUARD_MAX)
			return -1;
		snprintf(copy[r->path.id[3]], sizeof(copy[0]), "%.*s",
		    (int)r->v.len, (const char *)r->v.bytes);
		item[r->path.id[3]] = copy[r->path.id[3]];
	}
	if ((na = cJSON_CreateArray()) == NULL)
		return -1;
	for (i = 0; i < KEYGUARD_MAX; i++)
		if (item[i] != NULL)
			cJSON_AddItemToArray(na, cJSON_CreateString(item[i]));
	cJSON_DeleteItemFromObjectCaseSensitive(doc,
	    "keyguardDisabledFeatures");
	if (cJSON_GetArraySize(na) == 0) {
		cJSON_Delete(na);
		return 0;
	}
	cJSON_AddItemToObject(doc, "keyguardDisabledFeatures", na);
	return 0;
}

static int
do_write(struct lwm2m_object *o, uint16_t inst, const struct lwm2m_records *rs,
    bool replace, bool bootstrap, char *err, size_t errlen)
{
	static const char *const keys[] = { "cameraAccess",
	    "keyguardDisabledFeatures", "screenCaptureDisabled",
	    "usbDataAccess", "factoryResetDisabled" };
	bool touches_keyguard = replace;
	cJSON *doc;
	size_t i;
	int rc = 0;

	(void)bootstrap;
	if (inst != 0)
		return 404;
	if ((doc = lwm2m_policy_edit(o->all)) == NULL)
		return 500;
	if (replace)
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			cJSON_DeleteItemFromObjectCaseSensitive(doc, keys[i]);
	for (i = 0; i < rs->n && rc == 0; i++) {
		const struct lwm2m_value *v = &rs->r[i].v;
		uint16_t r = rs->r[i].path.id[2];

		if (r == 0 || r == 3)
			rc = lwm2m_pol_set_str(doc, keys[r],
			    (const char *)v->bytes, v->len);
		else if (r == 2 || r == 4)
			rc = lwm2m_pol_set_bool(doc, keys[r], v->b);
		else if (r == 1)
			touches_keyguard = true;
	}
	if (rc == 0 && touches_keyguard)
		rc = keyguard(doc, rs, replace);
	if (rc != 0) {
		cJSON_Delete(doc);
		snprintf(err, errlen, "keyguard features: at most %d",
		    KEYGUARD_MAX);
		return 400;
	}
	return lwm2m_policy_commit(o->all, doc, err, errlen);
}

static const struct lwm2m_object_ops ops = {
	.instances = instances,
	.read = do_read,
	.write = do_write,
};

int
lwm2m_restrict_init(struct lwm2m_object *o)
{
	o->def = &lwm2m_restrict_def;
	o->ops = &ops;
	return 0;
}
