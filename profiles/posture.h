/*
 * posture.h - compliance evaluation: facts + requirements + rules -> verdict.
 *
 * posture_evaluate() judges one scan (a struct hal_facts) against
 *  - the implicit rules a merged policy implies (struct
 *    policy_requirements: passcode, encryption, OS floor, camera, screen
 *    capture, USB),
 *  - a posture rule document (struct rules_set, profiles/rules.h),
 *  - non-compliance found elsewhere (unsupported policy fields, mode
 *    presets, failed or pending enforcement: struct posture_extra),
 * and produces one entry per judged setting, each with a state in
 * Intune's ordering, and the device verdict: the worst state. It also
 * derives the AMAPI securityPosture from the integrity facts.
 *
 * Evaluation allocates nothing and does no I/O: the caller owns the
 * result (it is large: keep one and reuse it) and keeps the history of
 * "first failed at" times that grace periods are measured from.
 */
#ifndef WARDEN_AGENT_POSTURE_H
#define WARDEN_AGENT_POSTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal.h"
#include "profiles/requirements.h"
#include "profiles/rules.h"

/* Intune's ordering, least to most severe; Denied above all. */
enum posture_state {
	POSTURE_UNKNOWN,
	POSTURE_NOT_APPLICABLE,
	POSTURE_COMPLIANT,
	POSTURE_IN_GRACE_PERIOD,
	POSTURE_NON_COMPLIANT,
	POSTURE_ERROR,
	POSTURE_DENIED,
};

/* AMAPI SpecificNonComplianceReason (the values warden can produce). */
enum posture_specific {
	POSTURE_SPECIFIC_NONE,	/* not reported */
	POSTURE_SPECIFIC_PASSWORD_CONFIRMATION_REQUIRED,
	POSTURE_SPECIFIC_PASSWORD_EXPIRED,
	POSTURE_SPECIFIC_PASSWORD_NOT_SUFFICIENT,
	POSTURE_SPECIFIC_ONC_WIFI_INVALID_VALUE,
	POSTURE_SPECIFIC_ONC_WIFI_API_LEVEL,
	POSTURE_SPECIFIC_ONC_WIFI_INVALID_ENTERPRISE_CONFIG,
	POSTURE_SPECIFIC_ONC_WIFI_USER_SHOULD_REMOVE_NETWORK,
	POSTURE_SPECIFIC_ONC_WIFI_KEY_PAIR_ALIAS_NOT_CORRESPONDING_TO_EXISTING_KEY,
};

enum posture_origin {
	POSTURE_FROM_POLICY,	/* implicit rule of policy_requirements */
	POSTURE_FROM_RULE,	/* a rule of the rules document */
	POSTURE_FROM_EXTRA,	/* a posture_extra from the caller */
};

/*
 * One judged setting. Strings and the fact point into the inputs of
 * posture_evaluate() (facts, rules, extras) or into static text: the
 * entry is valid while those are alive and unchanged.
 */
struct posture_entry {
	enum posture_origin origin;
	const char *id;		/* history key: rule id, "policy.<field>",
				 * or the extra's id */
	const char *setting_name;	/* AMAPI settingName */
	const char *field_path;		/* AMAPI fieldPath, NULL: none */
	enum posture_state state;
	/* Set when the entry is failing (state >= IN_GRACE_PERIOD). */
	enum rules_reason reason;
	enum posture_specific specific;
	const char *remediation;	/* NULL: none */
	/* currentValue: the fact that decided, or the extra's text. */
	const struct hal_fact *fact;	/* NULL: none */
	const char *current_text;	/* NULL: none (extras only) */
	/* UNKNOWN: the fact that was not reported. */
	const char *missing_fact;
	/* ERROR: what could not be evaluated (static text). */
	const char *error;
	/* NOT_APPLICABLE because a higher-priority rule with the same
	 * settingName fired first: that rule's id. */
	const char *superseded_by;
	/* Failing: when it first failed (the history's time, else now).
	 * The caller persists this per id and forgets ids not failing. */
	int64_t first_failed;
	/* IN_GRACE_PERIOD from a rule: the end of the grace period. */
	int64_t grace_until;
};

/*
 * Non-compliance established outside the evaluator. state follows the
 * reason: PENDING -> IN_GRACE_PERIOD (expected to clear by itself),
 * anything else -> NON_COMPLIANT. The strings are borrowed (see
 * struct posture_entry).
 */
struct posture_extra {
	const char *id;			/* history key; NULL: setting_name */
	const char *setting_name;	/* MANDATORY */
	const char *field_path;		/* NULL: none */
	enum rules_reason reason;	/* UNSUPPORTED, MANAGEMENT_MODE, ... */
	enum posture_specific specific;
	const char *current_value;	/* NULL: none */
	const char *remediation;	/* NULL: none */
};

/* AMAPI SecurityRisk and devicePosture. */
enum posture_risk {
	POSTURE_RISK_UNSPECIFIED,
	POSTURE_RISK_UNKNOWN_OS,
	POSTURE_RISK_COMPROMISED_OS,
	POSTURE_RISK_HARDWARE_BACKED_EVALUATION_FAILED,
};

enum posture_device {
	POSTURE_DEVICE_UNSPECIFIED,	/* no integrity fact reported */
	POSTURE_DEVICE_SECURE,
	POSTURE_DEVICE_AT_RISK,
	POSTURE_DEVICE_POTENTIALLY_COMPROMISED,
};

#define POSTURE_ADVICE_MAX 6

struct posture_risk_detail {
	enum posture_risk risk;
	const char *advice[POSTURE_ADVICE_MAX];	/* static text */
	size_t nadvice;
};

struct posture_security {
	enum posture_device device;
	struct posture_risk_detail detail[3];	/* most severe first */
	size_t ndetail;
};

#define POSTURE_IMPLICIT_MAX 8
#define POSTURE_EXTRAS_MAX 64
#define POSTURE_ENTRIES_MAX \
	(POSTURE_IMPLICIT_MAX + RULES_MAX + POSTURE_EXTRAS_MAX)

struct posture_result {
	int64_t now;			/* evaluation time (UTC seconds) */
	long long policy_version;	/* requirements->version */
	enum posture_state verdict;	/* worst entry; COMPLIANT if none */
	/* AMAPI policyCompliant: verdict is COMPLIANT or NOT_APPLICABLE. */
	bool policy_compliant;
	struct posture_security security;
	/* Implicit policy entries, then rules by priority, then extras. */
	struct posture_entry entry[POSTURE_ENTRIES_MAX];
	size_t n;
	/* Storage for policy entries' remediation texts that name values. */
	char policy_text[POSTURE_IMPLICIT_MAX][112];
};

/*
 * History lookup: stores in *first_failed when the entry `id` started
 * failing and returns 0, or returns -1 when it is not known to have been
 * failing. Called only for failing entries; must not block.
 */
typedef int (*posture_history_fn)(void *arg, const char *id,
    int64_t *first_failed);

struct posture_input {
	const struct hal_facts *facts;		/* MANDATORY */
	const struct policy_requirements *req;	/* NULL: no policy */
	const struct rules_set *rules;		/* NULL: no rules */
	const struct posture_extra *extras;	/* nextras entries */
	size_t nextras;
	int64_t now;			/* UTC seconds */
	posture_history_fn history;	/* NULL: nothing failed before */
	void *history_arg;
};

/*
 * Evaluates in->facts and fills *out (everything in it is overwritten).
 * Returns 0, or -1 with errno EINVAL when in->nextras exceeds
 * POSTURE_EXTRAS_MAX or an extra has no setting_name. Does not allocate,
 * block or log; out borrows from the inputs (see struct posture_entry).
 */
int posture_evaluate(const struct posture_input *in,
    struct posture_result *out);

/* true when e is failing: state IN_GRACE_PERIOD or worse. */
bool posture_entry_failing(const struct posture_entry *e);

/* Names: Intune's for states, AMAPI's for the others. */
const char *posture_state_name(enum posture_state s);
const char *posture_specific_name(enum posture_specific s);
const char *posture_risk_name(enum posture_risk r);
const char *posture_device_name(enum posture_device d);

#endif /* WARDEN_AGENT_POSTURE_H */
