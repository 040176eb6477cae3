/*
 * fuzz_rest_reply.c - libFuzzer target for the decoders of the HTTPS
 * binding's server replies (agent/transport/rest/rest_json.c): enrollment,
 * policy, report acknowledgements, commands, certificate, error bodies,
 * and the RFC 3339 time and duration parsers. Each input is offered to
 * all of them.
 *
 * Invariants: a failure carries a "member: reason" message and leaves the
 * reply empty; an accepted reply has every field its decoder promises,
 * ids that are safe in a path, and bounded sizes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/rest/rest_json.h"
#include "profiles/rfc3339.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*decoder)(const char *, size_t, struct rest_json_reply *,
    char *, size_t);

static void
empty(const struct rest_json_reply *r)
{
	if (r->device_id != NULL || r->certificate != NULL ||
	    r->ca_certificate != NULL || r->policy != NULL ||
	    r->command_key != NULL ||
	    r->accepted != NULL || r->naccepted != 0 || r->commands != NULL ||
	    r->ncommands != 0)
		abort();
}

static void
check(const struct rest_json_reply *r)
{
	size_t i;

	if (r->device_id != NULL && (!rest_json_safe_id(r->device_id,
	    TRANSPORT_ID_MAX) || r->certificate == NULL ||
	    r->ca_certificate == NULL || r->policy == NULL ||
	    r->poll_timeout < 1 || r->poll_timeout > TRANSPORT_WAIT_MAX))
		abort();
	if (r->naccepted > TRANSPORT_BATCH_MAX ||
	    r->ncommands > TRANSPORT_COMMANDS_MAX)
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
		    r->commands[i].duration > REST_JSON_DURATION_MAX ||
		    (r->commands[i].signature != NULL &&
		    (r->commands[i].signature[0] == '\0' ||
		    strlen(r->commands[i].signature) >
		    TRANSPORT_SIGNATURE_MAX)))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const decoder decoders[] = {
		rest_json_enroll_reply, rest_json_policy_reply,
		rest_json_reports_reply, rest_json_commands_reply,
		rest_json_certificate_reply,
	};
	struct rest_json_reply r;
	const char *text = (const char *)data;
	char why[256], msg[128], *s;
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++) {
		why[0] = '\0';
		if (decoders[i](text, size, &r, why, sizeof(why)) != 0) {
			if (why[0] == '\0' || strstr(why, ": ") == NULL)
				abort();
			empty(&r);
			continue;
		}
		check(&r);
		rest_json_reply_clear(&r);
	}
	if (rest_json_error_message(text, size, msg, sizeof(msg)) == 0)
		for (s = msg; *s != '\0'; s++)
			if ((unsigned char)*s < 0x20)
				abort();
	if (size < 128 && (s = malloc(size + 1)) != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
		(void)rfc3339_parse(s, 0, &v);
		if (rest_json_duration_parse(s, &v) == 0 &&
		    (v < 0 || v > REST_JSON_DURATION_MAX))
			abort();
		free(s);
	}
	return 0;
}
