/*
 * enforce.c - the difference between the wanted settings and the
 * applied ones, applied through the HAL wrappers, and drift detection
 * (see enforce.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/policy/enforce.h"

static const char *const status_names[] = {
	[ENFORCE_APPLIED] = "applied",
	[ENFORCE_PENDING] = "pending",
	[ENFORCE_FAILED] = "failed",
	[ENFORCE_UNSUPPORTED] = "unsupported",
};

const char *
enforce_status_name(enum enforce_status s)
{
	if ((unsigned)s >= sizeof(status_names) / sizeof(status_names[0]))
		return "?";
	return status_names[s];
}

int
enforce_status_parse(const char *s, enum enforce_status *st)
{
	size_t i;

	for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++) {
		if (strcmp(s, status_names[i]) == 0) {
			*st = (enum enforce_status)i;
			return 0;
		}
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Plan                                                                 */
/* ------------------------------------------------------------------ */

static const struct enforce_applied *
find_record(const struct enforce_applied *applied, size_t n,
    const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(applied[i].key, key) == 0)
			return &applied[i];
	return NULL;
}

/*
 * Undoing one of the device passcode settings re-applies what the other
 * still asks for (passwordPolicies[SCOPE_DEVICE] and maximumTimeToLock
 * share one HAL policy), or no requirement at all.
 */
static void
remaining_passcode(const struct policy_settings *wanted,
    enum hal_scope scope, struct hal_passcode_policy *pc)
{
	size_t i;

	memset(pc, 0, sizeof(*pc));
	pc->scope = scope;
	for (i = 0; i < wanted->n; i++) {
		if (wanted->s[i].kind == POLICY_SET_PASSCODE &&
		    wanted->s[i].v.passcode.scope == scope) {
			*pc = wanted->s[i].v.passcode;
			return;
		}
	}
}

static bool
needs_apply(const struct policy_setting *w, const struct enforce_applied *r,
    unsigned flags)
{
	if (r == NULL || (flags & ENFORCE_FORCE))
		return true;
	if (strcmp(r->value, w->value) != 0)
		return true;
	return r->status == ENFORCE_PENDING || r->status == ENFORCE_FAILED;
}

int
enforce_plan(const struct policy_settings *wanted,
    const struct enforce_applied *applied, size_t n, unsigned flags,
    struct enforce_plan *plan)
{
	size_t i, max = wanted->n + n;
	struct enforce_step *st;

	memset(plan, 0, sizeof(*plan));
	if (max == 0)
		return 0;
	if ((plan->steps = calloc(max, sizeof(*plan->steps))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		enum policy_setting_kind kind;
		enum hal_scope scope;

		if (policy_settings_find(wanted, applied[i].key) != NULL)
			continue;
		st = &plan->steps[plan->n++];
		st->action = ENFORCE_REVERT;
		st->had = &applied[i];
		if (policy_setting_kind_of_key(applied[i].key, &kind,
		    &scope) == 0 && kind == POLICY_SET_PASSCODE)
			remaining_passcode(wanted, scope, &st->passcode);
	}
	for (i = 0; i < wanted->n; i++) {
		const struct policy_setting *w = &wanted->s[i];
		const struct enforce_applied *r = find_record(applied, n,
		    w->key);

		if (!needs_apply(w, r, flags))
			continue;
		st = &plan->steps[plan->n++];
		st->action = ENFORCE_APPLY;
		st->want = w;
		st->had = r;
	}
	return 0;
}

void
enforce_plan_free(struct enforce_plan *plan)
{
	free(plan->steps);
	memset(plan, 0, sizeof(*plan));
}

static const char *witness_of_kind(enum policy_setting_kind kind);

bool
enforce_step_needs_prior(const struct enforce_step *st)
{
	return st->action == ENFORCE_APPLY && st->had == NULL &&
	    witness_of_kind(st->want->kind) != NULL;
}

void
enforce_step_set_prior(struct enforce_step *st, const struct hal_facts *facts)
{
	const struct hal_fact *f;

	st->prior[0] = '\0';
	if (!enforce_step_needs_prior(st))
		return;
	f = hal_fact_find(facts, witness_of_kind(st->want->kind));
	if (f != NULL && f->type == HAL_FACT_BOOL)
		snprintf(st->prior, sizeof(st->prior), "%s",
		    f->b ? "true" : "false");
}

/* ------------------------------------------------------------------ */
/* Running a step                                                       */
/* ------------------------------------------------------------------ */

static void
result_init(const struct enforce_step *st, struct enforce_result *res)
{
	memset(res, 0, sizeof(*res));
	snprintf(res->prior, sizeof(res->prior), "%s", st->had != NULL ?
	    st->had->prior : st->prior);
	if (st->action == ENFORCE_APPLY) {
		snprintf(res->key, sizeof(res->key), "%s", st->want->key);
		snprintf(res->field_path, sizeof(res->field_path), "%s",
		    st->want->field_path);
		snprintf(res->value, sizeof(res->value), "%s",
		    st->want->value);
		snprintf(res->source, sizeof(res->source), "%s",
		    st->want->source);
	} else {
		snprintf(res->key, sizeof(res->key), "%s", st->had->key);
		snprintf(res->field_path, sizeof(res->field_path), "%s",
		    st->had->field_path);
		snprintf(res->value, sizeof(res->value), "%s",
		    st->had->value);
		snprintf(res->source, sizeof(res->source), "%s",
		    st->had->source);
	}
}

void
enforce_step_pending(const struct enforce_step *st,
    struct enforce_result *res)
{
	result_init(st, res);
	res->status = ENFORCE_PENDING;
	snprintf(res->reason, sizeof(res->reason), "%s",
	    st->action == ENFORCE_APPLY ? "applying" : "reverting");
}

/* Turns a HAL return code into a status and a reason. */
static void
outcome(struct enforce_result *res, const char *op, int rc)
{
	if (rc >= 0) {
		res->status = ENFORCE_APPLIED;
		res->reason[0] = '\0';
	} else if (rc == -ENOSYS || rc == -EOPNOTSUPP) {
		res->status = ENFORCE_UNSUPPORTED;
		snprintf(res->reason, sizeof(res->reason), "the HAL backend "
		    "does not implement %s", op);
	} else if (rc == -EAGAIN || rc == -EBUSY || rc == -EINPROGRESS) {
		res->status = ENFORCE_PENDING;
		snprintf(res->reason, sizeof(res->reason), "%s: %s; retried "
		    "later", op, strerror(-rc));
	} else {
		res->status = ENFORCE_FAILED;
		snprintf(res->reason, sizeof(res->reason), "%s: %s", op,
		    strerror(-rc));
	}
}

/* Applies k; a part the kiosk cannot do is named in the reason. */
static void
kiosk_customize(struct hal *h, const struct policy_kiosk_custom *k,
    struct enforce_result *res)
{
	char why[sizeof(res->reason)];
	int rc;
	struct hal_kiosk_custom hk = {
		policy_enum_name(policy_enum_power_button, k->power_button),
		policy_enum_name(policy_enum_error_warnings, k->error_warnings),
		policy_enum_name(policy_enum_navigation, k->navigation),
		policy_enum_name(policy_enum_status_bar, k->status_bar),
		policy_enum_name(policy_enum_device_settings,
		    k->device_settings),
	};

	rc = hal_kiosk_customize(h, &hk, why, sizeof(why));
	if (rc == -EOPNOTSUPP && why[0] != '\0') {
		res->status = ENFORCE_UNSUPPORTED;
		snprintf(res->reason, sizeof(res->reason), "%s", why);
		return;
	}
	outcome(res, "kiosk.customize", rc);
}

static void
apply(struct hal *h, const struct policy_setting *w,
    struct enforce_result *res)
{
	switch (w->kind) {
	case POLICY_SET_WORK_PROFILE:
		outcome(res, "profile.create", hal_profile_create(h));
		break;
	case POLICY_SET_WIFI:
		outcome(res, "network.apply_wifi",
		    hal_network_apply_wifi(h, &w->v.wifi));
		break;
	case POLICY_SET_PASSCODE:
		outcome(res, "passcode.apply",
		    hal_passcode_apply(h, &w->v.passcode));
		break;
	case POLICY_SET_CAMERA:
		outcome(res, "camera.set_allowed",
		    hal_camera_set_allowed(h, w->v.allowed));
		break;
	case POLICY_SET_SCREEN_CAPTURE:
		outcome(res, "restrict.set_screen_capture",
		    hal_restrict_screen_capture(h, w->v.allowed));
		break;
	case POLICY_SET_USB_DATA:
		outcome(res, "restrict.set_usb_data",
		    hal_restrict_usb_data(h, w->v.allowed));
		break;
	case POLICY_SET_KEYGUARD:
		outcome(res, "restrict.set_keyguard_features",
		    hal_restrict_keyguard_features(h, w->v.mask));
		break;
	case POLICY_SET_FACTORY_RESET:
		outcome(res, "restrict.set_factory_reset_allowed",
		    hal_restrict_factory_reset(h, w->v.allowed));
		break;
	case POLICY_SET_KIOSK:
		outcome(res, "kiosk.enter", hal_kiosk_enter(h, w->v.command));
		break;
	case POLICY_SET_APP:
		enforce_app_apply(h, &w->v.app, res);
		break;
	case POLICY_SET_KIOSK_CUSTOM:
		kiosk_customize(h, &w->v.kiosk, res);
		break;
	case POLICY_SET_UNENFORCEABLE:
		res->status = ENFORCE_UNSUPPORTED;
		snprintf(res->reason, sizeof(res->reason), "%s",
		    w->v.reason);
		break;
	}
}

/* Drops the record without a HAL call; `why` tells what stays behind. */
static void
drop(struct enforce_result *res, const char *why)
{
	res->status = ENFORCE_APPLIED;
	res->remove = true;
	snprintf(res->reason, sizeof(res->reason), "%s", why);
}

static void
revert(struct hal *h, const struct enforce_step *st,
    struct enforce_result *res)
{
	enum policy_setting_kind kind;
	enum hal_scope scope;
	/* The witness fact was true before warden: blocked, in kiosk. */
	bool blocked_before = strcmp(st->had->prior, "true") == 0;

	/* Nothing was done for a setting the HAL never took. */
	if (st->had->status == ENFORCE_UNSUPPORTED) {
		drop(res, "");
		return;
	}
	if (policy_setting_kind_of_key(st->had->key, &kind, &scope) != 0) {
		drop(res, "not a setting of this version; left as it is");
		return;
	}
	switch (kind) {
	case POLICY_SET_WORK_PROFILE:
		/* Removing it would destroy data: that is the WIPE command. */
		drop(res, "the work profile is kept; the WIPE command "
		    "removes it");
		return;
	case POLICY_SET_WIFI:
		drop(res, "the network stays configured: the HAL cannot "
		    "remove networks");
		return;
	case POLICY_SET_UNENFORCEABLE:
		drop(res, "");
		return;
	case POLICY_SET_KIOSK_CUSTOM: {
		/* Back to the backend's defaults. */
		struct policy_kiosk_custom none;

		memset(&none, 0, sizeof(none));
		kiosk_customize(h, &none, res);
		break;
	}
	case POLICY_SET_APP:
		if (enforce_app_revert(h, st->had, res) != 0) {
			drop(res, "the package is left as it is");
			return;
		}
		break;
	case POLICY_SET_PASSCODE:
		outcome(res, "passcode.apply",
		    hal_passcode_apply(h, &st->passcode));
		break;
	/* Back to how warden found the device (allowed when unknown). */
	case POLICY_SET_CAMERA:
		outcome(res, "camera.set_allowed",
		    hal_camera_set_allowed(h, !blocked_before));
		break;
	case POLICY_SET_SCREEN_CAPTURE:
		outcome(res, "restrict.set_screen_capture",
		    hal_restrict_screen_capture(h, !blocked_before));
		break;
	case POLICY_SET_USB_DATA:
		outcome(res, "restrict.set_usb_data",
		    hal_restrict_usb_data(h, !blocked_before));
		break;
	case POLICY_SET_KEYGUARD:
		outcome(res, "restrict.set_keyguard_features",
		    hal_restrict_keyguard_features(h, 0));
		break;
	case POLICY_SET_FACTORY_RESET:
		outcome(res, "restrict.set_factory_reset_allowed",
		    hal_restrict_factory_reset(h, true));
		break;
	case POLICY_SET_KIOSK:
		/* Warden found the device locked to an app: it stays so. */
		if (blocked_before) {
			drop(res, "left as it was before the policy");
			return;
		}
		outcome(res, "kiosk.exit", hal_kiosk_exit(h));
		break;
	}
	/* Done, or impossible to undo: either way the record goes. */
	res->remove = res->status == ENFORCE_APPLIED ||
	    res->status == ENFORCE_UNSUPPORTED;
}

void
enforce_step_run(struct hal *h, const struct enforce_step *st,
    struct enforce_result *res)
{
	result_init(st, res);
	if (st->action == ENFORCE_APPLY)
		apply(h, st->want, res);
	else
		revert(h, st, res);
}

size_t
enforce_run(struct hal *h, const struct enforce_plan *plan,
    struct enforce_result *results, enforce_journal_fn journal, void *arg)
{
	struct enforce_result pending;
	size_t i, bad = 0;

	for (i = 0; i < plan->n; i++) {
		if (journal != NULL) {
			enforce_step_pending(&plan->steps[i], &pending);
			journal(arg, &pending, false);
		}
		enforce_step_run(h, &plan->steps[i], &results[i]);
		if (journal != NULL)
			journal(arg, &results[i], true);
		if (results[i].status != ENFORCE_APPLIED && !results[i].remove)
			bad++;
	}
	return bad;
}

/* ------------------------------------------------------------------ */
/* Drift                                                                */
/* ------------------------------------------------------------------ */

/* The fact that shows a setting of kind in force. */
static const char *
witness_of_kind(enum policy_setting_kind kind)
{
	switch (kind) {
	case POLICY_SET_CAMERA:
		return "camera.blocked";
	case POLICY_SET_SCREEN_CAPTURE:
		return "screen_capture.blocked";
	case POLICY_SET_USB_DATA:
		return "usb.data_blocked";
	case POLICY_SET_WORK_PROFILE:
		return "profile.exists";
	case POLICY_SET_KIOSK:
		return "kiosk.active";
	default:
		return NULL;
	}
}

/* The fact that shows setting w in force, and the value it must have. */
static const char *
witness(const struct policy_setting *w, bool *expect)
{
	switch (w->kind) {
	case POLICY_SET_CAMERA:
	case POLICY_SET_SCREEN_CAPTURE:
	case POLICY_SET_USB_DATA:
		*expect = !w->v.allowed;
		break;
	default:
		*expect = true;
		break;
	}
	return witness_of_kind(w->kind);
}

size_t
enforce_verify(const struct policy_settings *wanted,
    const struct enforce_applied *applied, size_t n,
    const struct hal_facts *facts, struct enforce_drift *drift, size_t max)
{
	size_t i, nd = 0;

	for (i = 0; i < n && nd < max; i++) {
		const struct policy_setting *w;
		const struct hal_fact *f;
		const char *name;
		bool expect;

		if (applied[i].status != ENFORCE_APPLIED)
			continue;
		w = policy_settings_find(wanted, applied[i].key);
		if (w == NULL || strcmp(w->value, applied[i].value) != 0)
			continue;
		if ((name = witness(w, &expect)) == NULL)
			continue;
		f = hal_fact_find(facts, name);
		if (f == NULL || f->type != HAL_FACT_BOOL || f->b == expect)
			continue;
		drift[nd].applied = i;
		snprintf(drift[nd].reason, sizeof(drift[nd].reason),
		    "%s is %s, expected %s", name, f->b ? "true" : "false",
		    expect ? "true" : "false");
		nd++;
	}
	return nd;
}
