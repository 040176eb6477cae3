/*
 * fuzz_netmsg.c - libFuzzer target for the decoder of the messages
 * between wardend and its network process (agent/transport/netmsg.c):
 * what the parent runs on every byte a compromised network process may
 * send. The input is one message, header included.
 *
 * Invariants: a failure carries a reason and leaves the message empty;
 * an accepted message has every field its type promises within its
 * bounds, and encoding an accepted reply again gives a message that is
 * accepted again with the same values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/netmsg.h"
#include "agent/transport/rest_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_reply(const struct transport_reply *r)
{
	size_t i;

	if ((int)r->status < TRANSPORT_OK || r->status > TRANSPORT_BAD_REPLY ||
	    r->code < 0 || r->code > 999 ||
	    strlen(r->why) >= TRANSPORT_WHY_MAX ||
	    r->naccepted > TRANSPORT_BATCH_MAX ||
	    r->ncommands > TRANSPORT_COMMANDS_MAX)
		abort();
	if (r->device_id != NULL && (!rest_json_safe_id(r->device_id,
	    TRANSPORT_ID_MAX) || r->certificate == NULL ||
	    r->ca_certificate == NULL || r->policy == NULL ||
	    r->poll_timeout < 1 || r->poll_timeout > TRANSPORT_WAIT_MAX))
		abort();
	if (r->etag != NULL && strlen(r->etag) > TRANSPORT_ETAG_MAX)
		abort();
	for (i = 0; i < r->naccepted; i++)
		if (!rest_json_safe_id(r->accepted[i], TRANSPORT_KEY_MAX))
			abort();
	for (i = 0; i < r->ncommands; i++)
		if (!rest_json_safe_id(r->commands[i].id,
		    TRANSPORT_CMD_ID_MAX) || r->commands[i].type[0] == '\0' ||
		    r->commands[i].params == NULL ||
		    r->commands[i].params[0] != '{' ||
		    r->commands[i].duration < 0 ||
		    r->commands[i].duration > REST_JSON_DURATION_MAX)
			abort();
}

/* The request type a reply type answers (for the re-encoding). */
static enum netmsg_type
request_of(enum netmsg_type t)
{
	switch (t) {
	case NETMSG_R_ENROLL:
		return NETMSG_ENROLL;
	case NETMSG_R_POLICY:
		return NETMSG_FETCH_POLICY;
	case NETMSG_R_REPORTS:
		return NETMSG_PUSH_REPORTS;
	case NETMSG_R_COMMANDS:
		return NETMSG_RECEIVE_COMMANDS;
	case NETMSG_R_CERTIFICATE:
		return NETMSG_RENEW;
	default:
		return NETMSG_SEND_RESULT;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netmsg m, again;
	struct netmsg_buf b;
	char why[256];
	size_t total;

	why[0] = '\0';
	if (netmsg_parse(data, size, &m, why, sizeof(why)) != 0) {
		if (why[0] == '\0' || m.payload != NULL || m.items != NULL ||
		    m.accepted != NULL || m.commands != NULL)
			abort();
		return 0;
	}
	if (netmsg_frame(data, size, &total, why, sizeof(why)) != 0 ||
	    total != size)
		abort();
	if (m.nitems > TRANSPORT_BATCH_MAX || m.hash_len > NETMSG_HASH_MAX ||
	    m.sig_len > NETMSG_SIG_MAX || m.wait < 0 ||
	    m.wait > TRANSPORT_WAIT_MAX)
		abort();
	if (m.type >= NETMSG_R_STATUS && m.type < NETMSG_SIGN) {
		check_reply(&m.reply);
		memset(&b, 0, sizeof(b));
		netmsg_put_reply(&b, m.type == NETMSG_R_STATUS &&
		    m.reply.status != TRANSPORT_OK ? NETMSG_FETCH_POLICY :
		    request_of(m.type), m.conn, m.id, &m.reply);
		if (b.failed || netmsg_parse(b.data, b.len, &again, why,
		    sizeof(why)) != 0)
			abort();
		if (again.type != m.type || again.reply.status !=
		    m.reply.status || again.reply.naccepted !=
		    m.reply.naccepted || again.reply.ncommands !=
		    m.reply.ncommands)
			abort();
		netmsg_clear(&again);
		netmsg_buf_free(&b);
	}
	netmsg_clear(&m);
	return 0;
}
