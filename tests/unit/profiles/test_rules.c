/*
 * test_rules.c - the posture rule document parser (profiles/rules.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "profiles/rules.h"
#include "tests/unit/support.h"

static struct rules_set *
parse_ok(const char *text)
{
	struct rules_set *rs = NULL;
	char err[256];

	if (rules_parse(text, strlen(text), &rs, err, sizeof(err)) != 0)
		fail_msg("unexpected parse error: %s", err);
	assert_non_null(rs);
	return rs;
}

static void
parse_err(const char *text, const char *want)
{
	struct rules_set *rs = NULL;
	char err[256];

	assert_int_equal(rules_parse(text, strlen(text), &rs, err,
	    sizeof(err)), -1);
	assert_null(rs);
	assert_string_equal(err, want);
}

/* A document with one rule whose only condition is `cond`. */
static char *
one_cond(const char *cond)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "{\"rules\":[{\"id\":\"r\",\"result\":"
	    "\"NON_COMPLIANT\",\"conditions\":[%s]}]}", cond);
	return buf;
}

static void
test_minimal_defaults(void **state)
{
	struct rules_set *rs;
	const struct rules_rule *r;

	(void)state;
	rs = parse_ok("{\"rules\":[{\"id\":\"fw\",\"result\":\"NON_COMPLIANT\","
	    "\"conditions\":[{\"fact\":\"firewall.enabled\",\"operator\":"
	    "\"IsEquals\",\"type\":\"Boolean\",\"value\":false}]}]}");
	assert_int_equal(rs->nrules, 1);
	assert_int_equal(rs->version, 0);
	r = &rs->rules[0];
	assert_string_equal(r->id, "fw");
	assert_string_equal(r->setting_name, "fw");
	assert_string_equal(r->field_path, "");
	assert_string_equal(r->remediation, "");
	assert_int_equal(r->priority, 0);
	assert_int_equal(r->match, RULES_MATCH_ALL);
	assert_int_equal(r->result, RULES_RESULT_NON_COMPLIANT);
	assert_int_equal(r->reason, RULES_REASON_INVALID_VALUE);
	assert_int_equal(r->grace_seconds, 0);
	assert_int_equal(r->ncond, 1);
	assert_string_equal(r->cond[0].fact, "firewall.enabled");
	assert_int_equal(r->cond[0].fact_hash,
	    rules_fact_hash("firewall.enabled"));
	assert_int_equal(r->cond[0].op, RULES_OP_EQ);
	assert_int_equal(r->cond[0].type, RULES_TYPE_BOOLEAN);
	assert_false(r->cond[0].b);
	assert_string_equal(r->cond[0].s, "false");
	rules_free(rs);
}

static void
test_all_fields(void **state)
{
	struct rules_set *rs;
	const struct rules_rule *r;

	(void)state;
	rs = parse_ok("{\"version\":7,\"rules\":[{\"id\":\"os-floor\","
	    "\"priority\":10,\"match\":\"any\",\"result\":\"NON_COMPLIANT\","
	    "\"gracePeriodHours\":72,\"remediation\":\"Update the OS.\","
	    "\"settingName\":\"osVersion\",\"fieldPath\":\"minimumApiLevel\","
	    "\"nonComplianceReason\":\"API_LEVEL\",\"conditions\":["
	    "{\"fact\":\"os.version\",\"operator\":\"LessThan\",\"type\":"
	    "\"Version\",\"value\":\"12.4\"},"
	    "{\"fact\":\"os.kernel\",\"operator\":\"LessEquals\",\"type\":"
	    "\"Version\",\"value\":\"6.1.0-13-amd64\"}]}]}");
	assert_int_equal(rs->version, 7);
	r = &rs->rules[0];
	assert_int_equal(r->priority, 10);
	assert_int_equal(r->match, RULES_MATCH_ANY);
	assert_int_equal(r->grace_seconds, 72 * 3600);
	assert_string_equal(r->remediation, "Update the OS.");
	assert_string_equal(r->setting_name, "osVersion");
	assert_string_equal(r->field_path, "minimumApiLevel");
	assert_int_equal(r->reason, RULES_REASON_API_LEVEL);
	assert_int_equal(r->ncond, 2);
	assert_int_equal(r->cond[0].v.n, 2);
	assert_int_equal(r->cond[0].v.part[0], 12);
	assert_int_equal(r->cond[0].v.part[1], 4);
	assert_int_equal(r->cond[1].v.n, 4);
	assert_int_equal(r->cond[1].v.part[3], 13);
	assert_string_equal(r->cond[1].s, "6.1.0-13-amd64");
	rules_free(rs);
}

static void
test_value_types(void **state)
{
	struct rules_set *rs;
	const struct rules_condition *c;

	(void)state;
	rs = parse_ok("{\"rules\":[{\"id\":\"a\",\"result\":\"DENIED\","
	    "\"conditions\":["
	    "{\"fact\":\"battery.level\",\"operator\":\"GreaterThan\","
	    "\"type\":\"Int64\",\"value\":-9007199254740992},"
	    "{\"fact\":\"x.ratio\",\"operator\":\"LessEquals\",\"type\":"
	    "\"Double\",\"value\":0.25},"
	    "{\"fact\":\"integrity.boot_state\",\"operator\":\"NotEquals\","
	    "\"type\":\"String\",\"value\":\"green\"},"
	    "{\"fact\":\"os.security_patch\",\"operator\":\"LessThan\","
	    "\"type\":\"DateTime\",\"value\":\"2026-11-01\"},"
	    "{\"fact\":\"os.security_patch\",\"operator\":\"LessThan\","
	    "\"type\":\"DateTime\",\"value\":\"now-P90D\"},"
	    "{\"fact\":\"a.time\",\"operator\":\"GreaterEquals\",\"type\":"
	    "\"DateTime\",\"value\":\"now+PT12H\"},"
	    "{\"fact\":\"a.time\",\"operator\":\"IsEquals\",\"type\":"
	    "\"DateTime\",\"value\":\"now-P2W\"},"
	    "{\"fact\":\"a.time\",\"operator\":\"IsEquals\",\"type\":"
	    "\"DateTime\",\"value\":\"now\"}"
	    "]}]}");
	c = rs->rules[0].cond;
	assert_int_equal(c[0].i, -9007199254740992LL);
	assert_string_equal(c[0].s, "-9007199254740992");
	assert_true(c[1].d == 0.25);
	assert_string_equal(c[2].s, "green");
	assert_false(c[3].t_relative);
	assert_int_equal(c[3].t, 1793491200);
	assert_true(c[4].t_relative);
	assert_int_equal(c[4].t, -90 * 86400);
	assert_int_equal(c[5].t, 12 * 3600);
	assert_int_equal(c[6].t, -14 * 86400);
	assert_true(c[7].t_relative);
	assert_int_equal(c[7].t, 0);
	rules_free(rs);
}

static void
test_priority_sort_and_groups(void **state)
{
	struct rules_set *rs;

	(void)state;
	rs = parse_ok("{\"rules\":["
	    "{\"id\":\"c\",\"priority\":30,\"result\":\"DENIED\",\"settingName\":"
	    "\"os\",\"conditions\":[{\"fact\":\"f\",\"operator\":\"IsEquals\","
	    "\"type\":\"Boolean\",\"value\":true}]},"
	    "{\"id\":\"a\",\"priority\":10,\"result\":\"DENIED\",\"conditions\":"
	    "[{\"fact\":\"f\",\"operator\":\"IsEquals\",\"type\":\"Boolean\","
	    "\"value\":true}]},"
	    "{\"id\":\"b1\",\"priority\":20,\"result\":\"DENIED\",\"settingName\":"
	    "\"os\",\"conditions\":[{\"fact\":\"f\",\"operator\":\"IsEquals\","
	    "\"type\":\"Boolean\",\"value\":true}]},"
	    "{\"id\":\"b2\",\"priority\":20,\"result\":\"DENIED\","
	    "\"conditions\":[{\"fact\":\"f\",\"operator\":\"IsEquals\","
	    "\"type\":\"Boolean\",\"value\":true}]}]}");
	assert_int_equal(rs->nrules, 4);
	assert_string_equal(rs->rules[0].id, "a");
	assert_string_equal(rs->rules[1].id, "b1");
	assert_string_equal(rs->rules[2].id, "b2");
	assert_string_equal(rs->rules[3].id, "c");
	assert_int_equal(rs->rules[3].doc_index, 0);
	assert_int_equal(rs->ngroups, 3);
	assert_int_equal(rs->rules[1].setting_group,
	    rs->rules[3].setting_group);
	assert_int_not_equal(rs->rules[0].setting_group,
	    rs->rules[1].setting_group);
	assert_int_not_equal(rs->rules[2].setting_group,
	    rs->rules[1].setting_group);
	rules_free(rs);
}

static void
test_empty_rules(void **state)
{
	struct rules_set *rs;

	(void)state;
	rs = parse_ok(" {\"rules\":[]}\n");
	assert_int_equal(rs->nrules, 0);
	assert_int_equal(rs->ngroups, 0);
	rules_free(rs);
	rules_free(NULL);
}

static void
test_operator_type_errors(void **state)
{
	(void)state;
	parse_err("{\"rules\":[{\"id\":\"a\",\"result\":\"DENIED\","
	    "\"conditions\":[{\"fact\":\"f\",\"operator\":\"IsEquals\","
	    "\"type\":\"Boolean\",\"value\":true}]},{\"id\":\"b\",\"result\":"
	    "\"DENIED\",\"conditions\":[{\"fact\":\"f\",\"operator\":"
	    "\"IsEquals\",\"type\":\"Boolean\",\"value\":true}]},{\"id\":\"c\","
	    "\"result\":\"DENIED\",\"conditions\":[{\"fact\":\"f\",\"operator\":"
	    "\"Greater\",\"type\":\"Int64\",\"value\":1}]}]}",
	    "rules[2].conditions[0].operator: unknown operator \"Greater\"");
	parse_err(one_cond("{\"fact\":\"f\",\"operator\":\"GreaterThan\","
	    "\"type\":\"Boolean\",\"value\":true}"),
	    "rules[0].conditions[0].operator: GreaterThan is not defined for "
	    "type Boolean (only IsEquals, NotEquals)");
	parse_err(one_cond("{\"fact\":\"f\",\"operator\":\"LessEquals\","
	    "\"type\":\"String\",\"value\":\"x\"}"),
	    "rules[0].conditions[0].operator: LessEquals is not defined for "
	    "type String (only IsEquals, NotEquals)");
	parse_err(one_cond("{\"fact\":\"f\",\"operator\":\"IsEquals\","
	    "\"type\":\"Integer\",\"value\":1}"),
	    "rules[0].conditions[0].type: unknown type \"Integer\"");
	parse_err(one_cond("{\"fact\":\"f\",\"operator\":\"isequals\","
	    "\"type\":\"Int64\",\"value\":1}"),
	    "rules[0].conditions[0].operator: unknown operator \"isequals\"");
	parse_err(one_cond("{\"fact\":\"f\",\"type\":\"Int64\",\"value\":1}"),
	    "rules[0].conditions[0].operator: missing");
	parse_err(one_cond("{\"fact\":\"f\",\"operator\":\"IsEquals\","
	    "\"value\":1}"), "rules[0].conditions[0].type: missing");
	parse_err(one_cond("{\"fact\":\"f\",\"operator\":\"IsEquals\","
	    "\"type\":\"Int64\"}"), "rules[0].conditions[0].value: missing");
	parse_err(one_cond("{\"operator\":\"IsEquals\",\"type\":\"Int64\","
	    "\"value\":1}"), "rules[0].conditions[0].fact: missing");
	parse_err(one_cond("{\"fact\":7,\"operator\":\"IsEquals\","
	    "\"type\":\"Int64\",\"value\":1}"),
	    "rules[0].conditions[0].fact: must be a string");
	parse_err(one_cond("{\"fact\":\"a b\",\"operator\":\"IsEquals\","
	    "\"type\":\"Int64\",\"value\":1}"),
	    "rules[0].conditions[0].fact: invalid characters in \"a b\"");
	parse_err(one_cond("{\"fact\":\"f\",\"operator\":1,"
	    "\"type\":\"Int64\",\"value\":1}"),
	    "rules[0].conditions[0].operator: must be a string");
}

static void
test_value_errors(void **state)
{
	static const struct {
		const char *cond, *err;
	} cases[] = {
		{ "\"type\":\"Boolean\",\"value\":\"true\"",
		  "rules[0].conditions[0].value: must be true or false for "
		  "type Boolean" },
		{ "\"type\":\"Int64\",\"value\":1.5",
		  "rules[0].conditions[0].value: must be an integer for type "
		  "Int64" },
		{ "\"type\":\"Int64\",\"value\":\"5\"",
		  "rules[0].conditions[0].value: must be an integer for type "
		  "Int64" },
		{ "\"type\":\"Int64\",\"value\":9007199254740994",
		  "rules[0].conditions[0].value: integer out of range "
		  "(|value| <= 2^53)" },
		{ "\"type\":\"Double\",\"value\":\"0.5\"",
		  "rules[0].conditions[0].value: must be a finite number for "
		  "type Double" },
		{ "\"type\":\"Double\",\"value\":1e999",
		  "rules[0].conditions[0].value: must be a finite number for "
		  "type Double" },
		{ "\"type\":\"String\",\"value\":5",
		  "rules[0].conditions[0].value: must be a string for type "
		  "String" },
		{ "\"type\":\"Version\",\"value\":\"v12\"",
		  "rules[0].conditions[0].value: invalid Version \"v12\"" },
		{ "\"type\":\"Version\",\"value\":12",
		  "rules[0].conditions[0].value: must be a string for type "
		  "Version" },
		{ "\"type\":\"DateTime\",\"value\":\"2026-13-01\"",
		  "rules[0].conditions[0].value: invalid DateTime "
		  "\"2026-13-01\" (want YYYY-MM-DD, an RFC 3339 timestamp or "
		  "now[+-]P<n>D|P<n>W|PT<n>H)" },
		{ "\"type\":\"DateTime\",\"value\":\"2023-02-29\"",
		  "rules[0].conditions[0].value: invalid DateTime "
		  "\"2023-02-29\" (want YYYY-MM-DD, an RFC 3339 timestamp or "
		  "now[+-]P<n>D|P<n>W|PT<n>H)" },
		{ "\"type\":\"DateTime\",\"value\":\"now-90d\"",
		  "rules[0].conditions[0].value: invalid DateTime "
		  "\"now-90d\" (want YYYY-MM-DD, an RFC 3339 timestamp or "
		  "now[+-]P<n>D|P<n>W|PT<n>H)" },
		{ "\"type\":\"String\",\"value\":\"a\\u0001b\"",
		  "rules[0].conditions[0].value: control character in string" },
	};
	char cond[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(cond, sizeof(cond), "{\"fact\":\"f\",\"operator\":"
		    "\"IsEquals\",%s}", cases[i].cond);
		parse_err(one_cond(cond), cases[i].err);
	}
}

static void
test_rule_errors(void **state)
{
	static const char cond[] = "\"conditions\":[{\"fact\":\"f\","
	    "\"operator\":\"IsEquals\",\"type\":\"Boolean\",\"value\":true}]";
	static const struct {
		const char *fields, *err;
	} cases[] = {
		{ "\"result\":\"DENIED\"", "rules[0].id: missing" },
		{ "\"id\":\"\",\"result\":\"DENIED\"",
		  "rules[0].id: invalid characters in \"\"" },
		{ "\"id\":\"a/b\",\"result\":\"DENIED\"",
		  "rules[0].id: invalid characters in \"a/b\"" },
		{ "\"id\":\"policy.encryptionPolicy\",\"result\":\"DENIED\"",
		  "rules[0].id: the prefix \"policy.\" is reserved" },
		{ "\"id\":\"a\"", "rules[0].result: missing" },
		{ "\"id\":\"a\",\"result\":\"FAIL\"",
		  "rules[0].result: unknown result \"FAIL\"" },
		{ "\"id\":\"a\",\"result\":\"DENIED\",\"match\":\"some\"",
		  "rules[0].match: unknown match \"some\"" },
		{ "\"id\":\"a\",\"result\":\"DENIED\",\"priority\":-1",
		  "rules[0].priority: out of range 0..1000000" },
		{ "\"id\":\"a\",\"result\":\"DENIED\",\"priority\":1.5",
		  "rules[0].priority: must be an integer" },
		{ "\"id\":\"a\",\"result\":\"DENIED\",\"gracePeriodHours\":1",
		  "rules[0].gracePeriodHours: only allowed with result "
		  "NON_COMPLIANT" },
		{ "\"id\":\"a\",\"result\":\"NON_COMPLIANT\","
		  "\"gracePeriodHours\":8761",
		  "rules[0].gracePeriodHours: out of range 0..8760" },
		{ "\"id\":\"a\",\"result\":\"COMPLIANT\","
		  "\"nonComplianceReason\":\"API_LEVEL\"",
		  "rules[0].nonComplianceReason: not allowed with result "
		  "COMPLIANT" },
		{ "\"id\":\"a\",\"result\":\"DENIED\","
		  "\"nonComplianceReason\":\"NON_COMPLIANCE_REASON_UNSPECIFIED\"",
		  "rules[0].nonComplianceReason: unknown nonComplianceReason "
		  "\"NON_COMPLIANCE_REASON_UNSPECIFIED\"" },
		{ "\"id\":\"a\",\"result\":\"DENIED\",\"remediation\":"
		  "\"line\\nbreak\"",
		  "rules[0].remediation: invalid characters in \"line?break\"" },
		{ "\"id\":\"a\",\"result\":\"DENIED\",\"colour\":\"red\"",
		  "rules[0].colour: unknown field" },
		{ "\"id\":\"a\",\"result\":\"DENIED\",\"id\":\"b\"",
		  "rules[0].id: duplicate key" },
	};
	char doc[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(doc, sizeof(doc), "{\"rules\":[{%s,%s}]}",
		    cases[i].fields, cond);
		parse_err(doc, cases[i].err);
	}
	parse_err("{\"rules\":[{\"id\":\"a\",\"result\":\"DENIED\"}]}",
	    "rules[0].conditions: missing");
	parse_err("{\"rules\":[{\"id\":\"a\",\"result\":\"DENIED\","
	    "\"conditions\":[]}]}",
	    "rules[0].conditions: empty (at least one condition is required)");
	parse_err("{\"rules\":[{\"id\":\"a\",\"result\":\"DENIED\","
	    "\"conditions\":{}}]}", "rules[0].conditions: must be an array");
	parse_err("{\"rules\":[{\"id\":\"a\",\"result\":\"DENIED\","
	    "\"conditions\":[1]}]}",
	    "rules[0].conditions[0]: must be an object");
	parse_err("{\"rules\":[5]}", "rules[0]: must be an object");
	parse_err(one_cond("{\"fact\":\"f\",\"operator\":\"IsEquals\","
	    "\"type\":\"Boolean\",\"value\":true,\"type\":\"Int64\"}"),
	    "rules[0].conditions[0].type: duplicate key");
	snprintf(doc, sizeof(doc), "{\"rules\":[{\"id\":\"same\","
	    "\"result\":\"DENIED\",%s},{\"id\":\"other\",\"result\":"
	    "\"DENIED\",%s},{\"id\":\"same\",\"result\":\"DENIED\",%s}]}",
	    cond, cond, cond);
	parse_err(doc, "rules[2].id: duplicate id \"same\" (also rules[0])");
}

static void
test_document_errors(void **state)
{
	(void)state;
	parse_err("", "$: invalid JSON at byte 0");
	parse_err("[]", "$: must be an object");
	parse_err("{\"rules\":[]", "$: invalid JSON at byte 10");
	parse_err("{\"rules\":[]} x", "$: trailing data at byte 13");
	parse_err("{}", "rules: missing");
	parse_err("{\"rules\":{}}", "rules: must be an array");
	parse_err("{\"rules\":[],\"rules\":[]}", "rules: duplicate key");
	parse_err("{\"rules\":[],\"extra\":1}", "extra: unknown field");
	parse_err("{\"rules\":[],\"version\":\"1\"}",
	    "version: must be an integer");
	parse_err("{\"rules\":[],\"version\":-1}",
	    "version: out of range 0..9007199254740992");
	parse_err("{\"rules\":[],\"x\\u0000y\":1}",
	    "$: NUL character in a string at byte 14");
	parse_err("{\"rules\":[],\"a\tb\":1}", "$: control character at byte 14");
	parse_err("{\"rules\":[],\"\xc3\x28\":1}", "$: invalid UTF-8 at byte 13");
	parse_err("{\"rules\":[],\"\xed\xa0\x80\":1}",
	    "$: invalid UTF-8 at byte 13");
	parse_err("{\"rules\":[[[[[[[[[]]]]]]]]]}",
	    "$: nested deeper than 8 levels at byte 16");
}

static void
test_caps(void **state)
{
	static const char cond[] = "{\"fact\":\"f\",\"operator\":\"IsEquals\","
	    "\"type\":\"Boolean\",\"value\":true}";
	struct rules_set *rs = NULL;
	char err[256], *doc;
	size_t n, i, cap = 64 * 1024;

	(void)state;
	doc = malloc(cap);
	assert_non_null(doc);
	/* RULES_MAX rules parse; one more does not. */
	for (int extra = 0; extra <= 1; extra++) {
		n = (size_t)snprintf(doc, cap, "{\"rules\":[");
		for (i = 0; i < RULES_MAX + (size_t)extra; i++)
			n += (size_t)snprintf(doc + n, cap - n,
			    "%s{\"id\":\"r%zu\",\"result\":\"DENIED\","
			    "\"conditions\":[%s]}", i ? "," : "", i, cond);
		snprintf(doc + n, cap - n, "]}");
		if (extra == 0) {
			rs = parse_ok(doc);
			assert_int_equal(rs->nrules, RULES_MAX);
			rules_free(rs);
		} else {
			parse_err(doc, "rules: more than 64 rules");
		}
	}
	for (int extra = 0; extra <= 1; extra++) {
		n = (size_t)snprintf(doc, cap, "{\"rules\":[{\"id\":\"r\","
		    "\"result\":\"DENIED\",\"conditions\":[");
		for (i = 0; i < RULES_COND_MAX + (size_t)extra; i++)
			n += (size_t)snprintf(doc + n, cap - n, "%s%s",
			    i ? "," : "", cond);
		snprintf(doc + n, cap - n, "]}]}");
		if (extra == 0) {
			rs = parse_ok(doc);
			assert_int_equal(rs->rules[0].ncond, RULES_COND_MAX);
			rules_free(rs);
		} else {
			parse_err(doc, "rules[0].conditions: more than 16 "
			    "conditions");
		}
	}
	free(doc);

	/* Oversized: rejected before any parsing. */
	doc = malloc(RULES_DOC_MAX + 2);
	assert_non_null(doc);
	memset(doc, ' ', RULES_DOC_MAX + 1);
	memcpy(doc, "{\"rules\":[]}", 12);
	assert_int_equal(rules_parse(doc, RULES_DOC_MAX + 1, &rs, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "$: document larger than 262144 bytes");
	assert_int_equal(rules_parse(doc, RULES_DOC_MAX, &rs, err,
	    sizeof(err)), 0);
	rules_free(rs);
	free(doc);

	/* Long strings: at the limit and one past it. */
	doc = malloc(4096);
	assert_non_null(doc);
	char id[RULES_ID_MAX + 1];
	memset(id, 'x', sizeof(id));
	id[RULES_ID_MAX - 1] = '\0';
	snprintf(doc, 4096, "{\"rules\":[{\"id\":\"%s\",\"result\":\"DENIED\","
	    "\"conditions\":[%s]}]}", id, cond);
	rs = parse_ok(doc);
	rules_free(rs);
	id[RULES_ID_MAX - 1] = 'x';
	id[RULES_ID_MAX] = '\0';
	snprintf(doc, 4096, "{\"rules\":[{\"id\":\"%s\",\"result\":\"DENIED\","
	    "\"conditions\":[%s]}]}", id, cond);
	parse_err(doc, "rules[0].id: longer than 63 bytes");
	free(doc);
}

static void
test_err_buffer_small(void **state)
{
	struct rules_set *rs = NULL;
	char err[8];

	(void)state;
	assert_int_equal(rules_parse("{}", 2, &rs, err, sizeof(err)), -1);
	assert_string_equal(err, "rules: ");
	assert_int_equal(rules_parse("{}", 2, &rs, NULL, 0), -1);
}

static void
test_version_parse(void **state)
{
	struct rules_version a, b;

	(void)state;
	assert_int_equal(rules_version_parse("6.1.0-13-amd64", &a), 0);
	assert_int_equal(a.n, 4);
	assert_int_equal(a.part[0], 6);
	assert_int_equal(a.part[1], 1);
	assert_int_equal(a.part[2], 0);
	assert_int_equal(a.part[3], 13);
	assert_int_equal(rules_version_parse("2.8.1+dfsg-1", &a), 0);
	assert_int_equal(a.n, 3);
	assert_int_equal(rules_version_parse("12.", &a), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(rules_version_parse("1.2.3.4.5.6.7.8.9.10", &a), 0);
	assert_int_equal(a.n, RULES_VERSION_PARTS);
	assert_int_equal(a.part[7], 8);
	assert_int_equal(rules_version_parse("123456789012345678", &a), 0);
	assert_int_equal(a.part[0], 123456789012345678ULL);
	assert_int_equal(rules_version_parse("1234567890123456789", &a), -1);
	assert_int_equal(rules_version_parse("", &a), -1);
	assert_int_equal(rules_version_parse("v1", &a), -1);
	assert_int_equal(rules_version_parse(".1", &a), -1);

#define CMP(x, y, want) do { \
	assert_int_equal(rules_version_parse(x, &a), 0); \
	assert_int_equal(rules_version_parse(y, &b), 0); \
	assert_int_equal(rules_version_cmp(&a, &b), want); \
} while (0)
	CMP("12", "12.0", 0);
	CMP("12.0.0", "12", 0);
	CMP("1.10", "1.9", 1);
	CMP("1.9", "1.10", -1);
	CMP("12.4", "12.3.9", 1);
	CMP("6.1.0-13-amd64", "6.1.0-15-amd64", -1);
	CMP("6.1.0-13-amd64", "6.1.0-13-arm64", 0);
	CMP("6.1.0-rc3", "6.1.0", 0);
	CMP("6.1.0", "6.1.0-1", -1);
	CMP("11.99", "12", -1);
#undef CMP
}

static void
test_names(void **state)
{
	enum rules_reason r;

	(void)state;
	assert_string_equal(rules_op_name(RULES_OP_GE), "GreaterEquals");
	assert_string_equal(rules_type_name(RULES_TYPE_DATETIME), "DateTime");
	assert_string_equal(rules_result_name(RULES_RESULT_DENIED), "DENIED");
	assert_string_equal(rules_reason_name(RULES_REASON_USER_ACTION),
	    "USER_ACTION");
	assert_int_equal(rules_reason_parse("DEVICE_INCOMPATIBLE", &r), 0);
	assert_int_equal(r, RULES_REASON_DEVICE_INCOMPATIBLE);
	assert_int_equal(rules_reason_parse("user_action", &r), -1);
}

static void
test_load_example(void **state)
{
	struct rules_set *rs = NULL;
	char path[512], err[256];
	size_t i;
	bool denied = false;

	(void)state;
	snprintf(path, sizeof(path), "%s/examples/rules/handheld.json",
	    test_srctree());
	if (rules_load(path, &rs, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(rs->nrules >= 9);
	for (i = 1; i < rs->nrules; i++)
		assert_true(rs->rules[i - 1].priority <= rs->rules[i].priority);
	for (i = 0; i < rs->nrules; i++)
		if (strcmp(rs->rules[i].id, "not-rooted") == 0)
			denied = rs->rules[i].result == RULES_RESULT_DENIED;
	assert_true(denied);
	rules_free(rs);
}

static void
test_load_errors(void **state)
{
	struct rules_set *rs = NULL;
	char path[512], err[512];
	const char *dir = test_tmpdir();
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/none.json", dir);
	assert_int_equal(rules_load(path, &rs, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(strncmp(err, "$: ", 3), 0);
	assert_int_equal(rules_load(dir, &rs, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));

	snprintf(path, sizeof(path), "%s/big.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"rules\":[]}", f);
	for (int i = 0; i < RULES_DOC_MAX; i++)
		fputc(' ', f);
	fclose(f);
	assert_int_equal(rules_load(path, &rs, err, sizeof(err)), -1);
	assert_string_equal(err, "$: document larger than 262144 bytes");

	snprintf(path, sizeof(path), "%s/bad.json", dir);
	assert_int_equal(test_write_file(path, "{\"rules\":[{}]}"), 0);
	assert_int_equal(rules_load(path, &rs, err, sizeof(err)), -1);
	assert_string_equal(err, "rules[0].id: missing");
	assert_null(rs);
	test_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_defaults),
		cmocka_unit_test(test_all_fields),
		cmocka_unit_test(test_value_types),
		cmocka_unit_test(test_priority_sort_and_groups),
		cmocka_unit_test(test_empty_rules),
		cmocka_unit_test(test_operator_type_errors),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_document_errors),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_err_buffer_small),
		cmocka_unit_test(test_version_parse),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_load_example),
		cmocka_unit_test(test_load_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
