/*
 * sim_camera_image.c - the simulated camera sees an image: DIR/camera.png
 * or DIR/camera.pgm is decoded with zbar, the way a real camera frame is.
 * Built with CONFIG_QR_IMAGE; without it only DIR/camera.txt is read.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "agent/provision.h"
#include "hal/sim/sim.h"

int
sim_camera_image(struct sim *s, char *buf, size_t len)
{
	static const char *const names[] = { "camera.png", "camera.pgm" };
	char path[600], err[256];
	size_t i, n = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", s->dir, names[i]);
		if (access(path, F_OK) != 0)
			continue;
		if (prov_qr_image_decode(path, buf, len, &n, err,
		    sizeof(err)) != 0)
			return -EBADMSG;
		return 0;
	}
	return -ENODATA;
}
