/* Tests agent/core/config.c: wardend.conf parsing and its errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/support.h"
#include "agent/core/core.h"

static char path[128];

static int
load(const char *text, struct config *c, char *err, size_t errlen)
{
	const char *dir = test_tmpdir();
	int rc;

	snprintf(path, sizeof(path), "%s/wardend.conf", dir);
	assert_int_equal(test_write_file(path, text), 0);
	config_defaults(c);
	rc = config_load(c, path, err, errlen);
	unlink(path);
	rmdir(dir);
	return rc;
}

static void
defaults(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.state_dir, CONFIG_DEFAULT_STATE_DIR);
	assert_string_equal(c.control_socket, CONFIG_DEFAULT_CONTROL_SOCKET);
	assert_int_equal(c.control_mode, 0660);
	assert_int_equal(c.scan_interval, CONFIG_DEFAULT_SCAN_INTERVAL);
	assert_int_equal(c.log_level, LOG_LVL_INFO);
	assert_string_equal(c.tpm_tcti, "auto");
}

static void
full_file(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(load(
	    "# a comment\n"
	    "\n"
	    "state-dir /var/lib/w   # trailing comment\n"
	    "control-socket \"/run/w/ctl.sock\"\n"
	    "control-group warden\n"
	    "control-mode 0600\n"
	    "hal sim:/tmp/dev\n"
	    "  scan-interval 60\n"
	    "log-level debug\n"
	    "policy-file \"/etc/warden/policy.json\"\n"
	    "outbox-max 500\n"
	    "tpm-tcti \"swtpm:host=127.0.0.1,port=2321\"\n", &c, err,
	    sizeof(err)), 0);
	assert_string_equal(c.state_dir, "/var/lib/w");
	assert_string_equal(c.control_socket, "/run/w/ctl.sock");
	assert_string_equal(c.control_group, "warden");
	assert_int_equal(c.control_mode, 0600);
	assert_string_equal(c.hal, "sim:/tmp/dev");
	assert_int_equal(c.scan_interval, 60);
	assert_int_equal(c.log_level, LOG_LVL_DEBUG);
	assert_string_equal(c.policy_file, "/etc/warden/policy.json");
	assert_int_equal(c.outbox_max, 500);
	assert_string_equal(c.tpm_tcti, "swtpm:host=127.0.0.1,port=2321");
}

/* Each bad file must name its line and the problem. */
static void
errors(void **state)
{
	static const struct {
		const char *text, *expect;
	} cases[] = {
		{ "bogus 1\n", ":1: unknown keyword \"bogus\"" },
		{ "\nscan-interval\n", ":2: missing value" },
		{ "scan-interval 5\n", ":1: scan-interval: \"5\" is not a number "
		    "from 10 to 604800" },
		{ "scan-interval 10x\n", ":1: scan-interval: \"10x\" is not" },
		{ "state-dir relative/path\n", ":1: state-dir: \"relative/path\" "
		    "is not an absolute path" },
		{ "hal sim\n", ":1: hal: \"sim\" is not name:argument" },
		{ "log-level loud\n", ":1: log-level: \"loud\" is not one of" },
		{ "control-mode 999\n", ":1: control-mode: \"999\" is not an "
		    "octal mode" },
		{ "state-dir /a /b\n", ":1: unexpected second value" },
		{ "state-dir \"/a\n", ":1: unterminated quoted value" },
		{ "scan-interval 60\nscan-interval 70\n", ":2: scan-interval "
		    "given twice" },
		{ "tpm-tcti tpm0\n", ":1: tpm-tcti: \"tpm0\" is not auto, "
		    "none or a TCTI" },
	};
	struct config c;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(load(cases[i].text, &c, err, sizeof(err)), -1);
		if (strstr(err, cases[i].expect) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err,
			    cases[i].expect);
		assert_non_null(strstr(err, "wardend.conf:"));
	}
}

static void
long_line_and_nul(void **state)
{
	char big[2100], err[256];
	struct config c;

	(void)state;
	memset(big, 'a', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(load(big, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: line longer than 1024 bytes"));
}

static void
missing_file(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_load(&c, "/nonexistent/wardend.conf", err,
	    sizeof(err)), -1);
	assert_string_equal(err,
	    "/nonexistent/wardend.conf: No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(full_file),
		cmocka_unit_test(errors),
		cmocka_unit_test(long_line_and_nul),
		cmocka_unit_test(missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
