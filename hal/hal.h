/*
 * hal.h - the hardware abstraction layer contract.
 *
 * Everything above this header (policy enforcement, posture scanning,
 * provisioning, commands) talks to the device only through these ops.
 * One `const struct hal_<subsystem>_ops` per subsystem; a backend fills in
 * the subsystems it supports and leaves the others NULL.
 *
 * Conventions:
 *  - Every op takes the backend context `ctx` returned by the backend's
 *    open() and returns 0 on success or a negative errno.
 *  - Ops marked MANDATORY must be present when their subsystem is present.
 *    Ops marked OPTIONAL may be NULL; the hal_*() wrappers in hal.c then
 *    return -ENOSYS, which the caller reports as UNSUPPORTED.
 *  - A NULL subsystem behaves as if every op in it were missing (-ENOSYS).
 *  - Ops may block (a wipe, a long read); the agent calls the slow ones
 *    from its work queue, never from the event loop callbacks directly.
 *  - Backends never exit the process and never log secrets.
 */
#ifndef WARDEN_HAL_H
#define WARDEN_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* Facts: the typed raw reads the posture scanners work from.          */
/* ------------------------------------------------------------------ */

enum hal_fact_type {
	HAL_FACT_BOOL,
	HAL_FACT_INT64,
	HAL_FACT_DOUBLE,
	HAL_FACT_STRING,
	HAL_FACT_DATETIME, /* s holds ISO 8601 ("2026-11-01" or full timestamp) */
	HAL_FACT_VERSION,  /* s holds a dotted version ("12.4", "6.1.0-13") */
};

#define HAL_FACT_NAME_MAX 48
#define HAL_FACT_STR_MAX 128
#define HAL_FACTS_MAX 128

struct hal_fact {
	char name[HAL_FACT_NAME_MAX];
	enum hal_fact_type type;
	bool b;
	int64_t i;
	double d;
	char s[HAL_FACT_STR_MAX];
};

/* A fixed-size fact set: no allocation on the scan path. */
struct hal_facts {
	struct hal_fact f[HAL_FACTS_MAX];
	size_t n;
};

/*
 * Fact names every backend should use (docs/facts.md documents each one,
 * its type and where each backend reads it). A backend that cannot know a
 * fact omits it; the scanner then reports it as unknown.
 *
 *  hw.manufacturer hw.model hw.serial                       STRING
 *  os.name os.id                                             STRING
 *  os.version os.kernel                                      VERSION
 *  os.security_patch                                         DATETIME
 *  disk.encrypted                                            BOOL
 *  disk.encryption_status  ("ENCRYPTED_PER_USER" ...)        STRING
 *  integrity.rooted integrity.secure_boot                    BOOL
 *  integrity.selinux_enforcing integrity.verified_root       BOOL
 *  integrity.lockdown ("none"|"integrity"|"confidentiality") STRING
 *  integrity.boot_state ("green"|"yellow"|"orange"|"red")    STRING
 *  integrity.debugger_attached integrity.usr_writable        BOOL
 *  integrity.kernel_tainted                                  INT64
 *  passcode.set                                              BOOL
 *  passcode.quality (AMAPI passwordQuality enum)             STRING
 *  passcode.length passcode.age_days passcode.failed_attempts INT64
 *  screen.locked                                             BOOL
 *  camera.present camera.blocked                             BOOL
 *  screen_capture.blocked usb.data_blocked                   BOOL
 *  firewall.enabled time.synced                              BOOL
 *  storage.total_bytes storage.free_bytes                    INT64
 *  memory.total_bytes memory.available_bytes                 INT64
 *  battery.level (percent) battery.charging                  INT64 / BOOL
 *  network.connected                                         BOOL
 *  network.addresses (comma separated)                       STRING
 *  network.bearer (the default route's: "wlan", "ethernet",
 *    "lte-fdd" ... as lwm2m_obj_connmon.c lists)              STRING
 *  network.bearers (those the device has, comma separated)   STRING
 *  network.signal_dbm (the bearer's radio signal, dBm)       INT64
 *  profile.exists kiosk.active                               BOOL
 */

/* Helpers that append to a fact set; return -ENOSPC when it is full. */
int hal_fact_bool(struct hal_facts *fs, const char *name, bool v);
int hal_fact_int(struct hal_facts *fs, const char *name, int64_t v);
int hal_fact_double(struct hal_facts *fs, const char *name, double v);
int hal_fact_str(struct hal_facts *fs, enum hal_fact_type type,
    const char *name, const char *v);
/* Returns the fact named `name`, or NULL. */
const struct hal_fact *hal_fact_find(const struct hal_facts *fs,
    const char *name);
/* Formats a fact's value as text into buf (always NUL-terminated). */
void hal_fact_format(const struct hal_fact *f, char *buf, size_t len);
const char *hal_fact_type_name(enum hal_fact_type t);

/* ------------------------------------------------------------------ */
/* Policy inputs the enforcement ops take.                              */
/* ------------------------------------------------------------------ */

/* AMAPI passwordQuality, in increasing strength for the ordered ones. */
enum hal_pw_quality {
	HAL_PW_UNSPECIFIED = 0,
	HAL_PW_SOMETHING,
	HAL_PW_NUMERIC,
	HAL_PW_NUMERIC_COMPLEX,
	HAL_PW_ALPHABETIC,
	HAL_PW_ALPHANUMERIC,
	HAL_PW_COMPLEX,
	HAL_PW_COMPLEXITY_LOW,
	HAL_PW_COMPLEXITY_MEDIUM,
	HAL_PW_COMPLEXITY_HIGH,
};

enum hal_scope { HAL_SCOPE_DEVICE = 0, HAL_SCOPE_PROFILE };

/* A passcode policy as the HAL enforces it; 0 means "no requirement". */
struct hal_passcode_policy {
	enum hal_pw_quality quality;
	enum hal_scope scope;
	int min_length;
	int min_letters, min_lower, min_upper, min_nonletter, min_numeric,
	    min_symbols;
	int history_length;
	int64_t expiration_seconds;
	int max_failed_for_wipe;
	int64_t max_time_to_lock_ms;
};

struct hal_passcode_status {
	bool set;
	enum hal_pw_quality quality;
	int length;
	int64_t age_days;
	int failed_attempts;
};

/* Wi-Fi network from provisioning or ONC. Secrets are zeroised by owner. */
struct hal_wifi {
	char ssid[33];
	bool hidden;
	char security[16]; /* "NONE" "WEP" "WPA" "WPA2" "WPA3" "EAP" */
	char password[128];
	char eap_method[16];
	char identity[128];
	char anonymous_identity[128];
	char domain[128];
	char ca_cert[64]; /* name of a CA in the certstore */
};

/* ------------------------------------------------------------------ */
/* Subsystems.                                                          */
/* ------------------------------------------------------------------ */

struct hal_identity_ops {
	/* MANDATORY. Fills manufacturer/model/serial (NUL-terminated). */
	int (*get)(void *ctx, char *manufacturer, size_t mlen, char *model,
	    size_t molen, char *serial, size_t slen);
	/* OPTIONAL. *present = a hardware-backed key store exists. */
	int (*hw_keystore)(void *ctx, bool *present);
};

struct hal_passcode_ops {
	/* MANDATORY. Applies the passcode policy. */
	int (*apply)(void *ctx, const struct hal_passcode_policy *p);
	/* MANDATORY. Reads the current passcode state. */
	int (*status)(void *ctx, struct hal_passcode_status *st);
	/* OPTIONAL. Sets a new passcode (RESET_PASSWORD). */
	int (*reset)(void *ctx, const char *newpw, bool require_entry);
};

struct hal_camera_ops {
	/* MANDATORY. Blocks (allowed=false) or allows all cameras. */
	int (*set_allowed)(void *ctx, bool allowed);
	/* MANDATORY. Reads back whether cameras are blocked. */
	int (*get_allowed)(void *ctx, bool *allowed);
};

struct hal_lock_ops {
	/* MANDATORY. Locks the device (or the work profile) now. */
	int (*lock_now)(void *ctx, enum hal_scope scope);
	/* OPTIONAL. Sets (msg non-NULL) or clears (NULL) the lock-screen text. */
	int (*set_message)(void *ctx, const char *msg);
};

struct hal_wipe_ops {
	/* OPTIONAL. Factory reset; does not return on real hardware. */
	int (*factory_reset)(void *ctx);
	/* OPTIONAL. Crypto-erase and remove the work profile. */
	int (*wipe_profile)(void *ctx);
};

struct hal_power_ops {
	/* OPTIONAL. Reboots the device. */
	int (*reboot)(void *ctx);
	/*
	 * OPTIONAL. The OEM's OS-update hook (RAUC, SWUpdate, a script):
	 * fetches the update package at uri (http:// or https://, at most
	 * HAL_OS_UPDATE_URI_MAX bytes) and installs it, so that the next
	 * boot runs it. Blocks until then. 0 installed; -ENOSPC no room,
	 * -ENOMEM, -ECONNRESET/-ENETUNREACH/-EHOSTUNREACH the download
	 * broke, -EBADMSG the package failed its integrity check,
	 * -ENOEXEC not a package this device takes, -ENOENT nothing at uri,
	 * any other negative errno: the update failed.
	 */
	int (*os_update)(void *ctx, const char *uri);
};

#define HAL_OS_UPDATE_URI_MAX 255

struct hal_profile_ops {
	/* MANDATORY. Creates the work profile if missing. */
	int (*create)(void *ctx);
	/* MANDATORY. Removes the work profile (files kept or not: see wipe). */
	int (*remove)(void *ctx);
	/* MANDATORY. *exists = the work profile exists. */
	int (*status)(void *ctx, bool *exists);
};

/* AMAPI kioskCustomization, each member an AMAPI enum value name
 * ("POWER_BUTTON_BLOCKED"; "..._UNSPECIFIED": the backend's default). */
struct hal_kiosk_custom {
	const char *power_button;
	const char *error_warnings;
	const char *navigation;
	const char *status_bar;
	const char *device_settings;
};

struct hal_kiosk_ops {
	/* MANDATORY. Locks the device to one app (command line). */
	int (*enter)(void *ctx, const char *app);
	/*
	 * OPTIONAL. Applies the kiosk customization (kept across enter and
	 * exit). Returns 0, or -EOPNOTSUPP with the parts this device's
	 * kiosk cannot do named in why (whylen bytes), or another -errno.
	 */
	int (*customize)(void *ctx, const struct hal_kiosk_custom *k,
	    char *why, size_t whylen);
	/* MANDATORY. Leaves kiosk mode. */
	int (*exit)(void *ctx);
	/* MANDATORY. Current kiosk app, "" when not in kiosk mode. */
	int (*status)(void *ctx, char *app, size_t len);
};

struct hal_restrict_ops {
	/* OPTIONAL. Blocks or allows screen capture. */
	int (*set_screen_capture)(void *ctx, bool allowed);
	/* OPTIONAL. Blocks or allows USB data (charging stays). */
	int (*set_usb_data)(void *ctx, bool allowed);
	/* OPTIONAL. Keyguard features disabled (AMAPI enum names, bit set). */
	int (*set_keyguard_features)(void *ctx, uint32_t disabled_mask);
	/* OPTIONAL. Disallows a user-initiated factory reset. */
	int (*set_factory_reset_allowed)(void *ctx, bool allowed);
};

struct hal_network_ops {
	/* MANDATORY. Adds or updates a Wi-Fi network. */
	int (*apply_wifi)(void *ctx, const struct hal_wifi *w);
	/* OPTIONAL. Sets the locale ("en_US") and time zone ("Europe/Berlin"). */
	int (*set_locale)(void *ctx, const char *locale);
	int (*set_timezone)(void *ctx, const char *tz);
};

/*
 * Applications: packages of the device's software source (Debian
 * packages through apt/dpkg, or the simulated device's repository),
 * named by AMAPI's packageName.
 *
 * A version is the backend's own text ("2.3.1-1", "1:2.36-9"); AMAPI's
 * integer versionCode is derived from it by hal_app_version_code(), and
 * a minimumVersionCode turns back into a version by
 * hal_app_version_from_code() (docs/hal-linux.md, "Applications").
 */
#define HAL_APP_PACKAGE_MAX 129	/* 128 bytes + NUL */
#define HAL_APP_VERSION_MAX 96
#define HAL_APPS_MAX 65536	/* entries a list may return */

struct hal_app {
	char package[HAL_APP_PACKAGE_MAX];
	char version[HAL_APP_VERSION_MAX];	/* "" when not installed */
	bool installed;
	bool blocked;	/* pinned by warden: nothing may install it */
};

/*
 * AMAPI versionCode of a version: the first three numbers of the
 * upstream version (after any "epoch:"), each capped at 999, as
 * a * 1000000 + b * 1000 + c ("2.3.1-1" -> 2003001; "1:2.36-9" ->
 * 2036000). 0 when the version starts with no number.
 */
int64_t hal_app_version_code(const char *version);
/* The version "a.b.c" a versionCode stands for (2003001 -> "2.3.1"). */
void hal_app_version_from_code(int64_t code, char *buf, size_t len);

struct hal_apps_ops {
	/* Who installs: "dpkg", "sim" (AMAPI installerPackageName). */
	const char *installer;
	/* MANDATORY. Installs package from the configured sources (or
	 * upgrades it when it is older than min_version, "" = any
	 * version); an installed, new enough package is left alone.
	 * Blocks for the download and install. -ENOENT: no source has it;
	 * -ERANGE: the sources have only older versions; -EPERM: blocked;
	 * -EAGAIN: the package manager is busy. */
	int (*install)(void *ctx, const char *package,
	    const char *min_version);
	/* MANDATORY. Removes package; not installed is success. */
	int (*remove)(void *ctx, const char *package);
	/* MANDATORY. blocked: removes the package and pins it so that
	 * nothing installs it again; !blocked: lifts warden's pin. */
	int (*set_blocked)(void *ctx, const char *package, bool blocked);
	/* MANDATORY. Every installed package and every blocked one: *out
	 * is a malloc'd array of *n entries (free() it), sorted by name. */
	int (*list)(void *ctx, struct hal_app **out, size_t *n);
	/* OPTIONAL. A host path that is rewritten whenever the installed
	 * set changes (dpkg's status file); the agent watches it. */
	int (*watch_path)(void *ctx, char *path, size_t len);
};

/*
 * A key-wrapping service the agent lends the backend when the device has
 * a TPM (hal_certstore_set_keywrap): wrap turns a secret of len bytes
 * into a blob (at most cap bytes, *bloblen its size) that only this
 * device can open; unwrap gives the secret back (at most cap bytes,
 * *outlen its size). Both block on the TPM and return 0 or a negative
 * errno. arg is the agent's; the struct outlives the backend's use.
 */
#define HAL_KEYWRAP_BLOB_MAX 1024
struct hal_keywrap {
	int (*wrap)(void *arg, const uint8_t *secret, size_t len,
	    uint8_t *blob, size_t cap, size_t *bloblen);
	int (*unwrap)(void *arg, const uint8_t *blob, size_t len,
	    uint8_t *secret, size_t cap, size_t *outlen);
	void *arg;
};

struct hal_certstore_ops {
	/* OPTIONAL. Returns the 32-byte sealing key for local secrets. */
	int (*sealing_key)(void *ctx, uint8_t key[32]);
	/* OPTIONAL. From now on, keys the backend keeps in files (a work
	 * profile's fscrypt key) are written wrapped by kw, and ones found
	 * unwrapped are wrapped on first use; NULL: as before. */
	int (*set_keywrap)(void *ctx, const struct hal_keywrap *kw);
	/* OPTIONAL. Installs a CA certificate (DER) under a name. */
	int (*install_ca)(void *ctx, const char *name, const uint8_t *der,
	    size_t len);
};

struct hal_facts_ops {
	/* MANDATORY. Appends every fact the backend can read to fs. */
	int (*read)(void *ctx, struct hal_facts *fs);
};

struct hal_nfc_ops {
	/* OPTIONAL. Reads one NDEF message into buf (at most len bytes). */
	int (*read_ndef)(void *ctx, uint8_t *buf, size_t len, size_t *outlen);
};

/*
 * The QR decoder the agent lends a camera scan: decode finds the first QR
 * code in a picture (a PNG or a binary PGM of len bytes) and writes its
 * text to text (cap bytes, NUL-terminated). It returns 0; -EAGAIN when
 * the picture holds none; another negative errno when it failed. It
 * blocks (it runs a confined process: a picture is never decoded in the
 * agent). arg is the agent's.
 */
#define HAL_CAMERA_PICTURE_MAX (16 * 1024 * 1024)
struct hal_qr_decoder {
	int (*decode)(void *arg, const void *image, size_t len, char *text,
	    size_t cap);
	void *arg;
};

struct hal_camera_scan_ops {
	/* OPTIONAL. Scans one QR code: takes pictures and gives each to
	 * dec until one holds a code; writes its text (NUL-terminated). */
	int (*scan_qr)(void *ctx, const struct hal_qr_decoder *dec, char *buf,
	    size_t len);
};

/* ------------------------------------------------------------------ */
/* Backends and the registry.                                           */
/* ------------------------------------------------------------------ */

struct hal_backend {
	const char *name;
	/* MANDATORY. arg is the text after "name:" (may be ""). */
	int (*open)(const char *arg, void **ctx);
	/* MANDATORY. */
	void (*close)(void *ctx);
	/* OPTIONAL. An fd that becomes readable when facts may have changed
	 * (hot-plug, edited state file); -1 when there is none. */
	int (*watch_fd)(void *ctx);
	/* OPTIONAL. Called when watch_fd is readable; drains it. Returns 1
	 * when facts may have changed, 0 when what it saw was the
	 * backend's own doing (its writes while enforcing). */
	int (*watch_drain)(void *ctx);

	const struct hal_identity_ops *identity;
	const struct hal_passcode_ops *passcode;
	const struct hal_camera_ops *camera;
	const struct hal_lock_ops *lock;
	const struct hal_wipe_ops *wipe;
	const struct hal_power_ops *power;
	const struct hal_profile_ops *profile;
	const struct hal_kiosk_ops *kiosk;
	const struct hal_restrict_ops *restrict_;
	const struct hal_network_ops *network;
	const struct hal_certstore_ops *certstore;
	const struct hal_facts_ops *facts;
	const struct hal_nfc_ops *nfc;
	const struct hal_camera_scan_ops *camera_scan;
	const struct hal_apps_ops *apps;
	/* OPTIONAL. Backend-specific control ("sim set", "sim fail"):
	 * request and reply are JSON text; reply is malloc'd by the backend. */
	int (*control)(void *ctx, const char *verb, const char *key,
	    const char *value, char **reply);
};

/* An opened backend. */
struct hal {
	const struct hal_backend *be;
	void *ctx;
};

/*
 * Opens the backend named by spec ("sim:/tmp/dev", "linux:/"). On error
 * returns -1 and writes a reason to err. Backends are those compiled in
 * (Kconfig) and listed in the registry in hal.c.
 */
int hal_open(struct hal *h, const char *spec, char *err, size_t errlen);
void hal_close(struct hal *h);
/* Names of the compiled-in backends, NULL-terminated. */
const char *const *hal_backend_names(void);
/* The compiled-in backend named name, or NULL. */
const struct hal_backend *hal_backend_find(const char *name);
/*
 * Checks that spec names a compiled-in backend ("name:argument"), without
 * opening it: 0, or -1 with the reason in err (naming the backends this
 * build has). Pure.
 */
int hal_check_spec(const char *spec, char *err, size_t errlen);

/* Wrappers: -ENOSYS when the subsystem or the op is missing. */
int hal_identity_get(struct hal *h, char *manufacturer, size_t mlen,
    char *model, size_t molen, char *serial, size_t slen);
int hal_identity_hw_keystore(struct hal *h, bool *present);
int hal_passcode_apply(struct hal *h, const struct hal_passcode_policy *p);
int hal_passcode_status(struct hal *h, struct hal_passcode_status *st);
int hal_passcode_reset(struct hal *h, const char *newpw, bool require_entry);
int hal_camera_set_allowed(struct hal *h, bool allowed);
int hal_camera_get_allowed(struct hal *h, bool *allowed);
int hal_lock_now(struct hal *h, enum hal_scope scope);
int hal_lock_set_message(struct hal *h, const char *msg);
int hal_wipe_factory_reset(struct hal *h);
int hal_wipe_profile(struct hal *h);
int hal_power_reboot(struct hal *h);
int hal_profile_create(struct hal *h);
int hal_profile_remove(struct hal *h);
int hal_profile_status(struct hal *h, bool *exists);
int hal_kiosk_enter(struct hal *h, const char *app);
int hal_kiosk_exit(struct hal *h);
int hal_kiosk_status(struct hal *h, char *app, size_t len);
int hal_kiosk_customize(struct hal *h, const struct hal_kiosk_custom *k,
    char *why, size_t whylen);
int hal_restrict_screen_capture(struct hal *h, bool allowed);
int hal_restrict_usb_data(struct hal *h, bool allowed);
int hal_restrict_keyguard_features(struct hal *h, uint32_t disabled_mask);
int hal_restrict_factory_reset(struct hal *h, bool allowed);
int hal_network_apply_wifi(struct hal *h, const struct hal_wifi *w);
int hal_network_set_locale(struct hal *h, const char *locale);
int hal_network_set_timezone(struct hal *h, const char *tz);
int hal_certstore_sealing_key(struct hal *h, uint8_t key[32]);
int hal_certstore_set_keywrap(struct hal *h, const struct hal_keywrap *kw);
int hal_certstore_install_ca(struct hal *h, const char *name,
    const uint8_t *der, size_t len);
int hal_facts_read(struct hal *h, struct hal_facts *fs);
int hal_nfc_read_ndef(struct hal *h, uint8_t *buf, size_t len,
    size_t *outlen);
int hal_camera_scan_qr(struct hal *h, const struct hal_qr_decoder *dec,
    char *buf, size_t len);
int hal_power_os_update(struct hal *h, const char *uri);
int hal_apps_install(struct hal *h, const char *package,
    const char *min_version);
int hal_apps_remove(struct hal *h, const char *package);
int hal_apps_set_blocked(struct hal *h, const char *package, bool blocked);
int hal_apps_list(struct hal *h, struct hal_app **out, size_t *n);
int hal_apps_watch_path(struct hal *h, char *path, size_t len);
/* The apps backend's installer name, or NULL without an apps subsystem. */
const char *hal_apps_installer(const struct hal *h);
/* Sorts a list by package name, as hal_app_find() needs it. */
void hal_apps_sort(struct hal_app *list, size_t n);
/* The entry for package in a sorted list, or NULL. */
const struct hal_app *hal_app_find(const struct hal_app *list, size_t n,
    const char *package);
int hal_watch_fd(struct hal *h);
int hal_watch_drain(struct hal *h);
int hal_control(struct hal *h, const char *verb, const char *key,
    const char *value, char **reply);

/* Name of an AMAPI passwordQuality value and back; -1 if unknown. */
const char *hal_pw_quality_name(enum hal_pw_quality q);
int hal_pw_quality_parse(const char *s, enum hal_pw_quality *q);

/* Backends compiled in (declared here, defined in hal/<name>/). */
extern const struct hal_backend hal_sim_backend;
extern const struct hal_backend hal_linux_backend;

#endif /* WARDEN_HAL_H */
