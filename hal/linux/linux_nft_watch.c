/*
 * linux_nft_watch.c - the live nftables ruleset is read with `nft -j
 * list ruleset`, a process; a scan must not start one every time. The
 * answer is kept and read again only after nf_tables has announced a
 * change: the kernel sends every ruleset change (a table, chain, rule
 * or set added, changed or removed, by nft or anyone else) to the
 * netlink group NFNLGRP_NFTABLES, which this socket joins before the
 * first read. A scan drains the socket without blocking: any message,
 * or an overrun (ENOBUFS: messages were lost), means the ruleset may
 * have changed. Without the group (no CAP_NET_ADMIN, no nf_tables)
 * nothing is kept and nft runs every time, as before.
 *
 * On the real root only: under a prefix the ruleset of the tree is not
 * the kernel's.
 */
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hal/linux/linux.h"

static int
watch_open(void)
{
	struct sockaddr_nl sa;
	int fd, grp = NFNLGRP_NFTABLES;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_NETFILTER);
	if (fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
	    sizeof(grp)) != 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* True when anything arrived (or was lost) since the last drain. */
static bool
drain(int fd)
{
	char buf[4096];
	bool changed = false;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			changed = true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			changed = true;
			continue;
		}
		return changed;
	}
}

bool
linux_nft_cached(struct linux_ctx *c, bool *drops)
{
	if (c->prefixed)
		return false;
	if (c->nft_fd == -1) {
		c->nft_fd = watch_open();
		if (c->nft_fd < 0) {
			/* Said once: nft then runs on every scan. */
			linux_note(c, "nftables watch", strerror(-c->nft_fd));
			return false;
		}
	}
	if (c->nft_fd < 0)
		return false;
	if (drain(c->nft_fd))
		c->nft_valid = false;
	if (!c->nft_valid)
		return false;
	*drops = c->nft_drops;
	return true;
}

void
linux_nft_remember(struct linux_ctx *c, bool drops)
{
	if (c->nft_fd < 0)
		return;
	c->nft_valid = true;
	c->nft_drops = drops;
}

void
linux_nft_watch_close(struct linux_ctx *c)
{
	if (c->nft_fd >= 0)
		close(c->nft_fd);
	c->nft_fd = -1;
	c->nft_valid = false;
}
