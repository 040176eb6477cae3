/*
 * hal.c - the backend registry and the op wrappers.
 *
 * The wrappers are the only way the agent calls a backend: they turn a
 * missing subsystem or optional op into -ENOSYS so callers never test for
 * NULL themselves.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"

/* The compiled-in backends (Kconfig selects the files). */
static const struct hal_backend *const registry[] = {
#ifdef CONFIG_HAL_SIM
	&hal_sim_backend,
#endif
#ifdef CONFIG_HAL_LINUX
	&hal_linux_backend,
#endif
	NULL,
};

const char *const *
hal_backend_names(void)
{
	static const char *names[sizeof(registry) / sizeof(registry[0])];
	size_t i;

	for (i = 0; registry[i] != NULL; i++)
		names[i] = registry[i]->name;
	names[i] = NULL;
	return names;
}

const struct hal_backend *
hal_backend_find(const char *name)
{
	size_t i;

	for (i = 0; registry[i] != NULL; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

/* The registry index of spec's backend; -1 with the reason in err. */
static int
find_backend(const char *spec, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t namelen = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
	char built[64] = "";
	size_t i;

	for (i = 0; registry[i] != NULL; i++) {
		if (strlen(registry[i]->name) == namelen &&
		    strncmp(registry[i]->name, spec, namelen) == 0)
			return (int)i;
	}
	/* A product build leaves the simulator out: say what is in. */
	for (i = 0; registry[i] != NULL; i++)
		snprintf(built + strlen(built), sizeof(built) - strlen(built),
		    "%s%s", i > 0 ? ", " : "", registry[i]->name);
	snprintf(err, errlen, "HAL backend \"%.*s\" is not in this build "
	    "(built in: %s)%s", (int)(namelen > 32 ? 32 : namelen), spec,
	    built, namelen == 0 ? "; expected name:argument" : "");
	return -1;
}

int
hal_check_spec(const char *spec, char *err, size_t errlen)
{
	return find_backend(spec, err, errlen) < 0 ? -1 : 0;
}

int
hal_open(struct hal *h, const char *spec, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	const char *arg = colon != NULL ? colon + 1 : "";
	int i, rc;

	memset(h, 0, sizeof(*h));
	if ((i = find_backend(spec, err, errlen)) < 0)
		return -1;
	rc = registry[i]->open(arg, &h->ctx);
	if (rc < 0) {
		snprintf(err, errlen, "HAL backend %s: cannot open \"%s\": %s",
		    registry[i]->name, arg, strerror(-rc));
		return -1;
	}
	h->be = registry[i];
	return 0;
}

void
hal_close(struct hal *h)
{
	if (h->be != NULL)
		h->be->close(h->ctx);
	h->be = NULL;
	h->ctx = NULL;
}

/* Calls op `fn` of subsystem `sub` or yields -ENOSYS. */
#define HAL_CALL(h, sub, fn, ...)                                      \
	(((h)->be == NULL || (h)->be->sub == NULL ||                   \
	     (h)->be->sub->fn == NULL) ?                               \
		-ENOSYS :                                              \
		(h)->be->sub->fn((h)->ctx, ##__VA_ARGS__))

int
hal_identity_get(struct hal *h, char *manufacturer, size_t mlen, char *model,
    size_t molen, char *serial, size_t slen)
{
	return HAL_CALL(h, identity, get, manufacturer, mlen, model, molen,
	    serial, slen);
}

int
hal_identity_hw_keystore(struct hal *h, bool *present)
{
	return HAL_CALL(h, identity, hw_keystore, present);
}

int
hal_passcode_apply(struct hal *h, const struct hal_passcode_policy *p)
{
	return HAL_CALL(h, passcode, apply, p);
}

int
hal_passcode_status(struct hal *h, struct hal_passcode_status *st)
{
	return HAL_CALL(h, passcode, status, st);
}

int
hal_passcode_reset(struct hal *h, const char *newpw, bool require_entry)
{
	return HAL_CALL(h, passcode, reset, newpw, require_entry);
}

int
hal_camera_set_allowed(struct hal *h, bool allowed)
{
	return HAL_CALL(h, camera, set_allowed, allowed);
}

int
hal_camera_get_allowed(struct hal *h, bool *allowed)
{
	return HAL_CALL(h, camera, get_allowed, allowed);
}

int
hal_lock_now(struct hal *h, enum hal_scope scope)
{
	return HAL_CALL(h, lock, lock_now, scope);
}

int
hal_lock_set_message(struct hal *h, const char *msg)
{
	return HAL_CALL(h, lock, set_message, msg);
}

int
hal_wipe_factory_reset(struct hal *h)
{
	return HAL_CALL(h, wipe, factory_reset);
}

int
hal_wipe_profile(struct hal *h)
{
	return HAL_CALL(h, wipe, wipe_profile);
}

int
hal_power_reboot(struct hal *h)
{
	return HAL_CALL(h, power, reboot);
}

int
hal_power_os_update(struct hal *h, const char *uri)
{
	return HAL_CALL(h, power, os_update, uri);
}

int
hal_profile_create(struct hal *h)
{
	return HAL_CALL(h, profile, create);
}

int
hal_profile_remove(struct hal *h)
{
	return HAL_CALL(h, profile, remove);
}

int
hal_profile_status(struct hal *h, bool *exists)
{
	return HAL_CALL(h, profile, status, exists);
}

int
hal_kiosk_enter(struct hal *h, const char *app)
{
	return HAL_CALL(h, kiosk, enter, app);
}

int
hal_kiosk_exit(struct hal *h)
{
	return HAL_CALL(h, kiosk, exit);
}

int
hal_kiosk_status(struct hal *h, char *app, size_t len)
{
	return HAL_CALL(h, kiosk, status, app, len);
}

int
hal_kiosk_customize(struct hal *h, const struct hal_kiosk_custom *k,
    char *why, size_t whylen)
{
	if (whylen > 0)
		why[0] = '\0';
	return HAL_CALL(h, kiosk, customize, k, why, whylen);
}

int
hal_restrict_screen_capture(struct hal *h, bool allowed)
{
	return HAL_CALL(h, restrict_, set_screen_capture, allowed);
}

int
hal_restrict_usb_data(struct hal *h, bool allowed)
{
	return HAL_CALL(h, restrict_, set_usb_data, allowed);
}

int
hal_restrict_keyguard_features(struct hal *h, uint32_t disabled_mask)
{
	return HAL_CALL(h, restrict_, set_keyguard_features, disabled_mask);
}

int
hal_restrict_factory_reset(struct hal *h, bool allowed)
{
	return HAL_CALL(h, restrict_, set_factory_reset_allowed, allowed);
}

int
hal_apps_install(struct hal *h, const char *package, const char *min_version)
{
	return HAL_CALL(h, apps, install, package, min_version);
}

int
hal_apps_remove(struct hal *h, const char *package)
{
	return HAL_CALL(h, apps, remove, package);
}

int
hal_apps_set_blocked(struct hal *h, const char *package, bool blocked)
{
	return HAL_CALL(h, apps, set_blocked, package, blocked);
}

int
hal_apps_list(struct hal *h, struct hal_app **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return HAL_CALL(h, apps, list, out, n);
}

int
hal_apps_watch_path(struct hal *h, char *path, size_t len)
{
	return HAL_CALL(h, apps, watch_path, path, len);
}

const char *
hal_apps_installer(const struct hal *h)
{
	if (h->be == NULL || h->be->apps == NULL)
		return NULL;
	return h->be->apps->installer;
}

static int
by_package(const void *a, const void *b)
{
	return strcmp(((const struct hal_app *)a)->package,
	    ((const struct hal_app *)b)->package);
}

void
hal_apps_sort(struct hal_app *list, size_t n)
{
	if (n > 1)
		qsort(list, n, sizeof(*list), by_package);
}

const struct hal_app *
hal_app_find(const struct hal_app *list, size_t n, const char *package)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(list[mid].package, package);

		if (c == 0)
			return &list[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int64_t
hal_app_version_code(const char *v)
{
	int64_t part[3] = { 0, 0, 0 };
	const char *colon = strchr(v, ':');
	int i;

	/* The epoch is an ordering device of the packager, not a version. */
	if (colon != NULL && colon > v && strspn(v, "0123456789") ==
	    (size_t)(colon - v))
		v = colon + 1;
	if (*v < '0' || *v > '9')
		return 0;
	for (i = 0; i < 3; i++) {
		int64_t n = 0;

		while (*v >= '0' && *v <= '9') {
			if (n < 999)
				n = n * 10 + (*v - '0');
			v++;
		}
		part[i] = n > 999 ? 999 : n;
		if (*v != '.' || v[1] < '0' || v[1] > '9')
			break;
		v++;
	}
	return part[0] * 1000000 + part[1] * 1000 + part[2];
}

void
hal_app_version_from_code(int64_t code, char *buf, size_t len)
{
	if (code < 0)
		code = 0;
	snprintf(buf, len, "%lld.%lld.%lld", (long long)(code / 1000000),
	    (long long)(code / 1000 % 1000), (long long)(code % 1000));
}

int
hal_network_apply_wifi(struct hal *h, const struct hal_wifi *w)
{
	return HAL_CALL(h, network, apply_wifi, w);
}

int
hal_network_set_locale(struct hal *h, const char *locale)
{
	return HAL_CALL(h, network, set_locale, locale);
}

int
hal_network_set_timezone(struct hal *h, const char *tz)
{
	return HAL_CALL(h, network, set_timezone, tz);
}

int
hal_certstore_sealing_key(struct hal *h, uint8_t key[32])
{
	return HAL_CALL(h, certstore, sealing_key, key);
}

int
hal_certstore_set_keywrap(struct hal *h, const struct hal_keywrap *kw)
{
	return HAL_CALL(h, certstore, set_keywrap, kw);
}

int
hal_certstore_install_ca(struct hal *h, const char *name, const uint8_t *der,
    size_t len)
{
	return HAL_CALL(h, certstore, install_ca, name, der, len);
}

int
hal_facts_read(struct hal *h, struct hal_facts *fs)
{
	return HAL_CALL(h, facts, read, fs);
}

int
hal_nfc_read_ndef(struct hal *h, uint8_t *buf, size_t len, size_t *outlen)
{
	return HAL_CALL(h, nfc, read_ndef, buf, len, outlen);
}

int
hal_camera_scan_qr(struct hal *h, const struct hal_qr_decoder *dec,
    char *buf, size_t len)
{
	return HAL_CALL(h, camera_scan, scan_qr, dec, buf, len);
}

int
hal_watch_fd(struct hal *h)
{
	if (h->be == NULL || h->be->watch_fd == NULL)
		return -1;
	return h->be->watch_fd(h->ctx);
}

int
hal_watch_drain(struct hal *h)
{
	if (h->be != NULL && h->be->watch_drain != NULL)
		return h->be->watch_drain(h->ctx);
	return 1;
}

int
hal_control(struct hal *h, const char *verb, const char *key,
    const char *value, char **reply)
{
	*reply = NULL;
	if (h->be == NULL || h->be->control == NULL)
		return -ENOSYS;
	return h->be->control(h->ctx, verb, key, value, reply);
}

static const char *const pw_quality_names[] = {
	[HAL_PW_UNSPECIFIED] = "PASSWORD_QUALITY_UNSPECIFIED",
	[HAL_PW_SOMETHING] = "SOMETHING",
	[HAL_PW_NUMERIC] = "NUMERIC",
	[HAL_PW_NUMERIC_COMPLEX] = "NUMERIC_COMPLEX",
	[HAL_PW_ALPHABETIC] = "ALPHABETIC",
	[HAL_PW_ALPHANUMERIC] = "ALPHANUMERIC",
	[HAL_PW_COMPLEX] = "COMPLEX",
	[HAL_PW_COMPLEXITY_LOW] = "COMPLEXITY_LOW",
	[HAL_PW_COMPLEXITY_MEDIUM] = "COMPLEXITY_MEDIUM",
	[HAL_PW_COMPLEXITY_HIGH] = "COMPLEXITY_HIGH",
};

const char *
hal_pw_quality_name(enum hal_pw_quality q)
{
	if ((size_t)q >= sizeof(pw_quality_names) / sizeof(pw_quality_names[0]))
		return "PASSWORD_QUALITY_UNSPECIFIED";
	return pw_quality_names[q];
}

int
hal_pw_quality_parse(const char *s, enum hal_pw_quality *q)
{
	size_t i;

	for (i = 0; i < sizeof(pw_quality_names) / sizeof(pw_quality_names[0]);
	     i++) {
		if (strcmp(s, pw_quality_names[i]) == 0) {
			*q = (enum hal_pw_quality)i;
			return 0;
		}
	}
	return -1;
}
