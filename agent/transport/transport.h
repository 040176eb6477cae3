/*
 * transport.h - what the agent core asks of a protocol binding: connect
 * to the server, enroll, fetch the policy, push reports, receive
 * commands, send a command's result, renew the device certificate,
 * unenroll, close.
 *
 * The core speaks only this interface and the AMAPI vocabulary (policies,
 * reports and command results are AMAPI JSON documents in every binding);
 * a binding knows its wire protocol and nothing of the HAL or the policy
 * engine. This is the shape of client-driven bindings: `rest` (JSON over
 * HTTPS, rest_binding.c; the contract is docs/protocol/README.md). LwM2M
 * is server-driven (the server reads, writes and executes objects on a
 * registered device; there is no CSR exchange) and runs as its own
 * session (lwm2m_session.c), started by server_start() for a device
 * provisioned with the lwm2m binding.
 *
 * Every operation is asynchronous: it queues the exchange and returns at
 * once; the callback runs later on the loop's thread, exactly once,
 * unless the transport is closed first (close() cancels: no callback
 * runs after it). Nothing blocks the loop. Everything the server sends
 * is untrusted: a binding bounds and checks each reply before it reaches
 * the callback, which sees only well-formed values.
 */
#ifndef WARDEN_TRANSPORT_H
#define WARDEN_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "crypto/crypto.h"

struct netproc;
struct tls_resolver;

#define TRANSPORT_ID_MAX 64		/* device id (the certificate CN) */
#define TRANSPORT_CMD_ID_MAX 128
#define TRANSPORT_CMD_TYPE_MAX 32
#define TRANSPORT_BATCH_MAX 100		/* reports per push */
#define TRANSPORT_COMMANDS_MAX 100	/* commands per receive */
#define TRANSPORT_KEY_MAX 128		/* an idempotency key */
#define TRANSPORT_ETAG_MAX 128
/* Long-poll seconds: up to a quarter hour, which TCP keepalive probes
 * (tls_stream.c) carry through NATs and firewalls. */
#define TRANSPORT_WAIT_MAX 900
#define TRANSPORT_WHY_MAX 512
#define TRANSPORT_SIGNATURE_MAX (16 * 1024)	/* a command's compact JWS */
#define TRANSPORT_COMMAND_KEY_MAX 1024	/* the command key's PEM */

enum transport_status {
	TRANSPORT_OK = 0,
	TRANSPORT_UNCHANGED,	/* fetch_policy: still the policy of etag */
	TRANSPORT_UNREACHABLE,	/* network, timeout, server busy or failing:
				 * try again later */
	TRANSPORT_UNTRUSTED,	/* the server failed authentication */
	TRANSPORT_REFUSED,	/* the server refused this request for good
				 * (e.g. a used enrollment token) */
	TRANSPORT_BAD_REPLY,	/* the server's answer is malformed */
};

/* How to reach and authenticate the server, and who the device is. */
struct transport_params {
	uv_loop_t *loop;
	struct crypto_rng *rng;		/* borrowed */
	const char *server_url;
	uint8_t pin[CRYPTO_SHA256_LEN];	/* from provisioning */
	/* After enrollment (all NULL before): the CA received then, the
	 * device id, its certificate and its key (borrowed; it must outlive
	 * the transport). Strings are copied. */
	const char *ca_pem;
	const char *device_id;
	const char *cert_pem;
	struct crypto_eckey *key;
	/* The network process (netproc.h) the privilege-separated proxy
	 * binding talks to (borrowed); unused by other bindings. */
	struct netproc *net;
	/* How the rest binding resolves names (NULL: uv_getaddrinfo);
	 * borrowed. */
	const struct tls_resolver *resolver;
};

/* What the device says about itself when it enrolls. */
struct transport_enrollment {
	const char *token;		/* the one-time enrollment token */
	const char *csr_pem;		/* PKCS#10 for the device key */
	const char *manufacturer, *model;
	const char *serial;		/* NULL on a personally-owned device */
	const char *agent_version;
	const char *management_mode;	/* "DEVICE_OWNER", "PROFILE_OWNER" */
	const char *ownership;		/* COMPANY_OWNED, PERSONALLY_OWNED */
};

/* A report or event from the outbox. */
struct transport_item {
	const char *key;	/* idempotency key */
	const char *kind;	/* "report" | "event" */
	const char *payload;	/* JSON object text */
};

/* A command as received (checked: id and type are safe to store). */
struct transport_command {
	char id[TRANSPORT_CMD_ID_MAX + 1];
	char type[TRANSPORT_CMD_TYPE_MAX + 1];
	int64_t create_time;	/* Unix seconds */
	int64_t duration;	/* seconds; the command expires after */
	char *params;		/* JSON object text */
	/* The server's signature (compact JWS of [A-Za-z0-9_.-], at most
	 * TRANSPORT_SIGNATURE_MAX), or NULL when the command has none. */
	char *signature;
};

/* The outcome of an operation; pointers are valid during the callback. */
struct transport_reply {
	enum transport_status status;
	int code;			/* protocol status (HTTP), 0 if none */
	char why[TRANSPORT_WHY_MAX];	/* one line when status is not OK */
	/* enroll */
	const char *device_id;
	const char *certificate;	/* PEM; also renew_certificate */
	const char *ca_certificate;	/* PEM */
	int poll_timeout;		/* seconds the server suggests */
	/* The public key the server signs commands with (PEM), or NULL
	 * when it signs none. */
	const char *command_key;
	/* enroll, fetch_policy: the policy JSON ("{}" for none) */
	const char *policy;
	/* fetch_policy: the policy's entity tag; enroll: the one a fetch
	 * would give, when the binding can tell; "" when none. */
	const char *etag;
	/* push_reports: the keys the server now holds */
	const char *const *accepted;
	size_t naccepted;
	/* receive_commands */
	const struct transport_command *commands;
	size_t ncommands;
};

typedef void (*transport_cb)(void *arg, const struct transport_reply *r);

struct transport;

struct transport_ops {
	const char *name;
	/*
	 * Sets up a session with the server: its URL, how it is
	 * authenticated (before enrollment the pinned certificate is the
	 * trust anchor; after it the CA received, which must contain the
	 * pin) and the device's credentials (mutual TLS). Connections open
	 * on demand. Returns 0 and *out, or -1 with a reason in err.
	 */
	int (*connect)(const struct transport_params *p, struct transport **out,
	    char *err, size_t errlen);
	/* Cancels every outstanding operation and frees t; NULL-safe. */
	void (*close)(struct transport *t);
	/* Enrolls (the only exchange without a device credential). */
	int (*enroll)(struct transport *t, const struct transport_enrollment *e,
	    transport_cb cb, void *arg);
	/* The policy, unless it is still the one of etag (NULL: none). */
	int (*fetch_policy)(struct transport *t, const char *etag,
	    transport_cb cb, void *arg);
	/* Up to TRANSPORT_BATCH_MAX items in one exchange. */
	int (*push_reports)(struct transport *t,
	    const struct transport_item *items, size_t n, transport_cb cb,
	    void *arg);
	/* Waits up to wait_seconds (<= TRANSPORT_WAIT_MAX) for commands. */
	int (*receive_commands)(struct transport *t, int wait_seconds,
	    transport_cb cb, void *arg);
	/* result: {"status", "errorCode"?, "result"?} (AMAPI words). */
	int (*send_command_result)(struct transport *t, const char *command_id,
	    const char *result, transport_cb cb, void *arg);
	/* Asks for a new certificate for the key of csr_pem. */
	int (*renew_certificate)(struct transport *t, const char *csr_pem,
	    transport_cb cb, void *arg);
	/*
	 * Tells the server the device leaves management (retire). OK once
	 * the server has forgotten the device; REFUSED with code 403 when it
	 * had already (every later request would be refused too).
	 */
	int (*unenroll)(struct transport *t, transport_cb cb, void *arg);
};

/* transport.c */
/* The binding for a provisioning binding name ("rest"); NULL when this
 * build has none (the caller reports it UNSUPPORTED). */
const struct transport_ops *transport_find(const char *binding);
/* "OK", "UNREACHABLE", ... for logs and status. */
const char *transport_status_name(enum transport_status s);

/* rest_binding.c */
extern const struct transport_ops transport_rest;

/* The rest of the room's interface: the network process and its
 * messages, and the LwM2M client's object registry the parent checks
 * Security and Server writes with. */
#include "agent/transport/netmsg.h"
#include "agent/transport/netproc.h"
#ifdef CONFIG_TRANSPORT_LWM2M
#include "agent/transport/lwm2m/lwm2m_client.h"
#include "agent/transport/lwm2m/lwm2m_objects.h"
#endif

#endif /* WARDEN_TRANSPORT_H */
