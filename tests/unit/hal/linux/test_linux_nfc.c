/*
 * test_linux_nfc.c - nfc.read_ndef through libnfc up to opening the
 * reader (a test machine has none: polling and reading a tag run only on
 * hardware; the tag layout is tested in test_linux_ndef_tlv.c), and the
 * nfc= option. Built with CONFIG_NFC_LIBNFC.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
test_options(void **state)
{
	static const char *const bad[] = { ",nfc=",
		",nfc=pn532_uart:/dev/tty S0",
		",nfc=pn532_uart:/dev/ttyS0;reboot", ",nfc=acr122_usb\t",
		",nfc=$(id)", ",nfc=a'b" };
	char arg[256], big[200];
	struct linux_ctx *c;
	void *ctx;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(arg, sizeof(arg), "/%s", bad[i]);
		if (hal_linux_backend.open(arg, &ctx) != -EINVAL)
			fail_msg("accepted \"%s\"", arg);
	}
	/* 127 bytes fit, 128 do not. */
	memset(big, 'a', sizeof(big));
	big[LINUX_NFC_CONN_MAX - 1] = '\0';
	snprintf(arg, sizeof(arg), "/,nfc=%s", big);
	c = open_root(arg, "");
	hal_linux_backend.close(c);
	big[LINUX_NFC_CONN_MAX - 1] = 'a';
	big[LINUX_NFC_CONN_MAX] = '\0';
	snprintf(arg, sizeof(arg), "/,nfc=%s", big);
	assert_int_equal(hal_linux_backend.open(arg, &ctx), -EINVAL);
	c = open_root("/", "");
	assert_string_equal(c->nfc, "");
	hal_linux_backend.close(c);
	c = open_root("/", ",nfc=pn532_uart:/dev/ttyS0:115200");
	assert_string_equal(c->nfc, "pn532_uart:/dev/ttyS0:115200");
	hal_linux_backend.close(c);
	c = open_root("/", ",nfc=pn53x_usb:001:004,scan_timeout=5");
	assert_string_equal(c->nfc, "pn53x_usb:001:004");
	assert_int_equal(c->scan_timeout_s, 5);
	hal_linux_backend.close(c);
}

static void
test_no_reader(void **state)
{
	char err[256];
	uint8_t buf[64];
	struct hal h;
	size_t n = 99;

	(void)state;
	assert_non_null(hal_linux_backend.nfc);
	/* A reader named explicitly that is not there. */
	if (hal_open(&h, "linux:/,nfc=pn532_uart:/nonexistent-warden-tty,"
	    "scan_timeout=1", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(hal_nfc_read_ndef(&h, buf, sizeof(buf), &n), -ENODEV);
	assert_int_equal(n, 0);
	hal_close(&h);
	/* A driver libnfc does not have. */
	if (hal_open(&h, "linux:/,nfc=no_such_driver:x,scan_timeout=1", err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(hal_nfc_read_ndef(&h, buf, sizeof(buf), &n), -ENODEV);
	hal_close(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_no_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
