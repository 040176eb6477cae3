/*
 * tls_stream.h - one TLS 1.2+ client connection over a libuv TCP handle,
 * with mbedTLS fed through memory buffers: libuv's reads fill the buffer
 * mbedTLS's receive callback drains (MBEDTLS_ERR_SSL_WANT_READ when it is
 * empty), and mbedTLS's send callback hands its records to uv_write. The
 * loop never blocks: every step runs from a libuv callback.
 *
 * The server is authenticated with crypto/'s verification callback and
 * the provisioning pin (crypto.h, struct crypto_x509_check), one check
 * per connection, and the host name; nothing is written to the stream
 * before the verification has passed.
 *
 * Everything runs on the loop's thread. Events are delivered to the
 * owner's callbacks; after tls_stream_close() none is.
 */
#ifndef WARDEN_TLS_STREAM_H
#define WARDEN_TLS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <mbedtls/ssl.h>
#include <uv.h>

#include "crypto/crypto.h"

#define TLS_HOST_MAX 253
#define TLS_WHY_MAX 320

struct tls_stream;

/*
 * Name resolution done elsewhere (the network process asks wardend's
 * parent: it has no resolver files in its empty root). start() begins
 * resolving host:port for stream s and returns 0, then someone calls
 * tls_stream_resolved(s, ...) exactly once, later, unless cancel(arg, s)
 * ran first (tls_stream_close() calls it); or it returns -1.
 */
struct tls_resolver {
	int (*start)(void *arg, struct tls_stream *s, const char *host,
	    uint16_t port);
	void (*cancel)(void *arg, struct tls_stream *s);
	void *arg;
};

/* Trust and credentials shared by the connections to one server. */
struct tls_params {
	struct crypto_rng *rng;		/* borrowed */
	/* CRYPTO_PIN_ANCHOR (no CA yet: the pinned certificate is the
	 * anchor) or CRYPTO_PIN_IN_CHAIN (with ca). */
	enum crypto_pin_mode pin_mode;
	uint8_t pin[CRYPTO_SHA256_LEN];
	const char *ca_pem;		/* copied; NULL before enrollment */
	const char *cert_pem;		/* copied; the device's, or NULL */
	struct crypto_eckey *key;	/* borrowed, or NULL */
	/* Copied; NULL: names are resolved with uv_getaddrinfo. */
	const struct tls_resolver *resolver;
};

struct tls_conf;

/*
 * Builds the mbedTLS client configuration: TLS 1.2 minimum, the pin mode
 * (VERIFY_OPTIONAL without a CA, then the verdict is checked after the
 * handshake; VERIFY_REQUIRED with one), renegotiation off, the device
 * certificate and key for mutual TLS when given. *out is owned by the
 * caller: tls_conf_free() releases it, and each open stream keeps it
 * alive until the stream is closed. The key is borrowed: it must stay
 * valid while a stream on the conf is open (a closed stream makes no
 * more use of it).
 */
int tls_conf_new(const struct tls_params *p, struct tls_conf **out,
    char *err, size_t errlen);
void tls_conf_free(struct tls_conf *c);

/* Why a stream failed. */
enum tls_fail {
	TLS_FAIL_CONNECT = 1,	/* name resolution or TCP connect */
	TLS_FAIL_TIMEOUT,	/* connect or handshake took too long */
	TLS_FAIL_HANDSHAKE,	/* TLS protocol failure (e.g. not TLS) */
	TLS_FAIL_UNTRUSTED,	/* server certificate refused */
	TLS_FAIL_CLOSED,	/* the peer closed the connection */
	TLS_FAIL_IO,		/* read or write error after the handshake */
};

struct tls_stream_events {
	/* The handshake is complete and the server verified. */
	void (*connected)(void *arg);
	/* Decrypted bytes from the server. */
	void (*data)(void *arg, const uint8_t *buf, size_t len);
	/* Everything written so far was handed to the kernel. */
	void (*flushed)(void *arg);
	/* The stream is dead (why: one line); the owner closes it. */
	void (*failed)(void *arg, enum tls_fail fail, const char *why);
};

/*
 * Starts connecting to host:port (a name is resolved with
 * uv_getaddrinfo) and handshaking, each phase bounded by its timeout.
 * Events go to ev with arg. The host name is also the name checked
 * against the server certificate. Returns 0 and *out (close it with
 * tls_stream_close()), or -1 with a reason in err.
 */
int tls_stream_open(uv_loop_t *loop, struct tls_conf *conf, const char *host,
    uint16_t port, unsigned connect_ms, unsigned handshake_ms,
    const struct tls_stream_events *ev, void *arg, struct tls_stream **out,
    char *err, size_t errlen);

/*
 * The answer to a tls_resolver's start(): the address to connect to
 * (its port set), or NULL and why (one line) when the name did not
 * resolve. May call the failed event.
 */
void tls_stream_resolved(struct tls_stream *s, const struct sockaddr *sa,
    const char *why);

/*
 * Encrypts and queues len bytes (copied) for the server; only after the
 * connected event. flushed follows once they reached the kernel.
 * Returns 0, or -1 when the stream is not usable (a failed event
 * follows on a write error).
 */
int tls_stream_write(struct tls_stream *s, const void *buf, size_t len);

/* True once connected and until it failed or was closed. */
bool tls_stream_usable(const struct tls_stream *s);

/*
 * Closes the stream: no more events; the memory is released once libuv
 * has let go of its handles. NULL is a no-op.
 */
void tls_stream_close(struct tls_stream *s);

#endif /* WARDEN_TLS_STREAM_H */
