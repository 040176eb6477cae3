/*
 * lwm2m_coap_int.h - the inside of struct lwm2m_coap, shared by the
 * files of the libcoap glue (lwm2m_coap.c, lwm2m_coap_anchor.c); the
 * rest of the client uses lwm2m_coap.h.
 */
#ifndef WARDEN_LWM2M_COAP_INT_H
#define WARDEN_LWM2M_COAP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <coap3/coap.h>
#include <uv.h>

#include "agent/transport/lwm2m/lwm2m_block.h"
#include "agent/transport/lwm2m/lwm2m_coap.h"
#include "agent/transport/lwm2m/lwm2m_creds.h"
#include "agent/transport/lwm2m/lwm2m_dtls.h"

struct pending {
	struct pending *next;
	uint8_t token[LWM2M_TOKEN_MAX];
	size_t token_len;
	lwm2m_coap_reply_fn cb;
	void *arg;
};

struct anchor {
	struct anchor *next;
	struct lwm2m_path path;
	coap_resource_t *r;
};

struct lwm2m_coap {
	uv_loop_t *loop;
	struct lwm2m_coap_events ev;
	coap_context_t *ctx;
	coap_session_t *session;
	coap_resource_t *unknown;
	uv_poll_t poll;
	uv_timer_t timer;
	uv_timer_t deadline;	/* of resolution and handshake */
	uv_getaddrinfo_t gai;
	const struct lwm2m_resolver *resolver;	/* NULL: uv_getaddrinfo */
	int handles;		/* open libuv handles and requests */
	bool resolving;
	int in_io;		/* depth of calls into libcoap */
	bool dead;		/* lwm2m_coap_free() was called */
	bool ready;

	bool secure;
	char host[LWM2M_HOST_MAX + 1];
	uint16_t port;
	struct lwm2m_creds creds;	/* lwm2m_creds.c */
	struct lwm2m_dtls_cause cause;	/* why the handshake failed */

	struct pending *pending;
	struct anchor *anchors;
	struct lwm2m_block1 block1;	/* a server's write in blocks */
};

/* Sets a resource's handler of every method: each
 * request in goes to the client's handler (lwm2m_coap.c). */
void lwm2m_coap_register_handlers(coap_resource_t *r);

#endif /* WARDEN_LWM2M_COAP_INT_H */
