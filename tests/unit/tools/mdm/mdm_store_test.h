/*
 * mdm_store_test.h - what the reference server's store tests share: a
 * fresh store in a temporary directory per test.
 */
#ifndef WARDEN_TESTS_UNIT_TOOLS_MDM_STORE_TEST_H
#define WARDEN_TESTS_UNIT_TOOLS_MDM_STORE_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/support.h"
#include "tools/mdm/mdm.h"

struct fixture {
	char dir[512];
	struct mdm_store *st;
};

static inline int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[600], err[MDM_ERR_MAX];

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s", test_tmpdir());
	snprintf(path, sizeof(path), "%s/mdm.db", f->dir);
	if (mdm_store_open(path, &f->st, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static inline int
teardown(void **state)
{
	struct fixture *f = *state;

	mdm_store_close(f->st);
	test_rmtree(f->dir);
	free(f);
	return 0;
}

#endif /* WARDEN_TESTS_UNIT_TOOLS_MDM_STORE_TEST_H */
