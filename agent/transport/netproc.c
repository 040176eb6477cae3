/*
 * netproc.c - wardend's network process: one libuv loop that runs the
 * `rest` binding (TLS, HTTP, the server's JSON) for the parent, in the
 * sandbox of netproc_sandbox.c and netproc_seccomp.c.
 *
 * It reads requests from the parent on NETPROC_FD, runs each through
 * transport_rest and writes the reply back. It holds no private key:
 * for mutual TLS its device key is a remote key (crypto.h) whose
 * signature it asks the parent for (SIGN, then it waits for SIGNATURE:
 * mbedTLS 2.28 signs synchronously inside the handshake, so this one
 * request blocks the loop, bounded by NETPROC_SIGN_MS). Messages read
 * while it waits stay in the input buffer and are handled afterwards.
 * At EOF on the socket (the parent is gone) it exits; so it does on the
 * parent's death (PR_SET_PDEATHSIG).
 */
#include <sys/prctl.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/transport/netproc.h"
#include "agent/transport/netmsg.h"
#include "agent/transport/rest/tls_stream.h"

struct pending {
	struct pending *next;
	struct conn *cc;
	uint32_t id;
	enum netmsg_type op;
};

struct conn {
	struct conn *next;
	uint32_t conn;
	struct transport *t;
	struct crypto_eckey *key;	/* remote: signs through the parent */
	char why[TRANSPORT_WHY_MAX - 64];	/* when t is NULL */
	struct pending *pending;
};

/* A name the parent resolves for a TLS stream (s) or another caller
 * (cb and arg). */
struct resolving {
	struct resolving *next;
	uint32_t id;
	uint16_t port;
	struct tls_stream *s;
	void (*cb)(void *arg, const struct sockaddr *sa, const char *why);
	void *arg;
};

struct child {
	uv_loop_t *loop;
	uv_poll_t poll;
	uv_timer_t drain;
	struct crypto_rng *rng;
	uint8_t *rbuf;
	size_t rlen;
	struct conn *conns;
	uint32_t next_sign;
	struct resolving *resolving;
	uint32_t next_resolve;
};

static struct child child;	/* the process's one top-level context */

static void __attribute__((noreturn))
leave(int status)
{
	/* No atexit work (leak checks, flushes) in a sandbox. */
	_exit(status);
}

/* Writes every byte, waiting for room; the parent always reads. */
static void
write_all(const uint8_t *p, size_t n)
{
	struct pollfd pfd;
	ssize_t w;

	while (n > 0) {
		w = write(NETPROC_FD, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			pfd.fd = NETPROC_FD;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, NETPROC_SIGN_MS) > 0)
				continue;
		}
		log_warnx("network process: cannot write to the parent");
		leave(1);
	}
}

void
netproc_send(struct netmsg_buf *b)
{
	if (b->failed) {
		log_warnx("network process: a message over its bounds");
		netmsg_buf_free(b);
		return;
	}
	write_all(b->data, b->len);
	netmsg_buf_free(b);
}

static void
send_status(uint32_t conn, uint32_t id, enum transport_status s,
    const char *why)
{
	struct transport_reply r;
	struct netmsg_buf b;

	memset(&r, 0, sizeof(r));
	memset(&b, 0, sizeof(b));
	r.status = s;
	snprintf(r.why, sizeof(r.why), "%s", why);
	netmsg_put_reply(&b, NETMSG_R_STATUS, conn, id, &r);
	netproc_send(&b);
}

/* Reads what is there (non-blocking); leaves at EOF. Returns bytes. */
static size_t
read_some(void)
{
	size_t max = NETMSG_HDR_LEN + NETMSG_PAYLOAD_MAX;
	ssize_t n;

	if (child.rlen >= max)
		return 0;
	n = read(NETPROC_FD, child.rbuf + child.rlen, max - child.rlen);
	if (n == 0)
		leave(0);	/* the parent is gone */
	if (n < 0)
		return 0;
	child.rlen += (size_t)n;
	return (size_t)n;
}

/* The total length of the message at off, 0 if incomplete; leaves on
 * a broken stream (only the parent writes to it). */
static size_t
frame_at(size_t off)
{
	size_t total;
	char why[128];

	if (child.rlen - off < NETMSG_HDR_LEN)
		return 0;
	if (netmsg_frame(child.rbuf + off, child.rlen - off, &total, why,
	    sizeof(why)) != 0) {
		log_warnx("network process: from the parent: %s", why);
		leave(1);
	}
	return child.rlen - off >= total ? total : 0;
}

static void
drop_bytes(size_t off, size_t n)
{
	memmove(child.rbuf + off, child.rbuf + off + n, child.rlen - off - n);
	child.rlen -= n;
}

static void process(void);

static void
on_drain(uv_timer_t *t)
{
	(void)t;
	process();
}

int
netproc_await(int type, uint32_t id, struct netmsg *m)
{
	struct pollfd pfd;
	uint64_t deadline = uv_hrtime() / 1000000u + NETPROC_SIGN_MS;
	uint64_t now;
	size_t off, total;
	char why[256];

	for (;;) {
		/* Look through what is buffered for our answer. */
		for (off = 0; (total = frame_at(off)) > 0; off += total) {
			if ((child.rbuf[off] << 8 | child.rbuf[off + 1]) !=
			    type)
				continue;
			if (netmsg_parse(child.rbuf + off, total, m, why,
			    sizeof(why)) != 0) {
				log_warnx("network process: %s", why);
				drop_bytes(off, total);
				total = 0;
				continue;
			}
			drop_bytes(off, total);
			if (m->id != id) {	/* a late answer */
				netmsg_clear(m);
				total = 0;
				continue;
			}
			/* Requests read meanwhile are handled next. */
			uv_timer_start(&child.drain, on_drain, 0, 0);
			return 0;
		}
		now = uv_hrtime() / 1000000u;
		if (now >= deadline)
			break;
		pfd.fd = NETPROC_FD;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(deadline - now)) > 0)
			read_some();
	}
	uv_timer_start(&child.drain, on_drain, 0, 0);
	return -1;
}

/* crypto_remote_sign_fn: the parent signs the handshake digest. */
static int
sign_remote(void *arg, int md, const uint8_t *hash, size_t hlen,
    uint8_t *sig, size_t *slen)
{
	struct conn *cc = arg;
	struct netmsg_buf b;
	struct netmsg m;
	uint32_t id = ++child.next_sign;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_SIGN, cc->conn, id);
	netmsg_put_int(&b, md);
	netmsg_put_bytes(&b, hash, hlen);
	netmsg_end(&b);
	netproc_send(&b);
	if (netproc_await(NETMSG_SIGNATURE, id, &m) != 0) {
		log_warnx("network process: no signature from the parent");
		return -1;
	}
	if (m.sign_status == 0) {
		memcpy(sig, m.sig, m.sig_len);
		*slen = m.sig_len;
		rc = 0;
	}
	netmsg_clear(&m);
	if (rc != 0)
		log_warnx("network process: the parent refused to sign");
	return rc;
}

/* tls_resolver: the parent resolves, with the system's resolver; this
 * process has none in its empty root. */
static int
resolve(struct tls_stream *s, const char *host, uint16_t port,
    void (*cb)(void *arg, const struct sockaddr *sa, const char *why),
    void *cb_arg)
{
	struct resolving *r;
	struct netmsg_buf b;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->id = ++child.next_resolve;
	r->port = port;
	r->s = s;
	r->cb = cb;
	r->arg = cb_arg;
	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_RESOLVE, 0, r->id);
	netmsg_put_str(&b, host);
	netmsg_put_int(&b, port);
	netmsg_end(&b);
	if (b.failed) {
		netmsg_buf_free(&b);
		free(r);
		return -1;
	}
	netproc_send(&b);
	r->next = child.resolving;
	child.resolving = r;
	return 0;
}

static int
resolve_start(void *arg, struct tls_stream *s, const char *host,
    uint16_t port)
{
	(void)arg;
	return resolve(s, host, port, NULL, NULL);
}

int
netproc_resolve(const char *host, uint16_t port,
    void (*cb)(void *arg, const struct sockaddr *sa, const char *why),
    void *arg)
{
	return resolve(NULL, host, port, cb, arg);
}

/* Drops the resolutions of stream s, or (s NULL) of arg. */
static void
cancel(struct tls_stream *s, void *arg)
{
	struct resolving **pp, *r;

	for (pp = &child.resolving; (r = *pp) != NULL;) {
		if (s != NULL ? r->s == s : r->s == NULL && r->arg == arg) {
			*pp = r->next;
			free(r);
		} else {
			pp = &r->next;
		}
	}
}

static void
resolve_cancel(void *arg, struct tls_stream *s)
{
	(void)arg;
	cancel(s, NULL);
}

void
netproc_resolve_cancel(void *arg)
{
	cancel(NULL, arg);
}

static const struct tls_resolver resolver = {
	resolve_start, resolve_cancel, NULL,
};

/* The parent's answer: the stream connects to the first address. */
static void
resolved(const struct netmsg *m)
{
	struct resolving **pp, *r;
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr *sa;
	const char *why;

	for (pp = &child.resolving; (r = *pp) != NULL; pp = &r->next)
		if (r->id == m->id)
			break;
	if (r == NULL)
		return;		/* cancelled */
	*pp = r->next;
	memset(&ss, 0, sizeof(ss));
	if (m->naddrs == 0) {
		sa = NULL;
	} else if (m->addr_len[0] == 4) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(r->port);
		memcpy(&sin->sin_addr, m->addrs[0], 4);
		sa = (struct sockaddr *)sin;
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(r->port);
		memcpy(&sin6->sin6_addr, m->addrs[0], 16);
		sa = (struct sockaddr *)sin6;
	}
	why = sa == NULL ? (m->resolve_why != NULL ? m->resolve_why :
	    "no address") : NULL;
	if (r->s != NULL)
		tls_stream_resolved(r->s, sa, why);
	else
		r->cb(r->arg, sa, why);
	free(r);
}

static struct conn *
find_conn(uint32_t id)
{
	struct conn *cc;

	for (cc = child.conns; cc != NULL; cc = cc->next)
		if (cc->conn == id)
			return cc;
	return NULL;
}

static void
close_conn(struct conn *cc)
{
	struct conn **pp;
	struct pending *p, *next;

	for (pp = &child.conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == cc) {
			*pp = cc->next;
			break;
		}
	if (cc->t != NULL)
		transport_rest.close(cc->t);
	for (p = cc->pending; p != NULL; p = next) {
		next = p->next;
		free(p);
	}
	crypto_eckey_free(cc->key);
	free(cc);
}

static void
do_connect(const struct netmsg *m)
{
	struct transport_params p;
	struct conn *cc;
	char err[TRANSPORT_WHY_MAX - 128];

	if ((cc = find_conn(m->conn)) != NULL)
		close_conn(cc);
	if ((cc = calloc(1, sizeof(*cc))) == NULL) {
		log_warnx("network process: out of memory");
		return;
	}
	cc->conn = m->conn;
	cc->next = child.conns;
	child.conns = cc;
	memset(&p, 0, sizeof(p));
	p.loop = child.loop;
	p.rng = child.rng;
	p.server_url = m->url;
	memcpy(p.pin, m->pin, sizeof(p.pin));
	p.ca_pem = m->ca_pem;
	p.device_id = m->device_id;
	p.cert_pem = m->cert_pem;
	if (m->mtls && crypto_eckey_remote_new(m->cert_pem, sign_remote, cc,
	    &cc->key, err, sizeof(err)) != 0) {
		snprintf(cc->why, sizeof(cc->why), "device key: %s", err);
		log_warnx("network process: %s", cc->why);
		return;
	}
	p.key = cc->key;
	p.resolver = &resolver;
	if (transport_rest.connect(&p, &cc->t, err, sizeof(err)) != 0) {
		snprintf(cc->why, sizeof(cc->why), "%s", err);
		log_warnx("network process: %s", cc->why);
	}
}

static void
on_reply(void *arg, const struct transport_reply *r)
{
	struct pending *p = arg, **pp;
	struct netmsg_buf b;

	for (pp = &p->cc->pending; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	memset(&b, 0, sizeof(b));
	netmsg_put_reply(&b, p->op, p->cc->conn, p->id, r);
	if (b.failed) {
		netmsg_buf_free(&b);
		send_status(p->cc->conn, p->id, TRANSPORT_BAD_REPLY,
		    "the reply is over the message bounds");
	} else {
		netproc_send(&b);
	}
	free(p);
}

static void
do_request(const struct netmsg *m)
{
	struct conn *cc = find_conn(m->conn);
	struct pending *p;
	int rc = -1;

	if (cc == NULL || cc->t == NULL) {
		send_status(m->conn, m->id, TRANSPORT_UNREACHABLE,
		    cc != NULL ? cc->why : "no such session");
		return;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		send_status(m->conn, m->id, TRANSPORT_UNREACHABLE,
		    "out of memory");
		return;
	}
	p->cc = cc;
	p->id = m->id;
	p->op = m->type;
	switch (m->type) {
	case NETMSG_ENROLL:
		rc = transport_rest.enroll(cc->t, &m->enrollment, on_reply, p);
		break;
	case NETMSG_FETCH_POLICY:
		rc = transport_rest.fetch_policy(cc->t, m->etag, on_reply, p);
		break;
	case NETMSG_PUSH_REPORTS:
		rc = transport_rest.push_reports(cc->t, m->items, m->nitems,
		    on_reply, p);
		break;
	case NETMSG_RECEIVE_COMMANDS:
		rc = transport_rest.receive_commands(cc->t, m->wait, on_reply,
		    p);
		break;
	case NETMSG_SEND_RESULT:
		rc = transport_rest.send_command_result(cc->t, m->command_id,
		    m->result, on_reply, p);
		break;
	case NETMSG_RENEW:
		rc = transport_rest.renew_certificate(cc->t, m->csr, on_reply,
		    p);
		break;
	case NETMSG_UNENROLL:
		rc = transport_rest.unenroll(cc->t, on_reply, p);
		break;
	default:
		break;
	}
	if (rc != 0) {
		free(p);
		send_status(m->conn, m->id, TRANSPORT_UNREACHABLE,
		    "the request cannot be made");
		return;
	}
	p->next = cc->pending;
	cc->pending = p;
}

static void
dispatch(const uint8_t *buf, size_t len)
{
	struct netmsg m;
	struct conn *cc;
	char why[256];

	if (netmsg_parse(buf, len, &m, why, sizeof(why)) != 0) {
		log_warnx("network process: dropped a message: %s", why);
		return;
	}
	switch (m.type) {
	case NETMSG_CONNECT:
		do_connect(&m);
		break;
	case NETMSG_CLOSE:
		if ((cc = find_conn(m.conn)) != NULL)
			close_conn(cc);
		break;
	case NETMSG_ENROLL:
	case NETMSG_FETCH_POLICY:
	case NETMSG_PUSH_REPORTS:
	case NETMSG_RECEIVE_COMMANDS:
	case NETMSG_SEND_RESULT:
	case NETMSG_RENEW:
	case NETMSG_UNENROLL:
		do_request(&m);
		break;
	case NETMSG_RESOLVED:
		resolved(&m);
		break;
#ifdef CONFIG_TRANSPORT_LWM2M
	case NETMSG_LWM2M_START:
	case NETMSG_LWM2M_STATE:
	case NETMSG_LWM2M_STOP:
	case NETMSG_LWM2M_DONE:
	case NETMSG_LWM2M_APPLIED:
		netproc_lwm2m_dispatch(&m);
		break;
#endif
	default:
		/* A late SIGNATURE, or a type only this process sends. */
		log_debug("network process: ignored a %s",
		    netmsg_type_name(m.type));
		break;
	}
	netmsg_clear(&m);
}

/* Handles every whole message in the buffer. */
static void
process(void)
{
	size_t total;
	uint8_t *copy;

	while ((total = frame_at(0)) > 0) {
		/* dispatch() may end in a signature wait that moves the
		 * buffer: hand it a copy. */
		if ((copy = malloc(total)) == NULL)
			leave(1);
		memcpy(copy, child.rbuf, total);
		drop_bytes(0, total);
		dispatch(copy, total);
		free(copy);
	}
}

static void
on_readable(uv_poll_t *h, int status, int events)
{
	(void)h;
	(void)events;
	if (status < 0)
		leave(1);
	while (read_some() > 0)
		;
	process();
}

static void
on_term(uv_signal_t *s, int signum)
{
	(void)s;
	(void)signum;
	leave(0);
}

void
netproc_main(int argc, char **argv)
{
	struct netproc_conf c;
	uv_signal_t sig;
	struct stat st;
	char err[256];
	int fl;
	long ppid;

	/* argv: name -N user root level foreground ppid (netproxy.c) */
	if (argc != 7)
		leave(2);
	memset(&c, 0, sizeof(c));
	c.user = argv[2];
	c.root = argv[3];
	c.log_level = atoi(argv[4]);
	c.foreground = strcmp(argv[5], "1") == 0;
	ppid = atol(argv[6]);
	if (fstat(NETPROC_FD, &st) != 0 || !S_ISSOCK(st.st_mode))
		leave(2);
	/* Nothing of the parent's but the socket and stdio. */
	closefrom(NETPROC_FD + 1);
	log_init(c.foreground, c.log_level);
	/* (log_init opens syslog's socket now, before the chroot.) */
	log_setprocname(" network");
	if (crypto_rng_new("wardend network", &child.rng, err,
	    sizeof(err)) != 0) {
		log_warnx("network process: %s", err);
		leave(1);
	}
	if ((child.rbuf = malloc(NETMSG_HDR_LEN + NETMSG_PAYLOAD_MAX)) ==
	    NULL)
		leave(1);
	child.loop = uv_default_loop();
	/* Writes to a dead parent fail (EPIPE); the terminal's signals are
	 * for the parent, which stops this process by closing the socket. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (netproc_sandbox(&c, err, sizeof(err)) != 0) {
		log_warnx("network process: sandbox: %s", err);
		leave(1);
	}
	/* After the uid change, which clears it; then the parent may
	 * already be gone. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 ||
	    getppid() != (pid_t)ppid)
		leave(0);
	fl = fcntl(NETPROC_FD, F_GETFL);
	if (fl < 0 || fcntl(NETPROC_FD, F_SETFL, fl | O_NONBLOCK) != 0)
		leave(1);
	uv_poll_init(child.loop, &child.poll, NETPROC_FD);
	uv_poll_start(&child.poll, UV_READABLE, on_readable);
	uv_timer_init(child.loop, &child.drain);
#ifdef CONFIG_TRANSPORT_LWM2M
	netproc_lwm2m_init(child.loop, child.rng);
#endif
	uv_signal_init(child.loop, &sig);
	uv_signal_start(&sig, on_term, SIGTERM);
	log_debug("network process ready (uid %d)", (int)getuid());
	if (netproc_seccomp(err, sizeof(err)) != 0) {
		log_warnx("network process: seccomp: %s", err);
		leave(1);
	}
	uv_run(child.loop, UV_RUN_DEFAULT);
	leave(0);
}
