/*
 * linux_facts_passcode.c - passcode.* facts of the device user: whether a
 * password is set and how old it is (/etc/shadow), what strength PAM
 * enforces (pwquality), the expiry (shadow, login.defs), the lockout
 * threshold and the current failed attempts (pam_faillock).
 *
 * A password hash says nothing about the password's length or classes, so
 * passcode.length and passcode.quality are what the enforced pwquality
 * minimums guarantee for a password set while they were in force
 * (docs/hal-linux.md, "approximations").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hal/linux/linux.h"

#define CONF_MAX (64 * 1024)
#define DROPIN_MAX 64
#define TALLY_RECORD 64
#define TALLY_RECORDS_MAX 1088
#define TALLY_STATUS_VALID 0x1
#define FAILLOCK_DENY_DEFAULT 3
#define FAILLOCK_INTERVAL_DEFAULT 900
#define FAILLOCK_INTERVAL_MAX 604800
#define PWQUALITY_DIR "/etc/security/pwquality.conf.d"

/* One pwquality file: each key it sets overrides the earlier value. */
static void
pwquality_file(struct linux_ctx *c, const char *path,
    struct linux_pwquality *q)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "minlen", offsetof(struct linux_pwquality, minlen) },
		{ "dcredit", offsetof(struct linux_pwquality, dcredit) },
		{ "ucredit", offsetof(struct linux_pwquality, ucredit) },
		{ "lcredit", offsetof(struct linux_pwquality, lcredit) },
		{ "ocredit", offsetof(struct linux_pwquality, ocredit) },
		{ "minclass", offsetof(struct linux_pwquality, minclass) },
		{ "maxrepeat", offsetof(struct linux_pwquality, maxrepeat) },
		{ "maxsequence", offsetof(struct linux_pwquality, maxsequence) },
	};
	char *text;
	size_t i;
	int rc, v;

	if ((text = malloc(CONF_MAX)) == NULL)
		return;
	rc = linux_read_file(c, path, text, CONF_MAX, NULL);
	if (rc < 0) {
		if (rc != -ENOENT)
			linux_note(c, path, strerror(-rc));
		free(text);
		return;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		rc = linux_conf_get_int(text, LINUX_CONF_EQ, keys[i].key, -256,
		    256, &v);
		if (rc == 0)
			*(int *)(void *)((char *)q + keys[i].off) = v;
		else if (rc != -ENOENT)
			linux_note(c, path, keys[i].key);
	}
	free(text);
}

int
linux_pwquality_read(struct linux_ctx *c, struct linux_pwquality *q)
{
	char path[LINUX_PATH_MAX], **names;
	size_t i, n;
	int rc;

	/* libpwquality's defaults. */
	memset(q, 0, sizeof(*q));
	q->minlen = 8;
	/* The .d files first, in ASCII order, then the main file. */
	if ((rc = linux_list_dir(c, PWQUALITY_DIR, DROPIN_MAX, &names,
	    &n)) < 0) {
		linux_note(c, PWQUALITY_DIR, strerror(-rc));
		n = 0;
		names = NULL;
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]);

		if (len < 6 || strcmp(names[i] + len - 5, ".conf") != 0 ||
		    linux_join(path, sizeof(path), PWQUALITY_DIR, names[i]) < 0)
			continue;
		pwquality_file(c, path, q);
	}
	linux_names_free(names, n);
	pwquality_file(c, "/etc/security/pwquality.conf", q);
	/* libpwquality never checks less than 6 characters. */
	if (q->minlen < 6)
		q->minlen = 6;
	return 0;
}

enum hal_pw_quality
linux_pwquality_quality(const struct linux_pwquality *q)
{
	/* Any 3 of the 4 classes include a letter; all 4 include all. */
	bool letter = q->lcredit < 0 || q->ucredit < 0 || q->minclass >= 3;
	bool digit = q->dcredit < 0 || q->minclass >= 4;
	bool symbol = q->ocredit < 0 || q->minclass >= 4;
	bool no_runs = q->maxrepeat > 0 && q->maxrepeat <= 3 &&
	    q->maxsequence > 0 && q->maxsequence <= 3;

	if (letter && digit && symbol)
		return HAL_PW_COMPLEX;
	if (letter && digit)
		return HAL_PW_ALPHANUMERIC;
	if (letter)
		return HAL_PW_ALPHABETIC;
	if (digit && no_runs)
		return HAL_PW_NUMERIC_COMPLEX;
	if (digit)
		return HAL_PW_NUMERIC;
	return HAL_PW_SOMETHING;
}

bool
linux_pam_password_uses(struct linux_ctx *c, const char *module)
{
	static const char *const stacks[] = {
		"/etc/pam.d/common-password",	/* Debian, Ubuntu */
		"/etc/pam.d/system-auth",	/* Fedora, Arch */
		"/etc/pam.d/passwd",
	};
	struct linux_lines l;
	bool used = false;
	size_t i;

	for (i = 0; i < sizeof(stacks) / sizeof(stacks[0]) && !used; i++) {
		if (linux_lines_open(c, stacks[i], &l) < 0)
			continue;
		while (!used && linux_lines_next(&l) == 1) {
			const char *s = linux_trim(l.buf);

			used = !l.cont && strncmp(s, "password", 8) == 0 &&
			    strstr(s, module) != NULL;
		}
		linux_lines_close(&l);
	}
	return used;
}

int
linux_faillock_count(const uint8_t *buf, size_t len, int64_t interval)
{
	uint64_t t, latest = 0;
	uint16_t status;
	size_t i, n = len / TALLY_RECORD;
	int count = 0;

	if (len % TALLY_RECORD != 0 || n > TALLY_RECORDS_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		memcpy(&status, buf + i * TALLY_RECORD + 54, sizeof(status));
		memcpy(&t, buf + i * TALLY_RECORD + 56, sizeof(t));
		if ((status & TALLY_STATUS_VALID) != 0 && t > latest)
			latest = t;
	}
	for (i = 0; i < n; i++) {
		memcpy(&status, buf + i * TALLY_RECORD + 54, sizeof(status));
		memcpy(&t, buf + i * TALLY_RECORD + 56, sizeof(t));
		if ((status & TALLY_STATUS_VALID) != 0 &&
		    latest - t < (uint64_t)interval)
			count++;
	}
	return count;
}

struct shadow {
	bool found, set;
	long lastchg;		/* days since 1970, -1 = aging off */
	long max_days;		/* -1 = not set */
};

static long
shadow_num(const char *s)
{
	char *end;
	long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno != 0 || *end != '\0' || v < 0 ? -2 : v;
}

static int
read_shadow(struct linux_ctx *c, const char *user, struct shadow *sh)
{
	struct linux_lines l;
	int rc;

	memset(sh, 0, sizeof(*sh));
	if ((rc = linux_lines_open(c, "/etc/shadow", &l)) < 0)
		return rc;
	while (linux_lines_next(&l) == 1) {
		char *f[9], *p = l.buf;
		int i;

		if (l.partial || l.cont)
			continue;
		for (i = 0; i < 9 && p != NULL; i++) {
			f[i] = p;
			if ((p = strchr(p, ':')) != NULL)
				*p++ = '\0';
		}
		if (strcmp(f[0], user) != 0)
			continue;
		if (i != 9 || p != NULL || (sh->lastchg = shadow_num(f[2])) < -1 ||
		    (sh->max_days = shadow_num(f[4])) < -1) {
			rc = -EINVAL;
			break;
		}
		sh->found = true;
		/* "!..." is locked, "*" and "" cannot log in by password. */
		sh->set = f[1][0] != '\0' && f[1][0] != '!' && f[1][0] != '*';
		break;
	}
	linux_lines_close(&l);
	if (rc == 0 && !sh->found)
		rc = -ENOENT;
	return rc;
}

struct faillock {
	int deny;
	int interval;
	char dir[LINUX_PATH_MAX];
};

static void
read_faillock_conf(struct linux_ctx *c, struct faillock *fl)
{
	char text[8192];
	int rc, v;

	fl->deny = FAILLOCK_DENY_DEFAULT;
	fl->interval = FAILLOCK_INTERVAL_DEFAULT;
	strcpy(fl->dir, "/var/run/faillock");
	rc = linux_read_file(c, "/etc/security/faillock.conf", text,
	    sizeof(text), NULL);
	if (rc < 0) {
		if (rc != -ENOENT)
			linux_note(c, "/etc/security/faillock.conf",
			    strerror(-rc));
		return;
	}
	if ((rc = linux_conf_get_int(text, LINUX_CONF_EQ, "deny", 0, 65535,
	    &v)) == 0)
		fl->deny = v;
	else if (rc != -ENOENT)
		linux_note(c, "faillock.conf", "deny");
	if ((rc = linux_conf_get_int(text, LINUX_CONF_EQ, "fail_interval", 1,
	    FAILLOCK_INTERVAL_MAX, &v)) == 0)
		fl->interval = v;
	else if (rc != -ENOENT)
		linux_note(c, "faillock.conf", "fail_interval");
	if ((rc = linux_conf_get(text, LINUX_CONF_EQ, "dir", fl->dir,
	    sizeof(fl->dir))) < 0 && rc != -ENOENT)
		linux_note(c, "faillock.conf", "dir");
	if (fl->dir[0] != '/') {
		linux_note(c, "faillock.conf", "dir not absolute");
		strcpy(fl->dir, "/var/run/faillock");
	}
}

/* The failed attempts since the last success; -errno when unknown. */
static int
failed_attempts(struct linux_ctx *c, const char *user,
    const struct faillock *fl)
{
	char path[LINUX_PATH_MAX];
	uint8_t *buf;
	size_t len;
	int rc;

	if (linux_join(path, sizeof(path), fl->dir, user) < 0)
		return -ENAMETOOLONG;
	if ((buf = malloc(TALLY_RECORDS_MAX * TALLY_RECORD + 1)) == NULL)
		return -ENOMEM;
	rc = linux_read_file(c, path, (char *)buf,
	    TALLY_RECORDS_MAX * TALLY_RECORD + 1, &len);
	if (rc == 0)
		rc = linux_faillock_count(buf, len, fl->interval);
	else if (rc == -ENOENT)
		rc = 0;	/* no tally file: no failure since the last success */
	free(buf);
	if (rc < 0)
		linux_note(c, path, rc == -EINVAL ? "malformed" : strerror(-rc));
	return rc;
}

/* Fills st from the shadow entry; *failed < 0 when unknown. */
static void
gather(struct linux_ctx *c, const char *user, const struct shadow *sh,
    struct hal_passcode_status *st, struct faillock *fl, int *failed)
{
	struct linux_pwquality q;

	memset(st, 0, sizeof(*st));
	st->set = sh->set;
	st->quality = HAL_PW_UNSPECIFIED;
	if (sh->set) {
		st->quality = HAL_PW_SOMETHING;
		/* The settings count only when PAM applies them. */
		if (linux_pam_password_uses(c, "pam_pwquality.so")) {
			linux_pwquality_read(c, &q);
			st->quality = linux_pwquality_quality(&q);
			st->length = q.minlen;
		}
	}
	st->age_days = sh->lastchg > 0 ? (int64_t)(time(NULL) / 86400) -
	    sh->lastchg : 0;
	read_faillock_conf(c, fl);
	*failed = failed_attempts(c, user, fl);
	st->failed_attempts = *failed > 0 ? *failed : 0;
}

int
linux_passcode_read(struct linux_ctx *c, struct hal_passcode_status *st)
{
	struct faillock fl;
	struct shadow sh;
	char user[LINUX_NAME_MAX];
	int rc, failed;

	if ((rc = linux_device_user(c, user, sizeof(user))) < 0 ||
	    (rc = read_shadow(c, user, &sh)) < 0)
		return rc;
	gather(c, user, &sh, st, &fl, &failed);
	return 0;
}

int
linux_facts_passcode(struct linux_ctx *c, struct hal_facts *fs)
{
	struct hal_passcode_status st;
	struct faillock fl;
	struct shadow sh;
	char user[LINUX_NAME_MAX], defs[16 * 1024];
	int rc, failed, max_days = -1;

	if (linux_device_user(c, user, sizeof(user)) < 0) {
		linux_note(c, "/etc/passwd", "no device user");
		return 0;
	}
	if ((rc = read_shadow(c, user, &sh)) < 0) {
		linux_note(c, "/etc/shadow", rc == -EINVAL ? "malformed" :
		    strerror(-rc));
		return 0;
	}
	gather(c, user, &sh, &st, &fl, &failed);
	if ((rc = hal_fact_bool(fs, "passcode.set", st.set)) < 0 ||
	    (rc = hal_fact_str(fs, HAL_FACT_STRING, "passcode.quality",
	    hal_pw_quality_name(st.quality))) < 0 ||
	    (rc = hal_fact_int(fs, "passcode.length", st.length)) < 0)
		return rc;
	if (sh.lastchg > 0 &&
	    (rc = hal_fact_int(fs, "passcode.age_days", st.age_days)) < 0)
		return rc;
	if (failed >= 0 &&
	    (rc = hal_fact_int(fs, "passcode.failed_attempts", failed)) < 0)
		return rc;
	if ((rc = hal_fact_int(fs, "passcode.lockout_attempts", fl.deny)) < 0)
		return rc;
	/* The user's own maximum age wins over login.defs's default. */
	if (sh.max_days >= 0)
		max_days = (int)sh.max_days;
	else if (linux_read_file(c, "/etc/login.defs", defs, sizeof(defs),
	    NULL) == 0)
		linux_conf_get_int(defs, LINUX_CONF_WS, "PASS_MAX_DAYS", -1,
		    99999, &max_days);
	if (max_days >= 0)
		return hal_fact_int(fs, "passcode.max_age_days", max_days);
	return 0;
}
