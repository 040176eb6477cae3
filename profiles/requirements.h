/*
 * requirements.h - what a merged policy demands of the device's posture.
 *
 * The policy model (profiles/policy*.c) derives this from a merged policy;
 * the posture engine (profiles/posture.c) turns each requirement into an
 * implicit compliance rule (passcode too weak, encryption required, OS too
 * old, ...). Keeping it a plain struct lets the two sides be built and
 * tested apart.
 */
#ifndef WARDEN_PROFILES_REQUIREMENTS_H
#define WARDEN_PROFILES_REQUIREMENTS_H

#include <stdbool.h>

#include "hal/hal.h"

struct policy_requirements {
	/* passwordPolicies[] merged for the scope that applies. */
	bool passcode_required;
	struct hal_passcode_policy passcode;
	/* encryptionPolicy != ENCRYPTION_POLICY_UNSPECIFIED */
	bool encryption_required;
	/* minimumApiLevel here: an OS version floor ("12.4"); "" = none. */
	char min_os_version[32];
	/* cameraAccess = CAMERA_ACCESS_DISABLED (or cameraDisabled). */
	bool camera_blocked;
	bool screen_capture_blocked;
	bool usb_data_blocked;
	/* The policy's version, 0 when none was given. */
	long long version;
};

#endif /* WARDEN_PROFILES_REQUIREMENTS_H */
