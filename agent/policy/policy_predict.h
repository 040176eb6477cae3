/*
 * policy_predict.h - what a device will do with a policy, per setting,
 * before it is applied: `wardenctl policy check`.
 *
 * The policy is merged with the mode's baseline and flattened exactly as
 * the policy engine does (profiles/policy_settings.h); each setting is
 * then judged against a HAL backend's ops: "enforce" (an op applies it),
 * "map" (applied as the nearest rule Linux has: BIOMETRIC_WEAK,
 * CAMERA_ACCESS_ENFORCED), "check" (a posture requirement, scanned not
 * enforced), "ignored" (passwordRequirements under a device-scope
 * passwordPolicies entry), or the AMAPI reason it will be reported with
 * (UNSUPPORTED, MANAGEMENT_MODE, INVALID_VALUE), each with why.
 */
#ifndef WARDEN_AGENT_POLICY_PREDICT_H
#define WARDEN_AGENT_POLICY_PREDICT_H

#include <cjson/cJSON.h>

#include "hal/hal.h"
#include "profiles/policy.h"
#include "profiles/presets.h"

/*
 * Predicts admin (a parsed policy) on a device in mode m whose HAL
 * backend is be: a JSON array of {"settingName", "fieldPath",
 * "verdict", "why"}, in apply order, then what is not enforced. NULL
 * when memory ran out. Never blocks.
 */
cJSON *policy_predict(const struct policy *admin, enum policy_mode m,
    const struct hal_backend *be);

/* Prints a prediction (policy_predict()'s array) one line a setting. */
void policy_predict_print(const cJSON *pred, FILE *fp);

#endif /* WARDEN_AGENT_POLICY_PREDICT_H */
