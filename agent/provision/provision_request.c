/*
 * provision_request.c - the normalized provisioning request: a parse's
 * life cycle (begin, defaults, finish), the validation every input goes
 * through, and the error paths named after the input the user wrote.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/provision/provision.h"
#include "agent/core/core.h"
#include "crypto/crypto.h"

int
prov_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	if (errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	for (i = 0; err[i] != '\0'; i++)
		if ((unsigned char)err[i] < 0x20 || err[i] == 0x7f)
			err[i] = '?';
	return -1;
}

static const char *const source_names[] = { "qr", "nfc", "token",
	"zerotouch" };
static const char *const binding_names[] = { "rest", "lwm2m" };
static const char *const mode_names[] = { "FULLY_MANAGED", "DEDICATED",
	"WORK_PROFILE_COMPANY_OWNED", "WORK_PROFILE_PERSONAL" };

const char *
prov_source_name(enum prov_source s)
{
	if ((unsigned)s >= sizeof(source_names) / sizeof(source_names[0]))
		return "?";
	return source_names[s];
}

const char *
prov_binding_name(enum prov_binding b)
{
	if ((unsigned)b >= sizeof(binding_names) / sizeof(binding_names[0]))
		return "?";
	return binding_names[b];
}

const char *
prov_mode_name(enum prov_mode m)
{
	if ((unsigned)m >= sizeof(mode_names) / sizeof(mode_names[0]))
		return "?";
	return mode_names[m];
}

int
prov_binding_parse(const char *s, enum prov_binding *b)
{
	unsigned i;

	for (i = 0; i < sizeof(binding_names) / sizeof(binding_names[0]); i++)
		if (strcmp(s, binding_names[i]) == 0) {
			*b = (enum prov_binding)i;
			return 0;
		}
	return -1;
}

int
prov_mode_parse(const char *s, enum prov_mode *m)
{
	unsigned i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (strcmp(s, mode_names[i]) == 0) {
			*m = (enum prov_mode)i;
			return 0;
		}
	return -1;
}

void
prov_defaults_init(struct prov_defaults *d)
{
	memset(d, 0, sizeof(*d));
	d->binding = PROV_BINDING_REST;
	d->mode = PROV_MODE_FULLY_MANAGED;
}

void
prov_defaults_from_config(const struct config *c, struct prov_defaults *d)
{
	const char *pin = c->default_server_pin;
	size_t n = 0;

	prov_defaults_init(d);
	d->allow_nosec = c->lwm2m_allow_nosec != 0;
	prov_mode_parse(c->mode, &d->mode);
	if (c->default_server_url[0] == '\0')
		return;
	d->server_url = c->default_server_url;
	d->binding = strncmp(d->server_url, "coap", 4) == 0 ?
	    PROV_BINDING_LWM2M : PROV_BINDING_REST;
	if (*pin != '\0' && crypto_b64_decode(pin, strlen(pin),
	    d->server_pin, sizeof(d->server_pin), &n, CRYPTO_B64_PAD) == 0 &&
	    n == PROV_PIN_LEN)
		d->has_server_pin = true;
}

void
prov_request_clear(struct prov_request *req)
{
	if (req != NULL)
		explicit_bzero(req, sizeof(*req));
}

void
prov_secret_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	if (len == 0)
		len = strlen(p);
	explicit_bzero(p, len);
	free(p);
}

/* ------------------------------------------------------------------ */
/* A parse's life cycle.                                               */
/* ------------------------------------------------------------------ */

void
prov_parse_begin(struct prov_parse *ps, struct prov_request *req,
    const struct prov_defaults *defs, enum prov_source src)
{
	memset(ps, 0, sizeof(*ps));
	prov_request_clear(req);
	ps->req = req;
	ps->defs = defs;
	req->source = src;
	switch (src) {
	case PROV_SRC_ZEROTOUCH:
		ps->naming = PROV_NAMING_ZEROTOUCH;
		break;
	case PROV_SRC_TOKEN:
		ps->naming = PROV_NAMING_TOKEN;
		break;
	default:
		ps->naming = PROV_NAMING_ANDROID;
		break;
	}
}

void
prov_parse_ignore(struct prov_parse *ps, const char *key, size_t len)
{
	struct prov_request *r = ps->req;
	char *dst;

	r->n_ignored_total++;
	if (r->n_ignored >= PROV_IGNORED_MAX)
		return;
	if (len > PROV_KEY_MAX) {
		/* Cut on a character boundary: the list is printed as JSON. */
		len = PROV_KEY_MAX;
		while (len > 0 && ((unsigned char)key[len] & 0xc0) == 0x80)
			len--;
	}
	dst = r->ignored[r->n_ignored++];
	memcpy(dst, key, len);
	dst[len] = '\0';
}

void
prov_parse_abort(struct prov_parse *ps)
{
	prov_request_clear(ps->req);
	explicit_bzero(ps->clouddpc_token, sizeof(ps->clouddpc_token));
}

static int
apply_defaults(struct prov_parse *ps, char *err, size_t errlen)
{
	const struct prov_defaults *d = ps->defs;
	struct prov_request *r = ps->req;

	if (d != NULL && r->server_url[0] == '\0' && d->server_url != NULL &&
	    d->server_url[0] != '\0') {
		/* Cutting it short could leave another valid URL. */
		if (strlen(d->server_url) > PROV_URL_MAX)
			return prov_err(err, errlen,
			    "defaults.serverUrl: longer than %d bytes",
			    PROV_URL_MAX);
		memcpy(r->server_url, d->server_url, strlen(d->server_url) + 1);
		r->server_from_defaults = true;
		if (!ps->seen[PROV_F_BINDING])
			r->binding = d->binding;
		if (!r->has_server_pin && d->has_server_pin) {
			memcpy(r->server_pin, d->server_pin, PROV_PIN_LEN);
			r->has_server_pin = true;
		}
	}
	if (d != NULL && !ps->seen[PROV_F_MODE])
		r->mode = d->mode;
	if (r->wifi.ssid[0] != '\0' && r->wifi.security[0] == '\0')
		snprintf(r->wifi.security, sizeof(r->wifi.security), "%s",
		    r->wifi.password[0] != '\0' ? "WPA" : "NONE");
	r->has_wifi = r->wifi.ssid[0] != '\0';
	return 0;
}

int
prov_parse_finish(struct prov_parse *ps, char *err, size_t errlen)
{
	struct prov_request *r = ps->req;
	bool nosec = ps->defs != NULL && ps->defs->allow_nosec;
	char p1[192];

	if (apply_defaults(ps, err, errlen) != 0) {
		prov_parse_abort(ps);
		return -1;
	}
	if (ps->clouddpc_token[0] != '\0') {
		prov_field_path(r, ps->naming, PROV_F_CLOUDDPC_TOKEN, p1,
		    sizeof(p1));
		/*
		 * An EMM adds warden's server URL and pin to its Android
		 * Device Policy QR: its token is then the enrollment token,
		 * unless warden's own token is there too, which wins.
		 */
		if (r->enrollment_token[0] != '\0')
			prov_parse_ignore(ps, p1, strlen(p1));
		else
			memcpy(r->enrollment_token, ps->clouddpc_token,
			    sizeof(r->enrollment_token));
		explicit_bzero(ps->clouddpc_token, sizeof(ps->clouddpc_token));
	}
	if (prov_validate_named(r, nosec, ps->naming, err, errlen) != 0) {
		prov_parse_abort(ps);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Field paths.                                                         */
/* ------------------------------------------------------------------ */

const char *
prov_field_path(const struct prov_request *req, enum prov_naming naming,
    enum prov_field f, char *buf, size_t len)
{
	const struct prov_key *k;
	const char *store = prov_field_store_name(f);

	if (f == PROV_F_SERVER_URL && req->server_from_defaults) {
		snprintf(buf, len, "defaults.serverUrl");
		return buf;
	}
	switch (naming) {
	case PROV_NAMING_STORE:
		snprintf(buf, len, "%s", store != NULL ? store : "?");
		return buf;
	case PROV_NAMING_TOKEN:
		if (f == PROV_F_TOKEN)
			snprintf(buf, len, "code");
		else
			snprintf(buf, len, "afw#%s.%s", req->token_id,
			    store != NULL ? store : "?");
		return buf;
	default:
		break;
	}
	if (f == PROV_F_CLOUDDPC_TOKEN) {
		snprintf(buf, len, "%s%s", naming == PROV_NAMING_ANDROID ?
		    PROV_EXTRAS_KEY "." : "", PROV_CLOUDDPC_TOKEN_KEY);
		return buf;
	}
	k = prov_key_for_field(f);
	if (k == NULL)
		snprintf(buf, len, "?");
	else if (strncmp(k->name, "warden.", 7) == 0 &&
	    naming == PROV_NAMING_ANDROID)
		snprintf(buf, len, PROV_EXTRAS_KEY ".%s", k->name);
	else
		snprintf(buf, len, "%s", k->name);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Validation.                                                          */
/* ------------------------------------------------------------------ */

static bool
in_set(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


static bool
has_controls(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static bool
only_chars(const char *s, const char *set)
{
	for (; *s != '\0'; s++)
		if (!in_set(*s, set))
			return false;
	return true;
}

static bool
all_hex(const char *s)
{
	return only_chars(s, "0123456789abcdefABCDEF");
}

/* "en", "en_US", "es_419". */
static bool
locale_ok(const char *s)
{
	size_t n = 0;

	while (s[n] >= 'a' && s[n] <= 'z')
		n++;
	if (n < 2 || n > 3)
		return false;
	s += n;
	if (*s == '\0')
		return true;
	if (*s++ != '_')
		return false;
	if (strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
	    s[1] <= 'Z')
		return true;
	return strlen(s) == 3 && only_chars(s, "0123456789");
}

/* "Europe/Berlin", "Etc/GMT+5", "UTC": never a path that escapes. */
static bool
timezone_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PROV_TZ_MAX || !only_chars(s, ALNUM "_+/-"))
		return false;
	if (s[0] == '/' || s[n - 1] == '/' || strstr(s, "//") != NULL)
		return false;
	return strstr(s, "..") == NULL && s[0] != '-';
}

/* "com.example.dpc/.Receiver" or "pkg/pkg.Class". */
static bool
component_ok(const char *s)
{
	const char *slash = strchr(s, '/');

	if (slash == NULL || slash == s || slash[1] == '\0' ||
	    strchr(slash + 1, '/') != NULL)
		return false;
	return only_chars(s, ALNUM "._$/");
}

static bool
token_ok(const char *s, size_t *bad)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!in_set(s[i], ALNUM "._~+/=-")) {
			*bad = i;
			return false;
		}
	return true;
}

/* Validation state: where errors go and how paths are spelled. */
struct vctx {
	const struct prov_request *r;
	enum prov_naming naming;
	char *err;
	size_t errlen;
	char path[192];
};

static int
fail(struct vctx *v, enum prov_field f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct vctx *v, enum prov_field f, const char *fmt, ...)
{
	char reason[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	prov_field_path(v->r, v->naming, f, v->path, sizeof(v->path));
	return prov_err(v->err, v->errlen, "%s: %s", v->path, reason);
}

/* An optional http(s) URL: support page, package, PAC file. */
static int
check_web_url(struct vctx *v, enum prov_field f, const char *url)
{
	struct url u;
	char why[128];

	if (url[0] == '\0')
		return 0;
	if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0)
		return fail(v, f, "not an http or https URL");
	return url_parse(url, URL_WEB, &u, why, sizeof(why)) != 0 ?
	    fail(v, f, "%s", why) : 0;
}

static int
check_server(struct vctx *v, bool allow_nosec)
{
	const struct prov_request *r = v->r;
	enum url_scheme scheme;
	struct url u;
	char why[128];

	if (r->server_url[0] == '\0')
		return fail(v, PROV_F_SERVER_URL, "required");
	if (r->binding != PROV_BINDING_REST && r->binding != PROV_BINDING_LWM2M)
		return fail(v, PROV_F_BINDING, "not rest or lwm2m");
	if (strncasecmp(r->server_url, "https://", 8) != 0 &&
	    strncasecmp(r->server_url, "coaps://", 8) != 0 &&
	    strncasecmp(r->server_url, "coap://", 7) != 0)
		return fail(v, PROV_F_SERVER_URL, "not an https or coaps URL");
	/* The parser the bindings use: what passes here, they accept. */
	if (url_parse(r->server_url, 0, &u, why, sizeof(why)) != 0)
		return fail(v, PROV_F_SERVER_URL, "%s", why);
	scheme = u.scheme;
	if (scheme != URL_HTTPS && u.path[0] != '\0')
		return fail(v, PROV_F_SERVER_URL, "a coap URL has no path");
	if (r->binding == PROV_BINDING_REST && scheme != URL_HTTPS)
		return fail(v, PROV_F_SERVER_URL,
		    "binding rest needs an https URL");
	if (r->binding == PROV_BINDING_LWM2M && scheme == URL_HTTPS)
		return fail(v, PROV_F_SERVER_URL,
		    "binding lwm2m needs a coaps URL");
	if (scheme == URL_COAP && !allow_nosec)
		return fail(v, PROV_F_SERVER_URL,
		    "coap:// (no DTLS) is not allowed");
	if ((unsigned)r->mode > PROV_MODE_WORK_PROFILE_PERSONAL)
		return fail(v, PROV_F_MODE, "not FULLY_MANAGED, DEDICATED, "
		    "WORK_PROFILE_COMPANY_OWNED or WORK_PROFILE_PERSONAL");
	return 0;
}

static int
check_credentials(struct vctx *v)
{
	const struct prov_request *r = v->r;
	bool rest = r->binding == PROV_BINDING_REST;
	bool coaps = strncasecmp(r->server_url, "coaps://", 8) == 0;
	size_t bad;

	if (strlen(r->enrollment_token) > PROV_TOKEN_MAX)
		return fail(v, PROV_F_TOKEN, "longer than %d bytes",
		    PROV_TOKEN_MAX);
	if (!token_ok(r->enrollment_token, &bad))
		return fail(v, PROV_F_TOKEN, "bad character at offset %zu", bad);
	if (rest && r->enrollment_token[0] == '\0')
		return fail(v, PROV_F_TOKEN, "required");
	if (rest && !r->has_server_pin)
		return fail(v, PROV_F_PIN, "required");
	if (rest && r->lwm2m_bootstrap)
		return fail(v, PROV_F_LWM2M_BOOTSTRAP, "only for binding lwm2m");
	if (rest && r->psk_identity[0] != '\0')
		return fail(v, PROV_F_PSK_IDENTITY, "only for binding lwm2m");
	if (rest && r->psk_key_len != 0)
		return fail(v, PROV_F_PSK_KEY, "only for binding lwm2m");
	if (r->psk_key_len > PROV_PSK_KEY_MAX)
		return fail(v, PROV_F_PSK_KEY, "longer than %d bytes",
		    PROV_PSK_KEY_MAX);
	if (strlen(r->psk_identity) > PROV_PSK_ID_MAX ||
	    has_controls(r->psk_identity))
		return fail(v, PROV_F_PSK_IDENTITY, "not a PSK identity");
	if (r->psk_identity[0] != '\0' && r->psk_key_len == 0)
		return fail(v, PROV_F_PSK_KEY, "required with a PSK identity");
	if (r->psk_identity[0] == '\0' && r->psk_key_len != 0)
		return fail(v, PROV_F_PSK_IDENTITY, "required with a PSK key");
	if (coaps && !r->has_server_pin && r->psk_key_len == 0)
		return fail(v, PROV_F_PIN, "required for coaps without a PSK");
	return 0;
}

static int
check_wifi_password(struct vctx *v)
{
	const struct hal_wifi *w = &v->r->wifi;
	size_t n = strlen(w->password);

	if (strcmp(w->security, "NONE") == 0) {
		if (n != 0)
			return fail(v, PROV_F_WIFI_PASSWORD,
			    "not allowed with security type NONE");
		return 0;
	}
	if (strcmp(w->security, "EAP") == 0)
		return 0;
	if (n == 0)
		return fail(v, PROV_F_WIFI_PASSWORD,
		    "required for security type %s", w->security);
	if (strcmp(w->security, "WEP") == 0) {
		if (n == 5 || n == 13 || n == 16)
			return 0;
		if ((n == 10 || n == 26 || n == 32) && all_hex(w->password))
			return 0;
		return fail(v, PROV_F_WIFI_PASSWORD, "not a WEP key (5, 13 or "
		    "16 characters, or 10, 26 or 32 hex digits)");
	}
	if (strcmp(w->security, "WPA3") == 0)
		return 0; /* SAE passwords have no length rule */
	if ((n >= 8 && n <= 63) || (n == 64 && all_hex(w->password)))
		return 0;
	return fail(v, PROV_F_WIFI_PASSWORD,
	    "not a WPA passphrase (8 to 63 characters, or 64 hex digits)");
}

static int
check_wifi(struct vctx *v)
{
	const struct prov_request *r = v->r;
	const struct hal_wifi *w = &r->wifi;
	bool eap = strcmp(w->security, "EAP") == 0;
	const char *const *p;
	bool any, ok;

	any = w->hidden || w->security[0] || w->password[0] ||
	    w->eap_method[0] || w->identity[0] || w->anonymous_identity[0] ||
	    w->domain[0] || r->wifi_phase2_auth[0] || r->wifi_ca_cert_len ||
	    r->wifi_user_cert_len || r->wifi_proxy_host[0] ||
	    r->wifi_proxy_port || r->wifi_proxy_bypass[0] || r->wifi_pac_url[0];
	if (w->ssid[0] == '\0') {
		if (any)
			return fail(v, PROV_F_WIFI_SSID,
			    "required with the other Wi-Fi settings");
		return 0;
	}
	if (strlen(w->ssid) > 32 || has_controls(w->ssid))
		return fail(v, PROV_F_WIFI_SSID, "not an SSID (1 to 32 bytes)");
	for (ok = false, p = prov_wifi_security_types; *p != NULL; p++)
		ok |= strcmp(*p, w->security) == 0;
	if (!ok)
		return fail(v, PROV_F_WIFI_SECURITY,
		    "not NONE, WEP, WPA, WPA2, WPA3 or EAP");
	if (has_controls(w->password))
		return fail(v, PROV_F_WIFI_PASSWORD,
		    "contains a control character");
	if (check_wifi_password(v) != 0)
		return -1;
	if (!eap) {
		static const enum prov_field eap_only[] = {
			PROV_F_WIFI_EAP_METHOD, PROV_F_WIFI_PHASE2_AUTH,
			PROV_F_WIFI_IDENTITY, PROV_F_WIFI_ANON_IDENTITY,
			PROV_F_WIFI_DOMAIN, PROV_F_WIFI_CA_CERT,
			PROV_F_WIFI_USER_CERT,
		};
		bool given[] = {
			w->eap_method[0], r->wifi_phase2_auth[0], w->identity[0],
			w->anonymous_identity[0], w->domain[0],
			r->wifi_ca_cert_len != 0, r->wifi_user_cert_len != 0,
		};
		size_t i;
		for (i = 0; i < sizeof(given) / sizeof(given[0]); i++)
			if (given[i])
				return fail(v, eap_only[i],
				    "only for security type EAP");
	} else {
		if (w->eap_method[0] == '\0')
			return fail(v, PROV_F_WIFI_EAP_METHOD,
			    "required for security type EAP");
		for (ok = false, p = prov_wifi_eap_methods; *p != NULL; p++)
			ok |= strcmp(*p, w->eap_method) == 0;
		if (!ok)
			return fail(v, PROV_F_WIFI_EAP_METHOD,
			    "not PEAP, TLS, TTLS, PWD, SIM, AKA or AKA_PRIME");
		for (ok = r->wifi_phase2_auth[0] == '\0',
		    p = prov_wifi_phase2_auths; *p != NULL; p++)
			ok |= strcmp(*p, r->wifi_phase2_auth) == 0;
		if (!ok)
			return fail(v, PROV_F_WIFI_PHASE2_AUTH, "not NONE, PAP, "
			    "MSCHAP, MSCHAPV2, GTC, SIM, AKA or AKA_PRIME");
		if (has_controls(w->identity))
			return fail(v, PROV_F_WIFI_IDENTITY,
			    "contains a control character");
		if (has_controls(w->anonymous_identity))
			return fail(v, PROV_F_WIFI_ANON_IDENTITY,
			    "contains a control character");
		if (has_controls(w->domain))
			return fail(v, PROV_F_WIFI_DOMAIN,
			    "contains a control character");
	}
	if (r->wifi_ca_cert_len > PROV_CERT_MAX)
		return fail(v, PROV_F_WIFI_CA_CERT, "too long");
	if (r->wifi_user_cert_len > PROV_CERT_MAX)
		return fail(v, PROV_F_WIFI_USER_CERT, "too long");
	if (!only_chars(r->wifi_proxy_host, ALNUM ".-_:[]"))
		return fail(v, PROV_F_WIFI_PROXY_HOST, "not a host name");
	if (r->wifi_proxy_port != 0 && r->wifi_proxy_host[0] == '\0')
		return fail(v, PROV_F_WIFI_PROXY_PORT, "needs a proxy host");
	if (has_controls(r->wifi_proxy_bypass))
		return fail(v, PROV_F_WIFI_PROXY_BYPASS,
		    "contains a control character");
	return check_web_url(v, PROV_F_WIFI_PAC_URL, r->wifi_pac_url);
}

static int
check_setup(struct vctx *v)
{
	const struct prov_request *r = v->r;

	if (r->locale[0] != '\0' && !locale_ok(r->locale))
		return fail(v, PROV_F_LOCALE, "not a locale like en_US");
	if (r->time_zone[0] != '\0' && !timezone_ok(r->time_zone))
		return fail(v, PROV_F_TIME_ZONE,
		    "not a time zone name like Europe/Berlin");
	if (r->has_local_time && (r->local_time_ms < 0 ||
	    r->local_time_ms > 253402300799999LL))
		return fail(v, PROV_F_LOCAL_TIME, "out of range");
	if (has_controls(r->organization_name))
		return fail(v, PROV_F_ORG_NAME, "contains a control character");
	if (check_web_url(v, PROV_F_SUPPORT_URL, r->support_url) != 0)
		return -1;
	if (r->admin_component[0] != '\0' && !component_ok(r->admin_component))
		return fail(v, PROV_F_ADMIN_COMPONENT,
		    "not a component name like com.example/.Receiver");
	if (check_web_url(v, PROV_F_PKG_LOCATION,
	    r->package_download_location) != 0)
		return -1;
	if (r->package_checksum_len != 0 && r->package_checksum_len != 20 &&
	    r->package_checksum_len != 32)
		return fail(v, PROV_F_PKG_CHECKSUM, "not a SHA-256 or SHA-1");
	if (r->signature_checksum_len != 0 && r->signature_checksum_len != 32)
		return fail(v, PROV_F_SIG_CHECKSUM, "not a SHA-256");
	return 0;
}

int
prov_validate_named(const struct prov_request *req, bool allow_nosec,
    enum prov_naming naming, char *err, size_t errlen)
{
	struct vctx v = { .r = req, .naming = naming, .err = err,
		.errlen = errlen };

	if ((unsigned)req->source > PROV_SRC_ZEROTOUCH)
		return prov_err(err, errlen, "source: unknown");
	if (check_server(&v, allow_nosec) != 0 || check_credentials(&v) != 0 ||
	    check_wifi(&v) != 0 || check_setup(&v) != 0)
		return -1;
	return 0;
}

int
prov_request_validate(const struct prov_request *req, bool allow_nosec,
    char *err, size_t errlen)
{
	enum prov_naming naming = PROV_NAMING_ANDROID;

	if (req->source == PROV_SRC_ZEROTOUCH)
		naming = PROV_NAMING_ZEROTOUCH;
	else if (req->source == PROV_SRC_TOKEN)
		naming = PROV_NAMING_TOKEN;
	return prov_validate_named(req, allow_nosec, naming, err, errlen);
}
