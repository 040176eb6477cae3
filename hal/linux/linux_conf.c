/*
 * linux_conf.c - reading and rewriting one key of the simple
 * configuration files the backend enforces through: "name = value"
 * (pwquality.conf, faillock.conf) and "NAME value" (login.defs).
 *
 * A rewrite changes the lines of that one key and keeps every other byte,
 * so an administrator's comments and settings survive.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hal/linux/linux.h"

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/*
 * When line (len bytes, no newline) is an active setting of key, points
 * val/vlen at its value (trimmed) and returns true.
 */
static bool
line_key(const char *line, size_t len, enum linux_conf_style style,
    const char *key, const char **val, size_t *vlen)
{
	const char *p = line, *end = line + len;
	size_t klen = strlen(key);

	while (p < end && is_space(*p))
		p++;
	if (p == end || *p == '#')
		return false;
	if ((size_t)(end - p) < klen || memcmp(p, key, klen) != 0)
		return false;
	p += klen;
	if (p < end && !is_space(*p) && !(style == LINUX_CONF_EQ && *p == '='))
		return false;
	while (p < end && is_space(*p))
		p++;
	if (style == LINUX_CONF_EQ && p < end) {
		if (*p != '=')
			return false;
		p++;
		while (p < end && is_space(*p))
			p++;
	}
	while (end > p && is_space(end[-1]))
		end--;
	*val = p;
	*vlen = (size_t)(end - p);
	return true;
}

int
linux_conf_get(const char *text, enum linux_conf_style style,
    const char *key, char *out, size_t outlen)
{
	const char *line = text, *nl, *val, *found = NULL;
	size_t vlen, flen = 0;

	while (*line != '\0') {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		if (line_key(line, (size_t)(nl - line), style, key, &val, &vlen)) {
			found = val;
			flen = vlen;
		}
		line = *nl == '\n' ? nl + 1 : nl;
	}
	if (found == NULL)
		return -ENOENT;
	if (flen >= outlen)
		return -ENAMETOOLONG;
	memcpy(out, found, flen);
	out[flen] = '\0';
	return 0;
}

int
linux_conf_get_int(const char *text, enum linux_conf_style style,
    const char *key, int min, int max, int *v)
{
	char buf[24], *end;
	long x;
	int rc;

	if ((rc = linux_conf_get(text, style, key, buf, sizeof(buf))) < 0)
		return rc == -ENAMETOOLONG ? -EINVAL : rc;
	if (buf[0] == '\0')
		return -EINVAL;
	errno = 0;
	x = strtol(buf, &end, 10);
	if (errno != 0 || *end != '\0' || x < min || x > max)
		return -EINVAL;
	*v = (int)x;
	return 0;
}

/* Appends n bytes to the growing buffer *b (length *len). */
static int
put(char **b, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = (*len + n + 1) * 2;
		char *nb = realloc(*b, ncap);

		if (nb == NULL)
			return -1;
		*b = nb;
		*cap = ncap;
	}
	memcpy(*b + *len, s, n);
	*len += n;
	(*b)[*len] = '\0';
	return 0;
}

static int
put_setting(char **b, size_t *len, size_t *cap, enum linux_conf_style style,
    const char *key, const char *value)
{
	const char *sep = style == LINUX_CONF_EQ ? " = " : "\t";

	return put(b, len, cap, key, strlen(key)) != 0 ||
	    put(b, len, cap, sep, strlen(sep)) != 0 ||
	    put(b, len, cap, value, strlen(value)) != 0 ? -1 : 0;
}

char *
linux_conf_set(const char *text, enum linux_conf_style style,
    const char *key, const char *value)
{
	const char *line = text, *nl, *val;
	char *b = NULL;
	size_t len = 0, cap = 0, vlen, llen;
	bool done = false;
	int rc = 0;

	if (put(&b, &len, &cap, "", 0) != 0)
		return NULL;
	while (*line != '\0' && rc == 0) {
		nl = strchr(line, '\n');
		llen = nl != NULL ? (size_t)(nl - line) : strlen(line);
		if (!line_key(line, llen, style, key, &val, &vlen)) {
			rc = put(&b, &len, &cap, line, llen);
		} else if (value != NULL && !done) {
			rc = put_setting(&b, &len, &cap, style, key, value);
			done = true;
		} else {
			rc = put(&b, &len, &cap, "# ", 2) != 0 ||
			    put(&b, &len, &cap, line, llen) != 0 ? -1 : 0;
		}
		if (rc == 0 && nl != NULL)
			rc = put(&b, &len, &cap, "\n", 1);
		line = nl != NULL ? nl + 1 : line + llen;
	}
	if (rc == 0 && value != NULL && !done) {
		if (len > 0 && b[len - 1] != '\n')
			rc = put(&b, &len, &cap, "\n", 1);
		if (rc == 0)
			rc = put_setting(&b, &len, &cap, style, key, value);
		if (rc == 0)
			rc = put(&b, &len, &cap, "\n", 1);
	}
	if (rc != 0) {
		free(b);
		return NULL;
	}
	return b;
}

int
linux_conf_update(struct linux_ctx *c, const char *path,
    enum linux_conf_style style, const char *key, const char *value,
    mode_t mode)
{
	char *text, *next = NULL, check[LINUX_CONF_VALUE_MAX];
	int rc;

	if ((text = malloc(LINUX_CONF_FILE_MAX)) == NULL)
		return -ENOMEM;
	rc = linux_read_file(c, path, text, LINUX_CONF_FILE_MAX, NULL);
	if (rc == -ENOENT) {
		text[0] = '\0';
		rc = 0;
	}
	if (rc == 0 && (next = linux_conf_set(text, style, key, value)) == NULL)
		rc = -ENOMEM;
	if (rc == 0)
		rc = linux_write_atomic(c, path, next, strlen(next), mode);
	free(next);
	if (rc == 0)
		rc = linux_read_file(c, path, text, LINUX_CONF_FILE_MAX, NULL);
	if (rc == 0) {
		int got = linux_conf_get(text, style, key, check,
		    sizeof(check));

		if (value != NULL ? got != 0 || strcmp(check, value) != 0 :
		    got != -ENOENT)
			rc = -EIO;
	}
	free(text);
	return rc;
}
