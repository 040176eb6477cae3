/*
 * base64url.h - base64 as the provisioning formats use it: URL-safe
 * (RFC 4648 section 5) with or without '=' padding, optionally also the
 * standard alphabet. Strict: one alphabet per string, no stray bits in
 * the last character, padding only where it belongs.
 */
#ifndef WARDEN_BASE64URL_H
#define WARDEN_BASE64URL_H

#include <stddef.h>
#include <stdint.h>

/* Flags for base64url_decode(). */
#define BASE64URL_STD 0x1      /* also accept the standard alphabet (+ /) */
#define BASE64URL_NEWLINES 0x2 /* skip CR and LF (line-wrapped certificates) */

/*
 * Decodes len characters of in into out (at most cap bytes) and stores
 * the decoded length in *outlen. The URL-safe alphabet is always
 * accepted; flags add the standard one and line breaks. Padding is
 * optional but must be complete when present. Returns 0, or -1 on a
 * malformed string or when the result does not fit (out is then
 * zeroised). Never blocks, never allocates.
 */
int base64url_decode(const char *in, size_t len, uint8_t *out, size_t cap,
    size_t *outlen, int flags);

/*
 * Encodes len bytes of in as URL-safe base64 without padding into out
 * (cap bytes, NUL-terminated). Returns the text length, or -1 when out
 * is too small (out is then "").
 */
int base64url_encode(const uint8_t *in, size_t len, char *out, size_t cap);

/* Characters base64url_encode() writes for len bytes (without the NUL). */
size_t base64url_encoded_len(size_t len);

#endif /* WARDEN_BASE64URL_H */
