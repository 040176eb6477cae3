/* Tests tools/mdm/mdm_console_auth.c: PBKDF2 against an independent
 * computation, sessions (found by their cookie only, idle timeout,
 * lifetime, the least recently used giving way when full), the password
 * check and its back-off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/support.h"
#include "tools/mdm/mdm.h"

static void
pbkdf2_vector(void **state)
{
	/* Python's hashlib.pbkdf2_hmac("sha256", b"correct horse battery",
	 * bytes(range(16)), 1000, 32). */
	static const uint8_t want[MDM_PW_HASH_LEN] = {
		0x02, 0x16, 0x9e, 0x67, 0x4d, 0x80, 0xc0, 0xfc, 0x72, 0x92,
		0xe8, 0x61, 0x0c, 0x8f, 0x17, 0xbe, 0x14, 0x0d, 0xf0, 0x62,
		0xaf, 0x9a, 0xa3, 0x3e, 0xa8, 0x5e, 0xaa, 0xbe, 0xcf, 0xfd,
		0xf0, 0x8d,
	};
	uint8_t salt[MDM_PW_SALT_LEN], out[MDM_PW_HASH_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (uint8_t)i;
	assert_int_equal(mdm_console_pw_hash("correct horse battery", 21, salt,
	    1000, out), 0);
	assert_memory_equal(out, want, sizeof(want));
}

static void
sessions(void **state)
{
	struct mdm_console c;
	struct crypto_rng *rng;
	char err[MDM_ERR_MAX], cookie[MDM_SESSION_TEXT + 1];
	char first[MDM_SESSION_TEXT + 1], other[MDM_SESSION_TEXT + 1];
	struct mdm_session *s;
	int i;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.idle_seconds = 60;
	assert_int_equal(crypto_rng_new("test", &rng, err, sizeof(err)), 0);
	assert_int_equal(mdm_console_session_new(&c, rng, 1000, first), 0);
	assert_int_equal(strlen(first), MDM_SESSION_TEXT);
	s = mdm_console_session_find(&c, first, 2000);
	assert_non_null(s);
	assert_int_equal(strlen(s->csrf), MDM_SESSION_TEXT);
	assert_string_not_equal(s->csrf, first);
	/* Only the exact cookie. */
	snprintf(other, sizeof(other), "%s", first);
	other[0] = other[0] == 'A' ? 'B' : 'A';
	assert_null(mdm_console_session_find(&c, other, 2000));
	assert_null(mdm_console_session_find(&c, "", 2000));
	/* Idle: 60 s after the last use it is gone, and stays gone. */
	assert_non_null(mdm_console_session_find(&c, first, 61000));
	assert_null(mdm_console_session_find(&c, first, 121001));
	assert_null(mdm_console_session_find(&c, first, 2000));
	/* However active, not past its lifetime. */
	assert_int_equal(mdm_console_session_new(&c, rng, 0, first), 0);
	for (i = 1; i <= MDM_SESSION_LIFETIME / 50; i++)
		if (mdm_console_session_find(&c, first, (int64_t)i * 50000) ==
		    NULL)
			break;
	assert_true((int64_t)i * 50 >= MDM_SESSION_LIFETIME);
	/* Full: the least recently used gives way, the others stay. */
	memset(&c, 0, sizeof(c));
	c.idle_seconds = 3600;
	assert_int_equal(mdm_console_session_new(&c, rng, 1, first), 0);
	for (i = 1; i < MDM_SESSIONS_MAX; i++)
		assert_int_equal(mdm_console_session_new(&c, rng, 100 + i,
		    cookie), 0);
	assert_non_null(mdm_console_session_find(&c, first, 500));
	assert_int_equal(mdm_console_session_new(&c, rng, 600, other), 0);
	assert_non_null(mdm_console_session_find(&c, first, 700));
	assert_non_null(mdm_console_session_find(&c, other, 700));
	assert_non_null(mdm_console_session_find(&c, cookie, 700));
	s = mdm_console_session_find(&c, first, 800);
	mdm_console_session_end(s);
	assert_null(mdm_console_session_find(&c, first, 800));
	crypto_rng_free(rng);
}

static void
password_check(void **state)
{
	static struct mdm_server srv;
	struct mdm_admin_password pw = { .iterations = 1000 };
	char dir[512], path[600], err[MDM_ERR_MAX];
	int status;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", test_tmpdir());
	snprintf(path, sizeof(path), "%s/mdm.db", dir);
	assert_int_equal(mdm_store_open(path, &srv.store, err, sizeof(err)),
	    0);
	assert_int_equal(mdm_console_password_check(&srv, "x", 0, &status, err,
	    sizeof(err)), -1);
	assert_int_equal(status, 401);
	assert_non_null(strstr(err, "no admin password"));
	memset(pw.salt, 7, sizeof(pw.salt));
	assert_int_equal(mdm_console_pw_hash("right one", 9, pw.salt,
	    pw.iterations, pw.hash), 0);
	assert_int_equal(mdm_store_admin_password_set(srv.store, &pw, 1), 0);
	assert_int_equal(mdm_console_password_check(&srv, "wrong one",
	    mdm_now_ms(), &status, err, sizeof(err)), -1);
	assert_int_equal(status, 401);
	/* Right at once after a failure: not even tried. */
	assert_int_equal(mdm_console_password_check(&srv, "right one",
	    mdm_now_ms(), &status, err, sizeof(err)), -1);
	assert_int_equal(status, 429);
	assert_int_equal(mdm_console_password_check(&srv, "right one",
	    mdm_now_ms() + 2500, &status, err, sizeof(err)), 0);
	mdm_store_close(srv.store);
	test_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pbkdf2_vector),
		cmocka_unit_test(sessions),
		cmocka_unit_test(password_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
