/*
 * netmsg_test.h - what the message set's tests share: parse a built
 * message (freeing it), and expect one refused with a named reason.
 */
#ifndef WARDEN_TESTS_UNIT_AGENT_TRANSPORT_NETMSG_TEST_H
#define WARDEN_TESTS_UNIT_AGENT_TRANSPORT_NETMSG_TEST_H

#include <string.h>

#include "agent/transport/netmsg.h"

static inline int
parse_buf(struct netmsg_buf *b, struct netmsg *m, char *why, size_t len)
{
	int rc;

	assert_false(b->failed);
	rc = netmsg_parse(b->data, b->len, m, why, len);
	netmsg_buf_free(b);
	return rc;
}

/* Expects b's message to be refused with a reason holding `what`, and
 * nothing of it kept. */
static inline void
refused(struct netmsg_buf *b, const char *what)
{
	struct netmsg m;
	char why[256] = "";

	assert_int_equal(parse_buf(b, &m, why, sizeof(why)), -1);
	if (strstr(why, what) == NULL)
		fail_msg("reason \"%s\" does not name \"%s\"", why, what);
	assert_null(m.payload);
	assert_null(m.state);
}

#endif /* WARDEN_TESTS_UNIT_AGENT_TRANSPORT_NETMSG_TEST_H */
