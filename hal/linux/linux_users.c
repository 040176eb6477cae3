/*
 * linux_users.c - accounts from ROOT/etc/passwd: the device user whose
 * passcode is reported, and the work profile and kiosk accounts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/linux/linux.h"

#define UID_FIRST_USER 1000
#define UID_LAST_USER 60000

int
linux_user_name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n >= LINUX_NAME_MAX)
		return -EINVAL;
	if (!((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
		return -EINVAL;
	for (i = 1; i < n; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '_' || ch == '-'))
			return -EINVAL;
	}
	return 0;
}

/*
 * Splits one passwd line into its 7 fields (in place). Returns -EINVAL
 * for anything else (NIS "+" lines, truncated lines).
 */
static int
split_passwd(char *line, char *f[7])
{
	int i;

	for (i = 0; i < 7; i++) {
		f[i] = line;
		line = strchr(line, ':');
		if (i < 6) {
			if (line == NULL)
				return -EINVAL;
			*line++ = '\0';
		}
	}
	return line == NULL ? 0 : -EINVAL;
}

static int
parse_id(const char *s, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno != 0 || *end != '\0' || *v > 0x7fffffffUL ? -EINVAL : 0;
}

/*
 * Walks passwd and copies out the first well-formed entry named `name`
 * (or, first_human, the first with a UID in [1000, 60000)).
 */
static int
find_user(const struct linux_ctx *c, const char *name, bool first_human,
    char *outname, size_t outlen, uid_t *uid, gid_t *gid, char *home,
    size_t homelen)
{
	struct linux_lines l;
	unsigned long u, g;
	char *f[7];
	int rc;

	if ((rc = linux_lines_open(c, "/etc/passwd", &l)) < 0)
		return rc;
	rc = -ENOENT;
	while (linux_lines_next(&l) == 1) {
		if (l.partial || l.cont)
			continue;
		if (split_passwd(l.buf, f) < 0 || parse_id(f[2], &u) < 0 ||
		    parse_id(f[3], &g) < 0 || linux_user_name_ok(f[0]) < 0)
			continue;
		if (name != NULL && strcmp(f[0], name) != 0)
			continue;
		if (first_human && (u < UID_FIRST_USER || u >= UID_LAST_USER))
			continue;
		if (outname != NULL)
			snprintf(outname, outlen, "%s", f[0]);
		if (uid != NULL)
			*uid = (uid_t)u;
		if (gid != NULL)
			*gid = (gid_t)g;
		if (home != NULL &&
		    (size_t)snprintf(home, homelen, "%s", f[5]) >= homelen)
			rc = -ENAMETOOLONG;
		else
			rc = 0;
		break;
	}
	linux_lines_close(&l);
	return rc;
}

int
linux_user_lookup(const struct linux_ctx *c, const char *name, uid_t *uid,
    gid_t *gid, char *home, size_t homelen)
{
	if (linux_user_name_ok(name) < 0)
		return -EINVAL;
	return find_user(c, name, false, NULL, 0, uid, gid, home, homelen);
}

int
linux_device_user(const struct linux_ctx *c, char *name, size_t len)
{
	if (c->user[0] != '\0') {
		if ((size_t)snprintf(name, len, "%s", c->user) >= len)
			return -ENAMETOOLONG;
		return 0;
	}
	return find_user(c, NULL, true, name, len, NULL, NULL, NULL, 0);
}
