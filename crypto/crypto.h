/*
 * crypto.h - warden's cryptography: everything that touches mbedTLS.
 *
 * RNG, the device's EC P-256 key, PKCS#10 requests, certificate helpers,
 * chain verification with the provisioning pin, certificate issuance (for
 * the reference server and the tests), AES-256-GCM sealed storage, ES256
 * and compact JWS, PBKDF2 and the secret-handling helpers. docs/crypto.md
 * describes the key lifecycle and every format defined here.
 *
 * Conventions for everything below:
 *  - Functions return 0 on success and -1 on failure unless stated
 *    otherwise. Those taking (char *err, size_t errlen) write a one-line
 *    reason there, "field: reason", always NUL-terminated; err may be NULL.
 *    CRYPTO_ERR_MAX is a comfortable size for that buffer.
 *  - Objects come in _new/_free (or _generate/_free) pairs; every _free
 *    accepts NULL. Secrets are zeroised before their memory is released.
 *  - Buffers returned through `char **` / `uint8_t **` are malloc'd and
 *    owned by the caller (free(); crypto_free_secret() for secrets).
 *  - Nothing here logs, exits, or touches the network. Key generation,
 *    signing and verification take a few milliseconds of CPU; PBKDF2
 *    scales with its iteration count; the file helpers block on fsync.
 *  - A crypto_rng may be shared between threads (mbedTLS locks its DRBG);
 *    any other object must be used by one thread at a time.
 *  - Only mbedTLS 2.28 (LTS) is supported.
 */
#ifndef WARDEN_CRYPTO_H
#define WARDEN_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#define CRYPTO_ERR_MAX 256
#define CRYPTO_SHA256_LEN 32
#define CRYPTO_SEAL_KEY_LEN 32

/* ------------------------------------------------------------------ */
/* zero.c: secret handling                                             */
/* ------------------------------------------------------------------ */

/* Overwrites len bytes at buf with zeros in a way the compiler keeps. */
void crypto_zero(void *buf, size_t len);

/* Zeroises len bytes at buf, then free()s it. NULL is a no-op. */
void crypto_free_secret(void *buf, size_t len);

/*
 * Compares two buffers of len bytes in time that depends only on len.
 * Returns true when they are equal.
 */
bool crypto_ct_equal(const void *a, const void *b, size_t len);

/* ------------------------------------------------------------------ */
/* hash.c: SHA-256 and PBKDF2-HMAC-SHA256                               */
/* ------------------------------------------------------------------ */

#define CRYPTO_PBKDF2_MAX_ITER 10000000u
#define CRYPTO_PBKDF2_MAX_OUT 1024u

/* out = SHA-256(data). Cannot fail. */
void crypto_sha256(const void *data, size_t len,
    uint8_t out[CRYPTO_SHA256_LEN]);

/*
 * PBKDF2 (RFC 8018) with HMAC-SHA256: derives outlen bytes (1 ..
 * CRYPTO_PBKDF2_MAX_OUT) from pw and salt with iter iterations (1 ..
 * CRYPTO_PBKDF2_MAX_ITER). Blocks for the whole computation. Returns -1
 * on out-of-range arguments; out is zeroised on failure.
 */
int crypto_pbkdf2_sha256(const void *pw, size_t pwlen, const void *salt,
    size_t saltlen, uint32_t iter, uint8_t *out, size_t outlen);

/* ------------------------------------------------------------------ */
/* rng.c: the CTR-DRBG every other function draws from                  */
/* ------------------------------------------------------------------ */

struct crypto_rng;

/*
 * Creates a CTR-DRBG (AES-256) seeded from the kernel (getrandom(2),
 * through mbedTLS's platform entropy source). pers is an optional
 * personalisation string (e.g. "wardend"), may be NULL. On success *out
 * owns the generator (crypto_rng_free).
 */
int crypto_rng_new(const char *pers, struct crypto_rng **out, char *err,
    size_t errlen);

/* Zeroises and frees the generator. NULL is a no-op. */
void crypto_rng_free(struct crypto_rng *rng);

/* Fills buf with len random bytes. Reseeds from the kernel as needed. */
int crypto_rng_bytes(struct crypto_rng *rng, void *buf, size_t len);

/*
 * The generator as an mbedTLS f_rng (mbedtls_ssl_conf_rng() and friends):
 * p_rng is a struct crypto_rng *. Returns 0 or an mbedTLS error code.
 */
int crypto_rng_mbedtls(void *p_rng, unsigned char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* eckey.c: EC P-256 keys                                              */
/* ------------------------------------------------------------------ */

/*
 * An EC P-256 key: either a key pair (generated here, or loaded from its
 * sealed file) or a public key only (parsed, or taken from a certificate).
 * The private half never leaves this module except sealed (devkey.c).
 */
struct crypto_eckey;

/* Generates a fresh P-256 key pair. *out is owned by the caller. */
int crypto_eckey_generate(struct crypto_rng *rng, struct crypto_eckey **out,
    char *err, size_t errlen);

/*
 * Parses a P-256 public key: a DER SubjectPublicKeyInfo or its PEM form
 * ("-----BEGIN PUBLIC KEY-----"), len bytes at data (no NUL needed), at
 * most 8 KiB. Any other key type or curve is rejected.
 */
int crypto_eckey_parse_public(const void *data, size_t len,
    struct crypto_eckey **out, char *err, size_t errlen);

/*
 * Parses a P-256 key pair: an unencrypted SEC1 or PKCS#8 private key, DER
 * or PEM, len bytes at data (at most 8 KiB). For tools that sign with a
 * key an operator gives them; the device's own key is only ever sealed
 * (devkey.c). The input copy is zeroised.
 */
int crypto_eckey_parse_private(const void *data, size_t len,
    struct crypto_eckey **out, char *err, size_t errlen);

/* Copies the public key of a certificate; it must be an EC P-256 key. */
int crypto_eckey_from_cert(const mbedtls_x509_crt *crt,
    struct crypto_eckey **out, char *err, size_t errlen);

/* Zeroises and frees the key. NULL is a no-op. */
void crypto_eckey_free(struct crypto_eckey *key);

/* True when the key holds a private half (it can sign). */
bool crypto_eckey_has_private(const struct crypto_eckey *key);

/* The public key as DER SubjectPublicKeyInfo; *der is malloc'd. */
int crypto_eckey_public_der(const struct crypto_eckey *key, uint8_t **der,
    size_t *len);

/* The public key as PEM ("-----BEGIN PUBLIC KEY-----"); *pem is malloc'd. */
int crypto_eckey_public_pem(const struct crypto_eckey *key, char **pem);

/* True when both keys have the same public point. */
bool crypto_eckey_public_equal(const struct crypto_eckey *a,
    const struct crypto_eckey *b);

/*
 * The mbedTLS key inside, borrowed (valid until crypto_eckey_free), for
 * mbedtls_ssl_conf_own_cert() in the TLS layer. Callers must not free it,
 * copy its private half out, or write it to a file.
 */
mbedtls_pk_context *crypto_eckey_pk(struct crypto_eckey *key);

/* ------------------------------------------------------------------ */
/* eckey_external.c: keys whose signatures a callback makes             */
/* ------------------------------------------------------------------ */

/*
 * Makes one ECDSA P-256 signature of a digest (len bytes: 32 for SHA-256,
 * 48 or 64 when a TLS peer asks for SHA-384 or SHA-512) with a private
 * key held elsewhere: a TPM, or a process that signs on request. Writes
 * r || s (32 bytes each, big-endian) to sig and returns 0, or -1 with a
 * reason in err (err may be NULL). Called on whatever thread uses the
 * key; it may block (a TPM command, a round trip to another process).
 */
typedef int (*crypto_eckey_sign_fn)(void *arg, const uint8_t *digest,
    size_t len, uint8_t sig[64], char *err, size_t errlen);

/*
 * Creates a key with pub's public point (pub is only read; a public key
 * is enough) whose signatures sign(arg, ...) makes. The result works
 * wherever a key pair does: crypto_eckey_pk() for mutual TLS,
 * crypto_csr_der(), crypto_es256_sign(), crypto_jws_sign(); it has no
 * private half to save (crypto_devkey_save_sealed() refuses it). The new
 * key owns arg: arg_free(arg) (when not NULL) runs when the key is freed,
 * or at once when this fails.
 */
int crypto_eckey_external_new(const struct crypto_eckey *pub,
    crypto_eckey_sign_fn sign, void *arg, void (*arg_free)(void *arg),
    struct crypto_eckey **out, char *err, size_t errlen);

/* True when key was made by crypto_eckey_external_new(). */
bool crypto_eckey_is_external(const struct crypto_eckey *key);

/* ------------------------------------------------------------------ */
/* remote_key.c: a device key signed with by another process          */
/* ------------------------------------------------------------------ */

/*
 * Signs hlen bytes of digest (md: an mbedtls_md_type_t) with the key
 * held elsewhere: writes a DER ECDSA signature into sig (at most
 * MBEDTLS_PK_SIGNATURE_MAX_SIZE bytes) and its length into *slen.
 * Returns 0, or -1 when no signature could be had. It may block.
 */
typedef int (*crypto_remote_sign_fn)(void *arg, int md, const uint8_t *hash,
    size_t hlen, uint8_t *sig, size_t *slen);

/*
 * A key with only the public half of the EC P-256 key certified by
 * cert_pem (PEM, NUL-terminated); its signatures (mbedTLS's pk_sign, as
 * in a TLS client's CertificateVerify) are made by sign(arg, ...). It can
 * be given to mbedtls_ssl_conf_own_cert() through crypto_eckey_pk().
 * Returns 0 and *out (crypto_eckey_free()), or -1 with err.
 */
int crypto_eckey_remote_new(const char *cert_pem, crypto_remote_sign_fn sign,
    void *arg, struct crypto_eckey **out, char *err, size_t errlen);

/*
 * The other side: signs a digest of hlen bytes (md MBEDTLS_MD_SHA256 with
 * 32, or MBEDTLS_MD_SHA384 with 48) with key's private half; the DER
 * signature into sig (sigmax bytes) and *siglen. Returns 0 or -1.
 */
int crypto_eckey_sign_digest(struct crypto_rng *rng, struct crypto_eckey *key,
    int md, const uint8_t *hash, size_t hlen, uint8_t *sig, size_t sigmax,
    size_t *siglen);

/* ------------------------------------------------------------------ */
/* es256.c: ECDSA P-256 with SHA-256, JOSE signature format             */
/* ------------------------------------------------------------------ */

#define CRYPTO_ES256_SIG_LEN 64

/*
 * Signs SHA-256(msg) with the key's private half; sig receives r || s,
 * 32 bytes each, big-endian (RFC 7518 section 3.4, not DER). The nonce
 * is derived deterministically (RFC 6979); rng blinds the computation.
 */
int crypto_es256_sign(struct crypto_rng *rng, const struct crypto_eckey *key,
    const void *msg, size_t len, uint8_t sig[CRYPTO_ES256_SIG_LEN]);

/* Returns 0 when sig (r || s) is a valid signature of msg by key. */
int crypto_es256_verify(const struct crypto_eckey *key, const void *msg,
    size_t len, const uint8_t sig[CRYPTO_ES256_SIG_LEN]);

/* ------------------------------------------------------------------ */
/* b64url.c: the base64 codec (RFC 4648)                               */
/* ------------------------------------------------------------------ */

/* Number of characters encoding len bytes takes (no NUL counted). */
size_t crypto_b64url_enclen(size_t len);

/*
 * Encodes len bytes into out (cap bytes, room for the text and a NUL).
 * Returns -1 when out is too small.
 */
int crypto_b64url_encode(const void *data, size_t len, char *out,
    size_t cap);

/*
 * Decodes len characters of unpadded base64url into out (cap bytes);
 * *outlen receives the byte count. Strict: only [A-Za-z0-9_-], no '=',
 * no whitespace, no impossible length, no non-zero trailing bits (so
 * every byte string has exactly one accepted encoding).
 */
int crypto_b64url_decode(const char *text, size_t len, uint8_t *out,
    size_t cap, size_t *outlen);

/* crypto_b64_decode() flags: what else a string may carry. */
#define CRYPTO_B64_PAD 0x1	 /* '=' padding, complete when present */
#define CRYPTO_B64_STD 0x2	 /* the standard alphabet (+ /), not mixed */
#define CRYPTO_B64_NEWLINES 0x4	 /* CR and LF (line-wrapped certificates) */

/*
 * crypto_b64url_decode() with flags. Returns 0, or -1 on a malformed
 * string or when the result does not fit (out is then zeroised).
 */
int crypto_b64_decode(const char *text, size_t len, uint8_t *out,
    size_t cap, size_t *outlen, unsigned flags);

/* ------------------------------------------------------------------ */
/* jws.c: compact JWS (RFC 7515) with ES256 only                        */
/* ------------------------------------------------------------------ */

#define CRYPTO_JWS_MAX (64 * 1024)	/* whole compact token, bytes */
#define CRYPTO_JWS_HEADER_MAX 1024	/* encoded protected header */
#define CRYPTO_JWS_KID_MAX 128
#define CRYPTO_JWS_TYP_MAX 32

/* A parsed token. Clear with crypto_jws_clear(). */
struct crypto_jws {
	char kid[CRYPTO_JWS_KID_MAX + 1];	/* "" when absent */
	char typ[CRYPTO_JWS_TYP_MAX + 1];	/* "" when absent */
	char *payload;		/* malloc'd, NUL-terminated, no inner NUL */
	size_t payload_len;
	uint8_t sig[CRYPTO_ES256_SIG_LEN];
	size_t signing_input_len;	/* bytes of "header.payload" */
};

/*
 * Creates a compact JWS: protected header {"alg":"ES256","typ":"JWT",
 * "kid":kid} (kid omitted when NULL; at most CRYPTO_JWS_KID_MAX printable
 * ASCII characters), payload the len bytes at payload (a JSON text, no
 * NUL), signed with key. *out is a malloc'd NUL-terminated token.
 */
int crypto_jws_sign(struct crypto_rng *rng, const struct crypto_eckey *key,
    const char *kid, const char *payload, size_t len, char **out, char *err,
    size_t errlen);
/* crypto_jws_sign() with the header's "typ" given (1 .. CRYPTO_JWS_TYP_MAX
 * printable ASCII characters) instead of "JWT". */
int crypto_jws_sign_typ(struct crypto_rng *rng, const struct crypto_eckey *key,
    const char *typ, const char *kid, const char *payload, size_t len,
    char **out, char *err, size_t errlen);

/*
 * Parses a compact JWS without checking its signature: len bytes at token
 * (at most CRYPTO_JWS_MAX; no NUL needed). Exactly three base64url parts;
 * the header a JSON object without duplicate members whose "alg" is
 * "ES256" (so "none" and every other algorithm are refused), "typ",
 * "kid" and "cty" optional strings, "crit" and any other member refused;
 * the signature exactly 64 bytes. Only for choosing a key by kid: never
 * act on the payload of an unverified token.
 * On success *out owns the payload; on failure *out is cleared.
 */
int crypto_jws_parse_unverified(const char *token, size_t len,
    struct crypto_jws *out, char *err, size_t errlen);

/*
 * Parses as crypto_jws_parse_unverified() and checks the ES256 signature
 * with key (a public key, e.g. from crypto_eckey_from_cert()). On success
 * *out holds the verified payload; on any failure *out is cleared.
 */
int crypto_jws_verify(const char *token, size_t len,
    const struct crypto_eckey *key, struct crypto_jws *out, char *err,
    size_t errlen);

/* Frees the payload and zeroes *jws. NULL is a no-op. */
void crypto_jws_clear(struct crypto_jws *jws);

/* ------------------------------------------------------------------ */
/* pem.c                                                               */
/* ------------------------------------------------------------------ */

/*
 * Wraps DER in PEM armour with the given label ("CERTIFICATE",
 * "CERTIFICATE REQUEST", "PUBLIC KEY"). *pem is malloc'd, NUL-terminated.
 */
int crypto_pem_encode(const char *label, const void *der, size_t len,
    char **pem);

/* ------------------------------------------------------------------ */
/* csr.c: PKCS#10 certificate requests                                  */
/* ------------------------------------------------------------------ */

#define CRYPTO_CN_MAX 64	/* X.520 ub-common-name */
#define CRYPTO_CSR_MAX (16 * 1024)

/*
 * True when cn is acceptable as a device common name: 1 .. CRYPTO_CN_MAX
 * characters of [A-Za-z0-9] and "-._:@ ", not starting or ending with a
 * space. (A serial number or device id; no DN syntax characters.)
 */
bool crypto_cn_valid(const char *cn);

/*
 * Builds a PKCS#10 request, subject "CN=<cn>", for key's public half,
 * signed by key with ECDSA-SHA256. DER (*der, *len) or PEM (*pem).
 */
int crypto_csr_der(struct crypto_rng *rng, struct crypto_eckey *key,
    const char *cn, uint8_t **der, size_t *len, char *err, size_t errlen);
int crypto_csr_pem(struct crypto_rng *rng, struct crypto_eckey *key,
    const char *cn, char **pem, char *err, size_t errlen);

/*
 * Checks a request received from outside (PEM or DER, at most
 * CRYPTO_CSR_MAX bytes): it parses, its self-signature is valid, its key
 * is EC P-256 and its subject is exactly one CN that crypto_cn_valid()
 * accepts. Copies the CN to cn and, when pub is not NULL, the requested
 * public key to *pub (owned by the caller).
 */
int crypto_csr_check(const void *data, size_t len, char cn[CRYPTO_CN_MAX + 1],
    struct crypto_eckey **pub, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* cert.c: certificate helpers                                          */
/* ------------------------------------------------------------------ */

#define CRYPTO_CERT_MAX (256 * 1024)	/* a PEM bundle or one DER cert */

/*
 * Appends certificates to chain (an mbedtls_x509_crt initialised by the
 * caller, who keeps ownership): len bytes at data (at most
 * CRYPTO_CERT_MAX, no NUL needed), either one DER certificate or one or
 * more PEM blocks. Strict: every PEM block must parse, text outside the
 * blocks is allowed, nothing may follow a DER certificate, at least one
 * certificate is required. On failure the chain's contents are
 * unspecified: free it.
 */
int crypto_cert_parse(mbedtls_x509_crt *chain, const void *data, size_t len,
    char *err, size_t errlen);

/* crypto_cert_parse() on the contents of the file at path. */
int crypto_cert_load(mbedtls_x509_crt *chain, const char *path, char *err,
    size_t errlen);

/* Number of certificates in a parsed chain (0 for an empty one). */
size_t crypto_cert_count(const mbedtls_x509_crt *chain);

/* out = SHA-256 of the certificate's DER encoding (its fingerprint). */
void crypto_cert_fingerprint(const mbedtls_x509_crt *crt,
    uint8_t out[CRYPTO_SHA256_LEN]);

/* Validity bounds as UTC time_t; the renewal scheduler uses not_after. */
time_t crypto_cert_not_before(const mbedtls_x509_crt *crt);
time_t crypto_cert_not_after(const mbedtls_x509_crt *crt);

/* The first certificate of crt as PEM; *pem is malloc'd. */
int crypto_cert_pem(const mbedtls_x509_crt *crt, char **pem);

/*
 * Copies the subject's first CN into buf (len bytes, NUL-terminated;
 * non-printable bytes become '?'). Returns -1 when there is no CN or it
 * does not fit.
 */
int crypto_cert_subject_cn(const mbedtls_x509_crt *crt, char *buf,
    size_t len);

/* True when the certificate certifies key's public half. */
bool crypto_cert_has_key(const mbedtls_x509_crt *crt,
    const struct crypto_eckey *key);

/* ------------------------------------------------------------------ */
/* tls.c: the key exchange groups of warden's TLS endpoints            */
/* ------------------------------------------------------------------ */

/*
 * The groups offered and accepted for the ephemeral ECDH of a TLS
 * handshake, most preferred first, MBEDTLS_ECP_DP_NONE-terminated and
 * static: X25519, then secp256r1 (also the curve of every certificate
 * warden makes, which mbedTLS checks against this list), secp384r1 and
 * secp521r1. For mbedtls_ssl_conf_curves() on a client or a server
 * configuration.
 */
const mbedtls_ecp_group_id *crypto_tls_groups(void);

/*
 * Verification callback for mbedtls_ssl_conf_verify() (p_vrfy unused):
 * lets the peer's certificate key verify its handshake signature with
 * the shared P-256 table (crypto_pk_share_table()). Always returns 0 and
 * leaves the flags alone: the verdict stays mbedTLS's.
 */
int crypto_tls_verify_share_table(void *p_vrfy, mbedtls_x509_crt *crt,
    int depth, uint32_t *flags);

/* ------------------------------------------------------------------ */
/* p256_table.c: the P-256 base point's table, one per process          */
/* ------------------------------------------------------------------ */

/*
 * Makes an EC P-256 key (mbedTLS's own kind) sign and verify with the
 * process's one precomputed table of the base point, built on first use
 * and read-only after it, instead of the table mbedTLS 2.28 builds again
 * for every operation: a signature then costs about half, a verification
 * about 70 %. The key stays an ordinary EC key to everything else.
 * Thread-safe. 0, or -1 (the key unchanged) for another kind or curve.
 * crypto/ applies it to every key it parses, generates or takes from a
 * certificate it parses; this is for keys and certificates mbedTLS
 * parsed (a TLS peer's, through crypto_tls_verify_share_table()).
 */
int crypto_pk_share_table(mbedtls_pk_context *pk);

/* crypto_pk_share_table() on the key of every certificate of chain. */
void crypto_cert_share_table(mbedtls_x509_crt *chain);

/* ------------------------------------------------------------------ */
/* x509_verify.c: chain verification and the provisioning pin           */
/* ------------------------------------------------------------------ */

/*
 * How the provisioning pin (warden.SERVER_CERT_SHA256: the SHA-256 of one
 * DER certificate) takes part in verification:
 *  CRYPTO_PIN_OFF       the CA bundle alone decides.
 *  CRYPTO_PIN_IN_CHAIN  the chain must verify against the CA bundle AND
 *                       the verified chain (trust anchor included) must
 *                       contain the pinned certificate.
 *  CRYPTO_PIN_ANCHOR    the pinned certificate, when the peer presents it,
 *                       is the trust anchor: the chain must verify up to
 *                       it; certificates above it are not considered. For
 *                       enrollment, when the device has no CA bundle yet.
 */
enum crypto_pin_mode {
	CRYPTO_PIN_OFF = 0,
	CRYPTO_PIN_IN_CHAIN,
	CRYPTO_PIN_ANCHOR,
};

#define CRYPTO_HOSTNAME_MAX 255

/*
 * State of one verification, the p_vrfy of crypto_x509_verify_cb(). Set
 * up with crypto_x509_check_init(); read with crypto_x509_check_passed()
 * and crypto_x509_check_error(). Members are private.
 */
struct crypto_x509_check {
	enum crypto_pin_mode mode;
	uint8_t pin[CRYPTO_SHA256_LEN];
	char hostname[CRYPTO_HOSTNAME_MAX + 1];
	int last_depth;
	bool pin_seen;
	bool done;
	uint32_t deferred;
	uint32_t flags;
	char error[CRYPTO_ERR_MAX];
};

/*
 * Parses a pin as written in provisioning data: 64 hex digits (optionally
 * colon-separated pairs, either case) or the base64 / base64url encoding
 * of the 32 bytes (43 characters, or 44 with one '=').
 */
int crypto_pin_parse(const char *text, uint8_t pin[CRYPTO_SHA256_LEN],
    char *err, size_t errlen);

/* Formats a pin (or any SHA-256) as 64 lowercase hex digits and a NUL. */
void crypto_pin_format(const uint8_t pin[CRYPTO_SHA256_LEN], char out[65]);

/*
 * Prepares a check. pin may be NULL only with CRYPTO_PIN_OFF. hostname
 * (may be NULL) is the name the TLS layer passes to
 * mbedtls_ssl_set_hostname(); here it is used for crypto_x509_verify()
 * and in error messages. Both are copied.
 */
int crypto_x509_check_init(struct crypto_x509_check *chk,
    enum crypto_pin_mode mode, const uint8_t pin[CRYPTO_SHA256_LEN],
    const char *hostname);

/*
 * Forgets the outcome of the previous verification; call before every
 * handshake that reuses the check.
 */
void crypto_x509_check_reset(struct crypto_x509_check *chk);

/*
 * Verification callback for mbedtls_ssl_conf_verify() /
 * mbedtls_ssl_set_verify() with p_vrfy = struct crypto_x509_check *.
 * mbedTLS calls it for each certificate of the verified chain, from the
 * top down to the leaf (depth 0). It enforces the pin (a chain without
 * the pinned certificate fails with MBEDTLS_X509_BADCERT_OTHER, which
 * mbedTLS answers with an access_denied alert), applies CRYPTO_PIN_ANCHOR
 * and records a readable reason for every failure. Always returns 0 (the
 * outcome travels in the flags).
 *
 * With MBEDTLS_SSL_VERIFY_REQUIRED a failing chain aborts the handshake.
 * mbedTLS refuses REQUIRED without any CA chain configured; in
 * CRYPTO_PIN_ANCHOR mode without a CA bundle use VERIFY_OPTIONAL and, after
 * the handshake and before sending anything, require both
 * mbedtls_ssl_get_verify_result() == 0 and crypto_x509_check_passed().
 */
int crypto_x509_verify_cb(void *p_vrfy, mbedtls_x509_crt *crt, int depth,
    uint32_t *flags);

/* True when the last verification reached the leaf with no problem. */
bool crypto_x509_check_passed(const struct crypto_x509_check *chk);

/*
 * The reason the last verification failed, e.g. "depth 0 (CN=mdm.example):
 * expired (notAfter 2024-01-01T00:00:00Z)" or "pin: no certificate in the
 * chain has SHA-256 ab12..."; "" when it passed or did not run.
 */
const char *crypto_x509_check_error(const struct crypto_x509_check *chk);

/*
 * Verifies chain (leaf first, as a peer presents it) against ca (may be
 * NULL for CRYPTO_PIN_ANCHOR) with the check's pin mode, the check's
 * hostname (when set) and the current time. On failure err receives the
 * same reason crypto_x509_check_error() gives.
 */
int crypto_x509_verify(mbedtls_x509_crt *chain, mbedtls_x509_crt *ca,
    struct crypto_x509_check *chk, char *err, size_t errlen);

/*
 * Describes verification flags (MBEDTLS_X509_BADCERT_*) as text
 * ("expired, name mismatch"), e.g. for mbedtls_ssl_get_verify_result()
 * bits the TLS layer adds after the callback (key usage). Never fails.
 */
void crypto_x509_flags_describe(uint32_t flags, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* x509_issue.c: minting certificates (reference server, tests)         */
/* ------------------------------------------------------------------ */

enum crypto_cert_kind {
	CRYPTO_CERT_CA,		/* basicConstraints CA, keyCertSign|cRLSign */
	CRYPTO_CERT_SERVER,	/* digitalSignature, extKeyUsage serverAuth */
	CRYPTO_CERT_CLIENT,	/* digitalSignature, extKeyUsage clientAuth */
};

#define CRYPTO_SAN_MAX 16

/* What to put in a new certificate. All strings are borrowed. */
struct crypto_cert_spec {
	enum crypto_cert_kind kind;
	uint64_t serial;	/* > 0 */
	time_t not_before;
	time_t not_after;	/* > not_before */
	/* "CN=...,O=..." (mbedTLS DN syntax). Mandatory for a root CA; for
	 * a certificate from a CSR, NULL takes "CN=<the request's CN>". */
	const char *subject;
	int max_pathlen;	/* CA only: -1 unlimited, else 0 .. 127 */
	/* NULL-terminated list of "DNS:<name>" / "IP:<v4 or v6 address>",
	 * at most CRYPTO_SAN_MAX; NULL for none. mbedTLS 2.28 matches a host
	 * name against dNSName entries only, so a server reached by a literal
	 * address needs it as "DNS:127.0.0.1" too. */
	const char *const *san;
};

/*
 * Mints a self-signed CA certificate for ca_key (spec->kind must be
 * CRYPTO_CERT_CA). *der is malloc'd (crypto_cert_parse() reads it back).
 */
int crypto_issue_self_signed(struct crypto_rng *rng,
    struct crypto_eckey *ca_key, const struct crypto_cert_spec *spec,
    uint8_t **der, size_t *len, char *err, size_t errlen);

/*
 * Issues a certificate for subject_key, a public key its caller has
 * already checked (crypto_csr_check() gives it), with subject
 * spec->subject (mandatory here), signed by ca_key, whose certificate is
 * ca_cert (it must certify ca_key and be a CA). For a server that checks
 * a request once and signs it without verifying its signature again.
 * *der is malloc'd.
 */
int crypto_issue_for_key(struct crypto_rng *rng, struct crypto_eckey *ca_key,
    const mbedtls_x509_crt *ca_cert, struct crypto_eckey *subject_key,
    const struct crypto_cert_spec *spec, uint8_t **der, size_t *len,
    char *err, size_t errlen);

/*
 * Issues a certificate for the request csr (PEM or DER, checked with
 * crypto_csr_check()) signed by ca_key, whose certificate is ca_cert (the
 * first of that chain; it must certify ca_key and be a CA). *der is
 * malloc'd.
 */
int crypto_issue_from_csr(struct crypto_rng *rng, struct crypto_eckey *ca_key,
    const mbedtls_x509_crt *ca_cert, const void *csr, size_t csrlen,
    const struct crypto_cert_spec *spec, uint8_t **der, size_t *len,
    char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* seal.c: AES-256-GCM sealed blobs                                     */
/* ------------------------------------------------------------------ */

/*
 * Blob: version (1 byte, CRYPTO_SEAL_VERSION) || nonce (12 random bytes)
 * || ciphertext (as long as the plaintext) || tag (16 bytes). The GCM
 * additional data is the version byte followed by the caller's aad, which
 * names what the blob is (e.g. "warden/devkey") so that one sealed blob
 * cannot be passed off as another.
 */
#define CRYPTO_SEAL_VERSION 1
#define CRYPTO_SEAL_NONCE_LEN 12
#define CRYPTO_SEAL_TAG_LEN 16
#define CRYPTO_SEAL_OVERHEAD (1 + CRYPTO_SEAL_NONCE_LEN + CRYPTO_SEAL_TAG_LEN)
#define CRYPTO_SEAL_AAD_MAX 1024

/*
 * Seals len bytes of plaintext under key into out (cap bytes, at least
 * len + CRYPTO_SEAL_OVERHEAD); *outlen receives the blob's length. aad
 * (aadlen <= CRYPTO_SEAL_AAD_MAX) is authenticated, not stored.
 */
int crypto_seal(struct crypto_rng *rng, const uint8_t key[CRYPTO_SEAL_KEY_LEN],
    const void *pt, size_t len, const void *aad, size_t aadlen, uint8_t *out,
    size_t cap, size_t *outlen);

/*
 * Opens a blob sealed with the same key and aad into out (cap bytes, at
 * least len - CRYPTO_SEAL_OVERHEAD). Any change to the blob, another key
 * or another aad fails ("blob: authentication failed") and leaves no
 * plaintext in out.
 */
int crypto_unseal(const uint8_t key[CRYPTO_SEAL_KEY_LEN], const void *blob,
    size_t len, const void *aad, size_t aadlen, uint8_t *out, size_t cap,
    size_t *outlen, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* seal_file.c: sealed blobs on disk                                    */
/* ------------------------------------------------------------------ */

#define CRYPTO_SEAL_FILE_MAX (1024 * 1024)	/* plaintext bytes */

/*
 * Seals the plaintext and replaces the file at path atomically: a
 * temporary file in the same directory (mode 0600), fsync, rename, fsync
 * of the directory. A crash leaves the old file or the new one.
 */
int crypto_seal_file_write(struct crypto_rng *rng, const char *path,
    const uint8_t key[CRYPTO_SEAL_KEY_LEN], const void *pt, size_t len,
    const void *aad, size_t aadlen, char *err, size_t errlen);

/*
 * Reads and unseals the file at path (a regular file, not a symlink, at
 * most CRYPTO_SEAL_FILE_MAX + CRYPTO_SEAL_OVERHEAD bytes). *pt is
 * malloc'd with a NUL after its *len bytes; release it with
 * crypto_free_secret(*pt, *len).
 */
int crypto_seal_file_read(const char *path,
    const uint8_t key[CRYPTO_SEAL_KEY_LEN], const void *aad, size_t aadlen,
    uint8_t **pt, size_t *len, char *err, size_t errlen);

/*
 * Overwrites the file's contents with zeros, fsyncs, unlinks it and
 * fsyncs the directory. A missing file is success. On flash storage the
 * overwrite is best effort: erasure rests on destroying the sealing key.
 */
int crypto_file_destroy(const char *path, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* devkey.c: the device key at rest                                     */
/* ------------------------------------------------------------------ */

/*
 * Saves key's private half (SEC1 DER) sealed under sealing_key (from
 * hal_certstore_sealing_key()) with aad "warden/devkey/v1", atomically,
 * mode 0600. The key must hold a private half.
 */
int crypto_devkey_save_sealed(struct crypto_rng *rng, const char *path,
    const struct crypto_eckey *key,
    const uint8_t sealing_key[CRYPTO_SEAL_KEY_LEN], char *err,
    size_t errlen);

/* Loads a key saved by crypto_devkey_save_sealed(); *out owns it. */
int crypto_devkey_load_sealed(const char *path,
    const uint8_t sealing_key[CRYPTO_SEAL_KEY_LEN],
    struct crypto_eckey **out, char *err, size_t errlen);

/* Destroys the sealed key file (crypto_file_destroy()). */
int crypto_devkey_destroy(const char *path, char *err, size_t errlen);

#endif /* WARDEN_CRYPTO_H */
