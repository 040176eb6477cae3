/*
 * test_linux_facts_integrity.c - integrity.* facts on a locked-down and a
 * rooted tree, set-uid shells, and the kernel command line parser.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
read_integrity(struct linux_ctx *c, struct hal_facts *fs)
{
	memset(fs, 0, sizeof(*fs));
	assert_int_equal(linux_facts_integrity(c, fs), 0);
}

static void
test_handheld_clean(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	struct hal_facts fs;

	(void)state;
	read_integrity(c, &fs);
	assert_string_equal(c->errors, "");
	assert_fact_bool(&fs, "integrity.rooted", false);
	assert_fact_bool(&fs, "integrity.secure_boot", true);
	assert_fact_bool(&fs, "integrity.selinux_enforcing", true);
	assert_fact_bool(&fs, "integrity.verified_root", true);
	assert_fact_str(&fs, "integrity.lockdown", HAL_FACT_STRING,
	    "confidentiality");
	assert_fact_str(&fs, "integrity.boot_state", HAL_FACT_STRING, "green");
	assert_fact_bool(&fs, "integrity.debugger_attached", false);
	assert_fact_bool(&fs, "integrity.usr_writable", false);
	assert_fact_int(&fs, "integrity.kernel_tainted", 0);
	assert_fact_str(&fs, "integrity.su_paths", HAL_FACT_STRING, "");
	assert_fact_str(&fs, "integrity.risks", HAL_FACT_STRING, "");
	hal_linux_backend.close(c);
}

static void
test_rooted(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-rooted");
	struct hal_facts fs;

	(void)state;
	read_integrity(c, &fs);
	assert_fact_bool(&fs, "integrity.rooted", true);
	assert_fact_bool(&fs, "integrity.secure_boot", false);
	assert_fact_bool(&fs, "integrity.selinux_enforcing", false);
	assert_fact_bool(&fs, "integrity.verified_root", false);
	assert_fact_str(&fs, "integrity.lockdown", HAL_FACT_STRING, "none");
	assert_fact_str(&fs, "integrity.boot_state", HAL_FACT_STRING, "orange");
	assert_fact_bool(&fs, "integrity.debugger_attached", true);
	assert_fact_bool(&fs, "integrity.usr_writable", true);
	assert_fact_int(&fs, "integrity.kernel_tainted", 4097);
	assert_fact_str(&fs, "integrity.su_paths", HAL_FACT_STRING,
	    "/system/xbin/su,/data/local/tmp/su");
	assert_fact_str(&fs, "integrity.risks", HAL_FACT_STRING,
	    "su,unlocked,no_secure_boot,no_lockdown,no_selinux,"
	    "unverified_root,usr_writable,debugger,tainted");
	hal_linux_backend.close(c);
}

static void
test_no_efi_no_lsm(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-unencrypted");
	struct hal_facts fs;

	(void)state;
	/* Not UEFI, no lockdown LSM, no SELinux: known "off", no error. */
	read_integrity(c, &fs);
	assert_string_equal(c->errors, "");
	assert_fact_bool(&fs, "integrity.rooted", false);
	assert_fact_bool(&fs, "integrity.secure_boot", false);
	assert_fact_str(&fs, "integrity.lockdown", HAL_FACT_STRING, "none");
	assert_no_fact(&fs, "integrity.boot_state");
	assert_fact_str(&fs, "integrity.risks", HAL_FACT_STRING,
	    "no_secure_boot,no_lockdown,no_selinux,unverified_root,"
	    "usr_writable");
	hal_linux_backend.close(c);
}

static void
test_setuid_shell(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	char path[PATH_MAX * 2];
	struct linux_ctx *c;
	struct hal_facts fs;

	(void)state;
	mkdir_in(root, "/usr/bin");
	write_in(root, "/usr/bin/busybox", "\x7f" "ELF");
	write_in(root, "/usr/bin/su", "\x7f" "ELF");
	snprintf(path, sizeof(path), "%s/usr/bin/su", root);
	assert_int_equal(chmod(path, 04755), 0);
	c = open_root(root, "");
	/* The distribution's set-uid su is expected. */
	read_integrity(c, &fs);
	assert_fact_bool(&fs, "integrity.rooted", false);
	snprintf(path, sizeof(path), "%s/usr/bin/busybox", root);
	assert_int_equal(chmod(path, 04755), 0);
	read_integrity(c, &fs);
	assert_fact_bool(&fs, "integrity.rooted", true);
	assert_fact_str(&fs, "integrity.su_paths", HAL_FACT_STRING,
	    "/usr/bin/busybox");
	assert_non_null(strstr(need_fact(&fs, "integrity.risks")->s,
	    "setuid_shell"));
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_bad_efivar(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c;
	struct hal_facts fs;

	(void)state;
	write_in(root, "/sys/firmware/efi/efivars/"
	    "SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c", "\x06\x01");
	c = open_root(root, "");
	read_integrity(c, &fs);
	assert_no_fact(&fs, "integrity.secure_boot");
	assert_string_equal(c->errors, "SecureBoot efivar: malformed");
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_cmdline(void **state)
{
	const char *cmd = "ro quiet a=1 b=\"x y\" roothash=abc";
	char out[16];

	(void)state;
	assert_int_equal(linux_cmdline_get(cmd, "b", out, sizeof(out)), 0);
	assert_string_equal(out, "x y");
	assert_int_equal(linux_cmdline_get(cmd, "roothash", out, sizeof(out)),
	    0);
	assert_string_equal(out, "abc");
	assert_int_equal(linux_cmdline_get(cmd, "ro", out, sizeof(out)),
	    -ENOENT);
	assert_int_equal(linux_cmdline_get(cmd, "root", out, sizeof(out)),
	    -ENOENT);
	assert_int_equal(linux_cmdline_get(cmd, "a", out, 1), -ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handheld_clean),
		cmocka_unit_test(test_rooted),
		cmocka_unit_test(test_no_efi_no_lsm),
		cmocka_unit_test(test_setuid_shell),
		cmocka_unit_test(test_bad_efivar),
		cmocka_unit_test(test_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
