/*
 * fuzz_policy.c - libFuzzer target for the policy parser, and for what
 * runs on every accepted policy: the merge with a mode preset and the
 * settings builder. An input is either rejected with at least one
 * well-formed error, or accepted into a policy whose invariants hold;
 * nothing may crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profiles/policy.h"
#include "profiles/policy_settings.h"
#include "profiles/presets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_rejected(const struct policy_errors *errs)
{
	size_t i;

	if (errs->n == 0 || errs->n > POLICY_ERRORS_MAX)
		abort();
	for (i = 0; i < errs->n; i++) {
		const struct policy_error *e = &errs->e[i];
		const char *c;

		if (e->reason[0] == '\0' ||
		    memchr(e->field_path, '\0', sizeof(e->field_path)) == NULL)
			abort();
		/* fieldPaths are printable ASCII whatever the input. */
		for (c = e->field_path; *c != '\0'; c++)
			if (*c < 0x20 || *c > 0x7e)
				abort();
	}
}

static void
check_policy(const struct policy *p)
{
	size_t i;

	if (p->napps > POLICY_APPS_MAX || p->nnets > POLICY_NETS_MAX ||
	    p->nrules > POLICY_RULES_MAX ||
	    p->nunsupported > POLICY_UNSUPPORTED_MAX || p->nsources != 1)
		abort();
	for (i = 0; i < POLICY_SCOPE_COUNT; i++)
		if (p->pw[i].present && (p->pw[i].min_length < 0 ||
		    p->pw[i].min_length > POLICY_PW_LEN_MAX))
			abort();
	for (i = 0; i < p->napps; i++)
		if (p->apps[i].package[0] == '\0')
			abort();
	for (i = 0; i < p->nnets; i++)
		if (p->nets[i].guid[0] == '\0' || p->nets[i].ssid[0] == '\0')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_errors errs;
	struct policy *p, *m;
	const struct policy *in[1];
	int mode;

	p = policy_parse((const char *)data, size, &errs);
	if (p == NULL) {
		check_rejected(&errs);
		return 0;
	}
	check_policy(p);
	in[0] = p;
	for (mode = 0; mode < POLICY_MODE_COUNT; mode++) {
		struct policy_settings s;
		struct policy_details d;
		struct policy_requirements req;
		size_t i;

		memset(&s, 0, sizeof(s));
		memset(&d, 0, sizeof(d));
		if ((m = policy_preset_merge(mode, in, 1)) == NULL)
			abort();
		if (policy_settings_build(m, mode, &s, &d) != 0)
			abort();
		for (i = 0; i < s.n; i++)
			if (policy_settings_find(&s, s.s[i].key) != &s.s[i])
				abort();	/* keys are unique */
		policy_requirements_fill(m, mode, &req);
		policy_settings_free(&s);
		policy_details_free(&d);
		policy_free(m);
	}
	policy_free(p);
	return 0;
}
