/*
 * test_linux_facts_crypt.c - disk.* facts: dm-crypt under the writable
 * mounts (through LVM), dm-verity not counting, the mounts parser.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
read_crypt(const char *fixture, struct hal_facts *fs)
{
	struct linux_ctx *c = open_fixture(fixture);

	memset(fs, 0, sizeof(*fs));
	assert_int_equal(linux_facts_crypt(c, fs), 0);
	assert_string_equal(c->errors, "");
	hal_linux_backend.close(c);
}

static void
test_handheld_encrypted(void **state)
{
	struct hal_facts fs;

	(void)state;
	/* / is read-only verity, /data on LUKS, /home on LVM on LUKS,
	 * /var on tmpfs. */
	read_crypt("rootfs-handheld", &fs);
	assert_fact_bool(&fs, "disk.encrypted", true);
	assert_fact_str(&fs, "disk.encryption_status", HAL_FACT_STRING,
	    "ENCRYPTED");
	assert_fact_str(&fs, "disk.unencrypted_mounts", HAL_FACT_STRING, "");
}

static void
test_unencrypted(void **state)
{
	struct hal_facts fs;

	(void)state;
	read_crypt("rootfs-unencrypted", &fs);
	assert_fact_bool(&fs, "disk.encrypted", false);
	assert_fact_str(&fs, "disk.encryption_status", HAL_FACT_STRING,
	    "UNENCRYPTED");
	assert_fact_str(&fs, "disk.unencrypted_mounts", HAL_FACT_STRING, "/");
	read_crypt("rootfs-rooted", &fs);
	assert_fact_str(&fs, "disk.unencrypted_mounts", HAL_FACT_STRING,
	    "/,/data");
}

static void
test_kiosk_luks_root(void **state)
{
	struct hal_facts fs;

	(void)state;
	read_crypt("rootfs-kiosk", &fs);
	assert_fact_str(&fs, "disk.encryption_status", HAL_FACT_STRING,
	    "ENCRYPTED");
}

static void
test_block_chain(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	char name[64];

	(void)state;
	assert_true(linux_block_on_crypt(c, "dm-1", 0));
	/* LVM volume dm-3 sits on dm-2, a LUKS volume. */
	assert_true(linux_block_on_crypt(c, "dm-3", 0));
	/* dm-verity is named CRYPT-VERITY- but does not encrypt. */
	assert_false(linux_block_on_crypt(c, "dm-0", 0));
	assert_false(linux_block_on_crypt(c, "mmcblk0p2", 0));
	assert_false(linux_block_on_crypt(c, "../etc", 0));
	assert_int_equal(linux_block_name(c, "/dev/mapper/vg-home", "/home",
	    name, sizeof(name)), 0);
	assert_string_equal(name, "dm-3");
	assert_int_equal(linux_block_name(c, "/dev/dm-1", "/data", name,
	    sizeof(name)), 0);
	assert_string_equal(name, "dm-1");
	assert_int_equal(linux_block_name(c, "/dev/mapper/nope", "/x", name,
	    sizeof(name)), -ENOENT);
	hal_linux_backend.close(c);
}

static void
test_unwritable_data_unencrypted(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c;
	struct hal_facts fs;

	(void)state;
	/* /data moves to a plain partition: now it is exposed. */
	write_in(root, "/proc/self/mounts",
	    "/dev/mapper/vroot / ext4 ro 0 0\n"
	    "/dev/mmcblk0p3 /data ext4 rw 0 0\n"
	    "/dev/mapper/data /mnt/old ext4 rw 0 0\n");
	c = open_root(root, "");
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_crypt(c, &fs), 0);
	assert_fact_str(&fs, "disk.encryption_status", HAL_FACT_STRING,
	    "UNENCRYPTED");
	assert_fact_str(&fs, "disk.unencrypted_mounts", HAL_FACT_STRING,
	    "/data");
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_mount_parse(void **state)
{
	char line[] = "/dev/sda1 /mnt/my\\040disk ext4 ro,noatime 0 0";
	char bad1[] = "/dev/sda1 /mnt ext4";
	char bad2[] = "/dev/sda1 /mnt\\09 ext4 rw 0 0";
	char bad3[] = "/dev/sda1 relative ext4 rw 0 0";
	char rw[] = "none /run tmpfs nosuid,rw 0 0";
	char *src, *mnt, *type;
	bool w;

	(void)state;
	assert_int_equal(linux_mount_parse(line, &src, &mnt, &type, &w), 0);
	assert_string_equal(src, "/dev/sda1");
	assert_string_equal(mnt, "/mnt/my disk");
	assert_string_equal(type, "ext4");
	assert_false(w);
	assert_int_equal(linux_mount_parse(rw, &src, &mnt, &type, &w), 0);
	assert_true(w);
	assert_int_equal(linux_mount_parse(bad1, &src, &mnt, &type, &w),
	    -EINVAL);
	assert_int_equal(linux_mount_parse(bad2, &src, &mnt, &type, &w),
	    -EINVAL);
	assert_int_equal(linux_mount_parse(bad3, &src, &mnt, &type, &w),
	    -EINVAL);
}

/* mountinfo: the super block's options, whatever the mount's own say
 * (systemd's ProtectSystem=strict: "ro" per mount, "rw" super block). */
static void
test_mountinfo_parse(void **state)
{
	char strict[] = "24 1 254:0 / / ro,relatime shared:1 master:1 - ext4 "
	    "/dev/vda rw,errors=remount-ro";
	char home[] = "30 24 254:0 /home /home rw,relatime - ext4 /dev/vda rw";
	char ro[] = "31 24 253:0 / /usr ro - ext4 /dev/dm-0 ro,noatime";
	char sp[] = "32 24 0:5 / /mnt/my\\040disk rw - vfat /dev/sdb1 rw";
	char bad1[] = "24 1 254:0 / / ro,relatime shared:1 ext4 /dev/vda rw";
	char bad2[] = "24 1 254:0 / relative ro - ext4 /dev/vda rw";
	char bad3[] = "24 1 254:0 / / ro - ext4 /dev/vda rw extra";
	char bad4[] = "24 1 254:0 /";
	char *mnt;
	bool w;

	(void)state;
	assert_int_equal(linux_mountinfo_parse(strict, &mnt, &w), 0);
	assert_string_equal(mnt, "/");
	assert_true(w);
	assert_int_equal(linux_mountinfo_parse(home, &mnt, &w), 0);
	assert_string_equal(mnt, "/home");
	assert_true(w);
	assert_int_equal(linux_mountinfo_parse(ro, &mnt, &w), 0);
	assert_false(w);
	assert_int_equal(linux_mountinfo_parse(sp, &mnt, &w), 0);
	assert_string_equal(mnt, "/mnt/my disk");
	assert_int_equal(linux_mountinfo_parse(bad1, &mnt, &w), -EINVAL);
	assert_int_equal(linux_mountinfo_parse(bad2, &mnt, &w), -EINVAL);
	assert_int_equal(linux_mountinfo_parse(bad3, &mnt, &w), -EINVAL);
	assert_int_equal(linux_mountinfo_parse(bad4, &mnt, &w), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handheld_encrypted),
		cmocka_unit_test(test_mountinfo_parse),
		cmocka_unit_test(test_unencrypted),
		cmocka_unit_test(test_kiosk_luks_root),
		cmocka_unit_test(test_block_chain),
		cmocka_unit_test(test_unwritable_data_unencrypted),
		cmocka_unit_test(test_mount_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
