/*
 * ctl_client.c - wardenctl's side of the control socket: connect, send one
 * request line, read progress lines and the reply line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/core/core.h"
#include "agent/ctl/ctl.h"

struct reader {
	cJSON *reply;
	bool bad;
	void (*fn)(const cJSON *, void *);
	void *arg;
};

static void
on_line(char *line, void *arg)
{
	struct reader *r = arg;
	cJSON *msg, *p;

	if (r->reply != NULL || r->bad)
		return;
	msg = cJSON_ParseWithOpts(line, NULL, true);
	if (msg == NULL || !cJSON_IsObject(msg)) {
		cJSON_Delete(msg);
		r->bad = true;
		return;
	}
	if ((p = cJSON_GetObjectItemCaseSensitive(msg, "progress")) != NULL) {
		if (r->fn != NULL)
			r->fn(p, r->arg);
		cJSON_Delete(msg);
		return;
	}
	r->reply = msg;
}

int
ctl_request_progress(const char *socket_path, const cJSON *req,
    void (*fn)(const cJSON *progress, void *arg), void *arg, cJSON **reply,
    char *err, size_t errlen, int *exit_code)
{
	struct sockaddr_un sun;
	struct reader r = { NULL, false, fn, arg };
	struct jsonline jl;
	char *text, buf[8192];
	size_t len, off = 0;
	ssize_t n;
	int fd, sent_errno;

	*reply = NULL;
	*exit_code = EXIT_UNREACHABLE;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(socket_path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", socket_path);
		*exit_code = EXIT_USAGE;
		return -1;
	}
	memcpy(sun.sun_path, socket_path, strlen(socket_path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		int e = errno;
		if (e == EACCES || e == EPERM) {
			snprintf(err, errlen, "permission denied on %s: talking "
			    "to wardend needs root or membership in the "
			    "socket's group", socket_path);
			*exit_code = EXIT_FAIL;
		} else {
			snprintf(err, errlen, "agent not reachable at %s: %s "
			    "(is wardend running?)", socket_path, strerror(e));
		}
		close(fd);
		return -1;
	}
	if ((text = cJSON_PrintUnformatted(req)) == NULL) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		*exit_code = EXIT_FAIL;
		return -1;
	}
	len = strlen(text);
	text[len] = '\n'; /* replaces the NUL: sent as len + 1 bytes */
	while (off < len + 1) {
		n = send(fd, text + off, len + 1 - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	sent_errno = off < len + 1 ? errno : 0;
	free(text);
	/* An agent that refuses the connection (too many clients) says why
	 * before it hangs up: read that even when the request could not be
	 * sent whole. */
	jsonline_init(&jl, CTL_LINE_MAX);
	while (r.reply == NULL && !r.bad) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (jsonline_feed(&jl, buf, (size_t)n, on_line, &r) != 0)
			r.bad = true;
	}
	jsonline_free(&jl);
	close(fd);
	if (r.reply == NULL && sent_errno != 0) {
		snprintf(err, errlen, "sending to %s: %s", socket_path,
		    strerror(sent_errno));
		*exit_code = EXIT_FAIL;
		return -1;
	}
	if (r.reply == NULL) {
		snprintf(err, errlen, "%s: %s", socket_path, r.bad ?
		    "malformed reply from the agent" :
		    "the agent closed the connection without replying");
		*exit_code = EXIT_FAIL;
		return -1;
	}
	*reply = r.reply;
	*exit_code = EXIT_OK;
	return 0;
}

int
ctl_request(const char *socket_path, const cJSON *req, cJSON **reply,
    char *err, size_t errlen, int *exit_code)
{
	return ctl_request_progress(socket_path, req, NULL, NULL, reply, err,
	    errlen, exit_code);
}
