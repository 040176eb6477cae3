/*
 * lwm2m_obj_mode.c - warden Management Mode (object 32003): the mode the
 * device was provisioned in (read-only: changing it is a new
 * provisioning), the kiosk app of the server's policy (the AMAPI
 * application with installType KIOSK, its packageName and warden's
 * command) and kioskCustomization, writable, and whether kiosk mode is
 * active. Writes become a new policy version (lwm2m_policy.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

#define RW (LWM2M_OP_R | LWM2M_OP_W)

static const struct lwm2m_res_def res[] = {
	{ 0, "Management Mode", LWM2M_T_STRING, LWM2M_OP_R, false, true, 0,
	    0 },
	{ 1, "Kiosk App", LWM2M_T_STRING, RW, false, false, 0, 128 },
	{ 2, "Kiosk Command", LWM2M_T_STRING, RW, false, false, 0, 512 },
	{ 3, "Kiosk Active", LWM2M_T_BOOLEAN, LWM2M_OP_R, false, false, 0, 0 },
	{ 4, "Power Button Actions", LWM2M_T_STRING, RW, false, false, 0, 40 },
	{ 5, "System Navigation", LWM2M_T_STRING, RW, false, false, 0, 40 },
	{ 6, "Status Bar", LWM2M_T_STRING, RW, false, false, 0, 40 },
};

const struct lwm2m_obj_def lwm2m_mode_def = {
	LWM2M_OBJ_MODE, "warden Management Mode", "1.0", false, false, res,
	sizeof(res) / sizeof(res[0]),
};

static const char *const custom[] = { "powerButtonActions",
	"systemNavigation", "statusBar" };

static size_t
instances(struct lwm2m_object *o, uint16_t *ids, size_t max)
{
	(void)o;
	if (max == 0)
		return 0;
	ids[0] = 0;
	return 1;
}

/* The kiosk application of an applications[] array, or NULL. */
static cJSON *
kiosk_app(const cJSON *doc)
{
	const cJSON *apps = cJSON_GetObjectItemCaseSensitive(doc,
	    "applications"), *roles, *r;
	cJSON *a;

	cJSON_ArrayForEach(a, apps) {
		if (strcmp(lwm2m_pol_str(a, "installType", ""), "KIOSK") == 0)
			return a;
		roles = cJSON_GetObjectItemCaseSensitive(a, "roles");
		cJSON_ArrayForEach(r, roles)
			if (strcmp(lwm2m_pol_str(r, "roleType", ""), "KIOSK") ==
			    0)
				return a;
	}
	return NULL;
}

static int
do_read(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    struct lwm2m_emit *e)
{
	const struct lwm2m_host *h = o->all->host;
	const cJSON *doc = lwm2m_policy_doc(o->all), *app = kiosk_app(doc);
	const struct hal_fact *f;

	if (inst != 0)
		return 404;
	switch (r) {
	case 0:
		lwm2m_emit_str(e, LWM2M_ID_NONE, h->mode(h->arg));
		return 0;
	case 1:
		lwm2m_emit_str(e, LWM2M_ID_NONE, lwm2m_pol_str(app,
		    "packageName", ""));
		return 0;
	case 2:
		lwm2m_emit_str(e, LWM2M_ID_NONE, lwm2m_pol_str(app, "command",
		    ""));
		return 0;
	case 3:
		f = h->fact(h->arg, "kiosk.active");
		if (f == NULL || f->type != HAL_FACT_BOOL)
			return 404;
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_bool(f->b));
		return 0;
	case 4:
	case 5:
	case 6:
		lwm2m_emit_str(e, LWM2M_ID_NONE, lwm2m_pol_str(
		    cJSON_GetObjectItemCaseSensitive(doc,
		    "kioskCustomization"), custom[r - 4], ""));
		return 0;
	default:
		return 404;
	}
}

/* Sets (len > 0) or removes the kiosk app's packageName. */
static int
set_app(cJSON *doc, const struct lwm2m_value *v)
{
	cJSON *apps = cJSON_GetObjectItemCaseSensitive(doc, "applications");
	cJSON *app = kiosk_app(doc);

	if (v->len == 0) {
		if (app != NULL)
			cJSON_Delete(cJSON_DetachItemViaPointer(apps, app));
		if (cJSON_GetArraySize(apps) == 0)
			cJSON_DeleteItemFromObjectCaseSensitive(doc,
			    "applications");
		return 0;
	}
	if (app == NULL) {
		if (!cJSON_IsArray(apps)) {
			cJSON_DeleteItemFromObjectCaseSensitive(doc,
			    "applications");
			if ((apps = cJSON_AddArrayToObject(doc,
			    "applications")) == NULL)
				return -1;
		}
		if ((app = cJSON_CreateObject()) == NULL)
			return -1;
		cJSON_AddItemToArray(apps, app);
		if (cJSON_AddStringToObject(app, "installType", "KIOSK") ==
		    NULL)
			return -1;
	}
	return lwm2m_pol_set_str(app, "packageName", (const char *)v->bytes,
	    v->len);
}

static int
do_write(struct lwm2m_object *o, uint16_t inst, const struct lwm2m_records *rs,
    bool replace, bool bootstrap, char *err, size_t errlen)
{
	const struct lwm2m_value none = { .type = LWM2M_T_STRING };
	cJSON *doc, *app, *kc;
	size_t i;
	int rc = 0;

	(void)bootstrap;
	if (inst != 0)
		return 404;
	if ((doc = lwm2m_policy_edit(o->all)) == NULL)
		return 500;
	if (replace) {
		rc = set_app(doc, &none);
		cJSON_DeleteItemFromObjectCaseSensitive(doc,
		    "kioskCustomization");
	}
	for (i = 0; i < rs->n && rc == 0; i++) {
		const struct lwm2m_value *v = &rs->r[i].v;
		uint16_t r = rs->r[i].path.id[2];

		switch (r) {
		case 1:
			rc = set_app(doc, v);
			break;
		case 2:
			if ((app = kiosk_app(doc)) == NULL) {
				cJSON_Delete(doc);
				snprintf(err, errlen, "/32003/0/2: no kiosk "
				    "app to give a command (write /32003/0/1)");
				return 400;
			}
			rc = lwm2m_pol_set_str(app, "command",
			    (const char *)v->bytes, v->len);
			break;
		default:
			if ((kc = lwm2m_pol_object(doc,
			    "kioskCustomization")) == NULL) {
				rc = -1;
				break;
			}
			rc = lwm2m_pol_set_str(kc, custom[r - 4],
			    (const char *)v->bytes, v->len);
			if (rc == 0 && kc->child == NULL)
				cJSON_DeleteItemFromObjectCaseSensitive(doc,
				    "kioskCustomization");
			break;
		}
	}
	if (rc != 0) {
		cJSON_Delete(doc);
		return 500;
	}
	return lwm2m_policy_commit(o->all, doc, err, errlen);
}

static const struct lwm2m_object_ops ops = {
	.instances = instances,
	.read = do_read,
	.write = do_write,
};

int
lwm2m_mode_init(struct lwm2m_object *o)
{
	o->def = &lwm2m_mode_def;
	o->ops = &ops;
	return 0;
}
