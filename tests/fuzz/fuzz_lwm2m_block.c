/*
 * fuzz_lwm2m_block.c - Block1 reassembly (agent/transport/lwm2m/lwm2m_block.c)
 * fed a sequence of blocks. Each block in the input: one byte of option
 * length (0-3, higher values refused by the decoder), the Block1 option,
 * one flags byte (bit 0: a Size1 follows as 2 bytes; bit 1: another
 * path; bit 2: another Content-Format), then a length byte and that many
 * payload bytes.
 * requires: CONFIG_TRANSPORT_LWM2M
 *
 * Invariants: the buffer never grows past the cap; a complete body is
 * as long as the sum of the blocks taken since block 0 and never longer
 * than the cap; an answer is one of 0, 231, 400, 408, 413 (500 only on
 * an allocation failure); a refused block leaves no transfer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_block.h"

#define CAP 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lwm2m_block1 t;
	struct lwm2m_block b;
	struct lwm2m_msg m;
	char why[LWM2M_WHY_MAX];
	const uint8_t *body;
	size_t off = 0, olen, n, len, kept = 0;
	long long size1;
	uint8_t flags;
	int rc;

	memset(&t, 0, sizeof(t));
	while (off < size) {
		olen = data[off++];
		if (off + olen > size)
			break;
		if (lwm2m_block_decode(data + off, olen, &b) != 0) {
			off += olen;
			continue;
		}
		off += olen;
		if (off + 2 > size)
			break;
		flags = data[off++];
		size1 = -1;
		if (flags & 1) {
			if (off + 2 > size)
				break;
			size1 = (long long)(data[off] << 8 | data[off + 1]);
			off += 2;
		}
		if (off >= size)
			break;
		n = data[off++];
		if (off + n > size)
			n = size - off;
		memset(&m, 0, sizeof(m));
		m.method = LWM2M_PUT;
		m.path.len = 2;
		m.path.id[0] = flags & 2 ? 32002 : 32001;
		m.cf = flags & 4 ? LWM2M_CF_TLV : LWM2M_CF_SENML_JSON;
		m.payload = data + off;
		m.len = n;
		off += n;
		rc = lwm2m_block1_take(&t, &m, &b, NULL, 0, size1, CAP, &body,
		    &len, why, sizeof(why));
		if (t.alloc > CAP || t.len > CAP)
			abort();
		switch (rc) {
		case 231:
			if (!t.active)
				abort();
			kept = t.len;
			break;
		case 0:
			if (len > CAP || (body == NULL && len > 0))
				abort();
			if (b.num == 0 && len != n)
				abort();
			if (b.num > 0 && len != kept + n)
				abort();
			lwm2m_block1_reset(&t);
			kept = 0;
			break;
		case 400:
		case 408:
		case 413:
		case 500:
			if (t.active || t.buf != NULL || why[0] == '\0')
				abort();
			kept = 0;
			break;
		default:
			abort();
		}
	}
	lwm2m_block1_reset(&t);
	return 0;
}
