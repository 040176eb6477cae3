/* Tests agent/transport/rest/rest_json.c: the HTTPS binding's documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/transport/rest/rest_json.h"

#define J(s) s, sizeof(s) - 1

static void
expect_fail(int rc, const char *why, const char *want)
{
	assert_int_equal(rc, -1);
	if (strstr(why, want) == NULL)
		fail_msg("error \"%s\", want \"%s\"", why, want);
}

static void
enroll_reply(void **state)
{
	struct rest_json_reply r;
	char why[256];

	(void)state;
	assert_int_equal(rest_json_enroll_reply(J("{\"deviceId\":\"dev-1\","
	    "\"name\":\"devices/dev-1\",\"certificate\":\"C\","
	    "\"caCertificate\":\"A\",\"policy\":{\"cameraAccess\":"
	    "\"CAMERA_ACCESS_DISABLED\"},\"pollTimeoutSeconds\":20}"), &r, why,
	    sizeof(why)), 0);
	assert_string_equal(r.device_id, "dev-1");
	assert_string_equal(r.certificate, "C");
	assert_string_equal(r.ca_certificate, "A");
	assert_string_equal(r.policy,
	    "{\"cameraAccess\":\"CAMERA_ACCESS_DISABLED\"}");
	assert_int_equal(r.poll_timeout, 20);
	assert_string_equal(r.etag, "");	/* no version */
	rest_json_reply_clear(&r);
	assert_int_equal(rest_json_enroll_reply(J("{\"deviceId\":\"d\","
	    "\"certificate\":\"C\",\"caCertificate\":\"A\",\"policy\":"
	    "{\"version\":42}}"), &r, why, sizeof(why)), 0);
	assert_string_equal(r.etag, "\"42\"");
	rest_json_reply_clear(&r);
	assert_int_equal(rest_json_enroll_reply(J("{\"deviceId\":\"d\","
	    "\"certificate\":\"C\",\"caCertificate\":\"A\",\"policy\":"
	    "{\"version\":\"v-7\"}}"), &r, why, sizeof(why)), 0);
	assert_string_equal(r.etag, "\"v-7\"");
	rest_json_reply_clear(&r);
	assert_null(r.device_id);
	/* Default poll timeout. */
	assert_int_equal(rest_json_enroll_reply(J("{\"deviceId\":\"d\","
	    "\"certificate\":\"C\",\"caCertificate\":\"A\",\"policy\":{}}"),
	    &r, why, sizeof(why)), 0);
	assert_int_equal(r.poll_timeout, 30);
	assert_string_equal(r.etag, "\"0\"");
	assert_null(r.command_key);
	rest_json_reply_clear(&r);
	/* A command key: a bounded string (the enrollment parses it). */
	assert_int_equal(rest_json_enroll_reply(J("{\"deviceId\":\"d\","
	    "\"certificate\":\"C\",\"caCertificate\":\"A\",\"policy\":{},"
	    "\"commandKey\":\"K\"}"), &r, why, sizeof(why)), 0);
	assert_string_equal(r.command_key, "K");
	rest_json_reply_clear(&r);
	expect_fail(rest_json_enroll_reply(J("{\"deviceId\":\"d\","
	    "\"certificate\":\"C\",\"caCertificate\":\"A\",\"policy\":{},"
	    "\"commandKey\":7}"), &r, why, sizeof(why)), why,
	    "commandKey: not a string");
	assert_null(r.device_id);
	rest_json_reply_clear(&r);

	expect_fail(rest_json_enroll_reply(J("{\"deviceId\":\"../x\","
	    "\"certificate\":\"C\",\"caCertificate\":\"A\",\"policy\":{}}"),
	    &r, why, sizeof(why)), why, "deviceId: characters");
	assert_null(r.device_id);
	expect_fail(rest_json_enroll_reply(J("{\"deviceId\":\"a b\","
	    "\"certificate\":\"C\",\"caCertificate\":\"A\",\"policy\":{}}"),
	    &r, why, sizeof(why)), why, "deviceId");
	expect_fail(rest_json_enroll_reply(J("{\"deviceId\":\"d\","
	    "\"certificate\":\"C\",\"policy\":{}}"), &r, why, sizeof(why)),
	    why, "caCertificate: missing");
	expect_fail(rest_json_enroll_reply(J("{\"deviceId\":\"d\","
	    "\"certificate\":1,\"caCertificate\":\"A\",\"policy\":{}}"), &r,
	    why, sizeof(why)), why, "certificate: not a string");
	expect_fail(rest_json_enroll_reply(J("{\"deviceId\":\"d\","
	    "\"certificate\":\"C\",\"caCertificate\":\"A\",\"policy\":[]}"),
	    &r, why, sizeof(why)), why, "policy: not an object");
	expect_fail(rest_json_enroll_reply(J("{\"deviceId\":\"d\","
	    "\"certificate\":\"C\",\"caCertificate\":\"A\",\"policy\":{},"
	    "\"pollTimeoutSeconds\":901}"), &r, why, sizeof(why)), why,
	    "pollTimeoutSeconds");
	expect_fail(rest_json_enroll_reply(J("{\"deviceId\":\"d\","
	    "\"deviceId\":\"e\"}"), &r, why, sizeof(why)), why,
	    "deviceId: given twice");
	expect_fail(rest_json_enroll_reply(J("{} x"), &r, why, sizeof(why)),
	    why, "text after");
	expect_fail(rest_json_enroll_reply(J("[1]"), &r, why, sizeof(why)),
	    why, "not a JSON object");
	expect_fail(rest_json_enroll_reply(J("{\"a\""), &r, why, sizeof(why)),
	    why, "not valid JSON");
	expect_fail(rest_json_enroll_reply("", 0, &r, why, sizeof(why)), why,
	    "empty");
}

static void
policy_reply(void **state)
{
	struct rest_json_reply r;
	char why[256];

	(void)state;
	assert_int_equal(rest_json_policy_reply(J("{\"version\": 3}\n"), &r,
	    why, sizeof(why)), 0);
	assert_string_equal(r.policy, "{\"version\": 3}\n");
	rest_json_reply_clear(&r);
	expect_fail(rest_json_policy_reply(J("{\"a\":1,\"a\":2}"), &r, why,
	    sizeof(why)), why, "a: given twice");
	expect_fail(rest_json_policy_reply("{}\0x", 4, &r, why, sizeof(why)),
	    why, "text after");
}

static void
reports_reply(void **state)
{
	struct rest_json_reply r;
	char why[256], *big;
	size_t i, n;

	(void)state;
	assert_int_equal(rest_json_reports_reply(J("{\"accepted\":"
	    "[\"report-1\",\"event-2\"]}"), &r, why, sizeof(why)), 0);
	assert_int_equal(r.naccepted, 2);
	assert_string_equal(r.accepted[1], "event-2");
	rest_json_reply_clear(&r);
	assert_int_equal(rest_json_reports_reply(J("{\"accepted\":[]}"), &r,
	    why, sizeof(why)), 0);
	assert_int_equal(r.naccepted, 0);
	rest_json_reply_clear(&r);
	expect_fail(rest_json_reports_reply(J("{\"accepted\":[1]}"), &r, why,
	    sizeof(why)), why, "accepted[0]: not a key");
	expect_fail(rest_json_reports_reply(J("{\"accepted\":[\"a\\nb\"]}"),
	    &r, why, sizeof(why)), why, "accepted[0]");
	expect_fail(rest_json_reports_reply(J("{}"), &r, why, sizeof(why)),
	    why, "accepted: missing");
	big = malloc(16 * 1024);
	assert_non_null(big);
	n = (size_t)snprintf(big, 32, "{\"accepted\":[");
	for (i = 0; i <= TRANSPORT_BATCH_MAX; i++)
		n += (size_t)snprintf(big + n, 32, "%s\"k%zu\"", i ? "," : "",
		    i);
	n += (size_t)snprintf(big + n, 32, "]}");
	expect_fail(rest_json_reports_reply(big, n, &r, why, sizeof(why)),
	    why, "more than 100");
	free(big);
}

static void
commands_reply(void **state)
{
	struct rest_json_reply r;
	char why[256];

	(void)state;
	assert_int_equal(rest_json_commands_reply(J("{\"commands\":["
	    "{\"id\":\"c-1\",\"type\":\"LOCK\",\"createTime\":"
	    "\"2024-05-01T12:00:00Z\",\"duration\":\"600s\"},"
	    "{\"id\":\"c-2\",\"type\":\"RESET_PASSWORD\",\"params\":"
	    "{\"newPassword\":\"x\"},\"createTime\":"
	    "\"2024-05-01T14:00:00.250+02:00\",\"duration\":\"1.5s\"}]}"), &r,
	    why, sizeof(why)), 0);
	assert_int_equal(r.ncommands, 2);
	assert_string_equal(r.commands[0].id, "c-1");
	assert_string_equal(r.commands[0].type, "LOCK");
	assert_int_equal(r.commands[0].create_time, 1714564800);
	assert_int_equal(r.commands[0].duration, 600);
	assert_string_equal(r.commands[0].params, "{}");
	assert_int_equal(r.commands[1].create_time, 1714564800);
	assert_int_equal(r.commands[1].duration, 2);
	assert_string_equal(r.commands[1].params, "{\"newPassword\":\"x\"}");
	rest_json_reply_clear(&r);

	expect_fail(rest_json_commands_reply(J("{\"commands\":[{\"id\":"
	    "\"c/1\",\"type\":\"LOCK\"}]}"), &r, why, sizeof(why)), why,
	    "commands[0].id");
	assert_int_equal(r.ncommands, 0);
	expect_fail(rest_json_commands_reply(J("{\"commands\":[{\"id\":"
	    "\"c\",\"type\":\"lock\"}]}"), &r, why, sizeof(why)), why,
	    "commands[0].type");
	expect_fail(rest_json_commands_reply(J("{\"commands\":[{\"id\":"
	    "\"c\",\"type\":\"LOCK\",\"createTime\":\"yesterday\"}]}"), &r, why,
	    sizeof(why)), why, "createTime");
	expect_fail(rest_json_commands_reply(J("{\"commands\":[{\"id\":"
	    "\"c\",\"type\":\"LOCK\",\"duration\":\"10m\"}]}"), &r, why,
	    sizeof(why)), why, "duration");
	expect_fail(rest_json_commands_reply(J("{\"commands\":[{\"id\":"
	    "\"c\",\"type\":\"LOCK\",\"params\":[]}]}"), &r, why, sizeof(why)),
	    why, "params: not an object");
	expect_fail(rest_json_commands_reply(J("{\"commands\":[{\"id\":"
	    "\"c\",\"id\":\"d\",\"type\":\"LOCK\"}]}"), &r, why, sizeof(why)),
	    why, "commands[0].id: given twice");
	expect_fail(rest_json_commands_reply(J("{\"commands\":{}}"), &r, why,
	    sizeof(why)), why, "commands: not an array");

	/* A signature is kept as given, or the reply refused. */
	assert_int_equal(rest_json_commands_reply(J("{\"commands\":[{\"id\":"
	    "\"c\",\"type\":\"WIPE\",\"signature\":\"aB-_.x.y\"},{\"id\":"
	    "\"d\",\"type\":\"LOCK\"}]}"), &r, why, sizeof(why)), 0);
	assert_string_equal(r.commands[0].signature, "aB-_.x.y");
	assert_null(r.commands[1].signature);
	rest_json_reply_clear(&r);
	expect_fail(rest_json_commands_reply(J("{\"commands\":[{\"id\":"
	    "\"c\",\"type\":\"WIPE\",\"signature\":\"a b\"}]}"), &r, why,
	    sizeof(why)), why, "commands[0].signature");
	expect_fail(rest_json_commands_reply(J("{\"commands\":[{\"id\":"
	    "\"c\",\"type\":\"WIPE\",\"signature\":\"\"}]}"), &r, why,
	    sizeof(why)), why, "commands[0].signature");
	expect_fail(rest_json_commands_reply(J("{\"commands\":[{\"id\":"
	    "\"c\",\"type\":\"WIPE\",\"signature\":{}}]}"), &r, why,
	    sizeof(why)), why, "commands[0].signature");
	assert_int_equal(r.ncommands, 0);
}

static void
times_and_durations(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(rest_json_duration_parse("0s", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(rest_json_duration_parse("3.000s", &t), 0);
	assert_int_equal(t, 3);
	assert_int_equal(rest_json_duration_parse("3.001s", &t), 0);
	assert_int_equal(t, 4);
	assert_int_equal(rest_json_duration_parse("31622400s", &t), 0);
	assert_int_equal(rest_json_duration_parse("31622401s", &t), -1);
	assert_int_equal(rest_json_duration_parse("-1s", &t), -1);
	assert_int_equal(rest_json_duration_parse("1.s", &t), -1);
	assert_int_equal(rest_json_duration_parse("1", &t), -1);
	assert_int_equal(rest_json_duration_parse("s", &t), -1);
	assert_int_equal(rest_json_duration_parse("10ss", &t), -1);
}

static void
error_message(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(rest_json_error_message(J("{\"error\":{\"code\":403,"
	    "\"status\":\"PERMISSION_DENIED\",\"message\":\"token\\nused\"}}"),
	    out, sizeof(out)), 0);
	assert_string_equal(out, "PERMISSION_DENIED: token?used");
	assert_int_equal(rest_json_error_message(J("<html>"), out,
	    sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(rest_json_error_message(NULL, 0, out, sizeof(out)),
	    -1);
}

static void
requests(void **state)
{
	struct transport_item items[2] = {
		{ "report-1", "report", "{\"policyCompliant\":true}" },
		{ "event-1", "event", "{\"type\":\"X\"}" },
	};
	struct transport_enrollment e = {
		.token = "TOK", .csr_pem = "CSR", .manufacturer = "Acme",
		.model = "H1", .serial = NULL, .agent_version = "0.1",
		.management_mode = "PROFILE_OWNER",
		.ownership = "PERSONALLY_OWNED",
	};
	char why[128], *s;

	(void)state;
	s = rest_json_reports_request(items, 2, why, sizeof(why));
	assert_non_null(s);
	assert_string_equal(s, "{\"reports\":[{\"idempotencyKey\":"
	    "\"report-1\",\"kind\":\"report\",\"payload\":{\"policyCompliant\":"
	    "true}},{\"idempotencyKey\":\"event-1\",\"kind\":\"event\","
	    "\"payload\":{\"type\":\"X\"}}]}");
	free(s);
	items[1].payload = "not json";
	assert_null(rest_json_reports_request(items, 2, why, sizeof(why)));
	assert_non_null(strstr(why, "reports[1] (event-1)"));
	items[1].payload = "{}";
	items[1].kind = "result";
	assert_null(rest_json_reports_request(items, 2, why, sizeof(why)));
	s = rest_json_enroll_request(&e, why, sizeof(why));
	assert_non_null(s);
	/* No serial number on a personal device. */
	assert_null(strstr(s, "serialNumber"));
	assert_non_null(strstr(s, "\"enrollmentToken\":\"TOK\""));
	assert_non_null(strstr(s, "\"ownership\":\"PERSONALLY_OWNED\""));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(enroll_reply),
		cmocka_unit_test(policy_reply),
		cmocka_unit_test(reports_reply),
		cmocka_unit_test(commands_reply),
		cmocka_unit_test(times_and_durations),
		cmocka_unit_test(error_message),
		cmocka_unit_test(requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
