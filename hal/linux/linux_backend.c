/*
 * linux_backend.c - the "linux" entry of the HAL registry: the backend
 * argument, open/close, and the facts read that calls every scanner.
 *
 * Spec: "linux:ROOT[,user=NAME][,profile=NAME][,kiosk_user=NAME]
 * [,state=DIR][,runner=PROG][,camera=DEV][,scan_timeout=SECONDS]
 * [,nfc=CONNSTRING]". ROOT is "/" on a device and a fixture tree in
 * tests; see docs/hal-linux.md for every option.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal/linux/linux.h"

#define PROFILE_USER_DEFAULT "warden-work"

void
linux_note(struct linux_ctx *c, const char *what, const char *reason)
{
	size_t n = strlen(c->errors);

	if (n + 4 >= sizeof(c->errors))
		return;
	snprintf(c->errors + n, sizeof(c->errors) - n, "%s%s: %s",
	    n > 0 ? "; " : "", what, reason);
}

static int
set_name(char *dst, const char *val)
{
	if (linux_user_name_ok(val) < 0)
		return -EINVAL;
	snprintf(dst, LINUX_NAME_MAX, "%s", val);
	return 0;
}

/* An absolute path without "." or ".." components that fits. */
static int
set_path(char *dst, const char *val)
{
	const char *p = val;

	if (val[0] != '/' || strlen(val) >= LINUX_PATH_MAX)
		return -EINVAL;
	while (*p != '\0') {
		const char *e = strchr(p + 1, '/');
		size_t n = e != NULL ? (size_t)(e - p - 1) : strlen(p + 1);

		if ((n == 1 && p[1] == '.') || (n == 2 && p[1] == '.' &&
		    p[2] == '.'))
			return -EINVAL;
		p = e != NULL ? e : p + 1 + n;
	}
	snprintf(dst, LINUX_PATH_MAX, "%s", val);
	return 0;
}

/* A decimal number of seconds in [1, max], digits only. */
static int
set_seconds(int *dst, const char *val, int max)
{
	size_t i;
	int v = 0;

	for (i = 0; val[i] != '\0'; i++) {
		if (val[i] < '0' || val[i] > '9' || i >= 4)
			return -EINVAL;
		v = v * 10 + (val[i] - '0');
	}
	if (v < 1 || v > max)
		return -EINVAL;
	*dst = v;
	return 0;
}

/*
 * A libnfc connstring ("pn532_uart:/dev/ttyS0", "pn53x_usb:001:004"):
 * driver name and device fields, nothing a shell or libnfc's own parser
 * would read otherwise.
 */
static int
set_connstring(char *dst, const char *val)
{
	size_t i, n = strlen(val);

	if (n >= LINUX_NFC_CONN_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char ch = val[i];

		if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    !(ch >= '0' && ch <= '9') && strchr("_.:/-", ch) == NULL)
			return -EINVAL;
	}
	snprintf(dst, LINUX_NFC_CONN_MAX, "%s", val);
	return 0;
}

static int
set_option(struct linux_ctx *c, char *opt)
{
	char *eq = strchr(opt, '=');
	const char *key = opt, *val;

	if (eq == NULL || eq[1] == '\0')
		return -EINVAL;
	*eq = '\0';
	val = eq + 1;
	if (strcmp(key, "user") == 0)
		return set_name(c->user, val);
	if (strcmp(key, "profile") == 0)
		return set_name(c->profile_user, val);
	if (strcmp(key, "kiosk_user") == 0)
		return set_name(c->kiosk_user, val);
	if (strcmp(key, "state") == 0)
		return set_path(c->state_dir, val);
	if (strcmp(key, "runner") == 0)
		return set_path(c->runner, val);
	if (strcmp(key, "camera") == 0)
		return set_path(c->camera, val);
	if (strcmp(key, "scan_timeout") == 0)
		return set_seconds(&c->scan_timeout_s, val,
		    LINUX_SCAN_TIMEOUT_MAX);
	if (strcmp(key, "nfc") == 0)
		return set_connstring(c->nfc, val);
	return -EINVAL;
}

int
linux_parse_arg(struct linux_ctx *c, const char *arg)
{
	char buf[1024], *opt, *next, real[PATH_MAX];
	size_t n;
	int rc;

	if (strlen(arg) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, arg);
	if ((next = strchr(buf, ',')) != NULL)
		*next++ = '\0';
	n = strlen(buf);
	if (n == 0 || buf[0] != '/' || n >= sizeof(c->root))
		return -EINVAL;
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	strcpy(c->root, buf);
	snprintf(c->state_dir, sizeof(c->state_dir), "%s",
	    CONFIG_DEFAULT_STATE_DIR);
	snprintf(c->profile_user, sizeof(c->profile_user), "%s",
	    PROFILE_USER_DEFAULT);
	snprintf(c->camera, sizeof(c->camera), "%s", LINUX_CAMERA_DEFAULT);
	c->scan_timeout_s = LINUX_SCAN_TIMEOUT_DEFAULT;
	while ((opt = next) != NULL) {
		if ((next = strchr(opt, ',')) != NULL)
			*next++ = '\0';
		if ((rc = set_option(c, opt)) < 0)
			return rc;
	}
	/* "/." or a link to "/" is the real root: never treat it as a
	 * fixture (the runner acts on the host only for the real root). */
	if (realpath(c->root, real) == NULL)
		return -errno;
	c->prefixed = strcmp(real, "/") != 0;
	return 0;
}

void
linux_set_runner(void *ctx, linux_runner_fn fn, void *arg)
{
	struct linux_ctx *c = ctx;

	c->run_fn = fn;
	c->run_arg = arg;
}

static int
linux_backend_open(const char *arg, void **ctxp)
{
	struct linux_ctx *c;
	int rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	c->rootfd = -1;
	c->uevent_fd = -1;
	c->nft_fd = -1;
	if ((rc = linux_parse_arg(c, arg)) < 0) {
		free(c);
		return rc;
	}
	c->rootfd = open(c->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0) {
		rc = -errno;
		free(c);
		return rc;
	}
	*ctxp = c;
	return 0;
}

static void
linux_backend_close(void *ctx)
{
	struct linux_ctx *c = ctx;

	if (c == NULL)
		return;
	if (c->uevent_fd >= 0)
		close(c->uevent_fd);
	linux_nft_watch_close(c);
	if (c->rootfd >= 0)
		close(c->rootfd);
	free(c);
}

/* profile.exists and kiosk.active. */
static int
facts_modes(struct linux_ctx *c, struct hal_facts *fs)
{
	char app[512];
	bool exists;
	int rc;

	if ((rc = linux_profile_exists(c, &exists)) == 0)
		rc = hal_fact_bool(fs, "profile.exists", exists);
	else
		linux_note(c, "profile", strerror(-rc));
	if (rc == -ENOSPC)
		return rc;
	if ((rc = linux_kiosk_ops.status(c, app, sizeof(app))) == 0)
		rc = hal_fact_bool(fs, "kiosk.active", app[0] != '\0');
	else
		linux_note(c, "kiosk", strerror(-rc));
	return rc == -ENOSPC ? rc : 0;
}

static int
linux_facts_read(void *ctx, struct hal_facts *fs)
{
	static int (*const readers[])(struct linux_ctx *, struct hal_facts *) = {
		linux_facts_identity,
		linux_facts_os,
		linux_facts_crypt,
		linux_facts_integrity,
		linux_facts_passcode,
		linux_facts_system,
		linux_facts_net,
		linux_facts_bearer,
		linux_facts_restrict,
		facts_modes,
	};
	struct linux_ctx *c = ctx;
	size_t i;
	int rc;

	c->errors[0] = '\0';
	for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		/* A reader notes what it could not read and goes on; only a
		 * full fact set stops the scan. */
		if ((rc = readers[i](c, fs)) == -ENOSPC)
			return rc;
	}
	if (c->errors[0] != '\0')
		return hal_fact_str(fs, HAL_FACT_STRING, "hal.errors",
		    c->errors);
	return 0;
}

static const struct hal_facts_ops linux_facts_ops = {
	.read = linux_facts_read,
};

const struct hal_backend hal_linux_backend = {
	.name = "linux",
	.open = linux_backend_open,
	.close = linux_backend_close,
	.watch_fd = linux_watch_fd,
	.watch_drain = linux_watch_drain,
	.identity = &linux_identity_ops,
	.passcode = &linux_passcode_ops,
	.camera = &linux_camera_ops,
	.lock = &linux_lock_ops,
	.wipe = &linux_wipe_ops,
	.power = &linux_power_ops,
	.profile = &linux_profile_ops,
	.kiosk = &linux_kiosk_ops,
	.restrict_ = &linux_restrict_ops,
	.network = &linux_network_ops,
	.certstore = &linux_certstore_ops,
	.facts = &linux_facts_ops,
	.nfc = LINUX_NFC_OPS,
	.camera_scan = LINUX_CAMERA_SCAN_OPS,
	.apps = LINUX_APPS_OPS,
};
