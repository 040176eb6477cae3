/*
 * Tests agent/transport/lwm2m/lwm2m_block.c: Block1/Block2 option values, a
 * body gathered from 16- and 64-byte blocks, a retransmitted block, the
 * size cap against Size1 and against the blocks themselves (nothing
 * kept past it), blocks out of order or of another request, a short
 * block with more to come.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/transport/lwm2m/lwm2m_block.h"

static uint8_t body[1000];

static struct lwm2m_msg
msg(size_t off, size_t len)
{
	struct lwm2m_msg m;

	memset(&m, 0, sizeof(m));
	m.method = LWM2M_PUT;
	m.path.len = 2;
	m.path.id[0] = 32001;
	m.cf = LWM2M_CF_SENML_JSON;
	m.payload = body + off;
	m.len = len;
	return m;
}

static int
take(struct lwm2m_block1 *t, struct lwm2m_msg *m, uint32_t num, bool more,
    unsigned szx, long long size1, size_t cap, const uint8_t **out,
    size_t *len)
{
	struct lwm2m_block b = { num, more, szx };
	char why[LWM2M_WHY_MAX];

	return lwm2m_block1_take(t, m, &b, NULL, 0, size1, cap, out, len, why,
	    sizeof(why));
}

static void
setup_body(void)
{
	size_t i;

	for (i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 7 + 3);
}

static void
test_decode(void **state)
{
	struct lwm2m_block b;
	const uint8_t one[] = { 0x1a }, three[] = { 0xff, 0xff, 0xe6 };
	const uint8_t bert[] = { 0x07 }, four[] = { 0, 0, 0, 1 };

	(void)state;
	assert_int_equal(lwm2m_block_decode(NULL, 0, &b), 0);
	assert_int_equal(b.num, 0);
	assert_false(b.more);
	assert_int_equal(b.szx, 0);
	assert_int_equal(lwm2m_block_decode(one, 1, &b), 0);
	assert_int_equal(b.num, 1);
	assert_true(b.more);
	assert_int_equal(b.szx, 2);
	assert_int_equal(lwm2m_block_decode(three, 3, &b), 0);
	assert_int_equal(b.num, 0xffffe);
	assert_false(b.more);
	assert_int_equal(b.szx, 6);
	assert_int_equal(lwm2m_block_decode(bert, 1, &b), -1);
	assert_int_equal(lwm2m_block_decode(four, 4, &b), -1);
}

/* The whole body in blocks of 2^(szx+4) bytes. */
static void
gather(unsigned szx, size_t total)
{
	struct lwm2m_block1 t;
	struct lwm2m_msg m;
	const uint8_t *out;
	size_t bs = (size_t)1 << (szx + 4), off, n, len;
	uint32_t num = 0;
	int rc;

	memset(&t, 0, sizeof(t));
	for (off = 0; off < total; off += n, num++) {
		n = total - off < bs ? total - off : bs;
		m = msg(off, n);
		rc = take(&t, &m, num, off + n < total, szx, -1, 4096, &out,
		    &len);
		if (off + n < total) {
			assert_int_equal(rc, 231);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(len, total);
			assert_memory_equal(out, body, total);
		}
	}
	lwm2m_block1_reset(&t);
	assert_false(t.active);
	assert_null(t.buf);
}

static void
test_gather_16_and_64(void **state)
{
	(void)state;
	setup_body();
	gather(0, 1000);
	gather(2, 1000);
	gather(2, 128);		/* the last block full */
	gather(6, 1000);	/* one block */
}

static void
test_retransmission(void **state)
{
	struct lwm2m_block1 t;
	struct lwm2m_msg m;
	const uint8_t *out;
	size_t len;

	(void)state;
	setup_body();
	memset(&t, 0, sizeof(t));
	m = msg(0, 16);
	assert_int_equal(take(&t, &m, 0, true, 0, -1, 4096, &out, &len), 231);
	m = msg(16, 16);
	assert_int_equal(take(&t, &m, 1, true, 0, -1, 4096, &out, &len), 231);
	/* block 1 again: its answer was lost */
	assert_int_equal(take(&t, &m, 1, true, 0, -1, 4096, &out, &len), 231);
	m = msg(32, 5);
	assert_int_equal(take(&t, &m, 2, false, 0, -1, 4096, &out, &len), 0);
	assert_int_equal(len, 37);
	assert_memory_equal(out, body, 37);
	lwm2m_block1_reset(&t);
}

static void
test_cap(void **state)
{
	struct lwm2m_block1 t;
	struct lwm2m_msg m;
	const uint8_t *out;
	size_t len, off;
	uint32_t num;

	(void)state;
	setup_body();
	memset(&t, 0, sizeof(t));
	/* Size1 over the cap: refused at block 0, nothing kept */
	m = msg(0, 64);
	assert_int_equal(take(&t, &m, 0, true, 2, 257, 256, &out, &len), 413);
	assert_false(t.active);
	assert_null(t.buf);
	/* Size1 at the cap is fine */
	assert_int_equal(take(&t, &m, 0, true, 2, 256, 256, &out, &len), 231);
	lwm2m_block1_reset(&t);
	/* no Size1: the block that passes the cap is refused */
	for (off = 0, num = 0; off < 256; off += 64, num++) {
		m = msg(off, 64);
		assert_int_equal(take(&t, &m, num, true, 2, -1, 256, &out,
		    &len), 231);
	}
	assert_true(t.alloc <= 256);
	m = msg(256, 1);
	assert_int_equal(take(&t, &m, num, false, 2, -1, 256, &out, &len),
	    413);
	assert_false(t.active);
	assert_null(t.buf);
	/* then a block of the dropped transfer is not taken */
	m = msg(64, 64);
	assert_int_equal(take(&t, &m, 1, true, 2, -1, 256, &out, &len), 408);
	/* a block number far out is refused without a buffer */
	m = msg(0, 64);
	assert_int_equal(take(&t, &m, 0xfffff, true, 6, -1, 256, &out, &len),
	    413);
	assert_null(t.buf);
}

static void
test_order_and_identity(void **state)
{
	struct lwm2m_block1 t;
	struct lwm2m_msg m;
	const uint8_t *out;
	size_t len;

	(void)state;
	setup_body();
	memset(&t, 0, sizeof(t));
	m = msg(0, 16);
	assert_int_equal(take(&t, &m, 0, true, 0, -1, 4096, &out, &len), 231);
	/* a gap */
	m = msg(32, 16);
	assert_int_equal(take(&t, &m, 2, true, 0, -1, 4096, &out, &len), 408);
	assert_false(t.active);
	/* another path in the middle */
	m = msg(0, 16);
	assert_int_equal(take(&t, &m, 0, true, 0, -1, 4096, &out, &len), 231);
	m = msg(16, 16);
	m.path.id[0] = 32002;
	assert_int_equal(take(&t, &m, 1, true, 0, -1, 4096, &out, &len), 408);
	/* another Content-Format in the middle */
	m = msg(0, 16);
	assert_int_equal(take(&t, &m, 0, true, 0, -1, 4096, &out, &len), 231);
	m = msg(16, 16);
	m.cf = LWM2M_CF_TLV;
	assert_int_equal(take(&t, &m, 1, true, 0, -1, 4096, &out, &len), 408);
	/* a short block with more to come */
	m = msg(0, 15);
	assert_int_equal(take(&t, &m, 0, true, 0, -1, 4096, &out, &len), 400);
	/* a smaller block size negotiated half-way: offsets still meet */
	m = msg(0, 64);
	assert_int_equal(take(&t, &m, 0, true, 2, -1, 4096, &out, &len), 231);
	m = msg(64, 16);
	assert_int_equal(take(&t, &m, 4, true, 0, -1, 4096, &out, &len), 231);
	m = msg(80, 3);
	assert_int_equal(take(&t, &m, 5, false, 0, -1, 4096, &out, &len), 0);
	assert_int_equal(len, 83);
	assert_memory_equal(out, body, 83);
	lwm2m_block1_reset(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_gather_16_and_64),
		cmocka_unit_test(test_retransmission),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_order_and_identity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
