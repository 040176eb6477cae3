/*
 * fuzz_rules.c - libFuzzer target for the posture rule document parser.
 * Every input must either parse into a set whose invariants hold, or be
 * rejected with a "fieldPath: reason" message; nothing may crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profiles/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules_set *rs = NULL;
	char err[256];
	size_t i;

	if (rules_parse((const char *)data, size, &rs, err, sizeof(err)) != 0) {
		if (rs != NULL || err[0] == '\0' || strstr(err, ": ") == NULL)
			abort();
		return 0;
	}
	if (rs->nrules > RULES_MAX || rs->ngroups > rs->nrules)
		abort();
	for (i = 0; i < rs->nrules; i++) {
		const struct rules_rule *r = &rs->rules[i];

		if (r->ncond == 0 || r->ncond > RULES_COND_MAX ||
		    r->setting_group >= rs->ngroups ||
		    (i > 0 && rs->rules[i - 1].priority > r->priority) ||
		    r->cond < rs->conds ||
		    r->cond + r->ncond > rs->conds + rs->nconds)
			abort();
	}
	rules_free(rs);
	return 0;
}
