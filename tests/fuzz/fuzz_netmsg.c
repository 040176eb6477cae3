/*
 * fuzz_netmsg.c - libFuzzer target for the decoder of the messages
 * between wardend and its network process (agent/transport/netmsg.c):
 * what the parent runs on every byte a compromised network process may
 * send. The input is one message, header included.
 *
 * Invariants: a failure carries a reason and leaves the message empty;
 * an accepted message has every field its type promises within its
 * bounds, and encoding an accepted reply again gives a message that is
 * accepted again with the same values; so does an accepted LWM2M_STATE
 * (the snapshot the network process's objects read), whose facts and
 * details are each within their bounds and types.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/netmsg.h"
#include "agent/transport/rest/rest_json.h"

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

static void
check_str(const char *s, size_t size)
{
	if (strnlen(s, size) >= size)
		abort();
}

/* An accepted LWM2M_STATE: in bounds, and the same after encoding it
 * again. */
static void
check_state(const struct netmsg_lwm2m_state *st)
{
	struct netmsg again;
	struct netmsg_buf b;
	char why[256];
	size_t i;

	if (st == NULL || st->facts.n > HAL_FACTS_MAX || st->ndetails > 128 ||
	    (!st->valid && st->ndetails > 0))
		abort();
	check_str(st->mode, sizeof(st->mode));
	check_str(st->serial, sizeof(st->serial));
	for (i = 0; i < st->facts.n; i++) {
		if (st->facts.f[i].type > HAL_FACT_VERSION ||
		    st->facts.f[i].name[0] == '\0')
			abort();
		check_str(st->facts.f[i].name, HAL_FACT_NAME_MAX);
		check_str(st->facts.f[i].s, HAL_FACT_STR_MAX);
	}
	for (i = 0; i < st->ndetails; i++) {
		check_str(st->detail[i].setting, 64);
		check_str(st->detail[i].current, 128);
	}
	memset(&b, 0, sizeof(b));
	netmsg_put_lwm2m_state(&b, st);
	if (b.failed || netmsg_parse(b.data, b.len, &again, why,
	    sizeof(why)) != 0)
		abort();
	if (again.state->facts.n != st->facts.n ||
	    again.state->ndetails != st->ndetails ||
	    again.state->valid != st->valid ||
	    strcmp(again.state->mode, st->mode) != 0)
		abort();
	netmsg_clear(&again);
	netmsg_buf_free(&b);
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
		    m.accepted != NULL || m.commands != NULL ||
		    m.state != NULL)
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
	if ((m.state != NULL) != (m.type == NETMSG_LWM2M_STATE))
		abort();
	if (m.type == NETMSG_LWM2M_STATE)
		check_state(m.state);
	if ((m.type == NETMSG_LWM2M_START || m.type == NETMSG_LWM2M_SAVE) &&
	    (m.security == NULL || m.server == NULL ||
	    m.security[0] != '[' || m.server[0] != '['))
		abort();
	if (m.type == NETMSG_LWM2M_APPLIED && (m.lw_status == 0) !=
	    (m.lw_why == NULL))
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
