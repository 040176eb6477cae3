/*
 * qrdecode.h - QR codes in pictures are decoded in warden-qrdecode
 * (qrdecode.c), a short-lived confined process, never in wardend's
 * parent: the parent hands it the picture a camera took and reads back
 * the text (qrdecode_client.c). docs/privsep.md.
 */
#ifndef WARDEN_QRDECODE_H
#define WARDEN_QRDECODE_H

#include <limits.h>
#include <stddef.h>

/* warden-qrdecode's exit statuses. */
#define QRDECODE_FOUND 0	/* the text on standard output */
#define QRDECODE_NONE 1		/* no QR code in the picture */
#define QRDECODE_INVALID 2	/* not a picture it takes, or a bad code */
#define QRDECODE_UNCONFINED 3	/* it could not confine itself */

/* How long one decoding may take before the process is killed (ms). */
#define QRDECODE_TIMEOUT_MS 10000

/* Which decoder to run, and how it confines itself. */
struct qrdecode_conf {
	char path[PATH_MAX];	/* warden-qrdecode */
	char user[64];		/* its user (wardend.conf network-user) */
	char root[PATH_MAX];	/* its empty root (network-root) */
};

/* qrdecode_client.c */
/*
 * Runs the decoder (conf: a struct qrdecode_conf) on one PNG or binary
 * PGM picture of len bytes and writes the QR code's text to text (cap
 * bytes, NUL-terminated). Returns 0; -EAGAIN when the picture holds no
 * QR code; -EBADMSG when the decoder refused the picture or the code;
 * -ENOENT when there is no decoder; -ETIMEDOUT; -EIO for anything else
 * (it was killed, it could not confine itself). Blocks: for the HAL's
 * work queue (struct hal_qr_decoder).
 */
int qrdecode_run(void *conf, const void *image, size_t len, char *text,
    size_t cap);

/* qrdecode_file.c (CONFIG_QR_IMAGE) */
#ifdef CONFIG_QR_IMAGE
/*
 * Decodes the first QR code of the PNG or binary PGM picture in the file
 * at path (at most PROV_IMAGE_MAX bytes) with warden-qrdecode (the
 * installed one, else the one beside the running program) into text
 * (cap bytes, NUL-terminated; *len its length). Returns 0; -2 with err
 * when the picture holds no QR code; -1 with err otherwise ("UNSUPPORTED:
 * no QR decoder at PATH" when there is none). Blocks: for wardenctl.
 */
int qrdecode_file(const char *path, char *text, size_t cap, size_t *len,
    char *err, size_t errlen);
#else
#include "agent/provision/provision.h"
static inline int
qrdecode_file(const char *path, char *text, size_t cap, size_t *len,
    char *err, size_t errlen)
{
	return prov_qr_image_decode(path, text, cap, len, err, errlen);
}
#endif

#endif /* WARDEN_QRDECODE_H */
