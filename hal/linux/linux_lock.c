/*
 * linux_lock.c - locking the screen through logind, the lock-screen
 * message, and the screen.locked fact (logind's LockedHint).
 *
 * The lock-screen message is the file /etc/warden/lockscreen-message
 * (UTF-8 text, at most LOCK_MSG_MAX bytes, no control characters but
 * newlines), which the device's greeter shows on its lock screen.
 */
#include <errno.h>
#include <string.h>

#include "hal/linux/linux.h"

#define MESSAGE_FILE "/etc/warden/lockscreen-message"
#define LOCK_MSG_MAX 1024
#define SESSIONS_OUT 512

/* 0 when s is valid UTF-8 text without control characters but '\n'. */
static int
message_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	if (n == 0 || n > LOCK_MSG_MAX)
		return -EINVAL;
	while (*p != '\0') {
		int more;
		unsigned cp;

		if (*p < 0x80) {
			if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
				return -EINVAL;
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			more = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			more = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			more = 3;
			cp = *p & 0x07;
		} else {
			return -EINVAL;
		}
		for (p++; more > 0; more--, p++) {
			if ((*p & 0xc0) != 0x80)
				return -EINVAL;
			cp = (cp << 6) | (*p & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF, C1 controls. */
		if (cp < 0xa0 || (cp >= 0xd800 && cp <= 0xdfff) ||
		    cp > 0x10ffff)
			return -EINVAL;
	}
	return 0;
}

static int
linux_lock_set_message(void *ctx, const char *msg)
{
	struct linux_ctx *c = ctx;
	char buf[LOCK_MSG_MAX + 2];
	int rc;

	if (msg == NULL)
		return linux_unlink(c, MESSAGE_FILE);
	if ((rc = message_ok(msg)) < 0)
		return rc;
	snprintf(buf, sizeof(buf), "%s\n", msg);
	if ((rc = linux_mkdirs(c, "/etc/warden", 0755)) < 0)
		return rc;
	return linux_write_atomic(c, MESSAGE_FILE, buf, strlen(buf), 0644);
}

/* Runs `loginctl ARGS...` and leaves its trimmed stdout in out. */
static int
loginctl(struct linux_ctx *c, const char *const *argv, char *out,
    size_t len)
{
	struct linux_run r;
	char *t;
	int rc;

	memset(&r, 0, sizeof(r));
	r.argv = argv;
	r.out = out;
	r.outlen = len;
	if ((rc = linux_run(c, &r)) < 0)
		return rc;
	if (r.status != 0)
		return -EIO;
	t = linux_trim(out);
	memmove(out, t, strlen(t) + 1);
	return 0;
}

/* A logind session id: letters and digits only. */
static bool
session_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	}
	return i > 0 && i < 32;
}

static int
lock_user_sessions(struct linux_ctx *c, const char *user)
{
	const char *show[] = { "loginctl", "show-user", user, "-p", "Sessions",
		"--value", NULL };
	char out[SESSIONS_OUT], *save = NULL, *id;
	int rc;

	if ((rc = loginctl(c, show, out, sizeof(out))) < 0)
		/* logind knows no such user: nothing of it is unlocked. */
		return rc == -EIO ? 0 : rc;
	for (id = strtok_r(out, " ", &save); id != NULL;
	    id = strtok_r(NULL, " ", &save)) {
		const char *lock[] = { "loginctl", "lock-session", id, NULL };

		if (!session_ok(id))
			return -EINVAL;
		if ((rc = linux_run_argv(c, lock)) < 0)
			return rc;
	}
	return 0;
}

static int
linux_lock_now(void *ctx, enum hal_scope scope)
{
	static const char *const all[] = { "loginctl", "lock-sessions", NULL };
	struct linux_ctx *c = ctx;

	if (scope == HAL_SCOPE_PROFILE)
		return lock_user_sessions(c, c->profile_user);
	return linux_run_argv(c, all);
}

/*
 * logind's object path of a session: letters kept, a digit kept unless
 * it comes first, anything else (never here: session_ok) "_xx".
 */
static void
session_path(const char *id, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "/org/freedesktop/login1/session/");
	const char *p;

	for (p = id; *p != '\0' && n + 4 < len; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (p > id && *p >= '0' && *p <= '9'))
			out[n++] = *p;
		else
			n += (size_t)snprintf(out + n, len - n, "_%02x",
			    (unsigned char)*p);
	}
	out[n] = '\0';
}

/*
 * The device user's display session from logind's state file
 * (run/systemd/users/UID, its DISPLAY= line) and that session's
 * LockedHint over the system bus (which only logind knows). No program
 * is run: this is read on every scan.
 */
int
linux_screen_locked(struct linux_ctx *c, bool *locked)
{
	char user[LINUX_NAME_MAX], home[LINUX_PATH_MAX], path[96], id[64];
	char text[4096], *line, *save = NULL;
	uid_t uid;
	gid_t gid;
	int rc;

	if ((rc = linux_device_user(c, user, sizeof(user))) < 0 ||
	    (rc = linux_user_lookup(c, user, &uid, &gid, home,
	    sizeof(home))) < 0)
		return rc;
	snprintf(path, sizeof(path), "/run/systemd/users/%u", (unsigned)uid);
	if ((rc = linux_read_file(c, path, text, sizeof(text), NULL)) < 0)
		return rc == -ENOENT ? -ENOENT : rc;	/* not logged in */
	id[0] = '\0';
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "DISPLAY=", 8) == 0)
			snprintf(id, sizeof(id), "%s", line + 8);
	if (id[0] == '\0')
		return -ENOENT;	/* no graphical session */
	if (!session_ok(id))
		return -EINVAL;
	session_path(id, path, sizeof(path));
	return linux_dbus_get_bool(c, "org.freedesktop.login1", path,
	    "org.freedesktop.login1.Session", "LockedHint", locked);
}

const struct hal_lock_ops linux_lock_ops = {
	.lock_now = linux_lock_now,
	.set_message = linux_lock_set_message,
};
