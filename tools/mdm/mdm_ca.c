/*
 * mdm_ca.c - the reference server's certificate authority: created in
 * its directory on first use, it signs the server's TLS certificate and
 * every device certificate (enrollment and renewal).
 *
 * Files (DIR):
 *   seal.key    32 random bytes, 0600: seals the two private keys
 *   ca.key      the CA's EC P-256 key, sealed (crypto/devkey.c format)
 *   server.key  the TLS server's key, sealed
 *   ca.pem      the CA certificate; its SHA-256 is the devices' pin
 *   server.pem  the server certificate (SAN DNS:localhost, DNS:127.0.0.1,
 *               IP:127.0.0.1, DNS:::1, IP:::1 and any --san given at
 *               creation)
 *   command.key the key commands are signed with, sealed; created with
 *               the CA, or on the first use of a directory made before
 *               commands were signed
 * crypto/ writes private keys only sealed; for a reference server the
 * sealing key beside them is what protects them, so DIR must be the
 * operator's alone. ca.pem is written last: a directory without it is
 * (re)created from scratch, so a crash half-way through creation heals.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/mdm/mdm.h"

#define CA_YEARS 10
#define SERVER_DAYS (2 * 365)
#define CA_SUBJECT "CN=wardenmdm CA,O=warden reference MDM"
#define SERVER_SUBJECT "CN=localhost,O=warden reference MDM"

static int
path_in(char *out, size_t cap, const char *dir, const char *name, char *err,
    size_t errlen)
{
	if (snprintf(out, cap, "%s/%s", dir, name) >= (int)cap) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	return 0;
}

/* Replaces path with len bytes atomically (temporary file, fsync,
 * rename), with the given mode. */
static int
write_file(const char *path, const void *data, size_t len, mode_t mode,
    char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	const uint8_t *p = data;
	ssize_t w;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    mode);
	if (fd < 0 || fchmod(fd, mode) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
write_pem(const char *path, const uint8_t *der, size_t len, char *err,
    size_t errlen)
{
	char *pem;
	int rc;

	if (crypto_pem_encode("CERTIFICATE", der, len, &pem) != 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	rc = write_file(path, pem, strlen(pem), 0644, err, errlen);
	free(pem);
	return rc;
}

static uint64_t
random_serial(struct crypto_rng *rng)
{
	uint64_t s = 0;

	/* 63 random bits: a positive INTEGER in at most 8 bytes. */
	while (s == 0) {
		if (crypto_rng_bytes(rng, &s, sizeof(s)) != 0)
			return 1;
		s &= UINT64_C(0x7fffffffffffffff);
	}
	return s;
}

static int
create_server_cert(const char *dir, struct crypto_rng *rng,
    struct crypto_eckey *ca_key, const mbedtls_x509_crt *ca_crt,
    const uint8_t seal[CRYPTO_SEAL_KEY_LEN], const char *const *san_extra,
    char *err, size_t errlen)
{
	const char *san[6 + MDM_SAN_EXTRA_MAX] = {
		"DNS:localhost", "DNS:127.0.0.1", "IP:127.0.0.1", "DNS:::1",
		"IP:::1",
	};
	struct crypto_cert_spec spec = {
		.kind = CRYPTO_CERT_SERVER, .subject = SERVER_SUBJECT,
		.max_pathlen = -1, .san = san,
	};
	struct crypto_eckey *key = NULL;
	char path[PATH_MAX];
	uint8_t *csr = NULL, *der = NULL;
	size_t csrlen, len, i;
	int rc = -1;

	for (i = 0; san_extra != NULL && san_extra[i] != NULL; i++) {
		if (i >= MDM_SAN_EXTRA_MAX) {
			snprintf(err, errlen, "--san: at most %d",
			    MDM_SAN_EXTRA_MAX);
			return -1;
		}
		san[5 + i] = san_extra[i];
	}
	spec.serial = random_serial(rng);
	spec.not_before = time(NULL) - 3600;
	spec.not_after = spec.not_before + 3600 + (time_t)SERVER_DAYS * 86400;
	if (crypto_eckey_generate(rng, &key, err, errlen) != 0 ||
	    crypto_csr_der(rng, key, "localhost", &csr, &csrlen, err,
	    errlen) != 0 ||
	    crypto_issue_from_csr(rng, ca_key, ca_crt, csr, csrlen, &spec, &der,
	    &len, err, errlen) != 0)
		goto out;
	if (path_in(path, sizeof(path), dir, "server.key", err, errlen) != 0 ||
	    crypto_devkey_save_sealed(rng, path, key, seal, err, errlen) != 0)
		goto out;
	if (path_in(path, sizeof(path), dir, "server.pem", err, errlen) != 0 ||
	    write_pem(path, der, len, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	crypto_eckey_free(key);
	free(csr);
	free(der);
	return rc;
}

static int
create(const char *dir, struct crypto_rng *rng, const char *const *san_extra,
    char *err, size_t errlen)
{
	struct crypto_cert_spec spec = {
		.kind = CRYPTO_CERT_CA, .subject = CA_SUBJECT,
		.max_pathlen = 0,
	};
	uint8_t seal[CRYPTO_SEAL_KEY_LEN];
	struct crypto_eckey *key = NULL;
	mbedtls_x509_crt crt;
	char path[PATH_MAX];
	uint8_t *der = NULL;
	size_t len;
	int rc = -1;

	mbedtls_x509_crt_init(&crt);
	spec.serial = random_serial(rng);
	spec.not_before = time(NULL) - 3600;
	spec.not_after = spec.not_before + (time_t)CA_YEARS * 365 * 86400;
	if (crypto_rng_bytes(rng, seal, sizeof(seal)) != 0) {
		snprintf(err, errlen, "random number generator failed");
		goto out;
	}
	if (path_in(path, sizeof(path), dir, "seal.key", err, errlen) != 0 ||
	    write_file(path, seal, sizeof(seal), 0600, err, errlen) != 0)
		goto out;
	if (crypto_eckey_generate(rng, &key, err, errlen) != 0 ||
	    crypto_issue_self_signed(rng, key, &spec, &der, &len, err,
	    errlen) != 0 ||
	    crypto_cert_parse(&crt, der, len, err, errlen) != 0)
		goto out;
	if (path_in(path, sizeof(path), dir, "ca.key", err, errlen) != 0 ||
	    crypto_devkey_save_sealed(rng, path, key, seal, err, errlen) != 0)
		goto out;
	if (create_server_cert(dir, rng, key, &crt, seal, san_extra, err,
	    errlen) != 0)
		goto out;
	if (path_in(path, sizeof(path), dir, "ca.pem", err, errlen) != 0 ||
	    write_pem(path, der, len, err, errlen) != 0)
		goto out;
	rc = 0;
	mdm_log_info("created a CA and a server certificate in %s", dir);
out:
	crypto_zero(seal, sizeof(seal));
	crypto_eckey_free(key);
	mbedtls_x509_crt_free(&crt);
	free(der);
	return rc;
}

static int
read_seal_key(const char *dir, uint8_t seal[CRYPTO_SEAL_KEY_LEN], char *err,
    size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	ssize_t r;
	int fd;

	if (path_in(path, sizeof(path), dir, "seal.key", err, errlen) != 0)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size != CRYPTO_SEAL_KEY_LEN || (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: not a %d-byte file of mode 0600",
		    path, CRYPTO_SEAL_KEY_LEN);
		close(fd);
		return -1;
	}
	r = read(fd, seal, CRYPTO_SEAL_KEY_LEN);
	close(fd);
	if (r != CRYPTO_SEAL_KEY_LEN) {
		crypto_zero(seal, CRYPTO_SEAL_KEY_LEN);
		snprintf(err, errlen, "%s: short read", path);
		return -1;
	}
	return 0;
}

static int
load(struct mdm_ca *ca, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (read_seal_key(ca->dir, ca->seal_key, err, errlen) != 0)
		return -1;
	if (path_in(path, sizeof(path), ca->dir, "ca.key", err, errlen) != 0 ||
	    crypto_devkey_load_sealed(path, ca->seal_key, &ca->key, err,
	    errlen) != 0)
		return -1;
	if (path_in(path, sizeof(path), ca->dir, "ca.pem", err, errlen) != 0 ||
	    crypto_cert_load(&ca->crt, path, err, errlen) != 0)
		return -1;
	if (crypto_cert_count(&ca->crt) != 1 ||
	    !crypto_cert_has_key(&ca->crt, ca->key)) {
		snprintf(err, errlen, "%s: not the certificate of ca.key",
		    path);
		return -1;
	}
	crypto_cert_fingerprint(&ca->crt, ca->pin);
	if (crypto_cert_pem(&ca->crt, &ca->ca_pem) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* The command signing key, created when the directory has none. Runs
 * under the CA lock. */
static int
command_key(struct mdm_ca *ca, struct crypto_rng *rng, char *err,
    size_t errlen)
{
	struct crypto_eckey *key = NULL;
	char path[PATH_MAX];

	if (path_in(path, sizeof(path), ca->dir, "command.key", err,
	    errlen) != 0)
		return -1;
	if (access(path, F_OK) != 0) {
		if (crypto_eckey_generate(rng, &key, err, errlen) != 0 ||
		    crypto_devkey_save_sealed(rng, path, key, ca->seal_key,
		    err, errlen) != 0) {
			crypto_eckey_free(key);
			return -1;
		}
		crypto_eckey_free(key);
		mdm_log_info("created the command signing key in %s",
		    ca->dir);
	}
	if (crypto_devkey_load_sealed(path, ca->seal_key, &ca->command_key,
	    err, errlen) != 0)
		return -1;
	if (crypto_eckey_public_pem(ca->command_key, &ca->command_key_pem) !=
	    0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
mdm_ca_open(struct mdm_ca *ca, const char *dir, struct crypto_rng *rng,
    const char *const *san_extra, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int lock = -1, rc = -1;

	memset(ca, 0, sizeof(*ca));
	mbedtls_x509_crt_init(&ca->crt);
	pthread_mutex_init(&ca->mu, NULL);
	if (snprintf(ca->dir, sizeof(ca->dir), "%s", dir) >=
	    (int)sizeof(ca->dir)) {
		snprintf(err, errlen, "%s: path too long", dir);
		goto out;
	}
	if (path_in(path, sizeof(path), dir, "ca.lock", err, errlen) != 0)
		goto out;
	/* The server and the CLI may both find no CA: one creates it. */
	lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (path_in(path, sizeof(path), dir, "ca.pem", err, errlen) != 0)
		goto out;
	if (access(path, F_OK) != 0 &&
	    create(dir, rng, san_extra, err, errlen) != 0)
		goto out;
	rc = load(ca, err, errlen);
	if (rc == 0)
		rc = command_key(ca, rng, err, errlen);
out:
	if (lock >= 0)
		close(lock);
	if (rc != 0)
		mdm_ca_close(ca);
	return rc;
}

void
mdm_ca_close(struct mdm_ca *ca)
{
	crypto_zero(ca->seal_key, sizeof(ca->seal_key));
	crypto_eckey_free(ca->key);
	ca->key = NULL;
	crypto_eckey_free(ca->command_key);
	ca->command_key = NULL;
	free(ca->command_key_pem);
	ca->command_key_pem = NULL;
	mbedtls_x509_crt_free(&ca->crt);
	free(ca->ca_pem);
	ca->ca_pem = NULL;
	pthread_mutex_destroy(&ca->mu);
}

int
mdm_ca_issue_client(struct mdm_ca *ca, struct crypto_rng *rng,
    struct crypto_eckey *pub, const char *cn, int days, char **pem,
    struct mdm_cert *cert, char *err, size_t errlen)
{
	char subject[CRYPTO_CN_MAX + 4];
	struct crypto_cert_spec spec = {
		.kind = CRYPTO_CERT_CLIENT, .max_pathlen = -1,
		.subject = subject,
	};
	uint8_t *der = NULL;
	size_t derlen;
	int rc;

	*pem = NULL;
	snprintf(subject, sizeof(subject), "CN=%s", cn);
	spec.serial = random_serial(rng);
	/* A minute of slack for a device clock slightly behind. */
	spec.not_before = time(NULL) - 60;
	spec.not_after = spec.not_before + 60 + (time_t)days * 86400;
	pthread_mutex_lock(&ca->mu);
	rc = crypto_issue_for_key(rng, ca->key, &ca->crt, pub, &spec, &der,
	    &derlen, err, errlen);
	pthread_mutex_unlock(&ca->mu);
	if (rc != 0)
		return -1;
	crypto_sha256(der, derlen, cert->fingerprint);
	cert->serial = spec.serial;
	cert->not_after = spec.not_after;
	if (crypto_pem_encode("CERTIFICATE", der, derlen, pem) != 0) {
		snprintf(err, errlen, "out of memory");
		free(der);
		return -1;
	}
	free(der);
	return 0;
}

int
mdm_ca_server_creds(const struct mdm_ca *ca, struct crypto_eckey **key,
    mbedtls_x509_crt *chain, char *err, size_t errlen)
{
	char path[PATH_MAX];

	*key = NULL;
	if (path_in(path, sizeof(path), ca->dir, "server.key", err, errlen) !=
	    0 || crypto_devkey_load_sealed(path, ca->seal_key, key, err,
	    errlen) != 0)
		return -1;
	/* The CA goes in the chain: devices look for the pinned CA there. */
	if (path_in(path, sizeof(path), ca->dir, "server.pem", err, errlen) !=
	    0 || crypto_cert_load(chain, path, err, errlen) != 0 ||
	    path_in(path, sizeof(path), ca->dir, "ca.pem", err, errlen) != 0 ||
	    crypto_cert_load(chain, path, err, errlen) != 0) {
		crypto_eckey_free(*key);
		*key = NULL;
		return -1;
	}
	return 0;
}
