/* Tests tools/mdm/mdm_store_admin.c: login links used once and only
 * before they expire, the admin password's hash stored and read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/tools/mdm/mdm_store_test.h"

static void
links_are_single_use(void **state)
{
	struct fixture *f = *state;
	uint8_t a[CRYPTO_SHA256_LEN], b[CRYPTO_SHA256_LEN];
	uint8_t c[CRYPTO_SHA256_LEN];
	enum mdm_token_state s;

	crypto_sha256("link-a", 6, a);
	crypto_sha256("link-b", 6, b);
	crypto_sha256("link-c", 6, c);
	assert_int_equal(mdm_store_admin_link_add(f->st, a, 1000, 1300), 0);
	assert_int_equal(mdm_store_admin_link_add(f->st, b, 1000, 1300), 0);
	assert_int_equal(mdm_store_admin_link_use(f->st, a, 1100, &s), 0);
	assert_int_equal(s, MDM_TOKEN_VALID);
	assert_int_equal(mdm_store_admin_link_use(f->st, a, 1101, &s), 0);
	assert_int_equal(s, MDM_TOKEN_USED);
	/* Expiry is strict: at the second it expires it no longer works. */
	assert_int_equal(mdm_store_admin_link_use(f->st, b, 1300, &s), 0);
	assert_int_equal(s, MDM_TOKEN_EXPIRED);
	assert_int_equal(mdm_store_admin_link_use(f->st, c, 1100, &s), 0);
	assert_int_equal(s, MDM_TOKEN_UNKNOWN);
	/* Added twice: refused (the hash is the key). */
	assert_int_not_equal(mdm_store_admin_link_add(f->st, a, 1000, 1300),
	    0);
}

static void
password_hash_round_trip(void **state)
{
	struct fixture *f = *state;
	struct mdm_admin_password in, out;

	assert_int_equal(mdm_store_admin_password_get(f->st, &out), 1);
	memset(&in, 0, sizeof(in));
	memset(in.salt, 0xa5, sizeof(in.salt));
	memset(in.hash, 0x3c, sizeof(in.hash));
	in.hash[0] = 0;
	in.iterations = 123456;
	assert_int_equal(mdm_store_admin_password_set(f->st, &in, 5), 0);
	assert_int_equal(mdm_store_admin_password_get(f->st, &out), 0);
	assert_memory_equal(in.salt, out.salt, sizeof(in.salt));
	assert_memory_equal(in.hash, out.hash, sizeof(in.hash));
	assert_int_equal(out.iterations, 123456);
	/* Set again: replaced, still one row. */
	in.iterations = 7;
	assert_int_equal(mdm_store_admin_password_set(f->st, &in, 6), 0);
	assert_int_equal(mdm_store_admin_password_get(f->st, &out), 0);
	assert_int_equal(out.iterations, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(links_are_single_use, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(password_hash_round_trip, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
