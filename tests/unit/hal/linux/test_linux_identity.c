/*
 * test_linux_identity.c - hardware identity from DMI, from the device
 * tree, with firmware placeholders dropped.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
get_id(const char *fixture, char *man, char *model, char *serial, int want)
{
	struct linux_ctx *c = open_fixture(fixture);

	assert_int_equal(linux_identity_ops.get(c, man, 64, model, 64, serial,
	    64), want);
	hal_linux_backend.close(c);
}

static void
test_dmi(void **state)
{
	char man[64], model[64], serial[64];
	struct linux_ctx *c;
	struct hal_facts fs;
	bool tpm;

	(void)state;
	get_id("rootfs-handheld", man, model, serial, 0);
	assert_string_equal(man, "Warden Devices");
	assert_string_equal(model, "FieldPad 7");
	assert_string_equal(serial, "FP7-000123");
	c = open_fixture("rootfs-handheld");
	assert_int_equal(linux_identity_ops.hw_keystore(c, &tpm), 0);
	assert_true(tpm);
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_identity(c, &fs), 0);
	assert_fact_str(&fs, "hw.manufacturer", HAL_FACT_STRING,
	    "Warden Devices");
	assert_fact_str(&fs, "hw.model", HAL_FACT_STRING, "FieldPad 7");
	assert_fact_str(&fs, "hw.serial", HAL_FACT_STRING, "FP7-000123");
	assert_fact_bool(&fs, "hw.keystore", true);
	hal_linux_backend.close(c);
}

static void
test_device_tree(void **state)
{
	char man[64], model[64], serial[64];

	(void)state;
	get_id("rootfs-unencrypted", man, model, serial, 0);
	assert_string_equal(man, "raspberrypi");
	assert_string_equal(model, "Raspberry Pi 4 Model B Rev 1.4");
	assert_string_equal(serial, "10000000a1b2c3d4");
}

static void
test_placeholders(void **state)
{
	char man[64], model[64], serial[64];
	struct linux_ctx *c;
	struct hal_facts fs;

	(void)state;
	get_id("rootfs-kiosk", man, model, serial, 0);
	assert_string_equal(man, "");
	assert_string_equal(model, "KioskBox 2");
	assert_string_equal(serial, "");
	c = open_fixture("rootfs-kiosk");
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_identity(c, &fs), 0);
	assert_no_fact(&fs, "hw.manufacturer");
	assert_no_fact(&fs, "hw.serial");
	assert_fact_bool(&fs, "hw.keystore", false);
	hal_linux_backend.close(c);
	/* Nothing at all to go by. */
	get_id("rootfs-rooted", man, model, serial, -ENODATA);
}

static void
test_control_bytes(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	char man[64], model[64], serial[64];
	struct linux_ctx *c;

	(void)state;
	write_in(root, "/sys/class/dmi/id/product_serial", "AB\x1b[2JCD\n");
	c = open_root(root, "");
	assert_int_equal(linux_identity_ops.get(c, man, sizeof(man), model,
	    sizeof(model), serial, 4), 0);
	assert_string_equal(serial, "");
	/* A long value is cut to the caller's buffer. */
	assert_int_equal(linux_identity_ops.get(c, man, 5, model,
	    sizeof(model), serial, sizeof(serial)), 0);
	assert_string_equal(man, "Ward");
	hal_linux_backend.close(c);
	remove_copy(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dmi),
		cmocka_unit_test(test_device_tree),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_control_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
