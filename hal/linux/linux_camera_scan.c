/*
 * linux_camera_scan.c - hal_camera_scan_ops.scan_qr of the Linux backend:
 * the first QR code a V4L2 camera sees. Built with CONFIG_HAL_LINUX and
 * CONFIG_QR_IMAGE; without zbar linux.h leaves the op out (UNSUPPORTED).
 *
 * The device (camera=, default /dev/video0) is a path inside the root
 * like every other one: it is opened here with linux_open() and must be
 * a character device answering VIDIOC_QUERYCAP as a single-planar video
 * capture device. zbar's video input then opens that same inode through
 * /proc/self/fd, so no symlink in the tree can make it open another one.
 *
 * Frames are awaited with poll() on zbar's V4L2 fd, so the scan stays in
 * the calling thread (the agent's work queue) and ends at scan_timeout=
 * seconds: no zbar processor thread, no window. Each frame is converted
 * to 8-bit grey and handed, as a binary PGM, to the decoder the agent
 * lends (struct hal_qr_decoder): the picture is decoded in a confined
 * process, never here.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zbar.h>

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
 * a V4L2 video capture device zbar can read (memory-to-memory codecs
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
	    (caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE)) != 0) {
		close(fd);
		return -ENODEV;
	}
	return fd;
}

/*
 * Gives one frame, as an 8-bit grey binary PGM, to the agent's decoder.
 * Returns 0 with the text in buf, -EAGAIN when the frame holds no QR
 * code, -EIO when zbar cannot convert the frame, or the decoder's error.
 */
static int
scan_frame(const struct hal_qr_decoder *dec, const zbar_image_t *frame,
    char *buf, size_t len)
{
	zbar_image_t *grey;
	const void *px;
	unsigned w, h;
	char head[64];
	uint8_t *pgm;
	size_t hn, n;
	int rc;

	if ((grey = zbar_image_convert(frame, zbar_fourcc('Y', '8', '0',
	    '0'))) == NULL)
		return -EIO;
	w = zbar_image_get_width(grey);
	h = zbar_image_get_height(grey);
	px = zbar_image_get_data(grey);
	n = (size_t)w * h;
	hn = (size_t)snprintf(head, sizeof(head), "P5\n%u %u\n255\n", w, h);
	if (px == NULL || n == 0 || zbar_image_get_data_length(grey) < n ||
	    hn + n > HAL_CAMERA_PICTURE_MAX || (pgm = malloc(hn + n)) == NULL) {
		zbar_image_destroy(grey);
		return -EIO;
	}
	memcpy(pgm, head, hn);
	memcpy(pgm + hn, px, n);
	zbar_image_destroy(grey);
	rc = dec->decode(dec->arg, pgm, hn + n, buf, len);
	free(pgm);
	return rc;
}

/* Takes frames until a QR code is read or the deadline passes. */
static int
scan_frames(zbar_video_t *video, const struct hal_qr_decoder *dec,
    int64_t deadline, char *buf, size_t len)
{
	struct pollfd pfd;
	zbar_image_t *frame;
	int64_t left;
	int n, rc;

	if ((pfd.fd = zbar_video_get_fd(video)) < 0)
		return -ENODEV;	/* not V4L2: no way to bound the wait */
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
		/* poll() said a buffer is ready: this does not block. */
		if ((frame = zbar_video_next_image(video)) == NULL)
			return -EIO;
		rc = scan_frame(dec, frame, buf, len);
		zbar_image_destroy(frame);
		if (rc != -EAGAIN)
			return rc;
	}
}

static int
linux_scan_qr(void *ctx, const struct hal_qr_decoder *dec, char *buf,
    size_t len)
{
	struct linux_ctx *c = ctx;
	zbar_video_t *video = NULL;
	int64_t deadline;
	char self[32];
	int fd, rc;

	if (len == 0)
		return -EINVAL;
	if (dec == NULL)
		return -ENOSYS;
	buf[0] = '\0';
	deadline = now_ms() + (int64_t)c->scan_timeout_s * 1000;
	if ((fd = open_capture(c)) < 0)
		return fd;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if ((video = zbar_video_create()) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	zbar_video_request_size(video, REQUEST_WIDTH, REQUEST_HEIGHT);
	/* Both fail when the device vanished or refuses every format zbar
	 * converts; the device checked above is then no usable camera. */
	if (zbar_video_open(video, self) != 0 ||
	    zbar_video_enable(video, 1) != 0) {
		rc = -ENODEV;
		goto out;
	}
	rc = scan_frames(video, dec, deadline, buf, len);
	zbar_video_enable(video, 0);
out:
	if (video != NULL)
		zbar_video_destroy(video);
	close(fd);
	if (rc != 0)
		explicit_bzero(buf, len);
	return rc;
}

const struct hal_camera_scan_ops linux_camera_scan_ops = {
	.scan_qr = linux_scan_qr,
};
