/*
 * test_linux_camera_scan.c - camera_scan.scan_qr up to the device checks
 * (there is no camera on a test machine: the capture path runs only on
 * hardware), and the camera= and scan_timeout= options.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
test_options(void **state)
{
	static const char *const bad[] = { ",camera=video0",
		",camera=/dev/../video0", ",camera=", ",scan_timeout=0",
		",scan_timeout=601", ",scan_timeout=5s", ",scan_timeout=-1",
		",scan_timeout= 5", ",scan_timeout=0x10",
		",scan_timeout=99999" };
	char arg[64];
	struct linux_ctx *c;
	void *ctx;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(arg, sizeof(arg), "/%s", bad[i]);
		if (hal_linux_backend.open(arg, &ctx) != -EINVAL)
			fail_msg("accepted \"%s\"", arg);
	}
	c = open_root("/", "");
	assert_string_equal(c->camera, "/dev/video0");
	assert_int_equal(c->scan_timeout_s, 30);
	hal_linux_backend.close(c);
	c = open_root("/", ",camera=/dev/v4l/by-id/usb-cam,scan_timeout=600");
	assert_string_equal(c->camera, "/dev/v4l/by-id/usb-cam");
	assert_int_equal(c->scan_timeout_s, 600);
	hal_linux_backend.close(c);
}

/* The device checks come before any picture: the decoder is never
 * called here. */
static int
no_decode(void *arg, const void *image, size_t len, char *text, size_t cap)
{
	(void)arg;
	(void)image;
	(void)len;
	(void)text;
	(void)cap;
	fail_msg("a picture reached the decoder");
	return -EIO;
}

/* The op through the HAL wrapper on "linux:ROOT" + opts. */
static int
scan(const char *root, const char *opts, char *buf, size_t len)
{
	char spec[PATH_MAX + 128], err[256];
	struct hal_qr_decoder dec = { no_decode, NULL };
	struct hal h;
	int rc;

	snprintf(spec, sizeof(spec), "linux:%s%s", root, opts);
	if (hal_open(&h, spec, err, sizeof(err)) != 0)
		fail_msg("%s: %s", spec, err);
	rc = hal_camera_scan_qr(&h, &dec, buf, len);
	hal_close(&h);
	return rc;
}

static void
test_no_camera(void **state)
{
	const char *dir = test_tmpdir();
	char root[PATH_MAX], path[PATH_MAX + 32], buf[64];

	(void)state;
	assert_non_null(hal_linux_backend.camera_scan);
	snprintf(root, sizeof(root), "%s/root", dir);
	mkdir_in(root, "/dev");
	/* No /dev/video0 in the tree; the host's is never looked at. */
	strcpy(buf, "stale");
	assert_int_equal(scan(root, ",scan_timeout=1", buf, sizeof(buf)),
	    -ENODEV);
	assert_string_equal(buf, "");
	assert_int_equal(scan(root, ",camera=/dev/video9,scan_timeout=1", buf,
	    sizeof(buf)), -ENODEV);
	assert_int_equal(scan(root, ",camera=/dev/missing/video0", buf,
	    sizeof(buf)), -ENODEV);
	/* Something that is not a character device. */
	write_in(root, "/dev/video0", "not a camera\n");
	assert_int_equal(scan(root, "", buf, sizeof(buf)), -ENODEV);
	mkdir_in(root, "/dev/video1");
	assert_int_equal(scan(root, ",camera=/dev/video1", buf, sizeof(buf)),
	    -ENODEV);
	/* A symlink leading out of the tree resolves inside it. */
	snprintf(path, sizeof(path), "%s/dev/video2", root);
	assert_int_equal(symlink("/dev/null", path), 0);
	assert_int_equal(scan(root, ",camera=/dev/video2", buf, sizeof(buf)),
	    -ENODEV);
	/* No room for even the NUL. */
	assert_int_equal(scan(root, "", buf, 0), -EINVAL);
	test_rmtree(dir);
}

static void
test_not_v4l2(void **state)
{
	char buf[64];

	(void)state;
	/* A character device that does not answer VIDIOC_QUERYCAP. */
	assert_int_equal(scan("/", ",camera=/dev/null,scan_timeout=1", buf,
	    sizeof(buf)), -ENODEV);
	assert_string_equal(buf, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_no_camera),
		cmocka_unit_test(test_not_v4l2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
