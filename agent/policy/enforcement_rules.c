/*
 * enforcement_rules.c - AMAPI policyEnforcementRules: block the device
 * (or the work profile) after blockAfterDays of non-compliance of a
 * setting, wipe it after wipeAfterDays.
 *
 * How long a setting has been failing is counted by noncompliance.c on
 * the boot clock, not read off the wall clock, so setting the time back
 * does not postpone a wipe and setting it forward does not hasten one
 * (clock.h). The count is kept in the store (kv "noncompliant:<setting>")
 * so it survives restarts and reboots; it is forgotten when the setting
 * is compliant again or no rule watches the setting any more, and the
 * next failure counts from 0.
 *
 * A block locks the device and shows why on the lock screen; it lifts
 * when the setting is compliant again. A wipe happens once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/core.h"
#include "agent/policy/policy.h"
#include "profiles/policy.h"

#define DAY (24 * 60 * 60)
#define KEY_PREFIX "noncompliant:"

struct action {
	struct action *next;
	bool wipe;
	/* Lost mode's message owns the lock screen: a block only locks, an
	 * unblock leaves it. */
	bool lost;
	enum hal_scope scope;
	char message[256];
	int rc;
};

static void
action_work(struct wardend *d, void *arg)
{
	struct action *a = arg;

	if (a->lost) {
		a->rc = a->message[0] != '\0' ? hal_lock_now(&d->hal, a->scope) :
		    0;
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
	const char *what = a->message[0] ? "block" : "unblock";

	if (a->rc != 0)
		log_warnx("enforcement rule: %s failed: %s", what,
		    a->rc == -ENOSYS ? "UNSUPPORTED by this HAL backend" :
		    strerror(-a->rc));
	store_event(d->store, "enforcement-block", a->rc == 0 ? what :
	    "failed");
	free(a);
}

/* Queues an action on *list; it runs once the transaction commits. */
static void
act(struct action **list, bool wipe, enum hal_scope scope,
    const char *message)
{
	struct action *a = calloc(1, sizeof(*a));

	if (a == NULL)
		fatal("calloc");
	a->wipe = wipe;
	a->scope = scope;
	snprintf(a->message, sizeof(a->message), "%s", message);
	a->next = *list;
	*list = a;
}

/* True when an entry of setting `name` is failing (past any grace). */
static bool
failing(const struct posture_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct posture_entry *e = &r->entry[i];

		if (posture_entry_failing(e) && e->setting_name != NULL &&
		    strcmp(e->setting_name, name) == 0)
			return true;
	}
	return false;
}

/* Forgets every count: run before writing the ones still wanted, so a
 * setting no rule watches keeps no stale count (a rule added later
 * would otherwise credit it the whole time in between). */
static int
forget_counts(struct store *st)
{
	return store_exec(st, "DELETE FROM kv WHERE key >= '" KEY_PREFIX "' "
	    "AND key < 'noncompliant;'");
}

/* The stored count of setting `name`; false when there is none or it is
 * not valid (said loudly: the count starts again). */
static bool
load_count(struct store *st, const char *name, struct noncompliance *nc)
{
	char key[96], err[128], *v;
	bool ok;

	snprintf(key, sizeof(key), KEY_PREFIX "%s", name);
	if ((v = store_kv_get(st, key)) == NULL)
		return false;
	ok = noncompliance_parse(v, nc, err, sizeof(err)) == 0;
	if (!ok)
		log_warnx("enforcement rule: %s: the stored non-compliance "
		    "time is not valid (%s); counting again from now", name,
		    err);
	free(v);
	return ok;
}

/*
 * One rule on the new verdict, inside the caller's transaction: counts
 * the time of a failing setting (prev: its count before forget_counts,
 * or NULL) and decides the block, unblock and wipe. -1 on a store error.
 */
static int
check_rule(struct wardend *d, const struct policy_rule *rule,
    const struct noncompliance *prev, const struct clock_now *now,
    struct action **list)
{
	struct noncompliance nc;
	enum hal_scope scope = rule->block_scope ==
	    POLICY_BLOCK_SCOPE_WORK_PROFILE ? HAL_SCOPE_PROFILE :
	    HAL_SCOPE_DEVICE;
	char key[96], text[NONCOMPLIANCE_TEXT_MAX], msg[256], *flag;
	int64_t added, days;
	bool blocked;

	snprintf(key, sizeof(key), "blocked:%s", rule->setting_name);
	flag = store_kv_get(d->store, key);
	blocked = flag != NULL;
	free(flag);
	if (!failing(&d->result, rule->setting_name)) {
		/* Compliant again: the count is gone; lift the block. */
		if (blocked) {
			log_info("enforcement rule: %s compliant again; "
			    "unblocking", rule->setting_name);
			if (store_kv_del(d->store, key) != 0)
				return -1;
			act(list, false, scope, "");
		}
		return 0;
	}

	added = noncompliance_accrue(prev, now, &nc);
	days = nc.seconds / DAY;
	log_debug("enforcement rule: %s non-compliant for %lld s (+%lld s)",
	    rule->setting_name, (long long)nc.seconds, (long long)added);
	snprintf(key, sizeof(key), KEY_PREFIX "%s", rule->setting_name);
	if (noncompliance_format(&nc, text, sizeof(text)) != 0 ||
	    store_kv_set(d->store, key, text) != 0)
		return -1;

	/* blockAfterDays 0 blocks as soon as the setting fails. */
	if (days >= rule->block_after_days && !blocked) {
		snprintf(msg, sizeof(msg), "This device is blocked: %s has "
		    "not been compliant for %lld days. Fix it or contact IT.",
		    rule->setting_name, (long long)days);
		log_warnx("enforcement rule: %s", msg);
		snprintf(key, sizeof(key), "blocked:%s", rule->setting_name);
		if (store_kv_set(d->store, key, "1") != 0)
			return -1;
		act(list, false, scope, msg);
	}

	/* wipeAfterDays 0: the rule has no wipe action. */
	if (rule->wipe_after_days <= 0 || days < rule->wipe_after_days)
		return 0;
	snprintf(key, sizeof(key), "wiped:%s", rule->setting_name);
	if ((flag = store_kv_get(d->store, key)) != NULL) {
		free(flag);
		return 0;
	}
	snprintf(msg, sizeof(msg), "enforcement rule: %s non-compliant for "
	    "%lld days (wipeAfterDays %d)", rule->setting_name,
	    (long long)days, rule->wipe_after_days);
	log_warnx("%s: WIPING the device", msg);
	if (store_kv_set(d->store, key, "1") != 0)
		return -1;
	act(list, true, HAL_SCOPE_DEVICE, msg);
	return 0;
}

/* A rule of p watches setting name. */
static bool
watched(const struct policy *p, const char *name)
{
	size_t i;

	for (i = 0; p != NULL && i < p->nrules; i++)
		if (strcmp(p->rules[i].setting_name, name) == 0)
			return true;
	return false;
}

/*
 * Lifts the blocks of settings no rule watches any more (the rule or the
 * whole policy was removed): nothing else would ever lift them. Inside
 * the caller's transaction; -1 on a store error.
 */
static int
lift_orphans(struct wardend *d, const struct policy *p, struct action **list)
{
	char orphan[16][96];
	const char *key;
	sqlite3_stmt *q;
	size_t n = 0, i;
	int rc;

	if (sqlite3_prepare_v2(store_db(d->store), "SELECT key FROM kv WHERE "
	    "key >= 'blocked:' AND key < 'blocked;'", -1, &q, NULL) !=
	    SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && n < 16) {
		key = (const char *)sqlite3_column_text(q, 0);
		if (!watched(p, key + strlen("blocked:")))
			snprintf(orphan[n++], sizeof(orphan[0]), "%s", key);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return -1;
	for (i = 0; i < n; i++) {
		log_info("enforcement rule: no rule watches %s any more; "
		    "unblocking", orphan[i] + strlen("blocked:"));
		if (store_kv_del(d->store, orphan[i]) != 0)
			return -1;
		act(list, false, HAL_SCOPE_DEVICE, "");
	}
	return 0;
}

/* Runs the actions after the commit, in the order they were decided (the
 * list is built backwards). */
static void
dispatch(struct wardend *d, struct action *list)
{
	struct action *a, *next, *rev = NULL;
	bool lost = store_lost_mode(d->store);

	for (a = list; a != NULL; a = next) {
		next = a->next;
		a->next = rev;
		rev = a;
	}
	for (a = rev; a != NULL; a = next) {
		next = a->next;
		/* A wipe goes the WIPE command's way (commands.h). */
		if (a->wipe) {
			store_event(d->store, "enforcement-wipe", "wipe");
			wardend_wipe(d, a->message);
			free(a);
			continue;
		}
		a->lost = lost;
		daemon_hal_job(d, action_work, action_after, a);
	}
}

static void
free_actions(struct action *list)
{
	struct action *next;

	for (; list != NULL; list = next) {
		next = list->next;
		free(list);
	}
}

int
enforcement_rules_forget(struct store *st)
{
	return store_exec(st, "DELETE FROM kv WHERE key LIKE 'blocked:%' OR "
	    "key LIKE 'wiped:%' OR key LIKE '" KEY_PREFIX "%'");
}

void
enforcement_rules_check(struct wardend *d, const struct policy *p)
{
	struct noncompliance *prev = NULL;
	struct action *list = NULL;
	struct clock_now now;
	bool *have = NULL;
	size_t i, nrules = p != NULL ? p->nrules : 0;

	if (nrules > 0 && !d->have_result)
		return;
	if (nrules > 0 && ((prev = calloc(nrules, sizeof(*prev))) == NULL ||
	    (have = calloc(nrules, sizeof(*have))) == NULL))
		fatal("calloc");
	clock_read(&now);

	if (store_begin(d->store) != 0)
		goto out;
	/* A block no rule watches any more is lifted; with no rule nothing
	 * is counted. */
	if (lift_orphans(d, p, &list) != 0)
		goto fail;
	for (i = 0; i < nrules; i++)
		have[i] = load_count(d->store, p->rules[i].setting_name,
		    &prev[i]);
	if (forget_counts(d->store) != 0)
		goto fail;
	for (i = 0; i < nrules; i++)
		if (check_rule(d, &p->rules[i], have[i] ? &prev[i] : NULL,
		    &now, &list) != 0)
			goto fail;
	if (store_commit(d->store) != 0)
		goto fail;
	dispatch(d, list);
	list = NULL;
	goto out;
fail:
	log_warnx("enforcement rules: storing the non-compliance time "
	    "failed; kept the previous");
	store_rollback(d->store);
out:
	free_actions(list);
	free(prev);
	free(have);
}
