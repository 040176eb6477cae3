/*
 * control.c - the control socket: a Unix stream socket carrying one JSON
 * request per line and one JSON reply per line (docs/control-protocol.md).
 * Peer credentials come from SO_PEERCRED; only privileged peers (root,
 * the daemon's own user, members of the socket's group) may change
 * anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/core/core.h"

/*
 * Every peer is untrusted, privileged or not: a client that hangs up
 * before its reply, floods, never finishes a line or never reads costs
 * bounded memory and never stops the agent. Connections are capped in
 * all and per unprivileged uid, with a quarter of the places kept for
 * privileged peers; a request must arrive whole within control-timeout
 * seconds of the connection being ready for it; unprivileged peers get
 * a short line; a peer that does not read its replies is not read from.
 */
#define CTL_WRITE_QUEUE_MAX (256 * 1024)
/* A cut connection is logged at most this often (ms), with the count. */
#define CTL_REFUSAL_LOG_MS (60 * 1000)

struct ctl_conn {
	uv_pipe_t pipe;
	uv_timer_t timer;
	uv_shutdown_t shutdown;
	int open_handles;	/* pipe and timer: freed when both closed */
	struct wardend *d;
	struct jsonline in;
	struct ctl_peer peer;
	bool busy;     /* a request is being answered */
	bool closing;
	bool finishing; /* shutting down after the last reply */
	bool replied;
	bool eof;      /* finish once the pending reply is sent */
	bool reading;
	bool uncounted; /* just accepted, its peer not yet checked */
	struct ctl_conn *prev, *next;
};

struct write_req {
	uv_write_t w;
	struct ctl_conn *c;
	char *buf;
};

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);
static void arm_timeout(struct ctl_conn *c);

const struct ctl_peer *
control_peer(struct ctl_conn *c)
{
	return &c->peer;
}

struct wardend *
control_daemon(struct ctl_conn *c)
{
	return c->d;
}

static void
on_closed(uv_handle_t *h)
{
	struct ctl_conn *c = h->data;

	if (--c->open_handles > 0)
		return;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		c->d->ctl_conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	jsonline_free(&c->in);
	free(c);
}

static void
conn_close(struct ctl_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	uv_close((uv_handle_t *)&c->pipe, on_closed);
	uv_close((uv_handle_t *)&c->timer, on_closed);
}

static void
on_shutdown(uv_shutdown_t *req, int status)
{
	(void)status;
	conn_close(req->data);
}

static void
on_finish_timeout(uv_timer_t *t)
{
	conn_close(t->data);
}

/* Closes once what was written has gone out: a last error reaches the
 * peer instead of being cut off by the close. */
static void
conn_finish(struct ctl_conn *c)
{
	if (c->closing || c->finishing)
		return;
	uv_timer_stop(&c->timer);
	if (c->reading) {
		uv_read_stop((uv_stream_t *)&c->pipe);
		c->reading = false;
	}
	if (c->busy) {
		/* The reply being made still refers to c. */
		c->eof = true;
		return;
	}
	c->finishing = true;
	c->shutdown.data = c;
	if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->pipe,
	    on_shutdown) != 0) {
		conn_close(c);
		return;
	}
	/* A peer that reads nothing would hold the shutdown forever. */
	uv_timer_start(&c->timer, on_finish_timeout,
	    (uint64_t)c->d->conf.control_timeout * 1000, 0);
}

static void
read_resume(struct ctl_conn *c)
{
	if (c->reading || c->closing || c->finishing || c->eof)
		return;
	if (uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read) == 0)
		c->reading = true;
	else
		conn_close(c);
}


static void
on_written(uv_write_t *w, int status)
{
	struct write_req *wr = (struct write_req *)w;
	struct ctl_conn *c = wr->c;

	free(wr->buf);
	free(wr);
	if (status == UV_ECANCELED)
		return;	/* the connection is closing: c may be gone */
	if (status < 0) {
		/* The peer is gone (EPIPE). */
		log_debug("control: uid %d: %s", (int)c->peer.uid,
		    uv_strerror(status));
		conn_finish(c);
		return;
	}
	if (c->pipe.write_queue_size == 0)
		read_resume(c);
}

static void
send_line(struct ctl_conn *c, cJSON *msg)
{
	struct write_req *wr;
	char *text = cJSON_PrintUnformatted(msg);
	size_t len;
	uv_buf_t b;

	cJSON_Delete(msg);
	if (text == NULL || c->closing || c->finishing ||
	    (wr = calloc(1, sizeof(*wr))) == NULL) {
		free(text);
		return;
	}
	len = strlen(text);
	wr->c = c;
	wr->buf = realloc(text, len + 2);
	if (wr->buf == NULL) {
		free(text);
		free(wr);
		return;
	}
	wr->buf[len] = '\n';
	wr->buf[len + 1] = '\0';
	b = uv_buf_init(wr->buf, (unsigned int)len + 1);
	if (uv_write(&wr->w, (uv_stream_t *)&c->pipe, &b, 1, on_written) != 0) {
		free(wr->buf);
		free(wr);
		return;
	}
	/* A peer that does not read its replies gets no more requests read
	 * until they have gone out. */
	if (c->pipe.write_queue_size > CTL_WRITE_QUEUE_MAX && c->reading) {
		uv_read_stop((uv_stream_t *)&c->pipe);
		c->reading = false;
	}
}

void
control_progress(struct ctl_conn *c, cJSON *p)
{
	cJSON *msg = cJSON_CreateObject();

	cJSON_AddItemToObject(msg, "progress", p);
	send_line(c, msg);
}

/* The request is answered: the connection is ready for the next one, or
 * finishes when the peer has hung up. */
static void
request_done(struct ctl_conn *c)
{
	c->replied = true;
	c->busy = false;
	if (c->eof)
		conn_finish(c);
	else
		arm_timeout(c);
}

void
control_reply_ok(struct ctl_conn *c, cJSON *result)
{
	cJSON *msg = cJSON_CreateObject();

	cJSON_AddBoolToObject(msg, "ok", true);
	if (result != NULL)
		cJSON_AddItemToObject(msg, "result", result);
	send_line(c, msg);
	request_done(c);
}

static cJSON *
error_line(int exit_code, const char *fmt, va_list ap)
{
	cJSON *msg = cJSON_CreateObject();
	char text[1024];

	vsnprintf(text, sizeof(text), fmt, ap);
	cJSON_AddBoolToObject(msg, "ok", false);
	cJSON_AddStringToObject(msg, "error", text);
	cJSON_AddNumberToObject(msg, "exit", exit_code);
	return msg;
}

void
control_reply_err(struct ctl_conn *c, int exit_code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_line(c, error_line(exit_code, fmt, ap));
	va_end(ap);
	request_done(c);
}

/* A last error outside any request (a refusal, a timeout, an overlong
 * line); then the connection closes. */
static void __attribute__((format(printf, 3, 4)))
conn_refuse(struct ctl_conn *c, int exit_code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_line(c, error_line(exit_code, fmt, ap));
	va_end(ap);
	conn_finish(c);
}

/* A connection refused or cut for breaking a limit: counted, and logged
 * at most once a minute so that a flood cannot fill the log. */
static void
log_cut(struct wardend *d, const struct ctl_peer *peer, const char *why)
{
	uint64_t now = uv_now(d->loop);

	d->ctl_refused++;
	if (d->ctl_refused_logged_at != 0 &&
	    now - d->ctl_refused_logged_at < CTL_REFUSAL_LOG_MS)
		return;
	log_warnx("control: cut a connection from uid %d (pid %d): %s "
	    "(%llu cut since start)", (int)peer->uid, (int)peer->pid, why,
	    (unsigned long long)d->ctl_refused);
	d->ctl_refused_logged_at = now;
}

static void
on_timeout(uv_timer_t *t)
{
	struct ctl_conn *c = t->data;

	if (c->busy || c->closing)
		return;
	if (c->in.len > 0) {
		log_cut(c->d, &c->peer, "request not completed in time");
		conn_refuse(c, EXIT_USAGE, "request not completed within %d s",
		    c->d->conf.control_timeout);
		return;
	}
	log_debug("control: uid %d idle for %d s: closed", (int)c->peer.uid,
	    c->d->conf.control_timeout);
	conn_finish(c);
}

/* The time a request has to arrive, from now: set when the connection
 * is ready for a request, not moved by the bytes of a half-sent one. */
static void
arm_timeout(struct ctl_conn *c)
{
	if (c->closing || c->finishing)
		return;
	uv_timer_start(&c->timer, on_timeout,
	    (uint64_t)c->d->conf.control_timeout * 1000, 0);
}

static void
dispatch(char *line, void *arg)
{
	struct ctl_conn *c = arg;
	const cJSON *cmd;
	cJSON *req;
	size_t i;

	if (c->closing || c->finishing)
		return;
	if (c->busy) {
		/* Not a request_done(): the one under way still is. */
		cJSON *msg = cJSON_CreateObject();

		cJSON_AddBoolToObject(msg, "ok", false);
		cJSON_AddStringToObject(msg, "error", "one request at a time "
		    "per connection");
		cJSON_AddNumberToObject(msg, "exit", EXIT_USAGE);
		send_line(c, msg);
		return;
	}
	uv_timer_stop(&c->timer);
	c->busy = true;
	c->replied = false;
	req = cJSON_ParseWithOpts(line, NULL, true);
	if (req == NULL || !cJSON_IsObject(req)) {
		cJSON_Delete(req);
		control_reply_err(c, EXIT_USAGE, "request: not a JSON object");
		return;
	}
	cmd = cJSON_GetObjectItemCaseSensitive(req, "cmd");
	if (!cJSON_IsString(cmd)) {
		cJSON_Delete(req);
		control_reply_err(c, EXIT_USAGE, "request.cmd: missing or not "
		    "a string");
		return;
	}
	for (i = 0; i < c->d->ctl_ncmds; i++)
		if (strcmp(cmd->valuestring, c->d->ctl_cmds[i].cmd) == 0)
			break;
	if (i == c->d->ctl_ncmds) {
		control_reply_err(c, EXIT_USAGE, "request.cmd: unknown command "
		    "\"%.64s\"", cmd->valuestring);
		cJSON_Delete(req);
		return;
	}
	if (c->d->ctl_cmds[i].privileged && !c->peer.privileged) {
		log_warnx("control: refused \"%s\" from uid %d (pid %d): not "
		    "privileged", c->d->ctl_cmds[i].cmd, (int)c->peer.uid,
		    (int)c->peer.pid);
		control_reply_err(c, EXIT_FAIL, "permission denied: \"%s\" "
		    "changes the device and needs root or membership in "
		    "group \"%s\" (you are uid %d)", c->d->ctl_cmds[i].cmd,
		    c->d->ctl_group, (int)c->peer.uid);
		cJSON_Delete(req);
		return;
	}
	log_debug("control: %s from uid %d", c->d->ctl_cmds[i].cmd, (int)c->peer.uid);
	c->d->ctl_cmds[i].fn(c, req);
	cJSON_Delete(req);
}

static void
on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct ctl_conn *c = h->data;

	(void)suggested;
	/* One loop thread, and on_read consumes the bytes before returning:
	 * every connection can share the daemon's read buffer. */
	*buf = uv_buf_init(c->d->ctl_readbuf, sizeof(c->d->ctl_readbuf));
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct ctl_conn *c = s->data;

	if (n < 0) {
		/* A reply being made still refers to c: finish after it. */
		c->eof = true;
		conn_finish(c);
		return;
	}
	if (jsonline_feed(&c->in, buf->base, (size_t)n, dispatch, c) != 0) {
		log_cut(c->d, &c->peer, "request too long");
		conn_refuse(c, EXIT_USAGE, "request longer than %zu bytes",
		    c->in.max);
	}
}

/* True when pid's supplementary groups include gid. */
static bool
in_group(pid_t pid, gid_t gid)
{
	char path[64], line[1024];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p, *end;

		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		for (p = line + 7;; p = end) {
			long g = strtol(p, &end, 10);
			if (end == p)
				break;
			if ((gid_t)g == gid)
				found = true;
		}
		break;
	}
	fclose(f);
	return found;
}

/*
 * Refuses a connection over a limit: the reason goes straight into the
 * new socket's empty buffer, and the descriptor is closed at once, so a
 * burst of connections cannot run the agent out of descriptors while
 * refusals wait for the next turn of the loop.
 */
static void
refuse_now(struct ctl_conn *c, const char *why)
{
	char line[256];
	uv_buf_t b;
	int n;

	n = snprintf(line, sizeof(line), "{\"ok\":false,\"error\":\"%s; try "
	    "again later\",\"exit\":%d}\n", why, EXIT_UNREACHABLE);
	if (n > 0 && (size_t)n < sizeof(line)) {
		b = uv_buf_init(line, (unsigned int)n);
		(void)uv_try_write((uv_stream_t *)&c->pipe, &b, 1);
	}
	conn_close(c);
}

/* Counts the open connections: in all, unprivileged, and of uid. */
static void
count_conns(const struct wardend *d, uid_t uid, int *all, int *unpriv,
    int *of_uid)
{
	const struct ctl_conn *c;

	*all = *unpriv = *of_uid = 0;
	for (c = d->ctl_conns; c != NULL; c = c->next) {
		/* One finishing goes within control-timeout. */
		if (c->closing || c->finishing || c->uncounted)
			continue;
		(*all)++;
		if (!c->peer.privileged) {
			(*unpriv)++;
			if (c->peer.uid == uid)
				(*of_uid)++;
		}
	}
}

/* Why a new connection from peer cannot be served now, or NULL. */
static const char *
over_limit(struct wardend *d, const struct ctl_peer *peer)
{
	int all, unpriv, of_uid;
	int max = d->conf.control_max_clients;

	count_conns(d, peer->uid, &all, &unpriv, &of_uid);
	if (all >= max)
		return "too many connections to the agent";
	if (peer->privileged)
		return NULL;
	/* A quarter of the places stay free for privileged peers, so an
	 * unprivileged flood never locks root out. */
	if (unpriv >= max - max / 4)
		return "too many unprivileged connections to the agent";
	if (of_uid >= d->conf.control_max_per_uid)
		return "too many connections from this uid";
	return NULL;
}

static void
on_connection(uv_stream_t *server, int status)
{
	struct wardend *d = server->data;
	struct ctl_conn *c;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	const char *why;
	uv_os_fd_t fd;

	if (status < 0) {
		log_warnx("control: accept: %s", uv_strerror(status));
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	c->d = d;
	c->uncounted = true;
	uv_pipe_init(d->loop, &c->pipe, 0);
	uv_timer_init(d->loop, &c->timer);
	c->open_handles = 2;
	c->pipe.data = c;
	c->timer.data = c;
	/* Listed from now on: on_closed() unlinks it. */
	c->next = d->ctl_conns;
	if (d->ctl_conns != NULL)
		d->ctl_conns->prev = c;
	d->ctl_conns = c;
	if (uv_accept(server, (uv_stream_t *)&c->pipe) != 0 ||
	    uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		conn_close(c);
		return;
	}
	c->peer.pid = cred.pid;
	c->peer.uid = cred.uid;
	c->peer.gid = cred.gid;
	c->peer.privileged = cred.uid == 0 || cred.uid == geteuid() ||
	    cred.gid == d->ctl_gid || in_group(cred.pid, d->ctl_gid);
	jsonline_init(&c->in, c->peer.privileged ? CTL_LINE_MAX :
	    CTL_LINE_MAX_UNPRIV);
	if ((why = over_limit(d, &c->peer)) != NULL) {
		log_cut(d, &c->peer, why);
		refuse_now(c, why);
		return;
	}
	c->uncounted = false;
	arm_timeout(c);
	read_resume(c);
}

void
control_status(struct wardend *d, cJSON *r)
{
	int all, unpriv, of_uid;

	count_conns(d, 0, &all, &unpriv, &of_uid);
	cJSON_AddNumberToObject(r, "controlConnections", all);
	cJSON_AddNumberToObject(r, "controlRefused", (double)d->ctl_refused);
}

static void
make_parent(const char *path)
{
	char dir[sizeof(((struct config *)0)->control_socket)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		log_warn("mkdir %s", dir);
}

void
control_start(struct wardend *d, const struct ctl_command *cmds,
    size_t ncmds)
{
	const char *path = d->conf.control_socket;
	struct group *gr;
	int rc;

	d->ctl_cmds = cmds;
	d->ctl_ncmds = ncmds;
	d->ctl_gid = getegid();
	if (d->conf.control_group[0] != '\0') {
		if ((gr = getgrnam(d->conf.control_group)) == NULL)
			fatalx("control-group \"%s\": no such group",
			    d->conf.control_group);
		d->ctl_gid = gr->gr_gid;
	}
	gr = getgrgid(d->ctl_gid);
	snprintf(d->ctl_group, sizeof(d->ctl_group), "%s",
	    gr != NULL ? gr->gr_name : "?");

	make_parent(path);
	/* A socket left by a killed agent: remove it, but never anything
	 * that is not a socket. */
	{
		struct stat sb;
		if (lstat(path, &sb) == 0) {
			if (!S_ISSOCK(sb.st_mode))
				fatalx("control socket %s exists and is not a "
				    "socket", path);
			unlink(path);
		}
	}
	uv_pipe_init(d->loop, &d->ctl_server, 0);
	d->ctl_server.data = d;
	if ((rc = uv_pipe_bind(&d->ctl_server, path)) != 0)
		fatalx("control socket %s: %s", path, uv_strerror(rc));
	if (chmod(path, d->conf.control_mode) != 0)
		fatal("chmod %s", path);
	if (d->ctl_gid != getegid() && chown(path, (uid_t)-1, d->ctl_gid) != 0)
		fatal("chown %s", path);
	if ((rc = uv_listen((uv_stream_t *)&d->ctl_server, 16,
	    on_connection)) != 0)
		fatalx("listen %s: %s", path, uv_strerror(rc));
	d->ctl_active = true;
	log_info("control socket %s (mode %04o, group %s)", path,
	    d->conf.control_mode, d->ctl_group);
}

void
control_stop(struct wardend *d)
{
	struct ctl_conn *c, *next;

	if (!d->ctl_active)
		return;
	d->ctl_active = false;
	uv_close((uv_handle_t *)&d->ctl_server, NULL);
	/* Connections waiting for a reply close once it is sent. */
	for (c = d->ctl_conns; c != NULL; c = next) {
		next = c->next;
		if (c->busy) {
			c->eof = true;
			uv_read_stop((uv_stream_t *)&c->pipe);
		} else {
			conn_close(c);
		}
	}
	unlink(d->conf.control_socket);
}
