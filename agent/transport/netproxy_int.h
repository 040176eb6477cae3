/*
 * netproxy_int.h - the inside of the parent's end of privilege
 * separation, shared by netproxy.c (the network process, its channel,
 * the checked replies) and netproxy_binding.c (the binding's calls).
 */
#ifndef WARDEN_NETPROXY_INT_H
#define WARDEN_NETPROXY_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "agent/transport/netmsg.h"
#include "agent/transport/netproc.h"
#include "crypto/crypto.h"

struct call {
	struct call *next;
	struct transport *t;
	uint32_t id;
	enum netmsg_type op;
	transport_cb cb;
	void *arg;
};

/* One connect(): its parameters are kept to set it up again in a new
 * network process. */
struct transport {
	struct transport *next;
	struct netproc *np;
	uint32_t conn;
	char *url, *ca_pem, *device_id, *cert_pem;
	uint8_t pin[CRYPTO_SHA256_LEN];
	struct crypto_eckey *key;	/* borrowed */
	struct crypto_rng *rng;		/* borrowed */
};

struct netproc {
	uv_loop_t *loop;
	char exe[PATH_MAX];
	char user[64], root[PATH_MAX], level[8];
	bool foreground;
	uv_process_t proc;
	bool proc_alive;
	uv_pipe_t chan;
	bool chan_open;
	uv_timer_t restart;
	uint64_t backoff_ms, started_ms;
	unsigned sign_tokens;	/* signatures it may have now */
	uint64_t sign_last;	/* when the last token was added */
	bool stopping;
	uint8_t *rbuf;
	size_t rlen;
	struct netmsg_buf pending;	/* requests while it restarts */
	struct transport *transports;
	struct call *calls;
	struct resolve_req *resolves;
	uint32_t next_conn, next_id;
	const struct netproc_lwm2m_ops *lw;	/* the LwM2M session */
	unsigned lw_stop_ms;	/* LWM2M_STOP sent: wait this long */
	bool stopped;		/* netproc_stop() has finished */
};

/* A name resolved for the network process. */
struct resolve_req {
	struct resolve_req *next;
	struct netproc *np;
	uv_getaddrinfo_t gai;
	uint32_t id;
	int pid;		/* of the process that asked */
	char host[NETMSG_HOST_MAX + 1];
};

struct wreq {
	uv_write_t req;
	uint8_t *data;
	size_t len;
};

/*
 * Sends the messages in b (taking its bytes). While the process is
 * restarting, requests (queue) wait for the new one; other messages are
 * moot then and dropped. Returns -1 when they cannot be sent.
 */
int netproxy_send(struct netproc *np, struct netmsg_buf *b, bool queue);
/* The CONNECT message that sets transport t up in the network process. */
void netproxy_put_connect(struct netmsg_buf *b, const struct transport *t);

#endif /* WARDEN_NETPROXY_INT_H */
