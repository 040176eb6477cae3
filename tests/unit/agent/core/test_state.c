/* Tests agent/core/state.c: names and the allowed transitions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "agent/core/core.h"

static void
names_round_trip(void **state)
{
	enum agent_state s;
	int i;

	(void)state;
	for (i = 0; i < STATE_COUNT; i++) {
		assert_int_equal(state_parse(state_name((enum agent_state)i),
		    &s), 0);
		assert_int_equal(s, i);
	}
	assert_int_equal(state_parse("MANAGEDX", &s), -1);
	assert_string_equal(state_name((enum agent_state)42), "INVALID");
}

static void
transitions(void **state)
{
	(void)state;
	/* the provisioning path */
	assert_true(state_transition_allowed(STATE_UNPROVISIONED,
	    STATE_PROVISIONING));
	assert_true(state_transition_allowed(STATE_PROVISIONING,
	    STATE_ENROLLING));
	assert_true(state_transition_allowed(STATE_ENROLLING, STATE_MANAGED));
	assert_true(state_transition_allowed(STATE_MANAGED, STATE_RETIRED));
	assert_true(state_transition_allowed(STATE_RETIRED,
	    STATE_UNPROVISIONED));
	/* standalone */
	assert_true(state_transition_allowed(STATE_UNPROVISIONED,
	    STATE_STANDALONE));
	assert_true(state_transition_allowed(STATE_STANDALONE, STATE_RETIRED));
	/* failures go back */
	assert_true(state_transition_allowed(STATE_PROVISIONING,
	    STATE_UNPROVISIONED));
	/* refused */
	assert_false(state_transition_allowed(STATE_UNPROVISIONED,
	    STATE_MANAGED));
	assert_false(state_transition_allowed(STATE_MANAGED,
	    STATE_PROVISIONING));
	assert_false(state_transition_allowed(STATE_MANAGED,
	    STATE_UNPROVISIONED));
	assert_false(state_transition_allowed(STATE_STANDALONE,
	    STATE_MANAGED));
	assert_false(state_transition_allowed(STATE_MANAGED, STATE_MANAGED));
	assert_false(state_transition_allowed((enum agent_state)9,
	    STATE_MANAGED));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(transitions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
