/*
 * fuzz_x509.c - libFuzzer target for the parsers of certificates and keys
 * received from outside (crypto/cert.c, crypto/csr.c, crypto/eckey.c) and
 * of the provisioning pin (crypto/x509_verify.c). Each input is offered
 * to all of them.
 *
 * Invariants: every rejection carries a "field: reason" message; an
 * accepted certificate chain is non-empty and its helpers work on every
 * element; an accepted request has a CN the device-id rules allow; an
 * accepted pin formats and parses back to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
rejected(const char *err)
{
	if (err[0] == '\0' || strstr(err, ": ") == NULL)
		abort();
}

static void
certs(const uint8_t *data, size_t size)
{
	const mbedtls_x509_crt *c;
	mbedtls_x509_crt chain;
	struct crypto_eckey *k;
	uint8_t fp[CRYPTO_SHA256_LEN];
	char err[CRYPTO_ERR_MAX], cn[CRYPTO_CN_MAX + 1], *pem;

	err[0] = '\0';
	mbedtls_x509_crt_init(&chain);
	if (crypto_cert_parse(&chain, data, size, err, sizeof(err)) != 0) {
		rejected(err);
	} else {
		if (crypto_cert_count(&chain) == 0)
			abort();
		for (c = &chain; c != NULL; c = c->next) {
			crypto_cert_fingerprint(c, fp);
			(void)crypto_cert_not_before(c);
			(void)crypto_cert_not_after(c);
			(void)crypto_cert_subject_cn(c, cn, sizeof(cn));
			if (crypto_cert_pem(c, &pem) != 0)
				abort();
			free(pem);
			if (crypto_eckey_from_cert(c, &k, NULL, 0) == 0) {
				if (!crypto_cert_has_key(c, k))
					abort();
				crypto_eckey_free(k);
			}
		}
	}
	mbedtls_x509_crt_free(&chain);
}

static void
request(const uint8_t *data, size_t size)
{
	struct crypto_eckey *pub;
	char cn[CRYPTO_CN_MAX + 1], err[CRYPTO_ERR_MAX];

	err[0] = '\0';
	if (crypto_csr_check(data, size, cn, &pub, err, sizeof(err)) != 0) {
		rejected(err);
		if (cn[0] != '\0')
			abort();
		return;
	}
	if (!crypto_cn_valid(cn) || pub == NULL ||
	    crypto_eckey_has_private(pub))
		abort();
	crypto_eckey_free(pub);
}

static void
public_key(const uint8_t *data, size_t size)
{
	struct crypto_eckey *k;
	char err[CRYPTO_ERR_MAX];
	uint8_t *der;
	size_t len;

	err[0] = '\0';
	if (crypto_eckey_parse_public(data, size, &k, err, sizeof(err)) != 0) {
		rejected(err);
		return;
	}
	if (crypto_eckey_public_der(k, &der, &len) != 0)
		abort();
	free(der);
	crypto_eckey_free(k);
}

static void
pin(const uint8_t *data, size_t size)
{
	uint8_t a[CRYPTO_SHA256_LEN], b[CRYPTO_SHA256_LEN];
	char text[129], hex[65], err[CRYPTO_ERR_MAX];

	if (size >= sizeof(text))
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (crypto_pin_parse(text, a, err, sizeof(err)) != 0) {
		rejected(err);
		return;
	}
	crypto_pin_format(a, hex);
	if (crypto_pin_parse(hex, b, NULL, 0) != 0 || memcmp(a, b, 32) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	certs(data, size);
	request(data, size);
	public_key(data, size);
	pin(data, size);
	return 0;
}
