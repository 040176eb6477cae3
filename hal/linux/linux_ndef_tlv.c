/*
 * linux_ndef_tlv.c - the NDEF message in the memory of an NFC Forum
 * Type 2 Tag (NTAG21x, MIFARE Ultralight and alike), as a reader gives it
 * 16 bytes at a time. Pure code: linux_nfc.c supplies the reader.
 *
 * Memory layout (NFC Forum Type 2 Tag specification):
 *
 *   bytes 0-9    UID and check bytes
 *   bytes 10-11  static lock bytes
 *   bytes 12-15  capability container: E1 (NDEF magic), version (major
 *                in the high nibble, 1), data area size / 8, access
 *                (read access in the high nibble, 0 = granted)
 *   bytes 16-    the data area: a sequence of TLVs
 *
 * TLVs: 00 NULL (one byte, no length); 01 lock control and 02 memory
 * control (3-byte value locating bytes inside the memory that are not
 * part of the data stream: dynamic lock bits, reserved areas); 03 the
 * NDEF message; FD proprietary; FE terminator (no length). A length is
 * one byte 00..FE, or FF and two bytes big-endian 00FF..FFFE.
 *
 * Everything here is untrusted: the tag is whatever was held against the
 * reader. Every length is checked against the data area and against the
 * bytes actually read before anything is copied.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "hal/linux/linux.h"

#define CC_MAGIC 0xE1
#define CC_OFFSET 12
#define PAGE_SIZE_T2T 4
#define READ_BYTES 16	/* one READ: 4 pages */

#define TLV_NULL 0x00
#define TLV_LOCK_CONTROL 0x01
#define TLV_MEMORY_CONTROL 0x02
#define TLV_NDEF 0x03
#define TLV_TERMINATOR 0xFE

/* Areas lock and memory control TLVs may reserve inside the data area. */
#define AREAS_MAX 8

struct area {
	size_t start, end;	/* byte addresses, end exclusive */
};

/* A walk over the data stream: the data area less the reserved areas. */
struct cursor {
	const uint8_t *mem;
	size_t pos;		/* next byte address */
	size_t data_end;	/* end of the data area the CC declares */
	size_t end;		/* data_end, or memlen when shorter */
	struct area area[AREAS_MAX];
	size_t nareas;
};

int
linux_t2t_cc(const uint8_t *cc, size_t *size)
{
	/* A reader of version 1.x reads every 1.y; a new major version may
	 * change the layout. A read access other than 0 is proprietary. */
	if (cc[0] != CC_MAGIC || (cc[1] >> 4) != 1 || cc[2] == 0 ||
	    (cc[3] >> 4) != 0)
		return -ENODATA;
	*size = (size_t)cc[2] * 8;
	return 0;
}

int
linux_t2t_read(linux_t2t_read_fn read4, void *arg, uint8_t *mem,
    size_t cap, size_t *memlen)
{
	uint8_t block[READ_BYTES];
	size_t size, total, off, n;
	int rc;

	*memlen = 0;
	if (cap < LINUX_T2T_HEADER)
		return -ENOBUFS;
	if ((rc = read4(arg, 0, block)) < 0)
		return rc;
	memcpy(mem, block, LINUX_T2T_HEADER);
	if ((rc = linux_t2t_cc(mem + CC_OFFSET, &size)) < 0)
		return rc;
	total = LINUX_T2T_HEADER + size;
	if (total > LINUX_T2T_MEM_MAX)
		total = LINUX_T2T_MEM_MAX;
	if (total > cap)
		return -ENOBUFS;
	/* A READ near the end of the memory rolls over to page 0 on most
	 * tags; only the bytes of the data area are kept. */
	for (off = LINUX_T2T_HEADER; off < total; off += n) {
		if ((rc = read4(arg, (uint8_t)(off / PAGE_SIZE_T2T),
		    block)) < 0) {
			explicit_bzero(block, sizeof(block));
			explicit_bzero(mem, off);
			return rc;
		}
		n = total - off < READ_BYTES ? total - off : READ_BYTES;
		memcpy(mem + off, block, n);
	}
	explicit_bzero(block, sizeof(block));
	*memlen = total;
	return 0;
}

/* Moves past any reserved area that covers the current position. */
static void
skip_areas(struct cursor *k)
{
	bool moved;
	size_t i;

	do {
		moved = false;
		for (i = 0; i < k->nareas; i++) {
			if (k->pos >= k->area[i].start &&
			    k->pos < k->area[i].end) {
				k->pos = k->area[i].end;
				moved = true;
			}
		}
	} while (moved);
}

/* The next byte of the data stream; -EBADMSG past its end. */
static int
next_byte(struct cursor *k, uint8_t *b)
{
	skip_areas(k);
	if (k->pos >= k->end)
		return -EBADMSG;
	*b = k->mem[k->pos++];
	return 0;
}

static int
read_length(struct cursor *k, size_t *len)
{
	uint8_t b, hi, lo;
	size_t v;

	if (next_byte(k, &b) < 0)
		return -EBADMSG;
	if (b != 0xFF) {
		*len = b;
		return 0;
	}
	if (next_byte(k, &hi) < 0 || next_byte(k, &lo) < 0)
		return -EBADMSG;
	v = (size_t)hi << 8 | lo;
	/* The 3-byte form is for 00FF..FFFE only; FFFF is reserved. */
	if (v < 0xFF || v == 0xFFFF)
		return -EBADMSG;
	*len = v;
	return 0;
}

/*
 * A lock or memory control TLV (3-byte value: position, size, page
 * control). The area starts at NbrMajorOffsets * 2^(page control's low
 * nibble) + NbrMinorOffsets; a lock control's size counts lock bits, a
 * memory control's bytes, 0 meaning 256 either way. An area that lies
 * inside the data area is left out of the data stream from now on; one
 * over bytes already read contradicts the TLVs read so far.
 */
static int
control_tlv(struct cursor *k, uint8_t type)
{
	uint8_t v[3];
	size_t len, i, start, count;
	struct area *a;

	if (read_length(k, &len) < 0 || len != 3)
		return -EBADMSG;
	for (i = 0; i < 3; i++)
		if (next_byte(k, &v[i]) < 0)
			return -EBADMSG;
	start = (size_t)(v[0] >> 4) * ((size_t)1 << (v[2] & 0x0F)) +
	    (v[0] & 0x0F);
	count = v[1] == 0 ? 256 : v[1];
	if (type == TLV_LOCK_CONTROL)
		count = (count + 7) / 8;
	if (start >= k->data_end || start + count <= LINUX_T2T_HEADER)
		return 0;
	if (start < k->pos)
		return -EBADMSG;
	if (k->nareas == AREAS_MAX)
		return -EBADMSG;
	a = &k->area[k->nareas++];
	a->start = start;
	a->end = start + count;
	return 0;
}

/* Copies the len bytes of an NDEF TLV's value; -EMSGSIZE past cap. */
static int
copy_value(struct cursor *k, size_t len, uint8_t *out, size_t cap)
{
	size_t i;
	uint8_t b;

	/* Every byte is walked even past cap, so that a value running out
	 * of the memory is reported as malformed, not as too long. */
	for (i = 0; i < len; i++) {
		if (next_byte(k, &b) < 0)
			return -EBADMSG;
		if (i < cap)
			out[i] = b;
	}
	return len > cap ? -EMSGSIZE : 0;
}

static int
find_ndef(struct cursor *k, uint8_t *out, size_t cap, size_t *outlen)
{
	uint8_t type, b;
	size_t len, i;
	int rc;

	for (;;) {
		skip_areas(k);
		/* The data area may end without a terminator. A memory image
		 * cut before it is truncated. */
		if (k->pos >= k->data_end)
			return -ENODATA;
		if (next_byte(k, &type) < 0)
			return -EBADMSG;
		switch (type) {
		case TLV_NULL:
			continue;
		case TLV_TERMINATOR:
			return -ENODATA;
		case TLV_LOCK_CONTROL:
		case TLV_MEMORY_CONTROL:
			if ((rc = control_tlv(k, type)) < 0)
				return rc;
			continue;
		case TLV_NDEF:
			if (read_length(k, &len) < 0)
				return -EBADMSG;
			/* An empty NDEF TLV is an initialised, empty tag. */
			if (len == 0)
				return -ENODATA;
			if ((rc = copy_value(k, len, out, cap)) < 0)
				return rc;
			*outlen = len;
			return 0;
		default:
			/* Proprietary and reserved TLVs carry a length. */
			if (read_length(k, &len) < 0)
				return -EBADMSG;
			for (i = 0; i < len; i++)
				if (next_byte(k, &b) < 0)
					return -EBADMSG;
			continue;
		}
	}
}

int
linux_ndef_tlv_extract(const uint8_t *mem, size_t memlen, uint8_t *out,
    size_t cap, size_t *outlen)
{
	struct cursor k;
	size_t size;
	int rc;

	*outlen = 0;
	if (memlen < LINUX_T2T_HEADER)
		return -ENODATA;
	if ((rc = linux_t2t_cc(mem + CC_OFFSET, &size)) < 0)
		return rc;
	memset(&k, 0, sizeof(k));
	k.mem = mem;
	k.pos = LINUX_T2T_HEADER;
	k.data_end = LINUX_T2T_HEADER + size;
	k.end = memlen < k.data_end ? memlen : k.data_end;
	rc = find_ndef(&k, out, cap, outlen);
	if (rc < 0 && cap > 0)
		explicit_bzero(out, cap);
	return rc;
}
