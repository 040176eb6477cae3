/*
 * lwm2m_creds.h - a DTLS session's credentials, from the Security
 * object's parameters (struct lwm2m_coap_params) to libcoap's session
 * set-up: the PSK identity and key, or the certificate, key and trust
 * anchor in PEM with an optional pin of the server's certificate.
 * Secrets are zeroed when cleared.
 */
#ifndef WARDEN_LWM2M_CREDS_H
#define WARDEN_LWM2M_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <coap3/coap.h>

#include "agent/transport/lwm2m/lwm2m_coap.h"

struct lwm2m_creds {
	enum lwm2m_sec_mode mode;
	char psk_identity[LWM2M_PSK_ID_MAX + 1];
	uint8_t psk_key[LWM2M_PSK_KEY_MAX];
	size_t psk_key_len;
	char *cert_pem, *key_pem, *ca_pem;
	bool has_pin, pin_seen;
	uint8_t pin[LWM2M_SHA256_LEN];
};

/*
 * Copies p's credentials into cr (zeroed by the caller) for a coaps://
 * server (secure) or a coap:// one (only when p allows NoSec). Returns
 * 0, or -1 with err saying what is missing or refused.
 */
int lwm2m_creds_copy(struct lwm2m_creds *cr, bool secure,
    const struct lwm2m_coap_params *p, char *err, size_t errlen);
/* A client session to dst in ctx with cr (UDP in NoSec mode); NULL when
 * libcoap refuses. cr must outlive the session: the certificate check
 * records the pin in it. */
coap_session_t *lwm2m_creds_session(struct lwm2m_creds *cr,
    coap_context_t *ctx, const coap_address_t *dst);
/* False when a pin was given and no certificate of the chain matched. */
bool lwm2m_creds_pin_ok(const struct lwm2m_creds *cr);
/* Zeroes the secrets and frees the PEM copies. */
void lwm2m_creds_clear(struct lwm2m_creds *cr);

#endif /* WARDEN_LWM2M_CREDS_H */
