/*
 * presets.c - management modes: the capability table and the baseline
 * policy of each mode.
 *
 * The baselines are kept as JSON and go through the same parser as an
 * administrator's policy, so a baseline can never hold something a
 * policy could not. Because merging keeps the most restrictive value, a
 * baseline is a floor: an admin policy can tighten it, never loosen it.
 * They are therefore kept small.
 */
#include <string.h>

#include "profiles/presets.h"

#define FM (1u << POLICY_MODE_FULLY_MANAGED)
#define DED (1u << POLICY_MODE_DEDICATED)
#define COPE (1u << POLICY_MODE_COPE)
#define BYOD (1u << POLICY_MODE_BYOD)

static const char *const mode_names[POLICY_MODE_COUNT] = {
	"FULLY_MANAGED", "DEDICATED", "COPE", "BYOD",
};

static const struct {
	const char *alias;
	enum policy_mode mode;
} aliases[] = {
	{ "DEVICE_OWNER", POLICY_MODE_FULLY_MANAGED },
	{ "COBO", POLICY_MODE_FULLY_MANAGED },
	{ "COSU", POLICY_MODE_DEDICATED },
	{ "PROFILE_OWNER", POLICY_MODE_BYOD },
};

/* Modes allowed per capability, and why the others are refused. */
static const struct {
	unsigned modes;
	const char *refusal;
} caps[POLICY_CAP_COUNT] = {
	[POLICY_CAP_PASSCODE_DEVICE] = { FM | DED | COPE,
	    "a personally-owned device's lock screen is not managed" },
	[POLICY_CAP_PASSCODE_PROFILE] = { COPE | BYOD,
	    "this mode has no work profile" },
	[POLICY_CAP_LOCK_TIMEOUT] = { FM | DED | COPE,
	    "the screen lock timeout is device-wide" },
	[POLICY_CAP_CAMERA] = { FM | DED | COPE,
	    "camera access is device-wide" },
	[POLICY_CAP_KEYGUARD] = { FM | DED | COPE,
	    "lock screen features are device-wide" },
	[POLICY_CAP_SCREEN_CAPTURE] = { FM | DED | COPE,
	    "screen capture is device-wide" },
	[POLICY_CAP_USB] = { FM | DED | COPE,
	    "USB data access is device-wide" },
	[POLICY_CAP_FACTORY_RESET] = { FM | DED | COPE,
	    "factory reset is device-wide" },
	[POLICY_CAP_ENCRYPTION] = { FM | DED | COPE,
	    "disk encryption is device-wide" },
	[POLICY_CAP_OS_FLOOR] = { FM | DED | COPE | BYOD, "" },
	[POLICY_CAP_APPS] = { FM | DED | COPE | BYOD, "" },
	[POLICY_CAP_KIOSK] = { FM | DED,
	    "kiosk mode needs a fully managed or dedicated device" },
	[POLICY_CAP_WIFI] = { FM | DED | COPE,
	    "Wi-Fi networks are device-wide" },
	[POLICY_CAP_WORK_PROFILE] = { COPE | BYOD,
	    "this mode has no work profile" },
};

static const char *const baselines[POLICY_MODE_COUNT] = {
	[POLICY_MODE_FULLY_MANAGED] =
	    "{\"name\":\"preset:FULLY_MANAGED\","
	    "\"passwordPolicies\":[{\"passwordScope\":\"SCOPE_DEVICE\","
	    "\"passwordQuality\":\"SOMETHING\"}]}",
	[POLICY_MODE_DEDICATED] =
	    "{\"name\":\"preset:DEDICATED\","
	    "\"factoryResetDisabled\":true}",
	[POLICY_MODE_COPE] =
	    "{\"name\":\"preset:COPE\","
	    "\"passwordPolicies\":[{\"passwordScope\":\"SCOPE_PROFILE\","
	    "\"passwordQuality\":\"SOMETHING\"}]}",
	[POLICY_MODE_BYOD] =
	    "{\"name\":\"preset:BYOD\","
	    "\"passwordPolicies\":[{\"passwordScope\":\"SCOPE_PROFILE\","
	    "\"passwordQuality\":\"SOMETHING\"}]}",
};

const char *
policy_mode_name(enum policy_mode m)
{
	return (unsigned)m < POLICY_MODE_COUNT ? mode_names[m] : "?";
}

int
policy_mode_parse(const char *s, enum policy_mode *m)
{
	size_t i;

	for (i = 0; i < POLICY_MODE_COUNT; i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*m = (enum policy_mode)i;
			return 0;
		}
	}
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(s, aliases[i].alias) == 0) {
			*m = aliases[i].mode;
			return 0;
		}
	}
	return -1;
}

const char *
policy_mode_management_mode(enum policy_mode m)
{
	return m == POLICY_MODE_FULLY_MANAGED || m == POLICY_MODE_DEDICATED ?
	    "DEVICE_OWNER" : "PROFILE_OWNER";
}

const char *
policy_mode_ownership(enum policy_mode m)
{
	return m == POLICY_MODE_BYOD ? "PERSONALLY_OWNED" : "COMPANY_OWNED";
}

bool
policy_mode_allows(enum policy_mode m, enum policy_cap c)
{
	if ((unsigned)m >= POLICY_MODE_COUNT || (unsigned)c >= POLICY_CAP_COUNT)
		return false;
	return (caps[c].modes & (1u << m)) != 0;
}

const char *
policy_mode_refusal(enum policy_mode m, enum policy_cap c)
{
	if ((unsigned)c >= POLICY_CAP_COUNT || policy_mode_allows(m, c))
		return "";
	return caps[c].refusal;
}

enum hal_scope
policy_mode_default_scope(enum policy_mode m)
{
	return m == POLICY_MODE_COPE || m == POLICY_MODE_BYOD ?
	    HAL_SCOPE_PROFILE : HAL_SCOPE_DEVICE;
}

const char *
policy_preset_json(enum policy_mode m)
{
	return (unsigned)m < POLICY_MODE_COUNT ? baselines[m] : NULL;
}

struct policy *
policy_preset_baseline(enum policy_mode m)
{
	struct policy_errors errs;
	const char *json = policy_preset_json(m);

	if (json == NULL)
		return NULL;
	return policy_parse(json, strlen(json), &errs);
}

struct policy *
policy_preset_merge(enum policy_mode m, const struct policy *const *admin,
    size_t n)
{
	const struct policy *in[POLICY_SOURCES_MAX];
	struct policy *base, *out;
	size_t i;

	if (n + 1 > POLICY_SOURCES_MAX)
		return NULL;
	if ((base = policy_preset_baseline(m)) == NULL)
		return NULL;
	in[0] = base;
	for (i = 0; i < n; i++)
		in[i + 1] = admin[i];
	out = policy_merge(in, n + 1);
	policy_free(base);
	return out;
}
