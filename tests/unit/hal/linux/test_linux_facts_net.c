/*
 * test_linux_facts_net.c - network facts from the ifaddrs fixture and,
 * on the real root, from getifaddrs().
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
test_handheld(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	struct hal_facts fs;

	(void)state;
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_net(c, &fs), 0);
	assert_string_equal(c->errors, "");
	/* Loopback, IPv6 link-local and the down eth0 do not count. */
	assert_fact_bool(&fs, "network.connected", true);
	assert_fact_str(&fs, "network.addresses", HAL_FACT_STRING,
	    "192.0.2.17,2001:db8::17");
	hal_linux_backend.close(c);
}

static void
test_not_running(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-unencrypted");
	struct hal_facts fs;

	(void)state;
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_net(c, &fs), 0);
	assert_fact_bool(&fs, "network.connected", false);
	assert_fact_str(&fs, "network.addresses", HAL_FACT_STRING, "");
	hal_linux_backend.close(c);
}

static void
test_malformed(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c;
	struct hal_facts fs;

	(void)state;
	write_in(root, "/.fixture/ifaddrs", "wlan0 up,running 999.1.1.1\n");
	c = open_root(root, "");
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_net(c, &fs), 0);
	assert_int_equal(fs.n, 0);
	assert_string_equal(c->errors, "/.fixture/ifaddrs: malformed");
	hal_linux_backend.close(c);
	write_in(root, "/.fixture/ifaddrs", "wlan0 up,sideways 10.0.0.1\n");
	c = open_root(root, "");
	assert_int_equal(linux_facts_net(c, &fs), 0);
	assert_string_equal(c->errors, "/.fixture/ifaddrs: malformed");
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_real_root(void **state)
{
	struct linux_ctx *c = open_root("/", "");
	struct hal_facts fs;

	(void)state;
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_net(c, &fs), 0);
	need_fact(&fs, "network.connected");
	need_fact(&fs, "network.addresses");
	hal_linux_backend.close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handheld),
		cmocka_unit_test(test_not_running),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_real_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
