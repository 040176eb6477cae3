/*
 * lwm2m_obj_passcode.c - warden Passcode Policy (object 32001): the
 * AMAPI passwordPolicies[0] and maximumTimeToLock of the server's policy,
 * writable, and the passcode's state from the last scan. A write becomes
 * a new policy version applied by the policy engine
 * (policy_engine_set(..., "server", ...)); a value the engine refuses is
 * answered 4.00 with its reason and changes nothing. docs/lwm2m/ maps
 * each resource to its policy field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

#define RW (LWM2M_OP_R | LWM2M_OP_W)

static const struct lwm2m_res_def res[] = {
	{ 0, "Password Quality", LWM2M_T_STRING, RW, false, true, 0, 32 },
	{ 1, "Minimum Length", LWM2M_T_INTEGER, RW, false, false, 0, 64 },
	{ 2, "Minimum Letters", LWM2M_T_INTEGER, RW, false, false, 0, 64 },
	{ 3, "Minimum Lower Case", LWM2M_T_INTEGER, RW, false, false, 0, 64 },
	{ 4, "Minimum Upper Case", LWM2M_T_INTEGER, RW, false, false, 0, 64 },
	{ 5, "Minimum Non-Letter", LWM2M_T_INTEGER, RW, false, false, 0, 64 },
	{ 6, "Minimum Numeric", LWM2M_T_INTEGER, RW, false, false, 0, 64 },
	{ 7, "Minimum Symbols", LWM2M_T_INTEGER, RW, false, false, 0, 64 },
	{ 8, "Maximum Failed Passwords For Wipe", LWM2M_T_INTEGER, RW, false,
	    false, 0, 100 },
	{ 9, "Password Expiration Timeout", LWM2M_T_INTEGER, RW, false, false,
	    0, 315360000 },
	{ 10, "Password History Length", LWM2M_T_INTEGER, RW, false, false, 0,
	    64 },
	{ 11, "Password Scope", LWM2M_T_STRING, RW, false, false, 0, 32 },
	{ 12, "Maximum Time To Lock", LWM2M_T_INTEGER, RW, false, false, 0,
	    31536000000LL },
	{ 13, "Passcode Set", LWM2M_T_BOOLEAN, LWM2M_OP_R, false, false, 0,
	    0 },
	{ 14, "Passcode Quality", LWM2M_T_STRING, LWM2M_OP_R, false, false, 0,
	    0 },
	{ 15, "Passcode Length", LWM2M_T_INTEGER, LWM2M_OP_R, false, false, 0,
	    0 },
	{ 16, "Failed Attempts", LWM2M_T_INTEGER, LWM2M_OP_R, false, false, 0,
	    0 },
};

const struct lwm2m_obj_def lwm2m_passcode_def = {
	LWM2M_OBJ_PASSCODE, "warden Passcode Policy", "1.0", false, false, res,
	sizeof(res) / sizeof(res[0]),
};

/* The AMAPI name of each policy resource (passwordPolicies[0].*). */
static const char *const field[] = {
	[0] = "passwordQuality",
	[1] = "passwordMinimumLength",
	[2] = "passwordMinimumLetters",
	[3] = "passwordMinimumLowerCase",
	[4] = "passwordMinimumUpperCase",
	[5] = "passwordMinimumNonLetter",
	[6] = "passwordMinimumNumeric",
	[7] = "passwordMinimumSymbols",
	[8] = "maximumFailedPasswordsForWipe",
	[9] = "passwordExpirationTimeout",
	[10] = "passwordHistoryLength",
	[11] = "passwordScope",
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

/* passwordPolicies[0] of doc, or NULL. */
static const cJSON *
entry(const cJSON *doc)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(doc,
	    "passwordPolicies");

	return cJSON_IsArray(a) && cJSON_IsObject(a->child) ? a->child : NULL;
}

static int
status(struct lwm2m_object *o, uint16_t r, struct lwm2m_emit *e)
{
	static const char *const facts[] = { "passcode.set",
	    "passcode.quality", "passcode.length",
	    "passcode.failed_attempts" };
	const struct lwm2m_host *h = o->all->host;
	const struct hal_fact *f = h->fact(h->arg, facts[r - 13]);

	if (f == NULL)
		return 404;
	if (r == 13 && f->type == HAL_FACT_BOOL)
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_bool(f->b));
	else if (r == 14 && f->type == HAL_FACT_STRING)
		lwm2m_emit_str(e, LWM2M_ID_NONE, f->s);
	else if (r >= 15 && f->type == HAL_FACT_INT64)
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(f->i));
	else
		return 404;
	return 0;
}

static int
do_read(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    struct lwm2m_emit *e)
{
	const cJSON *doc = lwm2m_policy_doc(o->all), *pp = entry(doc);

	if (inst != 0)
		return 404;
	if (r >= 13)
		return status(o, r, e);
	if (r == 12) {
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(lwm2m_pol_int(doc,
		    "maximumTimeToLock")));
		return 0;
	}
	if (r == 0)
		lwm2m_emit_str(e, LWM2M_ID_NONE, lwm2m_pol_str(pp, field[0],
		    "PASSWORD_QUALITY_UNSPECIFIED"));
	else if (r == 11)
		lwm2m_emit_str(e, LWM2M_ID_NONE, lwm2m_pol_str(pp, field[11],
		    "SCOPE_UNSPECIFIED"));
	else
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(lwm2m_pol_int(pp,
		    field[r])));
	return 0;
}

static int
do_write(struct lwm2m_object *o, uint16_t inst, const struct lwm2m_records *rs,
    bool replace, bool bootstrap, char *err, size_t errlen)
{
	cJSON *doc, *arr, *pp;
	char dur[32];
	size_t i;
	int rc = 0;

	(void)bootstrap;
	if (inst != 0)
		return 404;
	if ((doc = lwm2m_policy_edit(o->all)) == NULL)
		return 500;
	arr = cJSON_GetObjectItemCaseSensitive(doc, "passwordPolicies");
	if (!cJSON_IsArray(arr)) {
		cJSON_DeleteItemFromObjectCaseSensitive(doc,
		    "passwordPolicies");
		arr = cJSON_AddArrayToObject(doc, "passwordPolicies");
	}
	if (arr != NULL && (replace || !cJSON_IsObject(arr->child))) {
		/* a Replace starts the entry afresh */
		if (arr->child != NULL)
			cJSON_DeleteItemFromArray(arr, 0);
		cJSON_InsertItemInArray(arr, 0, cJSON_CreateObject());
	}
	if (replace)
		cJSON_DeleteItemFromObjectCaseSensitive(doc,
		    "maximumTimeToLock");
	if (arr == NULL || (pp = arr->child) == NULL ||
	    !cJSON_IsObject(pp)) {
		cJSON_Delete(doc);
		return 500;
	}
	for (i = 0; i < rs->n && rc == 0; i++) {
		const struct lwm2m_value *v = &rs->r[i].v;
		uint16_t r = rs->r[i].path.id[2];

		if (r == 0 || r == 11) {
			rc = lwm2m_pol_set_str(pp, field[r],
			    (const char *)v->bytes, v->len);
		} else if (r == 9) {
			/* an AMAPI Duration */
			snprintf(dur, sizeof(dur), "%llds", (long long)v->i);
			rc = lwm2m_pol_set_str(pp, field[r], dur, strlen(dur));
		} else if (r == 12) {
			rc = lwm2m_pol_set_int(doc, "maximumTimeToLock", v->i);
		} else {
			rc = lwm2m_pol_set_int(pp, field[r], v->i);
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
lwm2m_passcode_init(struct lwm2m_object *o)
{
	o->def = &lwm2m_passcode_def;
	o->ops = &ops;
	return 0;
}
