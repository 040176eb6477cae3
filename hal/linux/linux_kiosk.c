/*
 * linux_kiosk.c - dedicated-device (kiosk) mode: one app, full screen,
 * restarted when it exits, no way out to a console.
 *
 * enter writes a systemd unit, /etc/systemd/system/warden-kiosk.service,
 * that runs the app under the cage Wayland kiosk compositor on tty1 as
 * the kiosk user (a PAM "login" session: the autologin), Restart=always;
 * cage without -s refuses VT switching; a sysctl drop-in and the live
 * kernel.sysrq close the SysRq key; a logind drop-in (NAutoVTs=0,
 * ReserveVT=0) stops gettys on the other VTs from the next boot. Then
 * `systemctl daemon-reload` and `systemctl enable --now`. exit undoes
 * each step, restores the previous kernel.sysrq and starts getty.target
 * again (the unit's Conflicts= stopped the getty on tty1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/linux/linux.h"

#define UNIT_NAME "warden-kiosk.service"
#define UNIT_FILE "/etc/systemd/system/" UNIT_NAME
#define SYSCTL_DROPIN "/etc/sysctl.d/50-warden-kiosk.conf"
#define LOGIND_DROPIN "/etc/systemd/logind.conf.d/50-warden-kiosk.conf"
#define SYSRQ "/proc/sys/kernel/sysrq"
#define CAGE "/usr/bin/cage"
#define APP_MAX 400
#define UNIT_MAX 4096

static const char unit_marker[] =
    "# Written by warden: kiosk mode. Removed when kiosk mode ends.\n";
static const char exec_prefix[] = "ExecStart=" CAGE " -- ";

int
linux_kiosk_app_ok(const char *app)
{
	size_t i, n = strlen(app);

	/* An absolute program path, then words separated by one space;
	 * nothing systemd would expand or unquote (% $ \ " ' ;). */
	if (n < 2 || n > APP_MAX || app[0] != '/' || app[n - 1] == ' ')
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char ch = app[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("/._,:=+@-", ch) != NULL)
			continue;
		if (ch == ' ' && app[i + 1] != ' ')
			continue;
		return -EINVAL;
	}
	return 0;
}

static int
render_unit(const char *user, const char *app, char *buf, size_t len)
{
	int n = snprintf(buf, len,
	    "%s"
	    "[Unit]\n"
	    "Description=warden kiosk\n"
	    "After=systemd-user-sessions.service plymouth-quit-wait.service\n"
	    "After=getty@tty1.service\n"
	    "Conflicts=getty@tty1.service\n"
	    "\n"
	    "[Service]\n"
	    "User=%s\n"
	    "PAMName=login\n"
	    "TTYPath=/dev/tty1\n"
	    "TTYReset=yes\n"
	    "TTYVHangup=yes\n"
	    "TTYVTDisallocate=yes\n"
	    "StandardInput=tty-fail\n"
	    "UtmpIdentifier=tty1\n"
	    "UtmpMode=user\n"
	    "%s%s\n"
	    "Restart=always\n"
	    "RestartSec=1\n"
	    "\n"
	    "[Install]\n"
	    "WantedBy=graphical.target\n",
	    unit_marker, user, exec_prefix, app);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The kernel.sysrq value saved in our drop-in ("# previous: N"). */
static int
saved_sysrq(const char *text, char *prev, size_t len)
{
	const char *p = strstr(text, "\n# previous: ");
	size_t n = 0;

	if (p == NULL)
		return -ENOENT;
	for (p += 13; *p >= '0' && *p <= '9' && n + 1 < len && n < 3; p++)
		prev[n++] = *p;
	prev[n] = '\0';
	return n > 0 && *p == '\n' ? 0 : -EINVAL;
}

/* Sets kernel.sysrq to 0 now and at every boot; keeps the old value. */
static int
close_sysrq(struct linux_ctx *c)
{
	char text[256], prev[24] = "";
	long long now, v;
	int rc;

	/* The value before kiosk mode, from our drop-in if we wrote it. */
	if (linux_read_file(c, SYSCTL_DROPIN, text, sizeof(text), NULL) != 0 ||
	    saved_sysrq(text, prev, sizeof(prev)) != 0) {
		if ((rc = linux_read_int(c, SYSRQ, &now)) < 0)
			return rc;
		snprintf(prev, sizeof(prev), "%lld", now);
	}
	snprintf(text, sizeof(text),
	    "# Written by warden: kiosk mode closes the SysRq key.\n"
	    "# previous: %s\n"
	    "kernel.sysrq = 0\n", prev);
	if ((rc = linux_mkdirs(c, "/etc/sysctl.d", 0755)) < 0 ||
	    (rc = linux_write_atomic(c, SYSCTL_DROPIN, text, strlen(text),
	    0644)) < 0 ||
	    (rc = linux_write_attr(c, SYSRQ, "0")) < 0 ||
	    (rc = linux_read_int(c, SYSRQ, &v)) < 0)
		return rc;
	return v == 0 ? 0 : -EIO;
}

static int
open_sysrq(struct linux_ctx *c)
{
	char text[256], prev[24];
	char *end;
	long v;
	int rc;

	rc = linux_read_file(c, SYSCTL_DROPIN, text, sizeof(text), NULL);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (saved_sysrq(text, prev, sizeof(prev)) == 0) {
		errno = 0;
		v = strtol(prev, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0 && v <= 511 &&
		    (rc = linux_write_attr(c, SYSRQ, prev)) < 0)
			return rc;
	}
	return linux_unlink(c, SYSCTL_DROPIN);
}

static int
linux_kiosk_status(void *ctx, char *app, size_t len)
{
	struct linux_ctx *c = ctx;
	char unit[UNIT_MAX], *line;
	int rc;

	app[0] = '\0';
	rc = linux_read_file(c, UNIT_FILE, unit, sizeof(unit), NULL);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (strncmp(unit, unit_marker, strlen(unit_marker)) != 0)
		return -EINVAL;	/* a unit of that name that is not ours */
	for (line = unit; line != NULL; line = strchr(line, '\n')) {
		char *nl;

		if (*line == '\n')
			line++;
		if (strncmp(line, exec_prefix, strlen(exec_prefix)) != 0)
			continue;
		line += strlen(exec_prefix);
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (linux_kiosk_app_ok(line) < 0)
			return -EINVAL;
		if (strlen(line) >= len)
			return -ENAMETOOLONG;
		strcpy(app, line);
		return 0;
	}
	return -EINVAL;
}

static int
linux_kiosk_enter(void *ctx, const char *app)
{
	static const char logind[] =
	    "# Written by warden: kiosk mode, no text consoles.\n"
	    "[Login]\nNAutoVTs=0\nReserveVT=0\n";
	static const char *const reload[] = { "systemctl", "daemon-reload",
		NULL };
	static const char *const enable[] = { "systemctl", "enable", "--now",
		UNIT_NAME, NULL };
	struct linux_ctx *c = ctx;
	char user[LINUX_NAME_MAX], unit[UNIT_MAX], now[APP_MAX + 1];
	int rc;

	if (linux_kiosk_app_ok(app) < 0)
		return -EINVAL;
	if (c->kiosk_user[0] != '\0')
		snprintf(user, sizeof(user), "%s", c->kiosk_user);
	else if ((rc = linux_device_user(c, user, sizeof(user))) < 0)
		return rc;
	if ((rc = linux_user_lookup(c, user, NULL, NULL, NULL, 0)) < 0)
		return rc;
	if ((rc = render_unit(user, app, unit, sizeof(unit))) < 0 ||
	    (rc = linux_mkdirs(c, "/etc/systemd/system", 0755)) < 0 ||
	    (rc = linux_write_atomic(c, UNIT_FILE, unit, strlen(unit),
	    0644)) < 0 ||
	    (rc = close_sysrq(c)) < 0 ||
	    (rc = linux_mkdirs(c, "/etc/systemd/logind.conf.d", 0755)) < 0 ||
	    (rc = linux_write_atomic(c, LOGIND_DROPIN, logind, strlen(logind),
	    0644)) < 0)
		return rc;
	if ((rc = linux_run_argv(c, reload)) < 0 ||
	    (rc = linux_run_argv(c, enable)) < 0)
		return rc;
	if ((rc = linux_kiosk_status(c, now, sizeof(now))) < 0)
		return rc;
	return strcmp(now, app) == 0 ? 0 : -EIO;
}

static int
linux_kiosk_exit(void *ctx)
{
	static const char *const disable[] = { "systemctl", "disable", "--now",
		UNIT_NAME, NULL };
	static const char *const reload[] = { "systemctl", "daemon-reload",
		NULL };
	/* The unit's Conflicts= stopped the getty on tty1: the consoles
	 * the device has (getty.target's units) start again. */
	static const char *const gettys[] = { "systemctl", "start",
		"getty.target", NULL };
	struct linux_ctx *c = ctx;
	char app[APP_MAX + 1];
	int rc;

	if ((rc = linux_kiosk_status(c, app, sizeof(app))) < 0)
		return rc;
	if (app[0] != '\0' && (rc = linux_run_argv(c, disable)) < 0)
		return rc;
	if ((rc = linux_unlink(c, UNIT_FILE)) < 0 ||
	    (rc = open_sysrq(c)) < 0 ||
	    (rc = linux_unlink(c, LOGIND_DROPIN)) < 0)
		return rc;
	if (app[0] != '\0' && ((rc = linux_run_argv(c, reload)) < 0 ||
	    (rc = linux_run_argv(c, gettys)) < 0))
		return rc;
	if ((rc = linux_kiosk_status(c, app, sizeof(app))) < 0)
		return rc;
	return app[0] == '\0' ? 0 : -EIO;
}

/* Appends "; part" to why. */
static void
cannot(char *why, size_t whylen, const char *part)
{
	size_t n = strlen(why);

	if (n + 1 < whylen)
		snprintf(why + n, whylen - n, "%s%s", n > 0 ? "; " : "", part);
}

/* Whether value is name, or unspecified (the kiosk's own default). */
static bool
is(const char *value, const char *name)
{
	return strstr(value, "_UNSPECIFIED") != NULL ||
	    strcmp(value, name) == 0;
}

/*
 * cage shows the app and nothing else: no status bar, no navigation, no
 * system dialogs, no settings. What asks for none of them is what the
 * kiosk already is (nothing written); each part that asks for more is
 * named in why. The power key stays logind's (HandlePowerKey=): logind
 * 252 reads its configuration only when it starts, so blocking it is not
 * claimed.
 */
static int
linux_kiosk_customize(void *ctx, const struct hal_kiosk_custom *k, char *why,
    size_t whylen)
{
	(void)ctx;
	if (whylen == 0)
		return -EINVAL;
	why[0] = '\0';
	if (!is(k->status_bar, "NOTIFICATIONS_AND_SYSTEM_INFO_DISABLED"))
		cannot(why, whylen, "statusBar: the kiosk (cage) has no status "
		    "bar");
	if (!is(k->navigation, "NAVIGATION_DISABLED"))
		cannot(why, whylen, "systemNavigation: the kiosk (cage) has no "
		    "navigation buttons");
	if (!is(k->error_warnings, "ERROR_AND_WARNINGS_MUTED"))
		cannot(why, whylen, "systemErrorWarnings: the kiosk (cage) shows "
		    "no system dialogs");
	if (!is(k->device_settings, "SETTINGS_ACCESS_BLOCKED"))
		cannot(why, whylen, "deviceSettings: the kiosk (cage) has no "
		    "settings app");
	if (!is(k->power_button, "POWER_BUTTON_AVAILABLE"))
		cannot(why, whylen, "powerButtonActions: the power key is "
		    "logind's (HandlePowerKey=), which Debian 12's logind does "
		    "not reload");
	return why[0] == '\0' ? 0 : -EOPNOTSUPP;
}

const struct hal_kiosk_ops linux_kiosk_ops = {
	.enter = linux_kiosk_enter,
	.exit = linux_kiosk_exit,
	.status = linux_kiosk_status,
	.customize = linux_kiosk_customize,
};
