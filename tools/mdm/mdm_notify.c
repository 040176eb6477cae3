/*
 * mdm_notify.c - how a long poll learns that the admin CLI, another
 * process, queued a command: the CLI rewrites DIR/notify after its
 * transaction has committed; the server's main thread watches DIR with
 * inotify and bumps a generation counter under a condition variable that
 * every waiting long poll sleeps on. Nothing polls while nothing happens.
 * Without inotify (out of watches, say) waiters re-read the database
 * every 100 ms instead, which is the only polling fallback.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "mdm.h"

#define FALLBACK_MS 100

int64_t
mdm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
mdm_notify_init(struct mdm_notify *n, const char *dir)
{
	pthread_condattr_t ca;

	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (pthread_condattr_init(&ca) != 0)
		return -1;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_cond_init(&n->cond, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		return -1;
	}
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&n->mu, NULL);
	n->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (n->fd < 0) {
		mdm_log_warn("inotify; long polls re-read the database every "
		    "%d ms", FALLBACK_MS);
		return 0;
	}
	if (inotify_add_watch(n->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
		mdm_log_warn("inotify watch on %s; long polls re-read the "
		    "database every %d ms", dir, FALLBACK_MS);
		close(n->fd);
		n->fd = -1;
	}
	return 0;
}

void
mdm_notify_free(struct mdm_notify *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	pthread_cond_destroy(&n->cond);
	pthread_mutex_destroy(&n->mu);
}

int
mdm_notify_fd(const struct mdm_notify *n)
{
	return n->fd;
}

void
mdm_notify_bump(struct mdm_notify *n)
{
	pthread_mutex_lock(&n->mu);
	n->gen++;
	pthread_cond_broadcast(&n->cond);
	pthread_mutex_unlock(&n->mu);
}

void
mdm_notify_drain(struct mdm_notify *n)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct
	    inotify_event))));
	const struct inotify_event *ev;
	bool hit = false;
	ssize_t len;
	char *p;

	if (n->fd < 0)
		return;
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
		mdm_notify_bump(n);
}

void
mdm_notify_stop(struct mdm_notify *n)
{
	pthread_mutex_lock(&n->mu);
	n->stopping = true;
	pthread_cond_broadcast(&n->cond);
	pthread_mutex_unlock(&n->mu);
}

uint64_t
mdm_notify_gen(struct mdm_notify *n)
{
	uint64_t g;

	pthread_mutex_lock(&n->mu);
	g = n->gen;
	pthread_mutex_unlock(&n->mu);
	return g;
}

bool
mdm_notify_wait(struct mdm_notify *n, uint64_t gen, int64_t deadline_ms)
{
	struct timespec ts;
	int64_t until = deadline_ms;
	bool running;

	if (n->fd < 0 && until > mdm_now_ms() + FALLBACK_MS)
		until = mdm_now_ms() + FALLBACK_MS;
	ts.tv_sec = (time_t)(until / 1000);
	ts.tv_nsec = (long)(until % 1000) * 1000000L;
	pthread_mutex_lock(&n->mu);
	while (!n->stopping && n->gen == gen) {
		if (pthread_cond_timedwait(&n->cond, &n->mu, &ts) == ETIMEDOUT)
			break;
	}
	running = !n->stopping;
	pthread_mutex_unlock(&n->mu);
	return running;
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
