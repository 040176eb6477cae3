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

#endif /* WARDEN_QRDECODE_H */
