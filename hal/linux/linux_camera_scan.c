/*
 * linux_camera_scan.c - hal_camera_scan_ops.scan_qr of the Linux backend:
 * the first QR code a V4L2 camera sees. Built with CONFIG_HAL_LINUX and
 * CONFIG_QR_IMAGE; without it linux.h leaves the op out (UNSUPPORTED).
 *
 * The device (camera=, default /dev/video0) is a path inside the root
 * like every other one: it is opened here with linux_open() and must be
 * a character device answering VIDIOC_QUERYCAP as a single-planar video
 * capture device that streams. Capture is plain V4L2 (no library, so the
 * daemon maps no image or video stack): a format whose luma is the grey
 * picture (GREY, YUYV, UYVY, NV12, NV21, YUV420, YVU420; a camera that
 * offers only compressed formats such as MJPEG answers -ENODEV), a few
 * memory-mapped buffers, VIDIOC_STREAMON.
 *
 * Frames are awaited with poll() on the device, so the scan stays in the
 * calling thread (the agent's work queue) and ends at scan_timeout=
 * seconds. Each frame's luma is handed, as a binary PGM
 * (linux_v4l2_grey.c), to the decoder the agent lends (struct
 * hal_qr_decoder): the picture is decoded in a confined process, never
 * here.
 *
 * Only the device checks run on a machine without a camera; the capture
 * path is exercised on hardware (docs/hal-linux.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hal/linux/linux.h"

/* A hint to the driver: dense provisioning codes need some resolution,
 * the scan of every frame costs CPU. The driver may pick another. */
#define REQUEST_WIDTH 1280
#define REQUEST_HEIGHT 720

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Opens the camera inside the root. -ENODEV when it is missing or is not
 * a V4L2 video capture device that streams (memory-to-memory codecs
 * and multi-planar devices are not); other errors (-EACCES) as they are.
 */
static int
open_capture(const struct linux_ctx *c)
{
	struct v4l2_capability cap;
	struct stat st;
	uint32_t caps;
	int fd;

	fd = linux_open(c, c->camera, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
	if (fd == -ENOENT || fd == -ENXIO || fd == -ENODEV || fd == -ENOTDIR)
		return -ENODEV;
	if (fd < 0)
		return fd;
	memset(&cap, 0, sizeof(cap));
	if (fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode) ||
	    ioctl(fd, VIDIOC_QUERYCAP, &cap) != 0) {
		close(fd);
		return -ENODEV;
	}
	caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) != 0 ?
	    cap.device_caps : cap.capabilities;
	if ((caps & V4L2_CAP_VIDEO_CAPTURE) == 0 ||
	    (caps & V4L2_CAP_STREAMING) == 0 ||
	    (caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE)) != 0) {
		close(fd);
		return -ENODEV;
	}
	return fd;
}

#define CAPTURE_BUFFERS 4

struct capture {
	int fd;
	uint32_t fourcc, width, height;
	size_t stride;
	struct {
		void *p;
		size_t len;
	} buf[CAPTURE_BUFFERS];
	unsigned nbuf;
	bool streaming;
};

static int
xioctl(int fd, unsigned long req, void *arg)
{
	int rc;

	do
		rc = ioctl(fd, req, arg);
	while (rc != 0 && errno == EINTR);
	return rc;
}

/* The offered format whose luma is the picture, best first; 0 if none. */
static uint32_t
pick_format(int fd)
{
	struct v4l2_fmtdesc d;
	uint32_t best = 0;
	int rank, best_rank = -1;

	memset(&d, 0, sizeof(d));
	d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	for (d.index = 0; d.index < 64 && xioctl(fd, VIDIOC_ENUM_FMT, &d) == 0;
	    d.index++) {
		rank = linux_v4l2_grey_rank(d.pixelformat);
		if (rank >= 0 && (best_rank < 0 || rank < best_rank)) {
			best_rank = rank;
			best = d.pixelformat;
		}
	}
	return best;
}

/* Sets the format and maps the buffers; -ENODEV when the device cannot
 * stream a format we read. */
static int
capture_start(struct capture *cap)
{
	struct v4l2_requestbuffers req;
	struct v4l2_format fmt;
	struct v4l2_buffer b;
	unsigned i;

	if ((cap->fourcc = pick_format(cap->fd)) == 0)
		return -ENODEV;
	memset(&fmt, 0, sizeof(fmt));
	fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	fmt.fmt.pix.width = REQUEST_WIDTH;
	fmt.fmt.pix.height = REQUEST_HEIGHT;
	fmt.fmt.pix.pixelformat = cap->fourcc;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	if (xioctl(cap->fd, VIDIOC_S_FMT, &fmt) != 0 ||
	    fmt.fmt.pix.pixelformat != cap->fourcc)
		return -ENODEV;
	cap->width = fmt.fmt.pix.width;
	cap->height = fmt.fmt.pix.height;
	cap->stride = fmt.fmt.pix.bytesperline;
	memset(&req, 0, sizeof(req));
	req.count = CAPTURE_BUFFERS;
	req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.memory = V4L2_MEMORY_MMAP;
	if (xioctl(cap->fd, VIDIOC_REQBUFS, &req) != 0 || req.count == 0)
		return -ENODEV;
	cap->nbuf = req.count < CAPTURE_BUFFERS ? req.count : CAPTURE_BUFFERS;
	for (i = 0; i < cap->nbuf; i++) {
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		if (xioctl(cap->fd, VIDIOC_QUERYBUF, &b) != 0)
			return -ENODEV;
		cap->buf[i].p = mmap(NULL, b.length, PROT_READ, MAP_SHARED,
		    cap->fd, b.m.offset);
		if (cap->buf[i].p == MAP_FAILED) {
			cap->buf[i].p = NULL;
			return -ENODEV;
		}
		cap->buf[i].len = b.length;
		if (xioctl(cap->fd, VIDIOC_QBUF, &b) != 0)
			return -ENODEV;
	}
	if (xioctl(cap->fd, VIDIOC_STREAMON, &req.type) != 0)
		return -ENODEV;
	cap->streaming = true;
	return 0;
}

static void
capture_stop(struct capture *cap)
{
	struct v4l2_requestbuffers req;
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned i;

	if (cap->streaming)
		xioctl(cap->fd, VIDIOC_STREAMOFF, &type);
	for (i = 0; i < CAPTURE_BUFFERS; i++)
		if (cap->buf[i].p != NULL)
			munmap(cap->buf[i].p, cap->buf[i].len);
	memset(&req, 0, sizeof(req));
	req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.memory = V4L2_MEMORY_MMAP;
	xioctl(cap->fd, VIDIOC_REQBUFS, &req);
}

/*
 * Gives one dequeued buffer, as an 8-bit grey binary PGM, to the agent's
 * decoder. Returns 0 with the text in buf, -EAGAIN when the frame holds
 * no QR code or is incomplete, or the decoder's error.
 */
static int
scan_frame(const struct capture *cap, const struct v4l2_buffer *b,
    const struct hal_qr_decoder *dec, char *buf, size_t len)
{
	struct linux_v4l2_frame f;
	uint8_t *pgm;
	size_t n;
	int rc;

	if (b->index >= cap->nbuf || (b->flags & V4L2_BUF_FLAG_ERROR) != 0)
		return -EAGAIN;
	f.fourcc = cap->fourcc;
	f.width = cap->width;
	f.height = cap->height;
	f.stride = cap->stride;
	f.data = cap->buf[b->index].p;
	f.used = b->bytesused < cap->buf[b->index].len ? b->bytesused :
	    cap->buf[b->index].len;
	if ((rc = linux_v4l2_grey_pgm(&f, &pgm, &n)) != 0)
		return rc == -EINVAL ? -EAGAIN : -EIO;
	rc = dec->decode(dec->arg, pgm, n, buf, len);
	free(pgm);
	return rc;
}

/* Takes frames until a QR code is read or the deadline passes. */
static int
scan_frames(struct capture *cap, const struct hal_qr_decoder *dec,
    int64_t deadline, char *buf, size_t len)
{
	struct v4l2_buffer b;
	struct pollfd pfd;
	int64_t left;
	int n, rc;

	pfd.fd = cap->fd;
	pfd.events = POLLIN;
	for (;;) {
		if ((left = deadline - now_ms()) <= 0)
			return -ETIMEDOUT;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		/* Unplugged, or the driver stopped streaming. */
		if ((pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0)
			return -EIO;
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		if (xioctl(cap->fd, VIDIOC_DQBUF, &b) != 0) {
			if (errno == EAGAIN)
				continue;
			return -EIO;
		}
		rc = scan_frame(cap, &b, dec, buf, len);
		if (xioctl(cap->fd, VIDIOC_QBUF, &b) != 0 && rc == -EAGAIN)
			return -EIO;
		if (rc != -EAGAIN)
			return rc;
	}
}

static int
linux_scan_qr(void *ctx, const struct hal_qr_decoder *dec, char *buf,
    size_t len)
{
	struct linux_ctx *c = ctx;
	struct capture cap;
	int64_t deadline;
	int rc;

	if (len == 0)
		return -EINVAL;
	if (dec == NULL)
		return -ENOSYS;
	buf[0] = '\0';
	deadline = now_ms() + (int64_t)c->scan_timeout_s * 1000;
	memset(&cap, 0, sizeof(cap));
	if ((cap.fd = open_capture(c)) < 0)
		return cap.fd;
	if ((rc = capture_start(&cap)) == 0)
		rc = scan_frames(&cap, dec, deadline, buf, len);
	capture_stop(&cap);
	close(cap.fd);
	if (rc != 0)
		explicit_bzero(buf, len);
	return rc;
}

const struct hal_camera_scan_ops linux_camera_scan_ops = {
	.scan_qr = linux_scan_qr,
};
