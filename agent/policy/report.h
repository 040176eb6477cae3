/*
 * report.h - the device report: AMAPI `Device`-shaped JSON and a short
 * human rendering of a compliance result (docs/report.md).
 *
 * Both take a posture_result from posture_evaluate() and the facts it was
 * computed from; neither blocks nor logs.
 */
#ifndef WARDEN_AGENT_REPORT_H
#define WARDEN_AGENT_REPORT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "profiles/posture.h"
#include "profiles/rfc3339.h"
#include "hal/hal.h"

/* warden's management modes; each maps to AMAPI managementMode and
 * ownership. */
enum report_mode {
	REPORT_MODE_FULLY_MANAGED,	/* DEVICE_OWNER, COMPANY_OWNED */
	REPORT_MODE_DEDICATED,		/* DEVICE_OWNER, COMPANY_OWNED */
	REPORT_MODE_WORK_PROFILE_COMPANY, /* PROFILE_OWNER, COMPANY_OWNED */
	REPORT_MODE_WORK_PROFILE_PERSONAL, /* PROFILE_OWNER, PERSONALLY_OWNED:
					    * no hardware ids, no network */
};

/* AMAPI DeviceState, reported as state and appliedState. */
enum report_state {
	REPORT_STATE_ACTIVE,
	REPORT_STATE_DISABLED,
	REPORT_STATE_PROVISIONING,
	REPORT_STATE_LOST,
};

struct report_info {
	enum report_mode mode;
	enum report_state state;
	const char *name;		/* AMAPI "name"; NULL: omitted */
	const char *policy_name;	/* AMAPI "policyName"; NULL: omitted */
	const char *agent_version;	/* softwareInfo.
					 * androidDevicePolicyVersionName;
					 * NULL: omitted */
	int64_t report_time;		/* lastStatusReportTime (UTC seconds);
					 * 0: the result's evaluation time */
	int64_t last_policy_sync;	/* lastPolicySyncTime; 0: omitted */
	/* applicationReports (when app_reports): the inventory (sorted)
	 * and the backend that installs (installerPackageName). */
	bool app_reports;
	const struct hal_app *apps;
	size_t napps;
	const char *installer;
};

/*
 * Builds the report of result r over the facts it was evaluated from.
 * On success stores a malloc'd NUL-terminated JSON text in *out (the
 * caller frees it) and returns 0; returns -1 (errno ENOMEM) when memory
 * runs out. Facts the device did not report are left out of the report,
 * never invented.
 */
int report_json(const struct posture_result *r, const struct hal_facts *facts,
    const struct report_info *info, char **out);

/*
 * Renders r for `wardenctl compliance`: the verdict first, then the
 * security posture, then every failing setting with its reason and
 * remediation, then the settings that could not be judged. Stores a
 * malloc'd text in *out (caller frees) and returns 0, or -1 (ENOMEM).
 */
int report_text(const struct posture_result *r, char **out);

/* AMAPI names of the mode, ownership and state. */
const char *report_management_mode_name(enum report_mode m);
const char *report_ownership_name(enum report_mode m);
const char *report_state_name(enum report_state s);

/* Adds name: t as RFC 3339 to o, or name: null when t is 0 (never). */
void report_add_time(cJSON *o, const char *name, int64_t t);

#endif /* WARDEN_AGENT_REPORT_H */
