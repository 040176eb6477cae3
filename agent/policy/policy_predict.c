/*
 * policy_predict.c - the verdict a device will give each setting of a
 * policy, from the settings the engine would build and the ops the HAL
 * backend has (see policy_predict.h).
 */
#include <stdio.h>
#include <string.h>

#include "agent/policy/policy_predict.h"
#include "profiles/policy_settings.h"

#define WHY_MAX (POLICY_SETTING_VALUE_MAX + 128)

/* Whether backend be has the op that applies a setting of kind k, and
 * the op's name. */
static bool
has_op(const struct hal_backend *be, enum policy_setting_kind k,
    const char **op)
{
	switch (k) {
	case POLICY_SET_WORK_PROFILE:
		*op = "profile.create";
		return be->profile != NULL && be->profile->create != NULL;
	case POLICY_SET_WIFI:
		*op = "network.apply_wifi";
		return be->network != NULL && be->network->apply_wifi != NULL;
	case POLICY_SET_PASSCODE:
		*op = "passcode.apply";
		return be->passcode != NULL && be->passcode->apply != NULL;
	case POLICY_SET_CAMERA:
		*op = "camera.set_allowed";
		return be->camera != NULL && be->camera->set_allowed != NULL;
	case POLICY_SET_SCREEN_CAPTURE:
		*op = "restrict.set_screen_capture";
		return be->restrict_ != NULL &&
		    be->restrict_->set_screen_capture != NULL;
	case POLICY_SET_USB_DATA:
		*op = "restrict.set_usb_data";
		return be->restrict_ != NULL &&
		    be->restrict_->set_usb_data != NULL;
	case POLICY_SET_KEYGUARD:
		*op = "restrict.set_keyguard_features";
		return be->restrict_ != NULL &&
		    be->restrict_->set_keyguard_features != NULL;
	case POLICY_SET_FACTORY_RESET:
		*op = "restrict.set_factory_reset_allowed";
		return be->restrict_ != NULL &&
		    be->restrict_->set_factory_reset_allowed != NULL;
	case POLICY_SET_KIOSK:
		*op = "kiosk.enter";
		return be->kiosk != NULL && be->kiosk->enter != NULL;
	case POLICY_SET_KIOSK_CUSTOM:
		*op = "kiosk.customize";
		return be->kiosk != NULL && be->kiosk->customize != NULL;
	case POLICY_SET_APP:
		*op = "apps.install";
		return be->apps != NULL && be->apps->install != NULL;
	case POLICY_SET_UNENFORCEABLE:
		break;
	}
	*op = "";
	return false;
}

static void
add(cJSON *arr, const char *name, const char *path, const char *verdict,
    const char *why)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		return;
	cJSON_AddStringToObject(o, "settingName", name);
	cJSON_AddStringToObject(o, "fieldPath", path);
	cJSON_AddStringToObject(o, "verdict", verdict);
	cJSON_AddStringToObject(o, "why", why);
	cJSON_AddItemToArray(arr, o);
}

/* What an applications[] setting will do on a backend that has apps. */
static void
app_why(const struct policy_setting_app *a, const char *installer,
    char *why, size_t len)
{
	char minv[32] = "";

	if (a->min_version_code > 0)
		hal_app_version_from_code(a->min_version_code, minv,
		    sizeof(minv));
	switch (a->install_type) {
	case POLICY_INSTALL_BLOCKED:
		snprintf(why, len, "%s removes %s and pins it so that nothing "
		    "installs it; removed again if it comes back", installer,
		    a->package);
		break;
	case POLICY_INSTALL_FORCE_INSTALLED:
	case POLICY_INSTALL_REQUIRED_FOR_SETUP:
		snprintf(why, len, "%s installs %s%s%s from the configured "
		    "sources and again whenever it is removed", installer,
		    a->package, *minv ? " >= " : "", minv);
		break;
	case POLICY_INSTALL_PREINSTALLED:
		snprintf(why, len, "%s installs %s%s%s once; the user may "
		    "remove it", installer, a->package, *minv ? " >= " : "",
		    minv);
		break;
	default:
		snprintf(why, len, "%s is allowed: nothing is installed, a "
		    "pin of warden's is lifted", a->package);
		break;
	}
}

static void
judge_setting(cJSON *arr, const struct policy_setting *s,
    const struct hal_backend *be)
{
	char why[WHY_MAX];
	const char *op;

	if (s->kind == POLICY_SET_UNENFORCEABLE) {
		snprintf(why, sizeof(why), "%s; reported UNSUPPORTED",
		    s->v.reason);
		add(arr, s->name, s->field_path, "UNSUPPORTED", why);
		return;
	}
	if (!has_op(be, s->kind, &op)) {
		if (s->kind == POLICY_SET_APP)
			snprintf(why, sizeof(why), "the %s backend has no apps "
			    "subsystem: reported UNSUPPORTED", be->name);
		else
			snprintf(why, sizeof(why), "the %s backend does not "
			    "implement %s: reported UNSUPPORTED", be->name, op);
		add(arr, s->name, s->field_path, "UNSUPPORTED", why);
		return;
	}
	if (s->kind == POLICY_SET_APP) {
		app_why(&s->v.app, be->apps->installer, why, sizeof(why));
		add(arr, s->name, s->field_path, "enforce", why);
		return;
	}
	snprintf(why, sizeof(why), "%s (%s)", op, s->value);
	add(arr, s->name, s->field_path, "enforce", why);
}

/* Values accepted and applied as the nearest rule Linux has. */
static void
judge_mapped(cJSON *arr, const struct policy *p)
{
	char path[POLICY_PATH_MAX], why[WHY_MAX];
	int i;

	for (i = 0; i < POLICY_SCOPE_COUNT; i++) {
		const struct policy_password *pw = &p->pw[i];

		if (!pw->present || !pw->biometric_weak)
			continue;
		if (pw->from_requirements)
			snprintf(path, sizeof(path),
			    "passwordRequirements.passwordQuality");
		else
			snprintf(path, sizeof(path), "passwordPolicies[%d]."
			    "passwordQuality", pw->index);
		snprintf(why, sizeof(why), "BIOMETRIC_WEAK -> SOMETHING: no "
		    "biometric unlock on Linux; a passcode of any kind is "
		    "required");
		add(arr, "passwordPolicies", path, "map", why);
	}
	if (p->pw_req == POLICY_PWREQ_IGNORED) {
		snprintf(why, sizeof(why), "passwordPolicies[%d] sets the "
		    "device (or the same scope) and takes precedence, as in "
		    "AMAPI", p->pw_req_scope_by);
		add(arr, "passwordRequirements", "passwordRequirements",
		    "ignored", why);
	}
	if (p->camera == POLICY_CAMERA_ENFORCED)
		add(arr, "cameraAccess", "cameraAccess", "map",
		    "CAMERA_ACCESS_ENFORCED -> cameras allowed: Linux has no "
		    "user toggle to force on");
}

/* Posture requirements: scanned and judged, not enforced. */
static void
judge_checked(cJSON *arr, const struct policy *p, enum policy_mode m)
{
	struct policy_requirements req;
	char why[WHY_MAX];

	policy_requirements_fill(p, m, &req);
	if (req.encryption_required)
		add(arr, "encryptionPolicy", "encryptionPolicy", "check",
		    "the data partition must be encrypted (fact "
		    "disk.encrypted); warden does not encrypt it");
	if (req.min_os_version[0] != '\0') {
		snprintf(why, sizeof(why), "os.version must be %s or later; "
		    "warden does not update the OS", req.min_os_version);
		add(arr, "minimumApiLevel", "minimumApiLevel", "check", why);
	}
}

cJSON *
policy_predict(const struct policy *admin, enum policy_mode m,
    const struct hal_backend *be)
{
	struct policy_settings set;
	struct policy_details det;
	const struct policy *in[1] = { admin };
	struct policy *eff;
	cJSON *arr;
	size_t i;

	if ((arr = cJSON_CreateArray()) == NULL)
		return NULL;
	if ((eff = policy_preset_merge(m, in, 1)) == NULL) {
		cJSON_Delete(arr);
		return NULL;
	}
	memset(&set, 0, sizeof(set));
	memset(&det, 0, sizeof(det));
	if (policy_settings_build(eff, m, &set, &det) != 0) {
		policy_free(eff);
		cJSON_Delete(arr);
		return NULL;
	}
	for (i = 0; i < set.n; i++)
		judge_setting(arr, &set.s[i], be);
	judge_mapped(arr, admin);
	judge_checked(arr, eff, m);
	for (i = 0; i < det.n; i++)
		add(arr, det.d[i].setting_name, det.d[i].field_path,
		    rules_reason_name(det.d[i].reason), det.d[i].specific);
	policy_settings_free(&set);
	policy_details_free(&det);
	policy_free(eff);
	return arr;
}

void
policy_predict_print(const cJSON *pred, FILE *fp)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, pred) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(o,
		    "settingName"), *p = cJSON_GetObjectItemCaseSensitive(o,
		    "fieldPath"), *v = cJSON_GetObjectItemCaseSensitive(o,
		    "verdict"), *w = cJSON_GetObjectItemCaseSensitive(o, "why");

		if (!cJSON_IsString(n) || !cJSON_IsString(p) ||
		    !cJSON_IsString(v) || !cJSON_IsString(w))
			continue;
		fprintf(fp, "  %-11s %-34s %s\n", v->valuestring,
		    *p->valuestring ? p->valuestring : n->valuestring,
		    w->valuestring);
	}
}
