/*
 * linux_facts_os.c - os.* facts: the distribution (os-release), the
 * kernel release and the security patch level.
 *
 * The patch level is the build's WARDEN_SECURITY_PATCH when the image
 * defines one (-DWARDEN_SECURITY_PATCH="\"2026-10-05\""); otherwise the
 * day the newest Debian stable/security update was installed, read from
 * apt's history log or, failing that, dpkg's log (docs/hal-linux.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/linux/linux.h"

#define OS_RELEASE_MAX (16 * 1024)
#define DATE_LEN 10

#ifdef WARDEN_SECURITY_PATCH
static const char build_patch[] = WARDEN_SECURITY_PATCH;
#else
static const char build_patch[] = "";
#endif

/* Parses one os-release value (after "KEY=") into out; -EINVAL if bad. */
static int
parse_value(const char *v, char *out, size_t outlen)
{
	bool closed = false;
	size_t n = 0;
	char q = 0;

	if (*v == '"' || *v == '\'')
		q = *v++;
	for (; *v != '\0'; v++) {
		char ch = *v;

		if (q != 0 && ch == q) {
			closed = true;
			v++;
			break;
		}
		if (q == 0 && (ch == ' ' || ch == '\t' || ch == '"' ||
		    ch == '\'' || ch == '`' || ch == '$' || ch == ';'))
			return -EINVAL;
		if (ch == '\\' && q != '\'') {
			ch = *++v;
			if (ch != '"' && ch != '\\' && ch != '$' && ch != '`' &&
			    ch != '\'')
				return -EINVAL;
		} else if (q == '"' && (ch == '$' || ch == '`')) {
			return -EINVAL;	/* would need a shell to expand */
		}
		if ((unsigned char)ch < 0x20)
			return -EINVAL;
		if (n + 1 >= outlen)
			return -ENAMETOOLONG;
		out[n++] = ch;
	}
	if ((q != 0 && !closed) || *v != '\0')
		return -EINVAL;	/* unterminated, or text after the quote */
	out[n] = '\0';
	return 0;
}

int
linux_os_release_get(const char *text, const char *key, char *out,
    size_t outlen)
{
	char line[1024], val[512];
	const char *p = text, *nl;
	bool found = false;
	int rc;

	while (*p != '\0') {
		size_t n, k;
		char *eq, *s;

		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			return -EINVAL;
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl != NULL ? 1 : 0);
		s = linux_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL || eq == s)
			return -EINVAL;
		for (k = 0; s + k < eq; k++) {
			char ch = s[k];

			if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' &&
			    ch <= '9') || ch == '_'))
				return -EINVAL;
		}
		*eq = '\0';
		/* Every line is checked, so a damaged file is reported. */
		if ((rc = parse_value(eq + 1, val, sizeof(val))) < 0)
			return rc == -ENAMETOOLONG ? -EINVAL : rc;
		if (strcmp(s, key) == 0) {
			if (strlen(val) >= outlen)
				return -ENAMETOOLONG;
			strcpy(out, val);
			found = true;
		}
	}
	return found ? 0 : -ENOENT;
}

static bool
is_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	int i;

	for (i = 0; i < DATE_LEN; i++) {
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return false;
	}
	return true;
}

/*
 * Streams text through a matcher for "deb<digits>u<digits>", the suffix
 * Debian gives every stable and security update ("1.2-3+deb12u4").
 * *state carries across chunks; returns true on a match.
 */
static bool
match_debu(const char *s, int *state)
{
	for (; *s != '\0'; s++) {
		char ch = *s;
		bool digit = ch >= '0' && ch <= '9';

		if (ch == 'd') {
			*state = 1;
			continue;
		}
		switch (*state) {
		case 1:
			*state = ch == 'e' ? 2 : 0;
			break;
		case 2:
			*state = ch == 'b' ? 3 : 0;
			break;
		case 3:
			*state = digit ? 4 : 0;
			break;
		case 4:
			*state = digit ? 4 : ch == 'u' ? 5 : 0;
			break;
		case 5:
			if (digit)
				return true;
			*state = 0;
			break;
		default:
			*state = 0;
			break;
		}
	}
	return false;
}

/* Keeps the newer of two "YYYY-MM-DD" dates in best. */
static void
keep_newest(char *best, const char *date)
{
	if (strcmp(date, best) > 0) {
		memcpy(best, date, DATE_LEN);
		best[DATE_LEN] = '\0';
	}
}

/*
 * apt's history log: a transaction starts with "Start-Date: YYYY-MM-DD
 * HH:MM:SS"; it counts when its "Upgrade:" line holds a debNuM version.
 * The Upgrade line of a large upgrade is long: it is streamed in chunks.
 */
static int
scan_apt_history(struct linux_ctx *c, const char *path, char *best)
{
	struct linux_lines l;
	char date[DATE_LEN + 1] = "";
	bool in_upgrade = false, counted = false;
	int state = 0, rc;

	if ((rc = linux_lines_open(c, path, &l)) < 0)
		return rc;
	while (linux_lines_next(&l) == 1) {
		const char *s = l.buf;

		if (!l.cont) {
			in_upgrade = false;
			state = 0;
			if (strncmp(s, "Start-Date: ", 12) == 0) {
				date[0] = '\0';
				counted = false;
				if (is_date(s + 12)) {
					memcpy(date, s + 12, DATE_LEN);
					date[DATE_LEN] = '\0';
				}
				continue;
			}
			if (strncmp(s, "Upgrade: ", 9) != 0)
				continue;
			in_upgrade = true;
			s += 9;
		}
		if (in_upgrade && !counted && date[0] != '\0' &&
		    match_debu(s, &state)) {
			keep_newest(best, date);
			counted = true;
		}
	}
	linux_lines_close(&l);
	return 0;
}

/* dpkg's log: "YYYY-MM-DD HH:MM:SS upgrade PKG OLD NEW". */
static int
scan_dpkg_log(struct linux_ctx *c, const char *path, char *best)
{
	struct linux_lines l;
	int rc;

	if ((rc = linux_lines_open(c, path, &l)) < 0)
		return rc;
	while (linux_lines_next(&l) == 1) {
		char *tok[6], *save = NULL, *s = l.buf;
		int n, state = 0;

		if (l.partial || l.cont || !is_date(s))
			continue;
		for (n = 0; n < 6; n++) {
			if ((tok[n] = strtok_r(s, " ", &save)) == NULL)
				break;
			s = NULL;
		}
		if (n == 6 && strcmp(tok[2], "upgrade") == 0 &&
		    match_debu(tok[5], &state)) {
			tok[0][DATE_LEN] = '\0';
			keep_newest(best, tok[0]);
		}
	}
	linux_lines_close(&l);
	return 0;
}

static int
security_patch(struct linux_ctx *c, struct hal_facts *fs)
{
	static const char *const apt[] = {
		"/var/log/apt/history.log.1", "/var/log/apt/history.log",
	};
	static const char *const dpkg[] = {
		"/var/log/dpkg.log.1", "/var/log/dpkg.log",
	};
	char best[DATE_LEN + 1] = "";
	const char *source = NULL;
	size_t i;
	int rc;

	if (build_patch[0] != '\0') {
		if (strlen(build_patch) != DATE_LEN || !is_date(build_patch)) {
			linux_note(c, "WARDEN_SECURITY_PATCH", "not YYYY-MM-DD");
			return 0;
		}
		strcpy(best, build_patch);
		source = "build";
	}
	for (i = 0; source == NULL && i < 2; i++)
		scan_apt_history(c, apt[i], best);
	if (source == NULL && best[0] != '\0')
		source = "apt-history";
	for (i = 0; source == NULL && i < 2; i++)
		scan_dpkg_log(c, dpkg[i], best);
	if (source == NULL && best[0] != '\0')
		source = "dpkg-log";
	if (source == NULL)
		return 0;
	if ((rc = hal_fact_str(fs, HAL_FACT_DATETIME, "os.security_patch",
	    best)) < 0)
		return rc;
	return hal_fact_str(fs, HAL_FACT_STRING, "os.security_patch_source",
	    source);
}

/* "12.8" from /etc/debian_version when it is a dotted number. */
static bool
debian_point_release(struct linux_ctx *c, char *out, size_t len)
{
	char buf[32];
	size_t i;

	if (linux_read_line(c, "/etc/debian_version", buf, sizeof(buf)) < 0 ||
	    buf[0] < '0' || buf[0] > '9')
		return false;
	for (i = 0; buf[i] != '\0'; i++) {
		if ((buf[i] < '0' || buf[i] > '9') && buf[i] != '.')
			return false;
	}
	snprintf(out, len, "%s", buf);
	return true;
}

int
linux_facts_os(struct linux_ctx *c, struct hal_facts *fs)
{
	char text[OS_RELEASE_MAX] = "", val[HAL_FACT_STR_MAX], id[64] = "";
	const char *file = "/etc/os-release";
	int rc;

	rc = linux_read_file(c, file, text, sizeof(text), NULL);
	if (rc == -ENOENT) {
		file = "/usr/lib/os-release";
		rc = linux_read_file(c, file, text, sizeof(text), NULL);
	}
	if (rc == 0)
		rc = linux_os_release_get(text, "ID", id, sizeof(id));
	if (rc == -EINVAL || rc == -ENAMETOOLONG) {
		linux_note(c, file, "malformed");
	} else if (rc < 0 && rc != -ENOENT) {
		linux_note(c, file, strerror(-rc));
	} else if (rc == -ENOENT && text[0] == '\0') {
		linux_note(c, "/etc/os-release", "missing");
	} else {
		if (id[0] != '\0' &&
		    (rc = hal_fact_str(fs, HAL_FACT_STRING, "os.id", id)) < 0)
			return rc;
		if (linux_os_release_get(text, "NAME", val, sizeof(val)) == 0 &&
		    (rc = hal_fact_str(fs, HAL_FACT_STRING, "os.name", val)) < 0)
			return rc;
		if ((strcmp(id, "debian") == 0 &&
		    debian_point_release(c, val, sizeof(val))) ||
		    linux_os_release_get(text, "VERSION_ID", val,
		    sizeof(val)) == 0) {
			if ((rc = hal_fact_str(fs, HAL_FACT_VERSION,
			    "os.version", val)) < 0)
				return rc;
		}
	}
	rc = linux_read_line(c, "/proc/sys/kernel/osrelease", val, sizeof(val));
	if (rc == 0 && val[0] != '\0') {
		if ((rc = hal_fact_str(fs, HAL_FACT_VERSION, "os.kernel",
		    val)) < 0)
			return rc;
	} else if (rc < 0) {
		linux_note(c, "/proc/sys/kernel/osrelease", strerror(-rc));
	}
	return security_patch(c, fs);
}
