/*
 * policy_helpers.h - assertions shared by the policy model's unit tests
 * (static inline: each test program takes what it uses).
 */
#ifndef WARDEN_TEST_POLICY_HELPERS_H
#define WARDEN_TEST_POLICY_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "profiles/policy.h"

static inline void
print_errors(const struct policy_errors *errs)
{
	char buf[512];
	size_t i;

	for (i = 0; i < errs->n; i++) {
		policy_error_format(&errs->e[i], buf, sizeof(buf));
		print_message("  error: %s\n", buf);
	}
}

/* Parses a document that must be valid. */
static inline struct policy *
parse_ok(const char *json)
{
	struct policy_errors errs;
	struct policy *p = policy_parse(json, strlen(json), &errs);

	if (p == NULL)
		print_errors(&errs);
	assert_non_null(p);
	assert_int_equal(errs.n, 0);
	return p;
}

/*
 * Parses n bytes that must be rejected with, as first error, exactly
 * `path` and a reason containing `reason`.
 */
static inline void
reject_n(const char *buf, size_t n, const char *path, const char *reason)
{
	struct policy_errors errs;
	struct policy *p = policy_parse(buf, n, &errs);

	if (p != NULL)
		print_message("  accepted, expected %s: %s\n", path, reason);
	assert_null(p);
	assert_true(errs.n >= 1);
	if (strcmp(errs.e[0].field_path, path) != 0 ||
	    strstr(errs.e[0].reason, reason) == NULL)
		print_errors(&errs);
	assert_string_equal(errs.e[0].field_path, path);
	assert_non_null(strstr(errs.e[0].reason, reason));
}

static inline void
reject(const char *json, const char *path, const char *reason)
{
	reject_n(json, strlen(json), path, reason);
}

/* Whether p collected `path` as an unsupported field. */
static inline int
has_unsupported(const struct policy *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->nunsupported; i++)
		if (strcmp(p->unsupported[i].field_path, path) == 0)
			return 1;
	return 0;
}

#endif /* WARDEN_TEST_POLICY_HELPERS_H */
