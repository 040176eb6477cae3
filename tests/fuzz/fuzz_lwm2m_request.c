/*
 * fuzz_lwm2m_request.c - how the LwM2M binding reads a request from its
 * server (agent/transport/lwm2m/lwm2m_uri.c): an input is one CoAP/UDP
 * datagram, parsed by libcoap as on the wire, then its Uri-Path,
 * Uri-Query, Content-Format, Accept and Observe options by
 * lwm2m_coap_parse_request(); the bytes are also tried as a server URI
 * and as a path text.
 * requires: CONFIG_TRANSPORT_LWM2M
 *
 * Invariants: an accepted request has at most four path ids, none above
 * LWM2M_ID_MAX, "bs" only alone; its path prints and parses back to
 * itself; queries are printable and bounded; Observe is 0, 1 or absent;
 * a parsed URI has a non-empty host and a port.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <coap3/coap.h>

#include "agent/transport/lwm2m/lwm2m_coap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_msg(const struct lwm2m_msg *m)
{
	struct lwm2m_path back;
	char text[48];
	size_t i, j;

	if (m->path.len > 4 || (m->bs && m->path.len != 0) ||
	    m->nquery > LWM2M_QUERY_MAX || m->len > LWM2M_PAYLOAD_MAX ||
	    m->observe < -1 || m->observe > 1 || m->token_len >
	    LWM2M_TOKEN_MAX)
		abort();
	for (i = 0; i < m->path.len; i++)
		if (m->path.id[i] > LWM2M_ID_MAX)
			abort();
	for (i = 0; i < m->nquery; i++) {
		if (strlen(m->query[i]) > LWM2M_QUERY_LEN)
			abort();
		for (j = 0; m->query[i][j] != '\0'; j++)
			if (m->query[i][j] < 0x21 || m->query[i][j] > 0x7e)
				abort();
	}
	lwm2m_path_str(&m->path, text, sizeof(text));
	if (lwm2m_path_parse(text, &back) != 0 ||
	    !lwm2m_path_equal(&back, &m->path))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lwm2m_msg m;
	struct lwm2m_path p;
	coap_pdu_t *pdu;
	char *text, host[LWM2M_HOST_MAX + 1], err[128];
	uint16_t port;
	bool secure;
	int rc;

	if (size > 4096)
		return 0;
	coap_set_log_level(LOG_EMERG);
	if ((pdu = coap_pdu_init(0, 0, 0, size + 16)) == NULL)
		abort();
	if (coap_pdu_parse(COAP_PROTO_UDP, data, size, pdu)) {
		rc = lwm2m_coap_parse_request(pdu, &m);
		if (rc == 0)
			check_msg(&m);
		else if (rc != 400 && rc != 404 && rc != 405 && rc != 413)
			abort();
	}
	coap_delete_pdu(pdu);

	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (lwm2m_uri_parse(text, &secure, host, sizeof(host), &port, err,
	    sizeof(err)) == 0 && (host[0] == '\0' || port == 0))
		abort();
	if (lwm2m_path_parse(text, &p) == 0 && p.len > 4)
		abort();
	free(text);
	return 0;
}
