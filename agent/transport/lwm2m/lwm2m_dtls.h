/*
 * lwm2m_dtls.h - why a DTLS handshake failed, from what the TLS backend
 * says through libcoap's log (lwm2m_dtls.c).
 *
 * libcoap 4.3.1 reports a failed handshake as a closed session without
 * a reason (its GnuTLS backend does not even raise the event while the
 * handshake runs); the reason is only in the backend's log lines: the
 * alert the server sent, the cipher suites that did not meet, the
 * certificate refused. lwm2m_coap.c hands every warning line to
 * lwm2m_dtls_note() while a handshake runs and words the failure with
 * lwm2m_dtls_explain().
 */
#ifndef WARDEN_LWM2M_DTLS_H
#define WARDEN_LWM2M_DTLS_H

#include <stdbool.h>
#include <stddef.h>

#include "agent/transport/lwm2m/lwm2m_coap.h"

#define LWM2M_DTLS_DETAIL_MAX 96

enum lwm2m_dtls_kind {
	LWM2M_DTLS_NONE = 0,
	LWM2M_DTLS_ALERT,	/* the server sent a fatal alert */
	LWM2M_DTLS_CIPHER,	/* no cipher suite in common */
	LWM2M_DTLS_CERT,	/* the server's certificate was refused */
	LWM2M_DTLS_CREDS,	/* the device's own credentials are unusable */
	LWM2M_DTLS_DECRYPT,	/* a record did not decrypt: keys differ */
	LWM2M_DTLS_OTHER,	/* a handshake error of another kind */
};

/* The first cause seen in one handshake. */
struct lwm2m_dtls_cause {
	enum lwm2m_dtls_kind kind;
	int alert;		/* LWM2M_DTLS_ALERT: its number (RFC 5246) */
	char detail[LWM2M_DTLS_DETAIL_MAX];	/* printable ASCII */
};

/*
 * Reads one log line of libcoap (len bytes, not NUL-terminated, any
 * content: it may carry the peer certificate's name) and, if it tells
 * why a handshake failed, records it: the first precise cause (an
 * alert, the cipher suites, a certificate, the credentials, a record
 * that did not decrypt) stays; a vague one (a handshake error of no
 * known kind) only until a precise one comes. Lines of no such meaning,
 * and records GnuTLS discards (replays), are ignored. Never fails,
 * never blocks.
 */
void lwm2m_dtls_note(struct lwm2m_dtls_cause *cause, const char *line,
    size_t len);

/*
 * Words a failed handshake with host for the log and the status: the
 * recorded cause, the PSK identity in PSK mode (psk_identity; never the
 * key, which this module never sees), and whether it timed out (no
 * answer at all). Writes a NUL-terminated text of at most outlen bytes.
 */
void lwm2m_dtls_explain(const struct lwm2m_dtls_cause *cause,
    enum lwm2m_sec_mode mode, const char *psk_identity, const char *host,
    bool timed_out, char *out, size_t outlen);

#endif
