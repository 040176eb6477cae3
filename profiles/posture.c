/*
 * posture_eval.c - compliance evaluation (see posture.h, docs/rules.md).
 *
 * One evaluation indexes the facts by name once (a 256-slot open-address
 * table on the stack, keyed by the hash each rule condition carries from
 * parse time), then judges the implicit policy rules, the document's
 * rules and the caller's extras. Nothing is allocated and no rule text is
 * re-read, so a scan of ~60 facts against ~20 rules costs microseconds.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "profiles/posture.h"
#include "profiles/rfc3339.h"

_Static_assert(HAL_FACTS_MAX < 255, "fact index slots are uint8_t");

#define INDEX_SLOTS 256		/* power of two, >= 2 * HAL_FACTS_MAX */

/*
 * Kernel taint flags that mean code outside the verified kernel was
 * loaded: F (forced module load), R (forced unload), U (user-requested
 * taint), E (unsigned module). Proprietary (P) or out-of-tree (O) modules
 * alone are common on handhelds and are not a risk by themselves.
 */
#define TAINT_SUSPICIOUS ((1 << 1) | (1 << 3) | (1 << 6) | (1 << 13))

struct fact_index {
	const struct hal_facts *fs;
	uint32_t hash[HAL_FACTS_MAX];
	uint8_t slot[INDEX_SLOTS];	/* fact number + 1; 0: empty */
};

struct eval {
	const struct posture_input *in;
	struct posture_result *out;
	struct fact_index ix;
	size_t npolicy;			/* policy entries so far */
};

enum outcome { OUT_FALSE, OUT_TRUE, OUT_UNKNOWN, OUT_ERROR };

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

const char *
posture_state_name(enum posture_state s)
{
	static const char *const names[] = {
		[POSTURE_UNKNOWN] = "Unknown",
		[POSTURE_NOT_APPLICABLE] = "NotApplicable",
		[POSTURE_COMPLIANT] = "Compliant",
		[POSTURE_IN_GRACE_PERIOD] = "InGracePeriod",
		[POSTURE_NON_COMPLIANT] = "NonCompliant",
		[POSTURE_ERROR] = "Error",
		[POSTURE_DENIED] = "Denied",
	};

	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *
posture_specific_name(enum posture_specific s)
{
	static const char *const names[] = {
		[POSTURE_SPECIFIC_NONE] =
		    "SPECIFIC_NON_COMPLIANCE_REASON_UNSPECIFIED",
		[POSTURE_SPECIFIC_PASSWORD_CONFIRMATION_REQUIRED] =
		    "PASSWORD_POLICIES_USER_CREDENTIALS_CONFIRMATION_REQUIRED",
		[POSTURE_SPECIFIC_PASSWORD_EXPIRED] =
		    "PASSWORD_POLICIES_PASSWORD_EXPIRED",
		[POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT] =
		    "PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT",
		[POSTURE_SPECIFIC_ONC_WIFI_INVALID_VALUE] =
		    "ONC_WIFI_INVALID_VALUE",
		[POSTURE_SPECIFIC_ONC_WIFI_API_LEVEL] = "ONC_WIFI_API_LEVEL",
		[POSTURE_SPECIFIC_ONC_WIFI_INVALID_ENTERPRISE_CONFIG] =
		    "ONC_WIFI_INVALID_ENTERPRISE_CONFIG",
		[POSTURE_SPECIFIC_ONC_WIFI_USER_SHOULD_REMOVE_NETWORK] =
		    "ONC_WIFI_USER_SHOULD_REMOVE_NETWORK",
		[POSTURE_SPECIFIC_ONC_WIFI_KEY_PAIR_ALIAS_NOT_CORRESPONDING_TO_EXISTING_KEY] =
		    "ONC_WIFI_KEY_PAIR_ALIAS_NOT_CORRESPONDING_TO_EXISTING_KEY",
	};

	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *
posture_risk_name(enum posture_risk r)
{
	static const char *const names[] = {
		[POSTURE_RISK_UNSPECIFIED] = "SECURITY_RISK_UNSPECIFIED",
		[POSTURE_RISK_UNKNOWN_OS] = "UNKNOWN_OS",
		[POSTURE_RISK_COMPROMISED_OS] = "COMPROMISED_OS",
		[POSTURE_RISK_HARDWARE_BACKED_EVALUATION_FAILED] =
		    "HARDWARE_BACKED_EVALUATION_FAILED",
	};

	return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

const char *
posture_device_name(enum posture_device d)
{
	static const char *const names[] = {
		[POSTURE_DEVICE_UNSPECIFIED] = "POSTURE_UNSPECIFIED",
		[POSTURE_DEVICE_SECURE] = "SECURE",
		[POSTURE_DEVICE_AT_RISK] = "AT_RISK",
		[POSTURE_DEVICE_POTENTIALLY_COMPROMISED] =
		    "POTENTIALLY_COMPROMISED",
	};

	return (size_t)d < sizeof(names) / sizeof(names[0]) ? names[d] : "?";
}

bool
posture_entry_failing(const struct posture_entry *e)
{
	return e->state >= POSTURE_IN_GRACE_PERIOD;
}

/* ------------------------------------------------------------------ */
/* The fact index                                                      */
/* ------------------------------------------------------------------ */

static const struct hal_fact *
index_find_h(const struct fact_index *ix, const char *name, uint32_t h)
{
	size_t i = h & (INDEX_SLOTS - 1);
	uint8_t s;

	while ((s = ix->slot[i]) != 0) {
		const struct hal_fact *f = &ix->fs->f[s - 1];

		if (ix->hash[s - 1] == h &&
		    strncmp(f->name, name, HAL_FACT_NAME_MAX) == 0)
			return f;
		i = (i + 1) & (INDEX_SLOTS - 1);
	}
	return NULL;
}

static const struct hal_fact *
index_find(const struct fact_index *ix, const char *name)
{
	return index_find_h(ix, name, rules_fact_hash(name));
}

/* A fact reported twice counts once: the first one, as hal_fact_find. */
static void
index_build(struct fact_index *ix, const struct hal_facts *fs)
{
	size_t k, n = fs->n < HAL_FACTS_MAX ? fs->n : HAL_FACTS_MAX;

	ix->fs = fs;
	memset(ix->slot, 0, sizeof(ix->slot));
	for (k = 0; k < n; k++) {
		uint32_t h = rules_fact_hash(fs->f[k].name);
		size_t i = h & (INDEX_SLOTS - 1);

		ix->hash[k] = h;
		if (index_find_h(ix, fs->f[k].name, h) != NULL)
			continue;
		while (ix->slot[i] != 0)
			i = (i + 1) & (INDEX_SLOTS - 1);
		ix->slot[i] = (uint8_t)(k + 1);
	}
}

/* ------------------------------------------------------------------ */
/* Entries                                                             */
/* ------------------------------------------------------------------ */

static struct posture_entry *
add_entry(struct eval *ev, enum posture_origin origin, const char *id,
    const char *setting, const char *field_path)
{
	struct posture_entry *e = &ev->out->entry[ev->out->n++];

	memset(e, 0, sizeof(*e));
	e->origin = origin;
	e->id = id;
	e->setting_name = setting;
	e->field_path = field_path;
	e->state = POSTURE_COMPLIANT;
	return e;
}

/*
 * Marks e failing with `state`, stamps when it first failed, and turns a
 * NON_COMPLIANT within its grace period into IN_GRACE_PERIOD.
 */
static void
set_failing(struct eval *ev, struct posture_entry *e,
    enum posture_state state, enum rules_reason reason,
    enum posture_specific specific, int64_t grace_seconds)
{
	const struct posture_input *in = ev->in;
	int64_t t;

	e->state = state;
	e->reason = reason;
	e->specific = specific;
	e->first_failed = in->now;
	/* A time after now (the clock went back) restarts the count. */
	if (in->history != NULL &&
	    in->history(in->history_arg, e->id, &t) == 0 && t <= in->now)
		e->first_failed = t;
	if (state == POSTURE_NON_COMPLIANT && grace_seconds > 0 &&
	    in->now < e->first_failed + grace_seconds) {
		e->state = POSTURE_IN_GRACE_PERIOD;
		e->grace_until = e->first_failed + grace_seconds;
	}
}

static void
set_error(struct eval *ev, struct posture_entry *e, enum rules_reason reason,
    const struct hal_fact *f, const char *why)
{
	e->fact = f;
	e->error = why;
	set_failing(ev, e, POSTURE_ERROR, reason, POSTURE_SPECIFIC_NONE, 0);
}

/*
 * The fact `name` of type `type`, or NULL after marking e UNKNOWN (not
 * reported) or ERROR (reported with another type).
 */
static const struct hal_fact *
want(struct eval *ev, struct posture_entry *e, const char *name,
    enum hal_fact_type type)
{
	const struct hal_fact *f = index_find(&ev->ix, name);

	if (f == NULL) {
		e->state = POSTURE_UNKNOWN;
		e->missing_fact = name;
		return NULL;
	}
	if (f->type != type) {
		set_error(ev, e, RULES_REASON_DEVICE_INCOMPATIBLE, f,
		    "the fact has an unexpected type");
		return NULL;
	}
	return f;
}

/* Private text of the current policy entry (remediations with values). */
static char *
policy_text(struct eval *ev, size_t *len)
{
	*len = sizeof(ev->out->policy_text[0]);
	return ev->out->policy_text[ev->npolicy - 1];
}

static struct posture_entry *
add_policy(struct eval *ev, const char *id, const char *setting,
    const char *field_path)
{
	ev->npolicy++;
	return add_entry(ev, POSTURE_FROM_POLICY, id, setting, field_path);
}

/* ------------------------------------------------------------------ */
/* Implicit rules: the passcode                                        */
/* ------------------------------------------------------------------ */

/* Rank of the ordered legacy qualities; 0 for the others. */
static int
legacy_rank(enum hal_pw_quality q)
{
	return q >= HAL_PW_SOMETHING && q <= HAL_PW_COMPLEX ? (int)q : 0;
}

static bool
is_complexity(enum hal_pw_quality q)
{
	return q >= HAL_PW_COMPLEXITY_LOW && q <= HAL_PW_COMPLEXITY_HIGH;
}

/*
 * Android's complexity bucket (1 low, 2 medium, 3 high) of a passcode of
 * legacy quality q and the given length: PINs reach medium at 4 and high
 * at 8 digits, alphabetic ones medium at 4 and high at 6 characters.
 */
static int
bucket_of(enum hal_pw_quality q, int64_t length)
{
	if (is_complexity(q))
		return (int)(q - HAL_PW_COMPLEXITY_LOW) + 1;
	if (q == HAL_PW_NUMERIC_COMPLEX)
		return length >= 8 ? 3 : length >= 4 ? 2 : 1;
	if (q >= HAL_PW_ALPHABETIC && q <= HAL_PW_COMPLEX)
		return length >= 6 ? 3 : length >= 4 ? 2 : 1;
	return 1;
}

/* Whether judging q against `req` needs the passcode's length. */
static bool
needs_length(enum hal_pw_quality req, enum hal_pw_quality q)
{
	return is_complexity(req) && q >= HAL_PW_NUMERIC_COMPLEX &&
	    q <= HAL_PW_COMPLEX;
}

static bool
quality_ok(enum hal_pw_quality req, enum hal_pw_quality q, int64_t length)
{
	if (is_complexity(req))
		return bucket_of(q, length) >= (int)(req - HAL_PW_COMPLEXITY_LOW)
		    + 1;
	/* A complexity bucket vouches for a PIN without sequences only. */
	if (is_complexity(q))
		return legacy_rank(req) <= (q == HAL_PW_COMPLEXITY_LOW
		    ? legacy_rank(HAL_PW_SOMETHING)
		    : legacy_rank(HAL_PW_NUMERIC_COMPLEX));
	return legacy_rank(q) >= legacy_rank(req);
}

static void
confirm_needed(struct eval *ev, struct posture_entry *e)
{
	e->remediation = "Unlock the device with the passcode so that its "
	    "strength can be checked.";
	set_failing(ev, e, POSTURE_NON_COMPLIANT, RULES_REASON_USER_ACTION,
	    POSTURE_SPECIFIC_PASSWORD_CONFIRMATION_REQUIRED, 0);
}

static void
not_sufficient(struct eval *ev, struct posture_entry *e,
    const struct hal_fact *f, const char *remediation)
{
	e->fact = f;
	e->remediation = remediation;
	set_failing(ev, e, POSTURE_NON_COMPLIANT, RULES_REASON_USER_ACTION,
	    POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT, 0);
}

static void
passcode_quality(struct eval *ev, const struct hal_passcode_policy *p)
{
	const struct hal_fact *set, *qf, *lf;
	struct posture_entry *e;
	enum hal_pw_quality q;

	e = add_policy(ev, "policy.passwordPolicies.passwordQuality",
	    "passwordPolicies", p->quality != HAL_PW_UNSPECIFIED
	    ? "passwordPolicies.passwordQuality" : "passwordPolicies");
	if ((set = want(ev, e, "passcode.set", HAL_FACT_BOOL)) == NULL)
		return;
	e->fact = set;
	if (!set->b) {
		not_sufficient(ev, e, set, "Set a screen-lock passcode that "
		    "meets the policy.");
		return;
	}
	/* Any passcode at all meets these. */
	if (p->quality == HAL_PW_UNSPECIFIED || p->quality == HAL_PW_SOMETHING ||
	    p->quality == HAL_PW_COMPLEXITY_LOW)
		return;
	if ((qf = index_find(&ev->ix, "passcode.quality")) == NULL) {
		confirm_needed(ev, e);
		return;
	}
	if (qf->type != HAL_FACT_STRING ||
	    hal_pw_quality_parse(qf->s, &q) != 0) {
		set_error(ev, e, RULES_REASON_DEVICE_INCOMPATIBLE, qf,
		    "passcode.quality is not an AMAPI passwordQuality");
		return;
	}
	e->fact = qf;
	if (q == HAL_PW_UNSPECIFIED) {
		confirm_needed(ev, e);
		return;
	}
	lf = NULL;
	if (needs_length(p->quality, q)) {
		if ((lf = index_find(&ev->ix, "passcode.length")) == NULL) {
			confirm_needed(ev, e);
			return;
		}
		if (lf->type != HAL_FACT_INT64) {
			set_error(ev, e, RULES_REASON_DEVICE_INCOMPATIBLE, lf,
			    "the fact has an unexpected type");
			return;
		}
	}
	if (!quality_ok(p->quality, q, lf != NULL ? lf->i : 0))
		not_sufficient(ev, e, qf, "Change the passcode to one of the "
		    "quality the policy requires.");
}

static void
passcode_length(struct eval *ev, const struct hal_passcode_policy *p)
{
	const struct hal_fact *f;
	struct posture_entry *e;
	size_t len;
	char *txt;

	e = add_policy(ev, "policy.passwordPolicies.passwordMinimumLength",
	    "passwordPolicies", "passwordPolicies.passwordMinimumLength");
	if ((f = want(ev, e, "passcode.set", HAL_FACT_BOOL)) == NULL)
		return;
	/* Without a passcode, passcode.set is the value to show. */
	if (f->b) {
		if ((f = index_find(&ev->ix, "passcode.length")) == NULL) {
			confirm_needed(ev, e);
			return;
		}
		if (f->type != HAL_FACT_INT64) {
			set_error(ev, e, RULES_REASON_DEVICE_INCOMPATIBLE, f,
			    "the fact has an unexpected type");
			return;
		}
		e->fact = f;
		if (f->i >= p->min_length)
			return;
	}
	txt = policy_text(ev, &len);
	snprintf(txt, len, "Change the passcode to one of at least %d "
	    "characters.", p->min_length);
	not_sufficient(ev, e, f, txt);
}

static void
passcode_expiry(struct eval *ev, const struct hal_passcode_policy *p)
{
	const struct hal_fact *set, *af;
	struct posture_entry *e;
	size_t len;
	char *txt;

	e = add_policy(ev, "policy.passwordPolicies.passwordExpirationTimeout",
	    "passwordPolicies", "passwordPolicies.passwordExpirationTimeout");
	if ((set = want(ev, e, "passcode.set", HAL_FACT_BOOL)) == NULL)
		return;
	if (!set->b) {
		e->state = POSTURE_NOT_APPLICABLE;
		e->fact = set;
		return;
	}
	if ((af = want(ev, e, "passcode.age_days", HAL_FACT_INT64)) == NULL)
		return;
	e->fact = af;
	if (af->i < p->expiration_seconds / 86400 ||
	    (af->i == p->expiration_seconds / 86400 &&
	    p->expiration_seconds % 86400 != 0))
		return;
	txt = policy_text(ev, &len);
	snprintf(txt, len, "Change the passcode: it is older than the %lld "
	    "days the policy allows.",
	    (long long)(p->expiration_seconds / 86400));
	e->remediation = txt;
	set_failing(ev, e, POSTURE_NON_COMPLIANT, RULES_REASON_USER_ACTION,
	    POSTURE_SPECIFIC_PASSWORD_EXPIRED, 0);
}

/* ------------------------------------------------------------------ */
/* Implicit rules: encryption, OS floor, restrictions                  */
/* ------------------------------------------------------------------ */

static void
encryption(struct eval *ev)
{
	struct posture_entry *e;
	const struct hal_fact *f;

	e = add_policy(ev, "policy.encryptionPolicy", "encryptionPolicy",
	    "encryptionPolicy");
	if ((f = want(ev, e, "disk.encrypted", HAL_FACT_BOOL)) == NULL)
		return;
	e->fact = f;
	if (f->b)
		return;
	e->remediation = "Encrypt the device storage: re-provision the "
	    "device with encryption enabled.";
	set_failing(ev, e, POSTURE_NON_COMPLIANT, RULES_REASON_INVALID_VALUE,
	    POSTURE_SPECIFIC_NONE, 0);
}

static void
os_floor(struct eval *ev, const char *floor)
{
	struct rules_version want_v, have_v;
	struct posture_entry *e;
	const struct hal_fact *f;
	size_t len;
	char *txt;

	e = add_policy(ev, "policy.minimumApiLevel", "minimumApiLevel",
	    "minimumApiLevel");
	if (rules_version_parse(floor, &want_v) != 0) {
		set_error(ev, e, RULES_REASON_INVALID_VALUE, NULL,
		    "the policy's minimumApiLevel is not a version");
		return;
	}
	if ((f = index_find(&ev->ix, "os.version")) == NULL) {
		e->state = POSTURE_UNKNOWN;
		e->missing_fact = "os.version";
		return;
	}
	e->fact = f;
	if ((f->type != HAL_FACT_VERSION && f->type != HAL_FACT_STRING) ||
	    rules_version_parse(f->s, &have_v) != 0) {
		set_error(ev, e, RULES_REASON_DEVICE_INCOMPATIBLE, f,
		    "os.version is not a version");
		return;
	}
	if (rules_version_cmp(&have_v, &want_v) >= 0)
		return;
	txt = policy_text(ev, &len);
	snprintf(txt, len, "Update the operating system to version %s or "
	    "later.", floor);
	e->remediation = txt;
	set_failing(ev, e, POSTURE_NON_COMPLIANT, RULES_REASON_API_LEVEL,
	    POSTURE_SPECIFIC_NONE, 0);
}

/* A restriction the policy demands, read back from a BOOL fact. */
static void
restriction(struct eval *ev, const char *id, const char *setting,
    const char *fact, const char *present, const char *remediation)
{
	struct posture_entry *e;
	const struct hal_fact *f;

	e = add_policy(ev, id, setting, setting);
	if (present != NULL && (f = index_find(&ev->ix, present)) != NULL &&
	    f->type == HAL_FACT_BOOL && !f->b) {
		e->state = POSTURE_NOT_APPLICABLE;
		e->fact = f;
		return;
	}
	if ((f = want(ev, e, fact, HAL_FACT_BOOL)) == NULL)
		return;
	e->fact = f;
	if (f->b)
		return;
	e->remediation = remediation;
	set_failing(ev, e, POSTURE_NON_COMPLIANT, RULES_REASON_INVALID_VALUE,
	    POSTURE_SPECIFIC_NONE, 0);
}

static void
eval_policy(struct eval *ev, const struct policy_requirements *r)
{
	const struct hal_passcode_policy *p = &r->passcode;
	char floor[sizeof(r->min_os_version)];

	if (r->passcode_required || p->quality != HAL_PW_UNSPECIFIED ||
	    p->min_length > 0 || p->expiration_seconds > 0)
		passcode_quality(ev, p);
	if (p->min_length > 0)
		passcode_length(ev, p);
	if (p->expiration_seconds > 0)
		passcode_expiry(ev, p);
	if (r->encryption_required)
		encryption(ev);
	if (r->min_os_version[0] != '\0') {
		/* Copied so that an unterminated field cannot be overrun. */
		memcpy(floor, r->min_os_version, sizeof(floor));
		floor[sizeof(floor) - 1] = '\0';
		os_floor(ev, floor);
	}
	if (r->camera_blocked)
		restriction(ev, "policy.cameraAccess", "cameraAccess",
		    "camera.blocked", "camera.present",
		    "The cameras are not blocked as the policy requires; "
		    "the agent keeps re-applying the block.");
	if (r->screen_capture_blocked)
		restriction(ev, "policy.screenCaptureDisabled",
		    "screenCaptureDisabled", "screen_capture.blocked", NULL,
		    "Screen capture is not blocked as the policy requires; "
		    "the agent keeps re-applying the block.");
	if (r->usb_data_blocked)
		restriction(ev, "policy.usbDataAccess", "usbDataAccess",
		    "usb.data_blocked", NULL,
		    "USB data transfer is not blocked as the policy "
		    "requires; the agent keeps re-applying the block.");
}

/* ------------------------------------------------------------------ */
/* The rules document                                                  */
/* ------------------------------------------------------------------ */

static int
cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int
cmp_double(double a, double b)
{
	return (a > b) - (a < b);
}

static enum outcome
apply_op(enum rules_op op, int c)
{
	bool r;

	switch (op) {
	case RULES_OP_EQ:
		r = c == 0;
		break;
	case RULES_OP_NE:
		r = c != 0;
		break;
	case RULES_OP_GT:
		r = c > 0;
		break;
	case RULES_OP_GE:
		r = c >= 0;
		break;
	case RULES_OP_LT:
		r = c < 0;
		break;
	default:
		r = c <= 0;
		break;
	}
	return r ? OUT_TRUE : OUT_FALSE;
}

/*
 * Compares fact f with condition cd. Numeric types accept INT64 and
 * DOUBLE facts; String accepts any textual fact; DateTime and Version
 * also accept STRING facts and parse them.
 */
static enum outcome
eval_condition(const struct rules_condition *cd, const struct hal_fact *f,
    int64_t now, const char **why)
{
	struct rules_version v;
	int64_t t;
	int c;

	*why = "the fact's type does not match the condition's type";
	switch (cd->type) {
	case RULES_TYPE_BOOLEAN:
		if (f->type != HAL_FACT_BOOL)
			return OUT_ERROR;
		c = f->b != cd->b;
		break;
	case RULES_TYPE_INT64:
	case RULES_TYPE_DOUBLE:
		if (f->type == HAL_FACT_INT64 && cd->type == RULES_TYPE_INT64)
			c = cmp_i64(f->i, cd->i);
		else if (f->type == HAL_FACT_INT64)
			c = cmp_double((double)f->i, cd->d);
		else if (f->type != HAL_FACT_DOUBLE)
			return OUT_ERROR;
		else if (isnan(f->d)) {
			*why = "the fact is not a number";
			return OUT_ERROR;
		} else
			c = cmp_double(f->d, cd->type == RULES_TYPE_INT64
			    ? (double)cd->i : cd->d);
		break;
	case RULES_TYPE_STRING:
		if (f->type != HAL_FACT_STRING && f->type != HAL_FACT_VERSION &&
		    f->type != HAL_FACT_DATETIME)
			return OUT_ERROR;
		c = strncmp(f->s, cd->s, sizeof(f->s)) != 0;
		break;
	case RULES_TYPE_DATETIME:
		if (f->type != HAL_FACT_DATETIME && f->type != HAL_FACT_STRING)
			return OUT_ERROR;
		if (rfc3339_parse(f->s, RFC3339_DATE_OK | RFC3339_NO_OFFSET_OK,
		    &t) != 0) {
			*why = "the fact is not an ISO 8601 date or timestamp";
			return OUT_ERROR;
		}
		c = cmp_i64(t, cd->t_relative ? now + cd->t : cd->t);
		break;
	default:
		if (f->type != HAL_FACT_VERSION && f->type != HAL_FACT_STRING)
			return OUT_ERROR;
		if (rules_version_parse(f->s, &v) != 0) {
			*why = "the fact is not a version";
			return OUT_ERROR;
		}
		c = rules_version_cmp(&v, &cd->v);
		break;
	}
	return apply_op(cd->op, c);
}

/*
 * Judges a rule's conditions: with "all" one false condition decides,
 * with "any" one true condition does; otherwise an unevaluable condition
 * makes the whole ERROR, a missing fact UNKNOWN. *f is the fact to show
 * as currentValue, *missing the first fact not reported.
 */
static enum outcome
eval_conditions(struct eval *ev, const struct rules_rule *r,
    const struct hal_fact **shown, const char **missing, const char **why)
{
	enum outcome decides = r->match == RULES_MATCH_ALL ? OUT_FALSE
							   : OUT_TRUE;
	enum outcome res = decides == OUT_FALSE ? OUT_TRUE : OUT_FALSE;
	const struct hal_fact *first = NULL, *err_fact = NULL;
	size_t k;

	*missing = NULL;
	for (k = 0; k < r->ncond; k++) {
		const struct rules_condition *cd = &r->cond[k];
		const struct hal_fact *f;
		const char *w;
		enum outcome o;

		f = index_find_h(&ev->ix, cd->fact, cd->fact_hash);
		if (f == NULL) {
			if (*missing == NULL)
				*missing = cd->fact;
			if (res != OUT_ERROR)
				res = OUT_UNKNOWN;
			continue;
		}
		if (first == NULL)
			first = f;
		o = eval_condition(cd, f, ev->in->now, &w);
		if (o == decides) {
			*shown = f;
			return o;
		}
		if (o == OUT_ERROR && res != OUT_ERROR) {
			res = OUT_ERROR;
			err_fact = f;
			*why = w;
		}
	}
	*shown = res == OUT_ERROR ? err_fact : first;
	return res;
}

static void
eval_rules(struct eval *ev, const struct rules_set *rs)
{
	const struct rules_rule *decided[RULES_MAX];
	size_t i;

	for (i = 0; i < rs->ngroups && i < RULES_MAX; i++)
		decided[i] = NULL;
	for (i = 0; i < rs->nrules && i < RULES_MAX; i++) {
		const struct rules_rule *r = &rs->rules[i];
		const struct hal_fact *shown = NULL;
		const char *missing = NULL, *why = NULL;
		struct posture_entry *e;
		enum outcome o;

		e = add_entry(ev, POSTURE_FROM_RULE, r->id, r->setting_name,
		    r->field_path[0] != '\0' ? r->field_path : NULL);
		if (decided[r->setting_group] != NULL) {
			e->state = POSTURE_NOT_APPLICABLE;
			e->superseded_by = decided[r->setting_group]->id;
			continue;
		}
		o = eval_conditions(ev, r, &shown, &missing, &why);
		e->fact = shown;
		switch (o) {
		case OUT_UNKNOWN:
			e->state = POSTURE_UNKNOWN;
			e->missing_fact = missing;
			break;
		case OUT_ERROR:
			set_error(ev, e, RULES_REASON_DEVICE_INCOMPATIBLE,
			    shown, why);
			break;
		case OUT_FALSE:
			e->state = r->result == RULES_RESULT_COMPLIANT
			    ? POSTURE_NOT_APPLICABLE : POSTURE_COMPLIANT;
			break;
		case OUT_TRUE:
			decided[r->setting_group] = r;
			if (r->result == RULES_RESULT_COMPLIANT)
				break;
			e->remediation = r->remediation[0] != '\0'
			    ? r->remediation : NULL;
			set_failing(ev, e, r->result == RULES_RESULT_DENIED
			    ? POSTURE_DENIED : POSTURE_NON_COMPLIANT,
			    r->reason, POSTURE_SPECIFIC_NONE, r->grace_seconds);
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Extras, security posture, verdict                                   */
/* ------------------------------------------------------------------ */

static void
eval_extras(struct eval *ev)
{
	size_t i;

	for (i = 0; i < ev->in->nextras; i++) {
		const struct posture_extra *x = &ev->in->extras[i];
		struct posture_entry *e;

		e = add_entry(ev, POSTURE_FROM_EXTRA,
		    x->id != NULL ? x->id : x->setting_name, x->setting_name,
		    x->field_path);
		e->current_text = x->current_value;
		e->remediation = x->remediation;
		set_failing(ev, e, x->reason == RULES_REASON_PENDING
		    ? POSTURE_IN_GRACE_PERIOD : POSTURE_NON_COMPLIANT,
		    x->reason, x->specific, 0);
	}
}

struct risks {
	const char *advice[4][POSTURE_ADVICE_MAX];
	size_t n[4];
	bool seen;			/* any integrity fact reported */
};

/* Looks up a BOOL integrity fact; *v is its value when it returns true. */
static bool
integrity_bool(struct eval *ev, struct risks *rk, const char *name, bool *v)
{
	const struct hal_fact *f = index_find(&ev->ix, name);

	if (f == NULL || f->type != HAL_FACT_BOOL)
		return false;
	rk->seen = true;
	*v = f->b;
	return true;
}

static void
risk(struct risks *rk, enum posture_risk r, const char *advice)
{
	if (rk->n[r] < POSTURE_ADVICE_MAX)
		rk->advice[r][rk->n[r]++] = advice;
}

static void
eval_security(struct eval *ev)
{
	static const enum posture_risk order[] = {
		POSTURE_RISK_COMPROMISED_OS, POSTURE_RISK_UNKNOWN_OS,
		POSTURE_RISK_HARDWARE_BACKED_EVALUATION_FAILED };
	struct posture_security *sec = &ev->out->security;
	const struct hal_fact *f;
	struct risks rk;
	size_t i;
	bool v;

	memset(&rk, 0, sizeof(rk));
	if (integrity_bool(ev, &rk, "integrity.rooted", &v) && v)
		risk(&rk, POSTURE_RISK_COMPROMISED_OS, "Root access is "
		    "possible on the device: reflash a verified system image.");
	if (integrity_bool(ev, &rk, "integrity.debugger_attached", &v) && v)
		risk(&rk, POSTURE_RISK_COMPROMISED_OS, "A debugger is attached "
		    "to the management agent.");
	if ((f = index_find(&ev->ix, "integrity.boot_state")) != NULL &&
	    f->type == HAL_FACT_STRING) {
		rk.seen = true;
		if (strcmp(f->s, "red") == 0)
			risk(&rk, POSTURE_RISK_COMPROMISED_OS, "Verified boot "
			    "found the system corrupted (red): reflash the "
			    "device.");
		else if (strcmp(f->s, "yellow") == 0)
			risk(&rk, POSTURE_RISK_UNKNOWN_OS, "The system is "
			    "signed with a custom key (yellow): install the "
			    "manufacturer's image.");
		else if (strcmp(f->s, "orange") == 0)
			risk(&rk, POSTURE_RISK_UNKNOWN_OS, "The bootloader is "
			    "unlocked (orange): lock the bootloader.");
		else if (strcmp(f->s, "green") != 0)
			risk(&rk, POSTURE_RISK_UNKNOWN_OS, "The verified boot "
			    "state is not recognised.");
	}
	if (integrity_bool(ev, &rk, "integrity.verified_root", &v) && !v)
		risk(&rk, POSTURE_RISK_UNKNOWN_OS, "The root file system is "
		    "not verified (dm-verity is off).");
	if (integrity_bool(ev, &rk, "integrity.selinux_enforcing", &v) && !v)
		risk(&rk, POSTURE_RISK_UNKNOWN_OS, "SELinux is not enforcing.");
	if (integrity_bool(ev, &rk, "integrity.usr_writable", &v) && v)
		risk(&rk, POSTURE_RISK_UNKNOWN_OS, "The system partition is "
		    "writable.");
	if ((f = index_find(&ev->ix, "integrity.kernel_tainted")) != NULL &&
	    f->type == HAL_FACT_INT64) {
		rk.seen = true;
		if ((f->i & TAINT_SUSPICIOUS) != 0)
			risk(&rk, POSTURE_RISK_UNKNOWN_OS, "The kernel loaded "
			    "unsigned or force-loaded code (taint flags).");
	}
	if (integrity_bool(ev, &rk, "integrity.secure_boot", &v) && !v)
		risk(&rk, POSTURE_RISK_HARDWARE_BACKED_EVALUATION_FAILED,
		    "Secure boot is off: the hardware cannot vouch for the "
		    "system's integrity.");

	memset(sec, 0, sizeof(*sec));
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct posture_risk_detail *d;

		if (rk.n[order[i]] == 0)
			continue;
		d = &sec->detail[sec->ndetail++];
		d->risk = order[i];
		d->nadvice = rk.n[order[i]];
		memcpy(d->advice, rk.advice[order[i]], sizeof(d->advice));
	}
	if (rk.n[POSTURE_RISK_COMPROMISED_OS] > 0)
		sec->device = POSTURE_DEVICE_POTENTIALLY_COMPROMISED;
	else if (sec->ndetail > 0)
		sec->device = POSTURE_DEVICE_AT_RISK;
	else
		sec->device = rk.seen ? POSTURE_DEVICE_SECURE
				      : POSTURE_DEVICE_UNSPECIFIED;
}

int
posture_evaluate(const struct posture_input *in, struct posture_result *out)
{
	struct eval ev;
	size_t i;

	if (in->nextras > POSTURE_EXTRAS_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < in->nextras; i++)
		if (in->extras[i].setting_name == NULL) {
			errno = EINVAL;
			return -1;
		}
	ev.in = in;
	ev.out = out;
	ev.npolicy = 0;
	index_build(&ev.ix, in->facts);
	out->now = in->now;
	out->policy_version = in->req != NULL ? in->req->version : 0;
	out->n = 0;
	if (in->req != NULL)
		eval_policy(&ev, in->req);
	if (in->rules != NULL)
		eval_rules(&ev, in->rules);
	eval_extras(&ev);
	eval_security(&ev);

	out->verdict = out->n > 0 ? POSTURE_UNKNOWN : POSTURE_COMPLIANT;
	for (i = 0; i < out->n; i++)
		if (out->entry[i].state > out->verdict)
			out->verdict = out->entry[i].state;
	out->policy_compliant = out->verdict == POSTURE_COMPLIANT ||
	    out->verdict == POSTURE_NOT_APPLICABLE;
	return 0;
}
