/*
 * test_provision_zerotouch.c - the zero-touch file in the image.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/provision/provision.h"
#include "tests/unit/support.h"

#define PIN "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"
#define BASE "\"warden.SERVER_URL\": \"https://a.example\", " \
	"\"warden.ENROLLMENT_TOKEN\": \"t\", " \
	"\"warden.SERVER_CERT_SHA256\": \"" PIN "\""

static void
expect_zt_error(const char *text, const char *want)
{
	struct prov_request r;
	char err[512] = "";

	assert_int_equal(prov_from_zerotouch_text(text, strlen(text), NULL, &r,
	    err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void
test_image_file(void **state)
{
	struct prov_request r;
	char path[512], err[256] = "";

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/provisioning/zerotouch.json",
	    test_srctree());
	if (prov_from_zerotouch(path, NULL, &r, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	assert_int_equal(r.source, PROV_SRC_ZEROTOUCH);
	assert_string_equal(r.server_url, "https://mdm.example.com:8443");
	assert_string_equal(r.enrollment_token, "ZT-7K3M9Q2X");
	assert_int_equal(r.mode, PROV_MODE_DEDICATED);
	assert_string_equal(r.wifi.ssid, "Factory-Floor");
	assert_string_equal(r.wifi.security, "WPA2");
	assert_string_equal(r.wifi.password, "assembly-line-4");
	assert_string_equal(r.locale, "de_DE");
	assert_string_equal(r.time_zone, "Europe/Berlin");
	assert_int_equal(r.n_ignored, 1);
	assert_string_equal(r.ignored[0], "comment");
}

static void
test_defaults_and_clouddpc(void **state)
{
	struct prov_defaults defs;
	struct prov_request r;
	char err[256] = "";
	const char *text = "{\"com.google.android.apps.work.clouddpc."
	    "EXTRA_ENROLLMENT_TOKEN\": \"GTOKEN1\", \"warden.MODE\": "
	    "\"WORK_PROFILE_PERSONAL\"}";

	(void)state;
	prov_defaults_init(&defs);
	defs.server_url = "https://emm.example";
	defs.has_server_pin = true;
	if (prov_from_zerotouch_text(text, strlen(text), &defs, &r, err,
	    sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	assert_string_equal(r.enrollment_token, "GTOKEN1");
	assert_true(r.server_from_defaults);
	assert_int_equal(r.mode, PROV_MODE_WORK_PROFILE_PERSONAL);
}

static void
test_errors_use_zerotouch_names(void **state)
{
	(void)state;
	expect_zt_error("{\"warden.SERVER_URL\": \"http://a.example\"}",
	    "warden.SERVER_URL: not an https or coaps URL");
	expect_zt_error("{" BASE ", \"warden.MODE\": \"X\"}",
	    "warden.MODE: not FULLY_MANAGED, DEDICATED, "
	    "WORK_PROFILE_COMPANY_OWNED or WORK_PROFILE_PERSONAL");
	expect_zt_error("{\"warden.SERVER_URL\": \"https://a.example\", "
	    "\"warden.SERVER_CERT_SHA256\": \"" PIN "\"}",
	    "warden.ENROLLMENT_TOKEN: required");
	expect_zt_error("{" BASE ", \"warden.TYPO\": 1}",
	    "warden.TYPO: unknown warden key");
	expect_zt_error("{" BASE ", \"android.app.extra.PROVISIONING_ADMIN_"
	    "EXTRAS_BUNDLE\": {}}", "PROVISIONING_ADMIN_EXTRAS_BUNDLE: not "
	    "used in a zero-touch file (put the warden.* keys at the top "
	    "level)");
	expect_zt_error("{" BASE ", \"android.app.extra.PROVISIONING_WIFI_"
	    "PASSWORD\": \"12345678\"}", "PROVISIONING_WIFI_SSID: required "
	    "with the other Wi-Fi settings");
	expect_zt_error("{" BASE ", \"x\": {\"y\": {}}}",
	    "zerotouch: nested deeper than 2 levels");
	expect_zt_error("{" BASE ", \"x\": [1]}",
	    "x: unknown key with a nested value");
	expect_zt_error("{" BASE ", \"warden.MODE\": \"DEDICATED\", "
	    "\"warden.MODE\": \"DEDICATED\"}", "warden.MODE: duplicate key");
}

static void
test_file_bounds(void **state)
{
	const char *dir = test_tmpdir();
	struct prov_request r;
	char path[512], err[512] = "";
	char *big;

	(void)state;
	snprintf(path, sizeof(path), "%s/zt.json", dir);
	big = malloc(PROV_ZEROTOUCH_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', PROV_ZEROTOUCH_MAX + 1);
	big[0] = '{';
	big[PROV_ZEROTOUCH_MAX] = '}';
	big[PROV_ZEROTOUCH_MAX + 1] = '\0';
	assert_int_equal(test_write_file(path, big), 0);
	assert_int_equal(prov_from_zerotouch(path, NULL, &r, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "/zt.json: larger than 16384 bytes"));
	/* Exactly at the bound is read (and then judged on content). */
	big[PROV_ZEROTOUCH_MAX - 1] = '}';
	big[PROV_ZEROTOUCH_MAX] = '\0';
	assert_int_equal(test_write_file(path, big), 0);
	assert_int_equal(prov_from_zerotouch(path, NULL, &r, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "warden.SERVER_URL: required");
	free(big);
	test_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_file),
		cmocka_unit_test(test_defaults_and_clouddpc),
		cmocka_unit_test(test_errors_use_zerotouch_names),
		cmocka_unit_test(test_file_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
