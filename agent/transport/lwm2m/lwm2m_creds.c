/*
 * lwm2m_creds.c - a DTLS session's credentials: copied from the
 * Security object's parameters, handed to libcoap as PSK or PKI set-up,
 * the server's chain checked against the optional pin; secrets zeroed
 * when cleared (lwm2m_creds.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_creds.h"
#include "crypto/crypto.h"

/* Called for each certificate of a chain that verified against the
 * trust anchor, root first, the server's own last (depth 0). */
static int
on_peer_cert(const char *cn, const uint8_t *der, size_t len,
    coap_session_t *s, unsigned int depth, int validated, void *arg)
{
	struct lwm2m_creds *c = arg;
	uint8_t fp[LWM2M_SHA256_LEN];

	(void)cn;
	(void)s;
	if (!validated)
		return 0;
	if (!c->has_pin)
		return 1;
	crypto_sha256(der, len, fp);
	if (crypto_ct_equal(fp, c->pin, sizeof(fp)))
		c->pin_seen = true;
	return depth > 0 ? 1 : c->pin_seen;
}

/* A PEM copy of a PEM or DER credential (label for DER). */
static char *
to_pem(const uint8_t *buf, size_t len, const char *label)
{
	char *pem = NULL;

	if (buf == NULL || len == 0)
		return NULL;
	if (len > 10 && memcmp(buf, "-----BEGIN", 10) == 0) {
		if ((pem = malloc(len + 1)) == NULL)
			return NULL;
		memcpy(pem, buf, len);
		pem[len] = '\0';
		return pem;
	}
	if (crypto_pem_encode(label, buf, len, &pem) != 0)
		return NULL;
	return pem;
}

/* DER private keys: PKCS#8 (SEQUENCE, INTEGER 0, SEQUENCE ...) or SEC1
 * ECPrivateKey (SEQUENCE, INTEGER 1, OCTET STRING ...). */
static const char *
key_label(const uint8_t *der, size_t len)
{
	size_t off = 2;

	if (len < 8 || der[0] != 0x30)
		return "PRIVATE KEY";
	if (der[1] & 0x80)
		off += der[1] & 0x7f;
	if (off + 3 >= len || der[off] != 0x02 || der[off + 1] != 0x01)
		return "PRIVATE KEY";
	return der[off + 3] == 0x04 ? "EC PRIVATE KEY" : "PRIVATE KEY";
}

int
lwm2m_creds_copy(struct lwm2m_creds *c, bool secure,
    const struct lwm2m_coap_params *p, char *err, size_t errlen)
{
	c->mode = secure ? p->mode : LWM2M_SEC_NOSEC;
	if (!secure) {
		if (!p->allow_nosec || p->mode != LWM2M_SEC_NOSEC) {
			snprintf(err, errlen, "coap:// (no DTLS) is not "
			    "allowed");
			return -1;
		}
		return 0;
	}
	if (p->mode == LWM2M_SEC_PSK) {
		if (p->psk_identity == NULL || p->psk_identity[0] == '\0' ||
		    strlen(p->psk_identity) > LWM2M_PSK_ID_MAX ||
		    p->psk_key_len == 0 || p->psk_key_len > LWM2M_PSK_KEY_MAX) {
			snprintf(err, errlen, "PSK mode needs an identity of "
			    "1-%d bytes and a key of 1-%d bytes",
			    LWM2M_PSK_ID_MAX, LWM2M_PSK_KEY_MAX);
			return -1;
		}
		snprintf(c->psk_identity, sizeof(c->psk_identity), "%s",
		    p->psk_identity);
		memcpy(c->psk_key, p->psk_key, p->psk_key_len);
		c->psk_key_len = p->psk_key_len;
		return 0;
	}
	if (p->mode == LWM2M_SEC_CERT) {
		c->cert_pem = to_pem(p->cert, p->cert_len, "CERTIFICATE");
		c->key_pem = to_pem(p->key, p->key_len,
		    key_label(p->key, p->key_len));
		c->ca_pem = to_pem(p->ca, p->ca_len, "CERTIFICATE");
		if (c->cert_pem == NULL || c->key_pem == NULL ||
		    c->ca_pem == NULL) {
			snprintf(err, errlen, "certificate mode needs the "
			    "device's certificate and key and the server's "
			    "certificate (or its CA)");
			return -1;
		}
		c->has_pin = p->has_pin;
		memcpy(c->pin, p->pin, sizeof(c->pin));
		return 0;
	}
	snprintf(err, errlen, "security mode %d: UNSUPPORTED (PSK, "
	    "certificate or, when allowed, NoSec)", (int)p->mode);
	return -1;
}

coap_session_t *
lwm2m_creds_session(struct lwm2m_creds *c, coap_context_t *ctx,
    const coap_address_t *dst)
{
	coap_session_t *s;
	coap_dtls_cpsk_t psk;
	coap_dtls_pki_t pki;

	if (c->mode == LWM2M_SEC_NOSEC) {
		s = coap_new_client_session(ctx, NULL, dst, COAP_PROTO_UDP);
	} else if (c->mode == LWM2M_SEC_PSK) {
		memset(&psk, 0, sizeof(psk));
		psk.version = COAP_DTLS_CPSK_SETUP_VERSION;
		psk.psk_info.identity.s = (const uint8_t *)c->psk_identity;
		psk.psk_info.identity.length = strlen(c->psk_identity);
		psk.psk_info.key.s = c->psk_key;
		psk.psk_info.key.length = c->psk_key_len;
		s = coap_new_client_session_psk2(ctx, NULL, dst,
		    COAP_PROTO_DTLS, &psk);
		crypto_zero(&psk, sizeof(psk));
	} else {
		memset(&pki, 0, sizeof(pki));
		pki.version = COAP_DTLS_PKI_SETUP_VERSION;
		pki.verify_peer_cert = 1;
		pki.check_common_ca = 0;
		pki.allow_self_signed = 0;
		pki.cert_chain_validation = 1;
		pki.cert_chain_verify_depth = 4;
		pki.validate_cn_call_back = on_peer_cert;
		pki.cn_call_back_arg = c;
		pki.pki_key.key_type = COAP_PKI_KEY_PEM_BUF;
		pki.pki_key.key.pem_buf.ca_cert = (const uint8_t *)c->ca_pem;
		pki.pki_key.key.pem_buf.ca_cert_len = strlen(c->ca_pem) + 1;
		pki.pki_key.key.pem_buf.public_cert =
		    (const uint8_t *)c->cert_pem;
		pki.pki_key.key.pem_buf.public_cert_len =
		    strlen(c->cert_pem) + 1;
		pki.pki_key.key.pem_buf.private_key =
		    (const uint8_t *)c->key_pem;
		pki.pki_key.key.pem_buf.private_key_len =
		    strlen(c->key_pem) + 1;
		s = coap_new_client_session_pki(ctx, NULL, dst,
		    COAP_PROTO_DTLS, &pki);
	}
	return s;
}

bool
lwm2m_creds_pin_ok(const struct lwm2m_creds *cr)
{
	return !cr->has_pin || cr->pin_seen;
}

static void
secret_free(char *s)
{
	if (s != NULL)
		crypto_zero(s, strlen(s));
	free(s);
}

void
lwm2m_creds_clear(struct lwm2m_creds *cr)
{
	secret_free(cr->cert_pem);
	secret_free(cr->key_pem);
	secret_free(cr->ca_pem);
	cr->cert_pem = cr->key_pem = cr->ca_pem = NULL;
	crypto_zero(cr->psk_key, sizeof(cr->psk_key));
}
