/*
 * mdm_notify.c - how a parked long poll learns that the admin CLI,
 * another process, queued a command: the CLI rewrites DIR/notify after
 * its transaction has committed; the server's loop watches DIR with
 * inotify and, on an event about that file, calls the parked long polls'
 * handlers again. Nothing polls while nothing happens. Without inotify
 * (out of watches, say) the server re-reads the database for its parked
 * long polls every MDM_NOTIFY_FALLBACK_MS instead, the only polling
 * fallback.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "tools/mdm/mdm.h"

int64_t
mdm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
mdm_notify_init(struct mdm_notify *n, const char *dir)
{
	memset(n, 0, sizeof(*n));
	n->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (n->fd < 0) {
		mdm_log_warn("inotify; long polls re-read the database every "
		    "%d ms", MDM_NOTIFY_FALLBACK_MS);
		return;
	}
	if (inotify_add_watch(n->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
		mdm_log_warn("inotify watch on %s; long polls re-read the "
		    "database every %d ms", dir, MDM_NOTIFY_FALLBACK_MS);
		close(n->fd);
		n->fd = -1;
	}
}

void
mdm_notify_free(struct mdm_notify *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

int
mdm_notify_fd(const struct mdm_notify *n)
{
	return n->fd;
}

uint64_t
mdm_notify_gen(const struct mdm_notify *n)
{
	return n->gen;
}

bool
mdm_notify_drain(struct mdm_notify *n)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct
	    inotify_event))));
	const struct inotify_event *ev;
	bool hit = false;
	ssize_t len;
	char *p;

	if (n->fd < 0)
		return false;
	while ((len = read(n->fd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + len; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			if (ev->len > 0 && strcmp(ev->name, MDM_NOTIFY_FILE) ==
			    0)
				hit = true;
			if (ev->mask & IN_Q_OVERFLOW)
				hit = true;
		}
	}
	if (hit)
		n->gen++;
	return hit;
}

void
mdm_notify_touch(const char *dir)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, MDM_NOTIFY_FILE) >=
	    (int)sizeof(path))
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		mdm_log_warn("%s (a waiting long poll is not woken; the device "
		    "gets the command at its next poll)", path);
		return;
	}
	/* The close is the event (IN_CLOSE_WRITE); the byte is for humans. */
	if (write(fd, "1", 1) != 1)
		mdm_log_warn("%s", path);
	close(fd);
}
