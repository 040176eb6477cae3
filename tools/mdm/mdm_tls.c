/*
 * mdm_tls.c - server-side TLS on non-blocking sockets for the event
 * loop: one configuration shared by every connection (the server's key
 * and chain loaded once, session tickets so that a reconnecting device
 * resumes instead of paying a full handshake), and per connection an
 * mbedTLS context whose I/O never waits: every call either progresses or
 * says which readiness (read or write) it needs next. Deadlines are the
 * caller's (mdm_conn.c keeps one timer per connection).
 *
 * mdm_tls_handshake() runs on libuv's thread pool, the connection then
 * the worker's alone (mdm_conn.c); the rest runs on the loop. What the
 * handshakes share is read-only or locked: the configuration, the keys
 * (their P-256 table is the process's one, crypto/p256_table.c), the
 * DRBG and the ticket keys (mbedTLS locks both).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/platform.h>
#include <mbedtls/ssl_internal.h>

#include "tools/mdm/mdm.h"

static int
bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct mdm_tls *t = ctx;
	ssize_t n;

	for (;;) {
		n = send(t->fd, buf, len, MSG_NOSIGNAL);
		if (n >= 0)
			return (int)n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return MBEDTLS_ERR_SSL_WANT_WRITE;
		return MBEDTLS_ERR_NET_SEND_FAILED;
	}
}

static int
bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct mdm_tls *t = ctx;
	ssize_t n;

	for (;;) {
		n = recv(t->fd, buf, len, 0);
		if (n >= 0)
			return (int)n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return MBEDTLS_ERR_SSL_WANT_READ;
		return MBEDTLS_ERR_NET_RECV_FAILED;
	}
}

static void
set_mbedtls_err(char *err, size_t errlen, const char *what, int ret)
{
	char buf[128];

	mbedtls_strerror(ret, buf, sizeof(buf));
	snprintf(err, errlen, "%s: %s (-0x%04x)", what, buf, (unsigned)-ret);
}

int
mdm_tls_conf_init(struct mdm_tls_conf *c, const struct mdm_ca *ca,
    struct crypto_rng *rng, char *err, size_t errlen)
{
	int ret;

	memset(c, 0, sizeof(*c));
	mbedtls_ssl_config_init(&c->conf);
	mbedtls_x509_crt_init(&c->chain);
	mbedtls_ssl_ticket_init(&c->ticket);
	if (mdm_ca_server_creds(ca, &c->key, &c->chain, err, errlen) != 0)
		goto fail;
	if ((ret = mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_SERVER,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
		set_mbedtls_err(err, errlen, "TLS configuration", ret);
		goto fail;
	}
	/* TLS 1.2 or newer only. */
	mbedtls_ssl_conf_min_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
	    MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_curves(&c->conf, crypto_tls_groups());
	mbedtls_ssl_conf_rng(&c->conf, crypto_rng_mbedtls, rng);
	/* /v1/enroll comes without a client certificate: ask for one, but
	 * let the routes decide what its absence or failure means. */
	mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
	mbedtls_ssl_conf_ca_chain(&c->conf, c->chain.next, NULL);
	/* A device's key verifies its CertificateVerify with the shared
	 * P-256 table, as every key crypto/ parses does. */
	mbedtls_ssl_conf_verify(&c->conf, crypto_tls_verify_share_table, NULL);
	/* Resumption by session tickets (RFC 5077): the client keeps the
	 * session, sealed under a key of this process, so the server keeps
	 * nothing per device. A ticket holds the peer certificate and its
	 * verification result, so a resumed device is identified as a fully
	 * handshaken one. */
	if ((ret = mbedtls_ssl_ticket_setup(&c->ticket, crypto_rng_mbedtls,
	    rng, MBEDTLS_CIPHER_AES_256_GCM, MDM_TLS_TICKET_SECONDS)) != 0) {
		set_mbedtls_err(err, errlen, "TLS session tickets", ret);
		goto fail;
	}
	mbedtls_ssl_conf_session_tickets_cb(&c->conf, mbedtls_ssl_ticket_write,
	    mbedtls_ssl_ticket_parse, &c->ticket);
	if ((ret = mbedtls_ssl_conf_own_cert(&c->conf, &c->chain,
	    crypto_eckey_pk(c->key))) != 0) {
		set_mbedtls_err(err, errlen, "TLS setup", ret);
		goto fail;
	}
	return 0;
fail:
	mdm_tls_conf_free(c);
	return -1;
}

void
mdm_tls_conf_free(struct mdm_tls_conf *c)
{
	mbedtls_ssl_ticket_free(&c->ticket);
	mbedtls_ssl_config_free(&c->conf);
	mbedtls_x509_crt_free(&c->chain);
	crypto_eckey_free(c->key);
	c->key = NULL;
}

static void
identify_peer(struct mdm_tls *t)
{
	const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&t->ssl);
	uint32_t flags;

	t->peer = MDM_PEER_NONE;
	if (peer == NULL)
		return;
	flags = mbedtls_ssl_get_verify_result(&t->ssl);
	if (flags != 0) {
		t->peer = MDM_PEER_INVALID;
		crypto_x509_flags_describe(flags, t->peer_error,
		    sizeof(t->peer_error));
		return;
	}
	if (crypto_cert_subject_cn(peer, t->peer_cn, sizeof(t->peer_cn)) !=
	    0) {
		t->peer = MDM_PEER_INVALID;
		snprintf(t->peer_error, sizeof(t->peer_error),
		    "the certificate has no usable CN");
		return;
	}
	crypto_cert_fingerprint(peer, t->peer_fp);
	t->peer = MDM_PEER_VERIFIED;
}

/* What the routes need of the peer's certificate is copied out; the
 * parsed certificate would cost every idle connection kilobytes. (The
 * session ticket holding it was sent during the handshake.) */
static void
drop_peer_cert(struct mdm_tls *t)
{
	mbedtls_ssl_session *s = t->ssl.session;

	if (s == NULL || s->peer_cert == NULL)
		return;
	mbedtls_x509_crt_free(s->peer_cert);
	mbedtls_free(s->peer_cert);
	s->peer_cert = NULL;
}

int
mdm_tls_start(struct mdm_tls *t, int fd, const struct mdm_tls_conf *c,
    char *err, size_t errlen)
{
	int ret, fl;

	memset(t, 0, sizeof(*t));
	t->fd = fd;
	mbedtls_ssl_init(&t->ssl);
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "fcntl: %s", strerror(errno));
		mbedtls_ssl_free(&t->ssl);
		return -1;
	}
	if ((ret = mbedtls_ssl_setup(&t->ssl, &c->conf)) != 0) {
		set_mbedtls_err(err, errlen, "TLS setup", ret);
		mbedtls_ssl_free(&t->ssl);
		return -1;
	}
	mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
	return 0;
}

/* Maps an mbedTLS return to MDM_TLS_WANT_*, or 0 when it is neither. */
static int
want(int ret)
{
	if (ret == MBEDTLS_ERR_SSL_WANT_READ)
		return MDM_TLS_WANT_READ;
	if (ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		return MDM_TLS_WANT_WRITE;
	return 0;
}

int
mdm_tls_handshake(struct mdm_tls *t, char *err, size_t errlen)
{
	int ret, w;

	ret = mbedtls_ssl_handshake(&t->ssl);
	if (ret == 0) {
		identify_peer(t);
		drop_peer_cert(t);
		return 0;
	}
	if ((w = want(ret)) != 0)
		return w;
	set_mbedtls_err(err, errlen, "handshake", ret);
	return -1;
}

ssize_t
mdm_tls_read(struct mdm_tls *t, void *buf, size_t cap)
{
	int ret, w;

	ret = mbedtls_ssl_read(&t->ssl, buf, cap);
	if (ret > 0)
		return ret;
	if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ||
	    ret == MBEDTLS_ERR_SSL_CONN_EOF)
		return 0;
	if ((w = want(ret)) != 0)
		return w;
	return -1;
}

ssize_t
mdm_tls_write(struct mdm_tls *t, const void *buf, size_t len)
{
	int ret, w;

	ret = mbedtls_ssl_write(&t->ssl, buf, len);
	if (ret > 0)
		return ret;
	if ((w = want(ret)) != 0)
		return w;
	return -1;
}

/* Gives the whole pages inside [p, p + len) back to the kernel, all
 * but the first (it holds the record counter and header): they read as
 * zeros when next touched. */
static void
release_pages(unsigned char *p, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)p + page) & ~(page - 1);
	uintptr_t e = ((uintptr_t)p + len) & ~(page - 1);

	if (e > a)
		(void)madvise((void *)a, e - a, MADV_DONTNEED);
}

void
mdm_tls_idle(struct mdm_tls *t)
{
	mbedtls_ssl_context *s = &t->ssl;

	/* Only with nothing buffered either way: then no byte of either
	 * record buffer past the counter and header is read before it is
	 * written again. */
	if (s->in_buf == NULL || s->out_buf == NULL || s->in_left != 0 ||
	    s->in_msglen != 0 || s->out_left != 0 ||
	    mbedtls_ssl_get_bytes_avail(s) != 0)
		return;
	release_pages(s->in_buf, MBEDTLS_SSL_IN_BUFFER_LEN);
	release_pages(s->out_buf, MBEDTLS_SSL_OUT_BUFFER_LEN);
}

void
mdm_tls_close(struct mdm_tls *t, bool notify)
{
	/* One attempt at the alert: the peer may be gone or not reading. */
	if (notify)
		(void)mbedtls_ssl_close_notify(&t->ssl);
	mbedtls_ssl_free(&t->ssl);
}
