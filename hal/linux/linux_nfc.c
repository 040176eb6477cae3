/*
 * linux_nfc.c - hal_nfc_ops.read_ndef of the Linux backend: the NDEF
 * message of an NFC Forum Type 2 Tag (NTAG21x, MIFARE Ultralight) held
 * against a reader libnfc drives (PN53x: ACR122U, PN532 boards). Built
 * with CONFIG_HAL_LINUX and CONFIG_NFC_LIBNFC; linux.h leaves the op out
 * otherwise (UNSUPPORTED).
 *
 * The reader is libnfc's default device (LIBNFC_DEFAULT_DEVICE, then
 * /etc/nfc/libnfc.conf, then the first one found) or the one nfc= names.
 * libnfc opens it itself: a reader is host hardware, outside the root
 * prefix. The reader polls for an ISO/IEC 14443-A target at 106 kbit/s
 * until one answers or scan_timeout= seconds have passed; a target whose
 * SAK announces MIFARE Classic/Plus, ISO-DEP (Type 4) or NFC-DEP is not
 * a Type 2 Tag. Its memory is read with READ (0x30, 4 pages at a time)
 * and the NDEF message extracted by linux_ndef_tlv.c, where the layout
 * and the TLV parsing are tested; this file is exercised only with a
 * reader and a tag (docs/hal-linux.md).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <nfc/nfc.h>

#include "hal/linux/linux.h"

#define T2T_READ 0x30
#define READ_TIMEOUT_MS 200	/* one READ; a tag answers within ~5 ms */
#define POLL_PAUSE_MS 100	/* between two selects that found nothing */
/* SAK bits of targets that are not Type 2 Tags: 0x08 and 0x10 MIFARE
 * Classic/Plus, 0x20 ISO-DEP, 0x40 NFC-DEP. */
#define SAK_NOT_T2T 0x78

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* linux_t2t_read_fn over the selected target. */
static int
read4(void *arg, uint8_t page, uint8_t *out)
{
	nfc_device *dev = arg;
	const uint8_t cmd[2] = { T2T_READ, page };
	int n;

	n = nfc_initiator_transceive_bytes(dev, cmd, sizeof(cmd), out, 16,
	    READ_TIMEOUT_MS);
	/* A NAK, a timeout (the tag left the field) or a short answer. */
	return n == 16 ? 0 : -EIO;
}

/*
 * Selects the first ISO/IEC 14443-A target in the field, trying until
 * the deadline. -ETIMEDOUT when none answered, -EIO when the reader
 * failed.
 */
static int
poll_target(nfc_device *dev, int64_t deadline, nfc_target *nt)
{
	const nfc_modulation nm = { .nmt = NMT_ISO14443A, .nbr = NBR_106 };
	const struct timespec pause = { 0, POLL_PAUSE_MS * 1000000L };
	int rc;

	for (;;) {
		rc = nfc_initiator_select_passive_target(dev, nm, NULL, 0, nt);
		if (rc > 0)
			return 0;
		if (rc < 0 && rc != NFC_ETIMEOUT)
			return -EIO;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
}

static int
read_tag(nfc_device *dev, int64_t deadline, uint8_t *buf, size_t len,
    size_t *outlen)
{
	uint8_t mem[LINUX_T2T_MEM_MAX];
	nfc_target nt;
	size_t memlen;
	int rc;

	if (nfc_initiator_init(dev) < 0 ||
	    nfc_device_set_property_bool(dev, NP_INFINITE_SELECT, false) < 0)
		return -EIO;
	memset(&nt, 0, sizeof(nt));
	if ((rc = poll_target(dev, deadline, &nt)) < 0)
		return rc;
	if (nt.nm.nmt != NMT_ISO14443A ||
	    (nt.nti.nai.btSak & SAK_NOT_T2T) != 0)
		rc = -ENODATA;
	else if ((rc = linux_t2t_read(read4, dev, mem, sizeof(mem),
	    &memlen)) == 0)
		rc = linux_ndef_tlv_extract(mem, memlen, buf, len, outlen);
	nfc_initiator_deselect_target(dev);
	/* The message may carry a Wi-Fi password or an enrollment token. */
	explicit_bzero(mem, sizeof(mem));
	return rc;
}

static int
linux_read_ndef(void *ctx, uint8_t *buf, size_t len, size_t *outlen)
{
	struct linux_ctx *c = ctx;
	nfc_connstring conn;
	nfc_context *nctx = NULL;
	nfc_device *dev;
	int64_t deadline;
	int rc;

	*outlen = 0;
	deadline = now_ms() + (int64_t)c->scan_timeout_s * 1000;
	nfc_init(&nctx);
	if (nctx == NULL)
		return -ENOMEM;
	/* nfc_open() takes a full-size connstring array. */
	memset(conn, 0, sizeof(conn));
	snprintf(conn, sizeof(conn), "%s", c->nfc);
	if ((dev = nfc_open(nctx, c->nfc[0] != '\0' ? conn : NULL)) == NULL) {
		nfc_exit(nctx);
		return -ENODEV;
	}
	rc = read_tag(dev, deadline, buf, len, outlen);
	nfc_close(dev);
	nfc_exit(nctx);
	return rc;
}

const struct hal_nfc_ops linux_nfc_ops = {
	.read_ndef = linux_read_ndef,
};
