/* Tests agent/core/noncompliance.c: non-compliance time counted on the boot
 * clock within a boot and on the bounded wall clock across a reboot, and
 * the stored record's strict parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "agent/core/clock.h"

#define HOUR 3600
#define DAY (24 * HOUR)
#define W0 1750000000LL	/* some wall time in 2025 */
#define BOOT_A "0f5e7a9c-1111-4a4a-8b8b-000000000001"
#define BOOT_B "0f5e7a9c-2222-4a4a-8b8b-000000000002"

static struct clock_now
at(const char *boot_id, int64_t boot, int64_t wall)
{
	struct clock_now n;

	memset(&n, 0, sizeof(n));
	snprintf(n.boot_id, sizeof(n.boot_id), "%s", boot_id);
	n.boot = boot;
	n.wall = wall;
	return n;
}

/* A count of `seconds` last taken at (boot_id, boot, wall). */
static struct noncompliance
count(int64_t seconds, const char *boot_id, int64_t boot, int64_t wall)
{
	struct noncompliance nc;

	nc.seconds = seconds;
	nc.at = at(boot_id, boot, wall);
	return nc;
}

static void
fresh_start(void **state)
{
	struct clock_now now = at(BOOT_A, 500, W0);
	struct noncompliance next;

	(void)state;
	assert_int_equal(noncompliance_accrue(NULL, &now, &next), 0);
	assert_int_equal(next.seconds, 0);
	assert_int_equal(next.at.boot, 500);
	assert_int_equal(next.at.wall, W0);
	assert_string_equal(next.at.boot_id, BOOT_A);
}

static void
same_boot_counts_the_boot_clock(void **state)
{
	struct noncompliance prev = count(100, BOOT_A, 1000, W0), next;
	struct clock_now now = at(BOOT_A, 1000 + HOUR, W0 + HOUR);

	(void)state;
	assert_int_equal(noncompliance_accrue(&prev, &now, &next), HOUR);
	assert_int_equal(next.seconds, 100 + HOUR);
	assert_int_equal(next.at.boot, 1000 + HOUR);
}

static void
same_boot_wall_set_back_loses_nothing(void **state)
{
	/* An hour of boot time passed; the wall clock says ten days back. */
	struct noncompliance prev = count(2 * DAY, BOOT_A, 1000, W0), next;
	struct clock_now now = at(BOOT_A, 1000 + HOUR, W0 - 10 * DAY);

	(void)state;
	assert_int_equal(noncompliance_accrue(&prev, &now, &next), HOUR);
	assert_int_equal(next.seconds, 2 * DAY + HOUR);
	/* The next reading counts from the new wall time, not the old. */
	assert_int_equal(next.at.wall, W0 - 10 * DAY);
}

static void
same_boot_wall_set_forward_gains_nothing(void **state)
{
	/* A minute of boot time passed; the wall clock jumped 30 days. */
	struct noncompliance prev = count(0, BOOT_A, 1000, W0), next;
	struct clock_now now = at(BOOT_A, 1060, W0 + 30 * DAY);

	(void)state;
	assert_int_equal(noncompliance_accrue(&prev, &now, &next), 60);
	assert_int_equal(next.seconds, 60);
}

static void
reboot_credits_the_wall_gap(void **state)
{
	/* Off for six hours, up for two minutes. */
	struct noncompliance prev = count(DAY, BOOT_A, 90000, W0), next;
	struct clock_now now = at(BOOT_B, 120, W0 + 6 * HOUR);

	(void)state;
	assert_int_equal(noncompliance_accrue(&prev, &now, &next), 6 * HOUR);
	assert_int_equal(next.seconds, DAY + 6 * HOUR);
	assert_string_equal(next.at.boot_id, BOOT_B);
	assert_int_equal(next.at.boot, 120);
}

static void
reboot_wall_forward_is_capped(void **state)
{
	struct noncompliance prev = count(0, BOOT_A, 90000, W0), next;
	struct clock_now now = at(BOOT_B, 60, W0 + 30 * DAY);

	(void)state;
	assert_int_equal(noncompliance_accrue(&prev, &now, &next),
	    NONCOMPLIANCE_REBOOT_MAX);
	assert_int_equal(next.seconds, NONCOMPLIANCE_REBOOT_MAX);
}

static void
reboot_wall_back_credits_nothing(void **state)
{
	struct noncompliance prev = count(3 * DAY, BOOT_A, 90000, W0), next;
	struct clock_now now = at(BOOT_B, 0, W0 - 10 * DAY);

	(void)state;
	assert_int_equal(noncompliance_accrue(&prev, &now, &next), 0);
	assert_int_equal(next.seconds, 3 * DAY);
}

static void
reboot_credits_at_least_the_time_since_boot(void **state)
{
	/* The wall clock went back, but the device has certainly been up
	 * for 300 s since the previous reading's boot ended. */
	struct noncompliance prev = count(3 * DAY, BOOT_A, 90000, W0), next;
	struct clock_now now = at(BOOT_B, 300, W0 - 10 * DAY);

	(void)state;
	assert_int_equal(noncompliance_accrue(&prev, &now, &next), 300);
	/* The same above the cap: two days up since boot count in full. */
	now = at(BOOT_B, 2 * DAY, W0 + 40 * DAY);
	assert_int_equal(noncompliance_accrue(&prev, &now, &next), 2 * DAY);
}

static void
boot_clock_back_is_a_reboot(void **state)
{
	/* The same boot id with a boot clock that went back: only a reboot
	 * explains it (an unreadable boot id is "" on both sides). */
	struct noncompliance prev = count(0, "", 5000, W0), next;
	struct clock_now now = at("", 100, W0 + 2 * HOUR);

	(void)state;
	assert_int_equal(noncompliance_accrue(&prev, &now, &next), 2 * HOUR);
	now = at("", 5100, W0 + 30 * DAY);
	assert_int_equal(noncompliance_accrue(&prev, &now, &next), 100);
}

static void
saturates_and_works_in_place(void **state)
{
	struct noncompliance nc = count(NONCOMPLIANCE_SECONDS_MAX - 10,
	    BOOT_A, 0, W0);
	struct clock_now now = at(BOOT_A, 1000, W0);

	(void)state;
	assert_int_equal(noncompliance_accrue(&nc, &now, &nc), 1000);
	assert_int_equal(nc.seconds, NONCOMPLIANCE_SECONDS_MAX);
	assert_int_equal(nc.at.boot, 1000);
}

static void
round_trip(void **state)
{
	struct noncompliance in = count(123456, BOOT_A, 7890, W0), out;
	char text[NONCOMPLIANCE_TEXT_MAX], err[128];

	(void)state;
	assert_int_equal(noncompliance_format(&in, text, sizeof(text)), 0);
	assert_string_equal(text, "{\"seconds\":123456,\"boot_id\":\"" BOOT_A
	    "\",\"boot\":7890,\"wall\":1750000000}");
	assert_int_equal(noncompliance_parse(text, &out, err, sizeof(err)), 0);
	assert_int_equal(out.seconds, 123456);
	assert_int_equal(out.at.boot, 7890);
	assert_int_equal(out.at.wall, W0);
	assert_string_equal(out.at.boot_id, BOOT_A);
	/* An unknown boot id is stored as "". */
	in.at.boot_id[0] = '\0';
	assert_int_equal(noncompliance_format(&in, text, sizeof(text)), 0);
	assert_int_equal(noncompliance_parse(text, &out, err, sizeof(err)), 0);
	assert_string_equal(out.at.boot_id, "");
	/* A boot id that would need escaping is never written. */
	snprintf(in.at.boot_id, sizeof(in.at.boot_id), "a\"b");
	assert_int_equal(noncompliance_format(&in, text, sizeof(text)), -1);
	/* Nor one that does not fit. */
	in.at.boot_id[0] = '\0';
	assert_int_equal(noncompliance_format(&in, text, 20), -1);
}

static void
malformed_records(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "not a JSON object" },
		{ "[1,2]", "not a JSON object" },
		{ "{\"seconds\":1,\"boot_id\":\"a\",\"boot\":1,\"wall\":1}x",
		    "not a JSON object" },
		{ "{\"boot_id\":\"a\",\"boot\":1,\"wall\":1}", "seconds: missing" },
		{ "{\"seconds\":1,\"boot\":1,\"wall\":1}", "boot_id: missing" },
		{ "{\"seconds\":1,\"boot_id\":\"a\",\"wall\":1}", "boot: missing" },
		{ "{\"seconds\":1,\"boot_id\":\"a\",\"boot\":1}", "wall: missing" },
		{ "{\"seconds\":1,\"seconds\":2,\"boot_id\":\"a\",\"boot\":1,"
		    "\"wall\":1}", "seconds: given twice" },
		{ "{\"seconds\":1,\"boot_id\":\"a\",\"boot\":1,\"wall\":1,"
		    "\"days\":9}", "days: unknown member" },
		{ "{\"seconds\":-1,\"boot_id\":\"a\",\"boot\":1,\"wall\":1}",
		    "seconds: not an integer" },
		{ "{\"seconds\":1.5,\"boot_id\":\"a\",\"boot\":1,\"wall\":1}",
		    "seconds: not an integer" },
		{ "{\"seconds\":\"1\",\"boot_id\":\"a\",\"boot\":1,\"wall\":1}",
		    "seconds: not an integer" },
		{ "{\"seconds\":1e300,\"boot_id\":\"a\",\"boot\":1,\"wall\":1}",
		    "seconds: not an integer" },
		{ "{\"seconds\":1,\"boot_id\":\"a\",\"boot\":1,"
		    "\"wall\":253402300800}", "wall: not an integer" },
		{ "{\"seconds\":1,\"boot_id\":\"a b\",\"boot\":1,\"wall\":1}",
		    "boot_id: not" },
		{ "{\"seconds\":1,\"boot_id\":7,\"boot\":1,\"wall\":1}",
		    "boot_id: not" },
		{ "{\"seconds\":1,\"boot_id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"boot\":1,"
		    "\"wall\":1}", "boot_id: not" },
		{ "{\"seconds\":1,\"boot_id\":\"a\",\"boot\":1,\"wall\":1,"
		    "\"pad\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		    "longer than 256 bytes" },
	};
	struct noncompliance out;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(noncompliance_parse(bad[i].text, &out, err,
		    sizeof(err)), -1);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("%s: got \"%s\", want \"%s\"", bad[i].text, err,
			    bad[i].why);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fresh_start),
		cmocka_unit_test(same_boot_counts_the_boot_clock),
		cmocka_unit_test(same_boot_wall_set_back_loses_nothing),
		cmocka_unit_test(same_boot_wall_set_forward_gains_nothing),
		cmocka_unit_test(reboot_credits_the_wall_gap),
		cmocka_unit_test(reboot_wall_forward_is_capped),
		cmocka_unit_test(reboot_wall_back_credits_nothing),
		cmocka_unit_test(reboot_credits_at_least_the_time_since_boot),
		cmocka_unit_test(boot_clock_back_is_a_reboot),
		cmocka_unit_test(saturates_and_works_in_place),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(malformed_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
