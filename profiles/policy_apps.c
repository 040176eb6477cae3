/*
 * policy_apps.c - applications[] and kioskCustomization.
 *
 * On Linux an application is named by its packageName (a package, a
 * desktop id) and started by warden's own `command` field; the kiosk app
 * is the one with installType KIOSK or a KIOSK role, at most one per
 * document.
 */
#include <stdlib.h>
#include <string.h>

#include "profiles/policy_json.h"

#define ROLES_MAX 8

bool
policy_app_is_kiosk(const struct policy_app *a)
{
	return a->install_type == POLICY_INSTALL_KIOSK ||
	    (a->roles & (1u << POLICY_ROLE_KIOSK)) != 0;
}

static bool
package_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '.' || c == '_' || c == '-' || c == '+');
}

static int
f_package(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy_app *a = dst;
	const char *s;

	if (policy_json_string(pj, v, 1, POLICY_PACKAGE_MAX - 1, a->package,
	    sizeof(a->package)) != 0)
		return -1;
	for (s = a->package; *s != '\0'; s++) {
		if (!package_char(*s, s == a->package)) {
			policy_json_error(pj, "must start with a letter or "
			    "digit and hold only letters, digits and "
			    "\". _ - +\"");
			a->package[0] = '\0';
			return -1;
		}
	}
	return 0;
}

static int
f_install_type(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy_app *a = dst;
	int e;

	if (policy_json_enum(pj, v, policy_enum_install, &e) != 0)
		return -1;
	a->install_type = e;
	return 0;
}

static int
f_role_type(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy_app *a = dst;
	int e;

	if (policy_json_enum(pj, v, policy_enum_role, &e) != 0)
		return -1;
	if (e != POLICY_ROLE_UNSPECIFIED)
		a->roles |= 1u << e;
	return 0;
}

static const struct policy_json_field role_fields[] = {
	{ "roleType", f_role_type },
	{ NULL, NULL },
};

static int
role_entry(struct policy_json *pj, const cJSON *v, size_t i, void *dst)
{
	(void)i;
	return policy_json_object(pj, v, role_fields, dst);
}

static int
f_roles(struct policy_json *pj, const cJSON *v, void *dst)
{
	return policy_json_array(pj, v, ROLES_MAX, role_entry, dst);
}

static int
f_command(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy_app *a = dst;

	return policy_json_string(pj, v, 1, POLICY_COMMAND_MAX - 1,
	    a->command, sizeof(a->command));
}

static int
f_min_version(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy_app *a = dst;

	return policy_json_int64(pj, v, 0, POLICY_VERSION_CODE_MAX,
	    &a->min_version_code);
}

static const struct policy_json_field app_fields[] = {
	{ "packageName", f_package },
	{ "installType", f_install_type },
	{ "minimumVersionCode", f_min_version },
	{ "roles", f_roles },
	{ "command", f_command },
	{ NULL, NULL },
};

static int
app_entry(struct policy_json *pj, const cJSON *v, size_t i, void *dst)
{
	struct policy *p = dst;
	struct policy_app *a = &p->apps[p->napps];
	size_t j;

	/* Only valid entries are kept; a rejected one leaves its slot. */
	memset(a, 0, sizeof(*a));
	a->index = (int)i;
	if (policy_json_object(pj, v, app_fields, a) != 0)
		return -1;
	if (a->package[0] == '\0') {
		policy_json_error_at(pj, "packageName", "is required");
		return -1;
	}
	for (j = 0; j < p->napps; j++) {
		if (strcmp(p->apps[j].package, a->package) == 0) {
			policy_json_error_at(pj, "packageName", "\"%s\" is "
			    "already listed at applications[%d]", a->package,
			    p->apps[j].index);
			return -1;
		}
		if (policy_app_is_kiosk(a) &&
		    policy_app_is_kiosk(&p->apps[j])) {
			policy_json_error(pj, "a second kiosk app: "
			    "applications[%d] is the kiosk app already",
			    p->apps[j].index);
			return -1;
		}
	}
	p->napps++;
	return 0;
}

int
policy_parse_apps(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;
	int n;

	/* Sized up front; policy_json_array() reports a wrong type/size. */
	if (cJSON_IsArray(v) && (n = cJSON_GetArraySize(v)) > 0 &&
	    n <= POLICY_APPS_MAX) {
		p->apps = calloc((size_t)n, sizeof(*p->apps));
		if (p->apps == NULL) {
			policy_json_error(pj, "out of memory");
			return -1;
		}
	}
	return policy_json_array(pj, v, POLICY_APPS_MAX, app_entry, p);
}

/* ------------------------------------------------------------------ */
/* kioskCustomization                                                   */
/* ------------------------------------------------------------------ */

#define KIOSK_ENUM(fn, table, member)					\
static int								\
fn(struct policy_json *pj, const cJSON *v, void *dst)			\
{									\
	struct policy_kiosk_custom *k = dst;				\
	int e;								\
	if (policy_json_enum(pj, v, table, &e) != 0)			\
		return -1;						\
	k->member = e;							\
	return 0;							\
}

KIOSK_ENUM(f_power_button, policy_enum_power_button, power_button)
KIOSK_ENUM(f_error_warnings, policy_enum_error_warnings, error_warnings)
KIOSK_ENUM(f_navigation, policy_enum_navigation, navigation)
KIOSK_ENUM(f_status_bar, policy_enum_status_bar, status_bar)
KIOSK_ENUM(f_device_settings, policy_enum_device_settings, device_settings)

static const struct policy_json_field kiosk_fields[] = {
	{ "powerButtonActions", f_power_button },
	{ "systemErrorWarnings", f_error_warnings },
	{ "systemNavigation", f_navigation },
	{ "statusBar", f_status_bar },
	{ "deviceSettings", f_device_settings },
	{ NULL, NULL },
};

int
policy_parse_kiosk_custom(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;

	p->kiosk_custom_present = true;
	return policy_json_object(pj, v, kiosk_fields, &p->kiosk);
}
