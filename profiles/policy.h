/*
 * policy.h - the policy model: an Android Management API style policy
 * document parsed into typed C structs.
 *
 * A document is parsed and validated in one call (policy_parse(),
 * policy_parse_file()). A document that is not valid is rejected whole:
 * no struct policy comes back, only a list of errors, each a fieldPath in
 * AMAPI notation ("passwordPolicies[0].passwordMinimumLength") and a
 * reason. Fields warden does not know are not errors: their fieldPaths are
 * collected in policy.unsupported so that the report can show them as
 * UNSUPPORTED.
 *
 * Several policies are merged with policy_merge() (profiles/merge.c); the
 * mode presets live in profiles/presets.h and the enforceable settings in
 * profiles/policy_settings.h. docs/policy.md documents every field.
 *
 * Ownership: a struct policy is allocated by policy_parse(),
 * policy_parse_file() or policy_merge() and released with policy_free(),
 * which zeroises the secrets it holds (Wi-Fi passphrases, EAP passwords).
 * Nothing here blocks except policy_parse_file(), which reads one file.
 */
#ifndef WARDEN_PROFILES_POLICY_H
#define WARDEN_PROFILES_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal.h"

/* Limits (docs/policy.md, "Limits"). */
#define POLICY_DOC_MAX		(256 * 1024)	/* bytes of JSON */
#define POLICY_DEPTH_MAX	32	/* nested objects/arrays, root = 1 */
#define POLICY_PATH_MAX		256	/* fieldPath, NUL included */
#define POLICY_REASON_MAX	192
#define POLICY_ERRORS_MAX	16	/* kept; the rest are counted */
#define POLICY_NAME_MAX		128	/* 127 bytes of text */
#define POLICY_SOURCES_MAX	16	/* policies in one merge */
#define POLICY_APPS_MAX		128
#define POLICY_PACKAGE_MAX	129
#define POLICY_COMMAND_MAX	513
#define POLICY_VERSION_CODE_MAX	2147483647LL	/* AMAPI int32 */
#define POLICY_NETS_MAX		32
#define POLICY_RULES_MAX	32
#define POLICY_UNSUPPORTED_MAX	64
/* The size of policy_requirements.min_os_version. */
#define POLICY_OS_VERSION_MAX	32
#define POLICY_PW_LEN_MAX	64	/* passwordMinimum* and history */
#define POLICY_FAILED_WIPE_MAX	100
#define POLICY_EXPIRATION_MAX	315360000LL	/* seconds: 3650 days */
#define POLICY_LOCK_MS_MAX	31536000000LL	/* ms: 365 days */
#define POLICY_RULE_DAYS_MAX	3650
#define POLICY_SCAN_MIN		10
#define POLICY_SCAN_MAX		604800

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

/* One validation error. field_path is "" for the document itself. */
struct policy_error {
	char field_path[POLICY_PATH_MAX];
	char reason[POLICY_REASON_MAX];
};

/* The errors of one parse: e[0..n-1]; `more` counts those not kept. */
struct policy_errors {
	struct policy_error e[POLICY_ERRORS_MAX];
	size_t n;
	size_t more;
};

/*
 * Formats e as "fieldPath: reason" ("(document): reason" when the path is
 * empty) into buf, always NUL-terminated.
 */
void policy_error_format(const struct policy_error *e, char *buf,
    size_t len);

/* ------------------------------------------------------------------ */
/* Enumerations (names in profiles/policy_enums.c)                     */
/* ------------------------------------------------------------------ */

/* Values of booleans that may be absent. */
enum policy_tristate { POLICY_UNSET = 0, POLICY_FALSE, POLICY_TRUE };

/* passwordScope. */
enum policy_scope {
	POLICY_SCOPE_UNSPECIFIED = 0,
	POLICY_SCOPE_DEVICE,
	POLICY_SCOPE_PROFILE,
	POLICY_SCOPE_COUNT
};

/* cameraAccess, ordered from least to most restrictive. */
enum policy_camera {
	POLICY_CAMERA_UNSPECIFIED = 0,
	POLICY_CAMERA_USER_CHOICE,
	POLICY_CAMERA_ENFORCED,
	POLICY_CAMERA_DISABLED,
};

/* keyguardDisabledFeatures: one bit per AMAPI KeyguardDisabledFeature. */
#define POLICY_KG_CAMERA		(1u << 0)
#define POLICY_KG_NOTIFICATIONS		(1u << 1)
#define POLICY_KG_UNREDACTED_NOTIFICATIONS (1u << 2)
#define POLICY_KG_TRUST_AGENTS		(1u << 3)
#define POLICY_KG_DISABLE_FINGERPRINT	(1u << 4)
#define POLICY_KG_DISABLE_REMOTE_INPUT	(1u << 5)
#define POLICY_KG_FACE			(1u << 6)
#define POLICY_KG_IRIS			(1u << 7)
#define POLICY_KG_BIOMETRICS		(1u << 8)
#define POLICY_KG_SHORTCUTS		(1u << 9)
#define POLICY_KG_ALL_FEATURES		(1u << 10)

/* usbDataAccess, least to most restrictive. */
enum policy_usb {
	POLICY_USB_UNSPECIFIED = 0,
	POLICY_USB_ALLOW,
	POLICY_USB_DISALLOW_FILE_TRANSFER,
	POLICY_USB_DISALLOW_DATA_TRANSFER,
};

/* encryptionPolicy, least to most restrictive. */
enum policy_encryption {
	POLICY_ENCRYPTION_UNSPECIFIED = 0,
	POLICY_ENCRYPTION_WITHOUT_PASSWORD,
	POLICY_ENCRYPTION_WITH_PASSWORD,
};

/* applications[].installType, in merge rank (docs/policy.md). */
enum policy_install {
	POLICY_INSTALL_UNSPECIFIED = 0,
	POLICY_INSTALL_AVAILABLE,
	POLICY_INSTALL_CUSTOM,
	POLICY_INSTALL_PREINSTALLED,
	POLICY_INSTALL_FORCE_INSTALLED,
	POLICY_INSTALL_REQUIRED_FOR_SETUP,
	POLICY_INSTALL_KIOSK,
	POLICY_INSTALL_BLOCKED,
};

/* applications[].roles[].roleType, one bit each in policy_app.roles. */
enum policy_role {
	POLICY_ROLE_UNSPECIFIED = 0,
	POLICY_ROLE_COMPANION_APP,
	POLICY_ROLE_KIOSK,
	POLICY_ROLE_MTD_EDR,
	POLICY_ROLE_SYSTEM_HEALTH_MONITORING,
};

/* kioskCustomization enums, each least to most restrictive. */
enum policy_power_button {
	POLICY_POWER_BUTTON_UNSPECIFIED = 0,
	POLICY_POWER_BUTTON_AVAILABLE,
	POLICY_POWER_BUTTON_BLOCKED,
};
enum policy_error_warnings {
	POLICY_ERROR_WARNINGS_UNSPECIFIED = 0,
	POLICY_ERROR_WARNINGS_ENABLED,
	POLICY_ERROR_WARNINGS_MUTED,
};
enum policy_navigation {
	POLICY_NAVIGATION_UNSPECIFIED = 0,
	POLICY_NAVIGATION_ENABLED,
	POLICY_NAVIGATION_HOME_BUTTON_ONLY,
	POLICY_NAVIGATION_DISABLED,
};
enum policy_status_bar {
	POLICY_STATUS_BAR_UNSPECIFIED = 0,
	POLICY_STATUS_BAR_ENABLED,
	POLICY_STATUS_BAR_SYSTEM_INFO_ONLY,
	POLICY_STATUS_BAR_DISABLED,
};
enum policy_device_settings {
	POLICY_DEVICE_SETTINGS_UNSPECIFIED = 0,
	POLICY_DEVICE_SETTINGS_ALLOWED,
	POLICY_DEVICE_SETTINGS_BLOCKED,
};

/* ONC WiFi.Security. */
enum policy_wifi_security {
	POLICY_WIFI_NONE = 0,
	POLICY_WIFI_WEP_PSK,
	POLICY_WIFI_WPA_PSK,
	POLICY_WIFI_WPA_EAP,
};

/* ONC EAP.Outer. */
enum policy_eap_outer {
	POLICY_EAP_NONE = 0,	/* no EAP object */
	POLICY_EAP_LEAP,
	POLICY_EAP_PEAP,
	POLICY_EAP_TLS,
	POLICY_EAP_TTLS,
	POLICY_EAP_SIM,
	POLICY_EAP_AKA,
};

/* policyEnforcementRules[].blockAction.blockScope. */
enum policy_block_scope {
	POLICY_BLOCK_SCOPE_UNSPECIFIED = 0,
	POLICY_BLOCK_SCOPE_WORK_PROFILE,
	POLICY_BLOCK_SCOPE_DEVICE,
};

/* An AMAPI enum value name and its C value. Tables end with name NULL. */
struct policy_enum {
	const char *name;
	int value;
};

extern const struct policy_enum policy_enum_quality[];
extern const struct policy_enum policy_enum_scope[];
extern const struct policy_enum policy_enum_camera[];
extern const struct policy_enum policy_enum_keyguard[];	/* value = bit */
extern const struct policy_enum policy_enum_usb[];
extern const struct policy_enum policy_enum_encryption[];
extern const struct policy_enum policy_enum_install[];
extern const struct policy_enum policy_enum_role[];
extern const struct policy_enum policy_enum_power_button[];
extern const struct policy_enum policy_enum_error_warnings[];
extern const struct policy_enum policy_enum_navigation[];
extern const struct policy_enum policy_enum_status_bar[];
extern const struct policy_enum policy_enum_device_settings[];
extern const struct policy_enum policy_enum_wifi_security[];
extern const struct policy_enum policy_enum_eap_outer[];
extern const struct policy_enum policy_enum_block_scope[];

/* Name of value v in table t, or "?" when v is not in it. */
const char *policy_enum_name(const struct policy_enum *t, int v);
/* Looks name up in t: 0 and *v set, or -1 when it is not a value of t. */
int policy_enum_value(const struct policy_enum *t, const char *name,
    int *v);

/*
 * Merge rank of a passwordQuality (docs/policy.md): SOMETHING 1,
 * NUMERIC and COMPLEXITY_LOW 2, NUMERIC_COMPLEX and COMPLEXITY_MEDIUM 3,
 * ALPHABETIC 4, ALPHANUMERIC 5, COMPLEXITY_HIGH 6, COMPLEX 7.
 */
int policy_quality_rank(enum hal_pw_quality q);

/*
 * Compares two dotted numeric versions ("12", "12.4.1") component by
 * component, missing components counting as 0: <0, 0 or >0 like strcmp.
 */
int policy_version_cmp(const char *a, const char *b);

/* ------------------------------------------------------------------ */
/* The policy                                                           */
/* ------------------------------------------------------------------ */

/*
 * Top-level fields, used for the per-field source masks (policy.src) and
 * by the mode presets.
 */
enum policy_field {
	POLICY_F_PASSWORD_POLICIES = 0,
	POLICY_F_MAX_TIME_TO_LOCK,
	POLICY_F_CAMERA,
	POLICY_F_KEYGUARD,
	POLICY_F_SCREEN_CAPTURE,
	POLICY_F_USB,
	POLICY_F_FACTORY_RESET,
	POLICY_F_ENCRYPTION,
	POLICY_F_MIN_API,
	POLICY_F_APPLICATIONS,
	POLICY_F_KIOSK_CUSTOM,
	POLICY_F_ONC,
	POLICY_F_RULES,
	POLICY_F_REPORTING,
	POLICY_F_VERSION,
	POLICY_F_COUNT
};

/*
 * One passwordPolicies[] entry. Zero in a numeric field means "no
 * requirement" (AMAPI's default). The passwordMinimumLetters ...Symbols
 * counts are kept as given but only enforced with COMPLEX quality.
 */
struct policy_password {
	bool present;
	enum policy_scope scope;
	enum hal_pw_quality quality;
	int min_length;
	int min_letters, min_lower, min_upper, min_nonletter, min_numeric,
	    min_symbols;
	int max_failed_for_wipe;
	int64_t expiration_seconds;
	int history_length;
	int index;	/* position in the winning source's array */
	uint32_t src;	/* sources that won at least one field */
	/* passwordQuality was BIOMETRIC_WEAK, mapped to SOMETHING. */
	bool biometric_weak;
	/* The entry is the deprecated passwordRequirements object. */
	bool from_requirements;
};

/* What became of a document's deprecated passwordRequirements. */
enum policy_pw_requirements {
	POLICY_PWREQ_ABSENT = 0,
	POLICY_PWREQ_USED,	/* it is the entry of its scope */
	POLICY_PWREQ_IGNORED,	/* passwordPolicies has that scope */
};

struct policy_app {
	char package[POLICY_PACKAGE_MAX];
	enum policy_install install_type;
	uint32_t roles;	/* bit (1u << enum policy_role) per role given */
	/* warden: command line that runs the app ("" = the packageName). */
	char command[POLICY_COMMAND_MAX];
	/* minimumVersionCode, 0 when absent (hal_app_version_code()). */
	int64_t min_version_code;
	int index;
	uint32_t src;
};

/* The app is the kiosk app: installType KIOSK or a KIOSK role. */
bool policy_app_is_kiosk(const struct policy_app *a);

struct policy_kiosk_custom {
	enum policy_power_button power_button;
	enum policy_error_warnings error_warnings;
	enum policy_navigation navigation;
	enum policy_status_bar status_bar;
	enum policy_device_settings device_settings;
};

/* One ONC NetworkConfigurations[] entry of Type "WiFi". */
struct policy_wifi_net {
	char guid[65];
	char name[65];
	char ssid[33];
	enum policy_wifi_security security;
	char passphrase[65];	/* secret: WEP/WPA-PSK */
	enum policy_tristate hidden;
	enum policy_tristate auto_connect;
	enum policy_eap_outer eap_outer;	/* NONE: no EAP object */
	char identity[128];
	char anonymous_identity[128];
	char eap_password[128];	/* secret */
	char domain_suffix[128];	/* DomainSuffixMatch joined by ';' */
	char ca_ref[64];	/* first ServerCARefs[] entry */
	int index;
	uint32_t src;
};

/* One policyEnforcementRules[] entry; -1 days = that action is absent. */
struct policy_rule {
	char setting_name[65];
	int block_after_days;
	enum policy_block_scope block_scope;
	int wipe_after_days;
	bool preserve_frp;
	int index;
	uint32_t src;
};

struct policy_reporting {
	enum policy_tristate software_info;
	enum policy_tristate hardware_status;
	enum policy_tristate memory_info;
	enum policy_tristate network_info;
	enum policy_tristate power_events;
	enum policy_tristate device_settings;
	enum policy_tristate application_reports;	/* applicationReports */
	int scan_interval_seconds;	/* warden; 0 = not given */
};

/* An unknown field, reported as UNSUPPORTED. */
struct policy_unsupported {
	char field_path[POLICY_PATH_MAX];
	uint32_t src;
};

struct policy {
	/* name: the document's "name" ("" when absent). */
	char name[POLICY_NAME_MAX];
	/* version: 0 when absent. */
	int64_t version;

	/* Indexed by enum policy_scope: at most one entry per scope. */
	struct policy_password pw[POLICY_SCOPE_COUNT];
	/*
	 * passwordRequirements (deprecated, still sent): used as the entry
	 * of its scope unless passwordPolicies has a device-scope entry
	 * (SCOPE_DEVICE or SCOPE_UNSPECIFIED) or an entry of the same scope,
	 * as AMAPI does; pw_req_scope_by is then that entry's index.
	 */
	enum policy_pw_requirements pw_req;
	int pw_req_scope_by;
	struct policy_password pw_req_entry;	/* as parsed */
	/* maximumTimeToLock in ms: -1 absent, 0 no limit. */
	int64_t max_time_to_lock_ms;
	enum policy_camera camera;
	/* The camera setting came from the deprecated cameraDisabled. */
	bool camera_from_deprecated;
	uint32_t keyguard_disabled;	/* POLICY_KG_* bits */
	bool keyguard_present;	/* keyguardDisabledFeatures was given */
	enum policy_tristate screen_capture_disabled;
	enum policy_usb usb;
	enum policy_tristate factory_reset_disabled;
	enum policy_encryption encryption;
	/* minimumApiLevel as a dotted OS version; "" when absent. */
	char min_os_version[POLICY_OS_VERSION_MAX];

	struct policy_app *apps;
	size_t napps;
	bool kiosk_custom_present;
	struct policy_kiosk_custom kiosk;
	struct policy_wifi_net *nets;
	size_t nnets;
	struct policy_rule *rules;
	size_t nrules;
	bool reporting_present;
	struct policy_reporting reporting;

	struct policy_unsupported *unsupported;
	size_t nunsupported;
	size_t unsupported_dropped;	/* beyond POLICY_UNSUPPORTED_MAX */

	/*
	 * Where each value came from. A parsed document has one source (its
	 * name, or "policy" when it has none); policy_merge() concatenates
	 * its inputs' sources. src[] holds, per top-level field, the mask of
	 * the sources whose value won (bit i = sources[i]).
	 */
	char sources[POLICY_SOURCES_MAX][POLICY_NAME_MAX];
	size_t nsources;
	uint32_t src[POLICY_F_COUNT];
};

/*
 * Parses and validates one policy document of len bytes (need not be
 * NUL-terminated). Returns a new policy (free with policy_free()), or NULL
 * with errs filled (at least one error) when the document is rejected or
 * memory ran out. A document over POLICY_DOC_MAX bytes is rejected
 * without being read further. Never blocks.
 */
struct policy *policy_parse(const char *buf, size_t len,
    struct policy_errors *errs);

/*
 * Same for the file at path. A file over POLICY_DOC_MAX bytes is rejected
 * without being read; errors reading it are reported with the path "" and
 * the strerror text. Blocks on the file read.
 */
struct policy *policy_parse_file(const char *path,
    struct policy_errors *errs);

/* Allocates an empty policy (nothing set, one source "policy"), or NULL. */
struct policy *policy_new(void);

/* Releases p and zeroises its secrets; NULL is fine. */
void policy_free(struct policy *p);

/* Whether top-level field f has a value in p. */
bool policy_field_present(const struct policy *p, enum policy_field f);

/*
 * Joins the names of the sources in mask (bit i = p->sources[i]) with ","
 * into buf (always NUL-terminated, "" for an empty mask).
 */
void policy_source_names(const struct policy *p, uint32_t mask, char *buf,
    size_t len);

/* ------------------------------------------------------------------ */
/* Merge (profiles/merge.c)                                            */
/* ------------------------------------------------------------------ */

/*
 * Merges n policies into a new one where, per setting, the most
 * restrictive value wins (docs/policy.md, "Merge"); on a tie the earlier
 * input wins. The inputs are not changed. The result's sources are the
 * inputs' sources in order, so masks tell which input won each setting.
 * Returns NULL when n is 0, when the inputs hold more than
 * POLICY_SOURCES_MAX sources, or when memory ran out. Never blocks.
 */
struct policy *policy_merge(const struct policy *const *in, size_t n);

/*
 * Folds password entry `in` into `acc` field by field, most restrictive
 * wins; in_src is the source mask credited for fields `in` wins. acc's
 * scope is kept (unless acc was not present); its index becomes in's when
 * in's passwordQuality wins.
 */
void policy_password_merge(struct policy_password *acc,
    const struct policy_password *in, uint32_t in_src);

#endif /* WARDEN_PROFILES_POLICY_H */
