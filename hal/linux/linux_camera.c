/*
 * linux_camera.c - blocking and allowing cameras.
 *
 * Two kinds of camera:
 *  - USB video-class interfaces (/sys/bus/usb/devices/X:Y.Z with
 *    bInterfaceClass 0e): blocked by de-authorising the interface
 *    (`authorized` = 0), which unbinds uvcvideo and keeps it unbound;
 *  - other V4L2 capture devices (/sys/class/video4linux/videoN whose
 *    device is not a USB interface and whose /dev/videoN answers
 *    VIDIOC_QUERYCAP with a capture, non-m2m capability): blocked by
 *    unbinding their driver (device/driver/unbind).
 * A udev rule keeps a re-plugged USB camera de-authorised; the hot-plug
 * watcher (linux_uevent.c) re-applies the block for anything else.
 * The policy itself is the presence of that rule file.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hal/linux/linux.h"

#define UDEV_RULE "/etc/udev/rules.d/70-warden-camera.rules"
/* The V4L2 devices the block unbound, "BUS NAME" a line: their video
 * nodes leave with the driver, so allowing finds them here. */
#define UNBOUND_FILE "camera-unbound"
#define UNBOUND_MAX 4096
#define USB_DEVICES "/sys/bus/usb/devices"
#define V4L_CLASS "/sys/class/video4linux"
#define DEVICES_MAX 256

static const char udev_rule[] =
    "# Written by warden: cameraAccess is CAMERA_ACCESS_DISABLED.\n"
    "# A USB video-class interface starts de-authorised.\n"
    "ACTION==\"add\", SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_interface\", "
    "ATTR{bInterfaceClass}==\"0e\", ATTR{authorized}=\"0\"\n";

struct cam_walk {
	bool present;
	bool all_blocked;
	bool any_blocked;
	int errors;
	int unsettled;		/* V4L2 devices whose /dev node is not there yet */
};

/* A hot-plugged V4L2 device's node is made by udev after the kernel's
 * uevent: the hot-plug block waits for it, 50 ms at a time, 2 s at most. */
#define SETTLE_STEP_US 50000
#define SETTLE_TRIES 40

typedef void (*cam_fn)(struct linux_ctx *c, const char *dir, bool usb,
    struct cam_walk *w, void *arg);

/* true when the USB interface at dir is of the video class. */
static bool
usb_video_interface(struct linux_ctx *c, const char *dir)
{
	char path[LINUX_PATH_MAX], cls[8];

	return strchr(strrchr(dir, '/'), ':') != NULL &&
	    linux_join(path, sizeof(path), dir, "bInterfaceClass") == 0 &&
	    linux_read_line(c, path, cls, sizeof(cls)) == 0 &&
	    strcmp(cls, "0e") == 0;
}

/* A V4L2 node that captures video (not a codec or other m2m device):
 * 1 yes, 0 no, -ENOENT when its /dev node does not exist (yet). */
static int
v4l_capture(struct linux_ctx *c, const char *name)
{
	struct v4l2_capability cap;
	char path[LINUX_PATH_MAX];
	uint32_t caps;
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", name);
	if ((fd = linux_open(c, path, O_RDONLY | O_NONBLOCK, 0)) < 0)
		return fd == -ENOENT ? -ENOENT : 0;
	memset(&cap, 0, sizeof(cap));
	if (ioctl(fd, VIDIOC_QUERYCAP, &cap) != 0) {
		close(fd);
		return 0;
	}
	close(fd);
	caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) != 0 ?
	    cap.device_caps : cap.capabilities;
	return (caps & (V4L2_CAP_VIDEO_CAPTURE |
	    V4L2_CAP_VIDEO_CAPTURE_MPLANE)) != 0 &&
	    (caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE)) == 0;
}

/* Calls fn for every camera: USB interfaces, then other V4L2 devices. */
static void
walk_cameras(struct linux_ctx *c, cam_fn fn, struct cam_walk *w, void *arg)
{
	char dir[LINUX_PATH_MAX], path[LINUX_PATH_MAX], cls[8], **names;
	size_t i, n;
	int cap;

	if (linux_list_dir(c, USB_DEVICES, DEVICES_MAX, &names, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (linux_join(dir, sizeof(dir), USB_DEVICES,
			    names[i]) == 0 && usb_video_interface(c, dir))
				fn(c, dir, true, w, arg);
		}
		linux_names_free(names, n);
	}
	if (linux_list_dir(c, V4L_CLASS, DEVICES_MAX, &names, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (strncmp(names[i], "video", 5) != 0 ||
			    linux_join(dir, sizeof(dir), V4L_CLASS,
			    names[i]) < 0)
				continue;
			/* A USB camera's node: handled above. */
			linux_pathf(path, sizeof(path), "%s/device/bInterfaceClass",
			    dir);
			if (linux_read_line(c, path, cls, sizeof(cls)) == 0)
				continue;
			if ((cap = v4l_capture(c, names[i])) == 1)
				fn(c, dir, false, w, arg);
			else if (cap == -ENOENT)
				w->unsettled++;
		}
		linux_names_free(names, n);
	}
}

/* The kernel name of a V4L2 node's parent device, from its link. */
static int
v4l_device_name(struct linux_ctx *c, const char *dir, char *name,
    size_t len)
{
	char target[LINUX_PATH_MAX];
	const char *base;
	ssize_t n;
	int fd;

	if ((fd = linux_open(c, dir, O_PATH | O_DIRECTORY, 0)) < 0)
		return fd;
	n = readlinkat(fd, "device", target, sizeof(target) - 1);
	close(fd);
	if (n <= 0)
		return -ENOENT;
	target[n] = '\0';
	base = strrchr(target, '/') != NULL ? strrchr(target, '/') + 1 : target;
	if (base[0] == '\0' || base[0] == '.' ||
	    (size_t)snprintf(name, len, "%s", base) >= len)
		return -EINVAL;
	return 0;
}

static void
cam_state(struct linux_ctx *c, const char *dir, bool usb, struct cam_walk *w,
    void *arg)
{
	char path[LINUX_PATH_MAX], val[8];
	struct stat st;

	bool blocked;

	(void)arg;
	w->present = true;
	if (usb) {
		blocked = linux_join(path, sizeof(path), dir, "authorized") == 0 &&
		    linux_read_line(c, path, val, sizeof(val)) == 0 &&
		    strcmp(val, "0") == 0;
	} else {
		linux_pathf(path, sizeof(path), "%s/device/driver", dir);
		blocked = linux_stat(c, path, &st) != 0;
	}
	if (blocked)
		w->any_blocked = true;
	else
		w->all_blocked = false;
}

/* A bus or device name as sysfs has it: nothing a path could misuse. */
static bool
sysfs_name_ok(const char *s)
{
	size_t i;

	if (s[0] == '\0' || s[0] == '.' || strlen(s) >= 128)
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') && strchr("._:-", s[i]) == NULL)
			return false;
	return true;
}

static void
unbound_path(const struct linux_ctx *c, char *path, size_t len)
{
	linux_pathf(path, len, "%s/%s", c->state_dir, UNBOUND_FILE);
}

/* Adds "bus name" to the record of unbound devices (once). */
static int
unbound_add(struct linux_ctx *c, const char *bus, const char *name)
{
	char path[LINUX_PATH_MAX], buf[UNBOUND_MAX], line[300], *p;
	size_t len = 0;
	int rc;

	if (!sysfs_name_ok(bus) || !sysfs_name_ok(name))
		return -EINVAL;
	unbound_path(c, path, sizeof(path));
	rc = linux_read_file(c, path, buf, sizeof(buf), &len);
	if (rc == -ENOENT)
		len = 0;
	else if (rc < 0)
		return rc;
	buf[len] = '\0';
	snprintf(line, sizeof(line), "%s %s\n", bus, name);
	for (p = buf; *p != '\0'; p = strchr(p, '\n') != NULL ?
	    strchr(p, '\n') + 1 : p + strlen(p))
		if (strncmp(p, line, strlen(line)) == 0)
			return 0;	/* recorded already */
	if (len + strlen(line) >= sizeof(buf))
		return -ENOSPC;
	memcpy(buf + len, line, strlen(line) + 1);
	len += strlen(line);
	if ((rc = linux_mkdirs(c, c->state_dir, 0700)) < 0)
		return rc;
	return linux_write_atomic(c, path, buf, len, 0600);
}

/* Hands every recorded device back to its bus, then forgets them. A
 * device no longer there (its driver's module removed) is skipped. */
static int
unbound_probe_all(struct linux_ctx *c)
{
	char path[LINUX_PATH_MAX], buf[UNBOUND_MAX], probe[LINUX_PATH_MAX];
	char dev[LINUX_PATH_MAX], *line, *save = NULL, *sp;
	struct stat st;
	size_t len = 0;
	int rc, errors = 0;

	unbound_path(c, path, sizeof(path));
	if ((rc = linux_read_file(c, path, buf, sizeof(buf), &len)) == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		if (!sysfs_name_ok(line) || !sysfs_name_ok(sp + 1))
			continue;
		linux_pathf(dev, sizeof(dev), "/sys/bus/%s/devices/%s", line,
		    sp + 1);
		if (linux_stat(c, dev, &st) != 0)
			continue;
		linux_pathf(dev, sizeof(dev), "/sys/bus/%s/devices/%s/driver",
		    line, sp + 1);
		if (linux_stat(c, dev, &st) == 0)
			continue;	/* bound again already */
		linux_pathf(probe, sizeof(probe), "/sys/bus/%s/drivers_probe",
		    line);
		if (linux_write_attr(c, probe, sp + 1) < 0)
			errors++;
	}
	if (errors > 0)
		return -EIO;
	return linux_unlink(c, path);
}

/* The bus of a V4L2 node's device (its subsystem link's last part). */
static int
v4l_device_bus(struct linux_ctx *c, const char *dir, char *bus, size_t len)
{
	char path[LINUX_PATH_MAX], sub[LINUX_PATH_MAX];
	const char *base;
	ssize_t n;
	int fd;

	linux_pathf(path, sizeof(path), "%s/device", dir);
	if ((fd = linux_open(c, path, O_PATH | O_DIRECTORY, 0)) < 0)
		return fd;
	n = readlinkat(fd, "subsystem", sub, sizeof(sub) - 1);
	close(fd);
	if (n <= 0)
		return -ENOENT;
	sub[n] = '\0';
	base = strrchr(sub, '/') != NULL ? strrchr(sub, '/') + 1 : sub;
	if (!sysfs_name_ok(base) || (size_t)snprintf(bus, len, "%s", base) >= len)
		return -EINVAL;
	return 0;
}

static void
cam_set(struct linux_ctx *c, const char *dir, bool usb, struct cam_walk *w,
    void *arg)
{
	bool allow = *(const bool *)arg;
	char path[LINUX_PATH_MAX], name[128], sub[LINUX_PATH_MAX];
	struct stat st;
	int rc = 0;

	w->present = true;
	if (usb) {
		if ((rc = linux_join(path, sizeof(path), dir, "authorized")) == 0)
			rc = linux_write_attr(c, path, allow ? "1" : "0");
	} else if ((rc = v4l_device_name(c, dir, name, sizeof(name))) == 0) {
		linux_pathf(path, sizeof(path), "%s/device/driver", dir);
		if (!allow && linux_stat(c, path, &st) == 0) {
			char bus[128];

			/* Recorded first: once unbound, the node is gone. */
			if ((rc = v4l_device_bus(c, dir, bus, sizeof(bus))) == 0 &&
			    (rc = unbound_add(c, bus, name)) == 0) {
				linux_pathf(path, sizeof(path),
				    "%s/device/driver/unbind", dir);
				rc = linux_write_attr(c, path, name);
			}
		} else if (allow && linux_stat(c, path, &st) != 0) {
			/* Let the bus find the driver again. */
			ssize_t n;
			int fd;

			linux_pathf(path, sizeof(path), "%s/device", dir);
			fd = linux_open(c, path, O_PATH | O_DIRECTORY, 0);
			n = fd >= 0 ? readlinkat(fd, "subsystem", sub,
			    sizeof(sub) - 1) : -1;
			if (fd >= 0)
				close(fd);
			if (n > 0) {
				sub[n] = '\0';
				linux_pathf(path, sizeof(path),
				    "/sys/bus/%s/drivers_probe",
				    strrchr(sub, '/') != NULL ?
				    strrchr(sub, '/') + 1 : sub);
				rc = linux_write_attr(c, path, name);
			} else {
				rc = -ENOENT;
			}
		}
	}
	if (rc < 0)
		w->errors++;
}

int
linux_camera_state(struct linux_ctx *c, bool *present, bool *blocked)
{
	struct cam_walk w = { .all_blocked = true };

	walk_cameras(c, cam_state, &w, NULL);
	*present = w.present;
	*blocked = linux_camera_policy_blocked(c) && w.all_blocked;
	return 0;
}

bool
linux_camera_policy_blocked(struct linux_ctx *c)
{
	struct stat st;

	return linux_lstat(c, UDEV_RULE, &st) == 0;
}

int
linux_camera_block_present(struct linux_ctx *c)
{
	struct cam_walk w;
	bool allow = false;
	int tries = 0;

	for (;;) {
		memset(&w, 0, sizeof(w));
		w.all_blocked = true;
		walk_cameras(c, cam_set, &w, &allow);
		/* A device announced before udev made its node cannot be
		 * asked what it is yet: wait for the node (real root only;
		 * a tree under a prefix has no udev). */
		if ((w.unsettled == 0 && w.errors == 0) || c->prefixed ||
		    ++tries > SETTLE_TRIES)
			break;
		usleep(SETTLE_STEP_US);
	}
	if (w.unsettled > 0)
		linux_note(c, "camera", "a V4L2 device has no node in /dev");
	return w.errors > 0 ? -EIO : 0;
}

static int
linux_camera_set_allowed(void *ctx, bool allowed)
{
	struct linux_ctx *c = ctx;
	struct cam_walk w;
	bool present, blocked;
	int rc, tries;

	/* The rule first: a camera plugged in meanwhile stays blocked. */
	if (!allowed) {
		if ((rc = linux_mkdirs(c, "/etc/udev/rules.d", 0755)) < 0 ||
		    (rc = linux_write_atomic(c, UDEV_RULE, udev_rule,
		    strlen(udev_rule), 0644)) < 0)
			return rc;
	} else if ((rc = linux_unlink(c, UDEV_RULE)) < 0) {
		return rc;
	}
	for (tries = 0;; tries++) {
		memset(&w, 0, sizeof(w));
		w.all_blocked = true;
		walk_cameras(c, cam_set, &w, &allowed);
		/* A device in the middle of its probe (its driver just
		 * loaded) can refuse the unbind: try again shortly. */
		if (w.errors == 0 || c->prefixed || tries >= SETTLE_TRIES)
			break;
		usleep(SETTLE_STEP_US);
	}
	if (w.errors > 0)
		return -EIO;
	if (allowed && (rc = unbound_probe_all(c)) < 0)
		return rc;
	/* Read back: blocked means every camera, allowed means none. */
	linux_camera_state(c, &present, &blocked);
	if (blocked == allowed)
		return -EIO;
	if (allowed) {
		struct cam_walk s = { .all_blocked = true };

		walk_cameras(c, cam_state, &s, NULL);
		if (s.any_blocked)
			return -EIO;
	}
	return 0;
}

static int
linux_camera_get_allowed(void *ctx, bool *allowed)
{
	bool present, blocked;
	int rc;

	if ((rc = linux_camera_state(ctx, &present, &blocked)) < 0)
		return rc;
	*allowed = !blocked;
	return 0;
}

const struct hal_camera_ops linux_camera_ops = {
	.set_allowed = linux_camera_set_allowed,
	.get_allowed = linux_camera_get_allowed,
};
