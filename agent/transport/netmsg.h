/*
 * netmsg.h - the messages between wardend's privileged parent and its
 * network process (docs/privsep.md), in the manner of OpenBSD's imsg.
 *
 * A message is a 16-byte header (all integers big-endian):
 *
 *	u16 type, u16 version (NETMSG_VERSION), u32 conn, u32 id, u32 len
 *
 * then len bytes of payload (len <= NETMSG_PAYLOAD_MAX). `conn` names one
 * transport (a connection setup of the proxy binding), `id` one request:
 * a reply or a signature carries the id of what it answers. The payload
 * is a fixed sequence of fields per type:
 *
 *	int	i64 (8 bytes)
 *	str	u32 n, then n bytes, the last NUL and no other;
 *		n = 0 is "absent" (NULL); each has its own bound
 *	bytes	u32 n, then n bytes (bounded)
 *
 * and nothing after the last field. netmsg_parse() checks every field's
 * bound and content (ids, keys, PEM, JSON texts parsed, status ranges)
 * and rejects a malformed message whole: the parent uses it on every
 * message the network process sends, which it treats as untrusted. The
 * network process parses the parent's messages the same way.
 */
#ifndef WARDEN_NETMSG_H
#define WARDEN_NETMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/transport/transport.h"
#include "crypto/crypto.h"
#include "hal/hal.h"

#define NETMSG_VERSION 1
#define NETMSG_HDR_LEN 16
/* The largest payload: a response body (HTTP_BODY_MAX) plus fields, or
 * LWM2M_START's policy with Security and Server. */
#define NETMSG_PAYLOAD_MAX (1024 * 1024 + 512 * 1024)
#define NETMSG_URL_MAX 512
#define NETMSG_TEXT_MAX 256	/* enrollment's short strings */
#define NETMSG_TOKEN_MAX 1024	/* the enrollment token */
#define NETMSG_CSR_MAX CRYPTO_CSR_MAX
#define NETMSG_JSON_MAX (1024 * 1024)	/* a policy, a result, a report */
#define NETMSG_HASH_MAX 64		/* SHA-256 or SHA-384 digests */
#define NETMSG_SIG_MAX 160		/* a DER ECDSA signature */
#define NETMSG_HOST_MAX 253		/* a DNS name (TLS_HOST_MAX) */
#define NETMSG_ADDRS_MAX 4		/* addresses in a RESOLVED */
/* LwM2M (docs/privsep.md, "The LwM2M binding") */
#define NETMSG_LW_ENDPOINT_MAX 64	/* LWM2M_ENDPOINT_MAX */
#define NETMSG_LW_SECURITY_MAX (256 * 1024)	/* Security, as stored */
#define NETMSG_LW_SERVER_MAX (16 * 1024)	/* Server, as stored */
#define NETMSG_LW_WHY_MAX 511		/* a status line */
#define NETMSG_LW_ERRORS_MAX 4095	/* the policy engine's lines */
#define NETMSG_LW_URI_MAX 255		/* LWM2M_URI_MAX */
#define NETMSG_LW_LOCATION_MAX 128	/* LWM2M_LOCATION_MAX */
#define NETMSG_LW_TEXT_MAX 127		/* identity, mode, fact strings */
#define NETMSG_LW_APPS_MAX 64		/* LWM2M_INSTANCES_MAX: object 9 */
#define NETMSG_LW_OBSERVATIONS_MAX 100000

enum netmsg_type {
	/* parent -> network process */
	NETMSG_CONNECT = 1,	/* sets up transport conn */
	NETMSG_CLOSE,		/* closes transport conn */
	NETMSG_ENROLL,
	NETMSG_FETCH_POLICY,
	NETMSG_PUSH_REPORTS,
	NETMSG_RECEIVE_COMMANDS,
	NETMSG_SEND_RESULT,
	NETMSG_RENEW,
	NETMSG_UNENROLL,
	NETMSG_SIGNATURE,	/* answers a SIGN request (same id) */
	NETMSG_RESOLVED,	/* answers a RESOLVE request (same id) */
	NETMSG_LWM2M_START,	/* runs the LwM2M client */
	NETMSG_LWM2M_STATE,	/* what the objects show of the device */
	NETMSG_LWM2M_STOP,	/* de-register, then LWM2M_STOPPED */
	NETMSG_LWM2M_APPLIED,	/* answers LWM2M_APPLY_POLICY (same id) */
	NETMSG_LWM2M_DONE,	/* answers LWM2M_WIPE, _LOCK, _APP, _OS_UPDATE */
	/* network process -> parent: replies carry the request's id */
	NETMSG_R_STATUS = 64,	/* status only: errors, result, unenroll */
	NETMSG_R_ENROLL,
	NETMSG_R_POLICY,
	NETMSG_R_REPORTS,
	NETMSG_R_COMMANDS,
	NETMSG_R_CERTIFICATE,
	NETMSG_SIGN,		/* sign a TLS handshake digest */
	NETMSG_RESOLVE,		/* resolve a server's host name */
	NETMSG_LWM2M_APPLY_POLICY,	/* a policy the server wrote */
	NETMSG_LWM2M_REBOOT,
	NETMSG_LWM2M_WIPE,
	NETMSG_LWM2M_LOCK,
	NETMSG_LWM2M_SAVE,	/* Security and Server to store */
	NETMSG_LWM2M_REGISTERED,
	NETMSG_LWM2M_STATUS,	/* the client's state for status */
	NETMSG_LWM2M_STOPPED,	/* answers LWM2M_STOP */
	NETMSG_LWM2M_APP,	/* install or remove an application */
	NETMSG_LWM2M_OS_UPDATE,	/* run the OS-update hook on a package URI */
};

/* LWM2M_STATE: what the LwM2M objects show of the device (the facts
 * they read, the identity, the mode, the last compliance evaluation). */
struct netmsg_lwm2m_state {
	char mode[NETMSG_LW_TEXT_MAX + 1];
	char manufacturer[NETMSG_LW_TEXT_MAX + 1];
	char model[NETMSG_LW_TEXT_MAX + 1];
	char serial[NETMSG_LW_TEXT_MAX + 1];
	struct hal_facts facts;
	/* struct lwm2m_compliance's fields */
	bool valid, compliant;
	char verdict[24];
	int64_t policy_version, changed_at;
	char posture[32];
	struct netmsg_lwm2m_detail {
		char setting[64];
		char field_path[96];
		char reason[40];
		char specific[64];
		char current[128];
	} detail[128];
	size_t ndetails;
	/* Object 9: the applications the HAL lists (installed ones and the
	 * ones warden blocks), sorted by package name, each name once. */
	struct hal_app apps[NETMSG_LW_APPS_MAX];
	size_t napps;
};

/*
 * A parsed message. Strings point into `payload` (owned here) and are
 * NUL-terminated; arrays are malloc'd. netmsg_clear() frees everything.
 */
struct netmsg {
	enum netmsg_type type;
	uint32_t conn, id;
	uint8_t *payload;
	size_t payload_len;
	/* CONNECT */
	const char *url;
	uint8_t pin[CRYPTO_SHA256_LEN];
	const char *ca_pem, *device_id, *cert_pem;	/* each may be NULL */
	bool mtls;		/* the device key signs (SIGN requests) */
	/* ENROLL */
	struct transport_enrollment enrollment;
	/* FETCH_POLICY (etag), RECEIVE_COMMANDS (wait), SEND_RESULT
	 * (command_id, result), RENEW (csr) */
	const char *etag;
	int wait;
	const char *command_id, *result, *csr;
	/* PUSH_REPORTS */
	struct transport_item *items;
	size_t nitems;
	/* SIGN (md: MBEDTLS_MD_SHA256 or _SHA384) and SIGNATURE (status 0
	 * and the signature, or -1 and none) */
	int md, sign_status;
	uint8_t hash[NETMSG_HASH_MAX];
	size_t hash_len;
	uint8_t sig[NETMSG_SIG_MAX];
	size_t sig_len;
	/* RESOLVE (host, port) and RESOLVED (status 0 and 1 ..
	 * NETMSG_ADDRS_MAX IPv4 (4 bytes) or IPv6 (16) addresses, or -1,
	 * none and why) */
	const char *host;
	int port;
	int resolve_status;
	const char *resolve_why;
	uint8_t addrs[NETMSG_ADDRS_MAX][16];
	size_t addr_len[NETMSG_ADDRS_MAX];
	size_t naddrs;
	/* LWM2M_START: endpoint, allow_nosec, security and server (the
	 * store's JSON texts; security holds the PSK), policy (NULL: none).
	 * LWM2M_APPLY_POLICY: policy. LWM2M_SAVE: security, server.
	 * LWM2M_APPLIED: lw_status 0 or -1 with lw_why (the engine's
	 * lines). LWM2M_DONE: lw_rc (0 or a negative errno).
	 * LWM2M_REBOOT, LWM2M_WIPE (profile), LWM2M_LOCK (profile): lw_why.
	 * LWM2M_APP: app_remove (false: install), package.
	 * LWM2M_OS_UPDATE: uri (http:// or https://).
	 * LWM2M_REGISTERED: uri, location. LWM2M_STATUS: lw_why (NULL:
	 * all is well), contact, location (NULL: not registered),
	 * observations. LWM2M_STATE: state (malloc'd). */
	const char *endpoint, *security, *server, *policy, *lw_why;
	const char *uri, *location;
	const char *package;
	bool allow_nosec, profile, contact, app_remove;
	int lw_status, lw_rc;
	int64_t observations;
	struct netmsg_lwm2m_state *state;
	/* Replies: the transport_reply to hand on; its pointers point into
	 * this message (accepted and commands are malloc'd arrays). */
	struct transport_reply reply;
	char **accepted;
	struct transport_command *commands;
};

/* A growing output buffer for one or more messages. */
struct netmsg_buf {
	uint8_t *data;
	size_t len, cap;
	size_t start;		/* of the message being built */
	bool failed;		/* out of memory, or a field too long */
};

/* netmsg.c */
/*
 * Parses one whole message, len bytes at buf (header and payload).
 * Returns 0 and fills *m (netmsg_clear() it), or -1 with "what: reason"
 * in why and *m cleared. Never trusts a byte of buf.
 */
int netmsg_parse(const uint8_t *buf, size_t len, struct netmsg *m,
    char *why, size_t whylen);
/* Frees what m holds and zeroes it; NULL-safe. */
void netmsg_clear(struct netmsg *m);
/*
 * Looks at the header at buf (len >= NETMSG_HDR_LEN): the whole
 * message's length into *total. Returns -1 (with why) when the header
 * cannot be valid (version, length over the bound): the stream cannot
 * be resynchronised and the peer must be dropped.
 */
int netmsg_frame(const uint8_t *buf, size_t len, size_t *total, char *why,
    size_t whylen);
/* The type's name for logs ("CONNECT", ...; "?" if unknown). */
const char *netmsg_type_name(int type);

/* netmsg_build.c: encoders. Each appends one message to b (b->failed
 * on out of memory or a value over its bound: nothing valid to send);
 * netmsg_buf_free() releases b's memory. */
void netmsg_buf_free(struct netmsg_buf *b);
/* Appends n raw bytes (whole messages built elsewhere). */
void netmsg_buf_append(struct netmsg_buf *b, const void *p, size_t n);
void netmsg_begin(struct netmsg_buf *b, enum netmsg_type type, uint32_t conn,
    uint32_t id);
void netmsg_put_int(struct netmsg_buf *b, int64_t v);
/* s NULL: the absent string. */
void netmsg_put_str(struct netmsg_buf *b, const char *s);
void netmsg_put_bytes(struct netmsg_buf *b, const void *p, size_t n);
void netmsg_end(struct netmsg_buf *b);
/*
 * A reply message for the request of type req (ENROLL, FETCH_POLICY,
 * ...) from the binding's reply r: R_STATUS when r is not OK (or the
 * request has no data), else the typed reply.
 */
void netmsg_put_reply(struct netmsg_buf *b, enum netmsg_type req,
    uint32_t conn, uint32_t id, const struct transport_reply *r);
/* LWM2M_STATE from st (fixed fields: "" is sent as absent). */
void netmsg_put_lwm2m_state(struct netmsg_buf *b,
    const struct netmsg_lwm2m_state *st);

#endif /* WARDEN_NETMSG_H */
