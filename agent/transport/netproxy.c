/*
 * netproxy.c - wardend's side of privilege separation: it starts the
 * network process (agent/transport/netproc.c) and restarts it when it dies, and it
 * is the `rest` binding the agent core uses when separated: each
 * transport_ops call becomes a request message (netmsg.h), each reply
 * message a transport_reply, after netmsg_parse() has checked it whole
 * and this file has checked that it answers the request of that id, on
 * that transport, with a reply of the request's type. The network
 * process is untrusted: a malformed message is logged and dropped (its
 * request, if any, fails with BAD_REPLY); a broken stream (bad header)
 * gets the process killed and restarted.
 *
 * The device key stays here: the network process asks for the TLS
 * handshake's signature (SIGN) and gets the signature, never the key.
 * The binding's calls themselves are in netproxy_binding.c.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/transport/netproxy_int.h"
#include "agent/transport/rest/rest_http.h"
#include "agent/transport/rest/rest_json.h"
#include "agent/transport/rest/tls_stream.h"

#define RESTART_MIN_MS 100
#define RESTART_MAX_MS 30000
#define STABLE_MS 60000		/* alive this long: backoff restarts */
#define READ_CHUNK (64 * 1024)
/* Signatures: a burst of SIGN_BURST, then one per SIGN_EVERY_MS. A TLS
 * handshake needs one; a network process asking for more is either
 * compromised or looping, and must not turn the parent into a signing
 * oracle at full speed or starve its loop. */
#define SIGN_BURST 32
#define SIGN_EVERY_MS 250

static int spawn(struct netproc *np, char *err, size_t errlen);
static void finish_stop(struct netproc *np);

static void
on_written(uv_write_t *w, int status)
{
	struct wreq *r = w->data;

	(void)status;	/* a dead peer shows as EOF and exit */
	crypto_free_secret(r->data, r->len);
	free(r);
}

/*
 * Sends the messages in b (taking its bytes). While the process is
 * restarting, requests (queue) wait for the new one; other messages are
 * moot then and dropped: CONNECT is sent again at the restart, CLOSE and
 * SIGNATURE concern the dead process. Returns -1 when they cannot be
 * sent.
 */
int
netproxy_send(struct netproc *np, struct netmsg_buf *b, bool queue)
{
	struct wreq *r;
	uv_buf_t ub;

	if (b->failed || np->stopping)
		return -1;
	if (!np->chan_open) {
		if (!queue)
			return 0;
		netmsg_buf_append(&np->pending, b->data, b->len);
		return np->pending.failed ? -1 : 0;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->data = b->data;
	r->len = b->cap;
	ub = uv_buf_init((char *)b->data, (unsigned)b->len);
	memset(b, 0, sizeof(*b));	/* the request owns the bytes now */
	r->req.data = r;
	if (uv_write(&r->req, (uv_stream_t *)&np->chan, &ub, 1,
	    on_written) != 0) {
		crypto_free_secret(r->data, r->len);
		free(r);
		return -1;
	}
	return 0;
}

void
netproxy_put_connect(struct netmsg_buf *b, const struct transport *t)
{
	netmsg_begin(b, NETMSG_CONNECT, t->conn, 0);
	netmsg_put_str(b, t->url);
	netmsg_put_bytes(b, t->pin, sizeof(t->pin));
	netmsg_put_str(b, t->ca_pem);
	netmsg_put_str(b, t->device_id);
	netmsg_put_str(b, t->cert_pem);
	netmsg_put_int(b, t->key != NULL && t->cert_pem != NULL);
	netmsg_end(b);
}

/* Fails every outstanding call (the network process died): the
 * callbacks run after the list is emptied, as they may start new ones. */
static void
fail_calls(struct netproc *np, const char *why)
{
	struct call *c, *next;
	struct transport_reply r;

	c = np->calls;
	np->calls = NULL;
	for (; c != NULL; c = next) {
		next = c->next;
		memset(&r, 0, sizeof(r));
		r.status = TRANSPORT_UNREACHABLE;
		snprintf(r.why, sizeof(r.why), "%s", why);
		c->cb(c->arg, &r);
		free(c);
	}
}

static void
on_chan_closed(uv_handle_t *h)
{
	(void)h;
}

static void
close_chan(struct netproc *np)
{
	if (!np->chan_open)
		return;
	np->chan_open = false;
	uv_read_stop((uv_stream_t *)&np->chan);
	uv_close((uv_handle_t *)&np->chan, on_chan_closed);
	free(np->rbuf);
	np->rbuf = NULL;
	np->rlen = 0;
}

static void
kill_child(struct netproc *np, const char *why)
{
	log_warnx("network process: %s: stopping it", why);
	close_chan(np);
	if (np->proc_alive)
		uv_process_kill(&np->proc, SIGKILL);
}

static void
on_restart(uv_timer_t *tm)
{
	struct netproc *np = tm->data;
	char err[256];

	if (np->stopping || np->proc_alive)
		return;
	if (spawn(np, err, sizeof(err)) != 0) {
		log_warnx("network process: %s", err);
		np->backoff_ms = np->backoff_ms * 2 > RESTART_MAX_MS ?
		    RESTART_MAX_MS : np->backoff_ms * 2;
		uv_timer_start(&np->restart, on_restart, np->backoff_ms, 0);
	}
}

static void
on_proc_closed(uv_handle_t *h)
{
	(void)h;
}

static void
on_proc_exit(uv_process_t *p, int64_t status, int sig)
{
	struct netproc *np = p->data;
	uint64_t lived = uv_now(np->loop) - np->started_ms;

	np->proc_alive = false;
	uv_close((uv_handle_t *)p, on_proc_closed);
	close_chan(np);
	netmsg_buf_free(&np->pending);
	if (np->stopping)
		return;
	if (sig == SIGSYS || status == 159)
		log_warnx("network process %d %s: a system call outside its "
		    "seccomp allow-list", p->pid, sig != 0 ? "killed" :
		    "exited");
	else if (sig != 0)
		log_warnx("network process %d killed by signal %d", p->pid,
		    sig);
	else
		log_warnx("network process %d exited with status %lld",
		    p->pid, (long long)status);
	np->backoff_ms = lived >= STABLE_MS ? RESTART_MIN_MS :
	    (np->backoff_ms * 2 > RESTART_MAX_MS ? RESTART_MAX_MS :
	    np->backoff_ms * 2);
	log_info("network process: starting it again in %llu ms",
	    (unsigned long long)np->backoff_ms);
	uv_timer_start(&np->restart, on_restart, np->backoff_ms, 0);
	fail_calls(np, "the network process exited");
}

static struct transport *
find_transport(struct netproc *np, uint32_t conn)
{
	struct transport *t;

	for (t = np->transports; t != NULL; t = t->next)
		if (t->conn == conn)
			return t;
	return NULL;
}

static struct call *
take_call(struct netproc *np, uint32_t id)
{
	struct call **pp, *c;

	for (pp = &np->calls; (c = *pp) != NULL; pp = &c->next)
		if (c->id == id) {
			*pp = c->next;
			return c;
		}
	return NULL;
}

/* Takes one signature from the bucket (SIGN_BURST tokens, one more each
 * SIGN_EVERY_MS); false when it is empty. It outlives the network
 * process: restarts do not refill it. */
static bool
sign_credit(struct netproc *np)
{
	uint64_t now = uv_now(np->loop);
	uint64_t n = (now - np->sign_last) / SIGN_EVERY_MS;

	np->sign_last += n * SIGN_EVERY_MS;
	np->sign_tokens = np->sign_tokens + n >= SIGN_BURST ? SIGN_BURST :
	    np->sign_tokens + (unsigned)n;
	if (np->sign_tokens == SIGN_BURST)
		np->sign_last = now;
	if (np->sign_tokens == 0)
		return false;
	np->sign_tokens--;
	return true;
}

/* The digest of a TLS handshake of transport t, signed with the key. */
static void
sign_for(struct netproc *np, const struct netmsg *m)
{
	struct transport *t = find_transport(np, m->conn);
	struct netmsg_buf b;
	uint8_t sig[NETMSG_SIG_MAX];
	size_t n = 0;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	if (t == NULL || t->key == NULL || t->cert_pem == NULL)
		log_warnx("network process: signature refused: transport %u "
		    "has no device key", m->conn);
	else if (!sign_credit(np))
		log_warnx("network process: signature refused: more than %d "
		    "in a burst", SIGN_BURST);
	else if ((rc = crypto_eckey_sign_digest(t->rng, t->key, m->md,
	    m->hash, m->hash_len, sig, sizeof(sig), &n)) != 0)
		log_warnx("network process: cannot sign the digest");
	else
		log_debug("network process: signed a TLS handshake digest "
		    "for transport %u", m->conn);
	netmsg_begin(&b, NETMSG_SIGNATURE, m->conn, m->id);
	netmsg_put_int(&b, rc == 0 ? 0 : -1);
	netmsg_put_bytes(&b, sig, rc == 0 ? n : 0);
	netmsg_end(&b);
	if (netproxy_send(np, &b, false) != 0)
		log_warnx("network process: cannot send the signature");
	netmsg_buf_free(&b);
	crypto_zero(sig, sizeof(sig));
}

static void
on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct resolve_req *q = req->data, **pp;
	struct netproc *np = q->np;
	const struct addrinfo *ai;
	struct netmsg_buf b;
	const void *addr[NETMSG_ADDRS_MAX];
	size_t len[NETMSG_ADDRS_MAX], n = 0, i;

	for (pp = &np->resolves; *pp != NULL; pp = &(*pp)->next)
		if (*pp == q) {
			*pp = q->next;
			break;
		}
	for (ai = res; status == 0 && ai != NULL && n < NETMSG_ADDRS_MAX;
	    ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			addr[n] = &((const struct sockaddr_in *)
			    (const void *)ai->ai_addr)->sin_addr;
			len[n++] = 4;
		} else if (ai->ai_family == AF_INET6) {
			addr[n] = &((const struct sockaddr_in6 *)
			    (const void *)ai->ai_addr)->sin6_addr;
			len[n++] = 16;
		}
	}
	/* Only to the process that asked. */
	if (!np->stopping && np->proc_alive && np->proc.pid == q->pid) {
		log_debug("network process: resolved %s: %zu address(es)",
		    q->host, n);
		memset(&b, 0, sizeof(b));
		netmsg_begin(&b, NETMSG_RESOLVED, 0, q->id);
		netmsg_put_int(&b, n > 0 ? 0 : -1);
		netmsg_put_str(&b, n > 0 ? NULL : status < 0 ?
		    uv_strerror(status) : "no IPv4 or IPv6 address");
		netmsg_put_int(&b, (int64_t)n);
		for (i = 0; i < n; i++)
			netmsg_put_bytes(&b, addr[i], len[i]);
		netmsg_end(&b);
		if (netproxy_send(np, &b, false) != 0)
			log_warnx("network process: cannot send an address");
		netmsg_buf_free(&b);
	}
	uv_freeaddrinfo(res);
	free(q);
}

/* Resolves a name for the network process: only the host of a server
 * it was given (it may not use the parent to look up anything else). */
static void
resolve_for(struct netproc *np, const struct netmsg *m)
{
	struct addrinfo hints;
	struct resolve_req *q;
	struct transport *t;
	struct netmsg_buf b;
	char host[TLS_HOST_MAX + 1], prefix[REST_HTTP_PREFIX_MAX + 1];
	char err[128], portstr[8];
	uint16_t port;

	for (t = np->transports; t != NULL; t = t->next)
		if (rest_http_url_parse(t->url, host, &port, prefix, err,
		    sizeof(err)) == 0 && strcmp(host, m->host) == 0 &&
		    port == m->port)
			break;
	if (t == NULL && !(np->lw != NULL && np->lw->may_resolve(np->lw->arg,
	    m->host, m->port))) {
		log_warnx("network process: refused to resolve %s:%d: not a "
		    "server's", m->host, m->port);
		goto refuse;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL)
		goto refuse;
	q->np = np;
	q->id = m->id;
	q->pid = np->proc.pid;
	snprintf(q->host, sizeof(q->host), "%s", m->host);
	q->gai.data = q;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%d", m->port);
	if (uv_getaddrinfo(np->loop, &q->gai, on_resolved, m->host, portstr,
	    &hints) != 0) {
		free(q);
		goto refuse;
	}
	q->next = np->resolves;
	np->resolves = q;
	return;
refuse:
	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_RESOLVED, 0, m->id);
	netmsg_put_int(&b, -1);
	netmsg_put_str(&b, "refused by wardend");
	netmsg_put_int(&b, 0);
	netmsg_end(&b);
	(void)netproxy_send(np, &b, false);
	netmsg_buf_free(&b);
}

/* True when a reply of type `type` (status s) may answer request op. */
static bool
reply_fits(enum netmsg_type op, enum netmsg_type type,
    enum transport_status s)
{
	if (type == NETMSG_R_STATUS)
		return s != TRANSPORT_OK ? (s != TRANSPORT_UNCHANGED ||
		    op == NETMSG_FETCH_POLICY) :
		    (op == NETMSG_SEND_RESULT || op == NETMSG_UNENROLL);
	switch (op) {
	case NETMSG_ENROLL:
		return type == NETMSG_R_ENROLL;
	case NETMSG_FETCH_POLICY:
		return type == NETMSG_R_POLICY;
	case NETMSG_PUSH_REPORTS:
		return type == NETMSG_R_REPORTS;
	case NETMSG_RECEIVE_COMMANDS:
		return type == NETMSG_R_COMMANDS;
	case NETMSG_RENEW:
		return type == NETMSG_R_CERTIFICATE;
	default:
		return false;
	}
}

static void
fail_call(struct call *c, const char *why)
{
	struct transport_reply r;

	memset(&r, 0, sizeof(r));
	r.status = TRANSPORT_BAD_REPLY;
	snprintf(r.why, sizeof(r.why), "%s", why);
	c->cb(c->arg, &r);
	free(c);
}

static void
dispatch(struct netproc *np, const uint8_t *buf, size_t len)
{
	struct netmsg m;
	struct call *c;
	char why[256];
	uint32_t id = (uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
	    (uint32_t)buf[10] << 8 | buf[11];
	int type = buf[0] << 8 | buf[1];

	if (netmsg_parse(buf, len, &m, why, sizeof(why)) != 0) {
		log_warnx("network process: dropped a malformed message: %s",
		    why);
		if (type >= NETMSG_R_STATUS && type < NETMSG_SIGN &&
		    (c = take_call(np, id)) != NULL)
			fail_call(c, "the network process sent a malformed "
			    "reply");
		return;
	}
	if (m.type >= NETMSG_LWM2M_APPLY_POLICY &&
	    m.type <= NETMSG_LWM2M_OS_UPDATE) {
		if (m.type == NETMSG_LWM2M_STOPPED)
			np->lw_stop_ms = 0;
		if (np->lw != NULL)
			np->lw->message(np->lw->arg, &m);
		else
			log_warnx("network process: dropped a %s: no LwM2M "
			    "session", netmsg_type_name(m.type));
		if (m.type == NETMSG_LWM2M_STOPPED && np->stopping)
			finish_stop(np);
	} else if (m.type == NETMSG_SIGN) {
		sign_for(np, &m);
	} else if (m.type == NETMSG_RESOLVE) {
		resolve_for(np, &m);
	} else if (m.type < NETMSG_R_STATUS) {
		log_warnx("network process: dropped a %s message: not one it "
		    "may send", netmsg_type_name(m.type));
	} else if ((c = take_call(np, m.id)) == NULL) {
		log_warnx("network process: dropped a %s for no request (%u)",
		    netmsg_type_name(m.type), m.id);
	} else if (c->t->conn != m.conn ||
	    !reply_fits(c->op, m.type, m.reply.status)) {
		log_warnx("network process: dropped a %s (status %s, "
		    "transport %u) answering %s (transport %u)",
		    netmsg_type_name(m.type),
		    transport_status_name(m.reply.status), m.conn,
		    netmsg_type_name(c->op), c->t->conn);
		fail_call(c, "the network process sent a reply of the wrong "
		    "type");
	} else {
		c->cb(c->arg, &m.reply);
		free(c);
	}
	netmsg_clear(&m);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct netproc *np = h->data;
	size_t max = NETMSG_HDR_LEN + NETMSG_PAYLOAD_MAX;

	(void)hint;
	if (np->rbuf == NULL && (np->rbuf = malloc(max)) == NULL) {
		*b = uv_buf_init(NULL, 0);
		return;
	}
	*b = uv_buf_init((char *)np->rbuf + np->rlen,
	    (unsigned)(max - np->rlen < READ_CHUNK ? max - np->rlen :
	    READ_CHUNK));
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct netproc *np = s->data;
	size_t total, off = 0;
	char why[128];

	(void)b;
	if (n < 0) {
		/* Usually it died: its exit is logged. */
		log_debug("network process: read: %s", uv_strerror((int)n));
		close_chan(np);
		if (np->proc_alive)
			uv_process_kill(&np->proc, SIGKILL);
		return;
	}
	np->rlen += (size_t)n;
	while (np->chan_open && np->rlen - off >= NETMSG_HDR_LEN) {
		if (netmsg_frame(np->rbuf + off, np->rlen - off, &total, why,
		    sizeof(why)) != 0) {
			kill_child(np, why);
			return;
		}
		if (np->rlen - off < total)
			break;
		dispatch(np, np->rbuf + off, total);
		off += total;
	}
	if (np->chan_open && off > 0) {
		memmove(np->rbuf, np->rbuf + off, np->rlen - off);
		np->rlen -= off;
	}
}

static int
spawn(struct netproc *np, char *err, size_t errlen)
{
	uv_process_options_t o;
	uv_stdio_container_t st[NETPROC_FD + 1];
	char ppid[16], fg[2];
	char *args[8];
	struct transport *t;
	struct netmsg_buf b;
	int sv[2], rc;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -1;
	}
	snprintf(ppid, sizeof(ppid), "%d", (int)getpid());
	snprintf(fg, sizeof(fg), "%d", np->foreground ? 1 : 0);
	args[0] = (char *)(uintptr_t)"wardend: network";
	args[1] = (char *)(uintptr_t)"-N";
	args[2] = np->user;
	args[3] = np->root;
	args[4] = np->level;
	args[5] = fg;
	args[6] = ppid;
	args[7] = NULL;
	memset(st, 0, sizeof(st));
	st[0].flags = UV_IGNORE;
	st[1].flags = UV_INHERIT_FD;
	st[1].data.fd = 1;
	st[2].flags = UV_INHERIT_FD;
	st[2].data.fd = 2;
	st[NETPROC_FD].flags = UV_INHERIT_FD;
	st[NETPROC_FD].data.fd = sv[1];
	memset(&o, 0, sizeof(o));
	o.file = np->exe;
	o.args = args;
	o.exit_cb = on_proc_exit;
	o.stdio = st;
	o.stdio_count = NETPROC_FD + 1;
	np->proc.data = np;
	rc = uv_spawn(np->loop, &np->proc, &o);
	close(sv[1]);
	if (rc != 0) {
		close(sv[0]);
		snprintf(err, errlen, "cannot start %s: %s", np->exe,
		    uv_strerror(rc));
		return -1;
	}
	np->proc_alive = true;
	np->started_ms = uv_now(np->loop);
	uv_pipe_init(np->loop, &np->chan, 0);
	np->chan.data = np;
	if (uv_pipe_open(&np->chan, sv[0]) != 0) {
		close(sv[0]);
		uv_close((uv_handle_t *)&np->chan, NULL);
		uv_process_kill(&np->proc, SIGKILL);
		snprintf(err, errlen, "cannot open the channel");
		return -1;
	}
	np->chan_open = true;
	uv_read_start((uv_stream_t *)&np->chan, on_alloc, on_read);
	log_info("network process %d started (user %s, root %s)",
	    np->proc.pid, np->user, np->root);
	/* Every transport again, then what was asked in the meantime. */
	memset(&b, 0, sizeof(b));
	for (t = np->transports; t != NULL; t = t->next)
		netproxy_put_connect(&b, t);
	if (b.len > 0 && netproxy_send(np, &b, false) != 0)
		log_warnx("network process: cannot set up its transports");
	netmsg_buf_free(&b);
	if (np->pending.len > 0 && netproxy_send(np, &np->pending, false) != 0)
		log_warnx("network process: cannot send the queued requests");
	netmsg_buf_free(&np->pending);
	if (np->lw != NULL)
		np->lw->restarted(np->lw->arg);
	return 0;
}

int
netproc_start(uv_loop_t *loop, const struct netproc_conf *c,
    struct netproc **out, char *err, size_t errlen)
{
	struct netproc *np;
	ssize_t n;

	*out = NULL;
	if ((np = calloc(1, sizeof(*np))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	np->loop = loop;
	if ((n = readlink("/proc/self/exe", np->exe, sizeof(np->exe) - 1)) <
	    0) {
		snprintf(err, errlen, "/proc/self/exe: %s", strerror(errno));
		free(np);
		return -1;
	}
	np->exe[n] = '\0';
	if (strlen(c->user) >= sizeof(np->user) ||
	    strlen(c->root) >= sizeof(np->root)) {
		snprintf(err, errlen, "network-user or network-root too long");
		free(np);
		return -1;
	}
	snprintf(np->user, sizeof(np->user), "%s", c->user);
	snprintf(np->root, sizeof(np->root), "%s", c->root);
	snprintf(np->level, sizeof(np->level), "%d", c->log_level);
	np->foreground = c->foreground;
	np->backoff_ms = RESTART_MIN_MS;
	np->sign_tokens = SIGN_BURST;
	np->sign_last = uv_now(loop);
	uv_timer_init(loop, &np->restart);
	np->restart.data = np;
	if (spawn(np, err, errlen) != 0) {
		uv_close((uv_handle_t *)&np->restart, NULL);
		*out = np;	/* freed by netproc_free after the loop */
		np->stopping = true;
		return -1;
	}
	*out = np;
	return 0;
}

static void
finish_stop(struct netproc *np)
{
	struct resolve_req *q;

	if (np->stopped)
		return;
	np->stopped = true;
	uv_timer_stop(&np->restart);
	uv_close((uv_handle_t *)&np->restart, NULL);
	/* EOF on its socket: it exits; the exit callback closes proc. */
	close_chan(np);
	if (np->proc_alive)
		uv_process_kill(&np->proc, SIGTERM);
	for (q = np->resolves; q != NULL; q = q->next)
		uv_cancel((uv_req_t *)&q->gai);	/* or it ends by itself */
	fail_calls(np, "stopping");
}

static void
on_stop_wait(uv_timer_t *tm)
{
	struct netproc *np = tm->data;

	log_warnx("network process: the LwM2M client did not stop in time");
	finish_stop(np);
}

void
netproc_stop(struct netproc *np)
{
	if (np == NULL || np->stopping)
		return;
	np->stopping = true;
	uv_timer_stop(&np->restart);
	/* The LwM2M client de-registers first (LWM2M_STOPPED). */
	if (np->lw_stop_ms > 0 && np->chan_open) {
		uv_timer_start(&np->restart, on_stop_wait, np->lw_stop_ms, 0);
		return;
	}
	finish_stop(np);
}

void
netproc_lwm2m_attach(struct netproc *np, const struct netproc_lwm2m_ops *ops)
{
	if (np != NULL)
		np->lw = ops;
}

int
netproc_lwm2m_send(struct netproc *np, struct netmsg_buf *b)
{
	int rc;

	if (np == NULL || !np->chan_open || np->stopping) {
		netmsg_buf_free(b);
		return -1;
	}
	rc = netproxy_send(np, b, false);
	if (rc != 0)
		netmsg_buf_free(b);
	else
		memset(b, 0, sizeof(*b));	/* taken by the write */
	return rc;
}

void
netproc_lwm2m_stop(struct netproc *np, unsigned ms)
{
	struct netmsg_buf b;

	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_LWM2M_STOP, 0, 0);
	netmsg_end(&b);
	if (netproc_lwm2m_send(np, &b) == 0)
		np->lw_stop_ms = ms;
}

void
netproc_free(struct netproc *np)
{
	if (np == NULL)
		return;
	netmsg_buf_free(&np->pending);
	free(np->rbuf);
	free(np);
}

pid_t
netproc_pid(const struct netproc *np)
{
	return np != NULL && np->proc_alive ? np->proc.pid : 0;
}
