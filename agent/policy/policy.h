/*
 * policy.h - the interface of the policy room (agent/policy/): the
 * policy engine (store, plan, enforce through the HAL, journal), the
 * policyEnforcementRules, compliance (evaluate, report) and what a
 * policy would do on this device (policy_predict).
 */
#ifndef WARDEN_POLICY_H
#define WARDEN_POLICY_H

#include "agent/core/core.h"
#include "agent/policy/enforce.h"
#include "agent/policy/policy_journal.h"
#include "agent/policy/policy_predict.h"
#include "agent/policy/report.h"

/* policy_engine.c */
/* Loads the policy in force (and the standalone policy-file) and
 * enforces everything again; fatal on an invalid policy-file. */
void policy_engine_start(struct wardend *d);
/* Answers requests waiting for an enforcement (the agent is stopping). */
void policy_engine_cancel(struct wardend *d);
void policy_engine_stop(struct wardend *d);
/*
 * Stores a new admin policy (source "local", "file" or "server") and, if
 * enforce_now, enforces it. `standalone`: only allowed in UNPROVISIONED
 * (which becomes STANDALONE) or STANDALONE. Returns 0; -1 when the
 * document is invalid (err holds "fieldPath: reason" lines); -2 when it
 * was refused or could not be stored (err says why). Nothing changes on
 * error.
 */
int policy_engine_set(struct wardend *d, const char *text, const char *source,
    bool standalone, bool enforce_now, char *err, size_t errlen);
/*
 * Retire: puts every setting out of force (not even the mode's baseline
 * stays) and runs the reverts, each restoring how warden found the
 * device; then done(d, arg). The state must be RETIRED.
 */
void policy_engine_revert_all(struct wardend *d,
    void (*done)(struct wardend *, void *), void *arg);
/* Reloads the records and the stored policy (after a retire). */
void policy_engine_reload(struct wardend *d);
/* Plans and runs the enforcement (flags: enforce.h ENFORCE_*). */
void policy_engine_enforce(struct wardend *d, unsigned flags);
/* Drift and failed-attempt checks on the new facts. */
void policy_engine_after_scan(struct wardend *d);
/* policyEnforcementRules on the new verdict. */
void policy_engine_after_evaluation(struct wardend *d);
/* The policy in force asks for applicationReports
 * (statusReportingSettings.applicationReportsEnabled). */
bool policy_engine_app_reports(struct wardend *d);
void ctl_policy_apply(struct ctl_conn *c, const cJSON *req);
void ctl_policy_show(struct ctl_conn *c, const cJSON *req);
/* The policy in force for `status`: policy {name, version, mode} or null. */
void policy_engine_status(struct wardend *d, cJSON *r);
/* The management mode the policy engine enforces for. */
enum policy_mode policy_engine_mode(struct wardend *d);
/* Calls fn for each application the policy in force manages (its
 * applications[] entries, the kiosk app excluded), in the policy's
 * order; package is valid during the call. */
void policy_engine_each_app(struct wardend *d,
    void (*fn)(void *arg, const char *package), void *arg);

/* enforcement_rules.c */
struct policy;
/* Blocks or wipes per p's policyEnforcementRules, from the last
 * evaluation and the non-compliance time counted so far (clock.h);
 * lifts a block when the setting is compliant again. p NULL (no admin
 * policy): forgets every count. */
void enforcement_rules_check(struct wardend *d, const struct policy *p);
/* Forgets every block, wipe and count in the store (a retire, in the
 * caller's transaction): the device leaves the rules. */
int enforcement_rules_forget(struct store *st);

/* compliance.c */
/* Loads the rules file named in the config (if any); fatal on error. */
void compliance_start(struct wardend *d);
void compliance_stop(struct wardend *d);
/* Evaluates the last scan, stores the verdict and queues the report
 * (one transaction). Called after every scan and policy change. */
void compliance_evaluate(struct wardend *d);
void ctl_compliance(struct ctl_conn *c, const cJSON *req);
void ctl_rules_apply(struct ctl_conn *c, const cJSON *req);

#endif /* WARDEN_POLICY_H */
