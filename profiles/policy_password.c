/*
 * policy_password.c - passwordPolicies[]: one entry per passwordScope.
 */
#include <stdio.h>
#include <string.h>

#include "profiles/policy_json.h"

#define PASSWORD_POLICIES_MAX POLICY_SCOPE_COUNT

#define LEN_FIELD(fn, member)						\
static int								\
fn(struct policy_json *pj, const cJSON *v, void *dst)			\
{									\
	struct policy_password *pw = dst;				\
	return policy_json_int(pj, v, 0, POLICY_PW_LEN_MAX, &pw->member); \
}

LEN_FIELD(f_min_length, min_length)
LEN_FIELD(f_min_letters, min_letters)
LEN_FIELD(f_min_lower, min_lower)
LEN_FIELD(f_min_upper, min_upper)
LEN_FIELD(f_min_nonletter, min_nonletter)
LEN_FIELD(f_min_numeric, min_numeric)
LEN_FIELD(f_min_symbols, min_symbols)
LEN_FIELD(f_history, history_length)

static int
f_quality(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy_password *pw = dst;
	int e;

	if (policy_json_enum(pj, v, policy_enum_quality, &e) != 0)
		return -1;
	pw->quality = e;
	pw->biometric_weak = strcmp(v->valuestring, "BIOMETRIC_WEAK") == 0;
	return 0;
}

static int
f_failed_wipe(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy_password *pw = dst;

	return policy_json_int(pj, v, 0, POLICY_FAILED_WIPE_MAX,
	    &pw->max_failed_for_wipe);
}

static int
f_expiration(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy_password *pw = dst;

	return policy_json_duration(pj, v, POLICY_EXPIRATION_MAX,
	    &pw->expiration_seconds);
}

static int
f_scope(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy_password *pw = dst;
	int e;

	if (policy_json_enum(pj, v, policy_enum_scope, &e) != 0)
		return -1;
	pw->scope = e;
	return 0;
}

static const struct policy_json_field password_fields[] = {
	{ "passwordMinimumLength", f_min_length },
	{ "passwordQuality", f_quality },
	{ "passwordMinimumLetters", f_min_letters },
	{ "passwordMinimumLowerCase", f_min_lower },
	{ "passwordMinimumUpperCase", f_min_upper },
	{ "passwordMinimumNonLetter", f_min_nonletter },
	{ "passwordMinimumNumeric", f_min_numeric },
	{ "passwordMinimumSymbols", f_min_symbols },
	{ "maximumFailedPasswordsForWipe", f_failed_wipe },
	{ "passwordExpirationTimeout", f_expiration },
	{ "passwordHistoryLength", f_history },
	{ "passwordScope", f_scope },
	{ NULL, NULL },
};

static int
password_entry(struct policy_json *pj, const cJSON *v, size_t i, void *dst)
{
	struct policy *p = dst;
	struct policy_password pw;

	memset(&pw, 0, sizeof(pw));
	if (policy_json_object(pj, v, password_fields, &pw) != 0)
		return -1;
	if (p->pw[pw.scope].present) {
		policy_json_error_at(pj, "passwordScope", "%s is already set "
		    "by passwordPolicies[%d]",
		    policy_enum_name(policy_enum_scope, pw.scope),
		    p->pw[pw.scope].index);
		return -1;
	}
	pw.present = true;
	pw.index = (int)i;
	p->pw[pw.scope] = pw;
	return 0;
}

int
policy_parse_passwords(struct policy_json *pj, const cJSON *v, void *dst)
{
	return policy_json_array(pj, v, PASSWORD_POLICIES_MAX, password_entry,
	    dst);
}

/*
 * passwordRequirements: the deprecated single entry, same fields. It is
 * kept aside until the whole document is read, as passwordPolicies may
 * come after it.
 */
int
policy_parse_password_requirements(struct policy_json *pj, const cJSON *v,
    void *dst)
{
	struct policy *p = dst;
	struct policy_password pw;

	memset(&pw, 0, sizeof(pw));
	if (policy_json_object(pj, v, password_fields, &pw) != 0)
		return -1;
	pw.present = true;
	pw.from_requirements = true;
	p->pw_req_entry = pw;
	p->pw_req = POLICY_PWREQ_USED;
	return 0;
}

void
policy_password_requirements_resolve(struct policy *p)
{
	const struct policy_password *by = NULL;

	if (p->pw_req != POLICY_PWREQ_USED)
		return;
	/* A device-scope passwordPolicies entry, or one of the same
	 * scope, takes precedence. */
	if (p->pw[POLICY_SCOPE_DEVICE].present)
		by = &p->pw[POLICY_SCOPE_DEVICE];
	else if (p->pw[POLICY_SCOPE_UNSPECIFIED].present)
		by = &p->pw[POLICY_SCOPE_UNSPECIFIED];
	else if (p->pw[p->pw_req_entry.scope].present)
		by = &p->pw[p->pw_req_entry.scope];
	if (by != NULL) {
		p->pw_req = POLICY_PWREQ_IGNORED;
		p->pw_req_scope_by = by->index;
		return;
	}
	p->pw[p->pw_req_entry.scope] = p->pw_req_entry;
}
