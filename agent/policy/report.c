/*
 * report.c - the AMAPI `Device`-shaped report and its human rendering
 * (docs/report.md).
 *
 * Field names and enum strings are AMAPI's; int64 values are JSON strings
 * as in AMAPI's proto3 JSON mapping. warden's own additions are listed in
 * docs/report.md. A fact the device did not report is left out rather
 * than reported with a made-up default.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "agent/policy/report.h"


/* A builder: one flag records any failed allocation along the way. */
struct rep {
	const struct hal_facts *facts;
	bool oom;
};

const char *
report_management_mode_name(enum report_mode m)
{
	return m == REPORT_MODE_FULLY_MANAGED || m == REPORT_MODE_DEDICATED
	    ? "DEVICE_OWNER" : "PROFILE_OWNER";
}

const char *
report_ownership_name(enum report_mode m)
{
	return m == REPORT_MODE_WORK_PROFILE_PERSONAL ? "PERSONALLY_OWNED"
						      : "COMPANY_OWNED";
}

const char *
report_state_name(enum report_state s)
{
	static const char *const names[] = {
		[REPORT_STATE_ACTIVE] = "ACTIVE",
		[REPORT_STATE_DISABLED] = "DISABLED",
		[REPORT_STATE_PROVISIONING] = "PROVISIONING",
		[REPORT_STATE_LOST] = "LOST",
	};

	return (size_t)s < sizeof(names) / sizeof(names[0])
	    ? names[s] : "DEVICE_STATE_UNSPECIFIED";
}

void
report_add_time(cJSON *o, const char *name, int64_t t)
{
	char when[RFC3339_LEN];

	if (t <= 0) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	rfc3339_format(t, when, sizeof(when));
	cJSON_AddStringToObject(o, name, when);
}

/* ------------------------------------------------------------------ */
/* Builder helpers                                                     */
/* ------------------------------------------------------------------ */

static cJSON *
add_obj(struct rep *b, cJSON *parent, const char *key)
{
	cJSON *o = cJSON_AddObjectToObject(parent, key);

	if (o == NULL)
		b->oom = true;
	return o;
}

static cJSON *
add_arr(struct rep *b, cJSON *parent, const char *key)
{
	cJSON *a = cJSON_AddArrayToObject(parent, key);

	if (a == NULL)
		b->oom = true;
	return a;
}

static void
add_str(struct rep *b, cJSON *o, const char *key, const char *v)
{
	if (cJSON_AddStringToObject(o, key, v) == NULL)
		b->oom = true;
}

static void
add_bool(struct rep *b, cJSON *o, const char *key, bool v)
{
	if (cJSON_AddBoolToObject(o, key, v) == NULL)
		b->oom = true;
}

static void
add_num(struct rep *b, cJSON *o, const char *key, double v)
{
	if (cJSON_AddNumberToObject(o, key, v) == NULL)
		b->oom = true;
}

static void
add_int64(struct rep *b, cJSON *o, const char *key, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	add_str(b, o, key, buf);
}

static void
add_time(struct rep *b, cJSON *o, const char *key, int64_t t)
{
	char buf[RFC3339_LEN];

	rfc3339_format(t, buf, sizeof(buf));
	add_str(b, o, key, buf);
}

/* Appends obj to array a, or frees it when that is not possible. */
static void
append(struct rep *b, cJSON *a, cJSON *obj)
{
	if (obj == NULL || a == NULL || !cJSON_AddItemToArray(a, obj)) {
		cJSON_Delete(obj);
		b->oom = true;
	}
}

/* Removes an object that ended up empty: AMAPI omits empty messages. */
static void
drop_if_empty(cJSON *parent, cJSON *o)
{
	if (o != NULL && o->child == NULL)
		cJSON_Delete(cJSON_DetachItemViaPointer(parent, o));
}

static const struct hal_fact *
fact(const struct rep *b, const char *name, enum hal_fact_type type)
{
	const struct hal_fact *f = hal_fact_find(b->facts, name);

	return f != NULL && f->type == type ? f : NULL;
}

/* Copies a textual fact (any of the string-held types) as a string. */
static void
copy_text(struct rep *b, cJSON *o, const char *key, const char *name)
{
	const struct hal_fact *f = hal_fact_find(b->facts, name);

	if (f != NULL && (f->type == HAL_FACT_STRING ||
	    f->type == HAL_FACT_VERSION || f->type == HAL_FACT_DATETIME))
		add_str(b, o, key, f->s);
}

static void
copy_bool(struct rep *b, cJSON *o, const char *key, const char *name)
{
	const struct hal_fact *f = fact(b, name, HAL_FACT_BOOL);

	if (f != NULL)
		add_bool(b, o, key, f->b);
}

static void
copy_int64(struct rep *b, cJSON *o, const char *key, const char *name)
{
	const struct hal_fact *f = fact(b, name, HAL_FACT_INT64);

	if (f != NULL)
		add_int64(b, o, key, f->i);
}

/* ------------------------------------------------------------------ */
/* Sections                                                            */
/* ------------------------------------------------------------------ */

/* currentValue keeps the fact's JSON type (AMAPI: a protobuf Value). */
static void
add_current(struct rep *b, cJSON *o, const struct posture_entry *e)
{
	const struct hal_fact *f = e->fact;

	if (f == NULL) {
		if (e->current_text != NULL)
			add_str(b, o, "currentValue", e->current_text);
		return;
	}
	switch (f->type) {
	case HAL_FACT_BOOL:
		add_bool(b, o, "currentValue", f->b);
		break;
	case HAL_FACT_INT64:
		add_num(b, o, "currentValue", (double)f->i);
		break;
	case HAL_FACT_DOUBLE:
		if (!isnan(f->d))
			add_num(b, o, "currentValue", f->d);
		break;
	default:
		add_str(b, o, "currentValue", f->s);
		break;
	}
}

static void
add_details(struct rep *b, cJSON *root, const struct posture_result *r)
{
	cJSON *list = NULL;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct posture_entry *e = &r->entry[i];
		cJSON *d;

		if (!posture_entry_failing(e))
			continue;
		if (list == NULL && (list = add_arr(b, root,
		    "nonComplianceDetails")) == NULL)
			return;
		if ((d = cJSON_CreateObject()) == NULL) {
			b->oom = true;
			return;
		}
		add_str(b, d, "settingName", e->setting_name);
		if (e->field_path != NULL)
			add_str(b, d, "fieldPath", e->field_path);
		add_current(b, d, e);
		add_str(b, d, "nonComplianceReason",
		    rules_reason_name(e->reason));
		if (e->specific != POSTURE_SPECIFIC_NONE)
			add_str(b, d, "specificNonComplianceReason",
			    posture_specific_name(e->specific));
		if (e->remediation != NULL)
			add_str(b, d, "remediation", e->remediation);
		add_str(b, d, "complianceState", posture_state_name(e->state));
		add_str(b, d, "id", e->id);
		add_time(b, d, "firstFailedTime", e->first_failed);
		if (e->state == POSTURE_IN_GRACE_PERIOD && e->grace_until > 0)
			add_time(b, d, "gracePeriodEndTime", e->grace_until);
		if (e->error != NULL)
			add_str(b, d, "error", e->error);
		append(b, list, d);
	}
}

static void
add_security(struct rep *b, cJSON *root, const struct posture_security *s)
{
	cJSON *sp, *list;
	size_t i, k;

	if ((sp = add_obj(b, root, "securityPosture")) == NULL)
		return;
	add_str(b, sp, "devicePosture", posture_device_name(s->device));
	if (s->ndetail == 0 ||
	    (list = add_arr(b, sp, "postureDetails")) == NULL)
		return;
	for (i = 0; i < s->ndetail; i++) {
		cJSON *d = cJSON_CreateObject(), *adv, *m;

		if (d == NULL) {
			b->oom = true;
			return;
		}
		add_str(b, d, "securityRisk",
		    posture_risk_name(s->detail[i].risk));
		if ((adv = add_arr(b, d, "advice")) != NULL)
			for (k = 0; k < s->detail[i].nadvice; k++) {
				if ((m = cJSON_CreateObject()) != NULL)
					add_str(b, m, "defaultMessage",
					    s->detail[i].advice[k]);
				append(b, adv, m);
			}
		append(b, list, d);
	}
}

/* AMAPI EncryptionStatus from disk.encryption_status, else the bool. */
static const char *
encryption_status(const struct rep *b)
{
	static const struct {
		const char *fact, *amapi;
	} map[] = {
		{ "ENCRYPTED", "ACTIVE" },
		{ "ENCRYPTED_PER_USER", "ACTIVE_PER_USER" },
		{ "ENCRYPTED_DEFAULT_KEY", "ACTIVE_DEFAULT_KEY" },
		{ "UNENCRYPTED", "INACTIVE" },
		{ "ENCRYPTING", "ACTIVATING" },
		{ "UNSUPPORTED", "UNSUPPORTED" },
		{ "INACTIVE", "INACTIVE" },
		{ "ACTIVATING", "ACTIVATING" },
		{ "ACTIVE", "ACTIVE" },
		{ "ACTIVE_DEFAULT_KEY", "ACTIVE_DEFAULT_KEY" },
		{ "ACTIVE_PER_USER", "ACTIVE_PER_USER" },
	};
	const struct hal_fact *f;
	size_t i;

	if ((f = fact(b, "disk.encryption_status", HAL_FACT_STRING)) != NULL)
		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strcmp(f->s, map[i].fact) == 0)
				return map[i].amapi;
	if ((f = fact(b, "disk.encrypted", HAL_FACT_BOOL)) != NULL)
		return f->b ? "ACTIVE" : "INACTIVE";
	return "ENCRYPTION_STATUS_UNSPECIFIED";
}

static void
add_device_settings(struct rep *b, cJSON *root)
{
	cJSON *o;

	if ((o = add_obj(b, root, "deviceSettings")) == NULL)
		return;
	copy_bool(b, o, "isDeviceSecure", "passcode.set");
	copy_bool(b, o, "isEncrypted", "disk.encrypted");
	add_str(b, o, "encryptionStatus", encryption_status(b));
	/* These devices have no Android debug bridge to enable. */
	add_bool(b, o, "adbEnabled", false);
	/* warden's own: the device key is in a TPM (not in AMAPI). */
	copy_bool(b, o, "wardenHardwareBackedKey", "key.hardware_backed");
}

static void
add_hardware(struct rep *b, cJSON *root, bool personal)
{
	cJSON *o;

	if ((o = add_obj(b, root, "hardwareInfo")) == NULL)
		return;
	copy_text(b, o, "brand", "hw.manufacturer");
	copy_text(b, o, "manufacturer", "hw.manufacturer");
	copy_text(b, o, "model", "hw.model");
	/* A personally-owned device's hardware ids are not the company's. */
	if (!personal)
		copy_text(b, o, "serialNumber", "hw.serial");
	drop_if_empty(root, o);
}

static void
add_software(struct rep *b, cJSON *root, const struct report_info *info)
{
	cJSON *o;

	if ((o = add_obj(b, root, "softwareInfo")) == NULL)
		return;
	/* No androidVersion: a console would show "Android 12.8" for a
	 * Debian 12.8. The OS release goes in warden's osVersion. */
	copy_text(b, o, "deviceKernelVersion", "os.kernel");
	copy_text(b, o, "securityPatchLevel", "os.security_patch");
	if (info->agent_version != NULL)
		add_str(b, o, "androidDevicePolicyVersionName",
		    info->agent_version);
	copy_text(b, o, "osName", "os.name");
	copy_text(b, o, "osId", "os.id");
	copy_text(b, o, "osVersion", "os.version");
	drop_if_empty(root, o);
}

static void
add_memory(struct rep *b, cJSON *root)
{
	cJSON *o;

	if ((o = add_obj(b, root, "memoryInfo")) == NULL)
		return;
	copy_int64(b, o, "totalRam", "memory.total_bytes");
	copy_int64(b, o, "totalInternalStorage", "storage.total_bytes");
	drop_if_empty(root, o);
}

static void
add_network(struct rep *b, cJSON *root)
{
	const struct hal_fact *f;
	cJSON *o, *list;
	const char *p, *q;

	if ((o = add_obj(b, root, "networkInfo")) == NULL)
		return;
	copy_bool(b, o, "connected", "network.connected");
	f = fact(b, "network.addresses", HAL_FACT_STRING);
	if (f != NULL && f->s[0] != '\0' &&
	    (list = add_arr(b, o, "addresses")) != NULL)
		for (p = f->s; *p != '\0'; p = *q != '\0' ? q + 1 : q) {
			char addr[HAL_FACT_STR_MAX];
			size_t n;

			if ((q = strchr(p, ',')) == NULL)
				q = p + strlen(p);
			if ((n = (size_t)(q - p)) == 0 || n >= sizeof(addr))
				continue;
			memcpy(addr, p, n);
			addr[n] = '\0';
			append(b, list, cJSON_CreateString(addr));
		}
	drop_if_empty(root, o);
}

/* AMAPI ApplicationReport per package: installed ones, and the ones
 * warden blocked (state REMOVED). */
static void
add_app_reports(struct rep *b, cJSON *root, const struct report_info *info)
{
	cJSON *arr, *o;
	size_t i;

	if (!info->app_reports || (arr = add_arr(b, root,
	    "applicationReports")) == NULL)
		return;
	for (i = 0; i < info->napps; i++) {
		const struct hal_app *a = &info->apps[i];

		if ((o = cJSON_CreateObject()) == NULL) {
			b->oom = true;
			return;
		}
		append(b, arr, o);
		add_str(b, o, "packageName", a->package);
		if (a->installed) {
			add_str(b, o, "versionName", a->version);
			/* AMAPI's versionCode is an int32: a number. */
			if (cJSON_AddNumberToObject(o, "versionCode",
			    (double)hal_app_version_code(a->version)) == NULL)
				b->oom = true;
		}
		add_str(b, o, "state", a->installed ? "INSTALLED" :
		    "REMOVED");
		if (info->installer != NULL)
			add_str(b, o, "installerPackageName",
			    info->installer);
		if (a->blocked)
			add_bool(b, o, "wardenBlocked", true);
	}
}

int
report_json(const struct posture_result *r, const struct hal_facts *facts,
    const struct report_info *info, char **out)
{
	struct rep b = { facts, false };
	bool personal = info->mode == REPORT_MODE_WORK_PROFILE_PERSONAL;
	int64_t t = info->report_time != 0 ? info->report_time : r->now;
	cJSON *root;
	char *text;

	if ((root = cJSON_CreateObject()) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (info->name != NULL)
		add_str(&b, root, "name", info->name);
	if (info->policy_name != NULL)
		add_str(&b, root, "policyName", info->policy_name);
	add_str(&b, root, "managementMode",
	    report_management_mode_name(info->mode));
	add_str(&b, root, "ownership", report_ownership_name(info->mode));
	add_str(&b, root, "state", report_state_name(info->state));
	add_str(&b, root, "appliedState", report_state_name(info->state));
	add_bool(&b, root, "policyCompliant", r->policy_compliant);
	if (r->policy_version > 0)
		add_int64(&b, root, "appliedPolicyVersion", r->policy_version);
	add_time(&b, root, "lastStatusReportTime", t);
	if (info->last_policy_sync != 0)
		add_time(&b, root, "lastPolicySyncTime",
		    info->last_policy_sync);
	add_details(&b, root, r);
	add_security(&b, root, &r->security);
	add_device_settings(&b, root);
	add_hardware(&b, root, personal);
	add_software(&b, root, info);
	add_memory(&b, root);
	if (!personal)
		add_network(&b, root);
	add_app_reports(&b, root, info);
	add_str(&b, root, "wardenVerdict", posture_state_name(r->verdict));

	text = b.oom ? NULL : cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (text == NULL) {
		errno = ENOMEM;
		return -1;
	}
	*out = text;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Human rendering                                                     */
/* ------------------------------------------------------------------ */

/* What the user calls the setting: its field path, else its name, and
 * the rule id when a rule shares its setting name with others. */
static void
entry_label(FILE *fp, const struct posture_entry *e)
{
	const char *label = e->field_path != NULL ? e->field_path
						  : e->setting_name;

	fputs(label, fp);
	if (e->origin == POSTURE_FROM_RULE && strcmp(e->id, label) != 0)
		fprintf(fp, " [%s]", e->id);
}

static void
entry_failing(FILE *fp, const struct posture_entry *e)
{
	char buf[HAL_FACT_STR_MAX], when[RFC3339_LEN];

	fprintf(fp, "%-14s ", posture_state_name(e->state));
	entry_label(fp, e);
	if (e->fact != NULL) {
		hal_fact_format(e->fact, buf, sizeof(buf));
		fprintf(fp, ": %s = %s", e->fact->name, buf);
	} else if (e->current_text != NULL) {
		fprintf(fp, ": %s", e->current_text);
	}
	fprintf(fp, "\n%15sreason: %s", "", rules_reason_name(e->reason));
	if (e->specific != POSTURE_SPECIFIC_NONE)
		fprintf(fp, " (%s)", posture_specific_name(e->specific));
	if (e->state == POSTURE_IN_GRACE_PERIOD && e->grace_until > 0) {
		rfc3339_format(e->grace_until, when, sizeof(when));
		fprintf(fp, ", grace period until %s", when);
	}
	fputc('\n', fp);
	if (e->error != NULL)
		fprintf(fp, "%15serror: %s\n", "", e->error);
	if (e->remediation != NULL)
		fprintf(fp, "%15sremediation: %s\n", "", e->remediation);
}

int
report_text(const struct posture_result *r, char **out)
{
	const struct posture_security *s = &r->security;
	char *text = NULL, when[RFC3339_LEN];
	size_t len = 0, i, k;
	int st;
	FILE *fp;

	if ((fp = open_memstream(&text, &len)) == NULL)
		return -1;
	rfc3339_format(r->now, when, sizeof(when));
	fprintf(fp, "%s (policy %s, evaluated %s)\n",
	    posture_state_name(r->verdict),
	    r->policy_compliant ? "compliant" : "not compliant", when);
	fprintf(fp, "posture: %s\n", posture_device_name(s->device));
	for (i = 0; i < s->ndetail; i++)
		for (k = 0; k < s->detail[i].nadvice; k++)
			fprintf(fp, "  %s: %s\n",
			    posture_risk_name(s->detail[i].risk),
			    s->detail[i].advice[k]);
	/* Worst first: what blocks the device is what the user must see. */
	for (st = POSTURE_DENIED; st >= POSTURE_IN_GRACE_PERIOD; st--)
		for (i = 0; i < r->n; i++)
			if (r->entry[i].state == (enum posture_state)st)
				entry_failing(fp, &r->entry[i]);
	for (i = 0; i < r->n; i++) {
		const struct posture_entry *e = &r->entry[i];

		if (e->state != POSTURE_UNKNOWN)
			continue;
		fprintf(fp, "%-14s ", posture_state_name(e->state));
		entry_label(fp, e);
		fprintf(fp, ": %s not reported\n", e->missing_fact != NULL
		    ? e->missing_fact : "a fact");
	}
	if (fclose(fp) != 0 || text == NULL) {
		free(text);
		errno = ENOMEM;
		return -1;
	}
	*out = text;
	return 0;
}
