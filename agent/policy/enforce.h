/*
 * enforce.h - applying the wanted settings through the HAL, one
 * difference at a time, and noticing when the device drifts away from
 * them.
 *
 * The wanted settings come from profiles/policy_settings.h; what was
 * applied before comes from the store (table applied_settings), which
 * this module never touches: the caller loads the records, builds a plan
 * (enforce_plan()), runs it step by step or all at once, and persists
 * each result. Every step can be journalled before and after it runs,
 * so a power cut mid-apply leaves a "pending" record that the next plan
 * applies again.
 *
 * A HAL failure never stops the other steps. Results per setting:
 *   applied      the HAL op succeeded
 *   pending      the HAL is busy (-EAGAIN, -EBUSY, -EINPROGRESS), or the
 *                step is about to run (journal record)
 *   failed       the HAL op failed; the reason holds the errno text
 *   unsupported  the backend lacks the op (-ENOSYS, -EOPNOTSUPP) or no
 *                HAL op exists for the setting
 */
#ifndef WARDEN_AGENT_ENFORCE_H
#define WARDEN_AGENT_ENFORCE_H

#include <stdbool.h>
#include <stddef.h>

#include "hal/hal.h"
#include "profiles/policy_settings.h"

#define ENFORCE_REASON_MAX 192
/* "true" / "false": the witness fact before warden first applied a
 * setting; "" when unknown. */
#define ENFORCE_PRIOR_MAX 8

enum enforce_status {
	ENFORCE_APPLIED = 0,
	ENFORCE_PENDING,
	ENFORCE_FAILED,
	ENFORCE_UNSUPPORTED,
};

/* "applied", "pending", "failed", "unsupported" (the store's values). */
const char *enforce_status_name(enum enforce_status s);
/* The reverse; 0, or -1 for any other text. */
int enforce_status_parse(const char *s, enum enforce_status *st);

/* A setting as the store remembers it (one applied_settings row). */
struct enforce_applied {
	char key[POLICY_SETTING_KEY_MAX];	/* the row's "setting" */
	char field_path[POLICY_PATH_MAX];
	char value[POLICY_SETTING_VALUE_MAX];
	enum enforce_status status;
	char reason[ENFORCE_REASON_MAX];
	char source[POLICY_SOURCE_TEXT_MAX];
	/* How the device was before warden first applied the setting. */
	char prior[ENFORCE_PRIOR_MAX];
};

enum enforce_action {
	ENFORCE_APPLY,	/* make the wanted setting true */
	ENFORCE_REVERT,	/* undo a setting no longer wanted */
};

struct enforce_step {
	enum enforce_action action;
	/* APPLY: the wanted setting (borrowed from the plan's input). */
	const struct policy_setting *want;
	/* The record for the same key, NULL when there is none. */
	const struct enforce_applied *had;
	/* REVERT of a passcode: what stays wanted for its scope. */
	struct hal_passcode_policy passcode;
	/* APPLY of a setting without a record: how the device was before
	 * (enforce_step_set_prior()). */
	char prior[ENFORCE_PRIOR_MAX];
};

struct enforce_plan {
	struct enforce_step *steps;
	size_t n;
};

/* enforce_plan() flags. */
#define ENFORCE_FORCE 0x1u	/* apply every wanted setting (after boot) */

/*
 * Computes the steps from the records `applied` (n of them) to `wanted`:
 * APPLY for each wanted setting without a record, with a different value
 * or with a pending or failed record (every wanted setting with
 * ENFORCE_FORCE); REVERT for each record whose key is no longer wanted.
 * Reverts come first, then the applies in wanted's order. The plan
 * borrows wanted and applied: both must outlive it unchanged. plan is
 * replaced; free it with enforce_plan_free(). Returns 0, or -1 when
 * memory ran out (plan empty). Never blocks.
 */
int enforce_plan(const struct policy_settings *wanted,
    const struct enforce_applied *applied, size_t n, unsigned flags,
    struct enforce_plan *plan);
void enforce_plan_free(struct enforce_plan *plan);

/*
 * How the device was before warden touched a setting, so that a revert
 * restores it ("restore what warden changed"): a step that applies a
 * setting for the first time (no record) and has a witness fact
 * (camera.blocked, screen_capture.blocked, usb.data_blocked, kiosk.active)
 * needs it; the caller reads the facts from the HAL right before the
 * step runs and passes them to enforce_step_set_prior(). Every other
 * step carries its record's prior. Never block.
 */
bool enforce_step_needs_prior(const struct enforce_step *st);
void enforce_step_set_prior(struct enforce_step *st,
    const struct hal_facts *facts);

/* The outcome of one step: the record to store under `key`. */
struct enforce_result {
	char key[POLICY_SETTING_KEY_MAX];
	char field_path[POLICY_PATH_MAX];
	char value[POLICY_SETTING_VALUE_MAX];	/* REVERT: the old value */
	char source[POLICY_SOURCE_TEXT_MAX];
	enum enforce_status status;
	char reason[ENFORCE_REASON_MAX];
	char prior[ENFORCE_PRIOR_MAX];
	/* The record is to be deleted (a revert that is done with). */
	bool remove;
};

/*
 * Fills res with the journal record for a step about to run: status
 * pending, reason "applying" or "reverting". The caller stores it before
 * calling enforce_step_run(). Never blocks.
 */
void enforce_step_pending(const struct enforce_step *st,
    struct enforce_result *res);

/*
 * Runs one step through the HAL and fills res. Never fails as a whole:
 * a HAL error ends up in res. Blocks as long as the HAL op does (call it
 * from the work queue).
 */
void enforce_step_run(struct hal *h, const struct enforce_step *st,
    struct enforce_result *res);

/*
 * Journal hook of enforce_run(): called with done=false and the pending
 * record before a step, with done=true and the result after it.
 */
typedef void (*enforce_journal_fn)(void *arg, const struct enforce_result *res,
    bool done);

/*
 * Runs every step of plan in order; results (plan->n entries, owned by
 * the caller) receives one result per step. journal may be NULL. Returns
 * the number of steps that did not end applied or removed. Blocks like
 * enforce_step_run().
 */
size_t enforce_run(struct hal *h, const struct enforce_plan *plan,
    struct enforce_result *results, enforce_journal_fn journal, void *arg);

/* A setting whose facts disagree with what was applied. */
struct enforce_drift {
	size_t applied;	/* index of the record in the applied array */
	char reason[ENFORCE_REASON_MAX];
};

/*
 * Checks the facts against every record that is applied and still wanted
 * with the same value: camera.blocked (cameraAccess),
 * screen_capture.blocked, usb.data_blocked, profile.exists (workProfile)
 * and kiosk.active (the kiosk app). A fact that is absent proves nothing.
 * Writes up to max drifts and returns their number. To re-apply, the
 * caller marks those records pending and builds a new plan. Never blocks.
 */
size_t enforce_verify(const struct policy_settings *wanted,
    const struct enforce_applied *applied, size_t n,
    const struct hal_facts *facts, struct enforce_drift *drift, size_t max);

/* enforce_apps.c */
/*
 * Applies one applications[] setting through the HAL's apps subsystem
 * (docs/policy.md, "AMAPI values on Linux"): BLOCKED removes and pins;
 * FORCE_INSTALLED, REQUIRED_FOR_SETUP and PREINSTALLED lift a pin and
 * install (at least the version minimumVersionCode stands for);
 * AVAILABLE and INSTALL_TYPE_UNSPECIFIED lift a pin. A failure's reason
 * starts with AMAPI's NonComplianceReason (APP_NOT_INSTALLED with the
 * installationFailureReason in brackets, APP_NOT_UPDATED,
 * APP_INSTALLED). Blocks on the package manager.
 */
void enforce_app_apply(struct hal *h, const struct policy_setting_app *a,
    struct enforce_result *res);
/*
 * Undoes an applications[] record no longer wanted: a BLOCKED one lifts
 * the pin (0, res filled); any other returns -1: the package is left as
 * it is. Blocks on the package manager.
 */
int enforce_app_revert(struct hal *h, const struct enforce_applied *had,
    struct enforce_result *res);
/* The AMAPI NonComplianceReason a step's reason starts with, if any. */
bool enforce_reason_amapi(const char *reason, enum rules_reason *r);
/*
 * Like enforce_verify() for the applications: a FORCE_INSTALLED or
 * REQUIRED_FOR_SETUP package that is gone or older than its
 * minimumVersionCode, a BLOCKED one that is installed. apps is the
 * inventory (sorted, hal_apps_list()). PREINSTALLED is installed once
 * and not watched. Never blocks.
 */
size_t enforce_verify_apps(const struct policy_settings *wanted,
    const struct enforce_applied *applied, size_t n,
    const struct hal_app *apps, size_t napps, struct enforce_drift *drift,
    size_t max);

#endif /* WARDEN_AGENT_ENFORCE_H */
