/*
 * linux_uevent.c - the hot-plug watch: kernel uevents that may concern a
 * camera make the backend re-apply the camera block at once, before the
 * daemon's next scan.
 *
 * On the real root watch_fd() is a NETLINK_KOBJECT_UEVENT socket bound to
 * the kernel's multicast group; only messages from the kernel (port 0,
 * sender uid 0) are taken. Under a root prefix there is no kernel to
 * listen to: the fd is a Unix datagram socket bound at
 * ROOT/run/warden/uevent.sock, to which tests send uevents in the
 * kernel's format. Every message is parsed strictly and bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hal/linux/linux.h"

#define UEVENT_SOCK_DIR "/run/warden"
#define UEVENT_SOCK_NAME "uevent.sock"
#define DRAIN_MAX 256

static const char *const actions[] = { "add", "remove", "change", "move",
	"online", "offline", "bind", "unbind" };

static bool
action_ok(const char *a, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strlen(actions[i]) == n && strncmp(a, actions[i], n) == 0)
			return true;
	return false;
}

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

static const char *
find_key(const struct linux_uevent *ev, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i < ev->nkeys; i++)
		if (strncmp(ev->key[i], key, n) == 0 && ev->key[i][n] == '=')
			return ev->key[i] + n + 1;
	return NULL;
}

int
linux_uevent_parse(const char *buf, size_t len, struct linux_uevent *ev)
{
	const char *p = buf, *end = buf + len, *at, *v;
	size_t hlen;

	memset(ev, 0, sizeof(*ev));
	if (len == 0 || len > LINUX_UEVENT_MAX || buf[len - 1] != '\0')
		return -EINVAL;
	/* "action@devpath" */
	hlen = strlen(p);
	if ((at = memchr(p, '@', hlen)) == NULL || !action_ok(p, (size_t)(at - p)) ||
	    at[1] != '/' || !printable(p))
		return -EINVAL;
	p += hlen + 1;
	while (p < end) {
		size_t n = strlen(p), k = 0;

		if (n == 0 || ev->nkeys == LINUX_UEVENT_KEYS)
			return -EINVAL;
		while ((p[k] >= 'A' && p[k] <= 'Z') || (p[k] >= '0' &&
		    p[k] <= '9') || p[k] == '_')
			k++;
		if (k == 0 || p[k] != '=' || !printable(p + k + 1))
			return -EINVAL;
		{
			char key[64];

			if (k >= sizeof(key))
				return -EINVAL;
			memcpy(key, p, k);
			key[k] = '\0';
			if (find_key(ev, key) != NULL)
				return -EINVAL;	/* duplicate */
		}
		ev->key[ev->nkeys++] = p;
		p += n + 1;
	}
	ev->action = find_key(ev, "ACTION");
	ev->devpath = find_key(ev, "DEVPATH");
	ev->subsystem = find_key(ev, "SUBSYSTEM");
	ev->devtype = find_key(ev, "DEVTYPE");
	/* The header and the keys must tell the same story. */
	if (ev->action == NULL || ev->devpath == NULL || ev->subsystem == NULL ||
	    strlen(ev->action) != (size_t)(at - buf) ||
	    strncmp(ev->action, buf, (size_t)(at - buf)) != 0 ||
	    strcmp(ev->devpath, at + 1) != 0)
		return -EINVAL;
	v = find_key(ev, "SEQNUM");
	if (v != NULL && (v[0] < '0' || v[0] > '9'))
		return -EINVAL;
	return 0;
}

bool
linux_uevent_is_camera(const struct linux_uevent *ev)
{
	const char *iface;

	if (strcmp(ev->action, "add") != 0 && strcmp(ev->action, "bind") != 0 &&
	    strcmp(ev->action, "change") != 0)
		return false;
	if (strcmp(ev->subsystem, "video4linux") == 0)
		return true;
	/* INTERFACE=class/subclass/protocol in decimal: 14 is video. */
	return strcmp(ev->subsystem, "usb") == 0 && ev->devtype != NULL &&
	    strcmp(ev->devtype, "usb_interface") == 0 &&
	    (iface = find_key(ev, "INTERFACE")) != NULL &&
	    strncmp(iface, "14/", 3) == 0;
}

static int
open_netlink(void)
{
	struct sockaddr_nl sa;
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = 1;	/* the kernel's uevents, not udev's */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

static int
open_fixture_socket(struct linux_ctx *c)
{
	struct sockaddr_un sa;
	int dfd, fd, rc;

	if ((rc = linux_mkdirs(c, UEVENT_SOCK_DIR, 0755)) < 0)
		return rc;
	if ((dfd = linux_open(c, UEVENT_SOCK_DIR, O_PATH | O_DIRECTORY, 0)) < 0)
		return dfd;
	unlinkat(dfd, UEVENT_SOCK_NAME, 0);
	/* Bound through the directory fd: the path stays inside ROOT and
	 * short whatever ROOT's length. */
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd,
	    UEVENT_SOCK_NAME);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		close(dfd);
		return rc;
	}
	close(dfd);
	return fd;
}

int
linux_watch_fd(void *ctx)
{
	struct linux_ctx *c = ctx;
	int fd;

	if (c->uevent_fd >= 0)
		return c->uevent_fd;
	fd = c->prefixed ? open_fixture_socket(c) : open_netlink();
	if (fd < 0) {
		linux_note(c, "uevent", strerror(-fd));
		return -1;
	}
	c->uevent_fd = fd;
	return fd;
}

/* Reads one datagram; 1 with a message, 0 when drained, -errno. */
static int
recv_one(struct linux_ctx *c, char *buf, size_t cap, size_t *len)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	struct sockaddr_nl from;
	struct iovec iov = { buf, cap };
	struct msghdr m;
	struct cmsghdr *cm;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	memset(&from, 0, sizeof(from));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = &ctl;
	m.msg_controllen = sizeof(ctl);
	if (!c->prefixed) {
		m.msg_name = &from;
		m.msg_namelen = sizeof(from);
	}
	n = recvmsg(c->uevent_fd, &m, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	*len = (size_t)n;
	if ((m.msg_flags & MSG_TRUNC) != 0)
		return -EMSGSIZE;
	if (c->prefixed)
		return 1;
	/* Only the kernel speaks on group 1; anyone else is an impostor. */
	if (from.nl_pid != 0)
		return -EPERM;
	for (cm = CMSG_FIRSTHDR(&m); cm != NULL; cm = CMSG_NXTHDR(&m, cm)) {
		struct ucred cred;

		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_CREDENTIALS)
			continue;
		memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
		return cred.uid == 0 ? 1 : -EPERM;
	}
	return -EPERM;
}

int
linux_watch_drain(void *ctx)
{
	struct linux_ctx *c = ctx;
	struct linux_uevent ev;
	char buf[LINUX_UEVENT_MAX + 1];
	bool camera = false;
	size_t len = 0;
	int i, rc;

	if (c->uevent_fd < 0)
		return 1;
	for (i = 0; i < DRAIN_MAX; i++) {
		if ((rc = recv_one(c, buf, sizeof(buf), &len)) == 0)
			break;
		if (rc < 0) {
			if (rc != -EPERM && rc != -EMSGSIZE)
				break;
			continue;	/* dropped: not ours, or too large */
		}
		if (linux_uevent_parse(buf, len, &ev) == 0 &&
		    linux_uevent_is_camera(&ev))
			camera = true;
	}
	if (camera && linux_camera_policy_blocked(c) &&
	    linux_camera_block_present(c) < 0)
		linux_note(c, "camera", "hot-plug block failed");
	return 1;
}
