/*
 * netwatch.c - the kernel's word that the network came back, on the
 * loop: an rtnetlink socket in the groups of link changes and of IPv4
 * and IPv6 addresses. A link that is up and running, or an address
 * added, ends the server's backoff at once (server_network_up()):
 * delivery after an outage does not wait out a delay that grew to five
 * minutes while nothing could be reached. The socket only listens
 * (no request is ever sent) and costs nothing while nothing changes.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/core/core.h"
#include "agent/session/session.h"

bool
netwatch_says_up(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	const struct nlmsghdr *h;
	const struct ifinfomsg *ifi;
	size_t off = 0;
	bool up = false;

	/* NLMSG_OK and NLMSG_NEXT by hand: the macros cast const away. */
	while (len - off >= sizeof(*h)) {
		h = (const void *)(p + off);
		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - off)
			break;
		if (h->nlmsg_type == RTM_NEWADDR &&
		    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
			up = true;
		if (h->nlmsg_type == RTM_NEWLINK &&
		    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg))) {
			ifi = (const void *)(p + off + NLMSG_HDRLEN);
			if ((ifi->ifi_flags & (IFF_UP | IFF_RUNNING)) ==
			    (IFF_UP | IFF_RUNNING))
				up = true;
		}
		if (NLMSG_ALIGN(h->nlmsg_len) >= len - off)
			break;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	return up;
}

static void
on_netlink(uv_poll_t *p, int status, int events)
{
	struct wardend *d = p->data;
	char buf[8192] __attribute__((aligned(__alignof__(struct nlmsghdr))));
	bool up = false;
	ssize_t n;

	(void)events;
	if (status < 0)
		return;
	while ((n = recv(d->netwatch_fd, buf, sizeof(buf), MSG_DONTWAIT)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			up = true;	/* events lost: look again anyway */
			continue;
		}
		if (n < 0)
			break;
		if (netwatch_says_up(buf, (size_t)n))
			up = true;
	}
	if (up)
		server_network_up(d);
}

void
netwatch_start(struct wardend *d)
{
	struct sockaddr_nl sa;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_ROUTE);
	if (fd < 0) {
		log_warn("netwatch: no rtnetlink socket; backoff not cut short "
		    "when the network returns");
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		log_warn("netwatch: rtnetlink groups; backoff not cut short "
		    "when the network returns");
		close(fd);
		return;
	}
	d->netwatch_fd = fd;
	d->netwatch_active = true;
	uv_poll_init(d->loop, &d->netwatch, fd);
	d->netwatch.data = d;
	uv_poll_start(&d->netwatch, UV_READABLE, on_netlink);
}

static void
on_closed(uv_handle_t *h)
{
	struct wardend *d = h->data;

	close(d->netwatch_fd);
	d->netwatch_fd = -1;
}

void
netwatch_stop(struct wardend *d)
{
	if (!d->netwatch_active)
		return;
	d->netwatch_active = false;
	uv_close((uv_handle_t *)&d->netwatch, on_closed);
}
