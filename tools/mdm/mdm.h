/*
 * mdm.h - wardenmdm's private program header: the reference MDM server of
 * the HTTPS binding (docs/protocol/README.md) and its admin CLI. The
 * structs and prototypes shared by the tools/mdm/ files, grouped by file.
 *
 * Conventions: functions return 0 on success and -1 on failure unless
 * stated otherwise; those taking (char *err, size_t errlen) write one
 * line there (NUL-terminated, err may not be NULL). Buffers returned
 * through pointers are malloc'd and owned by the caller. Nothing here
 * exits the process except main() and the command functions' callers.
 */
#ifndef WARDEN_MDM_H
#define WARDEN_MDM_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <uv.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

#include "crypto/crypto.h"

#include "tools/mdm/mdm_limits.h"

/* ------------------------------------------------------------------ */
/* mdm_log.c: logging to stderr                                        */
/* ------------------------------------------------------------------ */

enum mdm_log_level { MDM_LOG_WARN = 0, MDM_LOG_INFO, MDM_LOG_DEBUG };

/* Sets the level (messages above it are dropped). Call before threads. */
void mdm_log_init(int level);
/* One line on stderr, "HH:MM:SS.mmm wardenmdm: ...". Thread-safe. The
 * _warn variant appends strerror(errno). */
void mdm_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mdm_log_warnx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
void mdm_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mdm_log_debug(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------------ */
/* mdm_json.c: strict JSON input, times and durations                   */
/* ------------------------------------------------------------------ */

/* Prints a tree as indented JSON on stdout and deletes it (NULL-safe):
 * 0, or -1 when it could not be printed. */
int mdm_print_json(cJSON *root);
/* Removes every "--json" from argv (argc updated); true when one was
 * there: the command then prints its result as JSON. */
bool mdm_take_json_flag(int *argc, char **argv);

/* True when len bytes at s are well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) without a NUL byte. */
bool mdm_utf8_valid(const char *s, size_t len);

/*
 * Parses a JSON text from outside: len bytes at buf (no NUL needed, at
 * most MDM_BODY_MAX), UTF-8 without NUL bytes, exactly one value with
 * only whitespace around it, no object with two members of one name
 * anywhere. On success *out owns the tree (cJSON_Delete). err receives
 * e.g. "not valid JSON (near byte 12)".
 */
int mdm_json_parse(const char *buf, size_t len, cJSON **out, char *err,
    size_t errlen);

/*
 * Refuses members of obj not listed in allowed (NULL-terminated): err
 * receives "<where>.<name>: unknown field" (where may be "").
 */
int mdm_json_only(const cJSON *obj, const char *const *allowed,
    const char *where, char *err, size_t errlen);

/* The serialized tree as a malloc'd string (unformatted), or NULL. */
char *mdm_json_print(const cJSON *v);

/* t as RFC 3339 UTC, "2024-05-01T12:00:00Z". */
void mdm_time_format(time_t t, char out[MDM_TIME_LEN]);

/*
 * Parses a duration as AMAPI writes it ("600s") or plain seconds ("600"):
 * an integer 1 .. MDM_DURATION_MAX.
 */
int mdm_duration_parse(const char *s, int64_t *secs);

/*
 * A policy version as text for the ETag: an integer number 0 .. 2^53 is
 * written in decimal; a string must be 1 .. MDM_VERSION_MAX characters of
 * [A-Za-z0-9._-]. v NULL (absent) gives "0". err names "version".
 */
int mdm_policy_version(const cJSON *v, char out[MDM_VERSION_MAX + 1],
    char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* mdm_http.c: HTTP/1.1 request heads (RFC 9112), bounded and strict    */
/* ------------------------------------------------------------------ */

#define MDM_HTTP_HEAD_MAX 16384	/* request line + headers + CRLF CRLF */
#define MDM_HTTP_TARGET_MAX 2048	/* the request target */
#define MDM_HTTP_HEADERS_MAX 64	/* header fields */
#define MDM_HTTP_ETAGS_MAX 512	/* the If-None-Match value */
#define MDM_HTTP_CTYPE_MAX 128	/* the Content-Type value */
#define MDM_HTTP_HOST_MAX 255	/* the Host value */
#define MDM_HTTP_ORIGIN_MAX 300	/* the Origin value */
#define MDM_HTTP_COOKIE_MAX 64	/* the console's session cookie value */
#define MDM_HTTP_CSRF_MAX 64	/* the X-CSRF-Token value */
#define MDM_HTTP_FETCH_MAX 32	/* the Sec-Fetch-Site value */
#define MDM_SESSION_COOKIE "wardenmdm_session"	/* the console's cookie */

enum mdm_http_method {
	MDM_HTTP_GET = 0,
	MDM_HTTP_HEAD,
	MDM_HTTP_POST,
	MDM_HTTP_DELETE,
};

/* A parsed request head. Fixed size, no pointers. */
struct mdm_http_req {
	enum mdm_http_method method;
	char path[MDM_HTTP_TARGET_MAX + 1];	/* before '?' */
	char query[MDM_HTTP_TARGET_MAX + 1];	/* after '?', "" when none */
	int minor;			/* HTTP/1.<minor>: 0 or 1 */
	bool keep_alive;		/* the connection may carry another */
	bool has_length;
	size_t content_length;		/* <= MDM_BODY_MAX */
	bool expect_continue;		/* "Expect: 100-continue" */
	bool has_if_none_match;
	char if_none_match[MDM_HTTP_ETAGS_MAX + 1];
	char content_type[MDM_HTTP_CTYPE_MAX + 1];	/* "" when absent */
	char host[MDM_HTTP_HOST_MAX + 1];		/* "" when absent */
	char origin[MDM_HTTP_ORIGIN_MAX + 1];		/* "" when absent */
	char fetch_site[MDM_HTTP_FETCH_MAX + 1];	/* Sec-Fetch-Site */
	char csrf[MDM_HTTP_CSRF_MAX + 1];		/* X-CSRF-Token */
	/* The value of the cookie MDM_SESSION_COOKIE (other cookies are
	 * ignored): "" when absent; session_bad when it was given twice or
	 * longer than MDM_HTTP_COOKIE_MAX. */
	char session[MDM_HTTP_COOKIE_MAX + 1];
	bool session_bad;
	size_t head_len;		/* bytes of the head, CRLF CRLF included */
};

/* What mdm_http_parse() found. */
enum mdm_http_parse_result {
	MDM_HTTP_PARSED = 0,	/* a complete, valid head: req is filled */
	MDM_HTTP_PARTIAL,	/* valid so far: read more, parse again */
	MDM_HTTP_BAD,		/* *status (400, 411, 413, 414, 417, 431,
				   501, 505) and a reason in err */
};

/*
 * Parses the request head at the start of buf (len bytes received so
 * far; no NUL needed). Empty lines before the request line are skipped.
 * Strict: CRLF line ends, token method, origin-form target of printable
 * ASCII without '%', '#' or '\', HTTP/1.0 or 1.1, header names of token
 * characters with no space before the colon, no obsolete line folding,
 * no control characters in values, Host required in HTTP/1.1, at most
 * MDM_HTTP_HEADERS_MAX fields and MDM_HTTP_HEAD_MAX bytes. Bodies: only
 * Content-Length (digits, at most MDM_BODY_MAX: else 413; repeated: 400),
 * any Transfer-Encoding is refused with 411, a POST without a length
 * gets 411. Never blocks, never allocates; the whole of buf is examined
 * every time (it is bounded), so the caller may call it after each read.
 */
enum mdm_http_parse_result mdm_http_parse(const char *buf, size_t len,
    struct mdm_http_req *req, int *status, char *err, size_t errlen);

/* The reason phrase of a status code ("Not Found"); "Unknown" otherwise. */
const char *mdm_http_reason(int status);

/* The method's name ("GET"). */
const char *mdm_http_method_name(enum mdm_http_method m);

/*
 * Looks up name in a query string ("a=1&b=2") whose parameters must all
 * be listed in allowed (NULL-terminated), each given at most once with a
 * value of [A-Za-z0-9._-]. Returns 1 and copies the value to val (cap
 * bytes) when present, 0 when absent, -1 with a reason in err.
 */
int mdm_http_query_get(const char *query, const char *const *allowed,
    const char *name, char *val, size_t cap, char *err, size_t errlen);

/*
 * True when an If-None-Match value matches the entity tag etag (given
 * without quotes): "*", or a list of "tag" / W/"tag" compared weakly.
 */
bool mdm_http_etag_match(const char *if_none_match, const char *etag);

/* mdm_store*.c: the database (tools/mdm/mdm_store.h) */
#include "tools/mdm/mdm_store.h"

/* ------------------------------------------------------------------ */
/* mdm_notify.c: "a command was queued", across processes               */
/* ------------------------------------------------------------------ */

/*
 * The admin CLI queues a command in the database, then rewrites
 * DIR/notify; the server watches DIR with inotify (the loop polls the
 * descriptor) and wakes every parked long poll, which reads the database
 * again. When inotify is unavailable the server re-reads the database for
 * its parked long polls every MDM_NOTIFY_FALLBACK_MS instead.
 */
#define MDM_NOTIFY_FALLBACK_MS 100

struct mdm_notify {
	uint64_t gen;		/* bumped on every notification */
	int fd;			/* inotify, -1 in fallback mode */
};

/* Sets n up, watching dir. Never fails: without a watch n is in
 * fallback mode (logged). */
void mdm_notify_init(struct mdm_notify *n, const char *dir);
/* Releases n. */
void mdm_notify_free(struct mdm_notify *n);
/* The descriptor the loop polls for input, or -1 (fallback). */
int mdm_notify_fd(const struct mdm_notify *n);
/* Reads the pending inotify events; true (and the generation bumped)
 * when one was about the notify file. Never blocks. */
bool mdm_notify_drain(struct mdm_notify *n);
/* The current generation. */
uint64_t mdm_notify_gen(const struct mdm_notify *n);
/* The CLI side: rewrites DIR/notify. Failure is harmless (logged). */
void mdm_notify_touch(const char *dir);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t mdm_now_ms(void);

/* ------------------------------------------------------------------ */
/* mdm_ca.c: the server's CA and certificates                           */
/* ------------------------------------------------------------------ */

/* Extra subjectAltName entries for a new server certificate. */
#define MDM_SAN_EXTRA_MAX 8

/*
 * The CA, its key, the TLS server certificate and the command signing
 * key, in DIR: seal.key (32 random bytes, 0600) seals ca.key, server.key
 * and command.key (0600); ca.pem and server.pem are public. Created on first use under a lock file, so the
 * server and the CLI may race for it. issue() is serialized by mu; the
 * rest is read-only after mdm_ca_open().
 */
struct mdm_ca {
	char dir[PATH_MAX];
	uint8_t seal_key[CRYPTO_SEAL_KEY_LEN];	/* secret */
	struct crypto_eckey *key;	/* the CA's key pair */
	mbedtls_x509_crt crt;		/* the CA certificate */
	char *ca_pem;			/* the CA certificate as PEM */
	uint8_t pin[CRYPTO_SHA256_LEN];	/* SHA-256 of the CA's DER */
	struct crypto_eckey *command_key;	/* signs commands */
	char *command_key_pem;	/* its public half (SubjectPublicKeyInfo) */
	pthread_mutex_t mu;
};

/*
 * Loads the CA from dir, first creating it and a server certificate
 * (SAN DNS:localhost, DNS:127.0.0.1, IP:127.0.0.1 and the extra entries,
 * "DNS:name" / "IP:addr", NULL-terminated, may be NULL) when dir holds
 * none. rng is used for creation only. On failure nothing is left to
 * release; on success release with mdm_ca_close().
 */
int mdm_ca_open(struct mdm_ca *ca, const char *dir, struct crypto_rng *rng,
    const char *const *san_extra, char *err, size_t errlen);
/* Zeroises and frees. */
void mdm_ca_close(struct mdm_ca *ca);

/*
 * Issues a client certificate for pub, the public key of a request the
 * caller has checked with crypto_csr_check() (its signature is not
 * verified again), with subject CN=cn, valid for days days from a
 * minute ago. *pem is malloc'd; *cert describes it. Thread-safe.
 */
int mdm_ca_issue_client(struct mdm_ca *ca, struct crypto_rng *rng,
    struct crypto_eckey *pub, const char *cn, int days, char **pem,
    struct mdm_cert *cert, char *err, size_t errlen);

/*
 * The TLS server's own key and certificate chain (server certificate,
 * then the CA), loaded from DIR for the server's TLS configuration
 * (mdm_tls_conf_init). *key and chain are the caller's.
 */
int mdm_ca_server_creds(const struct mdm_ca *ca,
    struct crypto_eckey **key, mbedtls_x509_crt *chain, char *err,
    size_t errlen);

/* ------------------------------------------------------------------ */
/* mdm_tls.c: TLS on non-blocking sockets                               */
/* ------------------------------------------------------------------ */

#define MDM_TLS_TICKET_SECONDS 3600	/* a session ticket's lifetime */

/* What a TLS call needs before it can progress (negative, and never the
 * -1 of a failure or a byte count). */
#define MDM_TLS_WANT_READ (-2)
#define MDM_TLS_WANT_WRITE (-3)

/* The client certificate's state after the handshake. */
enum mdm_peer {
	MDM_PEER_NONE = 0,	/* no certificate presented */
	MDM_PEER_VERIFIED,	/* chains to the CA, clientAuth usage */
	MDM_PEER_INVALID,	/* presented but refused (peer_error) */
};

/* What every connection shares: the server's key and chain (then the CA,
 * which also verifies client certificates) and the session ticket key. */
struct mdm_tls_conf {
	mbedtls_ssl_config conf;
	mbedtls_x509_crt chain;
	struct crypto_eckey *key;
	mbedtls_ssl_ticket_context ticket;
};

/*
 * Loads the server's credentials from ca and sets c up: TLS 1.2+, a
 * client certificate asked for but not required, session resumption by
 * tickets. On failure nothing is left to release.
 */
int mdm_tls_conf_init(struct mdm_tls_conf *c, const struct mdm_ca *ca,
    struct crypto_rng *rng, char *err, size_t errlen);
/* Releases c (after every connection using it is closed). */
void mdm_tls_conf_free(struct mdm_tls_conf *c);

struct mdm_tls {
	int fd;
	mbedtls_ssl_context ssl;
	enum mdm_peer peer;
	char peer_cn[CRYPTO_CN_MAX + 1];
	uint8_t peer_fp[CRYPTO_SHA256_LEN];
	char peer_error[MDM_ERR_MAX];
};

/*
 * Sets up a server-side TLS context on the accepted socket fd (made
 * non-blocking; it stays the caller's) with the shared configuration c,
 * which must outlive t. On failure t needs no release.
 */
int mdm_tls_start(struct mdm_tls *t, int fd, const struct mdm_tls_conf *c,
    char *err, size_t errlen);
/*
 * Advances the handshake: 0 when complete (t->peer and friends are set),
 * MDM_TLS_WANT_READ / MDM_TLS_WANT_WRITE to be called again when the
 * socket is ready so, -1 on failure (err). Never blocks.
 */
int mdm_tls_handshake(struct mdm_tls *t, char *err, size_t errlen);
/* Reads at most cap bytes: > 0 bytes read, 0 the peer closed, a
 * MDM_TLS_WANT_*, or -1 on error. Never blocks. */
ssize_t mdm_tls_read(struct mdm_tls *t, void *buf, size_t cap);
/* Writes at most len bytes: > 0 bytes taken, a MDM_TLS_WANT_* (call again
 * with the same buffer), or -1 on error. Never blocks. */
ssize_t mdm_tls_write(struct mdm_tls *t, const void *buf, size_t len);
/*
 * The connection waits (a parked long poll): when nothing is buffered
 * either way, the pages of its 16 KiB record buffers that the next
 * record will overwrite are given back to the kernel, so an idle
 * connection costs a page or two of them instead of eight. Touches
 * mbedTLS 2.28's context fields; never blocks.
 */
void mdm_tls_idle(struct mdm_tls *t);
/* Sends close_notify when notify (one non-blocking attempt) and frees t
 * (not the socket). */
void mdm_tls_close(struct mdm_tls *t, bool notify);

/* ------------------------------------------------------------------ */
/* mdm_console.c, mdm_console_auth.c, mdm_console_api.c: admin console  */
/* ------------------------------------------------------------------ */

#define MDM_CONSOLE_PREFIX "/console"
#ifndef MDM_CONSOLE_DIR_DEFAULT	/* the Makefile's $(MDM_CONSOLE_DIR) */
#define MDM_CONSOLE_DIR_DEFAULT "/usr/local/share/wardenmdm/console"
#endif
#define MDM_CONSOLE_ASSET_MAX (512 * 1024)	/* one static file */
#define MDM_SESSIONS_MAX 32		/* open console sessions */
#define MDM_SESSION_TEXT 43		/* a cookie or CSRF token: base64url
					   of 32 random bytes */
#define MDM_SESSION_IDLE 900		/* default idle timeout, seconds */
#define MDM_SESSION_LIFETIME (12 * 3600)	/* however active */
#define MDM_LOGIN_TTL 300		/* a login link's lifetime, at most */

/* One static file of the console, read at start. */
struct mdm_asset {
	const char *name;		/* "console.js" */
	const char *ctype;		/* its Content-Type */
	char *body;
	size_t len;
};

/* A console session (the cookie itself is not kept). */
struct mdm_session {
	bool used;
	uint8_t id_hash[CRYPTO_SHA256_LEN];	/* SHA-256 of the cookie */
	char csrf[MDM_SESSION_TEXT + 1];
	int64_t created_ms, last_ms;		/* mdm_now_ms() */
};

/* The console's state in the server (its loop's alone). */
struct mdm_console {
	struct mdm_asset assets[3];
	size_t nassets;			/* 0: no console (logged) */
	struct mdm_session sessions[MDM_SESSIONS_MAX];
	int idle_seconds;
	int64_t pw_next_ms;		/* no password try before */
	int pw_failures;
};

/* ------------------------------------------------------------------ */
/* mdm_serve.c, mdm_conn.c, mdm_route.c, mdm_api.c, mdm_enroll.c         */
/* ------------------------------------------------------------------ */

struct mdm_conn;
struct mdm_db_listen;

/* The server: one per process, its one loop's. */
struct mdm_server {
	char dir[PATH_MAX];
	struct mdm_store *store;
	struct mdm_ca ca;
	struct mdm_tls_conf tls;
	struct mdm_notify notify;
	struct mdm_db_listen *db_listen;	/* PostgreSQL: LISTEN, NULL
						   with SQLite */
	struct crypto_rng *rng;
	int cert_days;
	int poll_timeout;
	bool command_signing;	/* commandKey at enrollment, signatures */
	char fault_file[PATH_MAX];	/* --inject-faults; "" for none */
	int listen_fd;
	uv_loop_t *loop;
	struct mdm_conn *conns;		/* open connections (mdm_conn.c) */
	struct mdm_conn *parked;	/* long polls waiting (mdm_conn.c) */
	struct mdm_conn *held;		/* responses waiting for the group
					   commit (mdm_conn.c) */
	int nconns;
	int nparked;
	int max_conns;			/* from RLIMIT_NOFILE */
	int handshakes;			/* connections still in theirs */
	uv_poll_t *listen;		/* paused while handshakes are at
					   MDM_HANDSHAKES_MAX */
	bool accept_paused;
	bool stopping;
	struct mdm_console console;
};

/* A response being built by a handler. */
struct mdm_resp {
	int status;
	char *body;		/* malloc'd JSON text, NULL for none */
	size_t len;
	char etag[MDM_VERSION_MAX + 1];	/* "" for none (unquoted) */
	const char *allow;	/* Allow header for 405, or NULL */
	const char *ctype;	/* Content-Type; NULL: application/json */
	/* More header lines, each ending in CRLF (Set-Cookie, Location,
	 * the console's security headers); "" for none. */
	char headers[1024];
	bool close;		/* close the connection afterwards */
	bool drop;		/* close the connection without an answer
				   (fault injection) */
	bool park;		/* no answer yet: call the handler again on
				   the next notification or at
				   call->wait_until */
	char park_device[MDM_ID_MAX + 1];	/* with park: the device
						   whose news ends the wait */
};

/* What a handler sees of the request. */
struct mdm_call {
	struct mdm_server *srv;
	const struct mdm_http_req *req;
	const char *body;	/* NUL-terminated copy, len bytes */
	size_t len;
	const struct mdm_tls *tls;	/* the peer's identity */
	const char *device;	/* {id} of a /v1/devices/{id} path */
	const char *command;	/* {cmd} of a .../commands/{cmd}/result */
	int64_t wait_until;	/* a long poll's deadline (mdm_now_ms()):
				   0 on its first call, then what the handler
				   set, kept while the request is parked */
};

/* mdm_fault.c: fault injection for tests (serve --inject-faults FILE).
 * Each returns 1 with resp set to an error when the fault in FILE refuses
 * this batch of reports (the request's "reports" array) or this command
 * result (its body), and 0 to serve the request normally. */
int mdm_fault_reports(const struct mdm_server *srv, const cJSON *reports,
    struct mdm_resp *resp);
int mdm_fault_result(const struct mdm_server *srv, const cJSON *result,
    struct mdm_resp *resp);
/* Returns 1 with resp->drop set when the fault in FILE is
 * "lose-enrollment": the enrollment just stored (or answered again) is
 * not answered; 0 otherwise. */
int mdm_fault_enrollment(const struct mdm_server *srv,
    struct mdm_resp *resp);

/* mdm_serve.c */
/* `wardenmdm serve`: argv after the command word. Returns an exit code. */
int mdm_cmd_serve(const char *dir, int argc, char **argv);

/* mdm_conn.c: one connection's state machine on the server's loop */
/*
 * Takes the accepted socket fd (closed by mdm_conn.c from now on) and
 * starts its TLS handshake; peer names it in the log. Then requests on
 * the kept-alive connection, each bounded in size and time (handshake,
 * idle, head, body and write deadlines); a long poll is parked until a
 * notification or its deadline. Never blocks.
 */
void mdm_conn_accept(struct mdm_server *srv, int fd, const char *peer);
/* Calls the handler of the parked long polls again (a notification:
 * something may be waiting for them in the database): of those whose
 * device has a command due, or of all of them when few are parked, the
 * database cannot say, or the server is stopping. */
void mdm_conn_wake(struct mdm_server *srv);
/* Server stopping (srv->stopping set): parked long polls are answered at
 * once, idle connections closed, the rest end after their response. */
void mdm_conn_stop(struct mdm_server *srv);
/* Closes every connection at once (the stop's grace is over). */
void mdm_conn_close_all(struct mdm_server *srv);
/*
 * The group commit, once per loop turn after the I/O callbacks: commits
 * what the turn's handlers wrote (mdm_store_batch_commit, one sync of
 * the log for all of them), then sends the responses that waited for it,
 * or 500 in their place when the commit failed. Blocks on the disk.
 */
void mdm_conn_commit(struct mdm_server *srv);

/* mdm_serve.c: a connection left its handshake (done or closed); the
 * listener resumes accepting when it had paused for the crowd. */
void mdm_serve_handshake_done(struct mdm_server *srv);

/* mdm_route.c */
/* Dispatches one request to its handler; fills resp. */
void mdm_route(struct mdm_call *call, struct mdm_resp *resp);
/*
 * Fills resp with Google's error shape for status: {"error": {"code",
 * "status", "message"}}. The message is printf-formatted.
 */
void mdm_resp_error(struct mdm_resp *resp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Fills resp with status and the tree's text; deletes the tree. */
void mdm_resp_json(struct mdm_resp *resp, int status, cJSON *body);
/* Parses the call's body as a JSON object; on failure fills resp (400). */
cJSON *mdm_call_object(struct mdm_call *call, struct mdm_resp *resp);

/* mdm_console.c */
/*
 * Reads the console's files (index.html, console.css, console.js) from
 * dir into c; on failure c has none and the console answers 503
 * (logged), the device API is not affected.
 */
void mdm_console_load(struct mdm_console *c, const char *dir);
/* Frees the files. */
void mdm_console_free(struct mdm_console *c);
/*
 * Every request under MDM_CONSOLE_PREFIX: refused to a peer that shows a
 * client certificate (the console is not for devices), the static files,
 * the login link, then the JSON admin API behind a session and, for
 * every state-changing request, its CSRF token. Adds the security
 * headers (Content-Security-Policy and friends) to every answer.
 */
void mdm_console_route(struct mdm_call *call, struct mdm_resp *resp);

/* mdm_console_auth.c */
#define MDM_PW_TEXT_MIN 12		/* an admin password's length */
#define MDM_PW_TEXT_MAX 256
/* A new secret (login link, cookie, CSRF token): base64url of 32 random
 * bytes, MDM_SESSION_TEXT characters. */
int mdm_console_secret(struct crypto_rng *rng,
    char out[MDM_SESSION_TEXT + 1]);
/* PBKDF2-HMAC-SHA256 of a password. Blocks on the CPU (by design). */
int mdm_console_pw_hash(const char *password, size_t len,
    const uint8_t salt[MDM_PW_SALT_LEN], unsigned iterations,
    uint8_t out[MDM_PW_HASH_LEN]);
/* Opens a session: the cookie's text in cookie (a secret). */
int mdm_console_session_new(struct mdm_console *c, struct crypto_rng *rng,
    int64_t now_ms, char cookie[MDM_SESSION_TEXT + 1]);
/* True while s has neither idled out nor outlived its lifetime. */
bool mdm_console_session_live(const struct mdm_console *c,
    const struct mdm_session *s, int64_t now_ms);
/* The live session of a cookie (its idle clock restarted), or NULL. */
struct mdm_session *mdm_console_session_find(struct mdm_console *c,
    const char *cookie, int64_t now_ms);
/* Ends s. */
void mdm_console_session_end(struct mdm_session *s);
/*
 * Checks the admin password (rate-limited): 0, or -1 with the status
 * (401, 429, 500) and a reason. Blocks on the CPU for the hash.
 */
int mdm_console_password_check(struct mdm_server *srv,
    const char *password, int64_t now_ms, int *status, char *err,
    size_t errlen);
/* mdm_console_admin.c: `wardenmdm admin login-url|passwd`: argv from
 * "admin". Returns an exit code. */
int mdm_cmd_console_admin(const char *dir, int argc, char **argv);

/* mdm_console_api.c: the JSON admin API under /console/api/ (a live
 * session and, for POST, its CSRF token already checked); path is what
 * follows "/console/api/". */
void mdm_console_api(struct mdm_call *call, struct mdm_resp *resp,
    const char *path);

/* mdm_qr.c */
/*
 * The QR code of text as rows of '1' (dark) and '0' characters, no quiet
 * zone: *size rows of *size, in *rows (malloc'd, size * size bytes and a
 * NUL; holds the token: crypto_free_secret).
 */
int mdm_qr_matrix(const char *text, int *size, char **rows, char *err,
    size_t errlen);

/* mdm_api.c: the device routes (mutual TLS already checked) */
void mdm_api_policy(struct mdm_call *call, struct mdm_resp *resp);
void mdm_api_reports(struct mdm_call *call, struct mdm_resp *resp);
void mdm_api_commands(struct mdm_call *call, struct mdm_resp *resp);
void mdm_api_result(struct mdm_call *call, struct mdm_resp *resp);
void mdm_api_unenroll(struct mdm_call *call, struct mdm_resp *resp);

/* mdm_enroll.c */
/* A new id (device or command): MDM_HEXID_LEN random hex digits. */
int mdm_new_id(struct crypto_rng *rng, char out[MDM_HEXID_LEN + 1]);
/* POST /v1/enroll (no client certificate). */
void mdm_enroll(struct mdm_call *call, struct mdm_resp *resp);
/* POST /v1/devices/{id}/certificate. */
void mdm_enroll_renew(struct mdm_call *call, struct mdm_resp *resp);

/* ------------------------------------------------------------------ */
/* mdm_admin.c, mdm_token.c, mdm_qr.c: the admin CLI                    */
/* ------------------------------------------------------------------ */

/* mdm_main.c: prints the usage line on stderr, with a hint to --help. */
void mdm_usage(void);

/* `wardenmdm policy|devices|device|command|reports|results`: argv from
 * the command word. Returns an exit code. */
int mdm_cmd_admin(const char *dir, int argc, char **argv);

/* A command as `results --json` shows it: {"id", "type", "params",
 * "createTime", "durationSeconds", "deliveries", "signature"?, "status"?,
 * "errorCode"?, "result"?, "resultTime"?}. The caller owns the tree;
 * NULL when out of memory. */
cJSON *mdm_command_json(const struct mdm_command *c);

/* Opens DIR's existing database for an admin command; says why not on
 * stderr and returns NULL. */
struct mdm_store *mdm_admin_open_store(const char *dir);

/* mdm_devices.c: `wardenmdm devices [filters] [--json]` and `wardenmdm
 * summary [--json]`: argv from the command word. Returns an exit code. */
int mdm_cmd_devices(const char *dir, int argc, char **argv);
/* A device as `devices --json` shows it: {"id", "mode", "enrollTime",
 * "retired", "lastReportTime", "policyCompliant", "group"}, null for what
 * is unknown. The caller owns the tree; NULL when out of memory. */
cJSON *mdm_device_json(const struct mdm_device *d);

/* mdm_group.c: `wardenmdm group add|assign|unassign ...` and `wardenmdm
 * groups [--json]`: argv from the command word. Returns an exit code. */
int mdm_cmd_group(const char *dir, int argc, char **argv);

#define MDM_URL_MAX 512		/* a server URL given or written */

/* True when u is an https:// URL of printable ASCII, at most
 * MDM_URL_MAX bytes. */
bool mdm_url_ok(const char *u);
/* The URL `serve` last listened on (DIR/server.url), else the default's,
 * into url (cap bytes). Blocks on the file system. */
void mdm_server_url(const char *dir, char *url, size_t cap);

/* `wardenmdm token new ...`: argv from "token". Returns an exit code. */
int mdm_cmd_token(const char *dir, int argc, char **argv);

/* mdm_sign.c */
/*
 * Signs command c (id, device, type, params, created, duration) with key:
 * a compact JWS, header {"alg":"ES256","typ":MDM_COMMAND_TYP}, payload
 * {"deviceId","id","type","params","createTime","expireTime"} (Unix
 * seconds; expireTime is created + lifetime, lifetime 0 meaning
 * c->duration). *out is malloc'd. Blocks only on the CPU.
 */
int mdm_command_sign(struct crypto_rng *rng, const struct crypto_eckey *key,
    const struct mdm_command *c, int64_t lifetime, char **out, char *err,
    size_t errlen);

/* mdm_attest.c */
/* `wardenmdm attest-verify ...`: argv from "attest-verify"; dir may be
 * NULL (then only --cert works). Returns an exit code. */
int mdm_cmd_attest_verify(const char *dir, int argc, char **argv);
/* Keeps the certificate just issued to device id (PEM) as
 * DIR/certs/ID.pem for attest-verify --device; logs and returns -1 on
 * failure (the enrollment stands). Blocks on the file system. */
int mdm_attest_cert_save(const char *dir, const char *id, const char *pem);

/* The settings of a QR provisioning payload (borrowed strings). */
struct mdm_qr_settings {
	const char *server_url;
	const char *token;
	const char *mode;
	const uint8_t *pin;		/* CRYPTO_SHA256_LEN bytes */
	const char *wifi_ssid;		/* NULL: no Wi-Fi */
	const char *wifi_password;	/* NULL: an open network */
};

/*
 * Android's QR provisioning JSON for s: the admin component, the Wi-Fi
 * keys and the admin extras bundle with warden.SERVER_URL,
 * warden.BINDING ("rest"), warden.ENROLLMENT_TOKEN,
 * warden.SERVER_CERT_SHA256 (base64url of the pin, no padding) and
 * warden.MODE; compact, or indented when pretty. *out is malloc'd and
 * holds the token (a secret): crypto_free_secret(*out, strlen(*out)).
 */
int mdm_qr_payload(const struct mdm_qr_settings *s, bool pretty, char **out,
    char *err, size_t errlen);

/*
 * Renders text as a QR code into a PNG file (4-module quiet zone, scale
 * pixels per module, 1..32), written with mode 0600 (it holds a token).
 */
int mdm_qr_png(const char *text, const char *path, int scale, char *err,
    size_t errlen);

/*
 * Renders text as a QR code for a terminal on fp: two modules per
 * character cell with Unicode half blocks, dark modules as blanks so that
 * it reads on a dark background, a 4-module quiet zone, error correction
 * level L (a screen is not damaged). mdm_qr_term_width() is how many
 * columns it takes (or -1 with err when text does not fit a QR code).
 */
int mdm_qr_term(const char *text, FILE *fp, char *err, size_t errlen);
int mdm_qr_term_width(const char *text, char *err, size_t errlen);

#endif /* WARDEN_MDM_H */
