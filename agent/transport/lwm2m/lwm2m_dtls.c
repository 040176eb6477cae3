/*
 * lwm2m_dtls.c - why a DTLS handshake failed (lwm2m_dtls.h): reads the
 * TLS backend's log lines as libcoap passes them on, keeps the first
 * that names a cause, and words the failure for the operator.
 *
 * The lines come from libcoap's GnuTLS backend ("Alert '40': Handshake
 * failed", "session establish returned 'Could not negotiate a supported
 * cipher suite.'", "The peer certificate's CA is unknown: 'CN'") or its
 * OpenSSL backend ("SSL_connect:error", "alert fatal: ..."); a line is
 * text of any content and length, read with bounds only.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_dtls.h"

/* Case-insensitive search in the first len bytes of s. */
static const char *
find(const char *s, size_t len, const char *what)
{
	size_t n = strlen(what), i, k;

	for (i = 0; n <= len && i <= len - n; i++) {
		for (k = 0; k < n; k++)
			if (tolower((unsigned char)s[i + k]) !=
			    tolower((unsigned char)what[k]))
				break;
		if (k == n)
			return s + i;
	}
	return NULL;
}

/* Printable ASCII of s[0..len), runs of blanks as one, trimmed. */
static void
printable(char *out, size_t outlen, const char *s, size_t len)
{
	size_t o = 0, i;
	bool blank = true;

	for (i = 0; i < len && o + 1 < outlen; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
			if (!blank)
				out[o++] = ' ';
			blank = true;
			continue;
		}
		out[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
		blank = false;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* What the line says after libcoap's session name: the quoted text of
 * "... returned 'X'", else what follows the first ": ". */
static void
detail_of(char *out, size_t outlen, const char *line, size_t len)
{
	const char *p = find(line, len, "returned '"), *end = line + len, *q;

	if (p != NULL) {
		p += strlen("returned '");
		for (q = p; q < end && *q != '\''; q++)
			;
		printable(out, outlen, p, (size_t)(q - p));
		return;
	}
	for (p = line; p + 1 < end; p++)
		if (p[0] == ':' && p[1] == ' ') {
			printable(out, outlen, p + 2, (size_t)(end - p - 2));
			return;
		}
	printable(out, outlen, line, len);
}

/* "Alert '40': Handshake failed" (GnuTLS through libcoap). */
static bool
alert_of(struct lwm2m_dtls_cause *c, const char *line, size_t len)
{
	const char *p = find(line, len, "Alert '"), *end = line + len;
	int n = 0, digits = 0;

	if (p == NULL)
		return false;
	for (p += strlen("Alert '"); p < end && isdigit((unsigned char)*p) &&
	    digits < 3; p++, digits++)
		n = n * 10 + (*p - '0');
	if (digits == 0 || n > 255 || end - p < 3 || memcmp(p, "': ", 3) != 0)
		return false;
	p += 3;
	c->kind = LWM2M_DTLS_ALERT;
	c->alert = n;
	printable(c->detail, sizeof(c->detail), p, (size_t)(end - p));
	return true;
}

void
lwm2m_dtls_note(struct lwm2m_dtls_cause *c, const char *line, size_t len)
{
	struct lwm2m_dtls_cause was = *c;
	enum lwm2m_dtls_kind k;

	/* A vague cause gives way to a precise one; nothing else does. */
	if ((c->kind != LWM2M_DTLS_NONE && c->kind != LWM2M_DTLS_OTHER) ||
	    line == NULL)
		return;
	/* Records GnuTLS drops on its own (replays, retransmissions) are
	 * no cause. */
	if (find(line, len, "Discarded") != NULL)
		return;
	if (alert_of(c, line, len))
		return;
	if (find(line, len, "cipher") != NULL)
		k = LWM2M_DTLS_CIPHER;
	else if (find(line, len, "Insufficient credentials") != NULL ||
	    find(line, len, "no PSK available") != NULL ||
	    find(line, len, "requested and required") != NULL)
		k = LWM2M_DTLS_CREDS;
	else if (find(line, len, "certificate") != NULL ||
	    find(line, len, "Self-signed") != NULL)
		k = LWM2M_DTLS_CERT;
	else if (find(line, len, "decrypt") != NULL)
		k = LWM2M_DTLS_DECRYPT;
	else if (find(line, len, "handshake") != NULL ||
	    find(line, len, "session establish") != NULL ||
	    find(line, len, "SSL_connect") != NULL)
		k = LWM2M_DTLS_OTHER;
	else
		return;
	if (k == LWM2M_DTLS_OTHER && was.kind == LWM2M_DTLS_OTHER)
		return;
	c->kind = k;
	c->alert = 0;
	detail_of(c->detail, sizeof(c->detail), line, len);
}

static bool
psk_alert(int a)
{
	/* bad_record_mac, decrypt_error, unknown_psk_identity */
	return a == 20 || a == 51 || a == 115;
}

static bool
cert_alert(int a)
{
	/* bad_certificate ... certificate_unknown, unknown_ca,
	 * access_denied */
	return (a >= 42 && a <= 46) || a == 48 || a == 49;
}

void
lwm2m_dtls_explain(const struct lwm2m_dtls_cause *c, enum lwm2m_sec_mode mode,
    const char *psk_identity, const char *host, bool timed_out, char *out,
    size_t outlen)
{
	char id[48], h[65];
	bool psk = mode == LWM2M_SEC_PSK && psk_identity != NULL;

	printable(h, sizeof(h), host != NULL ? host : "?",
	    host != NULL ? strlen(host) : 1);
	printable(id, sizeof(id), psk ? psk_identity : "",
	    psk ? strlen(psk_identity) : 0);
	switch (c != NULL ? c->kind : LWM2M_DTLS_NONE) {
	case LWM2M_DTLS_ALERT:
		if (psk && psk_alert(c->alert))
			snprintf(out, outlen, "DTLS with %s: PSK identity "
			    "'%s' or its key refused (alert %d, %s)", h, id,
			    c->alert, c->detail);
		else if (!psk && cert_alert(c->alert))
			snprintf(out, outlen, "DTLS with %s: the device's "
			    "certificate refused (alert %d, %s)", h, c->alert,
			    c->detail);
		else if ((c->alert == 40 || c->alert == 71) && psk)
			snprintf(out, outlen, "DTLS with %s: handshake refused "
			    "(alert %d, %s): no cipher suite or credentials in "
			    "common for PSK identity '%s'", h, c->alert,
			    c->detail, id);
		else if (c->alert == 40 || c->alert == 71)
			/* OpenSSL answers a client certificate it does not
			 * trust with handshake_failure too. */
			snprintf(out, outlen, "DTLS with %s: handshake refused "
			    "(alert %d, %s): no cipher suite in common, or the "
			    "device's certificate refused", h, c->alert,
			    c->detail);
		else
			snprintf(out, outlen, "DTLS with %s: the server sent "
			    "alert %d (%s)", h, c->alert, c->detail);
		return;
	case LWM2M_DTLS_CIPHER:
		snprintf(out, outlen, "DTLS with %s: no cipher suite in "
		    "common with the server (%s)", h, c->detail);
		return;
	case LWM2M_DTLS_CERT:
		snprintf(out, outlen, "DTLS with %s: the server's certificate "
		    "refused (%s)", h, c->detail);
		return;
	case LWM2M_DTLS_CREDS:
		snprintf(out, outlen, "DTLS with %s: the device's credentials "
		    "cannot be used (%s)", h, c->detail);
		return;
	case LWM2M_DTLS_DECRYPT:
		if (psk)
			snprintf(out, outlen, "DTLS with %s: PSK identity '%s': "
			    "records do not decrypt, the server holds another "
			    "key (%s)", h, id, c->detail);
		else
			snprintf(out, outlen, "DTLS with %s: records do not "
			    "decrypt (%s)", h, c->detail);
		return;
	case LWM2M_DTLS_OTHER:
		snprintf(out, outlen, "DTLS handshake with %s failed: %s", h,
		    c->detail);
		return;
	case LWM2M_DTLS_NONE:
		break;
	}
	/* No alert, no reason: what a server does with a PSK it cannot
	 * use (GnuTLS and OpenSSL servers drop it silently). */
	if (psk)
		snprintf(out, outlen, "DTLS handshake with %s %s: PSK "
		    "identity '%s' unknown, wrong key or no cipher suite in "
		    "common (dropped without an alert)", h, timed_out ?
		    "timed out" : "given up", id);
	else if (timed_out)
		snprintf(out, outlen, "DTLS handshake with %s timed out: no "
		    "answer from the server", h);
	else
		snprintf(out, outlen, "DTLS handshake with %s failed (the TLS "
		    "backend gave no reason)", h);
}
