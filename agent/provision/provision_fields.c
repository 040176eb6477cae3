/*
 * provision_fields.c - the keys every provisioning input may carry, and
 * the one place where a key's text becomes a typed field of struct
 * prov_request. The parsers (QR, NFC, zero-touch, token directory, the
 * store) only map their syntax onto prov_parse_set().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/provision/provision.h"
#include "crypto/crypto.h"

/*
 * Android's provisioning extras (DevicePolicyManager.EXTRA_PROVISIONING_*)
 * without the "android.app.extra." prefix, with the short forms Android's
 * ManagedProvisioning accepts after "a.a.e.". PROV_F_NONE: a documented
 * Android setting that has no meaning on a Linux device; it is
 * type-checked and listed as ignored.
 */
static const struct prov_key android_keys[] = {
	{ "PROVISIONING_ADMIN_EXTRAS_BUNDLE", "PAEB", PROV_F_EXTRAS_BUNDLE,
	    PROV_K_BUNDLE },
	{ "PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME", "PDACN",
	    PROV_F_ADMIN_COMPONENT, PROV_K_STRING },
	{ "PROVISIONING_DEVICE_ADMIN_PACKAGE_NAME", "PDAPN", PROV_F_NONE,
	    PROV_K_STRING },
	{ "PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION", "PDAPDL",
	    PROV_F_PKG_LOCATION, PROV_K_STRING },
	{ "PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER",
	    "PDAPDCH", PROV_F_NONE, PROV_K_STRING },
	{ "PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM", "PDAPC",
	    PROV_F_PKG_CHECKSUM, PROV_K_STRING },
	{ "PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM", "PDASC",
	    PROV_F_SIG_CHECKSUM, PROV_K_STRING },
	{ "PROVISIONING_DEVICE_ADMIN_MINIMUM_VERSION_CODE", "PDAMVC",
	    PROV_F_NONE, PROV_K_INT },
	{ "PROVISIONING_DEVICE_ADMIN_PACKAGE_ICON_URI", NULL, PROV_F_NONE,
	    PROV_K_STRING },
	{ "PROVISIONING_DEVICE_ADMIN_PACKAGE_LABEL", NULL, PROV_F_NONE,
	    PROV_K_STRING },
	{ "PROVISIONING_WIFI_SSID", "PWS", PROV_F_WIFI_SSID, PROV_K_STRING },
	{ "PROVISIONING_WIFI_HIDDEN", "PWH", PROV_F_WIFI_HIDDEN,
	    PROV_K_BOOL },
	{ "PROVISIONING_WIFI_SECURITY_TYPE", "PWST", PROV_F_WIFI_SECURITY,
	    PROV_K_STRING },
	{ "PROVISIONING_WIFI_PASSWORD", "PWP", PROV_F_WIFI_PASSWORD,
	    PROV_K_STRING },
	{ "PROVISIONING_WIFI_EAP_METHOD", "PWEM", PROV_F_WIFI_EAP_METHOD,
	    PROV_K_STRING },
	{ "PROVISIONING_WIFI_PHASE2_AUTH", "PWPA", PROV_F_WIFI_PHASE2_AUTH,
	    PROV_K_STRING },
	{ "PROVISIONING_WIFI_CA_CERTIFICATE", "PWCC", PROV_F_WIFI_CA_CERT,
	    PROV_K_STRING },
	{ "PROVISIONING_WIFI_USER_CERTIFICATE", "PWUC",
	    PROV_F_WIFI_USER_CERT, PROV_K_STRING },
	{ "PROVISIONING_WIFI_IDENTITY", "PWI", PROV_F_WIFI_IDENTITY,
	    PROV_K_STRING },
	{ "PROVISIONING_WIFI_ANONYMOUS_IDENTITY", "PWAI",
	    PROV_F_WIFI_ANON_IDENTITY, PROV_K_STRING },
	{ "PROVISIONING_WIFI_DOMAIN", "PWD", PROV_F_WIFI_DOMAIN,
	    PROV_K_STRING },
	{ "PROVISIONING_WIFI_PROXY_HOST", "PWPH", PROV_F_WIFI_PROXY_HOST,
	    PROV_K_STRING },
	{ "PROVISIONING_WIFI_PROXY_PORT", "PWPRP", PROV_F_WIFI_PROXY_PORT,
	    PROV_K_INT },
	{ "PROVISIONING_WIFI_PROXY_BYPASS", "PWPB", PROV_F_WIFI_PROXY_BYPASS,
	    PROV_K_STRING },
	{ "PROVISIONING_WIFI_PAC_URL", "PWPU", PROV_F_WIFI_PAC_URL,
	    PROV_K_STRING },
	{ "PROVISIONING_LOCALE", "PL", PROV_F_LOCALE, PROV_K_STRING },
	{ "PROVISIONING_TIME_ZONE", "PTZ", PROV_F_TIME_ZONE, PROV_K_STRING },
	{ "PROVISIONING_LOCAL_TIME", "PLT", PROV_F_LOCAL_TIME, PROV_K_INT },
	{ "PROVISIONING_ORGANIZATION_NAME", "PON", PROV_F_ORG_NAME,
	    PROV_K_STRING },
	{ "PROVISIONING_SUPPORT_URL", "PSU", PROV_F_SUPPORT_URL,
	    PROV_K_STRING },
	{ "PROVISIONING_SKIP_ENCRYPTION", "PSE", PROV_F_SKIP_ENCRYPTION,
	    PROV_K_BOOL },
	{ "PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED", "PLASAE",
	    PROV_F_LEAVE_SYSTEM_APPS, PROV_K_BOOL },
	{ "PROVISIONING_SKIP_EDUCATION_SCREENS", "PSES", PROV_F_SKIP_EDUCATION,
	    PROV_K_BOOL },
	{ "PROVISIONING_USE_MOBILE_DATA", "PUMD", PROV_F_USE_MOBILE_DATA,
	    PROV_K_BOOL },
	{ "PROVISIONING_ACCOUNT_TO_MIGRATE", "PATM", PROV_F_NONE,
	    PROV_K_STRING },
	{ "PROVISIONING_KEEP_ACCOUNT_ON_MIGRATION", "PKAOM", PROV_F_NONE,
	    PROV_K_BOOL },
	{ "PROVISIONING_DISCLAIMERS", "PD", PROV_F_NONE, PROV_K_STRING },
	{ "PROVISIONING_DISCLAIMER_HEADER", "PDH", PROV_F_NONE,
	    PROV_K_STRING },
	{ "PROVISIONING_DISCLAIMER_CONTENT", "PDC", PROV_F_NONE,
	    PROV_K_STRING },
	{ "PROVISIONING_SENSORS_PERMISSION_GRANT_OPT_OUT", "PPSGOO",
	    PROV_F_NONE, PROV_K_BOOL },
	{ "PROVISIONING_KEEP_SCREEN_ON", NULL, PROV_F_NONE, PROV_K_BOOL },
	{ "PROVISIONING_SKIP_USER_CONSENT", NULL, PROV_F_NONE, PROV_K_BOOL },
	{ "PROVISIONING_SKIP_USER_SETUP", NULL, PROV_F_NONE, PROV_K_BOOL },
	{ "PROVISIONING_RETURN_BEFORE_POLICY_COMPLIANCE", NULL, PROV_F_NONE,
	    PROV_K_BOOL },
	{ "PROVISIONING_ALLOW_OFFLINE", NULL, PROV_F_NONE, PROV_K_BOOL },
	{ "PROVISIONING_EMAIL_ADDRESS", NULL, PROV_F_NONE, PROV_K_STRING },
	{ "PROVISIONING_LOGO_URI", NULL, PROV_F_NONE, PROV_K_STRING },
	{ "PROVISIONING_MAIN_COLOR", NULL, PROV_F_NONE, PROV_K_INT },
	{ "PROVISIONING_TRIGGER", NULL, PROV_F_NONE, PROV_K_INT },
	{ "PROVISIONING_MODE", NULL, PROV_F_NONE, PROV_K_INT },
	{ "PROVISIONING_SUPPORTED_MODES", NULL, PROV_F_NONE, PROV_K_INT },
};

/* warden's own keys, inside PROVISIONING_ADMIN_EXTRAS_BUNDLE. */
static const struct prov_key warden_keys[] = {
	{ "warden.SERVER_URL", NULL, PROV_F_SERVER_URL, PROV_K_STRING },
	{ "warden.BINDING", NULL, PROV_F_BINDING, PROV_K_STRING },
	{ "warden.ENROLLMENT_TOKEN", NULL, PROV_F_TOKEN, PROV_K_STRING },
	{ "warden.SERVER_CERT_SHA256", NULL, PROV_F_PIN, PROV_K_STRING },
	{ "warden.MODE", NULL, PROV_F_MODE, PROV_K_STRING },
	{ "warden.LWM2M_BOOTSTRAP", NULL, PROV_F_LWM2M_BOOTSTRAP,
	    PROV_K_BOOL },
	{ "warden.PSK_IDENTITY", NULL, PROV_F_PSK_IDENTITY, PROV_K_STRING },
	{ "warden.PSK_KEY", NULL, PROV_F_PSK_KEY, PROV_K_STRING },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Per field: its name in prov_request_to_json(), type, and secrecy. */
static const struct {
	const char *store;
	enum prov_kind kind;
	bool secret;
} field_info[PROV_F_COUNT] = {
	[PROV_F_SERVER_URL] = { "serverUrl", PROV_K_STRING, false },
	[PROV_F_BINDING] = { "binding", PROV_K_STRING, false },
	[PROV_F_TOKEN] = { "enrollmentToken", PROV_K_STRING, true },
	[PROV_F_CLOUDDPC_TOKEN] = { NULL, PROV_K_STRING, true },
	[PROV_F_PIN] = { "serverCertSha256", PROV_K_STRING, false },
	[PROV_F_MODE] = { "mode", PROV_K_STRING, false },
	[PROV_F_LWM2M_BOOTSTRAP] = { "lwm2mBootstrap", PROV_K_BOOL, false },
	[PROV_F_PSK_IDENTITY] = { "pskIdentity", PROV_K_STRING, false },
	[PROV_F_PSK_KEY] = { "pskKey", PROV_K_STRING, true },
	[PROV_F_WIFI_SSID] = { "wifi.ssid", PROV_K_STRING, false },
	[PROV_F_WIFI_HIDDEN] = { "wifi.hidden", PROV_K_BOOL, false },
	[PROV_F_WIFI_SECURITY] = { "wifi.securityType", PROV_K_STRING,
	    false },
	[PROV_F_WIFI_PASSWORD] = { "wifi.password", PROV_K_STRING, true },
	[PROV_F_WIFI_EAP_METHOD] = { "wifi.eapMethod", PROV_K_STRING, false },
	[PROV_F_WIFI_PHASE2_AUTH] = { "wifi.phase2Auth", PROV_K_STRING,
	    false },
	[PROV_F_WIFI_CA_CERT] = { "wifi.caCertificate", PROV_K_STRING,
	    false },
	[PROV_F_WIFI_USER_CERT] = { "wifi.userCertificate", PROV_K_STRING,
	    true },
	[PROV_F_WIFI_IDENTITY] = { "wifi.identity", PROV_K_STRING, false },
	[PROV_F_WIFI_ANON_IDENTITY] = { "wifi.anonymousIdentity",
	    PROV_K_STRING, false },
	[PROV_F_WIFI_DOMAIN] = { "wifi.domain", PROV_K_STRING, false },
	[PROV_F_WIFI_PROXY_HOST] = { "wifi.proxyHost", PROV_K_STRING, false },
	[PROV_F_WIFI_PROXY_PORT] = { "wifi.proxyPort", PROV_K_INT, false },
	[PROV_F_WIFI_PROXY_BYPASS] = { "wifi.proxyBypass", PROV_K_STRING,
	    false },
	[PROV_F_WIFI_PAC_URL] = { "wifi.pacUrl", PROV_K_STRING, false },
	[PROV_F_LOCALE] = { "locale", PROV_K_STRING, false },
	[PROV_F_TIME_ZONE] = { "timeZone", PROV_K_STRING, false },
	[PROV_F_LOCAL_TIME] = { "localTime", PROV_K_INT, false },
	[PROV_F_ORG_NAME] = { "organizationName", PROV_K_STRING, false },
	[PROV_F_SUPPORT_URL] = { "supportUrl", PROV_K_STRING, false },
	[PROV_F_ADMIN_COMPONENT] = { "adminComponentName", PROV_K_STRING,
	    false },
	[PROV_F_PKG_LOCATION] = { "packageDownloadLocation", PROV_K_STRING,
	    false },
	[PROV_F_PKG_CHECKSUM] = { "packageChecksum", PROV_K_STRING, false },
	[PROV_F_SIG_CHECKSUM] = { "signatureChecksum", PROV_K_STRING, false },
	[PROV_F_SKIP_ENCRYPTION] = { "skipEncryption", PROV_K_BOOL, false },
	[PROV_F_LEAVE_SYSTEM_APPS] = { "leaveAllSystemAppsEnabled",
	    PROV_K_BOOL, false },
	[PROV_F_SKIP_EDUCATION] = { "skipEducationScreens", PROV_K_BOOL,
	    false },
	[PROV_F_USE_MOBILE_DATA] = { "useMobileData", PROV_K_BOOL, false },
	[PROV_F_EXTRAS_BUNDLE] = { NULL, PROV_K_BUNDLE, false },
};

/* Latest local time accepted: 9999-12-31T23:59:59.999Z. */
#define LOCAL_TIME_MAX 253402300799999LL

const struct prov_key *
prov_key_android(const char *key)
{
	static const char longp[] = PROV_ANDROID_PREFIX, shortp[] = "a.a.e.";
	const char *rest;
	bool is_short;
	size_t i;

	if (strncmp(key, longp, sizeof(longp) - 1) == 0) {
		rest = key + sizeof(longp) - 1;
		is_short = false;
	} else if (strncmp(key, shortp, sizeof(shortp) - 1) == 0) {
		rest = key + sizeof(shortp) - 1;
		is_short = true;
	} else
		return NULL;
	for (i = 0; i < NELEM(android_keys); i++) {
		if (strcmp(rest, android_keys[i].name) == 0)
			return &android_keys[i];
		if (is_short && android_keys[i].abbr != NULL &&
		    strcmp(rest, android_keys[i].abbr) == 0)
			return &android_keys[i];
	}
	return NULL;
}

const struct prov_key *
prov_key_warden(const char *key)
{
	size_t i;

	for (i = 0; i < NELEM(warden_keys); i++)
		if (strcmp(key, warden_keys[i].name) == 0)
			return &warden_keys[i];
	return NULL;
}

const struct prov_key *
prov_key_for_field(enum prov_field f)
{
	size_t i;

	if (f == PROV_F_NONE)
		return NULL;
	for (i = 0; i < NELEM(android_keys); i++)
		if (android_keys[i].field == f)
			return &android_keys[i];
	for (i = 0; i < NELEM(warden_keys); i++)
		if (warden_keys[i].field == f)
			return &warden_keys[i];
	return NULL;
}

const char *
prov_field_store_name(enum prov_field f)
{
	if (f <= PROV_F_NONE || f >= PROV_F_COUNT)
		return NULL;
	return field_info[f].store;
}

enum prov_field
prov_field_by_store_name(const char *name)
{
	int f;

	for (f = PROV_F_NONE + 1; f < PROV_F_COUNT; f++)
		if (field_info[f].store != NULL &&
		    strcmp(field_info[f].store, name) == 0)
			return (enum prov_field)f;
	return PROV_F_NONE;
}

enum prov_kind
prov_field_kind(enum prov_field f)
{
	if (f <= PROV_F_NONE || f >= PROV_F_COUNT)
		return PROV_K_STRING;
	return field_info[f].kind;
}

bool
prov_field_secret(enum prov_field f)
{
	if (f <= PROV_F_NONE || f >= PROV_F_COUNT)
		return false;
	return field_info[f].secret;
}

size_t
prov_utf8_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n, k;
		unsigned char lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			/* No overlong forms, no UTF-16 surrogates. */
			if (c == 0xe0)
				lo = 0xa0;
			if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			if (c == 0xf4)
				hi = 0x8f;
		} else
			return i;
		if (len - i <= n)
			return i;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return i;
		for (k = 2; k <= n; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xbf)
				return i;
		i += n + 1;
	}
	return len;
}

static bool
is_bool_text(const char *val, size_t len, bool *b)
{
	if (len == 4 && strncasecmp(val, "true", 4) == 0) {
		*b = true;
		return true;
	}
	if (len == 5 && strncasecmp(val, "false", 5) == 0) {
		*b = false;
		return true;
	}
	return false;
}

/* Digits only, no sign; at most 18 of them so int64 cannot overflow. */
static bool
is_int_text(const char *val, size_t len, int64_t *v)
{
	size_t i;

	if (len == 0 || len > 18)
		return false;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (val[i] < '0' || val[i] > '9')
			return false;
		*v = *v * 10 + (val[i] - '0');
	}
	return true;
}

int
prov_text_kind_check(enum prov_kind kind, const char *path, const char *val,
    size_t len, char *err, size_t errlen)
{
	int64_t v;
	bool b;

	if (memchr(val, '\0', len) != NULL)
		return prov_err(err, errlen, "%s: contains a NUL byte", path);
	if (prov_utf8_check(val, len) != len)
		return prov_err(err, errlen, "%s: not valid UTF-8", path);
	if (len == 0)
		return 0;
	if (kind == PROV_K_BOOL && !is_bool_text(val, len, &b))
		return prov_err(err, errlen,
		    "%s: not a boolean (true or false)", path);
	if (kind == PROV_K_INT && !is_int_text(val, len, &v))
		return prov_err(err, errlen,
		    "%s: not a non-negative integer", path);
	return 0;
}

static int
set_str(char *dst, size_t size, const char *path, const char *val,
    size_t len, char *err, size_t errlen)
{
	if (len >= size)
		return prov_err(err, errlen, "%s: longer than %zu bytes", path,
		    size - 1);
	memcpy(dst, val, len);
	dst[len] = '\0';
	return 0;
}

static int
set_bool(bool *dst, const char *path, const char *val, size_t len,
    char *err, size_t errlen)
{
	if (!is_bool_text(val, len, dst))
		return prov_err(err, errlen,
		    "%s: not a boolean (true or false)", path);
	return 0;
}

static int
set_int(int64_t *dst, int64_t min, int64_t max, const char *path,
    const char *val, size_t len, char *err, size_t errlen)
{
	if (!is_int_text(val, len, dst))
		return prov_err(err, errlen,
		    "%s: not a non-negative integer", path);
	if (*dst < min || *dst > max)
		return prov_err(err, errlen, "%s: out of range (%lld to %lld)",
		    path, (long long)min, (long long)max);
	return 0;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A SHA-256 written as 64 hex digits or 32 colon-separated pairs, the
 * way certificate tools print fingerprints. Neither can be mistaken for
 * base64 of 32 bytes (43 or 44 characters).
 */
static bool
hex_sha256(const char *val, size_t len, uint8_t out[32])
{
	size_t i, step = len == 95 ? 3 : 2;

	if (len != 64 && len != 95)
		return false;
	for (i = 0; i < 32; i++) {
		int hi = hex_value(val[i * step]), lo = hex_value(val[i * step + 1]);
		if (hi < 0 || lo < 0 ||
		    (step == 3 && i < 31 && val[i * step + 2] != ':'))
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static bool
b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/*
 * Says what is wrong with a base64 digest that does not decode: a
 * character outside the URL-safe alphabet (where, and which) or a length
 * that base64 cannot have (with or without its padding).
 */
static int
digest_problem(const char *path, const char *val, size_t len, char *err,
    size_t errlen)
{
	size_t i, data = 0, pad = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)val[i];

		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0)
			return prov_err(err, errlen, "%s: '=' padding at "
			    "character %zu is followed by more data", path,
			    i - pad + 1);
		if (c == '+' || c == '/')
			return prov_err(err, errlen, "%s: character %zu is "
			    "'%c', standard base64: the URL-safe alphabet has "
			    "'-' and '_' instead", path, i + 1, c);
		if (!b64url_char((char)c))
			return prov_err(err, errlen, c >= 0x20 && c < 0x7f ?
			    "%s: character %zu ('%c') is not in the URL-safe "
			    "base64 alphabet" : "%s: character %zu (byte "
			    "0x%02x) is not in the URL-safe base64 alphabet",
			    path, i + 1, c);
		data++;
	}
	if (pad > 2 || (pad > 0 && (data + pad) % 4 != 0))
		return prov_err(err, errlen, "%s: wrong length: %zu characters "
		    "and %zu '=' are not a whole base64 quantum (a multiple "
		    "of 4)", path, data, pad);
	if (data % 4 == 1)
		return prov_err(err, errlen, "%s: wrong length: %zu base64 "
		    "characters cannot encode whole bytes", path, data);
	/* Right alphabet and length: stray bits in the last character. */
	return prov_err(err, errlen, "%s: the last base64 character has "
	    "bits set beyond the data (not a canonical encoding)", path);
}

/* A SHA-256 or SHA-1 digest in URL-safe base64 (padding optional). */
static int
set_digest(uint8_t *dst, size_t *dstlen, bool allow_sha1, bool allow_hex,
    const char *path, const char *val, size_t len, char *err, size_t errlen)
{
	uint8_t tmp[72];
	size_t n;

	if (allow_hex && hex_sha256(val, len, dst)) {
		*dstlen = 32;
		return 0;
	}
	if (len > 96)
		return prov_err(err, errlen, "%s: wrong length: %zu "
		    "characters, a SHA-256 in base64 has 43 (44 padded)",
		    path, len);
	if (crypto_b64_decode(val, len, tmp, sizeof(tmp), &n,
	    CRYPTO_B64_PAD) != 0)
		return digest_problem(path, val, len, err, errlen);
	if (n != 32 && !(allow_sha1 && n == 20)) {
		explicit_bzero(tmp, sizeof(tmp));
		return prov_err(err, errlen, "%s: wrong length: %zu characters "
		    "decode to %zu bytes, not 32 (SHA-256: 43 characters, 44 "
		    "padded)%s", path, len, n, allow_sha1 ? " or 20 (SHA-1)" :
		    "");
	}
	memcpy(dst, tmp, n);
	*dstlen = n;
	return 0;
}

/* A base64 certificate, possibly line-wrapped, in either alphabet. */
static int
set_cert(uint8_t *dst, size_t *dstlen, const char *path, const char *val,
    size_t len, char *err, size_t errlen)
{
	size_t i, chars = 0;

	for (i = 0; i < len; i++)
		if (val[i] != '\r' && val[i] != '\n' && val[i] != '=')
			chars++;
	if (chars / 4 * 3 + (chars % 4 != 0 ? chars % 4 - 1 : 0) >
	    PROV_CERT_MAX)
		return prov_err(err, errlen, "%s: longer than %d bytes decoded",
		    path, PROV_CERT_MAX);
	if (crypto_b64_decode(val, len, dst, PROV_CERT_MAX, dstlen,
	    CRYPTO_B64_PAD | CRYPTO_B64_STD | CRYPTO_B64_NEWLINES) != 0)
		return prov_err(err, errlen, "%s: not base64", path);
	return 0;
}

/* PSK key: hex digits, or "base64:" and base64 (either alphabet). */
static int
set_psk_key(struct prov_request *r, const char *path, const char *val,
    size_t len, char *err, size_t errlen)
{
	static const char b64p[] = "base64:";
	size_t i, n;

	if (len >= sizeof(b64p) - 1 && memcmp(val, b64p, sizeof(b64p) - 1) == 0) {
		val += sizeof(b64p) - 1;
		len -= sizeof(b64p) - 1;
		if (len > (PROV_PSK_KEY_MAX + 2) / 3 * 4)
			return prov_err(err, errlen, "%s: longer than %d bytes",
			    path, PROV_PSK_KEY_MAX);
		if (len == 0 || crypto_b64_decode(val, len, r->psk_key,
		    sizeof(r->psk_key), &n, CRYPTO_B64_PAD |
		    CRYPTO_B64_STD) != 0 || n == 0)
			return prov_err(err, errlen, "%s: not base64", path);
		r->psk_key_len = n;
		return 0;
	}
	if (len % 2 != 0)
		return prov_err(err, errlen,
		    "%s: not hex digits (odd length) or base64:...", path);
	if (len / 2 > PROV_PSK_KEY_MAX)
		return prov_err(err, errlen, "%s: longer than %d bytes", path,
		    PROV_PSK_KEY_MAX);
	for (i = 0; i < len; i += 2) {
		int hi = hex_value(val[i]), lo = hex_value(val[i + 1]);
		if (hi < 0 || lo < 0) {
			explicit_bzero(r->psk_key, sizeof(r->psk_key));
			return prov_err(err, errlen,
			    "%s: not hex digits or base64:...", path);
		}
		r->psk_key[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	r->psk_key_len = len / 2;
	return 0;
}

static bool
text_in(const char *val, size_t len, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strlen(*set) == len && memcmp(*set, val, len) == 0)
			return true;
	return false;
}

const char *const prov_wifi_security_types[] = { "NONE", "WEP", "WPA",
	"WPA2", "WPA3", "EAP", NULL };
const char *const prov_wifi_eap_methods[] = { "PEAP", "TLS", "TTLS", "PWD",
	"SIM", "AKA", "AKA_PRIME", NULL };
const char *const prov_wifi_phase2_auths[] = { "NONE", "PAP", "MSCHAP",
	"MSCHAPV2", "GTC", "SIM", "AKA", "AKA_PRIME", NULL };

static int
set_enum_str(char *dst, size_t size, const char *const *set,
    const char *what, const char *path, const char *val, size_t len,
    char *err, size_t errlen)
{
	if (!text_in(val, len, set))
		return prov_err(err, errlen, "%s: not %s", path, what);
	return set_str(dst, size, path, val, len, err, errlen);
}

/* An enum name as a C string for the *_parse() functions. */
static int
copy_name(char *dst, size_t size, const char *val, size_t len)
{
	if (len >= size)
		return -1;
	memcpy(dst, val, len);
	dst[len] = '\0';
	return 0;
}

static bool
allows_line_breaks(enum prov_field f)
{
	return f == PROV_F_WIFI_CA_CERT || f == PROV_F_WIFI_USER_CERT;
}

int
prov_parse_set(struct prov_parse *ps, enum prov_field f, const char *path,
    const char *val, size_t len, char *err, size_t errlen)
{
	struct prov_request *r = ps->req;
	char tmp[32];
	int64_t v;
	size_t i;

	if (f == PROV_F_NONE)
		return 0;
	if (f < PROV_F_NONE || f >= PROV_F_COUNT || f == PROV_F_EXTRAS_BUNDLE)
		return prov_err(err, errlen, "%s: not a single value", path);
	if (ps->seen[f])
		return prov_err(err, errlen, "%s: given twice", path);
	ps->seen[f] = true;
	if (memchr(val, '\0', len) != NULL)
		return prov_err(err, errlen, "%s: contains a NUL byte", path);
	if (prov_utf8_check(val, len) != len)
		return prov_err(err, errlen, "%s: not valid UTF-8", path);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)val[i];
		if ((c < 0x20 || c == 0x7f) &&
		    !(allows_line_breaks(f) && (c == '\r' || c == '\n')))
			return prov_err(err, errlen,
			    "%s: contains a control character", path);
	}
	if (len == 0)
		return 0; /* "" is "not given" */

	switch (f) {
	case PROV_F_SERVER_URL:
		return set_str(r->server_url, sizeof(r->server_url), path, val,
		    len, err, errlen);
	case PROV_F_BINDING:
		if (copy_name(tmp, sizeof(tmp), val, len) != 0 ||
		    prov_binding_parse(tmp, &r->binding) != 0)
			return prov_err(err, errlen, "%s: not rest or lwm2m", path);
		return 0;
	case PROV_F_TOKEN:
		return set_str(r->enrollment_token, sizeof(r->enrollment_token),
		    path, val, len, err, errlen);
	case PROV_F_CLOUDDPC_TOKEN:
		return set_str(ps->clouddpc_token, sizeof(ps->clouddpc_token),
		    path, val, len, err, errlen);
	case PROV_F_PIN:
		if (set_digest(r->server_pin, &i, false, true, path, val, len,
		    err, errlen) != 0)
			return -1;
		r->has_server_pin = true;
		return 0;
	case PROV_F_MODE:
		if (copy_name(tmp, sizeof(tmp), val, len) != 0 ||
		    prov_mode_parse(tmp, &r->mode) != 0)
			return prov_err(err, errlen, "%s: not FULLY_MANAGED, "
			    "DEDICATED, WORK_PROFILE_COMPANY_OWNED or "
			    "WORK_PROFILE_PERSONAL", path);
		return 0;
	case PROV_F_LWM2M_BOOTSTRAP:
		return set_bool(&r->lwm2m_bootstrap, path, val, len, err,
		    errlen);
	case PROV_F_PSK_IDENTITY:
		return set_str(r->psk_identity, sizeof(r->psk_identity), path,
		    val, len, err, errlen);
	case PROV_F_PSK_KEY:
		return set_psk_key(r, path, val, len, err, errlen);
	case PROV_F_WIFI_SSID:
		return set_str(r->wifi.ssid, sizeof(r->wifi.ssid), path, val,
		    len, err, errlen);
	case PROV_F_WIFI_HIDDEN:
		return set_bool(&r->wifi.hidden, path, val, len, err, errlen);
	case PROV_F_WIFI_SECURITY:
		return set_enum_str(r->wifi.security, sizeof(r->wifi.security),
		    prov_wifi_security_types,
		    "NONE, WEP, WPA, WPA2, WPA3 or EAP", path, val, len, err,
		    errlen);
	case PROV_F_WIFI_PASSWORD:
		return set_str(r->wifi.password, sizeof(r->wifi.password), path,
		    val, len, err, errlen);
	case PROV_F_WIFI_EAP_METHOD:
		return set_enum_str(r->wifi.eap_method,
		    sizeof(r->wifi.eap_method), prov_wifi_eap_methods,
		    "PEAP, TLS, TTLS, PWD, SIM, AKA or AKA_PRIME", path, val,
		    len, err, errlen);
	case PROV_F_WIFI_PHASE2_AUTH:
		return set_enum_str(r->wifi_phase2_auth,
		    sizeof(r->wifi_phase2_auth), prov_wifi_phase2_auths,
		    "NONE, PAP, MSCHAP, MSCHAPV2, GTC, SIM, AKA or AKA_PRIME",
		    path, val, len, err, errlen);
	case PROV_F_WIFI_CA_CERT:
		return set_cert(r->wifi_ca_cert, &r->wifi_ca_cert_len, path, val,
		    len, err, errlen);
	case PROV_F_WIFI_USER_CERT:
		return set_cert(r->wifi_user_cert, &r->wifi_user_cert_len, path,
		    val, len, err, errlen);
	case PROV_F_WIFI_IDENTITY:
		return set_str(r->wifi.identity, sizeof(r->wifi.identity), path,
		    val, len, err, errlen);
	case PROV_F_WIFI_ANON_IDENTITY:
		return set_str(r->wifi.anonymous_identity,
		    sizeof(r->wifi.anonymous_identity), path, val, len, err,
		    errlen);
	case PROV_F_WIFI_DOMAIN:
		return set_str(r->wifi.domain, sizeof(r->wifi.domain), path, val,
		    len, err, errlen);
	case PROV_F_WIFI_PROXY_HOST:
		return set_str(r->wifi_proxy_host, sizeof(r->wifi_proxy_host),
		    path, val, len, err, errlen);
	case PROV_F_WIFI_PROXY_PORT:
		if (set_int(&v, 1, 65535, path, val, len, err, errlen) != 0)
			return -1;
		r->wifi_proxy_port = (uint16_t)v;
		return 0;
	case PROV_F_WIFI_PROXY_BYPASS:
		return set_str(r->wifi_proxy_bypass, sizeof(r->wifi_proxy_bypass),
		    path, val, len, err, errlen);
	case PROV_F_WIFI_PAC_URL:
		return set_str(r->wifi_pac_url, sizeof(r->wifi_pac_url), path,
		    val, len, err, errlen);
	case PROV_F_LOCALE:
		return set_str(r->locale, sizeof(r->locale), path, val, len, err,
		    errlen);
	case PROV_F_TIME_ZONE:
		return set_str(r->time_zone, sizeof(r->time_zone), path, val,
		    len, err, errlen);
	case PROV_F_LOCAL_TIME:
		if (set_int(&r->local_time_ms, 0, LOCAL_TIME_MAX, path, val, len,
		    err, errlen) != 0)
			return -1;
		r->has_local_time = true;
		return 0;
	case PROV_F_ORG_NAME:
		return set_str(r->organization_name,
		    sizeof(r->organization_name), path, val, len, err, errlen);
	case PROV_F_SUPPORT_URL:
		return set_str(r->support_url, sizeof(r->support_url), path, val,
		    len, err, errlen);
	case PROV_F_ADMIN_COMPONENT:
		return set_str(r->admin_component, sizeof(r->admin_component),
		    path, val, len, err, errlen);
	case PROV_F_PKG_LOCATION:
		return set_str(r->package_download_location,
		    sizeof(r->package_download_location), path, val, len, err,
		    errlen);
	case PROV_F_PKG_CHECKSUM:
		return set_digest(r->package_checksum, &r->package_checksum_len,
		    true, false, path, val, len, err, errlen);
	case PROV_F_SIG_CHECKSUM:
		return set_digest(r->signature_checksum,
		    &r->signature_checksum_len, false, false, path, val, len,
		    err, errlen);
	case PROV_F_SKIP_ENCRYPTION:
		return set_bool(&r->skip_encryption, path, val, len, err, errlen);
	case PROV_F_LEAVE_SYSTEM_APPS:
		return set_bool(&r->leave_all_system_apps_enabled, path, val,
		    len, err, errlen);
	case PROV_F_SKIP_EDUCATION:
		return set_bool(&r->skip_education_screens, path, val, len, err,
		    errlen);
	case PROV_F_USE_MOBILE_DATA:
		return set_bool(&r->use_mobile_data, path, val, len, err, errlen);
	default:
		return prov_err(err, errlen, "%s: not a single value", path);
	}
}

static int
put_text(char *buf, size_t cap, const char **text, const char *s)
{
	if (strlen(s) >= cap)
		return -1;
	strcpy(buf, s);
	*text = buf;
	return 1;
}

static int
put_b64(char *buf, size_t cap, const char **text, const uint8_t *p,
    size_t n)
{
	if (n == 0)
		return 0;
	if (crypto_b64url_encode(p, n, buf, cap) < 0)
		return -1;
	*text = buf;
	return 1;
}

static int
put_str(char *buf, size_t cap, const char **text, const char *s)
{
	return s[0] == '\0' ? 0 : put_text(buf, cap, text, s);
}

static int
put_bool(char *buf, size_t cap, const char **text, bool b)
{
	return b ? put_text(buf, cap, text, "true") : 0;
}

int
prov_field_text(const struct prov_request *r, enum prov_field f, char *buf,
    size_t cap, const char **text)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	*text = NULL;
	if (cap == 0)
		return -1;
	switch (f) {
	case PROV_F_SERVER_URL:
		return put_str(buf, cap, text, r->server_url);
	case PROV_F_BINDING:
		return put_text(buf, cap, text, prov_binding_name(r->binding));
	case PROV_F_TOKEN:
		return put_str(buf, cap, text, r->enrollment_token);
	case PROV_F_PIN:
		return r->has_server_pin ? put_b64(buf, cap, text,
		    r->server_pin, sizeof(r->server_pin)) : 0;
	case PROV_F_MODE:
		return put_text(buf, cap, text, prov_mode_name(r->mode));
	case PROV_F_LWM2M_BOOTSTRAP:
		return put_bool(buf, cap, text, r->lwm2m_bootstrap);
	case PROV_F_PSK_IDENTITY:
		return put_str(buf, cap, text, r->psk_identity);
	case PROV_F_PSK_KEY:
		if (r->psk_key_len == 0)
			return 0;
		if (r->psk_key_len * 2 + 1 > cap)
			return -1;
		for (i = 0; i < r->psk_key_len; i++) {
			buf[2 * i] = hex[r->psk_key[i] >> 4];
			buf[2 * i + 1] = hex[r->psk_key[i] & 0xf];
		}
		buf[2 * i] = '\0';
		*text = buf;
		return 1;
	case PROV_F_WIFI_SSID:
		return put_str(buf, cap, text, r->wifi.ssid);
	case PROV_F_WIFI_HIDDEN:
		return put_bool(buf, cap, text, r->wifi.hidden);
	case PROV_F_WIFI_SECURITY:
		return put_str(buf, cap, text, r->wifi.security);
	case PROV_F_WIFI_PASSWORD:
		return put_str(buf, cap, text, r->wifi.password);
	case PROV_F_WIFI_EAP_METHOD:
		return put_str(buf, cap, text, r->wifi.eap_method);
	case PROV_F_WIFI_PHASE2_AUTH:
		return put_str(buf, cap, text, r->wifi_phase2_auth);
	case PROV_F_WIFI_CA_CERT:
		return put_b64(buf, cap, text, r->wifi_ca_cert,
		    r->wifi_ca_cert_len);
	case PROV_F_WIFI_USER_CERT:
		return put_b64(buf, cap, text, r->wifi_user_cert,
		    r->wifi_user_cert_len);
	case PROV_F_WIFI_IDENTITY:
		return put_str(buf, cap, text, r->wifi.identity);
	case PROV_F_WIFI_ANON_IDENTITY:
		return put_str(buf, cap, text, r->wifi.anonymous_identity);
	case PROV_F_WIFI_DOMAIN:
		return put_str(buf, cap, text, r->wifi.domain);
	case PROV_F_WIFI_PROXY_HOST:
		return put_str(buf, cap, text, r->wifi_proxy_host);
	case PROV_F_WIFI_PROXY_PORT:
		if (r->wifi_proxy_port == 0)
			return 0;
		if ((size_t)snprintf(buf, cap, "%u", r->wifi_proxy_port) >= cap)
			return -1;
		*text = buf;
		return 1;
	case PROV_F_WIFI_PROXY_BYPASS:
		return put_str(buf, cap, text, r->wifi_proxy_bypass);
	case PROV_F_WIFI_PAC_URL:
		return put_str(buf, cap, text, r->wifi_pac_url);
	case PROV_F_LOCALE:
		return put_str(buf, cap, text, r->locale);
	case PROV_F_TIME_ZONE:
		return put_str(buf, cap, text, r->time_zone);
	case PROV_F_LOCAL_TIME:
		if (!r->has_local_time)
			return 0;
		if ((size_t)snprintf(buf, cap, "%lld",
		    (long long)r->local_time_ms) >= cap)
			return -1;
		*text = buf;
		return 1;
	case PROV_F_ORG_NAME:
		return put_str(buf, cap, text, r->organization_name);
	case PROV_F_SUPPORT_URL:
		return put_str(buf, cap, text, r->support_url);
	case PROV_F_ADMIN_COMPONENT:
		return put_str(buf, cap, text, r->admin_component);
	case PROV_F_PKG_LOCATION:
		return put_str(buf, cap, text, r->package_download_location);
	case PROV_F_PKG_CHECKSUM:
		return put_b64(buf, cap, text, r->package_checksum,
		    r->package_checksum_len);
	case PROV_F_SIG_CHECKSUM:
		return put_b64(buf, cap, text, r->signature_checksum,
		    r->signature_checksum_len);
	case PROV_F_SKIP_ENCRYPTION:
		return put_bool(buf, cap, text, r->skip_encryption);
	case PROV_F_LEAVE_SYSTEM_APPS:
		return put_bool(buf, cap, text, r->leave_all_system_apps_enabled);
	case PROV_F_SKIP_EDUCATION:
		return put_bool(buf, cap, text, r->skip_education_screens);
	case PROV_F_USE_MOBILE_DATA:
		return put_bool(buf, cap, text, r->use_mobile_data);
	default:
		return 0;
	}
}
