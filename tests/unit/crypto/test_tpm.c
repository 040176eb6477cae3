/*
 * test_tpm.c - crypto/tpm.c, tpm_key.c, tpm_seal.c against two swtpm
 * instances (two "devices") started here on free ports of 127.0.0.1.
 *
 * Key creation, loading, signing (ES256, CSR, mbedtls_pk_sign with
 * SHA-256 and SHA-384), verification with the public half alone, no
 * private key in the files, sealed secrets, and blobs copied to the
 * other TPM refused. Without swtpm every case is skipped with a message
 * (the test dependencies install it: third_party/deps.txt).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "crypto/tpm.h"
#include "tests/unit/support.h"

struct swtpm {
	pid_t pid;
	int port;
	char dir[300];
	char tcti[64];
};

static struct crypto_rng *rng;
static struct swtpm tpm_a, tpm_b;
static struct crypto_tpm *a, *b;
static const char *dir;
static bool have_swtpm;

static bool
port_free(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, ok;

	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return false;
	ok = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return ok;
}

static bool
port_open(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, ok;

	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return false;
	ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return ok;
}

/* Starts swtpm on two consecutive free ports (server, control). */
static int
swtpm_start(struct swtpm *t, const char *name)
{
	char server[64], ctrl[64], state[400];
	int tries, i;

	snprintf(t->dir, sizeof(t->dir), "%s/%s", dir, name);
	if (mkdir(t->dir, 0700) != 0)
		return -1;
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	for (tries = 0; tries < 50; tries++) {
		t->port = 20000 + 2 * (rand() % 20000);
		if (!port_free(t->port) || !port_free(t->port + 1))
			continue;
		snprintf(server, sizeof(server), "type=tcp,port=%d,"
		    "bindaddr=127.0.0.1", t->port);
		snprintf(ctrl, sizeof(ctrl), "type=tcp,port=%d,"
		    "bindaddr=127.0.0.1", t->port + 1);
		snprintf(state, sizeof(state), "dir=%s", t->dir);
		if ((t->pid = fork()) < 0)
			return -1;
		if (t->pid == 0) {
			execlp("swtpm", "swtpm", "socket", "--tpm2",
			    "--server", server, "--ctrl", ctrl,
			    "--tpmstate", state,
			    "--flags", "not-need-init,startup-clear",
			    (char *)NULL);
			_exit(127);
		}
		for (i = 0; i < 100; i++) {
			if (port_open(t->port))
				break;
			if (waitpid(t->pid, NULL, WNOHANG) == t->pid) {
				t->pid = 0;
				break;
			}
			usleep(20000);
		}
		if (t->pid != 0 && i < 100) {
			snprintf(t->tcti, sizeof(t->tcti),
			    "swtpm:host=127.0.0.1,port=%d", t->port);
			return 0;
		}
		if (t->pid > 0) {
			kill(t->pid, SIGTERM);
			waitpid(t->pid, NULL, 0);
		}
		t->pid = 0;
	}
	return -1;
}

static void
swtpm_stop(struct swtpm *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGTERM);
		waitpid(t->pid, NULL, 0);
		t->pid = 0;
	}
}

static int
setup(void **state)
{
	char err[CRYPTO_ERR_MAX];

	(void)state;
	if (crypto_rng_new("test_tpm", &rng, NULL, 0) != 0)
		return -1;
	dir = test_tmpdir();
	if (system("command -v swtpm >/dev/null 2>&1") != 0) {
		fprintf(stderr, "test_tpm: SKIPPING EVERY CASE: swtpm is not "
		    "installed (apt-get install swtpm)\n");
		return 0;
	}
	if (swtpm_start(&tpm_a, "a") != 0 || swtpm_start(&tpm_b, "b") != 0) {
		fprintf(stderr, "test_tpm: swtpm did not start\n");
		return -1;
	}
	if (crypto_tpm_open(tpm_a.tcti, &a, err, sizeof(err)) != 0 ||
	    crypto_tpm_open(tpm_b.tcti, &b, err, sizeof(err)) != 0) {
		fprintf(stderr, "test_tpm: %s\n", err);
		return -1;
	}
	have_swtpm = true;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	crypto_tpm_close(a);
	crypto_tpm_close(b);
	swtpm_stop(&tpm_a);
	swtpm_stop(&tpm_b);
	test_rmtree(dir);
	crypto_rng_free(rng);
	return 0;
}

#define NEED_SWTPM() do { if (!have_swtpm) skip(); } while (0)

/* The public half alone, through its PEM form. */
static struct crypto_eckey *
public_of(const struct crypto_eckey *key)
{
	struct crypto_eckey *pub;
	char *pem;

	assert_int_equal(crypto_eckey_public_pem(key, &pem), 0);
	assert_int_equal(crypto_eckey_parse_public(pem, strlen(pem), &pub,
	    NULL, 0), 0);
	free(pem);
	return pub;
}

static void
test_create_sign_verify(void **state)
{
	struct crypto_eckey *key, *pub, *back, *req, *priv;
	uint8_t sig[CRYPTO_ES256_SIG_LEN], hash[48];
	uint8_t der[MBEDTLS_PK_SIGNATURE_MAX_SIZE], *file;
	char err[CRYPTO_ERR_MAX], cn[CRYPTO_CN_MAX + 1], path[400], *csr;
	struct stat st;
	size_t len, flen;

	(void)state;
	NEED_SWTPM();
	snprintf(path, sizeof(path), "%s/device.key", dir);
	assert_int_equal(crypto_tpm_key_create(a, path, &key, err,
	    sizeof(err)), 0);
	assert_true(crypto_eckey_is_external(key));
	assert_true(crypto_eckey_has_private(key));
	assert_true(crypto_tpm_key_file(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	pub = public_of(key);

	/* ES256 made by the TPM, checked with the public half. */
	assert_int_equal(crypto_es256_sign(rng, key, "hello", 5, sig), 0);
	assert_int_equal(crypto_es256_verify(pub, "hello", 5, sig), 0);
	assert_int_equal(crypto_es256_verify(pub, "hellp", 5, sig), -1);

	/* A CSR the server-side check accepts, for this public key. */
	assert_int_equal(crypto_csr_pem(rng, key, "tpm-device", &csr, err,
	    sizeof(err)), 0);
	assert_int_equal(crypto_csr_check(csr, strlen(csr), cn, &req, err,
	    sizeof(err)), 0);
	assert_true(crypto_eckey_public_equal(req, pub));
	crypto_eckey_free(req);
	free(csr);

	/* mbedtls_pk_sign as the TLS client uses it, SHA-384 too. */
	memset(hash, 0x5a, sizeof(hash));
	assert_int_equal(mbedtls_pk_sign(crypto_eckey_pk(key),
	    MBEDTLS_MD_SHA384, hash, 48, der, &len, crypto_rng_mbedtls, rng),
	    0);
	assert_int_equal(mbedtls_pk_verify(crypto_eckey_pk(pub),
	    MBEDTLS_MD_SHA384, hash, 48, der, len), 0);

	/* The file holds no private key anyone can parse. */
	file = (uint8_t *)test_read_file(path, &flen);
	assert_non_null(file);
	assert_int_equal(crypto_eckey_parse_private(file, flen, &priv, err,
	    sizeof(err)), -1);
	assert_null(strstr((char *)file, "PRIVATE KEY"));
	free(file);

	/* Loaded back (a restart): same key, still signs. */
	assert_int_equal(crypto_tpm_key_load(a, path, &back, err,
	    sizeof(err)), 0);
	assert_true(crypto_eckey_public_equal(back, pub));
	assert_int_equal(crypto_es256_sign(rng, back, "again", 5, sig), 0);
	assert_int_equal(crypto_es256_verify(pub, "again", 5, sig), 0);

	crypto_eckey_free(back);
	crypto_eckey_free(pub);
	crypto_eckey_free(key);
}

static void
test_other_tpm_refuses(void **state)
{
	struct crypto_eckey *key, *back = (struct crypto_eckey *)&back;
	char err[CRYPTO_ERR_MAX], path[400];

	(void)state;
	NEED_SWTPM();
	snprintf(path, sizeof(path), "%s/stolen.key", dir);
	assert_int_equal(crypto_tpm_key_create(a, path, &key, err,
	    sizeof(err)), 0);
	/* The same file on another device: its TPM cannot load it. */
	assert_int_equal(crypto_tpm_key_load(b, path, &back, err,
	    sizeof(err)), -1);
	assert_null(back);
	assert_non_null(strstr(err, "tpm: loading the key"));
	crypto_eckey_free(key);
}

static void
test_bad_files(void **state)
{
	struct crypto_eckey *key, *back;
	char err[CRYPTO_ERR_MAX], path[400], bad[400];
	uint8_t *file;
	size_t flen;
	FILE *f;

	(void)state;
	NEED_SWTPM();
	snprintf(path, sizeof(path), "%s/t.key", dir);
	snprintf(bad, sizeof(bad), "%s/bad.key", dir);
	assert_int_equal(crypto_tpm_key_create(a, path, &key, err,
	    sizeof(err)), 0);
	crypto_eckey_free(key);
	file = (uint8_t *)test_read_file(path, &flen);
	assert_non_null(file);

	/* A flipped byte in the wrapped private blob: the TPM refuses. */
	file[flen - 5] ^= 0x01;
	assert_non_null(f = fopen(bad, "wb"));
	assert_int_equal(fwrite(file, 1, flen, f), flen);
	fclose(f);
	assert_int_equal(crypto_tpm_key_load(a, bad, &back, err,
	    sizeof(err)), -1);
	file[flen - 5] ^= 0x01;

	/* Trailing bytes, truncation, another magic: malformed. */
	assert_non_null(f = fopen(bad, "wb"));
	assert_int_equal(fwrite(file, 1, flen, f), flen);
	fputc(0, f);
	fclose(f);
	assert_int_equal(crypto_tpm_key_load(a, bad, &back, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "malformed"));
	assert_non_null(f = fopen(bad, "wb"));
	assert_int_equal(fwrite(file, 1, flen - 1, f), flen - 1);
	fclose(f);
	assert_int_equal(crypto_tpm_key_load(a, bad, &back, err,
	    sizeof(err)), -1);
	assert_int_equal(test_write_file(bad, "WTPMSEL1xxxx"), 0);
	assert_int_equal(crypto_tpm_key_load(a, bad, &back, err,
	    sizeof(err)), -1);
	assert_false(crypto_tpm_key_file(bad));
	free(file);
}

static void
test_seal_unseal(void **state)
{
	uint8_t blob[CRYPTO_TPM_BLOB_MAX], out[CRYPTO_TPM_SEAL_MAX];
	uint8_t secret[64], big[CRYPTO_TPM_SEAL_MAX + 1] = { 0 };
	char err[CRYPTO_ERR_MAX];
	size_t len, outlen;

	(void)state;
	NEED_SWTPM();
	assert_int_equal(crypto_rng_bytes(rng, secret, sizeof(secret)), 0);
	assert_int_equal(crypto_tpm_seal(a, secret, sizeof(secret), blob,
	    sizeof(blob), &len, err, sizeof(err)), 0);
	assert_null(memmem(blob, len, secret, sizeof(secret)));
	assert_int_equal(crypto_tpm_unseal(a, blob, len, out, sizeof(out),
	    &outlen, err, sizeof(err)), 0);
	assert_int_equal(outlen, sizeof(secret));
	assert_memory_equal(out, secret, sizeof(secret));
	/* Another TPM, an altered blob, a short buffer, too much data. */
	assert_int_equal(crypto_tpm_unseal(b, blob, len, out, sizeof(out),
	    &outlen, err, sizeof(err)), -1);
	blob[len - 3] ^= 0x80;
	assert_int_equal(crypto_tpm_unseal(a, blob, len, out, sizeof(out),
	    &outlen, err, sizeof(err)), -1);
	blob[len - 3] ^= 0x80;
	assert_int_equal(crypto_tpm_unseal(a, blob, len - 1, out, sizeof(out),
	    &outlen, err, sizeof(err)), -1);
	assert_int_equal(crypto_tpm_unseal(a, blob, len, out, 16, &outlen, err,
	    sizeof(err)), -1);
	assert_int_equal(crypto_tpm_seal(a, big, sizeof(big), blob,
	    sizeof(blob), &len, err, sizeof(err)), -1);
	crypto_zero(secret, sizeof(secret));
	crypto_zero(out, sizeof(out));
}

static void
test_bad_tcti(void **state)
{
	struct crypto_tpm *t = (struct crypto_tpm *)&t;
	char err[CRYPTO_ERR_MAX];

	(void)state;
	assert_int_equal(crypto_tpm_open("", &t, err, sizeof(err)), -1);
	assert_null(t);
	assert_int_equal(crypto_tpm_open("device:/nonexistent/tpm", &t, err,
	    sizeof(err)), -1);
	assert_null(t);
	assert_non_null(strstr(err, "tpm: "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_sign_verify),
		cmocka_unit_test(test_other_tpm_refuses),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_seal_unseal),
		cmocka_unit_test(test_bad_tcti),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
