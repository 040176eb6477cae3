/*
 * seal_file.c - sealed blobs on disk: atomic replacement, bounded reads,
 * destruction.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto_int.h"

/* fsync()s the directory holding path, so that a rename or unlink lasts. */
static int
sync_parent(const char *path)
{
	char copy[PATH_MAX];
	int fd, rc;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -1;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int
write_all(int fd, const uint8_t *buf, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int
crypto_file_write_atomic(const char *path, const void *data, size_t len,
    char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	int fd, saved;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    (int)sizeof(tmp)) {
		crypto_seterr(err, errlen, "%s: path too long", path);
		return -1;
	}
	/* mkstemp() creates the file 0600; fchmod() states it regardless
	 * of how the libc does it. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		crypto_seterr(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fchmod(fd, S_IRUSR | S_IWUSR) != 0 ||
	    write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) != 0) {
		saved = errno;
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		saved = errno;
		goto fail;
	}
	if (sync_parent(path) != 0) {
		crypto_seterr(err, errlen, "%s: fsync of the directory: %s",
		    path, strerror(errno));
		return -1;
	}
	return 0;
fail:
	unlink(tmp);
	crypto_seterr(err, errlen, "%s: %s", path, strerror(saved));
	return -1;
}

int
crypto_seal_file_write(struct crypto_rng *rng, const char *path,
    const uint8_t key[CRYPTO_SEAL_KEY_LEN], const void *pt, size_t len,
    const void *aad, size_t aadlen, char *err, size_t errlen)
{
	uint8_t *blob;
	size_t bloblen;
	int rc;

	if (len > CRYPTO_SEAL_FILE_MAX) {
		crypto_seterr(err, errlen, "%s: %zu bytes exceed the %d-byte "
		    "limit", path, len, CRYPTO_SEAL_FILE_MAX);
		return -1;
	}
	if ((blob = malloc(len + CRYPTO_SEAL_OVERHEAD)) == NULL) {
		crypto_seterr(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (crypto_seal(rng, key, pt, len, aad, aadlen, blob,
	    len + CRYPTO_SEAL_OVERHEAD, &bloblen) != 0) {
		crypto_seterr(err, errlen, "%s: sealing failed", path);
		free(blob);
		return -1;
	}
	rc = crypto_file_write_atomic(path, blob, bloblen, err, errlen);
	free(blob);
	return rc;
}

int
crypto_seal_file_read(const char *path,
    const uint8_t key[CRYPTO_SEAL_KEY_LEN], const void *aad, size_t aadlen,
    uint8_t **pt, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	uint8_t *blob = NULL, *out = NULL;
	size_t got = 0, size, outlen;
	char why[CRYPTO_ERR_MAX];
	ssize_t r;
	int fd, rc = -1;

	*pt = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		crypto_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < CRYPTO_SEAL_OVERHEAD ||
	    st.st_size > CRYPTO_SEAL_FILE_MAX + CRYPTO_SEAL_OVERHEAD) {
		crypto_seterr(err, errlen, "%s: not a sealed file (type or "
		    "size)", path);
		goto out;
	}
	size = (size_t)st.st_size;
	if ((blob = malloc(size)) == NULL ||
	    (out = malloc(size - CRYPTO_SEAL_OVERHEAD + 1)) == NULL) {
		crypto_seterr(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < size) {
		r = read(fd, blob + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			crypto_seterr(err, errlen, "%s: short read", path);
			goto out;
		}
		got += (size_t)r;
	}
	if (crypto_unseal(key, blob, size, aad, aadlen, out,
	    size - CRYPTO_SEAL_OVERHEAD, &outlen, why, sizeof(why)) != 0) {
		crypto_seterr(err, errlen, "%s: %s", path, why);
		goto out;
	}
	out[outlen] = '\0';
	*pt = out;
	*len = outlen;
	out = NULL;
	rc = 0;
out:
	if (out != NULL)
		crypto_free_secret(out, size - CRYPTO_SEAL_OVERHEAD + 1);
	free(blob);
	close(fd);
	return rc;
}

int
crypto_file_destroy(const char *path, char *err, size_t errlen)
{
	static const uint8_t zeros[4096];
	struct stat st;
	off_t left;
	size_t n;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			return 0;
		crypto_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		crypto_seterr(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	for (left = st.st_size; left > 0; left -= (off_t)n) {
		n = left < (off_t)sizeof(zeros) ? (size_t)left : sizeof(zeros);
		if (write_all(fd, zeros, n) != 0)
			break;
	}
	/* Overwriting is best effort; the unlink below is what counts. */
	(void)fsync(fd);
	close(fd);
	if (unlink(path) != 0) {
		crypto_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (sync_parent(path) != 0) {
		crypto_seterr(err, errlen, "%s: fsync of the directory: %s",
		    path, strerror(errno));
		return -1;
	}
	return 0;
}
