/*
 * enforcement_rules.c - AMAPI policyEnforcementRules: block the device
 * (or the work profile) after blockAfterDays of non-compliance of a
 * setting, wipe it after wipeAfterDays. How long a setting has been
 * failing comes from the compliance history (rule_state: the first time
 * each entry failed), so the count survives restarts.
 *
 * A block locks the device and shows why on the lock screen; it lifts
 * when the setting is compliant again. A wipe happens once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "profiles/policy.h"

#define DAY (24 * 60 * 60)

struct action {
	bool wipe;
	enum hal_scope scope;
	char message[256];
	int rc;
};

static void
action_work(struct wardend *d, void *arg)
{
	struct action *a = arg;

	if (a->wipe) {
		a->rc = a->scope == HAL_SCOPE_PROFILE ?
		    hal_wipe_profile(&d->hal) : hal_wipe_factory_reset(&d->hal);
		return;
	}
	if (a->message[0] != '\0') {
		a->rc = hal_lock_set_message(&d->hal, a->message);
		if (a->rc == 0 || a->rc == -ENOSYS)
			a->rc = hal_lock_now(&d->hal, a->scope);
	} else {
		a->rc = hal_lock_set_message(&d->hal, NULL);
	}
}

static void
action_after(struct wardend *d, void *arg)
{
	struct action *a = arg;
	const char *what = a->wipe ? "wipe" : a->message[0] ? "block" :
	    "unblock";

	if (a->rc != 0)
		log_warnx("enforcement rule: %s failed: %s", what,
		    a->rc == -ENOSYS ? "UNSUPPORTED by this HAL backend" :
		    strerror(-a->rc));
	store_event(d->store, a->wipe ? "enforcement-wipe" :
	    "enforcement-block", a->rc == 0 ? what : "failed");
	free(a);
}

static void
act(struct wardend *d, bool wipe, enum hal_scope scope, const char *message)
{
	struct action *a = calloc(1, sizeof(*a));

	if (a == NULL)
		fatal("calloc");
	a->wipe = wipe;
	a->scope = scope;
	snprintf(a->message, sizeof(a->message), "%s", message);
	daemon_hal_job(d, action_work, action_after, a);
}

/* Earliest first-failed time of the failing entries of setting `name`;
 * 0 when the setting is not failing. */
static int64_t
failing_since(const struct posture_result *r, const char *name)
{
	int64_t first = 0;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct posture_entry *e = &r->entry[i];

		if (!posture_entry_failing(e) || e->setting_name == NULL ||
		    strcmp(e->setting_name, name) != 0)
			continue;
		if (first == 0 || e->first_failed < first)
			first = e->first_failed;
	}
	return first;
}

void
enforcement_rules_check(struct wardend *d, const struct policy *p)
{
	const struct posture_result *r = &d->result;
	char key[96], msg[256], *flag;
	size_t i;

	if (p == NULL || !d->have_result)
		return;
	for (i = 0; i < p->nrules; i++) {
		const struct policy_rule *rule = &p->rules[i];
		int64_t since = failing_since(r, rule->setting_name);
		int64_t days = since > 0 && r->now > since ?
		    (r->now - since) / DAY : 0;
		enum hal_scope scope = rule->block_scope ==
		    POLICY_BLOCK_SCOPE_WORK_PROFILE ? HAL_SCOPE_PROFILE :
		    HAL_SCOPE_DEVICE;

		snprintf(key, sizeof(key), "blocked:%s", rule->setting_name);
		flag = store_kv_get(d->store, key);
		if (since == 0) {
			/* Compliant again: lift the block. */
			if (flag != NULL) {
				log_info("enforcement rule: %s compliant again; "
				    "unblocking", rule->setting_name);
				store_kv_del(d->store, key);
				act(d, false, scope, "");
			}
			free(flag);
			continue;
		}
		if (rule->block_after_days > 0 &&
		    days >= rule->block_after_days && flag == NULL) {
			snprintf(msg, sizeof(msg), "This device is blocked: "
			    "%s has not been compliant for %lld days. Fix it "
			    "or contact IT.", rule->setting_name,
			    (long long)days);
			log_warnx("enforcement rule: %s", msg);
			store_kv_set(d->store, key, "1");
			act(d, false, scope, msg);
		}
		free(flag);
		snprintf(key, sizeof(key), "wiped:%s", rule->setting_name);
		if (rule->wipe_after_days > 0 &&
		    days >= rule->wipe_after_days &&
		    (flag = store_kv_get(d->store, key)) == NULL) {
			log_warnx("enforcement rule: %s non-compliant for %lld "
			    "days (wipeAfterDays %d): WIPING the device",
			    rule->setting_name, (long long)days,
			    rule->wipe_after_days);
			store_kv_set(d->store, key, "1");
			act(d, true, HAL_SCOPE_DEVICE, "");
		} else {
			free(flag);
		}
	}
}
