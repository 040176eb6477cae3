/*
 * fleet.h - wardenfleet's private program header: a load generator that
 * simulates a fleet of devices against a server of warden's HTTPS binding
 * (docs/protocol/README.md), all in one process on one libuv loop. Each
 * virtual device has its own P-256 key, CSR, token, certificate and
 * state, and speaks the real protocol over real (mutual) TLS: enroll,
 * report, long-poll, fetch policies by ETag, answer commands. TLS is
 * OpenSSL's (fleet_tls.c), not crypto/'s mbedTLS.
 *
 * Conventions: 0 / -1 returns; nothing here exits but main().
 */
#ifndef WARDEN_FLEET_H
#define WARDEN_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <uv.h>

#include "crypto/crypto.h"

#define FLEET_ID_MAX 64
#define FLEET_ETAG_MAX 70
#define FLEET_RESP_MAX (1024 * 1024)	/* a response, head and body */
#define FLEET_IO_MS 60000		/* an exchange, long polls excepted */
#define FLEET_SERVERS_MAX 8		/* --url given this many times */

/* One server instance (--url). */
struct fleet_server {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char hostname[256];		/* for SNI and verification */
	bool numeric;			/* hostname is an IP address: no SNI */
};

/* The run's settings and totals (one per process). */
struct fleet {
	uv_loop_t *loop;
	struct crypto_rng *rng;		/* backoff jitter */
	/* Both verify the server against --ca (the pin). */
	SSL_CTX *anon;			/* enrollment: no client certificate */
	SSL_CTX *mutual;		/* managed: each connection adds its
					   device's certificate and key */
	/* The server's instances: device i talks to servers[i % nservers]
	 * only, as behind a load balancer keeping a client on one. */
	struct fleet_server servers[FLEET_SERVERS_MAX];
	size_t nservers;
	int wait;			/* waitSeconds of the long polls */
	int ramp;			/* devices enrolling at once, at most */
	int noncompliant;		/* percent of devices reporting
					   non-compliance (by index) */
	int64_t t0_ms;			/* CLOCK_MONOTONIC at the start */
	int64_t deadline_ms;		/* stop then (0: never) */
	bool stopping;
	size_t n;			/* devices */
	struct fleet_dev *devs;
	/* Totals. */
	size_t started, enrolling, enrolled, reported, failed;
	size_t replayed;		/* enrollments answered 200 */
	uint64_t requests, errors, commands, results, policies, reconnects;
	int64_t all_enrolled_ms, all_reported_ms;	/* since t0, -1: not yet */
	char last_etag[FLEET_ETAG_MAX + 1];	/* newest policy ETag seen */
	size_t on_last_etag;		/* devices holding it */
	bool etag_announced;
	size_t policy_count;		/* --policy-count: also announce the
					   newest ETag when this many hold it
					   (a group's members); 0: not */
	bool count_announced;
};

/* fleet_dev.c */

/* What a device is doing. */
enum fleet_phase {
	FLEET_NEW = 0,
	FLEET_ENROLLING,
	FLEET_MANAGED,
	FLEET_FAILED,			/* refused for good: lost */
};

struct fleet_conn;

struct fleet_dev {
	struct fleet *f;
	size_t idx;
	enum fleet_phase phase;
	char *token;			/* secret */
	EVP_PKEY *key;			/* P-256, the device's own */
	char *csr;
	char id[FLEET_ID_MAX + 1];
	X509 *cert;			/* issued at enrollment, or NULL */
	SSL_SESSION *session;		/* for resumption, or NULL */
	struct fleet_conn *conn;
	uv_timer_t timer;		/* backoff and exchange deadlines */
	int attempt;			/* consecutive failures */
	int enroll_answers;		/* 200/201 answers to enrollment */
	bool reported;
	char etag[FLEET_ETAG_MAX + 1];	/* the policy it holds */
	/* The exchange in progress. */
	int op;
	struct cJSON *cmds;		/* commands being answered */
	int cmd_next;
	bool sync_pending;		/* a SYNC_POLICY wants a fetch */
	char result_id[FLEET_ID_MAX + 1];
};

/*
 * Prepares device idx: a fresh key pair and a CSR, and the token (taken,
 * the caller's copy is not kept). Blocks on the CPU (key generation).
 */
int fleet_dev_init(struct fleet *f, struct fleet_dev *d, size_t idx,
    const char *token, char *err, size_t errlen);
/* Starts the device's life: enrollment, then the managed session. */
void fleet_dev_start(struct fleet_dev *d);
/* Ends its connection and timer (the loop then frees them); then
 * fleet_dev_free() once the loop has run. */
void fleet_dev_stop(struct fleet_dev *d);
/* Frees what init allocated. */
void fleet_dev_free(struct fleet_dev *d);
/* The server instance the device talks to. */
const struct fleet_server *fleet_server_of(const struct fleet_dev *d);
/* OpenSSL's new-session callback of f->mutual: keeps the session of a
 * device's managed connection for its next one (the device takes the
 * reference: returns 1), or declines it (0). */
int fleet_dev_new_session(SSL *ssl, SSL_SESSION *sess);

/* fleet_tls.c */

/*
 * Makes f->anon and f->mutual: TLS 1.2 at least, the key exchange groups
 * of crypto_tls_groups() in its order, the server verified against the
 * CA certificates of the file ca. OpenSSL hands every session of
 * f->mutual to new_session (fleet_dev_new_session(); its own cache stays
 * empty). -1 with err set on failure; then and after the run,
 * fleet_tls_free() frees what was made.
 */
int fleet_tls_init(struct fleet *f, const char *ca,
    int (*new_session)(SSL *, SSL_SESSION *), char *err, size_t errlen);
void fleet_tls_free(struct fleet *f);
/*
 * A fresh P-256 key pair (*key, EVP_PKEY_free() it) and a PEM CSR with
 * subject CN=cn signed by it (*csr, malloc'd). Blocks on the CPU.
 */
int fleet_tls_identity(const char *cn, EVP_PKEY **key, char **csr,
    char *err, size_t errlen);
/* The PEM certificate pem, when it certifies key; else NULL.
 * X509_free() it. */
X509 *fleet_tls_cert(const char *pem, const EVP_PKEY *key);
/* The text of OpenSSL's first queued error into buf; empties the
 * thread's error queue. */
void fleet_tls_error(char *buf, size_t len);

/* fleet_main.c: the device tells the run about its progress. */
void fleet_on_enrolled(struct fleet *f, struct fleet_dev *d);
void fleet_on_reported(struct fleet *f, struct fleet_dev *d);
void fleet_on_failed(struct fleet *f, struct fleet_dev *d, const char *why);
void fleet_on_policy(struct fleet *f, struct fleet_dev *d,
    const char *old_etag);
/* Milliseconds since the run started. */
int64_t fleet_elapsed_ms(const struct fleet *f);

#endif /* WARDEN_FLEET_H */
