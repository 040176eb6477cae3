/*
 * test_linux_ndef_tlv.c - the Type 2 Tag memory and its NDEF TLV: memory
 * images laid out as NTAG213/NTAG216 tags are (built here byte by byte),
 * and the page reads through a fake tag.
 */
#include "tests/unit/hal/linux/linux_test.h"

#define NTAG213_CC2 0x12	/* 144-byte data area, pages 4-39 */
#define NTAG216_CC2 0x6D	/* 872-byte data area, pages 4-221 */

struct image {
	uint8_t mem[LINUX_T2T_MEM_MAX];
	size_t len;	/* header + data area */
	size_t pos;	/* where put() writes next */
};

/* A tag's memory: UID, static lock bytes, CC "E1 10 cc2 00", zeros. */
static void
image_init(struct image *im, uint8_t cc2)
{
	static const uint8_t header[LINUX_T2T_HEADER] = {
		0x04, 0x5A, 0x1C, 0xC2,	/* UID0-2, BCC0 */
		0x3A, 0x61, 0x6B, 0x80,	/* UID3-6 */
		0xB0, 0x48, 0x00, 0x00,	/* BCC1, internal, lock bytes */
		0xE1, 0x10, 0x00, 0x00,	/* capability container */
	};

	memset(im, 0, sizeof(*im));
	memcpy(im->mem, header, sizeof(header));
	im->mem[14] = cc2;
	im->len = LINUX_T2T_HEADER + (size_t)cc2 * 8;
	im->pos = LINUX_T2T_HEADER;
}

static void
put(struct image *im, const uint8_t *b, size_t n)
{
	if (im->pos + n > sizeof(im->mem))
		fail_msg("image overflow");
	memcpy(im->mem + im->pos, b, n);
	im->pos += n;
}

#define PUT(im, ...) do {						\
	const uint8_t b_[] = { __VA_ARGS__ };				\
	put((im), b_, sizeof(b_));					\
} while (0)

/* NTAG21x's factory lock control TLV: dynamic lock bytes at page 40. */
#define LOCK_TLV_NTAG213 0x01, 0x03, 0xA0, 0x0C, 0x34

/* An NDEF message of n bytes: one short MIME record, then filler. */
static void
message(uint8_t *msg, size_t n)
{
	static const char type[] =
	    "application/com.android.managedprovisioning";
	size_t i, tl = sizeof(type) - 1;

	assert_true(n >= 3 + tl && n - 3 - tl <= 255);
	msg[0] = 0xD2;		/* MB ME SR, TNF media type */
	msg[1] = (uint8_t)tl;
	msg[2] = (uint8_t)(n - 3 - tl);
	memcpy(msg + 3, type, tl);
	for (i = 3 + tl; i < n; i++)
		msg[i] = (uint8_t)('a' + i % 26);
}

static int
extract(const struct image *im, size_t memlen, uint8_t *out, size_t cap,
    size_t *n)
{
	return linux_ndef_tlv_extract(im->mem, memlen, out, cap, n);
}

static void
test_ntag213(void **state)
{
	uint8_t msg[100], out[200];
	struct image im;
	size_t n;

	(void)state;
	message(msg, sizeof(msg));
	image_init(&im, NTAG213_CC2);
	PUT(&im, LOCK_TLV_NTAG213, 0x03, sizeof(msg));
	put(&im, msg, sizeof(msg));
	PUT(&im, 0xFE);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), 0);
	assert_int_equal(n, sizeof(msg));
	assert_memory_equal(out, msg, sizeof(msg));
	/* Exactly the message's size fits; one byte less does not. */
	assert_int_equal(extract(&im, im.len, out, sizeof(msg), &n), 0);
	assert_int_equal(extract(&im, im.len, out, sizeof(msg) - 1, &n),
	    -EMSGSIZE);
	assert_int_equal(n, 0);
	assert_int_equal(out[0], 0);	/* zeroised */
	/* A longer memory image (the lock and configuration pages after the
	 * data area) changes nothing. */
	assert_int_equal(extract(&im, 180, out, sizeof(out), &n), 0);
	assert_int_equal(n, sizeof(msg));
}

static void
test_null_and_other_tlvs(void **state)
{
	uint8_t msg[60], out[200];
	struct image im;
	size_t n;

	(void)state;
	message(msg, sizeof(msg));
	image_init(&im, NTAG213_CC2);
	PUT(&im, 0x00, 0x00, LOCK_TLV_NTAG213, 0x00,
	    0xFD, 0x04, 0x03, 0xFE, 0x00, 0xFF,	/* proprietary, skipped */
	    0x02, 0x03, 0xE2, 0x10, 0x04,	/* memory control, past */
	    0x03, sizeof(msg));
	put(&im, msg, sizeof(msg));
	/* No terminator: the message is complete, that is enough. */
	PUT(&im, 0x5A, 0x5A);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), 0);
	assert_int_equal(n, sizeof(msg));
	assert_memory_equal(out, msg, sizeof(msg));
}

static void
test_long_length(void **state)
{
	uint8_t msg[300 + 3], out[1024];
	struct image im;
	size_t n;

	(void)state;
	/* Two records would be needed past 255 bytes of payload; the TLV
	 * only sees bytes. */
	memset(msg, 0x41, sizeof(msg));
	message(msg, 3 + 43 + 200);
	image_init(&im, NTAG216_CC2);
	assert_true(im.len <= sizeof(im.mem));
	/* NTAG215/216 ship without a lock control TLV (their dynamic lock
	 * bytes sit after the data area all the same). */
	PUT(&im, 0x03, 0xFF, 0x01, 0x2F);
	put(&im, msg, sizeof(msg));
	PUT(&im, 0xFE);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), 0);
	assert_int_equal(n, 0x12F);
	assert_memory_equal(out, msg, sizeof(msg));
	/* The 3-byte form for a length below 0xFF, and the reserved FFFF. */
	image_init(&im, NTAG216_CC2);
	PUT(&im, 0x03, 0xFF, 0x00, 0x10);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), -EBADMSG);
	image_init(&im, NTAG216_CC2);
	PUT(&im, 0x03, 0xFF, 0xFF, 0xFF);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), -EBADMSG);
}

static void
test_truncated(void **state)
{
	uint8_t msg[100], out[200];
	struct image im;
	size_t n;

	(void)state;
	message(msg, sizeof(msg));
	image_init(&im, NTAG213_CC2);
	PUT(&im, LOCK_TLV_NTAG213, 0x03, sizeof(msg));
	put(&im, msg, sizeof(msg));
	PUT(&im, 0xFE);
	/* Cut inside the value, at the length byte, inside the lock TLV. */
	assert_int_equal(extract(&im, 16 + 5 + 2 + 50, out, sizeof(out), &n),
	    -EBADMSG);
	assert_int_equal(extract(&im, 16 + 5 + 1, out, sizeof(out), &n),
	    -EBADMSG);
	assert_int_equal(extract(&im, 16 + 3, out, sizeof(out), &n), -EBADMSG);
	/* Cut at a TLV boundary before the data area ends: still cut. */
	assert_int_equal(extract(&im, 16 + 5, out, sizeof(out), &n), -EBADMSG);
	/* Cut inside the header: no capability container to read. */
	assert_int_equal(extract(&im, 15, out, sizeof(out), &n), -ENODATA);
	/* A long length cut after its first byte. */
	image_init(&im, NTAG216_CC2);
	PUT(&im, 0x03, 0xFF, 0x01);
	assert_int_equal(extract(&im, 16 + 3, out, sizeof(out), &n), -EBADMSG);
}

static void
test_beyond_memory(void **state)
{
	uint8_t out[1024];
	struct image im;
	size_t n;

	(void)state;
	/* 144 bytes of data area: a 200-byte message cannot be in it, even
	 * when the image handed over is longer. */
	image_init(&im, NTAG213_CC2);
	PUT(&im, LOCK_TLV_NTAG213, 0x03, 200);
	memset(im.mem + im.pos, 0x55, 300);
	assert_int_equal(extract(&im, 600, out, sizeof(out), &n), -EBADMSG);
	/* Malformed beats too long: the caller's small buffer is not what
	 * is wrong. */
	assert_int_equal(extract(&im, 600, out, 10, &n), -EBADMSG);
	image_init(&im, NTAG213_CC2);
	PUT(&im, 0x03, 0xFF, 0x01, 0x00);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), -EBADMSG);
	/* The last byte of the data area holds a full TLV's value. */
	image_init(&im, NTAG213_CC2);
	im.pos = im.len - 3;
	PUT(&im, 0x03, 0x01, 0xD0);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 0xD0);
	/* One byte further is beyond it. */
	image_init(&im, NTAG213_CC2);
	im.pos = im.len - 2;
	PUT(&im, 0x03, 0x01, 0xD0);
	assert_int_equal(extract(&im, im.len + 1, out, sizeof(out), &n),
	    -EBADMSG);
}

static void
test_no_message(void **state)
{
	uint8_t out[200];
	struct image im;
	size_t n;

	(void)state;
	/* NXP's factory content of an NTAG213: an empty NDEF TLV. */
	image_init(&im, NTAG213_CC2);
	PUT(&im, LOCK_TLV_NTAG213, 0x03, 0x00, 0xFE);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), -ENODATA);
	/* A terminator first. */
	image_init(&im, NTAG213_CC2);
	PUT(&im, 0xFE, 0x03, 0x01, 0xD0);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), -ENODATA);
	/* NULL TLVs to the end, no terminator. */
	image_init(&im, NTAG213_CC2);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), -ENODATA);
	/* Only a lock TLV, then the data area ends. */
	image_init(&im, NTAG213_CC2);
	im.pos = im.len - 5;
	PUT(&im, LOCK_TLV_NTAG213);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), -ENODATA);
}

static void
test_capability_container(void **state)
{
	static const struct {
		uint8_t cc[4];
		int rc;
	} cases[] = {
		{ { 0xE1, 0x10, 0x12, 0x00 }, 0 },
		{ { 0xE1, 0x11, 0x12, 0x00 }, 0 },	/* a later minor */
		{ { 0xE1, 0x10, 0x12, 0x0F }, 0 },	/* read-only */
		{ { 0xE2, 0x10, 0x12, 0x00 }, -ENODATA },
		{ { 0x00, 0x00, 0x00, 0x00 }, -ENODATA },	/* blank */
		{ { 0xE1, 0x20, 0x12, 0x00 }, -ENODATA },	/* version 2 */
		{ { 0xE1, 0x00, 0x12, 0x00 }, -ENODATA },
		{ { 0xE1, 0x10, 0x00, 0x00 }, -ENODATA },	/* no data */
		{ { 0xE1, 0x10, 0x12, 0x80 }, -ENODATA },	/* no read */
	};
	uint8_t out[64];
	struct image im;
	size_t i, n, size;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (linux_t2t_cc(cases[i].cc, &size) != cases[i].rc)
			fail_msg("case %zu", i);
		if (cases[i].rc == 0)
			assert_int_equal(size, 144);
		image_init(&im, 0x12);
		memcpy(im.mem + 12, cases[i].cc, 4);
		PUT(&im, 0x03, 0x01, 0xD0);
		if (extract(&im, 16 + 144, out, sizeof(out), &n) !=
		    cases[i].rc)
			fail_msg("extract, case %zu", i);
	}
}

static void
test_reserved_area(void **state)
{
	uint8_t msg[60], out[200];
	struct image im;
	size_t n;

	(void)state;
	message(msg, sizeof(msg));
	/* A memory control TLV reserves bytes 32-35 (page 8), inside the
	 * data area: position 0x20 = 2 major offsets of 2^4 bytes, size 4.
	 * The message runs around them. */
	image_init(&im, NTAG213_CC2);
	PUT(&im, 0x02, 0x03, 0x20, 0x04, 0x04, 0x03, sizeof(msg));
	assert_int_equal(im.pos, 23);
	put(&im, msg, 9);
	PUT(&im, 0xEE, 0xEE, 0xEE, 0xEE);
	put(&im, msg + 9, sizeof(msg) - 9);
	PUT(&im, 0xFE);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), 0);
	assert_int_equal(n, sizeof(msg));
	assert_memory_equal(out, msg, sizeof(msg));
	/* Dynamic lock bits inside the data area: a lock control TLV of 12
	 * bits (2 bytes) at byte 0x30 = 3 * 16. */
	image_init(&im, NTAG213_CC2);
	PUT(&im, 0x01, 0x03, 0x30, 0x0C, 0x44, 0x03, sizeof(msg));
	put(&im, msg, 48 - im.pos);
	PUT(&im, 0x0F, 0x00);
	put(&im, msg + (48 - 23), sizeof(msg) - (48 - 23));
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), 0);
	assert_memory_equal(out, msg, sizeof(msg));
	/* An area over bytes already read: contradictory. */
	image_init(&im, NTAG213_CC2);
	PUT(&im, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x11, 0x04, 0x04);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), -EBADMSG);
	/* A control TLV whose value is not 3 bytes. */
	image_init(&im, NTAG213_CC2);
	PUT(&im, 0x01, 0x02, 0xA0, 0x0C, 0x03, 0x01, 0xD0);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), -EBADMSG);
	/* More reserved areas than the walk keeps. */
	image_init(&im, NTAG216_CC2);
	for (n = 0; n < 9; n++)
		PUT(&im, 0x02, 0x03, (uint8_t)(0x40 + n), 0x01, 0x04);
	assert_int_equal(extract(&im, im.len, out, sizeof(out), &n), -EBADMSG);
}

/* A fake tag answering READ, rolling over at its last page. */
struct fake_tag {
	const uint8_t *mem;
	size_t pages;
	unsigned reads;
	int max_page;
	int fail_page;	/* -1: none */
};

static int
fake_read4(void *arg, uint8_t page, uint8_t *out)
{
	struct fake_tag *t = arg;
	size_t i, total = t->pages * 4;

	t->reads++;
	if (page > t->max_page)
		t->max_page = page;
	if (page >= t->pages || page == t->fail_page)
		return -EIO;	/* a NAK */
	for (i = 0; i < 16; i++)
		out[i] = t->mem[(page * 4 + i) % total];
	return 0;
}

static void
test_read_pages(void **state)
{
	struct fake_tag t = { .fail_page = -1, .max_page = -1 };
	uint8_t msg[100], mem[LINUX_T2T_MEM_MAX], out[200];
	struct image im;
	size_t memlen, n;

	(void)state;
	message(msg, sizeof(msg));
	image_init(&im, NTAG213_CC2);
	PUT(&im, LOCK_TLV_NTAG213, 0x03, sizeof(msg));
	put(&im, msg, sizeof(msg));
	PUT(&im, 0xFE);
	memset(im.mem + 160, 0xBD, 20);	/* lock and configuration pages */
	t.mem = im.mem;
	t.pages = 45;			/* an NTAG213 */
	assert_int_equal(linux_t2t_read(fake_read4, &t, mem, sizeof(mem),
	    &memlen), 0);
	assert_int_equal(memlen, 160);
	assert_int_equal(t.reads, 10);	/* pages 0, 4, 8 ... 36 */
	assert_int_equal(t.max_page, 36);
	assert_memory_equal(mem, im.mem, 160);
	assert_int_equal(linux_ndef_tlv_extract(mem, memlen, out, sizeof(out),
	    &n), 0);
	assert_memory_equal(out, msg, sizeof(msg));

	/* The last READ rolls over the end of a 42-page tag. */
	im.mem[14] = 0x13;		/* 152 bytes: up to page 41 */
	t.pages = 42;
	t.reads = 0;
	assert_int_equal(linux_t2t_read(fake_read4, &t, mem, sizeof(mem),
	    &memlen), 0);
	assert_int_equal(memlen, 168);
	assert_memory_equal(mem, im.mem, 168);
	im.mem[14] = NTAG213_CC2;
	t.pages = 45;

	/* The tag leaves the field half way. */
	t.fail_page = 20;
	assert_int_equal(linux_t2t_read(fake_read4, &t, mem, sizeof(mem),
	    &memlen), -EIO);
	assert_int_equal(memlen, 0);
	assert_int_equal(mem[0], 0);	/* zeroised */
	t.fail_page = -1;

	/* Too small a buffer for the declared area. */
	assert_int_equal(linux_t2t_read(fake_read4, &t, mem, 100, &memlen),
	    -ENOBUFS);

	/* Not an NDEF tag: one READ, then no more. */
	im.mem[12] = 0x00;
	t.reads = 0;
	assert_int_equal(linux_t2t_read(fake_read4, &t, mem, sizeof(mem),
	    &memlen), -ENODATA);
	assert_int_equal(t.reads, 1);
}

static void
test_read_page_limit(void **state)
{
	static uint8_t big[256 * 4];
	struct fake_tag t = { .mem = big, .pages = 256, .fail_page = -1,
		.max_page = -1 };
	uint8_t mem[LINUX_T2T_MEM_MAX], out[64];
	size_t memlen, n;

	(void)state;
	/* A CC declaring 2040 bytes: READ reaches page 255 at most. */
	memcpy(big + 12, (const uint8_t[]){ 0xE1, 0x10, 0xFF, 0x00 }, 4);
	big[16] = 0x03;
	big[17] = 0x02;
	big[18] = 0xD0;
	big[19] = 0x00;
	assert_int_equal(linux_t2t_read(fake_read4, &t, mem, sizeof(mem),
	    &memlen), 0);
	assert_int_equal(memlen, LINUX_T2T_MEM_MAX);
	assert_int_equal(t.max_page, 252);
	assert_int_equal(linux_ndef_tlv_extract(mem, memlen, out, sizeof(out),
	    &n), 0);
	assert_int_equal(n, 2);
	/* What lies past page 255 was not read: a message running there is
	 * cut. */
	big[16] = 0x03;
	big[17] = 0xFF;
	big[18] = 0x04;
	big[19] = 0x00;
	assert_int_equal(linux_t2t_read(fake_read4, &t, mem, sizeof(mem),
	    &memlen), 0);
	assert_int_equal(linux_ndef_tlv_extract(mem, memlen, out, sizeof(out),
	    &n), -EBADMSG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ntag213),
		cmocka_unit_test(test_null_and_other_tlvs),
		cmocka_unit_test(test_long_length),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_beyond_memory),
		cmocka_unit_test(test_no_message),
		cmocka_unit_test(test_capability_container),
		cmocka_unit_test(test_reserved_area),
		cmocka_unit_test(test_read_pages),
		cmocka_unit_test(test_read_page_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
