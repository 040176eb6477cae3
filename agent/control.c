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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/retire.h"
#include "daemon.h"

struct ctl_conn {
	uv_pipe_t pipe;
	struct wardend *d;
	struct jsonline in;
	struct ctl_peer peer;
	bool busy;     /* a request is being answered */
	bool closing;
	bool replied;
	bool eof;      /* close once the pending reply is sent */
	struct ctl_conn *prev, *next;
};

struct write_req {
	uv_write_t w;
	char *buf;
};

typedef void (*ctl_fn)(struct ctl_conn *, const cJSON *);

static const struct {
	const char *cmd;
	bool privileged;
	ctl_fn fn;
} commands[] = {
	{ "status", false, ctl_status },
	{ "facts", false, ctl_facts },
	{ "scan", true, ctl_scan },
	{ "sim", true, ctl_sim },
	{ "compliance", false, ctl_compliance },
	{ "rules-apply", true, ctl_rules_apply },
	{ "policy-apply", true, ctl_policy_apply },
	{ "policy-show", false, ctl_policy_show },
	{ "provision", true, ctl_provision },
	{ "provision-share", true, ctl_provision_share },
	{ "attest", false, ctl_attest },
	{ "retire", true, ctl_retire },
};

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
}

static void
on_written(uv_write_t *w, int status)
{
	struct write_req *wr = (struct write_req *)w;

	(void)status;
	free(wr->buf);
	free(wr);
}

static void
send_line(struct ctl_conn *c, cJSON *msg)
{
	struct write_req *wr;
	char *text = cJSON_PrintUnformatted(msg);
	size_t len;
	uv_buf_t b;

	cJSON_Delete(msg);
	if (text == NULL || c->closing ||
	    (wr = calloc(1, sizeof(*wr))) == NULL) {
		free(text);
		return;
	}
	len = strlen(text);
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
	}
}

void
control_progress(struct ctl_conn *c, cJSON *p)
{
	cJSON *msg = cJSON_CreateObject();

	cJSON_AddItemToObject(msg, "progress", p);
	send_line(c, msg);
}

void
control_reply_ok(struct ctl_conn *c, cJSON *result)
{
	cJSON *msg = cJSON_CreateObject();

	cJSON_AddBoolToObject(msg, "ok", true);
	if (result != NULL)
		cJSON_AddItemToObject(msg, "result", result);
	c->replied = true;
	send_line(c, msg);
	c->busy = false;
	if (c->eof)
		conn_close(c);
}

void
control_reply_err(struct ctl_conn *c, int exit_code, const char *fmt, ...)
{
	cJSON *msg = cJSON_CreateObject();
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	cJSON_AddBoolToObject(msg, "ok", false);
	cJSON_AddStringToObject(msg, "error", text);
	cJSON_AddNumberToObject(msg, "exit", exit_code);
	c->replied = true;
	send_line(c, msg);
	c->busy = false;
	if (c->eof)
		conn_close(c);
}

static void
dispatch(char *line, void *arg)
{
	struct ctl_conn *c = arg;
	const cJSON *cmd;
	cJSON *req;
	size_t i;

	if (c->busy) {
		control_reply_err(c, EXIT_USAGE, "one request at a time per "
		    "connection");
		return;
	}
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
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd->valuestring, commands[i].cmd) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		control_reply_err(c, EXIT_USAGE, "request.cmd: unknown command "
		    "\"%.64s\"", cmd->valuestring);
		cJSON_Delete(req);
		return;
	}
	if (commands[i].privileged && !c->peer.privileged) {
		log_warnx("control: refused \"%s\" from uid %d (pid %d): not "
		    "privileged", commands[i].cmd, (int)c->peer.uid,
		    (int)c->peer.pid);
		control_reply_err(c, EXIT_FAIL, "permission denied: \"%s\" "
		    "changes the device and needs root or membership in "
		    "group \"%s\" (you are uid %d)", commands[i].cmd,
		    c->d->ctl_group, (int)c->peer.uid);
		cJSON_Delete(req);
		return;
	}
	c->busy = true;
	c->replied = false;
	log_debug("control: %s from uid %d", commands[i].cmd, (int)c->peer.uid);
	commands[i].fn(c, req);
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
		/* A pending reply still refers to c: close after it. */
		uv_read_stop(s);
		if (c->busy)
			c->eof = true;
		else
			conn_close(c);
		return;
	}
	if (jsonline_feed(&c->in, buf->base, (size_t)n, dispatch, c) != 0) {
		control_reply_err(c, EXIT_USAGE, "request longer than %d bytes",
		    CTL_LINE_MAX);
		uv_read_stop(s);
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

static void
on_connection(uv_stream_t *server, int status)
{
	struct wardend *d = server->data;
	struct ctl_conn *c;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	uv_os_fd_t fd;

	if (status < 0 || (c = calloc(1, sizeof(*c))) == NULL)
		return;
	c->d = d;
	c->next = d->ctl_conns;
	if (d->ctl_conns != NULL)
		d->ctl_conns->prev = c;
	d->ctl_conns = c;
	jsonline_init(&c->in, CTL_LINE_MAX);
	uv_pipe_init(d->loop, &c->pipe, 0);
	c->pipe.data = c;
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
	uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
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
control_start(struct wardend *d)
{
	const char *path = d->conf.control_socket;
	struct group *gr;
	int rc;

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
