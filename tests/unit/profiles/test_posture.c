/*
 * test_posture_eval.c - compliance evaluation (profiles/posture.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "profiles/posture.h"
#include "profiles/rules.h"

#define NOW 1795305600LL	/* 2026-11-22T00:00:00Z */
#define HOUR 3600LL

static struct hal_facts facts;
static struct posture_result result;

/* History for the grace-period tests: one known id, and a call count. */
struct history {
	const char *id;
	int64_t first;
	int calls;
	char last_id[64];
};

static int
history_fn(void *arg, const char *id, int64_t *first)
{
	struct history *h = arg;

	h->calls++;
	snprintf(h->last_id, sizeof(h->last_id), "%s", id);
	if (h->id == NULL || strcmp(h->id, id) != 0)
		return -1;
	*first = h->first;
	return 0;
}

static struct rules_set *
rules(const char *json)
{
	struct rules_set *rs = NULL;
	char err[256];

	if (rules_parse(json, strlen(json), &rs, err, sizeof(err)) != 0)
		fail_msg("rules: %s", err);
	return rs;
}

/* Evaluates facts against an optional rule document and requirements. */
static const struct posture_result *
evaluate(const char *json, const struct policy_requirements *req,
    struct history *h)
{
	struct rules_set *rs = json != NULL ? rules(json) : NULL;
	struct posture_input in;

	memset(&in, 0, sizeof(in));
	in.facts = &facts;
	in.req = req;
	in.rules = rs;
	in.now = NOW;
	if (h != NULL) {
		in.history = history_fn;
		in.history_arg = h;
	}
	assert_int_equal(posture_evaluate(&in, &result), 0);
	/* Entries point into the rule set; keep it until the next call. */
	static struct rules_set *keep;
	rules_free(keep);
	keep = rs;
	return &result;
}

static const struct posture_entry *
entry(const struct posture_result *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->entry[i].id, id) == 0)
			return &r->entry[i];
	fail_msg("no entry %s", id);
	return NULL;
}

/* A rule "r" with one condition and the given result. */
static const char *
rule1(const char *fact, const char *op, const char *type, const char *value,
    const char *result_name)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "{\"rules\":[{\"id\":\"r\",\"result\":"
	    "\"%s\",\"conditions\":[{\"fact\":\"%s\",\"operator\":\"%s\","
	    "\"type\":\"%s\",\"value\":%s}]}]}", result_name, fact, op, type,
	    value);
	return buf;
}

static int
reset(void **state)
{
	(void)state;
	memset(&facts, 0, sizeof(facts));
	return 0;
}

/* ------------------------------------------------------------------ */

enum ftype { F_BOOL, F_INT, F_DOUBLE, F_STR, F_DATE, F_VER };

static void
set_fact(enum ftype t, const char *v)
{
	memset(&facts, 0, sizeof(facts));
	switch (t) {
	case F_BOOL:
		hal_fact_bool(&facts, "x", strcmp(v, "true") == 0);
		break;
	case F_INT:
		hal_fact_int(&facts, "x", strtoll(v, NULL, 10));
		break;
	case F_DOUBLE:
		hal_fact_double(&facts, "x", strtod(v, NULL));
		break;
	case F_STR:
		hal_fact_str(&facts, HAL_FACT_STRING, "x", v);
		break;
	case F_DATE:
		hal_fact_str(&facts, HAL_FACT_DATETIME, "x", v);
		break;
	case F_VER:
		hal_fact_str(&facts, HAL_FACT_VERSION, "x", v);
		break;
	}
}

static void
test_operators_by_type(void **state)
{
	static const struct {
		enum ftype ft;
		const char *fact, *op, *type, *value;
		bool fires;
	} cases[] = {
		{ F_BOOL, "true", "IsEquals", "Boolean", "true", true },
		{ F_BOOL, "true", "IsEquals", "Boolean", "false", false },
		{ F_BOOL, "false", "NotEquals", "Boolean", "true", true },
		{ F_BOOL, "false", "NotEquals", "Boolean", "false", false },

		{ F_INT, "15", "IsEquals", "Int64", "15", true },
		{ F_INT, "15", "IsEquals", "Int64", "16", false },
		{ F_INT, "15", "NotEquals", "Int64", "16", true },
		{ F_INT, "15", "NotEquals", "Int64", "15", false },
		{ F_INT, "15", "GreaterThan", "Int64", "14", true },
		{ F_INT, "15", "GreaterThan", "Int64", "15", false },
		{ F_INT, "15", "GreaterEquals", "Int64", "15", true },
		{ F_INT, "15", "GreaterEquals", "Int64", "16", false },
		{ F_INT, "15", "LessThan", "Int64", "16", true },
		{ F_INT, "15", "LessThan", "Int64", "15", false },
		{ F_INT, "15", "LessEquals", "Int64", "15", true },
		{ F_INT, "15", "LessEquals", "Int64", "14", false },
		{ F_INT, "-3", "LessThan", "Int64", "-2", true },
		{ F_INT, "9007199254740992", "GreaterThan", "Int64",
		  "9007199254740991", true },
		{ F_INT, "21000000000", "LessThan", "Int64", "1073741824",
		  false },
		{ F_DOUBLE, "14.5", "LessThan", "Int64", "15", true },
		{ F_DOUBLE, "15.0", "IsEquals", "Int64", "15", true },

		{ F_DOUBLE, "0.25", "IsEquals", "Double", "0.25", true },
		{ F_DOUBLE, "0.25", "NotEquals", "Double", "0.25", false },
		{ F_DOUBLE, "0.25", "NotEquals", "Double", "0.5", true },
		{ F_DOUBLE, "0.25", "GreaterThan", "Double", "0.2", true },
		{ F_DOUBLE, "0.25", "GreaterThan", "Double", "0.25", false },
		{ F_DOUBLE, "0.25", "GreaterEquals", "Double", "0.25", true },
		{ F_DOUBLE, "0.25", "GreaterEquals", "Double", "0.3", false },
		{ F_DOUBLE, "0.25", "LessThan", "Double", "0.3", true },
		{ F_DOUBLE, "0.25", "LessThan", "Double", "0.25", false },
		{ F_DOUBLE, "0.25", "LessEquals", "Double", "0.25", true },
		{ F_DOUBLE, "0.25", "LessEquals", "Double", "0.2", false },
		{ F_INT, "81", "GreaterEquals", "Double", "80.5", true },
		{ F_INT, "80", "GreaterEquals", "Double", "80.5", false },

		{ F_STR, "green", "IsEquals", "String", "\"green\"", true },
		{ F_STR, "green", "IsEquals", "String", "\"Green\"", false },
		{ F_STR, "green", "NotEquals", "String", "\"yellow\"", true },
		{ F_STR, "green", "NotEquals", "String", "\"green\"", false },
		{ F_STR, "", "IsEquals", "String", "\"\"", true },
		{ F_VER, "12.4", "IsEquals", "String", "\"12.4\"", true },
		{ F_VER, "12.4", "IsEquals", "String", "\"12.4.0\"", false },

		{ F_DATE, "2026-10-05", "LessThan", "DateTime", "\"2026-10-06\"",
		  true },
		{ F_DATE, "2026-10-05", "LessThan", "DateTime", "\"2026-10-05\"",
		  false },
		{ F_DATE, "2026-10-05", "LessEquals", "DateTime",
		  "\"2026-10-05\"", true },
		{ F_DATE, "2026-10-05", "LessEquals", "DateTime",
		  "\"2026-10-04T23:59:59Z\"", false },
		{ F_DATE, "2026-10-05", "GreaterThan", "DateTime",
		  "\"2026-10-04T23:59:59Z\"", true },
		{ F_DATE, "2026-10-05", "GreaterThan", "DateTime",
		  "\"2026-10-05\"", false },
		{ F_DATE, "2026-10-05", "GreaterEquals", "DateTime",
		  "\"2026-10-05T02:00:00+02:00\"", true },
		{ F_DATE, "2026-10-05", "GreaterEquals", "DateTime",
		  "\"2026-10-05T00:00:01Z\"", false },
		{ F_DATE, "2026-10-05", "IsEquals", "DateTime",
		  "\"2026-10-05T00:00:00Z\"", true },
		{ F_DATE, "2026-10-05T10:00:00Z", "IsEquals", "DateTime",
		  "\"2026-10-05\"", false },
		{ F_DATE, "2026-10-05", "NotEquals", "DateTime",
		  "\"2026-10-05T00:00:01Z\"", true },
		{ F_DATE, "2026-10-05", "NotEquals", "DateTime",
		  "\"2026-10-05\"", false },
		/* NOW - 90 days is 2026-08-24. */
		{ F_DATE, "2026-08-24", "LessThan", "DateTime", "\"now-P90D\"",
		  false },
		{ F_DATE, "2026-08-23", "LessThan", "DateTime", "\"now-P90D\"",
		  true },
		{ F_DATE, "2026-08-24", "GreaterEquals", "DateTime",
		  "\"now-P90D\"", true },
		{ F_DATE, "2026-11-22T11:59:59Z", "GreaterEquals", "DateTime",
		  "\"now+PT12H\"", false },
		{ F_DATE, "2026-11-22T12:00:00Z", "GreaterEquals", "DateTime",
		  "\"now+PT12H\"", true },
		{ F_STR, "2026-11-22", "IsEquals", "DateTime", "\"now\"", true },

		{ F_VER, "6.1.0-13-amd64", "LessThan", "Version",
		  "\"6.1.0-15\"", true },
		{ F_VER, "6.1.0-13-amd64", "LessThan", "Version",
		  "\"6.1.0-13\"", false },
		{ F_VER, "6.1.0-13-amd64", "GreaterEquals", "Version",
		  "\"6.1.0-13\"", true },
		{ F_VER, "6.1.0-13-amd64", "GreaterEquals", "Version",
		  "\"6.1.1\"", false },
		{ F_VER, "6.1.0-13-amd64", "GreaterThan", "Version", "\"6.1\"",
		  true },
		{ F_VER, "6.1.0-13-amd64", "GreaterThan", "Version",
		  "\"6.1.0.13\"", false },
		{ F_VER, "6.1.0-13-amd64", "LessEquals", "Version",
		  "\"6.1.0-13-arm64\"", true },
		{ F_VER, "6.1.0-13-amd64", "LessEquals", "Version", "\"6.1\"",
		  false },
		{ F_VER, "6.1.0-13-amd64", "IsEquals", "Version",
		  "\"6.1.0.13\"", true },
		{ F_VER, "12", "IsEquals", "Version", "\"12.0.0\"", true },
		{ F_VER, "1.10", "NotEquals", "Version", "\"1.9\"", true },
		{ F_VER, "1.10", "NotEquals", "Version", "\"1.10.0\"", false },
		{ F_STR, "12.8", "GreaterEquals", "Version", "\"12.4\"", true },
	};
	const struct posture_result *r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_fact(cases[i].ft, cases[i].fact);
		r = evaluate(rule1("x", cases[i].op, cases[i].type,
		    cases[i].value, "NON_COMPLIANT"), NULL, NULL);
		if (r->n != 1 || r->entry[0].state != (cases[i].fires
		    ? POSTURE_NON_COMPLIANT : POSTURE_COMPLIANT))
			fail_msg("case %zu: %s %s %s %s -> %s", i,
			    cases[i].fact, cases[i].op, cases[i].type,
			    cases[i].value,
			    posture_state_name(r->entry[0].state));
		assert_ptr_equal(r->entry[0].fact, &facts.f[0]);
	}
}

static void
test_type_mismatch_is_error(void **state)
{
	const struct posture_result *r;

	(void)state;
	hal_fact_int(&facts, "x", 1);
	r = evaluate(rule1("x", "IsEquals", "Boolean", "true", "DENIED"), NULL,
	    NULL);
	assert_int_equal(r->entry[0].state, POSTURE_ERROR);
	assert_int_equal(r->entry[0].reason, RULES_REASON_DEVICE_INCOMPATIBLE);
	assert_string_equal(r->entry[0].error,
	    "the fact's type does not match the condition's type");
	assert_int_equal(r->verdict, POSTURE_ERROR);

	set_fact(F_STR, "last tuesday");
	r = evaluate(rule1("x", "LessThan", "DateTime", "\"now\"",
	    "NON_COMPLIANT"), NULL, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_ERROR);
	assert_string_equal(r->entry[0].error,
	    "the fact is not an ISO 8601 date or timestamp");

	set_fact(F_STR, "unknown");
	r = evaluate(rule1("x", "LessThan", "Version", "\"12\"",
	    "NON_COMPLIANT"), NULL, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_ERROR);
	assert_string_equal(r->entry[0].error, "the fact is not a version");

	set_fact(F_BOOL, "true");
	r = evaluate(rule1("x", "IsEquals", "String", "\"true\"",
	    "NON_COMPLIANT"), NULL, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_ERROR);
}

static void
test_missing_fact_is_unknown(void **state)
{
	const struct posture_result *r;

	(void)state;
	hal_fact_bool(&facts, "other", true);
	r = evaluate(rule1("firewall.enabled", "IsEquals", "Boolean", "false",
	    "NON_COMPLIANT"), NULL, NULL);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->entry[0].state, POSTURE_UNKNOWN);
	assert_string_equal(r->entry[0].missing_fact, "firewall.enabled");
	assert_null(r->entry[0].fact);
	assert_int_equal(r->verdict, POSTURE_UNKNOWN);
	assert_false(r->policy_compliant);
}

static void
test_all_any(void **state)
{
	static const char *const fmt = "{\"rules\":[{\"id\":\"r\",\"match\":"
	    "\"%s\",\"result\":\"NON_COMPLIANT\",\"conditions\":["
	    "{\"fact\":\"%s\",\"operator\":\"IsEquals\",\"type\":\"Boolean\","
	    "\"value\":true},{\"fact\":\"%s\",\"operator\":\"IsEquals\","
	    "\"type\":\"Boolean\",\"value\":true}]}]}";
	static const struct {
		const char *match, *f1, *f2;
		enum posture_state want;
		const char *shown;
	} cases[] = {
		{ "all", "t", "t2", POSTURE_NON_COMPLIANT, "t" },
		{ "all", "t", "f", POSTURE_COMPLIANT, "f" },
		{ "all", "f", "t", POSTURE_COMPLIANT, "f" },
		{ "any", "f", "t", POSTURE_NON_COMPLIANT, "t" },
		{ "any", "f", "f2", POSTURE_COMPLIANT, "f" },
		/* A missing fact: decided when another condition decides. */
		{ "all", "missing", "t", POSTURE_UNKNOWN, NULL },
		{ "all", "missing", "f", POSTURE_COMPLIANT, "f" },
		{ "any", "missing", "t", POSTURE_NON_COMPLIANT, "t" },
		{ "any", "missing", "f", POSTURE_UNKNOWN, NULL },
		/* An unevaluable condition: likewise, and beats unknown. */
		{ "all", "int", "f", POSTURE_COMPLIANT, "f" },
		{ "all", "int", "t", POSTURE_ERROR, "int" },
		{ "any", "int", "t", POSTURE_NON_COMPLIANT, "t" },
		{ "any", "missing", "int", POSTURE_ERROR, "int" },
	};
	const struct posture_result *r;
	char doc[1024];
	size_t i;

	(void)state;
	hal_fact_bool(&facts, "t", true);
	hal_fact_bool(&facts, "t2", true);
	hal_fact_bool(&facts, "f", false);
	hal_fact_bool(&facts, "f2", false);
	hal_fact_int(&facts, "int", 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(doc, sizeof(doc), fmt, cases[i].match, cases[i].f1,
		    cases[i].f2);
		r = evaluate(doc, NULL, NULL);
		if (r->entry[0].state != cases[i].want)
			fail_msg("case %zu: got %s", i,
			    posture_state_name(r->entry[0].state));
		if (cases[i].shown == NULL) {
			assert_string_equal(r->entry[0].missing_fact,
			    "missing");
		} else {
			assert_non_null(r->entry[0].fact);
			assert_string_equal(r->entry[0].fact->name,
			    cases[i].shown);
		}
	}
}

static void
test_rule_result_states(void **state)
{
	const struct posture_result *r;

	(void)state;
	hal_fact_bool(&facts, "t", true);
	r = evaluate(rule1("t", "IsEquals", "Boolean", "true", "DENIED"), NULL,
	    NULL);
	assert_int_equal(r->entry[0].state, POSTURE_DENIED);
	assert_int_equal(r->entry[0].reason, RULES_REASON_INVALID_VALUE);
	assert_int_equal(r->verdict, POSTURE_DENIED);
	r = evaluate(rule1("t", "IsEquals", "Boolean", "false", "DENIED"), NULL,
	    NULL);
	assert_int_equal(r->entry[0].state, POSTURE_COMPLIANT);
	/* A COMPLIANT rule that fires is compliant, else not applicable. */
	r = evaluate(rule1("t", "IsEquals", "Boolean", "true", "COMPLIANT"),
	    NULL, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_COMPLIANT);
	assert_true(r->policy_compliant);
	r = evaluate(rule1("t", "IsEquals", "Boolean", "false", "COMPLIANT"),
	    NULL, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_NOT_APPLICABLE);
	assert_int_equal(r->verdict, POSTURE_NOT_APPLICABLE);
	assert_true(r->policy_compliant);
}

static const char staged[] = "{\"rules\":["
    "{\"id\":\"os-floor\",\"priority\":10,\"settingName\":\"osVersion\","
    "\"result\":\"NON_COMPLIANT\",\"nonComplianceReason\":\"API_LEVEL\","
    "\"remediation\":\"Update.\",\"conditions\":[{\"fact\":\"os.version\","
    "\"operator\":\"LessThan\",\"type\":\"Version\",\"value\":\"12.4\"}]},"
    "{\"id\":\"exempt\",\"priority\":1,\"settingName\":\"osVersion\","
    "\"result\":\"COMPLIANT\",\"conditions\":[{\"fact\":\"hw.model\","
    "\"operator\":\"IsEquals\",\"type\":\"String\",\"value\":\"Legacy 1\"}]},"
    "{\"id\":\"os-dead\",\"priority\":5,\"settingName\":\"osVersion\","
    "\"result\":\"DENIED\",\"conditions\":[{\"fact\":\"os.version\","
    "\"operator\":\"LessThan\",\"type\":\"Version\",\"value\":\"11\"}]},"
    "{\"id\":\"fw\",\"priority\":7,\"result\":\"NON_COMPLIANT\","
    "\"conditions\":[{\"fact\":\"firewall.enabled\",\"operator\":"
    "\"IsEquals\",\"type\":\"Boolean\",\"value\":false}]}]}";

static void
test_priority_order_and_supersede(void **state)
{
	const struct posture_result *r;

	(void)state;
	/* An exempted model: the exemption decides the setting. */
	hal_fact_str(&facts, HAL_FACT_STRING, "hw.model", "Legacy 1");
	hal_fact_str(&facts, HAL_FACT_VERSION, "os.version", "10.2");
	hal_fact_bool(&facts, "firewall.enabled", true);
	r = evaluate(staged, NULL, NULL);
	assert_int_equal(r->n, 4);
	assert_string_equal(r->entry[0].id, "exempt");
	assert_string_equal(r->entry[1].id, "os-dead");
	assert_string_equal(r->entry[2].id, "fw");
	assert_string_equal(r->entry[3].id, "os-floor");
	assert_int_equal(r->entry[0].state, POSTURE_COMPLIANT);
	assert_int_equal(r->entry[1].state, POSTURE_NOT_APPLICABLE);
	assert_string_equal(r->entry[1].superseded_by, "exempt");
	assert_int_equal(r->entry[3].state, POSTURE_NOT_APPLICABLE);
	assert_string_equal(r->entry[3].superseded_by, "exempt");
	assert_int_equal(r->entry[2].state, POSTURE_COMPLIANT);
	assert_int_equal(r->verdict, POSTURE_COMPLIANT);

	/* Another model on 10.2: the DENIED stage decides first. */
	memset(&facts, 0, sizeof(facts));
	hal_fact_str(&facts, HAL_FACT_STRING, "hw.model", "Field 3");
	hal_fact_str(&facts, HAL_FACT_VERSION, "os.version", "10.2");
	r = evaluate(staged, NULL, NULL);
	assert_int_equal(entry(r, "exempt")->state, POSTURE_NOT_APPLICABLE);
	assert_null(entry(r, "exempt")->superseded_by);
	assert_int_equal(entry(r, "os-dead")->state, POSTURE_DENIED);
	assert_int_equal(entry(r, "os-floor")->state, POSTURE_NOT_APPLICABLE);
	assert_string_equal(entry(r, "os-floor")->superseded_by, "os-dead");
	assert_int_equal(entry(r, "fw")->state, POSTURE_UNKNOWN);
	assert_int_equal(r->verdict, POSTURE_DENIED);

	/* 12.1: only the NON_COMPLIANT stage fires. */
	memset(&facts, 0, sizeof(facts));
	hal_fact_str(&facts, HAL_FACT_STRING, "hw.model", "Field 3");
	hal_fact_str(&facts, HAL_FACT_VERSION, "os.version", "12.1");
	hal_fact_bool(&facts, "firewall.enabled", true);
	r = evaluate(staged, NULL, NULL);
	assert_int_equal(entry(r, "os-dead")->state, POSTURE_COMPLIANT);
	assert_int_equal(entry(r, "os-floor")->state, POSTURE_NON_COMPLIANT);
	assert_int_equal(entry(r, "os-floor")->reason, RULES_REASON_API_LEVEL);
	assert_string_equal(entry(r, "os-floor")->remediation, "Update.");
	assert_string_equal(entry(r, "os-floor")->setting_name, "osVersion");
	assert_string_equal(entry(r, "os-floor")->fact->s, "12.1");
	assert_int_equal(r->verdict, POSTURE_NON_COMPLIANT);
	assert_false(r->policy_compliant);
}

/* Verdict = worst entry, in Intune's order with Denied above all. */
static void
test_verdict_ordering(void **state)
{
	static const struct {
		const char *a, *b;	/* fact names the two rules read */
		enum posture_state want;
	} cases[] = {
		{ "missing", "ok", POSTURE_COMPLIANT },
		{ "missing", "na", POSTURE_NOT_APPLICABLE },
		{ "na", "ok", POSTURE_COMPLIANT },
		{ "ok", "grace", POSTURE_IN_GRACE_PERIOD },
		{ "grace", "bad", POSTURE_NON_COMPLIANT },
		{ "bad", "int", POSTURE_ERROR },
		{ "int", "deny", POSTURE_DENIED },
		{ "deny", "grace", POSTURE_DENIED },
		{ "missing", "missing2", POSTURE_UNKNOWN },
	};
	/* Rule per fact name: what it yields on the facts below. */
	static const char *const rule_of[][2] = {
		{ "missing", "{\"id\":\"missing\",\"result\":\"DENIED\","
		  "\"conditions\":[{\"fact\":\"nope\",\"operator\":\"IsEquals\","
		  "\"type\":\"Boolean\",\"value\":true}]}" },
		{ "missing2", "{\"id\":\"missing2\",\"result\":\"DENIED\","
		  "\"conditions\":[{\"fact\":\"nope2\",\"operator\":"
		  "\"IsEquals\",\"type\":\"Boolean\",\"value\":true}]}" },
		{ "ok", "{\"id\":\"ok\",\"result\":\"DENIED\",\"conditions\":"
		  "[{\"fact\":\"t\",\"operator\":\"IsEquals\",\"type\":"
		  "\"Boolean\",\"value\":false}]}" },
		{ "na", "{\"id\":\"na\",\"result\":\"COMPLIANT\",\"conditions\":"
		  "[{\"fact\":\"t\",\"operator\":\"IsEquals\",\"type\":"
		  "\"Boolean\",\"value\":false}]}" },
		{ "grace", "{\"id\":\"grace\",\"result\":\"NON_COMPLIANT\","
		  "\"gracePeriodHours\":1,\"conditions\":[{\"fact\":\"t\","
		  "\"operator\":\"IsEquals\",\"type\":\"Boolean\",\"value\":"
		  "true}]}" },
		{ "bad", "{\"id\":\"bad\",\"result\":\"NON_COMPLIANT\","
		  "\"conditions\":[{\"fact\":\"t\",\"operator\":\"IsEquals\","
		  "\"type\":\"Boolean\",\"value\":true}]}" },
		{ "int", "{\"id\":\"int\",\"result\":\"NON_COMPLIANT\","
		  "\"conditions\":[{\"fact\":\"i\",\"operator\":\"IsEquals\","
		  "\"type\":\"Boolean\",\"value\":true}]}" },
		{ "deny", "{\"id\":\"deny\",\"result\":\"DENIED\",\"conditions\":"
		  "[{\"fact\":\"t\",\"operator\":\"IsEquals\",\"type\":"
		  "\"Boolean\",\"value\":true}]}" },
	};
	const struct posture_result *r;
	const char *ra, *rb;
	char doc[2048];
	size_t i, k;

	(void)state;
	assert_true(POSTURE_UNKNOWN < POSTURE_NOT_APPLICABLE &&
	    POSTURE_NOT_APPLICABLE < POSTURE_COMPLIANT &&
	    POSTURE_COMPLIANT < POSTURE_IN_GRACE_PERIOD &&
	    POSTURE_IN_GRACE_PERIOD < POSTURE_NON_COMPLIANT &&
	    POSTURE_NON_COMPLIANT < POSTURE_ERROR &&
	    POSTURE_ERROR < POSTURE_DENIED);
	hal_fact_bool(&facts, "t", true);
	hal_fact_int(&facts, "i", 3);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ra = rb = NULL;
		for (k = 0; k < sizeof(rule_of) / sizeof(rule_of[0]); k++) {
			if (strcmp(rule_of[k][0], cases[i].a) == 0)
				ra = rule_of[k][1];
			if (strcmp(rule_of[k][0], cases[i].b) == 0)
				rb = rule_of[k][1];
		}
		snprintf(doc, sizeof(doc), "{\"rules\":[%s,%s]}", ra, rb);
		r = evaluate(doc, NULL, NULL);
		if (r->verdict != cases[i].want)
			fail_msg("%s + %s: got %s", cases[i].a, cases[i].b,
			    posture_state_name(r->verdict));
		assert_int_equal(r->policy_compliant,
		    cases[i].want == POSTURE_COMPLIANT ||
		    cases[i].want == POSTURE_NOT_APPLICABLE);
	}
	/* Nothing to judge: compliant. */
	r = evaluate(NULL, NULL, NULL);
	assert_int_equal(r->n, 0);
	assert_int_equal(r->verdict, POSTURE_COMPLIANT);
	assert_true(r->policy_compliant);
}

static void
test_grace_period(void **state)
{
	static const char doc[] = "{\"rules\":[{\"id\":\"patch\",\"result\":"
	    "\"NON_COMPLIANT\",\"gracePeriodHours\":72,\"conditions\":[{"
	    "\"fact\":\"t\",\"operator\":\"IsEquals\",\"type\":\"Boolean\","
	    "\"value\":true}]},{\"id\":\"quiet\",\"result\":\"NON_COMPLIANT\","
	    "\"gracePeriodHours\":72,\"conditions\":[{\"fact\":\"t\","
	    "\"operator\":\"IsEquals\",\"type\":\"Boolean\",\"value\":false}]}"
	    "]}";
	struct history h = { "patch", 0, 0, "" };
	const struct posture_entry *e;
	const struct posture_result *r;

	(void)state;
	hal_fact_bool(&facts, "t", true);

	/* First failure: starts now. */
	r = evaluate(doc, NULL, NULL);
	e = entry(r, "patch");
	assert_int_equal(e->state, POSTURE_IN_GRACE_PERIOD);
	assert_int_equal(e->first_failed, NOW);
	assert_int_equal(e->grace_until, NOW + 72 * HOUR);
	assert_int_equal(r->verdict, POSTURE_IN_GRACE_PERIOD);
	assert_false(r->policy_compliant);

	/* Inside: one second before the end. */
	h.first = NOW - 72 * HOUR + 1;
	r = evaluate(doc, NULL, &h);
	e = entry(r, "patch");
	assert_int_equal(e->state, POSTURE_IN_GRACE_PERIOD);
	assert_int_equal(e->first_failed, NOW - 72 * HOUR + 1);
	assert_int_equal(e->grace_until, NOW + 1);
	/* Only the failing entry was looked up. */
	assert_int_equal(h.calls, 1);
	assert_string_equal(h.last_id, "patch");

	/* Exactly at the end: over. */
	h.first = NOW - 72 * HOUR;
	r = evaluate(doc, NULL, &h);
	e = entry(r, "patch");
	assert_int_equal(e->state, POSTURE_NON_COMPLIANT);
	assert_int_equal(e->first_failed, NOW - 72 * HOUR);
	assert_int_equal(e->grace_until, 0);
	assert_int_equal(r->verdict, POSTURE_NON_COMPLIANT);

	/* Long after. */
	h.first = NOW - 1000 * HOUR;
	r = evaluate(doc, NULL, &h);
	assert_int_equal(entry(r, "patch")->state, POSTURE_NON_COMPLIANT);

	/* A recorded time in the future (clock set back) restarts. */
	h.first = NOW + 5 * HOUR;
	r = evaluate(doc, NULL, &h);
	e = entry(r, "patch");
	assert_int_equal(e->state, POSTURE_IN_GRACE_PERIOD);
	assert_int_equal(e->first_failed, NOW);

	/* Not failing: no first-failed time. */
	assert_int_equal(entry(r, "quiet")->state, POSTURE_COMPLIANT);
	assert_int_equal(entry(r, "quiet")->first_failed, 0);
}

static void
test_denied_has_no_grace_but_history(void **state)
{
	struct history h = { "r", NOW - 10 * HOUR, 0, "" };
	const struct posture_result *r;

	(void)state;
	hal_fact_bool(&facts, "t", true);
	r = evaluate(rule1("t", "IsEquals", "Boolean", "true", "DENIED"), NULL,
	    &h);
	assert_int_equal(r->entry[0].state, POSTURE_DENIED);
	assert_int_equal(r->entry[0].first_failed, NOW - 10 * HOUR);
}

/* ------------------------------------------------------------------ */
/* Implicit rules                                                      */
/* ------------------------------------------------------------------ */

static void
passcode_facts(bool set, const char *quality, int64_t length, int64_t age)
{
	memset(&facts, 0, sizeof(facts));
	hal_fact_bool(&facts, "passcode.set", set);
	if (quality != NULL)
		hal_fact_str(&facts, HAL_FACT_STRING, "passcode.quality",
		    quality);
	if (length >= 0)
		hal_fact_int(&facts, "passcode.length", length);
	if (age >= 0)
		hal_fact_int(&facts, "passcode.age_days", age);
}

static void
test_passcode_not_set(void **state)
{
	struct policy_requirements req;
	const struct posture_result *r;
	const struct posture_entry *e;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.passcode_required = true;
	req.version = 42;
	passcode_facts(false, NULL, -1, -1);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->policy_version, 42);
	e = entry(r, "policy.passwordPolicies.passwordQuality");
	assert_int_equal(e->origin, POSTURE_FROM_POLICY);
	assert_string_equal(e->setting_name, "passwordPolicies");
	assert_string_equal(e->field_path, "passwordPolicies");
	assert_int_equal(e->state, POSTURE_NON_COMPLIANT);
	assert_int_equal(e->reason, RULES_REASON_USER_ACTION);
	assert_int_equal(e->specific, POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT);
	assert_string_equal(e->fact->name, "passcode.set");
	assert_string_equal(e->remediation,
	    "Set a screen-lock passcode that meets the policy.");

	passcode_facts(true, NULL, -1, -1);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_COMPLIANT);
	assert_int_equal(r->verdict, POSTURE_COMPLIANT);

	memset(&facts, 0, sizeof(facts));
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_UNKNOWN);
	assert_string_equal(r->entry[0].missing_fact, "passcode.set");
}

static void
test_passcode_quality(void **state)
{
	static const struct {
		enum hal_pw_quality req;
		const char *have;
		int64_t length;
		enum posture_state want;
		enum posture_specific specific;
	} cases[] = {
		{ HAL_PW_ALPHANUMERIC, "NUMERIC", 8, POSTURE_NON_COMPLIANT,
		  POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT },
		{ HAL_PW_ALPHANUMERIC, "ALPHANUMERIC", 4, POSTURE_COMPLIANT,
		  POSTURE_SPECIFIC_NONE },
		{ HAL_PW_NUMERIC_COMPLEX, "COMPLEX", -1, POSTURE_COMPLIANT,
		  POSTURE_SPECIFIC_NONE },
		{ HAL_PW_COMPLEX, "ALPHANUMERIC", 12, POSTURE_NON_COMPLIANT,
		  POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT },
		{ HAL_PW_SOMETHING, NULL, -1, POSTURE_COMPLIANT,
		  POSTURE_SPECIFIC_NONE },
		{ HAL_PW_COMPLEXITY_LOW, NULL, -1, POSTURE_COMPLIANT,
		  POSTURE_SPECIFIC_NONE },
		{ HAL_PW_NUMERIC, NULL, -1, POSTURE_NON_COMPLIANT,
		  POSTURE_SPECIFIC_PASSWORD_CONFIRMATION_REQUIRED },
		{ HAL_PW_NUMERIC, "PASSWORD_QUALITY_UNSPECIFIED", 4,
		  POSTURE_NON_COMPLIANT,
		  POSTURE_SPECIFIC_PASSWORD_CONFIRMATION_REQUIRED },
		{ HAL_PW_NUMERIC, "STRONG", 4, POSTURE_ERROR,
		  POSTURE_SPECIFIC_NONE },
		{ HAL_PW_COMPLEXITY_MEDIUM, "NUMERIC_COMPLEX", 4,
		  POSTURE_COMPLIANT, POSTURE_SPECIFIC_NONE },
		{ HAL_PW_COMPLEXITY_MEDIUM, "NUMERIC_COMPLEX", 3,
		  POSTURE_NON_COMPLIANT,
		  POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT },
		{ HAL_PW_COMPLEXITY_MEDIUM, "NUMERIC", 8, POSTURE_NON_COMPLIANT,
		  POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT },
		{ HAL_PW_COMPLEXITY_HIGH, "NUMERIC_COMPLEX", 7,
		  POSTURE_NON_COMPLIANT,
		  POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT },
		{ HAL_PW_COMPLEXITY_HIGH, "NUMERIC_COMPLEX", 8,
		  POSTURE_COMPLIANT, POSTURE_SPECIFIC_NONE },
		{ HAL_PW_COMPLEXITY_HIGH, "ALPHANUMERIC", 6, POSTURE_COMPLIANT,
		  POSTURE_SPECIFIC_NONE },
		{ HAL_PW_COMPLEXITY_HIGH, "ALPHANUMERIC", 5,
		  POSTURE_NON_COMPLIANT,
		  POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT },
		{ HAL_PW_COMPLEXITY_HIGH, "ALPHANUMERIC", -1,
		  POSTURE_NON_COMPLIANT,
		  POSTURE_SPECIFIC_PASSWORD_CONFIRMATION_REQUIRED },
		{ HAL_PW_COMPLEXITY_HIGH, "COMPLEXITY_HIGH", -1,
		  POSTURE_COMPLIANT, POSTURE_SPECIFIC_NONE },
		{ HAL_PW_COMPLEXITY_HIGH, "COMPLEXITY_MEDIUM", -1,
		  POSTURE_NON_COMPLIANT,
		  POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT },
		{ HAL_PW_NUMERIC_COMPLEX, "COMPLEXITY_MEDIUM", -1,
		  POSTURE_COMPLIANT, POSTURE_SPECIFIC_NONE },
		{ HAL_PW_ALPHABETIC, "COMPLEXITY_HIGH", -1,
		  POSTURE_NON_COMPLIANT,
		  POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT },
		{ HAL_PW_NUMERIC, "COMPLEXITY_LOW", -1, POSTURE_NON_COMPLIANT,
		  POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT },
	};
	struct policy_requirements req;
	const struct posture_result *r;
	const struct posture_entry *e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&req, 0, sizeof(req));
		req.passcode_required = true;
		req.passcode.quality = cases[i].req;
		passcode_facts(true, cases[i].have, cases[i].length, -1);
		r = evaluate(NULL, &req, NULL);
		e = entry(r, "policy.passwordPolicies.passwordQuality");
		if (e->state != cases[i].want || e->specific !=
		    cases[i].specific)
			fail_msg("case %zu: %s/%s", i,
			    posture_state_name(e->state),
			    posture_specific_name(e->specific));
		if (cases[i].want == POSTURE_COMPLIANT)
			continue;
		assert_int_equal(e->reason, cases[i].want == POSTURE_ERROR
		    ? RULES_REASON_DEVICE_INCOMPATIBLE
		    : RULES_REASON_USER_ACTION);
		if (cases[i].req != HAL_PW_UNSPECIFIED)
			assert_string_equal(e->field_path,
			    "passwordPolicies.passwordQuality");
		if (cases[i].specific ==
		    POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT)
			assert_string_equal(e->fact->name, "passcode.quality");
		if (cases[i].specific ==
		    POSTURE_SPECIFIC_PASSWORD_CONFIRMATION_REQUIRED)
			assert_string_equal(e->remediation, "Unlock the device "
			    "with the passcode so that its strength can be "
			    "checked.");
	}
}

static void
test_passcode_length(void **state)
{
	struct policy_requirements req;
	const struct posture_result *r;
	const struct posture_entry *e;
	const char *id = "policy.passwordPolicies.passwordMinimumLength";

	(void)state;
	memset(&req, 0, sizeof(req));
	req.passcode.min_length = 8;
	passcode_facts(true, "ALPHANUMERIC", 7, -1);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->n, 2);
	assert_int_equal(entry(r, "policy.passwordPolicies.passwordQuality")
	    ->state, POSTURE_COMPLIANT);
	e = entry(r, id);
	assert_int_equal(e->state, POSTURE_NON_COMPLIANT);
	assert_int_equal(e->reason, RULES_REASON_USER_ACTION);
	assert_int_equal(e->specific, POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT);
	assert_string_equal(e->field_path,
	    "passwordPolicies.passwordMinimumLength");
	assert_string_equal(e->fact->name, "passcode.length");
	assert_int_equal(e->fact->i, 7);
	assert_string_equal(e->remediation,
	    "Change the passcode to one of at least 8 characters.");

	passcode_facts(true, "ALPHANUMERIC", 8, -1);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(entry(r, id)->state, POSTURE_COMPLIANT);
	assert_int_equal(r->verdict, POSTURE_COMPLIANT);

	passcode_facts(true, "ALPHANUMERIC", -1, -1);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(entry(r, id)->specific,
	    POSTURE_SPECIFIC_PASSWORD_CONFIRMATION_REQUIRED);

	passcode_facts(false, NULL, 0, -1);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(entry(r, id)->state, POSTURE_NON_COMPLIANT);
	assert_string_equal(entry(r, id)->fact->name, "passcode.set");
}

static void
test_passcode_expiry(void **state)
{
	struct policy_requirements req;
	const struct posture_result *r;
	const struct posture_entry *e;
	const char *id = "policy.passwordPolicies.passwordExpirationTimeout";

	(void)state;
	memset(&req, 0, sizeof(req));
	req.passcode.expiration_seconds = 90 * 86400;
	passcode_facts(true, "NUMERIC", 6, 89);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(entry(r, id)->state, POSTURE_COMPLIANT);

	passcode_facts(true, "NUMERIC", 6, 90);
	r = evaluate(NULL, &req, NULL);
	e = entry(r, id);
	assert_int_equal(e->state, POSTURE_NON_COMPLIANT);
	assert_int_equal(e->reason, RULES_REASON_USER_ACTION);
	assert_int_equal(e->specific, POSTURE_SPECIFIC_PASSWORD_EXPIRED);
	assert_string_equal(e->field_path,
	    "passwordPolicies.passwordExpirationTimeout");
	assert_int_equal(e->fact->i, 90);
	assert_string_equal(e->remediation, "Change the passcode: it is older "
	    "than the 90 days the policy allows.");

	/* 36 hours: expired on day 2, not on day 1. */
	req.passcode.expiration_seconds = 36 * 3600;
	passcode_facts(true, "NUMERIC", 6, 1);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(entry(r, id)->state, POSTURE_COMPLIANT);
	passcode_facts(true, "NUMERIC", 6, 2);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(entry(r, id)->state, POSTURE_NON_COMPLIANT);

	passcode_facts(false, NULL, -1, 400);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(entry(r, id)->state, POSTURE_NOT_APPLICABLE);

	passcode_facts(true, "NUMERIC", 6, -1);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(entry(r, id)->state, POSTURE_UNKNOWN);
	assert_string_equal(entry(r, id)->missing_fact, "passcode.age_days");
}

static void
test_encryption(void **state)
{
	struct policy_requirements req;
	const struct posture_result *r;
	const struct posture_entry *e;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.encryption_required = true;
	hal_fact_bool(&facts, "disk.encrypted", false);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->n, 1);
	e = entry(r, "policy.encryptionPolicy");
	assert_int_equal(e->state, POSTURE_NON_COMPLIANT);
	assert_int_equal(e->reason, RULES_REASON_INVALID_VALUE);
	assert_int_equal(e->specific, POSTURE_SPECIFIC_NONE);
	assert_string_equal(e->setting_name, "encryptionPolicy");
	assert_string_equal(e->field_path, "encryptionPolicy");
	assert_false(e->fact->b);
	assert_non_null(e->remediation);

	hal_fact_bool(&facts, "disk.encrypted", true);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_COMPLIANT);

	memset(&facts, 0, sizeof(facts));
	hal_fact_str(&facts, HAL_FACT_STRING, "disk.encrypted", "yes");
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_ERROR);
	assert_int_equal(r->entry[0].reason, RULES_REASON_DEVICE_INCOMPATIBLE);

	memset(&facts, 0, sizeof(facts));
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_UNKNOWN);
}

static void
test_os_floor(void **state)
{
	struct policy_requirements req;
	const struct posture_result *r;
	const struct posture_entry *e;

	(void)state;
	memset(&req, 0, sizeof(req));
	snprintf(req.min_os_version, sizeof(req.min_os_version), "12.4");
	hal_fact_str(&facts, HAL_FACT_VERSION, "os.version", "12.3.9");
	r = evaluate(NULL, &req, NULL);
	e = entry(r, "policy.minimumApiLevel");
	assert_int_equal(e->state, POSTURE_NON_COMPLIANT);
	assert_int_equal(e->reason, RULES_REASON_API_LEVEL);
	assert_string_equal(e->setting_name, "minimumApiLevel");
	assert_string_equal(e->field_path, "minimumApiLevel");
	assert_string_equal(e->fact->s, "12.3.9");
	assert_string_equal(e->remediation,
	    "Update the operating system to version 12.4 or later.");

	hal_fact_str(&facts, HAL_FACT_VERSION, "os.version", "12.4");
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_COMPLIANT);
	hal_fact_str(&facts, HAL_FACT_VERSION, "os.version", "13");
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_COMPLIANT);

	hal_fact_str(&facts, HAL_FACT_VERSION, "os.version", "trixie/sid");
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_ERROR);
	assert_int_equal(r->entry[0].reason, RULES_REASON_DEVICE_INCOMPATIBLE);

	snprintf(req.min_os_version, sizeof(req.min_os_version), "latest");
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_ERROR);
	assert_int_equal(r->entry[0].reason, RULES_REASON_INVALID_VALUE);

	snprintf(req.min_os_version, sizeof(req.min_os_version), "12");
	memset(&facts, 0, sizeof(facts));
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->entry[0].state, POSTURE_UNKNOWN);
	assert_string_equal(r->entry[0].missing_fact, "os.version");
}

static void
test_restrictions(void **state)
{
	struct policy_requirements req;
	const struct posture_result *r;
	const struct posture_entry *e;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.camera_blocked = true;
	req.screen_capture_blocked = true;
	req.usb_data_blocked = true;
	hal_fact_bool(&facts, "camera.present", true);
	hal_fact_bool(&facts, "camera.blocked", false);
	hal_fact_bool(&facts, "screen_capture.blocked", true);
	hal_fact_bool(&facts, "usb.data_blocked", false);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->n, 3);
	e = entry(r, "policy.cameraAccess");
	assert_int_equal(e->state, POSTURE_NON_COMPLIANT);
	assert_int_equal(e->reason, RULES_REASON_INVALID_VALUE);
	assert_string_equal(e->setting_name, "cameraAccess");
	assert_string_equal(e->fact->name, "camera.blocked");
	assert_int_equal(entry(r, "policy.screenCaptureDisabled")->state,
	    POSTURE_COMPLIANT);
	e = entry(r, "policy.usbDataAccess");
	assert_int_equal(e->state, POSTURE_NON_COMPLIANT);
	assert_string_equal(e->setting_name, "usbDataAccess");
	assert_int_equal(r->verdict, POSTURE_NON_COMPLIANT);

	/* No camera: nothing to block. */
	hal_fact_bool(&facts, "camera.present", false);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(entry(r, "policy.cameraAccess")->state,
	    POSTURE_NOT_APPLICABLE);
}

static void
test_extras(void **state)
{
	static const struct posture_extra extras[] = {
		{ "policy.kioskCustomization", "kioskCustomization",
		  "kioskCustomization.statusBar", RULES_REASON_UNSUPPORTED,
		  POSTURE_SPECIFIC_NONE, NULL, NULL },
		{ NULL, "cameraAccess", NULL, RULES_REASON_PENDING,
		  POSTURE_SPECIFIC_NONE, "CAMERA_ACCESS_USER_CHOICE",
		  "Applying." },
		{ "enforce.usbDataAccess", "usbDataAccess", NULL,
		  RULES_REASON_MANAGEMENT_MODE, POSTURE_SPECIFIC_NONE, NULL,
		  NULL },
	};
	struct history h = { "cameraAccess", NOW - 60, 0, "" };
	struct posture_extra many[POSTURE_EXTRAS_MAX + 1];
	struct posture_input in;
	struct rules_set *rs;
	const struct posture_entry *e;
	size_t i;

	(void)state;
	hal_fact_bool(&facts, "t", true);
	memset(&in, 0, sizeof(in));
	in.facts = &facts;
	rs = rules(rule1("t", "IsEquals", "Boolean", "false",
	    "NON_COMPLIANT"));
	in.rules = rs;
	in.extras = extras;
	in.nextras = 3;
	in.now = NOW;
	in.history = history_fn;
	in.history_arg = &h;
	assert_int_equal(posture_evaluate(&in, &result), 0);
	assert_int_equal(result.n, 4);
	assert_string_equal(result.entry[0].id, "r");
	e = &result.entry[1];
	assert_int_equal(e->origin, POSTURE_FROM_EXTRA);
	assert_int_equal(e->state, POSTURE_NON_COMPLIANT);
	assert_int_equal(e->reason, RULES_REASON_UNSUPPORTED);
	assert_string_equal(e->field_path, "kioskCustomization.statusBar");
	e = &result.entry[2];
	assert_string_equal(e->id, "cameraAccess");
	assert_int_equal(e->state, POSTURE_IN_GRACE_PERIOD);
	assert_int_equal(e->reason, RULES_REASON_PENDING);
	assert_string_equal(e->current_text, "CAMERA_ACCESS_USER_CHOICE");
	assert_string_equal(e->remediation, "Applying.");
	assert_int_equal(e->first_failed, NOW - 60);
	assert_int_equal(result.entry[3].reason, RULES_REASON_MANAGEMENT_MODE);
	assert_int_equal(result.entry[3].first_failed, NOW);
	assert_int_equal(result.verdict, POSTURE_NON_COMPLIANT);
	assert_false(result.policy_compliant);

	/* Pending alone keeps the device in its grace period. */
	in.extras = &extras[1];
	in.nextras = 1;
	assert_int_equal(posture_evaluate(&in, &result), 0);
	assert_int_equal(result.verdict, POSTURE_IN_GRACE_PERIOD);

	/* Caller errors. */
	memset(many, 0, sizeof(many));
	for (i = 0; i < POSTURE_EXTRAS_MAX + 1; i++)
		many[i].setting_name = "x";
	in.extras = many;
	in.nextras = POSTURE_EXTRAS_MAX;
	assert_int_equal(posture_evaluate(&in, &result), 0);
	assert_int_equal(result.n, POSTURE_EXTRAS_MAX + 1);
	in.nextras = POSTURE_EXTRAS_MAX + 1;
	errno = 0;
	assert_int_equal(posture_evaluate(&in, &result), -1);
	assert_int_equal(errno, EINVAL);
	many[0].setting_name = NULL;
	in.nextras = 1;
	assert_int_equal(posture_evaluate(&in, &result), -1);
	rules_free(rs);
}

/* ------------------------------------------------------------------ */
/* Security posture                                                    */
/* ------------------------------------------------------------------ */

static void
clean_integrity(void)
{
	memset(&facts, 0, sizeof(facts));
	hal_fact_bool(&facts, "integrity.rooted", false);
	hal_fact_bool(&facts, "integrity.secure_boot", true);
	hal_fact_bool(&facts, "integrity.selinux_enforcing", true);
	hal_fact_bool(&facts, "integrity.verified_root", true);
	hal_fact_str(&facts, HAL_FACT_STRING, "integrity.boot_state", "green");
	hal_fact_bool(&facts, "integrity.debugger_attached", false);
	hal_fact_bool(&facts, "integrity.usr_writable", false);
	hal_fact_int(&facts, "integrity.kernel_tainted", 1 | 4096);
}

static void
test_security_posture(void **state)
{
	const struct posture_result *r;
	const struct posture_security *s;

	(void)state;
	r = evaluate(NULL, NULL, NULL);
	assert_int_equal(r->security.device, POSTURE_DEVICE_UNSPECIFIED);
	assert_int_equal(r->security.ndetail, 0);

	clean_integrity();
	r = evaluate(NULL, NULL, NULL);
	assert_int_equal(r->security.device, POSTURE_DEVICE_SECURE);
	assert_int_equal(r->security.ndetail, 0);

	clean_integrity();
	hal_fact_bool(&facts, "integrity.rooted", true);
	hal_fact_str(&facts, HAL_FACT_STRING, "integrity.boot_state", "orange");
	hal_fact_bool(&facts, "integrity.secure_boot", false);
	r = evaluate(NULL, NULL, NULL);
	s = &r->security;
	assert_int_equal(s->device, POSTURE_DEVICE_POTENTIALLY_COMPROMISED);
	assert_int_equal(s->ndetail, 3);
	assert_int_equal(s->detail[0].risk, POSTURE_RISK_COMPROMISED_OS);
	assert_int_equal(s->detail[0].nadvice, 1);
	assert_string_equal(s->detail[0].advice[0], "Root access is possible "
	    "on the device: reflash a verified system image.");
	assert_int_equal(s->detail[1].risk, POSTURE_RISK_UNKNOWN_OS);
	assert_string_equal(s->detail[1].advice[0], "The bootloader is "
	    "unlocked (orange): lock the bootloader.");
	assert_int_equal(s->detail[2].risk,
	    POSTURE_RISK_HARDWARE_BACKED_EVALUATION_FAILED);
	/* Posture alone does not change the verdict: rules do. */
	assert_int_equal(r->verdict, POSTURE_COMPLIANT);

	clean_integrity();
	hal_fact_str(&facts, HAL_FACT_STRING, "integrity.boot_state", "yellow");
	hal_fact_bool(&facts, "integrity.selinux_enforcing", false);
	hal_fact_int(&facts, "integrity.kernel_tainted", 8192);
	hal_fact_bool(&facts, "integrity.usr_writable", true);
	hal_fact_bool(&facts, "integrity.verified_root", false);
	r = evaluate(NULL, NULL, NULL);
	s = &r->security;
	assert_int_equal(s->device, POSTURE_DEVICE_AT_RISK);
	assert_int_equal(s->ndetail, 1);
	assert_int_equal(s->detail[0].risk, POSTURE_RISK_UNKNOWN_OS);
	assert_int_equal(s->detail[0].nadvice, 5);

	clean_integrity();
	hal_fact_str(&facts, HAL_FACT_STRING, "integrity.boot_state", "red");
	hal_fact_bool(&facts, "integrity.debugger_attached", true);
	r = evaluate(NULL, NULL, NULL);
	assert_int_equal(r->security.device,
	    POSTURE_DEVICE_POTENTIALLY_COMPROMISED);
	assert_int_equal(r->security.detail[0].nadvice, 2);
}

static void
test_result_reuse(void **state)
{
	struct policy_requirements req;
	const struct posture_result *r;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.encryption_required = true;
	req.camera_blocked = true;
	hal_fact_bool(&facts, "disk.encrypted", false);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->n, 2);
	req.camera_blocked = false;
	hal_fact_bool(&facts, "disk.encrypted", true);
	r = evaluate(NULL, &req, NULL);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->verdict, POSTURE_COMPLIANT);
	assert_int_equal(r->entry[0].first_failed, 0);
	assert_null(r->entry[0].remediation);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(posture_state_name(POSTURE_UNKNOWN), "Unknown");
	assert_string_equal(posture_state_name(POSTURE_NOT_APPLICABLE),
	    "NotApplicable");
	assert_string_equal(posture_state_name(POSTURE_IN_GRACE_PERIOD),
	    "InGracePeriod");
	assert_string_equal(posture_state_name(POSTURE_NON_COMPLIANT),
	    "NonCompliant");
	assert_string_equal(posture_state_name(POSTURE_DENIED), "Denied");
	assert_string_equal(posture_specific_name(
	    POSTURE_SPECIFIC_PASSWORD_CONFIRMATION_REQUIRED),
	    "PASSWORD_POLICIES_USER_CREDENTIALS_CONFIRMATION_REQUIRED");
	assert_string_equal(posture_risk_name(
	    POSTURE_RISK_HARDWARE_BACKED_EVALUATION_FAILED),
	    "HARDWARE_BACKED_EVALUATION_FAILED");
	assert_string_equal(posture_device_name(POSTURE_DEVICE_AT_RISK),
	    "AT_RISK");
}

/* The example rule set over the simulator's default (compliant) device. */
static void
test_example_rules(void **state)
{
	struct rules_set *rs = NULL;
	struct posture_input in;
	char err[256];

	(void)state;
	hal_fact_str(&facts, HAL_FACT_VERSION, "os.version", "12.8");
	hal_fact_str(&facts, HAL_FACT_VERSION, "os.kernel", "6.1.0-28-arm64");
	hal_fact_str(&facts, HAL_FACT_DATETIME, "os.security_patch",
	    "2026-10-05");
	hal_fact_bool(&facts, "disk.encrypted", true);
	hal_fact_bool(&facts, "integrity.rooted", false);
	hal_fact_bool(&facts, "integrity.debugger_attached", false);
	hal_fact_str(&facts, HAL_FACT_STRING, "integrity.boot_state", "green");
	hal_fact_bool(&facts, "integrity.selinux_enforcing", true);
	hal_fact_bool(&facts, "firewall.enabled", true);
	hal_fact_bool(&facts, "time.synced", true);
	hal_fact_int(&facts, "storage.free_bytes", 21000000000LL);
	hal_fact_int(&facts, "battery.level", 81);
	hal_fact_bool(&facts, "battery.charging", false);
	assert_int_equal(rules_load("examples/rules/handheld.json", &rs, err,
	    sizeof(err)), 0);
	memset(&in, 0, sizeof(in));
	in.facts = &facts;
	in.rules = rs;
	in.now = NOW;
	assert_int_equal(posture_evaluate(&in, &result), 0);
	assert_int_equal(result.n, rs->nrules);
	assert_int_equal(result.verdict, POSTURE_COMPLIANT);

	hal_fact_bool(&facts, "integrity.rooted", true);
	hal_fact_int(&facts, "battery.level", 9);
	assert_int_equal(posture_evaluate(&in, &result), 0);
	assert_int_equal(result.verdict, POSTURE_DENIED);
	assert_int_equal(result.entry[0].state, POSTURE_DENIED);
	assert_string_equal(result.entry[0].id, "not-rooted");
	rules_free(rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_operators_by_type, reset),
		cmocka_unit_test_setup(test_type_mismatch_is_error, reset),
		cmocka_unit_test_setup(test_missing_fact_is_unknown, reset),
		cmocka_unit_test_setup(test_all_any, reset),
		cmocka_unit_test_setup(test_rule_result_states, reset),
		cmocka_unit_test_setup(test_priority_order_and_supersede,
		    reset),
		cmocka_unit_test_setup(test_verdict_ordering, reset),
		cmocka_unit_test_setup(test_grace_period, reset),
		cmocka_unit_test_setup(test_denied_has_no_grace_but_history,
		    reset),
		cmocka_unit_test_setup(test_passcode_not_set, reset),
		cmocka_unit_test_setup(test_passcode_quality, reset),
		cmocka_unit_test_setup(test_passcode_length, reset),
		cmocka_unit_test_setup(test_passcode_expiry, reset),
		cmocka_unit_test_setup(test_encryption, reset),
		cmocka_unit_test_setup(test_os_floor, reset),
		cmocka_unit_test_setup(test_restrictions, reset),
		cmocka_unit_test_setup(test_extras, reset),
		cmocka_unit_test_setup(test_security_posture, reset),
		cmocka_unit_test_setup(test_result_reuse, reset),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup(test_example_rules, reset),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	evaluate(NULL, NULL, NULL);	/* frees the last kept rule set */
	return rc;
}
