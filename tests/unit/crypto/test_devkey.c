/*
 * test_devkey.c - crypto/devkey.c: the device key sealed at rest.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <mbedtls/ecp.h>

#include "crypto/crypto.h"
#include "tests/unit/support.h"

static struct crypto_rng *rng;
static uint8_t sealing[CRYPTO_SEAL_KEY_LEN];
static const char *dir;
static char path[256];

static int
setup(void **state)
{
	(void)state;
	if (crypto_rng_new("test_devkey", &rng, NULL, 0) != 0)
		return -1;
	if (crypto_rng_bytes(rng, sealing, sizeof(sealing)) != 0)
		return -1;
	dir = test_tmpdir();
	snprintf(path, sizeof(path), "%s/device.key", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	test_rmtree(dir);
	crypto_rng_free(rng);
	return 0;
}

static void
test_save_load(void **state)
{
	struct crypto_eckey *key, *back;
	uint8_t sig[CRYPTO_ES256_SIG_LEN], d[32], *file;
	char err[CRYPTO_ERR_MAX];
	struct stat st;
	size_t flen;

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &key, NULL, 0), 0);
	assert_int_equal(crypto_devkey_save_sealed(rng, path, key, sealing, err,
	    sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* The private scalar is nowhere in the file. */
	assert_int_equal(mbedtls_mpi_write_binary(
	    &mbedtls_pk_ec(*crypto_eckey_pk(key))->d, d, sizeof(d)), 0);
	file = (uint8_t *)test_read_file(path, &flen);
	assert_non_null(file);
	assert_int_equal(file[0], CRYPTO_SEAL_VERSION);
	assert_null(memmem(file, flen, d, sizeof(d)));
	free(file);

	assert_int_equal(crypto_devkey_load_sealed(path, sealing, &back, err,
	    sizeof(err)), 0);
	assert_true(crypto_eckey_has_private(back));
	assert_true(crypto_eckey_public_equal(back, key));
	/* The loaded key signs what the original's public half accepts. */
	assert_int_equal(crypto_es256_sign(rng, back, "m", 1, sig), 0);
	assert_int_equal(crypto_es256_verify(key, "m", 1, sig), 0);
	crypto_zero(d, sizeof(d));
	crypto_eckey_free(back);
	crypto_eckey_free(key);
}

static void
test_wrong_sealing_key(void **state)
{
	struct crypto_eckey *key, *back = (struct crypto_eckey *)&back;
	uint8_t other[CRYPTO_SEAL_KEY_LEN];
	char err[CRYPTO_ERR_MAX];

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &key, NULL, 0), 0);
	assert_int_equal(crypto_devkey_save_sealed(rng, path, key, sealing,
	    NULL, 0), 0);
	memcpy(other, sealing, sizeof(other));
	other[5] ^= 0x20;
	assert_int_equal(crypto_devkey_load_sealed(path, other, &back, err,
	    sizeof(err)), -1);
	assert_null(back);
	assert_non_null(strstr(err, "device.key: blob: authentication failed"));
	crypto_eckey_free(key);
}

static void
test_other_sealed_file_is_not_a_key(void **state)
{
	struct crypto_eckey *back;
	char err[CRYPTO_ERR_MAX];

	(void)state;
	/* Sealed with the right key but for another purpose: refused. */
	assert_int_equal(crypto_seal_file_write(rng, path, sealing, "x", 1,
	    "warden/other", 12, NULL, 0), 0);
	assert_int_equal(crypto_devkey_load_sealed(path, sealing, &back, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "blob: authentication failed"));
	/* The devkey purpose with contents that are not a key: refused. */
	assert_int_equal(crypto_seal_file_write(rng, path, sealing, "junk", 4,
	    "warden/devkey/v1", 16, NULL, 0), 0);
	assert_int_equal(crypto_devkey_load_sealed(path, sealing, &back, err,
	    sizeof(err)), -1);
	assert_int_equal(strncmp(err, "devkey: ", 8), 0);
}

static void
test_public_key_not_saved(void **state)
{
	struct crypto_eckey *key, *pub;
	char err[CRYPTO_ERR_MAX], *pem;

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &key, NULL, 0), 0);
	assert_int_equal(crypto_eckey_public_pem(key, &pem), 0);
	assert_int_equal(crypto_eckey_parse_public(pem, strlen(pem), &pub, NULL,
	    0), 0);
	assert_int_equal(crypto_devkey_save_sealed(rng, path, pub, sealing, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "devkey: no private key to save");
	crypto_eckey_free(pub);
	crypto_eckey_free(key);
	free(pem);
}

static void
test_destroy(void **state)
{
	struct crypto_eckey *key, *back;
	char err[CRYPTO_ERR_MAX];
	struct stat st;

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &key, NULL, 0), 0);
	assert_int_equal(crypto_devkey_save_sealed(rng, path, key, sealing,
	    NULL, 0), 0);
	assert_int_equal(crypto_devkey_destroy(path, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(crypto_devkey_load_sealed(path, sealing, &back, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	crypto_eckey_free(key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_wrong_sealing_key),
		cmocka_unit_test(test_other_sealed_file_is_not_a_key),
		cmocka_unit_test(test_public_key_not_saved),
		cmocka_unit_test(test_destroy),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
