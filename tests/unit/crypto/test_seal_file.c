/*
 * test_seal_file.c - crypto/seal_file.c: atomic sealed files, bounded
 * reads, destruction.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "tests/unit/support.h"

static struct crypto_rng *rng;
static uint8_t key[CRYPTO_SEAL_KEY_LEN];
static const char *dir;
static char path[256];

static const char aad[] = "warden/test-file";

static int
setup(void **state)
{
	(void)state;
	if (crypto_rng_new("test_seal_file", &rng, NULL, 0) != 0)
		return -1;
	return crypto_rng_bytes(rng, key, sizeof(key));
}

static int
teardown(void **state)
{
	(void)state;
	crypto_rng_free(rng);
	return 0;
}

static int
each_setup(void **state)
{
	(void)state;
	dir = test_tmpdir();
	snprintf(path, sizeof(path), "%s/secret.sealed", dir);
	return 0;
}

static int
each_teardown(void **state)
{
	(void)state;
	test_rmtree(dir);
	return 0;
}

static size_t
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_round_trip(void **state)
{
	char err[CRYPTO_ERR_MAX];
	struct stat st;
	uint8_t *pt;
	size_t len;

	(void)state;
	assert_int_equal(crypto_seal_file_write(rng, path, key, "hunter2", 7,
	    aad, strlen(aad), err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 7 + CRYPTO_SEAL_OVERHEAD);
	assert_int_equal(entries(), 1);	/* no temporary left behind */
	assert_int_equal(crypto_seal_file_read(path, key, aad, strlen(aad), &pt,
	    &len, err, sizeof(err)), 0);
	assert_int_equal(len, 7);
	assert_string_equal((char *)pt, "hunter2");
	crypto_free_secret(pt, len);

	/* Replacing it keeps one file with the new contents. */
	assert_int_equal(crypto_seal_file_write(rng, path, key, "correct horse",
	    13, aad, strlen(aad), err, sizeof(err)), 0);
	assert_int_equal(entries(), 1);
	assert_int_equal(crypto_seal_file_read(path, key, aad, strlen(aad), &pt,
	    &len, err, sizeof(err)), 0);
	assert_string_equal((char *)pt, "correct horse");
	crypto_free_secret(pt, len);
}

static void
test_tampered_and_wrong_key(void **state)
{
	char err[CRYPTO_ERR_MAX], want[512];
	uint8_t other[CRYPTO_SEAL_KEY_LEN], *pt = (uint8_t *)"x";
	size_t len;
	FILE *f;

	(void)state;
	assert_int_equal(crypto_seal_file_write(rng, path, key, "hunter2", 7,
	    aad, strlen(aad), NULL, 0), 0);
	snprintf(want, sizeof(want), "%s: blob: authentication failed "
	    "(tampered, or another key or purpose)", path);
	memcpy(other, key, sizeof(other));
	other[0] ^= 1;
	assert_int_equal(crypto_seal_file_read(path, other, aad, strlen(aad),
	    &pt, &len, err, sizeof(err)), -1);
	assert_null(pt);
	assert_string_equal(err, want);
	assert_int_equal(crypto_seal_file_read(path, key, "warden/devkey/v1",
	    16, &pt, &len, err, sizeof(err)), -1);
	assert_string_equal(err, want);

	f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, 15, SEEK_SET), 0);
	fputc('Z', f);
	fclose(f);
	assert_int_equal(crypto_seal_file_read(path, key, aad, strlen(aad), &pt,
	    &len, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void
test_not_a_sealed_file(void **state)
{
	char err[CRYPTO_ERR_MAX], link[300], want[512];
	uint8_t *pt;
	size_t len;

	(void)state;
	assert_int_equal(test_write_file(path, "short"), 0);
	assert_int_equal(crypto_seal_file_read(path, key, aad, strlen(aad), &pt,
	    &len, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: not a sealed file (type or size)",
	    path);
	assert_string_equal(err, want);
	/* A symlink is refused rather than followed. */
	assert_int_equal(crypto_seal_file_write(rng, path, key, "s", 1, aad,
	    strlen(aad), NULL, 0), 0);
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(crypto_seal_file_read(link, key, aad, strlen(aad), &pt,
	    &len, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: Too many levels of symbolic links",
	    link);
	assert_string_equal(err, want);
	/* A missing file says so. */
	snprintf(link, sizeof(link), "%s/missing", dir);
	assert_int_equal(crypto_seal_file_read(link, key, aad, strlen(aad), &pt,
	    &len, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", link);
	assert_string_equal(err, want);
}

static void
test_write_errors(void **state)
{
	char err[CRYPTO_ERR_MAX], bad[300];
	static uint8_t big[CRYPTO_SEAL_FILE_MAX + 1];

	(void)state;
	snprintf(bad, sizeof(bad), "%s/no/such/dir/file", dir);
	assert_int_equal(crypto_seal_file_write(rng, bad, key, "s", 1, aad,
	    strlen(aad), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(crypto_seal_file_write(rng, path, key, big,
	    sizeof(big), aad, strlen(aad), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "exceed the 1048576-byte limit"));
	assert_int_equal(entries(), 0);
}

static void
test_destroy(void **state)
{
	char err[CRYPTO_ERR_MAX];
	struct stat st;

	(void)state;
	assert_int_equal(crypto_seal_file_write(rng, path, key, "s", 1, aad,
	    strlen(aad), NULL, 0), 0);
	assert_int_equal(crypto_file_destroy(path, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(entries(), 0);
	/* Destroying what is gone is not an error (wipe may be retried). */
	assert_int_equal(crypto_file_destroy(path, err, sizeof(err)), 0);
	/* A directory is not destroyed. */
	assert_int_equal(crypto_file_destroy(dir, err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, each_setup,
		    each_teardown),
		cmocka_unit_test_setup_teardown(test_tampered_and_wrong_key,
		    each_setup, each_teardown),
		cmocka_unit_test_setup_teardown(test_not_a_sealed_file,
		    each_setup, each_teardown),
		cmocka_unit_test_setup_teardown(test_write_errors, each_setup,
		    each_teardown),
		cmocka_unit_test_setup_teardown(test_destroy, each_setup,
		    each_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
