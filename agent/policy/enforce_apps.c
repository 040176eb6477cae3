/*
 * enforce_apps.c - applications[] through the HAL's apps subsystem:
 * what each installType does, what undoing it does, AMAPI's reasons for
 * a failure, and the drift of installed packages (see enforce.h).
 *
 * An app step's reason starts with AMAPI's NonComplianceReason
 * ("APP_NOT_INSTALLED: ...") so that the report can give it without a
 * column of its own in the store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/policy/enforce.h"

/* Whether installType keeps the package installed (reinstalls it). */
static bool
keeps_installed(enum policy_install t)
{
	return t == POLICY_INSTALL_FORCE_INSTALLED ||
	    t == POLICY_INSTALL_REQUIRED_FOR_SETUP;
}

static bool
installs(enum policy_install t)
{
	return keeps_installed(t) || t == POLICY_INSTALL_PREINSTALLED;
}

/* AMAPI's installationFailureReason for an install's errno. */
static const char *
install_failure(int rc)
{
	switch (-rc) {
	case ENOENT:
		return "NOT_FOUND";
	case ENOSPC:
		return "INSUFFICIENT_STORAGE";
	case ENETUNREACH:
	case ECONNREFUSED:
	case ETIMEDOUT:
		return "NETWORK_ERROR_UNRELIABLE_CONNECTION";
	case EPERM:
		return "NOT_APPROVED";
	default:
		return "INSTALLATION_FAILURE_REASON_UNKNOWN";
	}
}

/* The status and the reason of an app op's return code. */
static void
app_outcome(struct enforce_result *res, const char *op, const char *pkg,
    int rc, const char *amapi_reason)
{
	if (rc >= 0) {
		res->status = ENFORCE_APPLIED;
		res->reason[0] = '\0';
	} else if (rc == -ENOSYS || rc == -EOPNOTSUPP) {
		res->status = ENFORCE_UNSUPPORTED;
		snprintf(res->reason, sizeof(res->reason), "UNSUPPORTED: the "
		    "HAL backend has no apps subsystem (%s)", op);
	} else if (rc == -EAGAIN || rc == -EBUSY || rc == -EINPROGRESS) {
		res->status = ENFORCE_PENDING;
		snprintf(res->reason, sizeof(res->reason), "PENDING: %s %s: "
		    "%s; retried later", op, pkg, strerror(-rc));
	} else if (rc == -ERANGE) {
		res->status = ENFORCE_FAILED;
		snprintf(res->reason, sizeof(res->reason), "APP_NOT_UPDATED: "
		    "%s %s: the sources have no version new enough", op, pkg);
	} else if (strcmp(op, "apps.install") == 0) {
		res->status = ENFORCE_FAILED;
		snprintf(res->reason, sizeof(res->reason), "%s: %s %s: %s "
		    "(%s)", amapi_reason, op, pkg, strerror(-rc),
		    install_failure(rc));
	} else {
		res->status = ENFORCE_FAILED;
		snprintf(res->reason, sizeof(res->reason), "%s: %s %s: %s",
		    amapi_reason, op, pkg, strerror(-rc));
	}
}

void
enforce_app_apply(struct hal *h, const struct policy_setting_app *a,
    struct enforce_result *res)
{
	char minv[32] = "";
	int rc;

	if (a->install_type == POLICY_INSTALL_BLOCKED) {
		app_outcome(res, "apps.set_blocked", a->package,
		    hal_apps_set_blocked(h, a->package, true),
		    "APP_INSTALLED");
		return;
	}
	/* Whatever an earlier policy blocked is allowed again. */
	rc = hal_apps_set_blocked(h, a->package, false);
	if (rc < 0 || !installs(a->install_type)) {
		app_outcome(res, "apps.set_blocked", a->package, rc,
		    "APP_INSTALLED");
		return;
	}
	if (a->min_version_code > 0)
		hal_app_version_from_code(a->min_version_code, minv,
		    sizeof(minv));
	app_outcome(res, "apps.install", a->package,
	    hal_apps_install(h, a->package, minv), "APP_NOT_INSTALLED");
}

/* The installType a record's value text names ("installType=X,..."). */
static enum policy_install
record_type(const char *value)
{
	char name[48];
	size_t n;
	int e;

	if (strncmp(value, "installType=", 12) != 0)
		return POLICY_INSTALL_UNSPECIFIED;
	value += 12;
	n = strcspn(value, ",");
	if (n >= sizeof(name))
		return POLICY_INSTALL_UNSPECIFIED;
	memcpy(name, value, n);
	name[n] = '\0';
	if (policy_enum_value(policy_enum_install, name, &e) != 0)
		return POLICY_INSTALL_UNSPECIFIED;
	return (enum policy_install)e;
}

int
enforce_app_revert(struct hal *h, const struct enforce_applied *had,
    struct enforce_result *res)
{
	char pkg[POLICY_PACKAGE_MAX];
	const char *k = had->key + strlen("applications[");
	size_t n = strlen(k);

	if (n < 2 || n > sizeof(pkg) || k[n - 1] != ']')
		return -1;
	memcpy(pkg, k, n - 1);
	pkg[n - 1] = '\0';
	/* A package warden installed stays: removing it could destroy
	 * the user's data, and AMAPI leaves it to the admin. */
	if (record_type(had->value) != POLICY_INSTALL_BLOCKED)
		return -1;
	app_outcome(res, "apps.set_blocked", pkg,
	    hal_apps_set_blocked(h, pkg, false), "APP_INSTALLED");
	return 0;
}

bool
enforce_reason_amapi(const char *reason, enum rules_reason *r)
{
	char name[40];
	size_t n = strcspn(reason, ":");

	if (reason[n] != ':' || n == 0 || n >= sizeof(name))
		return false;
	memcpy(name, reason, n);
	name[n] = '\0';
	return rules_reason_parse(name, r) == 0;
}

size_t
enforce_verify_apps(const struct policy_settings *wanted,
    const struct enforce_applied *applied, size_t n,
    const struct hal_app *apps, size_t napps, struct enforce_drift *drift,
    size_t max)
{
	size_t i, nd = 0;

	for (i = 0; i < n && nd < max; i++) {
		const struct policy_setting *w;
		const struct policy_setting_app *a;
		const struct hal_app *have;
		bool installed;

		if (applied[i].status != ENFORCE_APPLIED)
			continue;
		w = policy_settings_find(wanted, applied[i].key);
		if (w == NULL || w->kind != POLICY_SET_APP ||
		    strcmp(w->value, applied[i].value) != 0)
			continue;
		a = &w->v.app;
		have = hal_app_find(apps, napps, a->package);
		installed = have != NULL && have->installed;
		if (a->install_type == POLICY_INSTALL_BLOCKED && installed)
			snprintf(drift[nd].reason, sizeof(drift[nd].reason),
			    "blocked package %.64s is installed (%.40s)",
			    a->package, have->version);
		else if (keeps_installed(a->install_type) && !installed)
			snprintf(drift[nd].reason, sizeof(drift[nd].reason),
			    "package %.64s is no longer installed", a->package);
		else if (keeps_installed(a->install_type) &&
		    a->min_version_code > 0 &&
		    hal_app_version_code(have->version) < a->min_version_code)
			snprintf(drift[nd].reason, sizeof(drift[nd].reason),
			    "package %.64s is at %.40s, below minimumVersionCode "
			    "%lld", a->package, have->version,
			    (long long)a->min_version_code);
		else
			continue;
		drift[nd++].applied = i;
	}
	return nd;
}
