/*
 * mdm_tls.c - one server-side TLS connection: mbedTLS over a
 * non-blocking socket whose every read and write waits with poll(2) no
 * longer than the connection's current deadline, so that a silent or
 * slow client costs a thread for a bounded time only.
 *
 * Each connection loads its own key and certificates (mdm_ca.c): mbedTLS
 * caches precomputed points inside a key's group on first use, which is
 * not safe when two threads share the key.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>

#include "mdm.h"

void
mdm_tls_deadline(struct mdm_tls *t, int timeout_ms)
{
	t->deadline_ms = mdm_now_ms() + timeout_ms;
}

/* Waits until fd is ready for events; -1 when the deadline passed. */
static int
wait_fd(struct mdm_tls *t, short events)
{
	struct pollfd pfd = { .fd = t->fd, .events = events };
	int64_t left;
	int rc;

	for (;;) {
		left = t->deadline_ms - mdm_now_ms();
		if (left <= 0) {
			t->timed_out = true;
			return -1;
		}
		rc = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

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
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return MBEDTLS_ERR_NET_SEND_FAILED;
		if (wait_fd(t, POLLOUT) != 0)
			return MBEDTLS_ERR_SSL_TIMEOUT;
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
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return MBEDTLS_ERR_NET_RECV_FAILED;
		if (wait_fd(t, POLLIN) != 0)
			return MBEDTLS_ERR_SSL_TIMEOUT;
	}
}

static void
set_mbedtls_err(char *err, size_t errlen, const char *what, int ret)
{
	char buf[128];

	mbedtls_strerror(ret, buf, sizeof(buf));
	snprintf(err, errlen, "%s: %s (-0x%04x)", what, buf, (unsigned)-ret);
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

static void
release(struct mdm_tls *t)
{
	mbedtls_ssl_free(&t->ssl);
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_x509_crt_free(&t->chain);
	crypto_eckey_free(t->key);
	t->key = NULL;
}

int
mdm_tls_accept(struct mdm_tls *t, int fd, const struct mdm_ca *ca,
    struct crypto_rng *rng, char *err, size_t errlen)
{
	int ret, fl;

	memset(t, 0, sizeof(*t));
	t->fd = fd;
	mbedtls_ssl_init(&t->ssl);
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_x509_crt_init(&t->chain);
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "fcntl: %s", strerror(errno));
		goto fail;
	}
	if (mdm_ca_server_creds(ca, &t->key, &t->chain, err, errlen) != 0)
		goto fail;
	if ((ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_SERVER,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
		set_mbedtls_err(err, errlen, "TLS configuration", ret);
		goto fail;
	}
	/* TLS 1.2 or newer only. */
	mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
	    MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_rng(&t->conf, crypto_rng_mbedtls, rng);
	/* /v1/enroll comes without a client certificate: ask for one, but
	 * let the routes decide what its absence or failure means. */
	mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
	mbedtls_ssl_conf_ca_chain(&t->conf, t->chain.next, NULL);
	if ((ret = mbedtls_ssl_conf_own_cert(&t->conf, &t->chain,
	    crypto_eckey_pk(t->key))) != 0 ||
	    (ret = mbedtls_ssl_setup(&t->ssl, &t->conf)) != 0) {
		set_mbedtls_err(err, errlen, "TLS setup", ret);
		goto fail;
	}
	mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
	mdm_tls_deadline(t, MDM_HANDSHAKE_MS);
	while ((ret = mbedtls_ssl_handshake(&t->ssl)) != 0) {
		if (ret == MBEDTLS_ERR_SSL_WANT_READ ||
		    ret == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (t->timed_out)
			snprintf(err, errlen, "handshake: no progress in %d ms",
			    MDM_HANDSHAKE_MS);
		else
			set_mbedtls_err(err, errlen, "handshake", ret);
		goto fail;
	}
	identify_peer(t);
	return 0;
fail:
	release(t);
	return -1;
}

ssize_t
mdm_tls_read(struct mdm_tls *t, void *buf, size_t cap)
{
	int ret;

	for (;;) {
		ret = mbedtls_ssl_read(&t->ssl, buf, cap);
		if (ret > 0)
			return ret;
		if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ||
		    ret == MBEDTLS_ERR_SSL_CONN_EOF)
			return 0;
		if (ret == MBEDTLS_ERR_SSL_WANT_READ ||
		    ret == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		return -1;
	}
}

int
mdm_tls_write(struct mdm_tls *t, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	int ret;

	while (len > 0) {
		ret = mbedtls_ssl_write(&t->ssl, p, len);
		if (ret == MBEDTLS_ERR_SSL_WANT_READ ||
		    ret == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (ret <= 0)
			return -1;
		p += ret;
		len -= (size_t)ret;
	}
	return 0;
}

void
mdm_tls_close(struct mdm_tls *t)
{
	if (!t->timed_out) {
		/* A short grace for the alert; the peer may be gone. */
		mdm_tls_deadline(t, 1000);
		mbedtls_ssl_close_notify(&t->ssl);
	}
	release(t);
}
