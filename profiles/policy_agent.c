/*
 * policy_agent.c - policyEnforcementRules[] and statusReportingSettings:
 * the two fields that steer the agent itself rather than the device.
 */
#include <stdlib.h>
#include <string.h>

#include "profiles/policy_json.h"

struct rule_ctx {
	struct policy_rule *r;
	bool has_block, has_wipe;
};

static int
f_block_days(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct rule_ctx *c = dst;

	return policy_json_int(pj, v, 0, POLICY_RULE_DAYS_MAX,
	    &c->r->block_after_days);
}

static int
f_block_scope(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct rule_ctx *c = dst;
	int e;

	if (policy_json_enum(pj, v, policy_enum_block_scope, &e) != 0)
		return -1;
	c->r->block_scope = e;
	return 0;
}

static const struct policy_json_field block_fields[] = {
	{ "blockAfterDays", f_block_days },
	{ "blockScope", f_block_scope },
	{ NULL, NULL },
};

static int
f_wipe_days(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct rule_ctx *c = dst;

	return policy_json_int(pj, v, 0, POLICY_RULE_DAYS_MAX,
	    &c->r->wipe_after_days);
}

static int
f_preserve_frp(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct rule_ctx *c = dst;

	return policy_json_bool(pj, v, &c->r->preserve_frp);
}

static const struct policy_json_field wipe_fields[] = {
	{ "wipeAfterDays", f_wipe_days },
	{ "preserveFrp", f_preserve_frp },
	{ NULL, NULL },
};

/* An absent blockAfterDays means 0: block as soon as non-compliant. */
static int
f_block(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct rule_ctx *c = dst;

	c->has_block = true;
	c->r->block_after_days = 0;
	return policy_json_object(pj, v, block_fields, c);
}

static int
f_wipe(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct rule_ctx *c = dst;

	c->has_wipe = true;
	c->r->wipe_after_days = 0;
	return policy_json_object(pj, v, wipe_fields, c);
}

static int
f_setting_name(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct rule_ctx *c = dst;
	const char *s;

	if (policy_json_string(pj, v, 1, sizeof(c->r->setting_name) - 1,
	    c->r->setting_name, sizeof(c->r->setting_name)) != 0)
		return -1;
	for (s = c->r->setting_name; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9'))) {
			policy_json_error(pj, "must be a policy field name "
			    "(letters and digits)");
			c->r->setting_name[0] = '\0';
			return -1;
		}
	}
	return 0;
}

static const struct policy_json_field rule_fields[] = {
	{ "settingName", f_setting_name },
	{ "blockAction", f_block },
	{ "wipeAction", f_wipe },
	{ NULL, NULL },
};

static int
check_rule(struct policy_json *pj, const struct rule_ctx *c,
    const struct policy *p)
{
	const struct policy_rule *r = c->r;
	size_t j;

	if (r->setting_name[0] == '\0') {
		policy_json_error_at(pj, "settingName", "is required");
		return -1;
	}
	if (!c->has_block) {
		policy_json_error_at(pj, "blockAction", "is required");
		return -1;
	}
	if (c->has_wipe && r->wipe_after_days <= r->block_after_days) {
		size_t old = policy_json_push_key(pj, "wipeAction");

		policy_json_error_at(pj, "wipeAfterDays", "must be greater "
		    "than blockAction.blockAfterDays (%d)",
		    r->block_after_days);
		policy_json_pop(pj, old);
		return -1;
	}
	for (j = 0; j < p->nrules; j++) {
		if (strcmp(p->rules[j].setting_name, r->setting_name) == 0) {
			policy_json_error_at(pj, "settingName",
			    "\"%s\" already has a rule at "
			    "policyEnforcementRules[%d]",
			    r->setting_name, p->rules[j].index);
			return -1;
		}
	}
	return 0;
}

static int
rule_entry(struct policy_json *pj, const cJSON *v, size_t i, void *dst)
{
	struct policy *p = dst;
	struct rule_ctx c;

	memset(&c, 0, sizeof(c));
	c.r = &p->rules[p->nrules];
	memset(c.r, 0, sizeof(*c.r));
	c.r->index = (int)i;
	c.r->block_after_days = -1;
	c.r->wipe_after_days = -1;
	if (policy_json_object(pj, v, rule_fields, &c) != 0 ||
	    check_rule(pj, &c, p) != 0)
		return -1;
	p->nrules++;
	return 0;
}

int
policy_parse_rules(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;
	int n;

	if (cJSON_IsArray(v) && (n = cJSON_GetArraySize(v)) > 0 &&
	    n <= POLICY_RULES_MAX) {
		p->rules = calloc((size_t)n, sizeof(*p->rules));
		if (p->rules == NULL) {
			policy_json_error(pj, "out of memory");
			return -1;
		}
	}
	return policy_json_array(pj, v, POLICY_RULES_MAX, rule_entry, p);
}

/* ------------------------------------------------------------------ */
/* statusReportingSettings                                              */
/* ------------------------------------------------------------------ */

#define REPORT_BOOL(fn, member)						\
static int								\
fn(struct policy_json *pj, const cJSON *v, void *dst)			\
{									\
	struct policy_reporting *r = dst;				\
	return policy_json_tristate(pj, v, &r->member);			\
}

REPORT_BOOL(f_software, software_info)
REPORT_BOOL(f_hardware, hardware_status)
REPORT_BOOL(f_memory, memory_info)
REPORT_BOOL(f_network, network_info)
REPORT_BOOL(f_power, power_events)
REPORT_BOOL(f_settings, device_settings)
REPORT_BOOL(f_app_reports, application_reports)

static int
f_scan_interval(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy_reporting *r = dst;

	return policy_json_int(pj, v, POLICY_SCAN_MIN, POLICY_SCAN_MAX,
	    &r->scan_interval_seconds);
}

static const struct policy_json_field reporting_fields[] = {
	{ "softwareInfoEnabled", f_software },
	{ "hardwareStatusEnabled", f_hardware },
	{ "memoryInfoEnabled", f_memory },
	{ "networkInfoEnabled", f_network },
	{ "powerManagementEventsEnabled", f_power },
	{ "deviceSettingsEnabled", f_settings },
	{ "applicationReportsEnabled", f_app_reports },
	{ "scanIntervalSeconds", f_scan_interval },
	{ NULL, NULL },
};

int
policy_parse_reporting(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;

	p->reporting_present = true;
	return policy_json_object(pj, v, reporting_fields, &p->reporting);
}
