/* Tests profiles/policy_password.c: passwordPolicies[]. */
#include "tests/unit/profiles/policy_helpers.h"

static void
full_entry(void **state)
{
	struct policy *p;
	const struct policy_password *pw;

	(void)state;
	p = parse_ok("{\"passwordPolicies\":[{"
	    "\"passwordScope\":\"SCOPE_PROFILE\","
	    "\"passwordQuality\":\"COMPLEX\","
	    "\"passwordMinimumLength\":12,"
	    "\"passwordMinimumLetters\":1,"
	    "\"passwordMinimumLowerCase\":2,"
	    "\"passwordMinimumUpperCase\":3,"
	    "\"passwordMinimumNonLetter\":4,"
	    "\"passwordMinimumNumeric\":5,"
	    "\"passwordMinimumSymbols\":6,"
	    "\"maximumFailedPasswordsForWipe\":10,"
	    "\"passwordExpirationTimeout\":\"7776000s\","
	    "\"passwordHistoryLength\":24}]}");
	assert_false(p->pw[POLICY_SCOPE_DEVICE].present);
	pw = &p->pw[POLICY_SCOPE_PROFILE];
	assert_true(pw->present);
	assert_int_equal(pw->scope, POLICY_SCOPE_PROFILE);
	assert_int_equal(pw->quality, HAL_PW_COMPLEX);
	assert_int_equal(pw->min_length, 12);
	assert_int_equal(pw->min_letters, 1);
	assert_int_equal(pw->min_lower, 2);
	assert_int_equal(pw->min_upper, 3);
	assert_int_equal(pw->min_nonletter, 4);
	assert_int_equal(pw->min_numeric, 5);
	assert_int_equal(pw->min_symbols, 6);
	assert_int_equal(pw->max_failed_for_wipe, 10);
	assert_true(pw->expiration_seconds == 7776000);
	assert_int_equal(pw->history_length, 24);
	assert_int_equal(pw->index, 0);
	assert_int_equal(pw->src, 1);
	assert_int_equal(p->src[POLICY_F_PASSWORD_POLICIES], 1);
	policy_free(p);
}

static void
every_quality(void **state)
{
	static const struct {
		const char *name;
		enum hal_pw_quality q;
	} q[] = {
		{ "PASSWORD_QUALITY_UNSPECIFIED", HAL_PW_UNSPECIFIED },
		{ "SOMETHING", HAL_PW_SOMETHING },
		{ "NUMERIC", HAL_PW_NUMERIC },
		{ "NUMERIC_COMPLEX", HAL_PW_NUMERIC_COMPLEX },
		{ "ALPHABETIC", HAL_PW_ALPHABETIC },
		{ "ALPHANUMERIC", HAL_PW_ALPHANUMERIC },
		{ "COMPLEX", HAL_PW_COMPLEX },
		{ "COMPLEXITY_LOW", HAL_PW_COMPLEXITY_LOW },
		{ "COMPLEXITY_MEDIUM", HAL_PW_COMPLEXITY_MEDIUM },
		{ "COMPLEXITY_HIGH", HAL_PW_COMPLEXITY_HIGH },
	};
	char doc[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		struct policy *p;

		snprintf(doc, sizeof(doc), "{\"passwordPolicies\":[{"
		    "\"passwordQuality\":\"%s\"}]}", q[i].name);
		p = parse_ok(doc);
		assert_int_equal(p->pw[POLICY_SCOPE_UNSPECIFIED].quality,
		    q[i].q);
		policy_free(p);
	}
	reject("{\"passwordPolicies\":[{\"passwordQuality\":\"STRONG\"}]}",
	    "passwordPolicies[0].passwordQuality", "unknown value \"STRONG\"");
}

static void
length_boundaries(void **state)
{
	static const char *const fields[] = {
		"passwordMinimumLength", "passwordMinimumLetters",
		"passwordMinimumLowerCase", "passwordMinimumUpperCase",
		"passwordMinimumNonLetter", "passwordMinimumNumeric",
		"passwordMinimumSymbols", "passwordHistoryLength",
	};
	char doc[256], path[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		snprintf(doc, sizeof(doc), "{\"passwordPolicies\":[{"
		    "\"%s\":0}]}", fields[i]);
		policy_free(parse_ok(doc));
		snprintf(doc, sizeof(doc), "{\"passwordPolicies\":[{"
		    "\"%s\":64}]}", fields[i]);
		policy_free(parse_ok(doc));
		snprintf(path, sizeof(path), "passwordPolicies[0].%s",
		    fields[i]);
		snprintf(doc, sizeof(doc), "{\"passwordPolicies\":[{"
		    "\"%s\":65}]}", fields[i]);
		reject(doc, path, "65 is out of range (0..64)");
		snprintf(doc, sizeof(doc), "{\"passwordPolicies\":[{"
		    "\"%s\":-1}]}", fields[i]);
		reject(doc, path, "-1 is out of range (0..64)");
	}
	policy_free(parse_ok("{\"passwordPolicies\":[{"
	    "\"maximumFailedPasswordsForWipe\":100}]}"));
	reject("{\"passwordPolicies\":[{\"maximumFailedPasswordsForWipe\":101}]}",
	    "passwordPolicies[0].maximumFailedPasswordsForWipe",
	    "101 is out of range (0..100)");
}

static void
expiration_duration(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"passwordPolicies\":[{"
	    "\"passwordExpirationTimeout\":\"0s\"}]}");
	assert_true(p->pw[0].expiration_seconds == 0);
	policy_free(p);
	/* A fraction rounds up to the next whole second. */
	p = parse_ok("{\"passwordPolicies\":[{"
	    "\"passwordExpirationTimeout\":\"3.5s\"}]}");
	assert_true(p->pw[0].expiration_seconds == 4);
	policy_free(p);
	p = parse_ok("{\"passwordPolicies\":[{"
	    "\"passwordExpirationTimeout\":\"10.000000000s\"}]}");
	assert_true(p->pw[0].expiration_seconds == 10);
	policy_free(p);
	p = parse_ok("{\"passwordPolicies\":[{"
	    "\"passwordExpirationTimeout\":\"315360000s\"}]}");
	assert_true(p->pw[0].expiration_seconds == POLICY_EXPIRATION_MAX);
	policy_free(p);
	reject("{\"passwordPolicies\":[{"
	    "\"passwordExpirationTimeout\":\"315360001s\"}]}",
	    "passwordPolicies[0].passwordExpirationTimeout",
	    "315360001s is out of range (0..315360000s)");
	reject("{\"passwordPolicies\":[{"
	    "\"passwordExpirationTimeout\":\"90d\"}]}",
	    "passwordPolicies[0].passwordExpirationTimeout",
	    "must be a duration like \"3600s\"");
	reject("{\"passwordPolicies\":[{"
	    "\"passwordExpirationTimeout\":\"1.0000000001s\"}]}",
	    "passwordPolicies[0].passwordExpirationTimeout", "duration");
	reject("{\"passwordPolicies\":[{"
	    "\"passwordExpirationTimeout\":\"-5s\"}]}",
	    "passwordPolicies[0].passwordExpirationTimeout", "duration");
	reject("{\"passwordPolicies\":[{"
	    "\"passwordExpirationTimeout\":\"99999999999999999999s\"}]}",
	    "passwordPolicies[0].passwordExpirationTimeout", "duration");
	reject("{\"passwordPolicies\":[{"
	    "\"passwordExpirationTimeout\":7776000}]}",
	    "passwordPolicies[0].passwordExpirationTimeout",
	    "must be a duration string like \"3600s\", not a number");
}

static void
scopes(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"passwordPolicies\":["
	    "{\"passwordScope\":\"SCOPE_DEVICE\",\"passwordMinimumLength\":4},"
	    "{\"passwordScope\":\"SCOPE_PROFILE\",\"passwordMinimumLength\":8},"
	    "{\"passwordMinimumLength\":6}]}");
	assert_int_equal(p->pw[POLICY_SCOPE_DEVICE].min_length, 4);
	assert_int_equal(p->pw[POLICY_SCOPE_DEVICE].index, 0);
	assert_int_equal(p->pw[POLICY_SCOPE_PROFILE].min_length, 8);
	assert_int_equal(p->pw[POLICY_SCOPE_PROFILE].index, 1);
	assert_int_equal(p->pw[POLICY_SCOPE_UNSPECIFIED].min_length, 6);
	assert_int_equal(p->pw[POLICY_SCOPE_UNSPECIFIED].index, 2);
	policy_free(p);
	reject("{\"passwordPolicies\":["
	    "{\"passwordScope\":\"SCOPE_DEVICE\"},"
	    "{\"passwordScope\":\"SCOPE_DEVICE\"}]}",
	    "passwordPolicies[1].passwordScope",
	    "SCOPE_DEVICE is already set by passwordPolicies[0]");
	reject("{\"passwordPolicies\":[{},{\"passwordScope\":"
	    "\"SCOPE_UNSPECIFIED\"}]}", "passwordPolicies[1].passwordScope",
	    "SCOPE_UNSPECIFIED is already set by passwordPolicies[0]");
	reject("{\"passwordPolicies\":[{\"passwordScope\":\"SCOPE_USER\"}]}",
	    "passwordPolicies[0].passwordScope", "unknown value");
	reject("{\"passwordPolicies\":[{},{},{},{}]}", "passwordPolicies",
	    "has 4 elements, at most 3 allowed");
	reject("{\"passwordPolicies\":[6]}", "passwordPolicies[0]",
	    "must be an object, not a number");
}

/* BIOMETRIC_WEAK is a valid AMAPI value: mapped to SOMETHING. */
static void
biometric_weak(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"passwordPolicies\":[{\"passwordQuality\":"
	    "\"BIOMETRIC_WEAK\"}]}");
	assert_int_equal(p->pw[POLICY_SCOPE_UNSPECIFIED].quality,
	    HAL_PW_SOMETHING);
	assert_true(p->pw[POLICY_SCOPE_UNSPECIFIED].biometric_weak);
	assert_string_equal(policy_enum_name(policy_enum_quality,
	    HAL_PW_SOMETHING), "SOMETHING");
	policy_free(p);
	p = parse_ok("{\"passwordPolicies\":[{\"passwordQuality\":"
	    "\"SOMETHING\"}]}");
	assert_false(p->pw[POLICY_SCOPE_UNSPECIFIED].biometric_weak);
	policy_free(p);
}

/* passwordRequirements counts unless passwordPolicies has the device. */
static void
requirements_precedence(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"passwordRequirements\":{\"passwordQuality\":"
	    "\"NUMERIC\",\"passwordMinimumLength\":6}}");
	assert_int_equal(p->pw_req, POLICY_PWREQ_USED);
	assert_true(p->pw[POLICY_SCOPE_UNSPECIFIED].present);
	assert_true(p->pw[POLICY_SCOPE_UNSPECIFIED].from_requirements);
	assert_int_equal(p->pw[POLICY_SCOPE_UNSPECIFIED].min_length, 6);
	assert_int_equal(p->src[POLICY_F_PASSWORD_POLICIES], 1);
	policy_free(p);
	/* A profile entry leaves the device to passwordRequirements. */
	p = parse_ok("{\"passwordRequirements\":{\"passwordQuality\":"
	    "\"NUMERIC\"},\"passwordPolicies\":[{\"passwordScope\":"
	    "\"SCOPE_PROFILE\",\"passwordQuality\":\"COMPLEX\"}]}");
	assert_int_equal(p->pw_req, POLICY_PWREQ_USED);
	assert_int_equal(p->pw[POLICY_SCOPE_UNSPECIFIED].quality,
	    HAL_PW_NUMERIC);
	policy_free(p);
	/* A device-scope entry, before or after it, wins. */
	p = parse_ok("{\"passwordRequirements\":{\"passwordQuality\":"
	    "\"NUMERIC\"},\"passwordPolicies\":[{\"passwordScope\":"
	    "\"SCOPE_DEVICE\",\"passwordQuality\":\"ALPHABETIC\"}]}");
	assert_int_equal(p->pw_req, POLICY_PWREQ_IGNORED);
	assert_int_equal(p->pw_req_scope_by, 0);
	assert_false(p->pw[POLICY_SCOPE_UNSPECIFIED].present);
	assert_int_equal(p->pw[POLICY_SCOPE_DEVICE].quality,
	    HAL_PW_ALPHABETIC);
	policy_free(p);
	p = parse_ok("{\"passwordPolicies\":[{\"passwordQuality\":"
	    "\"SOMETHING\"}],\"passwordRequirements\":{"
	    "\"passwordQuality\":\"BIOMETRIC_WEAK\"}}");
	assert_int_equal(p->pw_req, POLICY_PWREQ_IGNORED);
	assert_false(p->pw[POLICY_SCOPE_UNSPECIFIED].from_requirements);
	policy_free(p);
	reject("{\"passwordRequirements\":{\"passwordMinimumLength\":65}}",
	    "passwordRequirements.passwordMinimumLength", "out of range");
	reject("{\"passwordRequirements\":[]}", "passwordRequirements",
	    "must be an object");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_entry),
		cmocka_unit_test(every_quality),
		cmocka_unit_test(length_boundaries),
		cmocka_unit_test(expiration_duration),
		cmocka_unit_test(scopes),
		cmocka_unit_test(biometric_weak),
		cmocka_unit_test(requirements_precedence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
