/*
 * support.c - helpers shared by the unit tests (see support.h).
 */
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal/hal.h"
#include "tests/unit/support.h"

const char *
test_tmpdir(void)
{
	static char path[64];

	snprintf(path, sizeof(path), "/tmp/warden-test-XXXXXX");
	if (mkdtemp(path) == NULL) {
		perror("mkdtemp");
		abort();
	}
	return path;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
test_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = n + 8192);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

int
test_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (f == NULL)
		return -1;
	rc = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

const char *
test_srctree(void)
{
	const char *s = getenv("WARDEN_SRCTREE");

	return s != NULL && *s != '\0' ? s : ".";
}

static int
fake_wrap(void *arg, const uint8_t *secret, size_t len, uint8_t *blob,
    size_t cap, size_t *bloblen)
{
	size_t i;

	(void)arg;
	if (len + 4 > cap)
		return -ENOSPC;
	memcpy(blob, "WRAP", 4);
	for (i = 0; i < len; i++)
		blob[4 + i] = secret[i] ^ 0x5a;
	*bloblen = len + 4;
	return 0;
}

static int
fake_unwrap(void *arg, const uint8_t *blob, size_t len, uint8_t *secret,
    size_t cap, size_t *outlen)
{
	const int *fail = arg;
	size_t i;

	if ((fail != NULL && *fail) || len < 4 || memcmp(blob, "WRAP", 4) != 0 ||
	    len - 4 > cap)
		return -EACCES;
	for (i = 4; i < len; i++)
		secret[i - 4] = blob[i] ^ 0x5a;
	*outlen = len - 4;
	return 0;
}

void
test_keywrap(struct hal_keywrap *kw, const int *fail)
{
	kw->wrap = fake_wrap;
	kw->unwrap = fake_unwrap;
	kw->arg = (void *)(uintptr_t)fail;
}
