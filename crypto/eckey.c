/*
 * eckey.c - EC P-256 keys: generation, public export and import.
 *
 * The private half has no export function: devkey.c seals it, and the TLS
 * layer borrows the mbedTLS context to sign handshakes.
 */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ecp.h>

#include "crypto/crypto_int.h"

#define PUBKEY_IN_MAX (8 * 1024)
#define PUBKEY_DER_MAX 160	/* a P-256 SubjectPublicKeyInfo is 91 bytes */

mbedtls_pk_context
crypto_eckey_pk_view(const struct crypto_eckey *key)
{
	return key->pk;
}

int
crypto_eckey_adopt(mbedtls_pk_context *pk, bool has_private,
    struct crypto_eckey **out, char *err, size_t errlen)
{
	struct crypto_eckey *key;

	*out = NULL;
	if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_ECKEY) {
		crypto_seterr(err, errlen, "key: not an EC key (%s)",
		    mbedtls_pk_get_name(pk));
		return -1;
	}
	if (mbedtls_pk_ec(*pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1) {
		crypto_seterr(err, errlen, "key: curve is not P-256");
		return -1;
	}
	if ((key = calloc(1, sizeof(*key))) == NULL) {
		crypto_seterr(err, errlen, "key: out of memory");
		return -1;
	}
	/* A pk context is two pointers: moving it is a struct copy. */
	key->pk = *pk;
	(void)crypto_pk_share_table(&key->pk);
	key->has_private = has_private;
	mbedtls_pk_init(pk);
	*out = key;
	return 0;
}

int
crypto_eckey_generate(struct crypto_rng *rng, struct crypto_eckey **out,
    char *err, size_t errlen)
{
	mbedtls_pk_context pk;
	int ret;

	*out = NULL;
	mbedtls_pk_init(&pk);
	ret = mbedtls_pk_setup(&pk,
	    mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (ret == 0)
		ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1,
		    mbedtls_pk_ec(pk), crypto_rng_mbedtls, rng);
	if (ret != 0) {
		crypto_seterr_mbedtls(err, errlen, "key: generation", ret);
		mbedtls_pk_free(&pk);
		return -1;
	}
	if (crypto_eckey_adopt(&pk, true, out, err, errlen) != 0) {
		mbedtls_pk_free(&pk);
		return -1;
	}
	return 0;
}

/* A PEM or DER key, public or private, as an owned crypto_eckey. */
static int
parse_key(const void *data, size_t len, bool private,
    struct crypto_eckey **out, char *err, size_t errlen)
{
	mbedtls_pk_context pk;
	unsigned char *buf;
	size_t buflen;
	int ret;

	*out = NULL;
	if (len == 0 || len > PUBKEY_IN_MAX) {
		crypto_seterr(err, errlen, "key: size %zu out of range 1..%d",
		    len, PUBKEY_IN_MAX);
		return -1;
	}
	if (crypto_pem_input(data, len, &buf, &buflen) != 0) {
		crypto_seterr(err, errlen, "key: out of memory");
		return -1;
	}
	mbedtls_pk_init(&pk);
	ret = private ? mbedtls_pk_parse_key(&pk, buf, buflen, NULL, 0) :
	    mbedtls_pk_parse_public_key(&pk, buf, buflen);
	/* A private key's text is a secret: its copy is wiped. */
	crypto_free_secret(buf, buflen);
	if (ret != 0) {
		crypto_seterr_mbedtls(err, errlen, "key", ret);
		mbedtls_pk_free(&pk);
		return -1;
	}
	if (crypto_eckey_adopt(&pk, private, out, err, errlen) != 0) {
		mbedtls_pk_free(&pk);
		return -1;
	}
	return 0;
}

int
crypto_eckey_parse_public(const void *data, size_t len,
    struct crypto_eckey **out, char *err, size_t errlen)
{
	return parse_key(data, len, false, out, err, errlen);
}

int
crypto_eckey_parse_private(const void *data, size_t len,
    struct crypto_eckey **out, char *err, size_t errlen)
{
	return parse_key(data, len, true, out, err, errlen);
}

int
crypto_eckey_from_cert(const mbedtls_x509_crt *crt,
    struct crypto_eckey **out, char *err, size_t errlen)
{
	/* pk_raw is the certificate's SubjectPublicKeyInfo, already DER. */
	if (crt == NULL || crt->pk_raw.p == NULL) {
		*out = NULL;
		crypto_seterr(err, errlen, "certificate: no public key");
		return -1;
	}
	return crypto_eckey_parse_public(crt->pk_raw.p, crt->pk_raw.len, out,
	    err, errlen);
}

void
crypto_eckey_free(struct crypto_eckey *key)
{
	if (key == NULL)
		return;
	/* mbedtls_pk_free() zeroises the private scalar and the context. */
	mbedtls_pk_free(&key->pk);
	crypto_free_secret(key, sizeof(*key));
}

bool
crypto_eckey_has_private(const struct crypto_eckey *key)
{
	return key != NULL && key->has_private;
}

int
crypto_eckey_public_der(const struct crypto_eckey *key, uint8_t **der,
    size_t *len)
{
	mbedtls_pk_context view = crypto_eckey_pk_view(key);
	unsigned char buf[PUBKEY_DER_MAX];
	int n;

	*der = NULL;
	*len = 0;
	/* The writer fills the buffer from its end. */
	n = mbedtls_pk_write_pubkey_der(&view, buf, sizeof(buf));
	if (n <= 0 || (*der = malloc((size_t)n)) == NULL)
		return -1;
	memcpy(*der, buf + sizeof(buf) - (size_t)n, (size_t)n);
	*len = (size_t)n;
	return 0;
}

int
crypto_eckey_public_pem(const struct crypto_eckey *key, char **pem)
{
	uint8_t *der;
	size_t len;
	int rc;

	*pem = NULL;
	if (crypto_eckey_public_der(key, &der, &len) != 0)
		return -1;
	rc = crypto_pem_encode("PUBLIC KEY", der, len, pem);
	free(der);
	return rc;
}

bool
crypto_eckey_public_equal(const struct crypto_eckey *a,
    const struct crypto_eckey *b)
{
	const mbedtls_ecp_keypair *ka, *kb;

	if (a == NULL || b == NULL)
		return false;
	ka = mbedtls_pk_ec(a->pk);
	kb = mbedtls_pk_ec(b->pk);
	return ka->grp.id == kb->grp.id &&
	    mbedtls_ecp_point_cmp(&ka->Q, &kb->Q) == 0;
}

mbedtls_pk_context *
crypto_eckey_pk(struct crypto_eckey *key)
{
	return &key->pk;
}
