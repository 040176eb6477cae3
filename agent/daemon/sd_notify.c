/*
 * sd_notify.c - READY/STATUS/RELOADING/STOPPING and the watchdog, sent
 * to systemd over $NOTIFY_SOCKET (the protocol of sd_notify(3)).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "agent/daemon/sd_notify.h"
#include "agent/core/core.h"
#include "agent/daemon/daemon.h"

int
sdnotify_send(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t slen;
	size_t plen;
	ssize_t n;
	int fd, saved;

	if (path == NULL || *path == '\0')
		return 0;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || plen >= sizeof(sun.sun_path)) {
		errno = EINVAL;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';	/* the abstract namespace */
	slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
	    (path[0] == '/' ? 1 : 0));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	n = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (const struct sockaddr *)&sun, slen);
	saved = errno;
	close(fd);
	if (n != (ssize_t)strlen(msg)) {
		errno = n == -1 ? saved : EMSGSIZE;
		return -1;
	}
	return 1;
}

/* A decimal without sign or junk, at most UINT64_MAX. */
static int
parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' ||
		    v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int
sdnotify_watchdog_interval(const char *usec, const char *pid, pid_t self,
    uint64_t *ms)
{
	uint64_t us, p;

	if (parse_u64(usec, &us) != 0 || us == 0)
		return -1;
	if (pid != NULL && (parse_u64(pid, &p) != 0 || p != (uint64_t)self))
		return -1;
	/* Half the timeout, as sd_watchdog_enabled(3) advises: one late
	 * ping never costs a restart. */
	*ms = us / 2000;
	if (*ms == 0)
		*ms = 1;
	return 0;
}

void
sdnotify_status_text(enum agent_state s, const struct posture_result *r,
    char *buf, size_t len)
{
	if (r == NULL)
		snprintf(buf, len, "%s, not scanned yet", state_name(s));
	else if (r->policy_compliant)
		snprintf(buf, len, "%s, compliant", state_name(s));
	else
		snprintf(buf, len, "%s, not compliant (%s)", state_name(s),
		    posture_state_name(r->verdict));
}

/* Sends msg; a failure is logged once per kind of message. */
static void
send_logged(const char *msg)
{
	if (sdnotify_send(msg) == -1)
		log_warn("sd_notify: %.*s", (int)strcspn(msg, "\n"), msg);
}

/* "STATUS=..." of the agent now. */
static void
status_line(struct wardend *d, char *buf, size_t len)
{
	enum agent_state s = STATE_UNPROVISIONED;
	char text[256];

	if (store_get_state(d->store, &s, NULL, 0) != 0)
		s = STATE_UNPROVISIONED;
	sdnotify_status_text(s, d->have_result ? &d->result : NULL, text,
	    sizeof(text));
	snprintf(buf, len, "STATUS=%s", text);
}

static void
on_watchdog(uv_timer_t *t)
{
	/* Sent from the loop: a loop that no longer turns stops pinging,
	 * and systemd restarts the agent. */
	(void)t;
	send_logged("WATCHDOG=1");
}

void
sdnotify_ready(struct wardend *d)
{
	char msg[SDNOTIFY_MSG_MAX], status[SDNOTIFY_MSG_MAX - 16];
	uint64_t ms;

	status_line(d, status, sizeof(status));
	snprintf(msg, sizeof(msg), "READY=1\n%s", status);
	send_logged(msg);
	if (getenv("NOTIFY_SOCKET") == NULL ||
	    sdnotify_watchdog_interval(getenv("WATCHDOG_USEC"),
	    getenv("WATCHDOG_PID"), getpid(), &ms) != 0)
		return;
	uv_timer_init(d->loop, &d->watchdog);
	d->watchdog.data = d;
	uv_timer_start(&d->watchdog, on_watchdog, ms, ms);
	d->watchdog_active = true;
	log_info("systemd watchdog: a ping every %llu ms",
	    (unsigned long long)ms);
}

void
sdnotify_status(struct wardend *d)
{
	char status[SDNOTIFY_MSG_MAX];

	status_line(d, status, sizeof(status));
	send_logged(status);
}

void
sdnotify_reloading(struct wardend *d)
{
	char msg[SDNOTIFY_MSG_MAX];
	struct timespec ts;

	(void)d;
	/* MONOTONIC_USEC lets a Type=notify-reload manager match the
	 * reload to this signal; older managers ignore it. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	send_logged(msg);
}

void
sdnotify_reloaded(struct wardend *d)
{
	char msg[SDNOTIFY_MSG_MAX], status[SDNOTIFY_MSG_MAX - 16];

	status_line(d, status, sizeof(status));
	snprintf(msg, sizeof(msg), "READY=1\n%s", status);
	send_logged(msg);
}

void
sdnotify_stopping(struct wardend *d)
{
	send_logged("STOPPING=1");
	if (d->watchdog_active)
		uv_close((uv_handle_t *)&d->watchdog, NULL);
	d->watchdog_active = false;
}
