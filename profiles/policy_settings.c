/*
 * policy_settings.c - a merged policy flattened into enforceable
 * settings, non-compliance details and posture requirements (see
 * policy_settings.h for the keys and docs/policy.md for the rules).
 *
 * The capability check of the mode (presets.c) is applied here, once, so
 * that the settings, the details and the requirements always agree on
 * what the mode lets the policy touch.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiles/policy_settings.h"

struct build {
	const struct policy *p;
	enum policy_mode mode;
	struct policy_settings *out;
	struct policy_details *det;
	int failed;	/* memory ran out */
};

/* ------------------------------------------------------------------ */
/* Text helpers                                                        */
/* ------------------------------------------------------------------ */

/* Appends printf text to the NUL-terminated buf; cuts at len. */
static void
cat(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

/* Appends s in double quotes, '"' and '\' escaped. */
static void
cat_quoted(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	if (n + 1 >= len)
		return;
	buf[n++] = '"';
	for (; *s != '\0' && n + 3 < len; s++) {
		if (*s == '"' || *s == '\\')
			buf[n++] = '\\';
		buf[n++] = *s;
	}
	buf[n++] = '"';
	buf[n] = '\0';
}

/* Changes of a secret must change the value text without revealing it. */
static uint32_t
fnv1a(uint32_t h, const char *s)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* ------------------------------------------------------------------ */
/* Lists                                                                */
/* ------------------------------------------------------------------ */

static struct policy_setting *
add_setting(struct build *b, enum policy_setting_kind kind, const char *key,
    const char *name, const char *path, uint32_t src)
{
	struct policy_settings *o = b->out;
	struct policy_setting *s;

	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		struct policy_setting *ns = calloc(cap, sizeof(*ns));

		if (ns == NULL) {
			b->failed = 1;
			return NULL;
		}
		if (o->s != NULL) {
			memcpy(ns, o->s, o->n * sizeof(*ns));
			explicit_bzero(o->s, o->n * sizeof(*ns));
			free(o->s);
		}
		o->s = ns;
		o->cap = cap;
	}
	s = &o->s[o->n++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	snprintf(s->key, sizeof(s->key), "%s", key);
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->field_path, sizeof(s->field_path), "%s", path);
	policy_source_names(b->p, src, s->source, sizeof(s->source));
	return s;
}

static void
add_detail(struct build *b, const char *name, const char *path,
    enum rules_reason reason, uint32_t src, const char *specific)
{
	struct policy_details *d = b->det;
	struct policy_detail *e;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct policy_detail *nd = realloc(d->d, cap * sizeof(*nd));

		if (nd == NULL) {
			b->failed = 1;
			return;
		}
		d->d = nd;
		d->cap = cap;
	}
	e = &d->d[d->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->setting_name, sizeof(e->setting_name), "%s", name);
	snprintf(e->field_path, sizeof(e->field_path), "%s", path);
	e->reason = reason;
	snprintf(e->specific, sizeof(e->specific), "%s", specific);
	policy_source_names(b->p, src, e->source, sizeof(e->source));
}

/* True when mode allows c; otherwise records the MANAGEMENT_MODE detail. */
static bool
allowed(struct build *b, enum policy_cap c, const char *name,
    const char *path, uint32_t src)
{
	if (policy_mode_allows(b->mode, c))
		return true;
	add_detail(b, name, path, RULES_REASON_MANAGEMENT_MODE, src,
	    policy_mode_refusal(b->mode, c));
	return false;
}

/* ------------------------------------------------------------------ */
/* Passcodes                                                            */
/* ------------------------------------------------------------------ */

/* SCOPE_UNSPECIFIED entries join the mode's default scope. */
static void
resolve_passwords(const struct policy *p, enum policy_mode m,
    struct policy_password *dev, struct policy_password *prof)
{
	const struct policy_password *u = &p->pw[POLICY_SCOPE_UNSPECIFIED];

	*dev = p->pw[POLICY_SCOPE_DEVICE];
	*prof = p->pw[POLICY_SCOPE_PROFILE];
	if (policy_mode_default_scope(m) == HAL_SCOPE_DEVICE)
		policy_password_merge(dev, u, u->src);
	else
		policy_password_merge(prof, u, u->src);
}

static void
to_hal(const struct policy_password *pw, enum hal_scope scope,
    int64_t lock_ms, struct hal_passcode_policy *h)
{
	memset(h, 0, sizeof(*h));
	h->scope = scope;
	h->max_time_to_lock_ms = lock_ms > 0 ? lock_ms : 0;
	if (!pw->present)
		return;
	h->quality = pw->quality;
	h->min_length = pw->min_length;
	/* AMAPI enforces the per-class minimums with COMPLEX only. */
	if (pw->quality == HAL_PW_COMPLEX) {
		h->min_letters = pw->min_letters;
		h->min_lower = pw->min_lower;
		h->min_upper = pw->min_upper;
		h->min_nonletter = pw->min_nonletter;
		h->min_numeric = pw->min_numeric;
		h->min_symbols = pw->min_symbols;
	}
	h->history_length = pw->history_length;
	h->expiration_seconds = pw->expiration_seconds;
	h->max_failed_for_wipe = pw->max_failed_for_wipe;
}

static void
passcode_text(const struct hal_passcode_policy *h, char *buf, size_t len)
{
	static const struct {
		const char *name;
		size_t off;
	} counts[] = {
#define C(n, m) { n, offsetof(struct hal_passcode_policy, m) }
		C("passwordMinimumLength", min_length),
		C("passwordMinimumLetters", min_letters),
		C("passwordMinimumLowerCase", min_lower),
		C("passwordMinimumUpperCase", min_upper),
		C("passwordMinimumNonLetter", min_nonletter),
		C("passwordMinimumNumeric", min_numeric),
		C("passwordMinimumSymbols", min_symbols),
		C("passwordHistoryLength", history_length),
		C("maximumFailedPasswordsForWipe", max_failed_for_wipe),
#undef C
	};
	size_t i;

	buf[0] = '\0';
	cat(buf, len, "passwordQuality=%s",
	    policy_enum_name(policy_enum_quality, h->quality));
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		int v;

		memcpy(&v, (const char *)h + counts[i].off, sizeof(v));
		if (v > 0)
			cat(buf, len, ",%s=%d", counts[i].name, v);
	}
	if (h->expiration_seconds > 0)
		cat(buf, len, ",passwordExpirationTimeout=%llds",
		    (long long)h->expiration_seconds);
}

/* The fieldPath and settingName of a passcode entry. */
static const char *
pw_path(const struct policy_password *pw, char *path, size_t len)
{
	if (pw->from_requirements) {
		snprintf(path, len, "passwordRequirements");
		return "passwordRequirements";
	}
	snprintf(path, len, "passwordPolicies[%d]", pw->index);
	return "passwordPolicies";
}

static void
build_passcodes(struct build *b)
{
	const struct policy *p = b->p;
	struct policy_password dev, prof;
	struct hal_passcode_policy hd;
	struct policy_setting *s;
	int64_t lock = -1;
	char path[POLICY_PATH_MAX];
	const char *name;

	resolve_passwords(p, b->mode, &dev, &prof);
	if (p->max_time_to_lock_ms >= 0 && allowed(b, POLICY_CAP_LOCK_TIMEOUT,
	    "maximumTimeToLock", "maximumTimeToLock",
	    p->src[POLICY_F_MAX_TIME_TO_LOCK]))
		lock = p->max_time_to_lock_ms;

	name = pw_path(&dev, path, sizeof(path));
	if (dev.present && !allowed(b, POLICY_CAP_PASSCODE_DEVICE,
	    name, path, dev.src))
		dev.present = false;
	to_hal(&dev, HAL_SCOPE_DEVICE, lock, &hd);
	if (dev.present &&
	    (s = add_setting(b, POLICY_SET_PASSCODE,
	    "passwordPolicies[SCOPE_DEVICE]", name, path,
	    dev.src)) != NULL) {
		s->v.passcode = hd;
		passcode_text(&hd, s->value, sizeof(s->value));
	}
	if (lock >= 0 &&
	    (s = add_setting(b, POLICY_SET_PASSCODE, "maximumTimeToLock",
	    "maximumTimeToLock", "maximumTimeToLock",
	    p->src[POLICY_F_MAX_TIME_TO_LOCK])) != NULL) {
		s->v.passcode = hd;
		snprintf(s->value, sizeof(s->value), "%lld", (long long)lock);
	}

	name = pw_path(&prof, path, sizeof(path));
	if (prof.present && allowed(b, POLICY_CAP_PASSCODE_PROFILE,
	    name, path, prof.src) &&
	    (s = add_setting(b, POLICY_SET_PASSCODE,
	    "passwordPolicies[SCOPE_PROFILE]", name, path,
	    prof.src)) != NULL) {
		to_hal(&prof, HAL_SCOPE_PROFILE, 0, &s->v.passcode);
		passcode_text(&s->v.passcode, s->value, sizeof(s->value));
	}
}

/* ------------------------------------------------------------------ */
/* Device restrictions                                                  */
/* ------------------------------------------------------------------ */

static void
add_flag(struct build *b, enum policy_setting_kind kind, const char *name,
    uint32_t src, bool allow, const char *text)
{
	struct policy_setting *s = add_setting(b, kind, name, name, name,
	    src);

	if (s == NULL)
		return;
	s->v.allowed = allow;
	snprintf(s->value, sizeof(s->value), "%s", text);
}

static void
build_usb(struct build *b)
{
	const struct policy *p = b->p;
	bool file_only = p->usb == POLICY_USB_DISALLOW_FILE_TRANSFER;
	struct policy_setting *s;

	/* The HAL has one switch for USB data: file transfer alone is not. */
	s = add_setting(b, file_only ? POLICY_SET_UNENFORCEABLE :
	    POLICY_SET_USB_DATA, "usbDataAccess", "usbDataAccess",
	    "usbDataAccess", p->src[POLICY_F_USB]);
	if (s == NULL)
		return;
	snprintf(s->value, sizeof(s->value), "%s",
	    policy_enum_name(policy_enum_usb, p->usb));
	if (file_only)
		snprintf(s->v.reason, sizeof(s->v.reason), "the HAL blocks "
		    "all USB data or none, not file transfer alone: USB is "
		    "left as it is");
	else
		s->v.allowed = p->usb == POLICY_USB_ALLOW;
}

static void
build_restrictions(struct build *b)
{
	const struct policy *p = b->p;
	const char *name;
	struct policy_setting *s;
	size_t i;

	name = p->camera_from_deprecated ? "cameraDisabled" : "cameraAccess";
	if (p->camera != POLICY_CAMERA_UNSPECIFIED &&
	    allowed(b, POLICY_CAP_CAMERA, name, name,
	    p->src[POLICY_F_CAMERA]) &&
	    (s = add_setting(b, POLICY_SET_CAMERA, "cameraAccess", name, name,
	    p->src[POLICY_F_CAMERA])) != NULL) {
		s->v.allowed = p->camera != POLICY_CAMERA_DISABLED;
		snprintf(s->value, sizeof(s->value), "%s",
		    policy_enum_name(policy_enum_camera, p->camera));
	}
	if (p->screen_capture_disabled != POLICY_UNSET &&
	    allowed(b, POLICY_CAP_SCREEN_CAPTURE, "screenCaptureDisabled",
	    "screenCaptureDisabled", p->src[POLICY_F_SCREEN_CAPTURE]))
		add_flag(b, POLICY_SET_SCREEN_CAPTURE, "screenCaptureDisabled",
		    p->src[POLICY_F_SCREEN_CAPTURE],
		    p->screen_capture_disabled != POLICY_TRUE,
		    p->screen_capture_disabled == POLICY_TRUE ? "true" :
		    "false");
	if (p->usb != POLICY_USB_UNSPECIFIED &&
	    allowed(b, POLICY_CAP_USB, "usbDataAccess", "usbDataAccess",
	    p->src[POLICY_F_USB]))
		build_usb(b);
	if (p->keyguard_present &&
	    allowed(b, POLICY_CAP_KEYGUARD, "keyguardDisabledFeatures",
	    "keyguardDisabledFeatures", p->src[POLICY_F_KEYGUARD]) &&
	    (s = add_setting(b, POLICY_SET_KEYGUARD,
	    "keyguardDisabledFeatures", "keyguardDisabledFeatures",
	    "keyguardDisabledFeatures", p->src[POLICY_F_KEYGUARD])) != NULL) {
		s->v.mask = p->keyguard_disabled;
		snprintf(s->value, sizeof(s->value), "[");
		for (i = 0; policy_enum_keyguard[i].name != NULL; i++) {
			unsigned bit = (unsigned)policy_enum_keyguard[i].value;

			if (bit != 0 && (p->keyguard_disabled & bit))
				cat(s->value, sizeof(s->value), "%s%s",
				    strlen(s->value) > 1 ? "," : "",
				    policy_enum_keyguard[i].name);
		}
		cat(s->value, sizeof(s->value), "]");
	}
	if (p->factory_reset_disabled != POLICY_UNSET &&
	    allowed(b, POLICY_CAP_FACTORY_RESET, "factoryResetDisabled",
	    "factoryResetDisabled", p->src[POLICY_F_FACTORY_RESET]))
		add_flag(b, POLICY_SET_FACTORY_RESET, "factoryResetDisabled",
		    p->src[POLICY_F_FACTORY_RESET],
		    p->factory_reset_disabled != POLICY_TRUE,
		    p->factory_reset_disabled == POLICY_TRUE ? "true" :
		    "false");
	/* Encryption and the OS floor are checked, not enforced. */
	if (p->encryption != POLICY_ENCRYPTION_UNSPECIFIED)
		(void)allowed(b, POLICY_CAP_ENCRYPTION, "encryptionPolicy",
		    "encryptionPolicy", p->src[POLICY_F_ENCRYPTION]);
}

/* ------------------------------------------------------------------ */
/* Networks                                                             */
/* ------------------------------------------------------------------ */

static void
wifi_to_hal(const struct policy_wifi_net *n, struct hal_wifi *w)
{
	static const char *const sec[] = {
		[POLICY_WIFI_NONE] = "NONE",
		[POLICY_WIFI_WEP_PSK] = "WEP",
		[POLICY_WIFI_WPA_PSK] = "WPA",
		[POLICY_WIFI_WPA_EAP] = "EAP",
	};

	memset(w, 0, sizeof(*w));
	snprintf(w->ssid, sizeof(w->ssid), "%s", n->ssid);
	w->hidden = n->hidden == POLICY_TRUE;
	snprintf(w->security, sizeof(w->security), "%s", sec[n->security]);
	if (n->security == POLICY_WIFI_WPA_EAP) {
		snprintf(w->password, sizeof(w->password), "%s",
		    n->eap_password);
		snprintf(w->eap_method, sizeof(w->eap_method), "%s",
		    policy_enum_name(policy_enum_eap_outer, n->eap_outer));
		snprintf(w->identity, sizeof(w->identity), "%s", n->identity);
		snprintf(w->anonymous_identity, sizeof(w->anonymous_identity),
		    "%s", n->anonymous_identity);
		snprintf(w->domain, sizeof(w->domain), "%s", n->domain_suffix);
		snprintf(w->ca_cert, sizeof(w->ca_cert), "%s", n->ca_ref);
	} else
		snprintf(w->password, sizeof(w->password), "%s",
		    n->passphrase);
}

static void
wifi_text(const struct policy_wifi_net *n, char *buf, size_t len)
{
	buf[0] = '\0';
	cat(buf, len, "SSID=");
	cat_quoted(buf, len, n->ssid);
	cat(buf, len, ",Security=%s,HiddenSSID=%s",
	    policy_enum_name(policy_enum_wifi_security, n->security),
	    n->hidden == POLICY_TRUE ? "true" : "false");
	if (n->eap_outer != POLICY_EAP_NONE) {
		cat(buf, len, ",EAP.Outer=%s,EAP.Identity=",
		    policy_enum_name(policy_enum_eap_outer, n->eap_outer));
		cat_quoted(buf, len, n->identity);
		cat(buf, len, ",EAP.AnonymousIdentity=");
		cat_quoted(buf, len, n->anonymous_identity);
		cat(buf, len, ",EAP.DomainSuffixMatch=");
		cat_quoted(buf, len, n->domain_suffix);
		cat(buf, len, ",EAP.ServerCARef=");
		cat_quoted(buf, len, n->ca_ref);
	}
	if (n->passphrase[0] != '\0' || n->eap_password[0] != '\0')
		cat(buf, len, ",credentials=fnv1a32:%08x",
		    fnv1a(fnv1a(2166136261u, n->passphrase) ^ 0x5c,
		    n->eap_password));
}

static void
build_networks(struct build *b)
{
	const struct policy *p = b->p;
	char key[POLICY_SETTING_KEY_MAX], path[POLICY_PATH_MAX];
	struct policy_setting *s;
	size_t i;

	for (i = 0; i < p->nnets; i++) {
		const struct policy_wifi_net *n = &p->nets[i];

		snprintf(path, sizeof(path),
		    "openNetworkConfiguration.NetworkConfigurations[%d]",
		    n->index);
		if (!allowed(b, POLICY_CAP_WIFI, "openNetworkConfiguration",
		    path, n->src))
			continue;
		snprintf(key, sizeof(key), "openNetworkConfiguration[%s]",
		    n->guid);
		if ((s = add_setting(b, POLICY_SET_WIFI, key,
		    "openNetworkConfiguration", path, n->src)) == NULL)
			return;
		wifi_to_hal(n, &s->v.wifi);
		wifi_text(n, s->value, sizeof(s->value));
		if (n->auto_connect == POLICY_FALSE) {
			cat(path, sizeof(path), ".WiFi.AutoConnect");
			add_detail(b, "openNetworkConfiguration", path,
			    RULES_REASON_UNSUPPORTED, n->src, "the HAL joins "
			    "every configured network automatically");
		}
	}
}

/* ------------------------------------------------------------------ */
/* Applications                                                         */
/* ------------------------------------------------------------------ */

static void
kiosk_custom_text(const struct policy_kiosk_custom *k, char *buf,
    size_t len)
{
	buf[0] = '\0';
	cat(buf, len, "powerButtonActions=%s,systemErrorWarnings=%s,"
	    "systemNavigation=%s,statusBar=%s,deviceSettings=%s",
	    policy_enum_name(policy_enum_power_button, k->power_button),
	    policy_enum_name(policy_enum_error_warnings, k->error_warnings),
	    policy_enum_name(policy_enum_navigation, k->navigation),
	    policy_enum_name(policy_enum_status_bar, k->status_bar),
	    policy_enum_name(policy_enum_device_settings, k->device_settings));
}

static void
build_kiosk(struct build *b)
{
	const struct policy *p = b->p;
	const struct policy_app *kiosk = NULL;
	char path[POLICY_PATH_MAX];
	struct policy_setting *s;
	size_t i;

	for (i = 0; i < p->napps; i++) {
		const struct policy_app *a = &p->apps[i];

		if (!policy_app_is_kiosk(a))
			continue;
		snprintf(path, sizeof(path), "applications[%d]", a->index);
		if (kiosk != NULL) {
			char why[POLICY_REASON_MAX];

			snprintf(why, sizeof(why), "a second kiosk app; "
			    "\"%s\" is the kiosk app", kiosk->package);
			add_detail(b, "applications", path,
			    RULES_REASON_INVALID_VALUE, a->src, why);
			continue;
		}
		if (!allowed(b, POLICY_CAP_KIOSK, "applications", path,
		    a->src))
			break;
		kiosk = a;
		if ((s = add_setting(b, POLICY_SET_KIOSK, POLICY_KIOSK_KEY,
		    "applications", path, a->src)) == NULL)
			return;
		snprintf(s->v.command, sizeof(s->v.command), "%s",
		    a->command[0] != '\0' ? a->command : a->package);
		cat(s->value, sizeof(s->value), "packageName=");
		cat_quoted(s->value, sizeof(s->value), a->package);
		cat(s->value, sizeof(s->value), ",command=");
		cat_quoted(s->value, sizeof(s->value), s->v.command);
	}
	if (p->kiosk_custom_present &&
	    allowed(b, POLICY_CAP_KIOSK, "kioskCustomization",
	    "kioskCustomization", p->src[POLICY_F_KIOSK_CUSTOM]) &&
	    (s = add_setting(b, POLICY_SET_KIOSK_CUSTOM, "kioskCustomization",
	    "kioskCustomization", "kioskCustomization",
	    p->src[POLICY_F_KIOSK_CUSTOM])) != NULL) {
		kiosk_custom_text(&p->kiosk, s->value, sizeof(s->value));
		s->v.kiosk = p->kiosk;
	}
}

static void
build_apps(struct build *b)
{
	const struct policy *p = b->p;
	char key[POLICY_SETTING_KEY_MAX], path[POLICY_PATH_MAX];
	struct policy_setting *s;
	size_t i;

	for (i = 0; i < p->napps; i++) {
		const struct policy_app *a = &p->apps[i];
		bool custom = a->install_type == POLICY_INSTALL_CUSTOM;

		if (policy_app_is_kiosk(a))
			continue;
		snprintf(path, sizeof(path), "applications[%d]", a->index);
		snprintf(key, sizeof(key), "applications[%s]", a->package);
		if ((s = add_setting(b, custom ? POLICY_SET_UNENFORCEABLE :
		    POLICY_SET_APP, key, "applications", path, a->src)) ==
		    NULL)
			return;
		snprintf(s->value, sizeof(s->value), "installType=%s",
		    policy_enum_name(policy_enum_install, a->install_type));
		if (a->min_version_code > 0)
			cat(s->value, sizeof(s->value),
			    ",minimumVersionCode=%lld",
			    (long long)a->min_version_code);
		if (custom) {
			snprintf(s->v.reason, sizeof(s->v.reason), "CUSTOM "
			    "installs need an extension app; Linux has none");
			continue;
		}
		snprintf(s->v.app.package, sizeof(s->v.app.package), "%s",
		    a->package);
		s->v.app.install_type = a->install_type;
		s->v.app.min_version_code = a->min_version_code;
	}
}

/* ------------------------------------------------------------------ */
/* Unknown fields                                                       */
/* ------------------------------------------------------------------ */

static void
build_unsupported(struct build *b)
{
	const struct policy *p = b->p;
	char name[POLICY_SETTING_NAME_MAX], why[POLICY_REASON_MAX];
	size_t i;

	for (i = 0; i < p->nunsupported; i++) {
		const char *path = p->unsupported[i].field_path;
		size_t n = strcspn(path, ".[");

		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, path, n);
		name[n] = '\0';
		add_detail(b, name, path, RULES_REASON_UNSUPPORTED,
		    p->unsupported[i].src, "warden does not support this "
		    "field");
	}
	if (p->unsupported_dropped > 0) {
		snprintf(why, sizeof(why), "%zu more unsupported fields are "
		    "not listed", p->unsupported_dropped);
		add_detail(b, "", "", RULES_REASON_UNSUPPORTED, 0, why);
	}
}

/* ------------------------------------------------------------------ */
/* Entry points                                                         */
/* ------------------------------------------------------------------ */

int
policy_settings_build(const struct policy *p, enum policy_mode m,
    struct policy_settings *out, struct policy_details *details)
{
	struct build b;
	struct policy_setting *s;

	policy_settings_free(out);
	policy_details_free(details);
	memset(&b, 0, sizeof(b));
	b.p = p;
	b.mode = m;
	b.out = out;
	b.det = details;
	if (policy_mode_allows(m, POLICY_CAP_WORK_PROFILE) &&
	    (s = add_setting(&b, POLICY_SET_WORK_PROFILE, "workProfile",
	    "workProfile", "", 0)) != NULL) {
		snprintf(s->value, sizeof(s->value), "present");
		snprintf(s->source, sizeof(s->source), "preset:%s",
		    policy_mode_name(m));
	}
	build_networks(&b);
	build_passcodes(&b);
	build_restrictions(&b);
	build_kiosk(&b);
	build_apps(&b);
	build_unsupported(&b);
	if (b.failed) {
		policy_settings_free(out);
		policy_details_free(details);
		return -1;
	}
	return 0;
}

void
policy_settings_free(struct policy_settings *s)
{
	if (s->s != NULL) {
		explicit_bzero(s->s, s->cap * sizeof(*s->s));
		free(s->s);
	}
	memset(s, 0, sizeof(*s));
}

void
policy_details_free(struct policy_details *d)
{
	free(d->d);
	memset(d, 0, sizeof(*d));
}

const struct policy_setting *
policy_settings_find(const struct policy_settings *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->s[i].key, key) == 0)
			return &s->s[i];
	return NULL;
}

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
policy_setting_kind_of_key(const char *key, enum policy_setting_kind *kind,
    enum hal_scope *scope)
{
	static const struct {
		const char *key;
		enum policy_setting_kind kind;
		enum hal_scope scope;
	} fixed[] = {
		{ "workProfile", POLICY_SET_WORK_PROFILE, HAL_SCOPE_DEVICE },
		{ "passwordPolicies[SCOPE_DEVICE]", POLICY_SET_PASSCODE,
		    HAL_SCOPE_DEVICE },
		{ "maximumTimeToLock", POLICY_SET_PASSCODE, HAL_SCOPE_DEVICE },
		{ "passwordPolicies[SCOPE_PROFILE]", POLICY_SET_PASSCODE,
		    HAL_SCOPE_PROFILE },
		{ "cameraAccess", POLICY_SET_CAMERA, HAL_SCOPE_DEVICE },
		{ "screenCaptureDisabled", POLICY_SET_SCREEN_CAPTURE,
		    HAL_SCOPE_DEVICE },
		{ "usbDataAccess", POLICY_SET_USB_DATA, HAL_SCOPE_DEVICE },
		{ "keyguardDisabledFeatures", POLICY_SET_KEYGUARD,
		    HAL_SCOPE_DEVICE },
		{ "factoryResetDisabled", POLICY_SET_FACTORY_RESET,
		    HAL_SCOPE_DEVICE },
		{ POLICY_KIOSK_KEY, POLICY_SET_KIOSK, HAL_SCOPE_DEVICE },
		{ "kioskCustomization", POLICY_SET_KIOSK_CUSTOM,
		    HAL_SCOPE_DEVICE },
	};
	size_t i;

	*scope = HAL_SCOPE_DEVICE;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (strcmp(key, fixed[i].key) == 0) {
			*kind = fixed[i].kind;
			*scope = fixed[i].scope;
			return 0;
		}
	}
	if (starts(key, "openNetworkConfiguration[")) {
		*kind = POLICY_SET_WIFI;
		return 0;
	}
	if (starts(key, "applications[")) {
		*kind = POLICY_SET_APP;
		return 0;
	}
	return -1;
}

void
policy_requirements_fill(const struct policy *p, enum policy_mode m,
    struct policy_requirements *req)
{
	struct policy_password dev, prof, *pw = NULL;
	enum hal_scope scope = HAL_SCOPE_DEVICE;
	int64_t lock = 0;

	memset(req, 0, sizeof(*req));
	resolve_passwords(p, m, &dev, &prof);
	if (!policy_mode_allows(m, POLICY_CAP_PASSCODE_DEVICE))
		dev.present = false;
	if (!policy_mode_allows(m, POLICY_CAP_PASSCODE_PROFILE))
		prof.present = false;
	if (dev.present)
		pw = &dev;
	else if (prof.present) {
		pw = &prof;
		scope = HAL_SCOPE_PROFILE;
	}
	if (policy_mode_allows(m, POLICY_CAP_LOCK_TIMEOUT))
		lock = p->max_time_to_lock_ms;
	if (pw != NULL) {
		to_hal(pw, scope, scope == HAL_SCOPE_DEVICE ? lock : 0,
		    &req->passcode);
		req->passcode_required = pw->quality != HAL_PW_UNSPECIFIED ||
		    pw->min_length > 0;
	} else {
		struct policy_password none;

		memset(&none, 0, sizeof(none));
		to_hal(&none, HAL_SCOPE_DEVICE, lock, &req->passcode);
	}
	req->encryption_required =
	    policy_mode_allows(m, POLICY_CAP_ENCRYPTION) &&
	    p->encryption != POLICY_ENCRYPTION_UNSPECIFIED;
	if (policy_mode_allows(m, POLICY_CAP_OS_FLOOR))
		snprintf(req->min_os_version, sizeof(req->min_os_version),
		    "%s", p->min_os_version);
	req->camera_blocked = policy_mode_allows(m, POLICY_CAP_CAMERA) &&
	    p->camera == POLICY_CAMERA_DISABLED;
	req->screen_capture_blocked =
	    policy_mode_allows(m, POLICY_CAP_SCREEN_CAPTURE) &&
	    p->screen_capture_disabled == POLICY_TRUE;
	req->usb_data_blocked = policy_mode_allows(m, POLICY_CAP_USB) &&
	    p->usb == POLICY_USB_DISALLOW_DATA_TRANSFER;
	req->version = (long long)p->version;
}
