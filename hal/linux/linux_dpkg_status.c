/*
 * linux_dpkg_status.c - dpkg's status database (/var/lib/dpkg/status)
 * read into the installed packages and their versions.
 *
 * The file is RFC 822-like stanzas separated by blank lines; a line is
 * "Field: value" or a continuation starting with a space or a tab. Only
 * Package, Status and Version matter here; a package is installed when
 * the third word of Status is "installed". The text is the system's,
 * but it is parsed as untrusted: bounded, and a line that is neither a
 * field nor a continuation rejects the file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/linux/linux.h"

struct stanza {
	char package[HAL_APP_PACKAGE_MAX];
	char version[HAL_APP_VERSION_MAX];
	bool installed;
	bool bad;	/* a value too long to keep */
};

/* Copies [v, v+n) with surrounding blanks trimmed; false when too long. */
static bool
copy_value(char *dst, size_t cap, const char *v, size_t n)
{
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' ||
	    v[n - 1] == '\r'))
		n--;
	if (n >= cap)
		return false;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return true;
}

/* "install ok installed": the third word is the package's state. */
static bool
status_installed(const char *v, size_t n)
{
	const char *end = v + n, *w = v;
	int word = 0;

	while (w < end) {
		const char *s;

		while (w < end && (*w == ' ' || *w == '\t'))
			w++;
		s = w;
		while (w < end && *w != ' ' && *w != '\t' && *w != '\r')
			w++;
		if (w == s)
			break;
		if (++word == 3)
			return (size_t)(w - s) == 9 && memcmp(s, "installed",
			    9) == 0;
	}
	return false;
}

/* Ends a stanza: an installed package joins the list. */
static int
flush(struct stanza *st, struct hal_app **list, size_t *n, size_t *cap)
{
	struct hal_app *a;

	if (st->installed && !st->bad && st->package[0] != '\0') {
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 256;
			struct hal_app *nl;

			if (ncap > HAL_APPS_MAX)
				ncap = HAL_APPS_MAX;
			if (*n == ncap)
				return -E2BIG;
			if ((nl = realloc(*list, ncap * sizeof(*nl))) == NULL)
				return -ENOMEM;
			*list = nl;
			*cap = ncap;
		}
		a = &(*list)[(*n)++];
		memset(a, 0, sizeof(*a));
		memcpy(a->package, st->package, sizeof(a->package));
		memcpy(a->version, st->version, sizeof(a->version));
		a->installed = true;
	}
	memset(st, 0, sizeof(*st));
	return 0;
}

int
linux_dpkg_status_parse(const char *text, size_t len, struct hal_app **out,
    size_t *nout)
{
	struct hal_app *list = NULL;
	struct stanza st;
	size_t n = 0, cap = 0, off = 0, i, k;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	memset(&st, 0, sizeof(st));
	while (off < len && rc == 0) {
		const char *line = text + off, *nl = memchr(line, '\n',
		    len - off);
		size_t ll = nl != NULL ? (size_t)(nl - line) : len - off;
		const char *colon;
		size_t fl;

		off += ll + (nl != NULL);
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (ll == 0) {
			rc = flush(&st, &list, &n, &cap);
			continue;
		}
		if (memchr(line, '\0', ll) != NULL) {
			rc = -EBADMSG;
			break;
		}
		if (line[0] == ' ' || line[0] == '\t')
			continue;	/* continuation of a field we skip */
		if ((colon = memchr(line, ':', ll)) == NULL || colon == line) {
			rc = -EBADMSG;
			break;
		}
		fl = (size_t)(colon - line);
		if (fl == 7 && memcmp(line, "Package", 7) == 0) {
			if (!copy_value(st.package, sizeof(st.package),
			    colon + 1, ll - fl - 1))
				st.bad = true;
		} else if (fl == 7 && memcmp(line, "Version", 7) == 0) {
			if (!copy_value(st.version, sizeof(st.version),
			    colon + 1, ll - fl - 1))
				st.bad = true;
		} else if (fl == 6 && memcmp(line, "Status", 6) == 0) {
			st.installed = status_installed(colon + 1,
			    ll - fl - 1);
		}
	}
	if (rc == 0)
		rc = flush(&st, &list, &n, &cap);
	if (rc != 0) {
		free(list);
		return rc;
	}
	if (n > 0)
		hal_apps_sort(list, n);
	/* One entry a name (a package of two architectures is one app). */
	for (i = k = 0; i < n; i++)
		if (k == 0 || strcmp(list[k - 1].package, list[i].package) != 0)
			list[k++] = list[i];
	*out = list;
	*nout = k;
	return 0;
}
