/*
 * sim_ops.c - the simulated device's subsystems. Each op loads the state
 * file, fails if told to (`wardenctl sim fail OP ERRNO`), changes the
 * facts a real device would change, saves, and logs itself to ops.log.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal/sim/sim.h"

/* Starts op `name` on ctx; returns from the caller if it must fail. */
#define SIM_BEGIN(s, ctx, name)                          \
	struct sim *s = (ctx);                           \
	int rc_ = sim_begin(s, name);                    \
	if (rc_ != 0)                                    \
		return sim_end(s, name, "", rc_, false)

static int
sim_identity_get(void *ctx, char *manufacturer, size_t mlen, char *model,
    size_t molen, char *serial, size_t slen)
{
	SIM_BEGIN(s, ctx, "identity.get");
	snprintf(manufacturer, mlen, "%s",
	    sim_get_str(sim_facts(s), "hw.manufacturer", ""));
	snprintf(model, molen, "%s", sim_get_str(sim_facts(s), "hw.model", ""));
	snprintf(serial, slen, "%s", sim_get_str(sim_facts(s), "hw.serial", ""));
	sim_unload(s);
	return 0;
}

static int
sim_hw_keystore(void *ctx, bool *present)
{
	(void)ctx;
	*present = false;
	return 0;
}

static const struct hal_identity_ops sim_identity = {
	.get = sim_identity_get,
	.hw_keystore = sim_hw_keystore,
};

static int
sim_passcode_apply(void *ctx, const struct hal_passcode_policy *p)
{
	char args[256];
	cJSON *pp;

	SIM_BEGIN(s, ctx, "passcode.apply");
	snprintf(args, sizeof(args),
	    "quality=%s minLength=%d scope=%s history=%d expiry=%" PRId64
	    "s maxFailedForWipe=%d maxTimeToLock=%" PRId64 "ms",
	    hal_pw_quality_name(p->quality), p->min_length,
	    p->scope == HAL_SCOPE_PROFILE ? "profile" : "device",
	    p->history_length, p->expiration_seconds, p->max_failed_for_wipe,
	    p->max_time_to_lock_ms);
	pp = cJSON_CreateObject();
	cJSON_AddStringToObject(pp, "quality", hal_pw_quality_name(p->quality));
	cJSON_AddNumberToObject(pp, "minLength", p->min_length);
	cJSON_AddNumberToObject(pp, "historyLength", p->history_length);
	cJSON_AddNumberToObject(pp, "expirationSeconds",
	    (double)p->expiration_seconds);
	cJSON_AddNumberToObject(pp, "maxFailedForWipe", p->max_failed_for_wipe);
	cJSON_AddNumberToObject(pp, "maxTimeToLockMs",
	    (double)p->max_time_to_lock_ms);
	cJSON_DeleteItemFromObjectCaseSensitive(sim_state(s), "passcodePolicy");
	cJSON_AddItemToObject(sim_state(s), "passcodePolicy", pp);
	return sim_end(s, "passcode.apply", args, 0, true);
}

static int
sim_passcode_status(void *ctx, struct hal_passcode_status *st)
{
	enum hal_pw_quality q = HAL_PW_UNSPECIFIED;

	SIM_BEGIN(s, ctx, "passcode.status");
	memset(st, 0, sizeof(*st));
	st->set = sim_get_bool(sim_facts(s), "passcode.set", false);
	hal_pw_quality_parse(sim_get_str(sim_facts(s), "passcode.quality", ""),
	    &q);
	st->quality = q;
	st->length = (int)sim_get_int(sim_facts(s), "passcode.length", 0);
	st->age_days = sim_get_int(sim_facts(s), "passcode.age_days", 0);
	st->failed_attempts =
	    (int)sim_get_int(sim_facts(s), "passcode.failed_attempts", 0);
	sim_unload(s);
	return 0;
}

/* A new passcode's quality, judged the way Android classifies one. */
static const char *
classify(const char *pw)
{
	bool digit = false, alpha = false, other = false;
	const char *p;

	for (p = pw; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = true;
		else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			alpha = true;
		else
			other = true;
	}
	if (other)
		return "COMPLEX";
	if (alpha && digit)
		return "ALPHANUMERIC";
	if (alpha)
		return "ALPHABETIC";
	return "NUMERIC";
}

static int
sim_passcode_reset(void *ctx, const char *newpw, bool require_entry)
{
	char args[64];

	SIM_BEGIN(s, ctx, "passcode.reset");
	/* The passcode itself is a secret: only its shape is logged. */
	snprintf(args, sizeof(args), "length=%zu requireEntry=%s",
	    strlen(newpw), require_entry ? "true" : "false");
	sim_set_bool(sim_facts(s), "passcode.set", *newpw != '\0');
	sim_set_str(sim_facts(s), "passcode.quality",
	    *newpw != '\0' ? classify(newpw) : "PASSWORD_QUALITY_UNSPECIFIED");
	sim_set_int(sim_facts(s), "passcode.length", (double)strlen(newpw));
	sim_set_int(sim_facts(s), "passcode.age_days", 0);
	sim_set_int(sim_facts(s), "passcode.failed_attempts", 0);
	return sim_end(s, "passcode.reset", args, 0, true);
}

static const struct hal_passcode_ops sim_passcode = {
	.apply = sim_passcode_apply,
	.status = sim_passcode_status,
	.reset = sim_passcode_reset,
};

static int
sim_camera_set_allowed(void *ctx, bool allowed)
{
	SIM_BEGIN(s, ctx, "camera.set_allowed");
	sim_set_bool(sim_facts(s), "camera.blocked", !allowed);
	return sim_end(s, "camera.set_allowed",
	    allowed ? "allowed=true" : "allowed=false", 0, true);
}

static int
sim_camera_get_allowed(void *ctx, bool *allowed)
{
	SIM_BEGIN(s, ctx, "camera.get_allowed");
	*allowed = !sim_get_bool(sim_facts(s), "camera.blocked", false);
	sim_unload(s);
	return 0;
}

static const struct hal_camera_ops sim_camera = {
	.set_allowed = sim_camera_set_allowed,
	.get_allowed = sim_camera_get_allowed,
};

static int
sim_lock_now(void *ctx, enum hal_scope scope)
{
	SIM_BEGIN(s, ctx, "lock.now");
	sim_set_bool(sim_facts(s), "screen.locked", true);
	return sim_end(s, "lock.now",
	    scope == HAL_SCOPE_PROFILE ? "scope=profile" : "scope=device", 0,
	    true);
}

static int
sim_lock_set_message(void *ctx, const char *msg)
{
	char args[300];

	SIM_BEGIN(s, ctx, "lock.set_message");
	if (msg != NULL) {
		sim_set_str(sim_state(s), "lockMessage", msg);
		snprintf(args, sizeof(args), "message=\"%.256s\"", msg);
	} else {
		cJSON_DeleteItemFromObjectCaseSensitive(sim_state(s),
		    "lockMessage");
		snprintf(args, sizeof(args), "message=none");
	}
	return sim_end(s, "lock.set_message", args, 0, true);
}

static const struct hal_lock_ops sim_lock = {
	.lock_now = sim_lock_now,
	.set_message = sim_lock_set_message,
};

static int
sim_factory_reset(void *ctx)
{
	SIM_BEGIN(s, ctx, "wipe.factory_reset");
	sim_set_int(sim_state(s), "factoryResets",
	    (double)sim_get_int(sim_state(s), "factoryResets", 0) + 1);
	sim_set_bool(sim_facts(s), "profile.exists", false);
	sim_set_bool(sim_facts(s), "kiosk.active", false);
	return sim_end(s, "wipe.factory_reset", "", 0, true);
}

static int
sim_wipe_profile(void *ctx)
{
	SIM_BEGIN(s, ctx, "wipe.profile");
	sim_set_bool(sim_facts(s), "profile.exists", false);
	return sim_end(s, "wipe.profile", "", 0, true);
}

static const struct hal_wipe_ops sim_wipe = {
	.factory_reset = sim_factory_reset,
	.wipe_profile = sim_wipe_profile,
};

static int
sim_reboot(void *ctx)
{
	SIM_BEGIN(s, ctx, "power.reboot");
	sim_set_int(sim_state(s), "reboots",
	    (double)sim_get_int(sim_state(s), "reboots", 0) + 1);
	sim_set_bool(sim_facts(s), "screen.locked", true);
	return sim_end(s, "power.reboot", "", 0, true);
}

/* Records the URI and counts the updates (state.osUpdateUri,
 * state.osUpdates); `sim fail power.os_update ERRNO` makes it fail. */
static int
sim_os_update(void *ctx, const char *uri)
{
	struct sim *s = ctx;
	int rc;

	if ((rc = sim_begin(s, "power.os_update")) != 0)
		return sim_end(s, "power.os_update", uri, rc, false);
	sim_set_int(sim_state(s), "osUpdates",
	    (double)sim_get_int(sim_state(s), "osUpdates", 0) + 1);
	sim_set_str(sim_state(s), "osUpdateUri", uri);
	return sim_end(s, "power.os_update", uri, 0, true);
}

static const struct hal_power_ops sim_power = {
	.reboot = sim_reboot,
	.os_update = sim_os_update,
};

static int
sim_profile_create(void *ctx)
{
	SIM_BEGIN(s, ctx, "profile.create");
	sim_set_bool(sim_facts(s), "profile.exists", true);
	return sim_end(s, "profile.create", "", 0, true);
}

static int
sim_profile_remove(void *ctx)
{
	SIM_BEGIN(s, ctx, "profile.remove");
	sim_set_bool(sim_facts(s), "profile.exists", false);
	return sim_end(s, "profile.remove", "", 0, true);
}

static int
sim_profile_status(void *ctx, bool *exists)
{
	SIM_BEGIN(s, ctx, "profile.status");
	*exists = sim_get_bool(sim_facts(s), "profile.exists", false);
	sim_unload(s);
	return 0;
}

static const struct hal_profile_ops sim_profile = {
	.create = sim_profile_create,
	.remove = sim_profile_remove,
	.status = sim_profile_status,
};

static int
sim_kiosk_enter(void *ctx, const char *app)
{
	char args[300];

	SIM_BEGIN(s, ctx, "kiosk.enter");
	snprintf(args, sizeof(args), "app=\"%.256s\"", app);
	sim_set_bool(sim_facts(s), "kiosk.active", true);
	sim_set_str(sim_state(s), "kioskApp", app);
	return sim_end(s, "kiosk.enter", args, 0, true);
}

static int
sim_kiosk_exit(void *ctx)
{
	SIM_BEGIN(s, ctx, "kiosk.exit");
	sim_set_bool(sim_facts(s), "kiosk.active", false);
	cJSON_DeleteItemFromObjectCaseSensitive(sim_state(s), "kioskApp");
	return sim_end(s, "kiosk.exit", "", 0, true);
}

static int
sim_kiosk_customize(void *ctx, const struct hal_kiosk_custom *k, char *why,
    size_t whylen)
{
	char args[400];
	cJSON *o;

	(void)why;
	(void)whylen;
	SIM_BEGIN(s, ctx, "kiosk.customize");
	snprintf(args, sizeof(args), "%s %s %s %s %s", k->power_button,
	    k->error_warnings, k->navigation, k->status_bar,
	    k->device_settings);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "powerButtonActions", k->power_button);
	cJSON_AddStringToObject(o, "systemErrorWarnings", k->error_warnings);
	cJSON_AddStringToObject(o, "systemNavigation", k->navigation);
	cJSON_AddStringToObject(o, "statusBar", k->status_bar);
	cJSON_AddStringToObject(o, "deviceSettings", k->device_settings);
	cJSON_DeleteItemFromObjectCaseSensitive(sim_state(s),
	    "kioskCustomization");
	cJSON_AddItemToObject(sim_state(s), "kioskCustomization", o);
	return sim_end(s, "kiosk.customize", args, 0, true);
}

static int
sim_kiosk_status(void *ctx, char *app, size_t len)
{
	SIM_BEGIN(s, ctx, "kiosk.status");
	snprintf(app, len, "%s",
	    sim_get_bool(sim_facts(s), "kiosk.active", false) ?
	    sim_get_str(sim_state(s), "kioskApp", "") : "");
	sim_unload(s);
	return 0;
}

static const struct hal_kiosk_ops sim_kiosk = {
	.enter = sim_kiosk_enter,
	.customize = sim_kiosk_customize,
	.exit = sim_kiosk_exit,
	.status = sim_kiosk_status,
};

/* Sets a boolean fact and logs "<op> allowed=<v>". */
static int
set_allowed_fact(void *ctx, const char *op, const char *fact, bool allowed)
{
	SIM_BEGIN(s, ctx, op);
	sim_set_bool(sim_facts(s), fact, !allowed);
	return sim_end(s, op, allowed ? "allowed=true" : "allowed=false", 0,
	    true);
}

static int
sim_screen_capture(void *ctx, bool allowed)
{
	return set_allowed_fact(ctx, "restrict.screen_capture",
	    "screen_capture.blocked", allowed);
}

static int
sim_usb_data(void *ctx, bool allowed)
{
	return set_allowed_fact(ctx, "restrict.usb_data", "usb.data_blocked",
	    allowed);
}

static int
sim_keyguard(void *ctx, uint32_t mask)
{
	char args[32];

	SIM_BEGIN(s, ctx, "restrict.keyguard_features");
	snprintf(args, sizeof(args), "disabled=0x%" PRIx32, mask);
	sim_set_int(sim_state(s), "keyguardDisabled", mask);
	return sim_end(s, "restrict.keyguard_features", args, 0, true);
}

static int
sim_factory_reset_allowed(void *ctx, bool allowed)
{
	SIM_BEGIN(s, ctx, "restrict.factory_reset");
	sim_set_bool(sim_state(s), "factoryResetDisabled", !allowed);
	return sim_end(s, "restrict.factory_reset",
	    allowed ? "allowed=true" : "allowed=false", 0, true);
}

static const struct hal_restrict_ops sim_restrict = {
	.set_screen_capture = sim_screen_capture,
	.set_usb_data = sim_usb_data,
	.set_keyguard_features = sim_keyguard,
	.set_factory_reset_allowed = sim_factory_reset_allowed,
};

static int
sim_apply_wifi(void *ctx, const struct hal_wifi *w)
{
	char args[128];
	cJSON *nets, *n;

	SIM_BEGIN(s, ctx, "network.apply_wifi");
	nets = cJSON_GetObjectItemCaseSensitive(sim_state(s), "wifi");
	if (!cJSON_IsObject(nets)) {
		cJSON_DeleteItemFromObjectCaseSensitive(sim_state(s), "wifi");
		nets = cJSON_AddObjectToObject(sim_state(s), "wifi");
	}
	n = cJSON_CreateObject();
	cJSON_AddStringToObject(n, "security", w->security);
	cJSON_AddBoolToObject(n, "hidden", w->hidden);
	/* The passphrase stays out of the state file and the log. */
	cJSON_AddBoolToObject(n, "hasPassword", w->password[0] != '\0');
	if (w->eap_method[0])
		cJSON_AddStringToObject(n, "eapMethod", w->eap_method);
	cJSON_DeleteItemFromObjectCaseSensitive(nets, w->ssid);
	cJSON_AddItemToObject(nets, w->ssid, n);
	snprintf(args, sizeof(args), "ssid=\"%s\" security=%s hidden=%s",
	    w->ssid, w->security, w->hidden ? "true" : "false");
	return sim_end(s, "network.apply_wifi", args, 0, true);
}

static int
set_state_str(void *ctx, const char *op, const char *key, const char *v)
{
	char args[128];

	SIM_BEGIN(s, ctx, op);
	sim_set_str(sim_state(s), key, v);
	snprintf(args, sizeof(args), "%s=%.64s", key, v);
	return sim_end(s, op, args, 0, true);
}

static int
sim_set_locale(void *ctx, const char *locale)
{
	return set_state_str(ctx, "network.set_locale", "locale", locale);
}

static int
sim_set_timezone(void *ctx, const char *tz)
{
	return set_state_str(ctx, "network.set_timezone", "timeZone", tz);
}

static const struct hal_network_ops sim_network = {
	.apply_wifi = sim_apply_wifi,
	.set_locale = sim_set_locale,
	.set_timezone = sim_set_timezone,
};

/*
 * The sim's "keystore": a random 32-byte key in DIR/sealing.key, made on
 * first use, mode 0600.
 */
static int
sim_sealing_key(void *ctx, uint8_t key[32])
{
	char path[600];
	int fd, rc = 0;

	SIM_BEGIN(s, ctx, "certstore.sealing_key");
	sim_unload(s);
	snprintf(path, sizeof(path), "%s/sealing.key", s->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, key, 32) != 32)
			rc = -EIO;
		close(fd);
		return rc;
	}
	if (getrandom(key, 32, 0) != 32)
		return -EIO;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, key, 32) != 32 || fsync(fd) != 0)
		rc = -EIO;
	close(fd);
	return rc;
}

static int
sim_install_ca(void *ctx, const char *name, const uint8_t *der, size_t len)
{
	char args[128];

	(void)der;
	SIM_BEGIN(s, ctx, "certstore.install_ca");
	snprintf(args, sizeof(args), "name=%.64s bytes=%zu", name, len);
	sim_set_int(sim_state(s), "caInstalled", (double)len);
	return sim_end(s, "certstore.install_ca", args, 0, true);
}

static const struct hal_certstore_ops sim_certstore = {
	.sealing_key = sim_sealing_key,
	.install_ca = sim_install_ca,
};

static const struct hal_facts_ops sim_facts_ops = {
	.read = sim_facts_read,
};

/* Reads DIR/<name> (at most len bytes) as what the hardware delivered. */
static int
read_input(struct sim *s, const char *name, uint8_t *buf, size_t len,
    size_t *outlen)
{
	char path[600];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? -ENODATA : -errno;
	n = read(fd, buf, len);
	if (n >= 0 && (size_t)n == len) {
		char extra;
		if (read(fd, &extra, 1) == 1)
			n = -2; /* larger than the caller's bound */
	}
	close(fd);
	if (n == -2)
		return -EMSGSIZE;
	if (n < 0)
		return -EIO;
	*outlen = (size_t)n;
	return 0;
}

/* The NFC reader "sees" DIR/nfc.ndef (a raw NDEF message). */
static int
sim_read_ndef(void *ctx, uint8_t *buf, size_t len, size_t *outlen)
{
	char args[32];
	int rc;

	SIM_BEGIN(s, ctx, "nfc.read_ndef");
	rc = read_input(s, "nfc.ndef", buf, len, outlen);
	snprintf(args, sizeof(args), "bytes=%zu", rc == 0 ? *outlen : 0);
	return sim_end(s, "nfc.read_ndef", args, rc, false);
}

/*
 * The camera sees DIR/camera.png or DIR/camera.pgm (decoded like a camera
 * frame); without an image, DIR/camera.txt stands for the text a QR code
 * would carry.
 */
/* The camera's picture: DIR/camera.png or camera.pgm, whole, in a
 * malloc'd *pic; -ENODATA when there is none. */
static int
read_picture(struct sim *s, uint8_t **pic, size_t *len)
{
	static const char *const names[] = { "camera.png", "camera.pgm" };
	char path[600];
	struct stat st;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", s->dir, names[i]);
		if (stat(path, &st) != 0)
			continue;
		if (st.st_size > HAL_CAMERA_PICTURE_MAX)
			return -EMSGSIZE;
		if ((*pic = malloc((size_t)st.st_size + 1)) == NULL)
			return -ENOMEM;
		if ((rc = read_input(s, names[i], *pic, (size_t)st.st_size + 1,
		    len)) != 0) {
			free(*pic);
			*pic = NULL;
		}
		return rc;
	}
	return -ENODATA;
}

/*
 * The camera "sees" DIR/camera.png or .pgm, a picture the agent's
 * decoder reads (one picture: no code in it is -EBADMSG), or else
 * DIR/camera.txt, the text a code would carry.
 */
static int
sim_scan_qr(void *ctx, const struct hal_qr_decoder *dec, char *buf,
    size_t len)
{
	uint8_t *pic = NULL;
	size_t n = 0;
	int rc;

	if (len == 0)
		return -EINVAL;
	SIM_BEGIN(s, ctx, "camera_scan.scan_qr");
	buf[0] = '\0';
	if ((rc = read_picture(s, &pic, &n)) == 0) {
		rc = dec != NULL ? dec->decode(dec->arg, pic, n, buf, len) :
		    -ENOSYS;
		free(pic);
		if (rc == -EAGAIN)
			rc = -EBADMSG;
		return sim_end(s, "camera_scan.scan_qr", "image", rc, false);
	}
	if (rc == -ENODATA) {
		rc = read_input(s, "camera.txt", (uint8_t *)buf, len - 1, &n);
		buf[rc == 0 ? n : 0] = '\0';
		if (rc == 0 && memchr(buf, '\0', n) != NULL)
			rc = -EBADMSG;
	}
	return sim_end(s, "camera_scan.scan_qr", "", rc, false);
}

static const struct hal_nfc_ops sim_nfc = {
	.read_ndef = sim_read_ndef,
};

static const struct hal_camera_scan_ops sim_camera_scan = {
	.scan_qr = sim_scan_qr,
};

const struct hal_backend hal_sim_backend = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.watch_fd = sim_watch_fd,
	.watch_drain = sim_watch_drain,
	.identity = &sim_identity,
	.passcode = &sim_passcode,
	.camera = &sim_camera,
	.lock = &sim_lock,
	.wipe = &sim_wipe,
	.power = &sim_power,
	.profile = &sim_profile,
	.kiosk = &sim_kiosk,
	.restrict_ = &sim_restrict,
	.network = &sim_network,
	.certstore = &sim_certstore,
	.facts = &sim_facts_ops,
	.nfc = &sim_nfc,
	.camera_scan = &sim_camera_scan,
	.apps = &sim_apps_ops,
	.control = sim_control,
};
