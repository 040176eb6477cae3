/*
 * fuzz_netwatch.c - the rtnetlink reader of agent/session/netwatch.c: an input
 * is what one recv() on the socket gave (seeds: a link coming up, a link
 * going down, an address added, two messages in one read).
 *
 * Invariants: no read past the input (ASan); the answer for a buffer
 * is the answer for its messages taken one by one, in any order of
 * reads that keeps them whole.
 */
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/core.h"
#include "agent/provision/provision.h"
#include "agent/transport/transport.h"
#include "agent/policy/policy.h"
#include "agent/session/session.h"
#include "agent/daemon/daemon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *h;
	uint8_t *copy;
	bool whole, any = false;
	size_t off = 0;

	/* Aligned, as the socket's buffer is. */
	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	whole = netwatch_says_up(copy, size);
	/* The messages one by one, as NLMSG_OK and NLMSG_NEXT walk them. */
	while (size - off >= sizeof(*h)) {
		h = (const void *)(copy + off);
		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > size - off)
			break;
		if (netwatch_says_up(h, h->nlmsg_len))
			any = true;
		if (NLMSG_ALIGN(h->nlmsg_len) >= size - off)
			break;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	if (whole != any)
		abort();
	free(copy);
	return 0;
}
