/*
 * lwm2m_block.h - reassembly of a server's Block1 request body (RFC 7959)
 * under a size cap.
 *
 * libcoap 4.3.1 reassembles Block1 bodies without any limit (it sizes
 * its buffer from the peer's Size1 and grows it to any offset a block
 * names) and, without Size1, hands the first block on as the whole body.
 * So the CoAP layer lets libcoap deliver each block as it comes and
 * collects them here: the cap is checked against the announced size
 * (Size1) and against every block's end before a byte is kept, blocks
 * must come in order, and a transfer that breaks is dropped whole.
 *
 * One transfer at a time per session (a server sends one write at a
 * time); a new block 0 starts over. Pure code, no I/O: the unit tests
 * and the fuzz target drive it directly.
 */
#ifndef WARDEN_LWM2M_BLOCK_H
#define WARDEN_LWM2M_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/transport/lwm2m/lwm2m_coap.h"

/* The largest body a server may send or announce: the size of the
 * largest request the client serves (a policy document). */
#define LWM2M_BODY_MAX LWM2M_PAYLOAD_MAX
#define LWM2M_RTAG_MAX 8	/* Request-Tag bytes (RFC 9175) */

/* A Block1 or Block2 option's value. */
struct lwm2m_block {
	uint32_t num;		/* block number, < 2^20 */
	bool more;		/* M */
	unsigned szx;		/* size exponent: 2^(szx + 4) bytes */
};

/* One Block1 transfer in progress. Zero it before first use. */
struct lwm2m_block1 {
	bool active;
	enum lwm2m_method method;
	bool bs;
	struct lwm2m_path path;
	int cf;
	uint8_t rtag[LWM2M_RTAG_MAX];
	size_t rtag_len;
	uint8_t *buf;		/* owned */
	size_t len, alloc;
};

/*
 * Decodes a Block1/Block2 option value (0 to 3 bytes, RFC 7959 2.2):
 * 0 or -1 (too long, or SZX 7, which is reserved over UDP).
 */
int lwm2m_block_decode(const uint8_t *v, size_t len, struct lwm2m_block *b);

/*
 * Takes block b of request m (m->payload, m->len are the block's bytes;
 * m->method, bs, path and cf identify the transfer, with the Request-Tag
 * rtag of rtag_len bytes, 0 when absent). size1 is the Size1 option's
 * value, or -1 when absent. cap is the largest body accepted.
 *
 * Returns:
 *   0    the body is complete: *body and *len are the whole body, held
 *        by t until lwm2m_block1_reset() (which the caller runs once it
 *        has served the request);
 *   231  the block is kept: answer 2.31 Continue;
 *   413  the announced or received size passes cap: nothing of it is
 *        kept (the transfer is dropped); answer 4.13 with Size1 = cap;
 *   408  a block out of order, or not of the transfer in progress (the
 *        transfer is dropped); answer 4.08;
 *   400  a block that is not the last but not full (dropped);
 *   500  out of memory (dropped).
 * why gets a reason for every answer but 0 and 231.
 */
int lwm2m_block1_take(struct lwm2m_block1 *t, const struct lwm2m_msg *m,
    const struct lwm2m_block *b, const uint8_t *rtag, size_t rtag_len,
    long long size1, size_t cap, const uint8_t **body, size_t *len,
    char *why, size_t whylen);

/* Drops the transfer and its buffer. */
void lwm2m_block1_reset(struct lwm2m_block1 *t);

#endif /* WARDEN_LWM2M_BLOCK_H */
