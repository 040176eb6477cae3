/*
 * linux_restrict.c - screen capture, USB data and user factory reset
 * restrictions, and the camera/screen/USB facts.
 *
 * Linux has no single switch for screen capture or for a user-started
 * factory reset: warden records both in /etc/warden/restrictions.conf
 * ("screen_capture = blocked", "factory_reset = blocked"), the interface
 * the device's compositor, greeter and reset UI read (docs/hal-linux.md).
 * USB data is blocked in the kernel: every root hub's authorized_default
 * is set to 0, so a device plugged in later is not authorised, and a udev
 * rule does the same for root hubs that appear after boot.
 */
#include <errno.h>
#include <string.h>

#include "hal/linux/linux.h"

#define RESTRICTIONS "/etc/warden/restrictions.conf"
#define USB_RULE "/etc/udev/rules.d/70-warden-usb.rules"
#define USB_DEVICES "/sys/bus/usb/devices"
#define HUBS_MAX 64

static const char usb_rule[] =
    "# Written by warden: usbDataAccess disallows USB data.\n"
    "# Devices plugged in after a root hub appears are not authorised.\n"
    "ACTION==\"add\", SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\", "
    "ATTR{authorized_default}==\"?*\", ATTR{authorized_default}=\"0\"\n";

static int
set_restriction(struct linux_ctx *c, const char *key, bool allowed)
{
	int rc;

	if ((rc = linux_mkdirs(c, "/etc/warden", 0755)) < 0)
		return rc;
	return linux_conf_update(c, RESTRICTIONS, LINUX_CONF_EQ, key,
	    allowed ? "allowed" : "blocked", 0644);
}

static bool
restriction_blocked(struct linux_ctx *c, const char *key)
{
	char text[4096], val[16];

	return linux_read_file(c, RESTRICTIONS, text, sizeof(text), NULL) ==
	    0 && linux_conf_get(text, LINUX_CONF_EQ, key, val,
	    sizeof(val)) == 0 && strcmp(val, "blocked") == 0;
}

static int
linux_restrict_screen_capture(void *ctx, bool allowed)
{
	return set_restriction(ctx, "screen_capture", allowed);
}

static int
linux_restrict_factory_reset(void *ctx, bool allowed)
{
	return set_restriction(ctx, "factory_reset", allowed);
}

/*
 * Walks the root hubs (usbN). With value non-NULL writes it to each
 * authorized_default; always returns whether all of them read "0" in
 * *all_zero (true when there is none).
 */
static int
root_hubs(struct linux_ctx *c, const char *value, bool *all_zero)
{
	char path[LINUX_PATH_MAX], val[8], **names;
	size_t i, n;
	int rc = 0;

	*all_zero = true;
	if ((rc = linux_list_dir(c, USB_DEVICES, HUBS_MAX * 4, &names,
	    &n)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		if (strncmp(names[i], "usb", 3) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/authorized_default",
		    USB_DEVICES, names[i]);
		if (value != NULL && linux_write_attr(c, path, value) < 0)
			rc = -EIO;
		if (linux_read_line(c, path, val, sizeof(val)) < 0 ||
		    strcmp(val, "0") != 0)
			*all_zero = false;
	}
	linux_names_free(names, n);
	return rc;
}

static bool
usb_blocked(struct linux_ctx *c)
{
	struct stat st;
	bool zero;

	return linux_lstat(c, USB_RULE, &st) == 0 &&
	    root_hubs(c, NULL, &zero) == 0 && zero;
}

static int
linux_restrict_usb_data(void *ctx, bool allowed)
{
	struct linux_ctx *c = ctx;
	bool zero;
	int rc;

	if (!allowed) {
		if ((rc = linux_mkdirs(c, "/etc/udev/rules.d", 0755)) < 0 ||
		    (rc = linux_write_atomic(c, USB_RULE, usb_rule,
		    strlen(usb_rule), 0644)) < 0)
			return rc;
	} else if ((rc = linux_unlink(c, USB_RULE)) < 0) {
		return rc;
	}
	if ((rc = root_hubs(c, allowed ? "1" : "0", &zero)) < 0)
		return rc;
	return usb_blocked(c) == !allowed ? 0 : -EIO;
}

int
linux_facts_restrict(struct linux_ctx *c, struct hal_facts *fs)
{
	bool present, blocked;
	int rc;

	if ((rc = linux_camera_state(c, &present, &blocked)) == 0 &&
	    ((rc = hal_fact_bool(fs, "camera.present", present)) < 0 ||
	    (rc = hal_fact_bool(fs, "camera.blocked", blocked)) < 0))
		return rc;
	if ((rc = hal_fact_bool(fs, "screen_capture.blocked",
	    restriction_blocked(c, "screen_capture"))) < 0 ||
	    (rc = hal_fact_bool(fs, "usb.data_blocked", usb_blocked(c))) < 0)
		return rc;
	if ((rc = linux_screen_locked(c, &blocked)) == 0)
		return hal_fact_bool(fs, "screen.locked", blocked);
	return 0;
}

const struct hal_restrict_ops linux_restrict_ops = {
	.set_screen_capture = linux_restrict_screen_capture,
	.set_usb_data = linux_restrict_usb_data,
	/* No Linux lock screen exposes per-feature switches. */
	.set_keyguard_features = NULL,
	.set_factory_reset_allowed = linux_restrict_factory_reset,
};
