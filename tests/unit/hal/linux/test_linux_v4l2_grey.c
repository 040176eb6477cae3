/*
 * test_linux_v4l2_grey.c - a captured frame's luma as a grey PGM: every
 * layout the camera scan accepts, strides wider than a row, and frames
 * whose sizes do not add up.
 */
#include <linux/videodev2.h>

#include "tests/unit/hal/linux/linux_test.h"

/* Converts and checks the header and the pixels against want (w*h). */
static void
expect_grey(const struct linux_v4l2_frame *f, const uint8_t *want)
{
	char head[48];
	uint8_t *pgm;
	size_t n, hn;

	assert_int_equal(linux_v4l2_grey_pgm(f, &pgm, &n), 0);
	hn = (size_t)snprintf(head, sizeof(head), "P5\n%u %u\n255\n",
	    f->width, f->height);
	assert_int_equal(n, hn + (size_t)f->width * f->height);
	assert_memory_equal(pgm, head, hn);
	assert_memory_equal(pgm + hn, want, (size_t)f->width * f->height);
	free(pgm);
}

static void
test_layouts(void **state)
{
	/* 3x2 picture, luma 1..6. */
	static const uint8_t want[] = { 1, 2, 3, 4, 5, 6 };
	/* GREY with a stride of 4 (one byte of padding a row). */
	static const uint8_t grey[] = { 1, 2, 3, 99, 4, 5, 6, 99 };
	/* YUYV: Y U Y V ...; the last row needs only its luma bytes. */
	static const uint8_t yuyv[] = { 1, 50, 2, 60, 3, 50, 0, 0,
		4, 50, 5, 60, 6, 50 };
	static const uint8_t uyvy[] = { 50, 1, 60, 2, 50, 3, 0, 0,
		50, 4, 60, 5, 50, 6 };
	/* NV12: the Y plane, then interleaved chroma (ignored). */
	static const uint8_t nv12[] = { 1, 2, 3, 4, 5, 6, 128, 128, 128, 128 };
	struct linux_v4l2_frame f = { V4L2_PIX_FMT_GREY, 3, 2, 4, grey,
		sizeof(grey) };

	(void)state;
	expect_grey(&f, want);
	f = (struct linux_v4l2_frame){ V4L2_PIX_FMT_YUYV, 3, 2, 8, yuyv,
		sizeof(yuyv) };
	expect_grey(&f, want);
	f = (struct linux_v4l2_frame){ V4L2_PIX_FMT_UYVY, 3, 2, 8, uyvy,
		sizeof(uyvy) };
	expect_grey(&f, want);
	f = (struct linux_v4l2_frame){ V4L2_PIX_FMT_NV12, 3, 2, 3, nv12,
		sizeof(nv12) };
	expect_grey(&f, want);
	f.fourcc = V4L2_PIX_FMT_YUV420;
	expect_grey(&f, want);
}

static void
test_rank(void **state)
{
	(void)state;
	assert_int_equal(linux_v4l2_grey_rank(V4L2_PIX_FMT_GREY), 0);
	assert_true(linux_v4l2_grey_rank(V4L2_PIX_FMT_YUYV) <
	    linux_v4l2_grey_rank(V4L2_PIX_FMT_NV12));
	assert_int_equal(linux_v4l2_grey_rank(V4L2_PIX_FMT_MJPEG), -1);
	assert_int_equal(linux_v4l2_grey_rank(V4L2_PIX_FMT_RGB24), -1);
}

static void
test_refused(void **state)
{
	static const uint8_t px[16];
	struct linux_v4l2_frame f = { V4L2_PIX_FMT_GREY, 4, 4, 4, px,
		sizeof(px) };
	uint8_t *pgm = (uint8_t *)1;
	size_t n = 1;

	(void)state;
	/* One byte short of the last row. */
	f.used = 15;
	assert_int_equal(linux_v4l2_grey_pgm(&f, &pgm, &n), -EINVAL);
	assert_null(pgm);
	assert_int_equal(n, 0);
	/* A stride narrower than a row. */
	f.used = sizeof(px);
	f.stride = 3;
	assert_int_equal(linux_v4l2_grey_pgm(&f, &pgm, &n), -EINVAL);
	/* YUYV needs two bytes a pixel: 16 bytes are two rows of 4, not 4. */
	f.fourcc = V4L2_PIX_FMT_YUYV;
	f.stride = 8;
	assert_int_equal(linux_v4l2_grey_pgm(&f, &pgm, &n), -EINVAL);
	/* Empty and huge frames. */
	f.fourcc = V4L2_PIX_FMT_GREY;
	f.stride = 4;
	f.width = 0;
	assert_int_equal(linux_v4l2_grey_pgm(&f, &pgm, &n), -EINVAL);
	f.width = LINUX_V4L2_DIM_MAX + 1;
	assert_int_equal(linux_v4l2_grey_pgm(&f, &pgm, &n), -EINVAL);
	/* Compressed frames are not read. */
	f = (struct linux_v4l2_frame){ V4L2_PIX_FMT_MJPEG, 4, 4, 4, px,
		sizeof(px) };
	assert_int_equal(linux_v4l2_grey_pgm(&f, &pgm, &n), -ENOTSUP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
