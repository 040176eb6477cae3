/*
 * linux_v4l2_grey.c - one V4L2 frame as an 8-bit grey binary PGM, the
 * picture the QR decoder takes. Only the luma is kept: it is the first
 * plane of the planar YUV layouts, every other byte of the packed ones,
 * and the whole of GREY. No library: the daemon captures with plain
 * V4L2 ioctls (linux_camera_scan.c).
 */
#include <errno.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/linux/linux.h"

static const uint32_t luma_formats[] = {
	V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_UYVY,
	V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV21, V4L2_PIX_FMT_YUV420,
	V4L2_PIX_FMT_YVU420,
};

int
linux_v4l2_grey_rank(uint32_t fourcc)
{
	size_t i;

	for (i = 0; i < sizeof(luma_formats) / sizeof(luma_formats[0]); i++)
		if (luma_formats[i] == fourcc)
			return (int)i;
	return -1;
}

int
linux_v4l2_grey_pgm(const struct linux_v4l2_frame *f, uint8_t **pgm,
    size_t *len)
{
	size_t step, off, min_stride, hn, x, y;
	char head[48];
	uint8_t *out, *px;

	*pgm = NULL;
	*len = 0;
	if (linux_v4l2_grey_rank(f->fourcc) < 0)
		return -ENOTSUP;
	step = f->fourcc == V4L2_PIX_FMT_YUYV ||
	    f->fourcc == V4L2_PIX_FMT_UYVY ? 2 : 1;
	off = f->fourcc == V4L2_PIX_FMT_UYVY ? 1 : 0;
	if (f->width == 0 || f->height == 0 ||
	    f->width > LINUX_V4L2_DIM_MAX || f->height > LINUX_V4L2_DIM_MAX)
		return -EINVAL;
	min_stride = (size_t)f->width * step;
	/* The luma of the last row ends at stride * (h - 1) + width * step. */
	if (f->stride < min_stride ||
	    f->used < f->stride * (f->height - 1) + min_stride)
		return -EINVAL;
	hn = (size_t)snprintf(head, sizeof(head), "P5\n%u %u\n255\n",
	    f->width, f->height);
	if (hn + (size_t)f->width * f->height > HAL_CAMERA_PICTURE_MAX)
		return -EMSGSIZE;
	if ((out = malloc(hn + (size_t)f->width * f->height)) == NULL)
		return -ENOMEM;
	memcpy(out, head, hn);
	px = out + hn;
	for (y = 0; y < f->height; y++) {
		const uint8_t *row = f->data + y * f->stride + off;

		if (step == 1) {
			memcpy(px, row, f->width);
			px += f->width;
			continue;
		}
		for (x = 0; x < f->width; x++)
			*px++ = row[x * step];
	}
	*pgm = out;
	*len = hn + (size_t)f->width * f->height;
	return 0;
}
