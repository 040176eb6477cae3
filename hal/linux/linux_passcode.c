/*
 * linux_passcode.c - enforcing the passcode policy through PAM's own
 * configuration files:
 *
 *  - strength: a pwquality drop-in, /etc/security/pwquality.conf.d/
 *    50-warden.conf, plus commenting out any weaker setting of the same
 *    key in pwquality.conf (libpwquality reads the main file last, so it
 *    would win);
 *  - expiry: PASS_MAX_DAYS in /etc/login.defs (new accounts) and
 *    `chage -M DAYS USER` for the existing account;
 *  - lockout: deny= in /etc/security/faillock.conf (faillock has no .d
 *    directory on Debian) set to maximumFailedPasswordsForWipe, so the
 *    account locks when the daemon's wipe threshold is reached;
 *  - history: remember= in /etc/security/pwhistory.conf;
 *  - idle lock: IdleAction=lock in a logind drop-in.
 *
 * Every file is written atomically and read back; the effective pwquality
 * settings are recomputed exactly as the facts scanner does and compared.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/linux/linux.h"

#define DROPIN "/etc/security/pwquality.conf.d/50-warden.conf"
#define MAIN_CONF "/etc/security/pwquality.conf"
#define LOGIN_DEFS "/etc/login.defs"
#define FAILLOCK_CONF "/etc/security/faillock.conf"
#define PWHISTORY_CONF "/etc/security/pwhistory.conf"
#define LOGIND_DROPIN "/etc/systemd/logind.conf.d/50-warden-idle.conf"
#define CONF_MAX (64 * 1024)
#define NO_EXPIRY_DAYS 99999
#define RUN_LIMIT 3	/* maxrepeat/maxsequence for the "no runs" qualities */

/* What the policy demands of pwquality; 0 = no requirement. */
struct pwreq {
	int minlen, digits, upper, lower, symbols, minclass, runs;
};

static int
clamp_count(int v)
{
	return v < 0 ? 0 : v > 64 ? 64 : v;
}

static void
requirements(const struct hal_passcode_policy *p, struct pwreq *r)
{
	int letters, nonletter, classes;

	memset(r, 0, sizeof(*r));
	switch (p->quality) {
	case HAL_PW_NUMERIC:
		r->digits = 1;
		break;
	case HAL_PW_NUMERIC_COMPLEX:
		r->digits = 1;
		r->runs = RUN_LIMIT;
		break;
	case HAL_PW_ALPHABETIC:
		/* pwquality has no "a letter of either case": lowercase. */
		r->lower = 1;
		break;
	case HAL_PW_ALPHANUMERIC:
		r->lower = 1;
		r->digits = 1;
		break;
	case HAL_PW_COMPLEX:
		/* AMAPI: the minimums apply to COMPLEX only; letters,
		 * numeric and symbols default to 1. */
		r->lower = clamp_count(p->min_lower);
		r->upper = clamp_count(p->min_upper);
		r->digits = clamp_count(p->min_numeric > 0 ? p->min_numeric : 1);
		r->symbols = clamp_count(p->min_symbols > 0 ? p->min_symbols : 1);
		letters = clamp_count(p->min_letters > 0 ? p->min_letters : 1);
		nonletter = clamp_count(p->min_nonletter);
		if (r->lower + r->upper < letters)
			r->lower += letters - r->lower - r->upper;
		if (r->digits + r->symbols < nonletter)
			r->digits += nonletter - r->digits - r->symbols;
		break;
	case HAL_PW_COMPLEXITY_MEDIUM:
		r->runs = RUN_LIMIT;
		r->minlen = 4;
		break;
	case HAL_PW_COMPLEXITY_HIGH:
		r->runs = RUN_LIMIT;
		r->minlen = 8;
		break;
	default:
		break;
	}
	classes = (r->digits > 0) + (r->upper > 0) + (r->lower > 0) +
	    (r->symbols > 0);
	r->minclass = classes >= 2 ? classes : 0;
	if (p->min_length > r->minlen)
		r->minlen = p->min_length > 256 ? 256 : p->min_length;
	if (r->digits + r->upper + r->lower + r->symbols > r->minlen)
		r->minlen = r->digits + r->upper + r->lower + r->symbols;
	if (r->minlen > 0 && r->minlen < 6)
		r->minlen = 6;	/* libpwquality's floor */
}

int
linux_pwquality_dropin(const struct hal_passcode_policy *p, char *buf,
    size_t len)
{
	struct pwreq r;
	size_t n;

	requirements(p, &r);
	n = (size_t)snprintf(buf, len,
	    "# Written by warden from the device passcode policy; edits are\n"
	    "# overwritten. Negative credits: at least that many characters.\n");
#define KEY(name, val) \
	if (n < len && (val) != 0) \
		n += (size_t)snprintf(buf + n, len - n, "%s = %d\n", name, val)
	KEY("minlen", r.minlen);
	KEY("dcredit", -r.digits);
	KEY("ucredit", -r.upper);
	KEY("lcredit", -r.lower);
	KEY("ocredit", -r.symbols);
	KEY("minclass", r.minclass);
	KEY("maxrepeat", r.runs);
	KEY("maxsequence", r.runs);
#undef KEY
	return n < len ? 0 : -ENAMETOOLONG;
}

/* true when the effective settings are at least as strict as r. */
static bool
meets(const struct linux_pwquality *q, const struct pwreq *r)
{
	return q->minlen >= r->minlen && q->dcredit <= -r->digits &&
	    q->ucredit <= -r->upper && q->lcredit <= -r->lower &&
	    q->ocredit <= -r->symbols && q->minclass >= r->minclass &&
	    (r->runs == 0 || (q->maxrepeat > 0 && q->maxrepeat <= r->runs &&
	    q->maxsequence > 0 && q->maxsequence <= r->runs));
}

/* Comments out settings in pwquality.conf weaker than the drop-in's. */
static int
neutralise_main(struct linux_ctx *c, const struct pwreq *r)
{
	static const char *const keys[] = { "minlen", "dcredit", "ucredit",
		"lcredit", "ocredit", "minclass", "maxrepeat", "maxsequence" };
	int want[8] = { r->minlen, -r->digits, -r->upper, -r->lower,
		-r->symbols, r->minclass, r->runs, r->runs };
	char *text, *next;
	bool changed = false;
	size_t i;
	int rc, v;

	if ((text = malloc(CONF_MAX)) == NULL)
		return -ENOMEM;
	if ((rc = linux_read_file(c, MAIN_CONF, text, CONF_MAX, NULL)) < 0) {
		free(text);
		return rc == -ENOENT ? 0 : rc;
	}
	for (i = 0; i < 8; i++) {
		bool weaker;

		if (want[i] == 0)
			continue;
		rc = linux_conf_get_int(text, LINUX_CONF_EQ, keys[i], -256, 256,
		    &v);
		if (rc == -ENOENT)
			continue;
		/* A value that does not parse is weaker than any. */
		if (rc < 0)
			weaker = true;
		else if (i == 0 || i == 5)
			weaker = v < want[i];
		else if (i >= 6)
			weaker = v == 0 || v > want[i];
		else
			weaker = v > want[i];
		if (!weaker)
			continue;
		if ((next = linux_conf_set(text, LINUX_CONF_EQ, keys[i],
		    NULL)) == NULL) {
			free(text);
			return -ENOMEM;
		}
		free(text);
		text = next;
		changed = true;
	}
	rc = changed ? linux_write_atomic(c, MAIN_CONF, text, strlen(text),
	    0644) : 0;
	free(text);
	return rc;
}

/* passwordHistoryLength: remember= in pwhistory.conf (PAM >= 1.5.1). */
static int
apply_history(struct linux_ctx *c, int n)
{
	char val[16];

	if (n <= 0)
		return 0;
	snprintf(val, sizeof(val), "%d", n);
	return linux_conf_update(c, PWHISTORY_CONF, LINUX_CONF_EQ, "remember",
	    val, 0644);
}

static int
apply_idle_lock(struct linux_ctx *c, int64_t ms)
{
	char text[256];
	int64_t sec;

	if (ms <= 0)
		return linux_unlink(c, LOGIND_DROPIN);
	sec = (ms + 999) / 1000;
	snprintf(text, sizeof(text),
	    "# Written by warden: maximumTimeToLock.\n"
	    "[Login]\nIdleAction=lock\nIdleActionSec=%lld\n", (long long)sec);
	if (linux_mkdirs(c, "/etc/systemd/logind.conf.d", 0755) < 0)
		return -EIO;
	return linux_write_atomic(c, LOGIND_DROPIN, text, strlen(text), 0644);
}

static int
policy_ok(const struct hal_passcode_policy *p)
{
	if (p->quality < HAL_PW_UNSPECIFIED || p->quality > HAL_PW_COMPLEXITY_HIGH ||
	    p->min_length < 0 || p->min_length > 256 ||
	    p->expiration_seconds < 0 ||
	    p->expiration_seconds > (int64_t)NO_EXPIRY_DAYS * 86400 ||
	    p->max_failed_for_wipe < 0 || p->max_failed_for_wipe > 65535 ||
	    p->history_length < 0 || p->history_length > 400 ||
	    p->max_time_to_lock_ms < 0 ||
	    p->max_time_to_lock_ms > (int64_t)86400 * 1000 * 365)
		return -EINVAL;
	return 0;
}

static int
linux_passcode_apply(void *ctx, const struct hal_passcode_policy *p)
{
	struct linux_ctx *c = ctx;
	struct linux_pwquality q;
	struct pwreq r;
	char text[1024], days[24], user[LINUX_NAME_MAX];
	int rc;

	if ((rc = policy_ok(p)) < 0)
		return rc;
	if (p->scope == HAL_SCOPE_PROFILE)
		snprintf(user, sizeof(user), "%s", c->profile_user);
	else if ((rc = linux_device_user(c, user, sizeof(user))) < 0)
		return rc;
	requirements(p, &r);
	if ((rc = linux_pwquality_dropin(p, text, sizeof(text))) < 0 ||
	    (rc = linux_mkdirs(c, "/etc/security/pwquality.conf.d", 0755)) < 0 ||
	    (rc = linux_write_atomic(c, DROPIN, text, strlen(text), 0644)) < 0 ||
	    (rc = neutralise_main(c, &r)) < 0)
		return rc;
	snprintf(days, sizeof(days), "%lld", p->expiration_seconds > 0 ?
	    (long long)((p->expiration_seconds + 86399) / 86400) :
	    (long long)NO_EXPIRY_DAYS);
	if ((rc = linux_conf_update(c, LOGIN_DEFS, LINUX_CONF_WS,
	    "PASS_MAX_DAYS", days, 0644)) < 0)
		return rc;
	if (p->max_failed_for_wipe > 0) {
		char deny[16];

		snprintf(deny, sizeof(deny), "%d", p->max_failed_for_wipe);
		if ((rc = linux_conf_update(c, FAILLOCK_CONF, LINUX_CONF_EQ,
		    "deny", deny, 0644)) < 0)
			return rc;
	}
	if ((rc = apply_history(c, p->history_length)) < 0 ||
	    (rc = apply_idle_lock(c, p->max_time_to_lock_ms)) < 0)
		return rc;
	/* Another drop-in sorting after ours could still override it. */
	linux_pwquality_read(c, &q);
	if (!meets(&q, &r))
		return -EIO;
	{
		const char *argv[] = { "chage", "-M", days, user, NULL };

		if ((rc = linux_run_argv(c, argv)) < 0)
			return rc;
	}
	/* Written but not in force: PAM does not call the module. */
	if ((r.minlen > 0 &&
	    !linux_pam_password_uses(c, "pam_pwquality.so")) ||
	    (p->history_length > 0 &&
	    !linux_pam_password_uses(c, "pam_pwhistory.so")))
		return -ENOSYS;
	return 0;
}

static int
linux_passcode_status(void *ctx, struct hal_passcode_status *st)
{
	return linux_passcode_read(ctx, st);
}

const struct hal_passcode_ops linux_passcode_ops = {
	.apply = linux_passcode_apply,
	.status = linux_passcode_status,
	/* RESET_PASSWORD is not offered: see docs/hal-linux.md. */
	.reset = NULL,
};
