/*
 * provision.h - the provisioning inputs (QR code, NFC bump, afw# token,
 * zero-touch file) and the one normalized request they all produce.
 *
 * Every input is untrusted: each parser bounds its input, parses it
 * strictly and either fills a complete, validated struct prov_request or
 * fails with one line "fieldPath: reason" in err and leaves the request
 * cleared. docs/provisioning.md describes every accepted key.
 *
 * Nothing here blocks on the network or touches the device; the file
 * readers (token directory, zero-touch file, QR image) read one local
 * file. The daemon applies a request (Wi-Fi, locale, enrollment).
 *
 * The request holds secrets (enrollment token, Wi-Fi password, Wi-Fi
 * user certificate, LwM2M PSK key): release it with prov_request_clear(),
 * which zeroises it.
 */
#ifndef WARDEN_PROVISION_H
#define WARDEN_PROVISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "hal/hal.h"

/* Input bounds (bytes). */
#define PROV_QR_MAX 4096        /* QR JSON text (a QR code holds ~3 KB) */
#define PROV_PROPS_MAX 8192     /* java.util.Properties payload (NFC) */
#define PROV_NDEF_MAX 8704      /* NDEF message: payload + headers */
#define PROV_ZEROTOUCH_MAX 16384 /* zero-touch file */
#define PROV_TOKENDIR_MAX 65536 /* afw# token directory file */
#define PROV_IMAGE_MAX (16 * 1024 * 1024) /* QR image file */
#define PROV_STORE_MAX 32768    /* prov_request_to_json() text */

/* Field bounds (bytes, without the NUL). */
#define PROV_URL_MAX 512
#define PROV_TOKEN_MAX 512
#define PROV_PIN_LEN 32
#define PROV_PSK_ID_MAX 128
#define PROV_PSK_KEY_MAX 64
#define PROV_NAME_MAX 128       /* organization name */
#define PROV_COMPONENT_MAX 256  /* admin component "pkg/class" */
#define PROV_LOCALE_MAX 10
#define PROV_TZ_MAX 64
#define PROV_HOST_MAX 253
#define PROV_BYPASS_MAX 512
#define PROV_CERT_MAX 3072      /* decoded Wi-Fi certificate (DER/PKCS#12) */
#define PROV_TOKEN_ID_MAX 64    /* the <id> of afw#<id> */
#define PROV_CODE_MIN 4         /* the one-time code typed with afw# */
#define PROV_CODE_MAX 64
#define PROV_KEY_MAX 128        /* a key as listed in ignored[] */
#define PROV_IGNORED_MAX 16

/* The NDEF record type Android's NFC provisioning uses. */
#define PROV_NDEF_MIME "application/com.android.managedprovisioning"

enum prov_source {
	PROV_SRC_QR = 0,
	PROV_SRC_NFC,
	PROV_SRC_TOKEN,
	PROV_SRC_ZEROTOUCH,
};

enum prov_binding {
	PROV_BINDING_REST = 0, /* JSON over HTTPS */
	PROV_BINDING_LWM2M,    /* OMA LwM2M over CoAP(S) */
};

enum prov_mode {
	PROV_MODE_FULLY_MANAGED = 0,
	PROV_MODE_DEDICATED,
	PROV_MODE_WORK_PROFILE_COMPANY_OWNED,
	PROV_MODE_WORK_PROFILE_PERSONAL,
};

/*
 * A provisioning request. Fixed size, no pointers: it may be copied and
 * is released with prov_request_clear(). A string field that is "" was
 * not given. Secrets: enrollment_token, wifi.password, wifi_user_cert,
 * psk_key.
 */
struct prov_request {
	enum prov_source source;
	char token_id[PROV_TOKEN_ID_MAX + 1]; /* afw#<id> entry (token only) */

	/* warden's own settings (PROVISIONING_ADMIN_EXTRAS_BUNDLE). */
	char server_url[PROV_URL_MAX + 1];
	bool server_from_defaults; /* URL (and pin) came from the image */
	enum prov_binding binding;
	char enrollment_token[PROV_TOKEN_MAX + 1];
	bool has_server_pin;
	uint8_t server_pin[PROV_PIN_LEN]; /* SHA-256 of the server cert */
	enum prov_mode mode;
	bool lwm2m_bootstrap; /* server_url is an LwM2M bootstrap server */
	char psk_identity[PROV_PSK_ID_MAX + 1];
	uint8_t psk_key[PROV_PSK_KEY_MAX];
	size_t psk_key_len; /* 0 = no PSK */

	/* Wi-Fi. wifi.ca_cert (a certstore name) is left "": the daemon
	 * installs wifi_ca_cert under a name of its choosing. */
	bool has_wifi;
	struct hal_wifi wifi;
	char wifi_phase2_auth[16];
	uint8_t wifi_ca_cert[PROV_CERT_MAX]; /* X.509 DER */
	size_t wifi_ca_cert_len;
	uint8_t wifi_user_cert[PROV_CERT_MAX]; /* PKCS#12 (key inside) */
	size_t wifi_user_cert_len;
	char wifi_proxy_host[PROV_HOST_MAX + 1];
	uint16_t wifi_proxy_port; /* 0 = not given */
	char wifi_proxy_bypass[PROV_BYPASS_MAX + 1];
	char wifi_pac_url[PROV_URL_MAX + 1];

	/* Device setup. */
	char locale[PROV_LOCALE_MAX + 1];  /* "en_US" */
	char time_zone[PROV_TZ_MAX + 1];   /* "Europe/Berlin" */
	bool has_local_time;
	int64_t local_time_ms; /* milliseconds since the epoch */
	char organization_name[PROV_NAME_MAX + 1];
	char support_url[PROV_URL_MAX + 1];
	char admin_component[PROV_COMPONENT_MAX + 1];
	char package_download_location[PROV_URL_MAX + 1];
	uint8_t package_checksum[32];
	size_t package_checksum_len; /* 0, 20 (SHA-1) or 32 (SHA-256) */
	uint8_t signature_checksum[32];
	size_t signature_checksum_len; /* 0 or 32 */
	bool skip_encryption;
	bool leave_all_system_apps_enabled;
	bool skip_education_screens;
	bool use_mobile_data;

	/* Keys that were accepted but have no effect (unknown, or Android
	 * settings without a meaning here), for the dry-run output. */
	char ignored[PROV_IGNORED_MAX][PROV_KEY_MAX + 1];
	size_t n_ignored;       /* entries in ignored[] */
	size_t n_ignored_total; /* all of them, listed or not */
};

/*
 * What the image configuration supplies. Pass NULL for "nothing": no
 * default server, coap:// refused.
 */
struct prov_defaults {
	const char *server_url; /* NULL or "" = no default server */
	enum prov_binding binding;
	bool has_server_pin;
	uint8_t server_pin[PROV_PIN_LEN];
	enum prov_mode mode; /* when the input names none */
	bool allow_nosec;    /* accept coap:// (LwM2M without DTLS) */
};

/* Fills d with "no default server, REST, FULLY_MANAGED, no coap://". */
void prov_defaults_init(struct prov_defaults *d);
struct config;
/* The defaults of wardend.conf: default-server, its pin, mode, nosec.
 * d borrows c's strings. */
void prov_defaults_from_config(const struct config *c,
    struct prov_defaults *d);

/*
 * Parses Android's QR provisioning JSON (len bytes, at most PROV_QR_MAX;
 * buf need not be NUL-terminated). defs may be NULL. On success returns
 * 0 and fills req (source QR). On error returns -1, writes
 * "fieldPath: reason" to err and leaves req cleared.
 */
int prov_from_qr_text(const char *buf, size_t len,
    const struct prov_defaults *defs, struct prov_request *req, char *err,
    size_t errlen);

/*
 * Parses a java.util.Properties payload as Android's NFC provisioning
 * carries it (UTF-8, at most PROV_PROPS_MAX). Same contract as
 * prov_from_qr_text(); source NFC.
 */
int prov_from_properties(const char *buf, size_t len,
    const struct prov_defaults *defs, struct prov_request *req, char *err,
    size_t errlen);

/*
 * Parses an NDEF message (at most PROV_NDEF_MAX bytes) whose first
 * record is a MIME record of type PROV_NDEF_MIME, and its Properties
 * payload. Same contract as prov_from_qr_text(); source NFC.
 */
int prov_from_ndef(const uint8_t *buf, size_t len,
    const struct prov_defaults *defs, struct prov_request *req, char *err,
    size_t errlen);

/*
 * Resolves an EMM token: afw is "afw#<id>", looked up in the token
 * directory JSON file at tokendir_path; code is the one-time code the
 * user typed, which becomes the enrollment token. Reads one local file
 * (at most PROV_TOKENDIR_MAX). Same contract as prov_from_qr_text();
 * source TOKEN.
 */
int prov_from_token(const char *tokendir_path, const char *afw,
    const char *code, const struct prov_defaults *defs,
    struct prov_request *req, char *err, size_t errlen);
/* The same from the directory's text (len bytes, not NUL-terminated). */
int prov_from_tokendir_text(const char *buf, size_t len, const char *afw,
    const char *code, const struct prov_defaults *defs,
    struct prov_request *req, char *err, size_t errlen);

/*
 * Reads a zero-touch configuration file (at most PROV_ZEROTOUCH_MAX):
 * the warden.* keys at the top level, plus Android's Wi-Fi, locale and
 * time zone keys. Same contract as prov_from_qr_text(); source
 * ZEROTOUCH.
 */
int prov_from_zerotouch(const char *path, const struct prov_defaults *defs,
    struct prov_request *req, char *err, size_t errlen);
/* The same from text (a configuration fetched at first boot). */
int prov_from_zerotouch_text(const char *buf, size_t len,
    const struct prov_defaults *defs, struct prov_request *req, char *err,
    size_t errlen);

#ifdef CONFIG_QR_IMAGE
/*
 * Decodes the first QR code in a PNG or binary PGM (P5) image file into
 * text (cap bytes, NUL-terminated; *len = its length). Returns 0, or -1
 * with a reason in err. Blocks on reading the file.
 */
int prov_qr_image_decode(const char *path, char *text, size_t cap,
    size_t *len, char *err, size_t errlen);
/* The same from an image in memory; name only names it in errors. Both
 * return -2 (with err) when the image holds no QR code. */
int prov_qr_image_decode_buf(const char *name, const char *buf, size_t blen,
    char *text, size_t cap, size_t *len, char *err, size_t errlen);
/* Decodes the QR code in the image, then prov_from_qr_text(). */
int prov_from_qr_image(const char *path, const struct prov_defaults *defs,
    struct prov_request *req, char *err, size_t errlen);
#else
#include <stdio.h>
#include <string.h>
#define PROV_QR_IMAGE_UNSUPPORTED \
	"UNSUPPORTED: built without QR image support (CONFIG_QR_IMAGE)"
static inline int
prov_qr_image_decode(const char *path, char *text, size_t cap, size_t *len,
    char *err, size_t errlen)
{
	(void)path;
	if (cap > 0)
		text[0] = '\0';
	*len = 0;
	snprintf(err, errlen, "%s", PROV_QR_IMAGE_UNSUPPORTED);
	return -1;
}
static inline int
prov_from_qr_image(const char *path, const struct prov_defaults *defs,
    struct prov_request *req, char *err, size_t errlen)
{
	(void)path;
	(void)defs;
	memset(req, 0, sizeof(*req));
	snprintf(err, errlen, "%s", PROV_QR_IMAGE_UNSUPPORTED);
	return -1;
}
#endif

/*
 * Checks a request as every parser does before returning it (URLs,
 * token, pin, mode, Wi-Fi, locale, time zone, required fields). Field
 * paths in err are named after req->source. Returns 0 or -1.
 */
int prov_request_validate(const struct prov_request *req, bool allow_nosec,
    char *err, size_t errlen);

/*
 * The request as JSON text (malloc'd, NUL-terminated; NULL when out of
 * memory). With mask, secrets read "***" (for display and logs); without
 * it the text holds the secrets (for the store): release it with
 * prov_secret_free().
 */
char *prov_request_to_json(const struct prov_request *req, bool mask);

/*
 * Reads back what prov_request_to_json(req, false) wrote. Strict: an
 * unknown key, a wrong type or a masked secret is an error. Validates
 * the result (allow_nosec as for the parsers). Same contract as
 * prov_from_qr_text().
 */
int prov_request_from_json(const char *buf, size_t len, bool allow_nosec,
    struct prov_request *req, char *err, size_t errlen);

/*
 * The request as a java.util.Properties payload (Android's NFC keys,
 * ASCII only, the warden.* keys in a nested extras bundle), as
 * prov_from_properties() reads it. *out is malloc'd, NUL-terminated,
 * holds secrets: release with prov_secret_free(). Returns 0, or -1 with
 * a reason in err (invalid request, payload over PROV_PROPS_MAX).
 */
int prov_properties_build(const struct prov_request *req, char **out,
    size_t *len, char *err, size_t errlen);

/*
 * An NDEF message of one MIME record (type PROV_NDEF_MIME, short record
 * when the payload fits in 255 bytes) carrying prov_properties_build()'s
 * payload: the NFC bump. *out is malloc'd and holds secrets: release
 * with prov_secret_free(). Returns 0, or -1 with a reason in err.
 */
int prov_ndef_build(const struct prov_request *req, uint8_t **out,
    size_t *len, char *err, size_t errlen);

/* Zeroises the whole request (secrets included). NULL-safe. */
void prov_request_clear(struct prov_request *req);
/* Zeroises len bytes of p (len 0: strlen of a string) and frees it. */
void prov_secret_free(void *p, size_t len);

/* Names as the inputs spell them ("qr", "rest", "FULLY_MANAGED") and
 * back; the parsers return -1 for an unknown name. */
const char *prov_source_name(enum prov_source s);
const char *prov_binding_name(enum prov_binding b);
const char *prov_mode_name(enum prov_mode m);
int prov_binding_parse(const char *s, enum prov_binding *b);
int prov_mode_parse(const char *s, enum prov_mode *m);

/* ------------------------------------------------------------------ */
/* Shared by the provision_*.c files only.                             */
/* ------------------------------------------------------------------ */

/* Every setting a key can set. PROV_F_NONE: accepted, no effect. */
enum prov_field {
	PROV_F_NONE = 0,
	PROV_F_SERVER_URL,
	PROV_F_BINDING,
	PROV_F_TOKEN,
	PROV_F_CLOUDDPC_TOKEN,
	PROV_F_PIN,
	PROV_F_MODE,
	PROV_F_LWM2M_BOOTSTRAP,
	PROV_F_PSK_IDENTITY,
	PROV_F_PSK_KEY,
	PROV_F_WIFI_SSID,
	PROV_F_WIFI_HIDDEN,
	PROV_F_WIFI_SECURITY,
	PROV_F_WIFI_PASSWORD,
	PROV_F_WIFI_EAP_METHOD,
	PROV_F_WIFI_PHASE2_AUTH,
	PROV_F_WIFI_CA_CERT,
	PROV_F_WIFI_USER_CERT,
	PROV_F_WIFI_IDENTITY,
	PROV_F_WIFI_ANON_IDENTITY,
	PROV_F_WIFI_DOMAIN,
	PROV_F_WIFI_PROXY_HOST,
	PROV_F_WIFI_PROXY_PORT,
	PROV_F_WIFI_PROXY_BYPASS,
	PROV_F_WIFI_PAC_URL,
	PROV_F_LOCALE,
	PROV_F_TIME_ZONE,
	PROV_F_LOCAL_TIME,
	PROV_F_ORG_NAME,
	PROV_F_SUPPORT_URL,
	PROV_F_ADMIN_COMPONENT,
	PROV_F_PKG_LOCATION,
	PROV_F_PKG_CHECKSUM,
	PROV_F_SIG_CHECKSUM,
	PROV_F_SKIP_ENCRYPTION,
	PROV_F_LEAVE_SYSTEM_APPS,
	PROV_F_SKIP_EDUCATION,
	PROV_F_USE_MOBILE_DATA,
	PROV_F_EXTRAS_BUNDLE,
	PROV_F_COUNT
};

/* The JSON type a key takes (all of them are text in Properties). */
enum prov_kind {
	PROV_K_STRING = 0,
	PROV_K_BOOL,   /* true/false or "true"/"false" */
	PROV_K_INT,    /* a number or a string of digits */
	PROV_K_BUNDLE, /* an object (QR) or a nested Properties text (NFC) */
};

struct prov_key {
	const char *name;  /* "PROVISIONING_WIFI_SSID", "warden.MODE" */
	const char *abbr;  /* Android's short form after "a.a.e.", or NULL */
	enum prov_field field;
	enum prov_kind kind;
};

/* How field paths are spelled in errors. */
enum prov_naming {
	PROV_NAMING_ANDROID = 0, /* QR, NFC */
	PROV_NAMING_ZEROTOUCH,
	PROV_NAMING_TOKEN,
	PROV_NAMING_STORE,       /* prov_request_to_json() names */
};

/* A parse in progress: the request being filled and what was seen. */
struct prov_parse {
	struct prov_request *req;
	const struct prov_defaults *defs;
	enum prov_naming naming;
	bool seen[PROV_F_COUNT];
	/* Google's token, used only with a default server (a secret). */
	char clouddpc_token[PROV_TOKEN_MAX + 1];
};

/* provision_fields.c */
/*
 * Android key in any of its spellings ("android.app.extra.X",
 * "a.a.e.X", "a.a.e.<abbr>"); NULL when unknown. The returned name lacks
 * the "android.app.extra." prefix.
 */
const struct prov_key *prov_key_android(const char *key);
/* "warden.*" key; NULL when unknown. */
const struct prov_key *prov_key_warden(const char *key);
/* The Android or warden key that sets field f, or NULL. */
const struct prov_key *prov_key_for_field(enum prov_field f);
/* The key of the extras bundle and of Google's enrollment token. */
#define PROV_ANDROID_PREFIX "android.app.extra."
#define PROV_EXTRAS_KEY "PROVISIONING_ADMIN_EXTRAS_BUNDLE"
#define PROV_CLOUDDPC_TOKEN_KEY \
	"com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN"
/* The prov_request_to_json() name of field f ("wifi.ssid"), or NULL. */
const char *prov_field_store_name(enum prov_field f);
/* The field a prov_request_to_json() name sets, PROV_F_NONE if unknown. */
enum prov_field prov_field_by_store_name(const char *name);
/* The field's type, and whether it is a secret ("***" when masked). */
enum prov_kind prov_field_kind(enum prov_field f);
bool prov_field_secret(enum prov_field f);
/*
 * The field's value as the inputs spell it (digests base64url without
 * padding, PSK key in hex, booleans "true" only when set). *text points
 * into buf (cap bytes) or is NULL. Returns 1 when the field has a value,
 * 0 when it has none, -1 when buf is too small.
 */
int prov_field_text(const struct prov_request *req, enum prov_field f,
    char *buf, size_t cap, const char **text);
/* Checks that text suits kind (for keys that have no effect). */
int prov_text_kind_check(enum prov_kind kind, const char *path,
    const char *val, size_t len, char *err, size_t errlen);
/* The accepted values, NULL-terminated. */
extern const char *const prov_wifi_security_types[];
extern const char *const prov_wifi_eap_methods[];
extern const char *const prov_wifi_phase2_auths[];
/*
 * Sets field f from text (len bytes, UTF-8). "" means "not given".
 * path names the key in errors. Returns 0, or -1 with "path: reason".
 * A field given twice is an error.
 */
int prov_parse_set(struct prov_parse *ps, enum prov_field f,
    const char *path, const char *val, size_t len, char *err,
    size_t errlen);
/* Offset of the first byte that is not valid UTF-8, or len. */
size_t prov_utf8_check(const char *s, size_t len);

/* provision_request.c */
/*
 * snprintf into err, with control characters (from hostile keys)
 * replaced by '?' so that the error stays one line. Returns -1.
 */
int prov_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void prov_parse_begin(struct prov_parse *ps, struct prov_request *req,
    const struct prov_defaults *defs, enum prov_source src);
/* Records a key that has no effect (listed in req->ignored). */
void prov_parse_ignore(struct prov_parse *ps, const char *key, size_t len);
/* Applies the defaults, validates; on error clears the request. */
int prov_parse_finish(struct prov_parse *ps, char *err, size_t errlen);
/* Ends a failed parse: clears the request and the parse's secrets. */
void prov_parse_abort(struct prov_parse *ps);
/* prov_request_validate() with explicit path naming. */
int prov_validate_named(const struct prov_request *req, bool allow_nosec,
    enum prov_naming naming, char *err, size_t errlen);
/* The error path of field f under naming (buf of len bytes). */
const char *prov_field_path(const struct prov_request *req,
    enum prov_naming naming, enum prov_field f, char *buf, size_t len);

/* provision_json.c */
struct cJSON;
/*
 * Parses JSON text that must be one object: at most max bytes, valid
 * UTF-8, no NUL (raw or \u0000), no raw control characters, nesting at
 * most depth levels. doc names the document in errors ("qr"). Returns
 * the tree or NULL with "doc: reason" in err. Release the tree with
 * prov_json_delete().
 */
struct cJSON *prov_json_parse(const char *buf, size_t len, size_t max,
    int depth, const char *doc, char *err, size_t errlen);
/* Zeroises every string in the tree, then frees it. NULL-safe. */
void prov_json_delete(struct cJSON *root);
/* The first key of obj that repeats an earlier one, or NULL. */
const char *prov_json_dup_key(const struct cJSON *obj);
/*
 * The text a JSON value gives to a field of the given kind (a boolean
 * becomes "true"/"false", an integral number its digits). buf (cap
 * bytes) holds converted values. Returns 0, or -1 with "path: reason".
 */
int prov_json_value_text(const struct cJSON *v, enum prov_kind kind,
    const char *path, char *buf, size_t cap, const char **text,
    size_t *len, char *err, size_t errlen);

/* provision_qr.c */
/* Applies an object of Android keys (QR layout or, with zerotouch, the
 * flat zero-touch layout) to a parse in progress. */
int prov_json_apply(struct prov_parse *ps, const struct cJSON *root,
    bool zerotouch, char *err, size_t errlen);

/* provision_file.c */
/*
 * Reads a whole regular file of at most max bytes into a malloc'd
 * buffer (NUL-terminated, *len without the NUL). Returns 0, or -1 with
 * "path: reason" in err. Release with prov_secret_free(buf, len).
 */
int prov_file_read(const char *path, size_t max, char **buf, size_t *len,
    char *err, size_t errlen);

/* provision_properties.c */
#define PROV_PROPS_ENTRIES 64
struct prov_props {
	char *arena; /* decoded keys and values, NUL-terminated */
	size_t arena_len;
	struct {
		const char *key, *val;
		size_t klen, vlen;
	} e[PROV_PROPS_ENTRIES];
	size_t n;
};
/*
 * Parses len bytes as java.util.Properties.load() would (UTF-8 input;
 * see docs/provisioning.md). doc prefixes errors ("properties: line 3:
 * ..."). A repeated key is an error. Returns 0 with props filled, or -1.
 * Release with prov_props_free().
 */
int prov_props_parse(const char *buf, size_t len, const char *doc,
    struct prov_props *props, char *err, size_t errlen);
/* Zeroises and frees what prov_props_parse() allocated. */
void prov_props_free(struct prov_props *props);

struct wardend;
struct ctl_conn;
/* provision_flow.c */
/* At start: resumes an interrupted provisioning, or provisions from the
 * image's zero-touch file when the device is UNPROVISIONED. */
void provision_start(struct wardend *d);
void ctl_provision(struct ctl_conn *c, const cJSON *req);
void ctl_provision_share(struct ctl_conn *c, const cJSON *req);

#include "agent/provision/qrdecode.h"

#endif /* WARDEN_PROVISION_H */
