/* Tests tools/mdm/mdm_store_fleet.c (and a token's group, which
 * mdm_store.c gives the device enrolling with it): the fleet in one pass
 * with each device's last report, compliance day by day, enrollment
 * information, recent events, a scope's own policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/tools/mdm/mdm_store_test.h"

#define DAY 86400

/* Enrolls device id with a token minted for group (NULL: none). */
static void
enroll(struct mdm_store *st, const char *id, const char *group)
{
	struct mdm_device d = { 0 };
	enum mdm_token_state s;
	struct mdm_cert c = { .serial = 1, .not_after = 2000000000 };
	uint8_t h[CRYPTO_SHA256_LEN], k[CRYPTO_SHA256_LEN];
	char info[64];

	crypto_sha256(id, strlen(id), h);
	crypto_sha256(id, strlen(id), c.fingerprint);
	c.fingerprint[0] ^= 1;
	memcpy(k, h, sizeof(k));
	assert_int_equal(mdm_store_token_add(st, h, "FULLY_MANAGED", group, 0,
	    10 * DAY), 0);
	snprintf(d.id, sizeof(d.id), "%s", id);
	snprintf(d.mode, sizeof(d.mode), "FULLY_MANAGED");
	snprintf(info, sizeof(info), "{\"hardwareInfo\":{\"model\":\"%s\"}}",
	    id);
	assert_int_equal(mdm_store_enroll(st, h, 100, &d, info, &c, k, "pem",
	    &s), 0);
	assert_int_equal(s, MDM_TOKEN_VALID);
}

static void
report(struct mdm_store *st, const char *id, const char *key,
    const char *kind, int compliant, time_t when)
{
	char payload[128];
	struct mdm_report r = { .key = key, .kind = kind, .payload = payload,
	    .compliant = compliant };

	snprintf(payload, sizeof(payload), "{\"policyCompliant\":%s,\"k\":"
	    "\"%s\"}", compliant ? "true" : "false", key);
	assert_int_equal(mdm_store_reports_add(st, id, &r, 1, when), 0);
}

struct seen {
	int n;
	char ids[8][MDM_ID_MAX + 1];
	int compliant[8];
	char group[8][MDM_GROUP_MAX + 1];
	char payload[8][128];
	long long days[8][3];
	int ndays;
};

static int
on_row(const struct mdm_fleet_row *r, void *arg)
{
	struct seen *s = arg;

	snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", r->dev.id);
	s->compliant[s->n] = r->dev.compliant;
	snprintf(s->group[s->n], sizeof(s->group[0]), "%s", r->dev.group);
	snprintf(s->payload[s->n], sizeof(s->payload[0]), "%s",
	    r->payload != NULL ? r->payload : "(null)");
	s->n++;
	return 0;
}

static int
on_day(long long day, long long c, long long nc, void *arg)
{
	struct seen *s = arg;

	s->days[s->ndays][0] = day;
	s->days[s->ndays][1] = c;
	s->days[s->ndays][2] = nc;
	s->ndays++;
	return 0;
}

static void
fleet_and_history(void **state)
{
	struct fixture *f = *state;
	char err[MDM_ERR_MAX];
	struct seen s;

	assert_int_equal(mdm_store_group_add(f->st, "depot", 1, err,
	    sizeof(err)), 0);
	enroll(f->st, "a", "depot");
	enroll(f->st, "b", NULL);
	enroll(f->st, "c", NULL);
	/* a: failing on day 1, fixed on day 2; b: fine, then failing (its
	 * last report of day 2 counts); c never reports. Events do not
	 * count. */
	report(f->st, "a", "a1", "report", 0, DAY + 10);
	report(f->st, "a", "a2", "report", 1, 2 * DAY + 10);
	report(f->st, "b", "b1", "report", 1, DAY + 20);
	report(f->st, "b", "b2", "report", 1, 2 * DAY + 20);
	report(f->st, "b", "b3", "report", 0, 2 * DAY + 30);
	report(f->st, "b", "b4", "event", 1, 2 * DAY + 40);

	memset(&s, 0, sizeof(s));
	assert_int_equal(mdm_store_fleet_each(f->st, on_row, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ids[0], "a");
	assert_string_equal(s.group[0], "depot");
	assert_int_equal(s.compliant[0], 1);
	assert_string_equal(s.payload[0], "(null)");
	assert_string_equal(s.ids[1], "b");
	assert_string_equal(s.group[1], "");
	assert_int_equal(s.compliant[1], 0);
	assert_non_null(strstr(s.payload[1], "\"b3\""));
	assert_int_equal(s.compliant[2], -1);

	assert_int_equal(mdm_store_compliance_days(f->st, NULL, 0, on_day,
	    &s), 0);
	assert_int_equal(s.ndays, 2);
	assert_true(s.days[0][0] == 1 && s.days[0][1] == 1 &&
	    s.days[0][2] == 1);
	assert_true(s.days[1][0] == 2 && s.days[1][1] == 1 &&
	    s.days[1][2] == 1);
	s.ndays = 0;
	assert_int_equal(mdm_store_compliance_days(f->st, "depot", 2 * DAY,
	    on_day, &s), 0);
	assert_int_equal(s.ndays, 1);
	assert_true(s.days[0][0] == 2 && s.days[0][1] == 1 &&
	    s.days[0][2] == 0);
}

static int
on_event(const struct mdm_report_row *r, void *arg)
{
	struct seen *s = arg;

	snprintf(s->ids[s->n++], sizeof(s->ids[0]), "%s", r->key);
	return 0;
}

static void
device_details(void **state)
{
	struct fixture *f = *state;
	char *text = NULL, err[MDM_ERR_MAX];
	long long pushed;
	struct seen s;

	enroll(f->st, "d", NULL);
	assert_int_equal(mdm_store_device_info(f->st, "d", &text), 0);
	assert_string_equal(text, "{\"hardwareInfo\":{\"model\":\"d\"}}");
	free(text);
	assert_int_equal(mdm_store_device_info(f->st, "nope", &text), 1);
	report(f->st, "d", "e1", "event", 1, 10);
	report(f->st, "d", "r1", "report", 1, 11);
	report(f->st, "d", "e2", "event", 1, 12);
	report(f->st, "d", "e3", "event", 1, 13);
	memset(&s, 0, sizeof(s));
	assert_int_equal(mdm_store_events_recent(f->st, "d", 2, on_event, &s),
	    0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.ids[0], "e3");
	assert_string_equal(s.ids[1], "e2");

	assert_int_equal(mdm_store_policy_scope_get(f->st, MDM_SCOPE_DEVICE,
	    "d", &text), 1);
	assert_int_equal(mdm_store_policy_set(f->st, MDM_SCOPE_DEFAULT, NULL,
	    "{\"version\":1}", "1", 5, &pushed, err, sizeof(err)), 0);
	assert_int_equal(mdm_store_policy_set(f->st, MDM_SCOPE_DEVICE, "d",
	    "{\"version\":2}", "2", 5, &pushed, err, sizeof(err)), 0);
	assert_int_equal(mdm_store_policy_scope_get(f->st, MDM_SCOPE_DEFAULT,
	    NULL, &text), 0);
	assert_string_equal(text, "{\"version\":1}");
	free(text);
	assert_int_equal(mdm_store_policy_scope_get(f->st, MDM_SCOPE_DEVICE,
	    "d", &text), 0);
	assert_string_equal(text, "{\"version\":2}");
	free(text);
	assert_int_equal(mdm_store_policy_scope_get(f->st, MDM_SCOPE_GROUP,
	    "d", &text), 1);
}

static void
token_for_a_missing_group(void **state)
{
	struct fixture *f = *state;
	uint8_t h[CRYPTO_SHA256_LEN];

	crypto_sha256("t", 1, h);
	assert_int_not_equal(mdm_store_token_add(f->st, h, "DEDICATED",
	    "ghost", 0, 100), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fleet_and_history, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(device_details, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(token_for_a_missing_group,
		    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
