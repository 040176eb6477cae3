/*
 * state.c - the agent's life cycle.
 *
 *   UNPROVISIONED -> PROVISIONING -> ENROLLING -> MANAGED
 *        |   ^            |              |           |
 *        |   +------------+--------------+           v
 *        +--> STANDALONE (local policy, no server)  RETIRED -> UNPROVISIONED
 *
 * A failed provisioning or enrollment goes back to UNPROVISIONED; a
 * managed or standalone device is retired before it can be provisioned
 * again.
 */
#include <string.h>

#include "agent/core/core.h"

static const char *const names[STATE_COUNT] = {
	[STATE_UNPROVISIONED] = "UNPROVISIONED",
	[STATE_PROVISIONING] = "PROVISIONING",
	[STATE_ENROLLING] = "ENROLLING",
	[STATE_MANAGED] = "MANAGED",
	[STATE_STANDALONE] = "STANDALONE",
	[STATE_RETIRED] = "RETIRED",
};

/* allowed[from] is the set of states reachable in one step. */
static const unsigned int allowed[STATE_COUNT] = {
	[STATE_UNPROVISIONED] = 1u << STATE_PROVISIONING |
	    1u << STATE_STANDALONE,
	[STATE_PROVISIONING] = 1u << STATE_ENROLLING |
	    1u << STATE_UNPROVISIONED,
	[STATE_ENROLLING] = 1u << STATE_MANAGED | 1u << STATE_UNPROVISIONED |
	    1u << STATE_RETIRED,
	[STATE_MANAGED] = 1u << STATE_RETIRED,
	[STATE_STANDALONE] = 1u << STATE_RETIRED,
	[STATE_RETIRED] = 1u << STATE_UNPROVISIONED,
};

const char *
state_name(enum agent_state s)
{
	if ((unsigned int)s >= STATE_COUNT)
		return "INVALID";
	return names[s];
}

int
state_parse(const char *s, enum agent_state *out)
{
	int i;

	for (i = 0; i < STATE_COUNT; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum agent_state)i;
			return 0;
		}
	}
	return -1;
}

bool
state_transition_allowed(enum agent_state from, enum agent_state to)
{
	if ((unsigned int)from >= STATE_COUNT || (unsigned int)to >= STATE_COUNT)
		return false;
	return (allowed[from] & (1u << to)) != 0;
}
