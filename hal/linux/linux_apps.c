/*
 * linux_apps.c - applications as Debian packages: apt-get and apt-cache
 * through the backend's runner, dpkg's status file for what is
 * installed, and an apt preferences file per blocked package.
 *
 *   install      apt-get update (a failure is not fatal: the lists may
 *                be current), apt-cache policy for the candidate (none:
 *                -ENOENT; older than the minimum: -ERANGE), then
 *                apt-get install; dpkg's status file is read back
 *   remove       apt-get remove (the configuration files stay)
 *   block        /etc/apt/preferences.d/warden-blocked-<name> with
 *                Pin-Priority -1 (apt never installs it, as a dependency
 *                neither), then remove
 *   list         /var/lib/dpkg/status, and the blocked ones
 *
 * Every path is inside the backend's root and every program runs
 * through linux_run(): under a root prefix only with runner= (a test's
 * chroot), never on the host. docs/hal-linux.md, "Applications".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal/linux/linux.h"

#define STATUS_FILE "/var/lib/dpkg/status"
#define PREFS_DIR "/etc/apt/preferences.d"
#define PIN_PREFIX "warden-blocked-"
#define STATUS_MAX (64u << 20)	/* bytes of dpkg's status file */
#define INSTALL_TIMEOUT_MS (30 * 60 * 1000)
#define UPDATE_TIMEOUT_MS (10 * 60 * 1000)

/* Debian policy 5.6.1: [a-z0-9][a-z0-9+.-]+. */
static bool
debian_name(const char *p)
{
	size_t i, n = strlen(p);

	if (n < 2 || n >= HAL_APP_PACKAGE_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char ch = p[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			continue;
		if (i > 0 && (ch == '+' || ch == '.' || ch == '-'))
			continue;
		return false;
	}
	return true;
}

/* apt reads preferences.d files named [A-Za-z0-9_.-]: '+' becomes '_'
 * ('_' is not in Debian names, so no two packages share a file). */
static int
pin_path(const char *pkg, char *buf, size_t len)
{
	char name[HAL_APP_PACKAGE_MAX];
	size_t i;

	for (i = 0; pkg[i] != '\0' && i + 1 < sizeof(name); i++)
		name[i] = pkg[i] == '+' ? '_' : pkg[i];
	name[i] = '\0';
	return linux_pathf(buf, len, "%s/%s%s", PREFS_DIR, PIN_PREFIX, name);
}

static int
read_installed(struct linux_ctx *c, struct hal_app **out, size_t *n)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, rc;

	*out = NULL;
	*n = 0;
	if ((fd = linux_open(c, STATUS_FILE, O_RDONLY | O_CLOEXEC, 0)) < 0)
		return fd == -ENOENT ? 0 : fd;
	if (fstat(fd, &st) != 0 || st.st_size < 0 ||
	    (unsigned long long)st.st_size > STATUS_MAX) {
		close(fd);
		return -EFBIG;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	rc = linux_dpkg_status_parse(buf, got, out, n);
	free(buf);
	return rc;
}

/* The installed version of pkg ("" when it is not installed). */
static int
installed_version(struct linux_ctx *c, const char *pkg, char *ver,
    size_t len)
{
	struct hal_app *list;
	const struct hal_app *a;
	size_t n;
	int rc;

	ver[0] = '\0';
	if ((rc = read_installed(c, &list, &n)) != 0)
		return rc;
	if ((a = hal_app_find(list, n, pkg)) != NULL)
		snprintf(ver, len, "%s", a->version);
	free(list);
	return 0;
}

/* Runs argv; 0 when it exited 0, -EIO when it failed, or why it could
 * not run. */
static int
run(struct linux_ctx *c, const char *const *argv, int timeout_ms, char *out,
    size_t outlen)
{
	struct linux_run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.argv = argv;
	r.timeout_ms = timeout_ms;
	r.out = out;
	r.outlen = outlen;
	if ((rc = linux_run(c, &r)) != 0)
		return rc;
	return r.status == 0 ? 0 : -EIO;
}

/* apt-cache policy's "Candidate:" version ("" when there is none). */
static int
candidate(struct linux_ctx *c, const char *pkg, char *ver, size_t len)
{
	const char *argv[] = { "apt-cache", "policy", pkg, NULL };
	char out[8192], *p;
	int rc;

	ver[0] = '\0';
	if ((rc = run(c, argv, 0, out, sizeof(out))) != 0)
		return rc;
	if ((p = strstr(out, "Candidate:")) == NULL)
		return 0;
	p += strlen("Candidate:");
	p += strspn(p, " \t");
	snprintf(ver, len, "%.*s", (int)strcspn(p, " \t\r\n"), p);
	if (strcmp(ver, "(none)") == 0)
		ver[0] = '\0';
	return 0;
}

static int
apt_get(struct linux_ctx *c, const char *verb, const char *pkg)
{
	/* env: the runner's environment is fixed; debconf must not ask. */
	const char *argv[] = { "env", "DEBIAN_FRONTEND=noninteractive",
	    "apt-get", "-q", "-y", "-o", "DPkg::Lock::Timeout=120", "-o",
	    "Dpkg::Options::=--force-confold", "--no-install-recommends", verb,
	    pkg, NULL };

	return run(c, argv, INSTALL_TIMEOUT_MS, NULL, 0);
}

static bool
pinned(struct linux_ctx *c, const char *pkg)
{
	char path[LINUX_PATH_MAX];
	struct stat st;

	return pin_path(pkg, path, sizeof(path)) == 0 &&
	    linux_lstat(c, path, &st) == 0;
}

static int
linux_apps_install(void *ctx, const char *pkg, const char *min_version)
{
	struct linux_ctx *c = ctx;
	const char *update[] = { "apt-get", "-q", "-o",
	    "DPkg::Lock::Timeout=120", "update", NULL };
	char have[HAL_APP_VERSION_MAX], cand[HAL_APP_VERSION_MAX];
	int64_t min = *min_version ? hal_app_version_code(min_version) : 0;
	int rc;

	if (!debian_name(pkg))
		return -EINVAL;
	if (pinned(c, pkg))
		return -EPERM;
	if ((rc = installed_version(c, pkg, have, sizeof(have))) != 0)
		return rc;
	if (have[0] != '\0' && hal_app_version_code(have) >= min)
		return 0;
	/* Stale lists still name what can be installed: not fatal. */
	if ((rc = run(c, update, UPDATE_TIMEOUT_MS, NULL, 0)) == -ENOSYS)
		return rc;
	if ((rc = candidate(c, pkg, cand, sizeof(cand))) != 0)
		return rc;
	if (cand[0] == '\0')
		return -ENOENT;
	if (hal_app_version_code(cand) < min)
		return -ERANGE;
	if ((rc = apt_get(c, "install", pkg)) != 0)
		return rc;
	if ((rc = installed_version(c, pkg, have, sizeof(have))) != 0)
		return rc;
	if (have[0] == '\0')
		return -EIO;
	return hal_app_version_code(have) >= min ? 0 : -ERANGE;
}

static int
linux_apps_remove(void *ctx, const char *pkg)
{
	struct linux_ctx *c = ctx;
	char have[HAL_APP_VERSION_MAX];
	int rc;

	if (!debian_name(pkg))
		return -EINVAL;
	if ((rc = installed_version(c, pkg, have, sizeof(have))) != 0)
		return rc;
	if (have[0] == '\0')
		return 0;
	if ((rc = apt_get(c, "remove", pkg)) != 0)
		return rc;
	if ((rc = installed_version(c, pkg, have, sizeof(have))) != 0)
		return rc;
	return have[0] == '\0' ? 0 : -EIO;
}

static int
linux_apps_set_blocked(void *ctx, const char *pkg, bool blocked)
{
	struct linux_ctx *c = ctx;
	char path[LINUX_PATH_MAX], text[512];
	int rc, n;

	if (!debian_name(pkg))
		return -EINVAL;
	if ((rc = pin_path(pkg, path, sizeof(path))) != 0)
		return rc;
	if (!blocked)
		return linux_unlink(c, path);
	n = snprintf(text, sizeof(text), "Explanation: blocked by warden "
	    "(applications[].installType BLOCKED)\nPackage: %s\n"
	    "Pin: version *\nPin-Priority: -1\n", pkg);
	if ((rc = linux_mkdirs(c, PREFS_DIR, 0755)) != 0 ||
	    (rc = linux_write_atomic(c, path, text, (size_t)n, 0644)) != 0)
		return rc;
	return linux_apps_remove(ctx, pkg);
}

/* The package a pin file of warden's names (its "Package:" line). */
static int
pin_package(struct linux_ctx *c, const char *name, char *pkg, size_t len)
{
	char path[LINUX_PATH_MAX], text[1024], *p;
	size_t n;
	int rc;

	if ((rc = linux_pathf(path, sizeof(path), "%s/%s", PREFS_DIR,
	    name)) != 0 || (rc = linux_read_file(c, path, text,
	    sizeof(text), NULL)) != 0)
		return rc;
	if ((p = strstr(text, "\nPackage: ")) == NULL)
		return -EBADMSG;
	p += strlen("\nPackage: ");
	n = strcspn(p, "\n");
	if (n == 0 || n >= len)
		return -EBADMSG;
	memcpy(pkg, p, n);
	pkg[n] = '\0';
	return debian_name(pkg) ? 0 : -EBADMSG;
}

static int
linux_apps_list(void *ctx, struct hal_app **out, size_t *nout)
{
	struct linux_ctx *c = ctx;
	struct hal_app *list, *grown;
	char **names = NULL, pkg[HAL_APP_PACKAGE_MAX];
	size_t n, nnames = 0, i, base;
	int rc;

	if ((rc = read_installed(c, &list, &n)) != 0)
		return rc;
	if ((rc = linux_list_dir(c, PREFS_DIR, 4096, &names, &nnames)) != 0) {
		free(list);
		return rc;
	}
	if (nnames > 0 && (grown = realloc(list, (n + nnames) *
	    sizeof(*list))) == NULL) {
		free(list);
		linux_names_free(names, nnames);
		return -ENOMEM;
	} else if (nnames > 0)
		list = grown;
	base = n;
	for (i = 0; i < nnames; i++) {
		const struct hal_app *found;
		struct hal_app *a;

		if (strncmp(names[i], PIN_PREFIX, strlen(PIN_PREFIX)) != 0 ||
		    pin_package(c, names[i], pkg, sizeof(pkg)) != 0)
			continue;
		/* The installed list is sorted: look there first. */
		if ((found = hal_app_find(list, base, pkg)) != NULL)
			a = &list[found - list];
		else {
			a = &list[n++];
			memset(a, 0, sizeof(*a));
			snprintf(a->package, sizeof(a->package), "%s", pkg);
		}
		a->blocked = true;
	}
	linux_names_free(names, nnames);
	if (n > 0)
		hal_apps_sort(list, n);
	*out = list;
	*nout = n;
	return 0;
}

static int
linux_apps_watch_path(void *ctx, char *path, size_t len)
{
	struct linux_ctx *c = ctx;

	return linux_pathf(path, len, "%s%s", c->prefixed ? c->root : "",
	    STATUS_FILE);
}

const struct hal_apps_ops linux_apps_ops = {
	.installer = "dpkg",
	.install = linux_apps_install,
	.remove = linux_apps_remove,
	.set_blocked = linux_apps_set_blocked,
	.list = linux_apps_list,
	.watch_path = linux_apps_watch_path,
};
