/*
 * x509_verify.c - certificate chain verification with the provisioning
 * pin, as an mbedTLS verify callback for the TLS layer and as a function
 * for chains checked outside a handshake.
 *
 * mbedTLS builds the verified chain (leaf, intermediates, trust anchor)
 * and then calls the callback once per certificate from the top down to
 * the leaf, each time with that certificate's flags. The callback sees
 * the whole chain before the leaf, so the pin verdict is given at depth 0.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <mbedtls/x509.h>

#include "crypto/crypto_int.h"

/* Flags a pinned anchor is excused from: its own issuer does not count. */
#define ANCHOR_EXCUSED (MBEDTLS_X509_BADCERT_NOT_TRUSTED | \
	MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK | \
	MBEDTLS_X509_BADCERT_BAD_KEY)

static const struct {
	uint32_t flag;
	const char *text;
} flag_text[] = {
	{ MBEDTLS_X509_BADCERT_EXPIRED, "expired" },
	{ MBEDTLS_X509_BADCERT_FUTURE, "not yet valid" },
	{ MBEDTLS_X509_BADCERT_REVOKED, "revoked" },
	{ MBEDTLS_X509_BADCERT_CN_MISMATCH, "name mismatch" },
	{ MBEDTLS_X509_BADCERT_NOT_TRUSTED, "not issued by a trusted CA" },
	{ MBEDTLS_X509_BADCERT_MISSING, "missing" },
	{ MBEDTLS_X509_BADCERT_SKIP_VERIFY, "verification skipped" },
	{ MBEDTLS_X509_BADCERT_OTHER, "pinned certificate missing" },
	{ MBEDTLS_X509_BADCERT_KEY_USAGE, "keyUsage forbids this use" },
	{ MBEDTLS_X509_BADCERT_EXT_KEY_USAGE,
	    "extendedKeyUsage forbids this use" },
	{ MBEDTLS_X509_BADCERT_NS_CERT_TYPE, "nsCertType forbids this use" },
	{ MBEDTLS_X509_BADCERT_BAD_MD, "signature hash not allowed" },
	{ MBEDTLS_X509_BADCERT_BAD_PK, "signature algorithm not allowed" },
	{ MBEDTLS_X509_BADCERT_BAD_KEY, "key type or size not allowed" },
	{ MBEDTLS_X509_BADCRL_NOT_TRUSTED, "CRL not trusted" },
	{ MBEDTLS_X509_BADCRL_EXPIRED, "CRL expired" },
	{ MBEDTLS_X509_BADCRL_FUTURE, "CRL not yet valid" },
	{ MBEDTLS_X509_BADCRL_BAD_MD, "CRL hash not allowed" },
	{ MBEDTLS_X509_BADCRL_BAD_PK, "CRL algorithm not allowed" },
	{ MBEDTLS_X509_BADCRL_BAD_KEY, "CRL key not allowed" },
};

/* Appends printf-style text to buf, separated from earlier text by sep. */
static void __attribute__((format(printf, 4, 5)))
append(char *buf, size_t len, const char *sep, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	if (used > 0) {
		snprintf(buf + used, len - used, "%s", sep);
		used = strlen(buf);
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void
iso_time(time_t t, char out[21])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 21, "?");
}

/* Describes flags; with crt (and hostname) the dates and name are added. */
static void
describe(uint32_t flags, const mbedtls_x509_crt *crt, const char *hostname,
    char *buf, size_t len)
{
	char when[21];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(flag_text) / sizeof(flag_text[0]); i++) {
		if (!(flags & flag_text[i].flag))
			continue;
		flags &= ~flag_text[i].flag;
		if (crt != NULL &&
		    flag_text[i].flag == MBEDTLS_X509_BADCERT_EXPIRED) {
			iso_time(crypto_cert_not_after(crt), when);
			append(buf, len, ", ", "expired (notAfter %s)", when);
		} else if (crt != NULL &&
		    flag_text[i].flag == MBEDTLS_X509_BADCERT_FUTURE) {
			iso_time(crypto_cert_not_before(crt), when);
			append(buf, len, ", ", "not yet valid (notBefore %s)",
			    when);
		} else if (hostname != NULL && hostname[0] != '\0' &&
		    flag_text[i].flag == MBEDTLS_X509_BADCERT_CN_MISMATCH) {
			append(buf, len, ", ", "name mismatch (expected %s)",
			    hostname);
		} else
			append(buf, len, ", ", "%s", flag_text[i].text);
	}
	if (flags != 0)
		append(buf, len, ", ", "flags 0x%x", (unsigned int)flags);
}

void
crypto_x509_flags_describe(uint32_t flags, char *buf, size_t len)
{
	if (len == 0)
		return;
	describe(flags, NULL, NULL, buf, len);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
crypto_pin_parse(const char *text, uint8_t pin[CRYPTO_SHA256_LEN],
    char *err, size_t errlen)
{
	char b64[43];
	size_t len, i, step, n;
	int hi, lo;

	len = text != NULL ? strnlen(text, 128) : 0;
	/* 64 hex digits, or 32 colon-separated pairs (95 characters). */
	if (len == 64 || len == 95) {
		step = len == 64 ? 2 : 3;
		for (i = 0; i < CRYPTO_SHA256_LEN; i++) {
			hi = hexval(text[i * step]);
			lo = hexval(text[i * step + 1]);
			if (hi < 0 || lo < 0 || (step == 3 && i + 1 <
			    CRYPTO_SHA256_LEN && text[i * step + 2] != ':'))
				goto bad;
			pin[i] = (uint8_t)(hi << 4 | lo);
		}
		return 0;
	}
	/* base64 or base64url of 32 bytes: 43 characters, optional '='. */
	if (len == 43 || (len == 44 && text[43] == '=')) {
		for (i = 0; i < 43; i++)
			b64[i] = text[i] == '+' ? '-' : text[i] == '/' ? '_' :
			    text[i];
		if (crypto_b64url_decode(b64, 43, pin, CRYPTO_SHA256_LEN,
		    &n) == 0 && n == CRYPTO_SHA256_LEN)
			return 0;
	}
bad:
	crypto_zero(pin, CRYPTO_SHA256_LEN);
	crypto_seterr(err, errlen, "pin: must be the SHA-256 as 64 hex digits "
	    "or 43 base64 characters");
	return -1;
}

void
crypto_pin_format(const uint8_t pin[CRYPTO_SHA256_LEN], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < CRYPTO_SHA256_LEN; i++) {
		out[2 * i] = hex[pin[i] >> 4];
		out[2 * i + 1] = hex[pin[i] & 15];
	}
	out[64] = '\0';
}

int
crypto_x509_check_init(struct crypto_x509_check *chk,
    enum crypto_pin_mode mode, const uint8_t pin[CRYPTO_SHA256_LEN],
    const char *hostname)
{
	memset(chk, 0, sizeof(*chk));
	if (mode != CRYPTO_PIN_OFF && mode != CRYPTO_PIN_IN_CHAIN &&
	    mode != CRYPTO_PIN_ANCHOR)
		return -1;
	if (mode != CRYPTO_PIN_OFF && pin == NULL)
		return -1;
	if (hostname != NULL && strlen(hostname) > CRYPTO_HOSTNAME_MAX)
		return -1;
	chk->mode = mode;
	if (pin != NULL)
		memcpy(chk->pin, pin, CRYPTO_SHA256_LEN);
	if (hostname != NULL)
		snprintf(chk->hostname, sizeof(chk->hostname), "%s", hostname);
	crypto_x509_check_reset(chk);
	return 0;
}

void
crypto_x509_check_reset(struct crypto_x509_check *chk)
{
	chk->last_depth = -1;
	chk->pin_seen = false;
	chk->done = false;
	chk->deferred = 0;
	chk->flags = 0;
	chk->error[0] = '\0';
}

int
crypto_x509_verify_cb(void *p_vrfy, mbedtls_x509_crt *crt, int depth,
    uint32_t *flags)
{
	struct crypto_x509_check *chk = p_vrfy;
	uint8_t fp[CRYPTO_SHA256_LEN];
	char cn[CRYPTO_CN_MAX + 1], why[CRYPTO_ERR_MAX], pinhex[65];
	bool pinned = false;

	/* Depths only decrease within one chain: a new top starts a run. */
	if (chk->last_depth < 0 || depth >= chk->last_depth)
		crypto_x509_check_reset(chk);
	chk->last_depth = depth;
	/* The leaf's key verifies the peer's handshake signature next. */
	(void)crypto_tls_verify_share_table(NULL, crt, depth, flags);

	if (chk->mode != CRYPTO_PIN_OFF) {
		crypto_cert_fingerprint(crt, fp);
		pinned = crypto_ct_equal(fp, chk->pin, sizeof(fp));
	}
	if (pinned) {
		chk->pin_seen = true;
		if (chk->mode == CRYPTO_PIN_ANCHOR) {
			/* The pin authenticates this certificate; what lies
			 * above it (or failed to) no longer matters. */
			chk->deferred = 0;
			*flags &= ~(uint32_t)ANCHOR_EXCUSED;
		}
	} else if (chk->mode == CRYPTO_PIN_ANCHOR && !chk->pin_seen) {
		/* Above the anchor, if one comes: held back until then. */
		chk->deferred |= *flags;
		*flags = 0;
	}

	if (*flags != 0) {
		if (crypto_cert_subject_cn(crt, cn, sizeof(cn)) != 0)
			snprintf(cn, sizeof(cn), "?");
		describe(*flags, crt, chk->hostname, why, sizeof(why));
		append(chk->error, sizeof(chk->error), "; ",
		    "depth %d (CN=%s): %s", depth, cn, why);
	}
	if (depth == 0) {
		if (chk->mode != CRYPTO_PIN_OFF && !chk->pin_seen) {
			*flags |= MBEDTLS_X509_BADCERT_OTHER | chk->deferred;
			crypto_pin_format(chk->pin, pinhex);
			append(chk->error, sizeof(chk->error), "; ",
			    "pin: no certificate in the chain has SHA-256 %s",
			    pinhex);
		}
		chk->done = true;
	}
	chk->flags |= *flags;
	return 0;
}

bool
crypto_x509_check_passed(const struct crypto_x509_check *chk)
{
	return chk->done && chk->flags == 0;
}

const char *
crypto_x509_check_error(const struct crypto_x509_check *chk)
{
	return chk->error;
}

int
crypto_x509_verify(mbedtls_x509_crt *chain, mbedtls_x509_crt *ca,
    struct crypto_x509_check *chk, char *err, size_t errlen)
{
	uint32_t flags = 0;
	int ret;

	crypto_x509_check_reset(chk);
	if (crypto_cert_count(chain) == 0) {
		crypto_seterr(err, errlen, "chain: empty");
		return -1;
	}
	if (ca != NULL && crypto_cert_count(ca) == 0)
		ca = NULL;
	ret = mbedtls_x509_crt_verify_with_profile(chain, ca, NULL,
	    &mbedtls_x509_crt_profile_default,
	    chk->hostname[0] != '\0' ? chk->hostname : NULL, &flags,
	    crypto_x509_verify_cb, chk);
	if (ret == 0 && flags == 0 && crypto_x509_check_passed(chk))
		return 0;
	if (ret != 0 && ret != MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
		crypto_seterr_mbedtls(err, errlen, "chain", ret);
		return -1;
	}
	if (chk->error[0] == '\0')
		describe(flags, NULL, NULL, chk->error, sizeof(chk->error));
	crypto_seterr(err, errlen, "%s", chk->error);
	return -1;
}
