/*
 * test_linux_facts_bearer.c - bearers from /sys/class/net, the default
 * route's interface from /proc/net/route and the WLAN signal from
 * /proc/net/wireless, in fixture trees; and on the real root, no error.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
test_handheld(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	struct hal_facts fs;

	(void)state;
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_bearer(c, &fs), 0);
	assert_string_equal(c->errors, "");
	/* br0 (no device) and lo are not bearers; wwan0 is cellular. */
	assert_fact_str(&fs, "network.bearers", HAL_FACT_STRING,
	    "ethernet,wlan,cellular");
	assert_fact_str(&fs, "network.bearer", HAL_FACT_STRING, "wlan");
	assert_fact_int(&fs, "network.signal_dbm", -56);
	hal_linux_backend.close(c);
}

static void
test_wired_and_none(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c;
	struct hal_facts fs;

	(void)state;
	/* The default route over eth0: ethernet, no radio signal. */
	write_in(root, "/proc/net/route", "Iface\tDestination\tGateway\tFlags\n"
	    "eth0\t00000000\t0102000A\t0003\n");
	c = open_root(root, "");
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_bearer(c, &fs), 0);
	assert_fact_str(&fs, "network.bearer", HAL_FACT_STRING, "ethernet");
	assert_null(hal_fact_find(&fs, "network.signal_dbm"));
	hal_linux_backend.close(c);
	/* A route that is not up, then none: no bearer in use. */
	write_in(root, "/proc/net/route", "Iface\tDestination\tGateway\tFlags\n"
	    "wlan0\t00000000\t0102000A\t0002\n");
	c = open_root(root, "");
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_bearer(c, &fs), 0);
	assert_null(hal_fact_find(&fs, "network.bearer"));
	need_fact(&fs, "network.bearers");
	hal_linux_backend.close(c);
	/* A level out of range is malformed, and said so. */
	write_in(root, "/proc/net/route", "Iface\tDestination\tGateway\tFlags\n"
	    "wlan0\t00000000\t0102000A\t0003\n");
	write_in(root, "/proc/net/wireless", "h\nh\n wlan0: 0000 54. 300. "
	    "-256\n");
	c = open_root(root, "");
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_bearer(c, &fs), 0);
	assert_null(hal_fact_find(&fs, "network.signal_dbm"));
	assert_string_equal(c->errors, "/proc/net/wireless: malformed");
	hal_linux_backend.close(c);
	remove_copy(root);
	/* A tree without /sys/class/net: no bearer facts at all. */
	c = open_fixture("rootfs-unencrypted");
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_bearer(c, &fs), 0);
	assert_int_equal(fs.n, 0);
	hal_linux_backend.close(c);
}

static void
test_real_root(void **state)
{
	struct linux_ctx *c = open_root("/", "");
	struct hal_facts fs;

	(void)state;
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_bearer(c, &fs), 0);
	assert_string_equal(c->errors, "");
	hal_linux_backend.close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handheld),
		cmocka_unit_test(test_wired_and_none),
		cmocka_unit_test(test_real_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
