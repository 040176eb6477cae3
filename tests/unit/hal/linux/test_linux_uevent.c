/*
 * test_linux_uevent.c - the uevent parser, and a synthetic hot-plug: a
 * camera that comes back is blocked again within watch_drain().
 */
#include <sys/socket.h>
#include <sys/un.h>

#include "tests/unit/hal/linux/linux_test.h"

/* A kernel-format uevent ("\n" stands for the NULs) into buf. */
static size_t
uevent(char *buf, const char *text)
{
	size_t i, n = strlen(text);

	for (i = 0; i < n; i++)
		buf[i] = text[i] == '\n' ? '\0' : text[i];
	buf[n] = '\0';
	return n + 1;
}

static const char camera_add[] =
    "add@/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0\n"
    "ACTION=add\nDEVPATH=/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0\n"
    "SUBSYSTEM=usb\nDEVTYPE=usb_interface\nPRODUCT=46d/825/12\n"
    "INTERFACE=14/1/0\nMODALIAS=usb:v046Dp0825d0012dcEFdsc02dp01ic0Eisc01ip00in00\n"
    "SEQNUM=4211";

static void
test_parse(void **state)
{
	struct linux_uevent ev;
	char buf[1024];
	size_t n;

	(void)state;
	n = uevent(buf, camera_add);
	assert_int_equal(linux_uevent_parse(buf, n, &ev), 0);
	assert_string_equal(ev.action, "add");
	assert_string_equal(ev.subsystem, "usb");
	assert_string_equal(ev.devtype, "usb_interface");
	assert_int_equal(ev.nkeys, 8);
	assert_true(linux_uevent_is_camera(&ev));
	n = uevent(buf, "remove@/devices/x\nACTION=remove\nDEVPATH=/devices/x\n"
	    "SUBSYSTEM=usb\nDEVTYPE=usb_interface\nINTERFACE=14/1/0");
	assert_int_equal(linux_uevent_parse(buf, n, &ev), 0);
	assert_false(linux_uevent_is_camera(&ev));
	n = uevent(buf, "add@/devices/v\nACTION=add\nDEVPATH=/devices/v\n"
	    "SUBSYSTEM=video4linux");
	assert_int_equal(linux_uevent_parse(buf, n, &ev), 0);
	assert_true(linux_uevent_is_camera(&ev));
	n = uevent(buf, "add@/devices/k\nACTION=add\nDEVPATH=/devices/k\n"
	    "SUBSYSTEM=usb\nDEVTYPE=usb_interface\nINTERFACE=3/1/1");
	assert_int_equal(linux_uevent_parse(buf, n, &ev), 0);
	assert_false(linux_uevent_is_camera(&ev));
}

static void
test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		/* header and keys disagree */
		"add@/devices/a\nACTION=remove\nDEVPATH=/devices/a\nSUBSYSTEM=usb",
		"add@/devices/a\nACTION=add\nDEVPATH=/devices/b\nSUBSYSTEM=usb",
		/* no subsystem, unknown action, no '@', relative path */
		"add@/devices/a\nACTION=add\nDEVPATH=/devices/a",
		"eat@/devices/a\nACTION=eat\nDEVPATH=/devices/a\nSUBSYSTEM=usb",
		"add/devices/a\nACTION=add\nDEVPATH=/devices/a\nSUBSYSTEM=usb",
		"add@devices\nACTION=add\nDEVPATH=devices\nSUBSYSTEM=usb",
		/* bad keys: lower case, no '=', duplicate, empty, control */
		"add@/d\nACTION=add\nDEVPATH=/d\nSUBSYSTEM=usb\nlower=x",
		"add@/d\nACTION=add\nDEVPATH=/d\nSUBSYSTEM=usb\nNOEQ",
		"add@/d\nACTION=add\nDEVPATH=/d\nSUBSYSTEM=usb\nSUBSYSTEM=video4linux",
		"add@/d\nACTION=add\nDEVPATH=/d\n\nSUBSYSTEM=usb",
		"add@/d\nACTION=add\nDEVPATH=/d\nSUBSYSTEM=usb\nX=\x1b[2J",
		"add@/d\nACTION=add\nDEVPATH=/d\nSUBSYSTEM=usb\nSEQNUM=x",
		/* udev's own format */
		"libudev\nACTION=add",
	};
	struct linux_uevent ev;
	char buf[1024];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = uevent(buf, bad[i]);
		if (linux_uevent_parse(buf, n, &ev) != -EINVAL)
			fail_msg("accepted bad uevent %zu", i);
	}
	/* Not NUL-terminated, empty, too long. */
	n = uevent(buf, camera_add);
	assert_int_equal(linux_uevent_parse(buf, n - 1, &ev), -EINVAL);
	assert_int_equal(linux_uevent_parse(buf, 0, &ev), -EINVAL);
	assert_int_equal(linux_uevent_parse(buf, LINUX_UEVENT_MAX + 1, &ev),
	    -EINVAL);
}

static void
send_uevent(const char *root, const char *text)
{
	struct sockaddr_un sa;
	char buf[1024];
	size_t n = uevent(buf, text);
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/run/warden/uevent.sock",
	    root);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(sendto(fd, buf, n, 0, (struct sockaddr *)&sa,
	    sizeof(sa)), (ssize_t)n);
	close(fd);
}

static void
test_hotplug_reblocks(void **state)
{
	const char *root = copy_fixture("rootfs-kiosk");
	struct linux_ctx *c = open_root(root, "");
	int fd;

	(void)state;
	fd = hal_linux_backend.watch_fd(c);
	assert_true(fd >= 0);
	assert_int_equal(hal_linux_backend.watch_fd(c), fd);
	/* Camera allowed: a hot-plug changes nothing. */
	send_uevent(root, camera_add);
	hal_linux_backend.watch_drain(c);
	assert_file_eq(root, "/sys/bus/usb/devices/1-1:1.0/authorized", "1\n");

	assert_int_equal(linux_camera_ops.set_allowed(c, false), 0);
	/* The camera is unplugged and plugged again: it comes back
	 * authorised (no udev in a fixture to apply the rule). */
	write_in(root, "/sys/bus/usb/devices/1-1:1.0/authorized", "1\n");
	/* A keyboard and garbage first: no reaction to those. */
	send_uevent(root, "add@/devices/k\nACTION=add\nDEVPATH=/devices/k\n"
	    "SUBSYSTEM=usb\nDEVTYPE=usb_interface\nINTERFACE=3/1/1");
	send_uevent(root, "garbage");
	hal_linux_backend.watch_drain(c);
	assert_file_eq(root, "/sys/bus/usb/devices/1-1:1.0/authorized", "1\n");
	send_uevent(root, camera_add);
	hal_linux_backend.watch_drain(c);
	assert_file_eq(root, "/sys/bus/usb/devices/1-1:1.0/authorized", "0");
	/* Drained: a second call finds nothing and does not block. */
	hal_linux_backend.watch_drain(c);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_real_netlink(void **state)
{
	struct linux_ctx *c = open_root("/", "");
	int fd;

	(void)state;
	/* Opening the kernel socket must work for root; nothing is sent. */
	fd = hal_linux_backend.watch_fd(c);
	if (fd < 0)
		skip();
	hal_linux_backend.watch_drain(c);
	hal_linux_backend.close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_hotplug_reblocks),
		cmocka_unit_test(test_real_netlink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
