/*
 * linux_certstore.c - the local secrets store: the 32-byte sealing key
 * for the agent's local secrets, and CA certificates for Wi-Fi EAP.
 *
 * Without a hardware key store the sealing key is a random key in a
 * root-only file, STATE/sealing.key (mode 0600, owner root), created on
 * first use. It protects the agent's secrets against anyone who can read
 * the database but not that file: a TPM-backed key replaces it where the
 * hardware offers one (docs/hal-linux.md). CA certificates are DER files
 * in STATE/ca/<name>.der.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal/linux/linux.h"

#define SEALING_KEY_FILE "sealing.key"
#define CA_DER_MAX (16 * 1024)

/* Writes the secret, wrapped when the agent lent a key wrapping. */
static int
secret_store(struct linux_ctx *c, const char *path, const uint8_t *buf,
    size_t len)
{
	uint8_t blob[HAL_KEYWRAP_BLOB_MAX];
	size_t bloblen;
	int rc;

	if (c->kw == NULL)
		return linux_write_atomic(c, path, buf, len, 0600);
	if ((rc = c->kw->wrap(c->kw->arg, buf, len, blob, sizeof(blob),
	    &bloblen)) < 0)
		return rc;
	return linux_write_atomic(c, path, blob, bloblen, 0600);
}

/* Reads size bytes from fd into buf: a plain secret of len bytes, or a
 * wrapped one that unwraps to exactly len bytes. */
static int
secret_read(struct linux_ctx *c, int fd, size_t size, uint8_t *buf,
    size_t len, bool *plain)
{
	uint8_t blob[HAL_KEYWRAP_BLOB_MAX];
	size_t outlen;
	ssize_t n;
	int rc;

	*plain = size == len;
	if (*plain) {
		n = read(fd, buf, len);
		return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
	}
	if (c->kw == NULL || size > sizeof(blob))
		return -EINVAL;
	if ((n = read(fd, blob, size)) != (ssize_t)size)
		return n < 0 ? -errno : -EIO;
	rc = c->kw->unwrap(c->kw->arg, blob, size, buf, len, &outlen);
	if (rc == 0 && outlen != len)
		rc = -EINVAL;
	return rc;
}

int
linux_secret_load(struct linux_ctx *c, const char *path, uint8_t *buf,
    size_t len, bool create)
{
	struct stat st;
	bool plain = false;
	int fd, rc = 0;

	fd = linux_open(c, path, O_RDONLY | O_NOFOLLOW, 0);
	if (fd == -ENOENT && create) {
		if (getrandom(buf, len, 0) != (ssize_t)len)
			return -EIO;
		if ((rc = linux_mkdirs(c, c->state_dir, 0700)) == 0)
			rc = secret_store(c, path, buf, len);
		if (rc < 0)
			explicit_bzero(buf, len);
		return rc;
	}
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) != 0)
		rc = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 077) != 0)
		rc = -EPERM;	/* someone else could read or swap it */
	else
		rc = secret_read(c, fd, (size_t)st.st_size, buf, len, &plain);
	close(fd);
	/* A secret kept plain before the device had a TPM: wrapped now. */
	if (rc == 0 && plain && c->kw != NULL)
		rc = secret_store(c, path, buf, len);
	if (rc < 0)
		explicit_bzero(buf, len);
	return rc;
}

static int
linux_certstore_sealing_key(void *ctx, uint8_t key[32])
{
	struct linux_ctx *c = ctx;
	char path[LINUX_PATH_MAX];

	if (linux_join(path, sizeof(path), c->state_dir, SEALING_KEY_FILE) < 0)
		return -ENAMETOOLONG;
	return linux_secret_load(c, path, key, 32, true);
}

static int
linux_certstore_set_keywrap(void *ctx, const struct hal_keywrap *kw)
{
	struct linux_ctx *c = ctx;

	c->kw = kw;
	return 0;
}

int
linux_ca_name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > 63 || name[0] == '.')
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		    ch == '-'))
			return -EINVAL;
	}
	return 0;
}

/* A DER SEQUENCE whose length field accounts for exactly len bytes. */
static int
der_ok(const uint8_t *der, size_t len)
{
	size_t body, hdr;

	if (len < 2 || len > CA_DER_MAX || der[0] != 0x30)
		return -EINVAL;
	if (der[1] < 0x80) {
		body = der[1];
		hdr = 2;
	} else if (der[1] == 0x81 && len >= 3 && der[2] >= 0x80) {
		body = der[2];
		hdr = 3;
	} else if (der[1] == 0x82 && len >= 4 && der[2] != 0) {
		body = (size_t)der[2] << 8 | der[3];
		hdr = 4;
	} else {
		return -EINVAL;
	}
	return hdr + body == len ? 0 : -EINVAL;
}

static int
linux_certstore_install_ca(void *ctx, const char *name, const uint8_t *der,
    size_t len)
{
	struct linux_ctx *c = ctx;
	char dir[LINUX_PATH_MAX], path[LINUX_PATH_MAX];
	int rc;

	if (linux_ca_name_ok(name) < 0 || der_ok(der, len) < 0)
		return -EINVAL;
	if (linux_join(dir, sizeof(dir), c->state_dir, "ca") < 0 ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s.der", dir, name) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	if ((rc = linux_mkdirs(c, dir, 0755)) < 0)
		return rc;
	return linux_write_atomic(c, path, der, len, 0644);
}

const struct hal_certstore_ops linux_certstore_ops = {
	.sealing_key = linux_certstore_sealing_key,
	.set_keywrap = linux_certstore_set_keywrap,
	.install_ca = linux_certstore_install_ca,
};
