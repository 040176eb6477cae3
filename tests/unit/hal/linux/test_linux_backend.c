/*
 * test_linux_backend.c - the "linux" registry entry: the backend
 * argument, every fact of a fixture through hal_facts_read(), a
 * read-only scan of this machine, and a run of every operation under a
 * prefix that must leave everything outside the prefix untouched.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>

#include "tests/unit/hal/linux/linux_test.h"

static void
test_arguments(void **state)
{
	static const char *const bad[] = { "", "relative/root", ",user=alice",
		"/,user=Alice", "/,user", "/,user=", "/,state=../x",
		"/,state=/a/../b", "/,runner=sh", "/,colour=blue",
		"/,profile=a b" };
	struct linux_ctx *c;
	void *ctx;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (hal_linux_backend.open(bad[i], &ctx) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(hal_linux_backend.open("/nonexistent-warden-root",
	    &ctx), -ENOENT);
	c = open_root("/", "");
	assert_false(c->prefixed);
	assert_string_equal(c->state_dir, "/var/lib/warden");
	assert_string_equal(c->profile_user, "warden-work");
	hal_linux_backend.close(c);
	/* "/." is still the real root. */
	c = open_root("/.", "");
	assert_false(c->prefixed);
	hal_linux_backend.close(c);
	c = open_root(fixture_path("rootfs-kiosk"), "/,user=kiosk,"
	    "profile=work2,kiosk_user=kiosk,state=/data/w,runner=/bin/true");
	assert_true(c->prefixed);
	assert_string_equal(c->root, fixture_path("rootfs-kiosk"));
	assert_string_equal(c->user, "kiosk");
	assert_string_equal(c->profile_user, "work2");
	assert_string_equal(c->kiosk_user, "kiosk");
	assert_string_equal(c->state_dir, "/data/w");
	assert_string_equal(c->runner, "/bin/true");
	hal_linux_backend.close(c);
	hal_linux_backend.close(NULL);
}

/* Every fact of the handheld fixture, formatted. */
static const char *const handheld_facts[][2] = {
	{ "hw.manufacturer", "Warden Devices" },
	{ "hw.model", "FieldPad 7" },
	{ "hw.serial", "FP7-000123" },
	{ "hw.keystore", "true" },
	{ "os.id", "debian" },
	{ "os.name", "Debian GNU/Linux" },
	{ "os.version", "12.8" },
	{ "os.kernel", "6.1.0-28-arm64" },
	{ "os.security_patch", "2026-10-05" },
	{ "os.security_patch_source", "apt-history" },
	{ "disk.encrypted", "true" },
	{ "disk.encryption_status", "ENCRYPTED" },
	{ "disk.unencrypted_mounts", "" },
	{ "integrity.rooted", "false" },
	{ "integrity.secure_boot", "true" },
	{ "integrity.selinux_enforcing", "true" },
	{ "integrity.verified_root", "true" },
	{ "integrity.lockdown", "confidentiality" },
	{ "integrity.boot_state", "green" },
	{ "integrity.debugger_attached", "false" },
	{ "integrity.usr_writable", "false" },
	{ "integrity.kernel_tainted", "0" },
	{ "integrity.su_paths", "" },
	{ "integrity.risks", "" },
	{ "passcode.set", "true" },
	{ "passcode.quality", "ALPHANUMERIC" },
	{ "passcode.length", "8" },
	{ "passcode.age_days", NULL },
	{ "passcode.failed_attempts", "0" },
	{ "passcode.lockout_attempts", "10" },
	{ "passcode.max_age_days", "90" },
	{ "firewall.enabled", "true" },
	{ "firewall.source", "nftables.conf" },
	{ "time.synced", "true" },
	{ "storage.total_bytes", NULL },
	{ "storage.free_bytes", NULL },
	{ "memory.total_bytes", "4020445184" },
	{ "memory.available_bytes", "2878996480" },
	{ "battery.level", "81" },
	{ "battery.charging", "false" },
	{ "network.connected", "true" },
	{ "network.addresses", "192.0.2.17,2001:db8::17" },
	{ "network.bearers", "ethernet,wlan,cellular" },
	{ "network.bearer", "wlan" },
	{ "network.signal_dbm", "-56" },
	{ "camera.present", "true" },
	{ "camera.blocked", "true" },
	{ "screen_capture.blocked", "true" },
	{ "usb.data_blocked", "true" },
	{ "profile.exists", "false" },
	{ "kiosk.active", "false" },
};

static void
test_handheld_all_facts(void **state)
{
	struct hal_facts fs;
	struct hal h;
	char spec[PATH_MAX + 8], err[128], val[HAL_FACT_STR_MAX];
	size_t i, n = sizeof(handheld_facts) / sizeof(handheld_facts[0]);

	(void)state;
	snprintf(spec, sizeof(spec), "linux:%s", fixture_path("rootfs-handheld"));
	assert_int_equal(hal_open(&h, spec, err, sizeof(err)), 0);
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(hal_facts_read(&h, &fs), 0);
	assert_null(hal_fact_find(&fs, "hal.errors"));
	for (i = 0; i < n; i++) {
		const struct hal_fact *f = need_fact(&fs, handheld_facts[i][0]);

		if (handheld_facts[i][1] == NULL)
			continue;
		hal_fact_format(f, val, sizeof(val));
		if (strcmp(val, handheld_facts[i][1]) != 0)
			fail_msg("%s = \"%s\", expected \"%s\"",
			    handheld_facts[i][0], val, handheld_facts[i][1]);
	}
	/* Nothing else: every fact is in the table above. */
	assert_int_equal(fs.n, n);
	hal_close(&h);
}

static void
test_kiosk_facts(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-kiosk");
	struct hal_facts fs;

	(void)state;
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(hal_linux_backend.facts->read(c, &fs), 0);
	assert_fact_bool(&fs, "kiosk.active", true);
	assert_fact_bool(&fs, "camera.present", true);
	assert_fact_bool(&fs, "camera.blocked", false);
	assert_fact_bool(&fs, "passcode.set", false);
	assert_fact_str(&fs, "disk.encryption_status", HAL_FACT_STRING,
	    "ENCRYPTED");
	assert_fact_str(&fs, "hw.model", HAL_FACT_STRING, "KioskBox 2");
	/* The kiosk fixture has no firewall and no battery. */
	assert_fact_bool(&fs, "firewall.enabled", false);
	assert_no_fact(&fs, "battery.level");
	hal_linux_backend.close(c);
}

static void
test_errors_fact(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c;
	struct hal_facts fs;

	(void)state;
	write_in(root, "/proc/meminfo", "MemTotal: lots\n");
	write_in(root, "/etc/os-release", "ID='x\n");
	c = open_root(root, "");
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(hal_linux_backend.facts->read(c, &fs), 0);
	assert_fact_str(&fs, "hal.errors", HAL_FACT_STRING,
	    "/etc/os-release: malformed; /proc/meminfo: malformed");
	/* The next scan starts afresh. */
	write_in(root, "/proc/meminfo", "MemTotal: 1 kB\nMemAvailable: 1 kB\n");
	write_in(root, "/etc/os-release", "ID=x\n");
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(hal_linux_backend.facts->read(c, &fs), 0);
	assert_no_fact(&fs, "hal.errors");
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_full_set(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	struct hal_facts fs;

	(void)state;
	memset(&fs, 0, sizeof(fs));
	fs.n = HAL_FACTS_MAX - 5;
	for (size_t i = 0; i < fs.n; i++)
		snprintf(fs.f[i].name, sizeof(fs.f[i].name), "x.%zu", i);
	assert_int_equal(hal_linux_backend.facts->read(c, &fs), -ENOSPC);
	hal_linux_backend.close(c);
}

static void
test_real_root_read_only(void **state)
{
	struct hal_facts fs;
	struct hal h;
	char err[128], man[64], model[64], serial[64];
	bool present;
	int rc;

	(void)state;
	assert_int_equal(hal_open(&h, "linux:/", err, sizeof(err)), 0);
	memset(&fs, 0, sizeof(fs));
	/* Whatever this machine is, the scan succeeds and reads facts. */
	assert_int_equal(hal_facts_read(&h, &fs), 0);
	assert_true(fs.n >= 10);
	need_fact(&fs, "os.kernel");
	need_fact(&fs, "memory.total_bytes");
	need_fact(&fs, "integrity.risks");
	rc = hal_identity_get(&h, man, sizeof(man), model, sizeof(model),
	    serial, sizeof(serial));
	assert_true(rc == 0 || rc == -ENODATA);
	assert_int_equal(hal_identity_hw_keystore(&h, &present), 0);
	hal_close(&h);
}

/* A record of everything under a host directory (path, size, mtime). */
static char *snap;
static size_t snap_len, snap_cap;

static int
snap_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char line[PATH_MAX + 64];
	int n;

	(void)flag;
	(void)ftw;
	n = snprintf(line, sizeof(line), "%s %lld %lld.%09ld %o\n", path,
	    (long long)st->st_size, (long long)st->st_mtim.tv_sec,
	    st->st_mtim.tv_nsec, st->st_mode);
	if (snap_len + (size_t)n + 1 > snap_cap) {
		snap_cap = (snap_len + (size_t)n + 1) * 2;
		snap = realloc(snap, snap_cap);
		assert_non_null(snap);
	}
	memcpy(snap + snap_len, line, (size_t)n + 1);
	snap_len += (size_t)n;
	return 0;
}

static char *
snapshot(void)
{
	static const char *const dirs[] = { "/etc", "/var/lib/warden",
		"/home", "/data" };
	char sysrq[32] = "", *s;
	size_t i;
	FILE *f;

	snap = NULL;
	snap_len = snap_cap = 0;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		nftw(dirs[i], snap_one, 32, FTW_PHYS);
	if ((f = fopen("/proc/sys/kernel/sysrq", "r")) != NULL) {
		if (fgets(sysrq, sizeof(sysrq), f) == NULL)
			sysrq[0] = '\0';
		fclose(f);
	}
	snap_one(sysrq, &(struct stat){ 0 }, 0, NULL);
	s = snap;
	snap = NULL;
	return s;
}

static void
test_prefix_isolation(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct hal_passcode_policy p;
	struct hal_wifi w;
	struct linux_ctx *c;
	struct hal_facts fs;
	struct fake_run f;
	char parent[PATH_MAX], app[64];
	char *before, *after;
	uint8_t key[32], der[4] = { 0x30, 0x02, 0x05, 0x00 };
	bool b;

	(void)state;
	write_in(root, "/proc/sys/kernel/sysrq", "176\n");
	/* The prefix's parent: only "root" may be in it afterwards. */
	snprintf(parent, sizeof(parent), "%s", root);
	*strrchr(parent, '/') = '\0';
	before = snapshot();

	c = open_root(root, "");
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(hal_linux_backend.facts->read(c, &fs), 0);
	memset(&p, 0, sizeof(p));
	p.quality = HAL_PW_ALPHANUMERIC;
	p.min_length = 9;
	p.expiration_seconds = 86400 * 60;
	p.max_failed_for_wipe = 5;
	p.max_time_to_lock_ms = 60000;
	assert_int_equal(linux_passcode_ops.apply(c, &p), 0);
	assert_int_equal(linux_camera_ops.set_allowed(c, true), 0);
	assert_int_equal(linux_camera_ops.set_allowed(c, false), 0);
	assert_int_equal(linux_restrict_ops.set_usb_data(c, true), 0);
	assert_int_equal(linux_restrict_ops.set_screen_capture(c, false), 0);
	assert_int_equal(linux_restrict_ops.set_factory_reset_allowed(c, false),
	    0);
	assert_int_equal(linux_lock_ops.set_message(c, "Return to IT"), 0);
	assert_int_equal(linux_lock_ops.lock_now(c, HAL_SCOPE_DEVICE), 0);
	assert_int_equal(linux_kiosk_ops.enter(c, "/usr/bin/foot"), 0);
	assert_int_equal(linux_kiosk_ops.status(c, app, sizeof(app)), 0);
	assert_int_equal(linux_kiosk_ops.exit(c), 0);
	memset(&w, 0, sizeof(w));
	strcpy(w.ssid, "Depot");
	strcpy(w.security, "WPA2");
	strcpy(w.password, "depot-passphrase");
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), 0);
	assert_int_equal(linux_network_ops.set_locale(c, "de_DE"), 0);
	assert_int_equal(linux_certstore_ops.sealing_key(c, key), 0);
	assert_int_equal(linux_certstore_ops.install_ca(c, "ca", der, 4), 0);
	assert_true(linux_profile_ops.create(c) < 0);
	assert_int_equal(linux_profile_ops.status(c, &b), 0);
	assert_int_equal(linux_wipe_ops.wipe_profile(c), 0);
	assert_int_equal(linux_wipe_ops.factory_reset(c), -ENOSYS);
	assert_int_equal(linux_power_ops.reboot(c), 0);
	assert_true(hal_linux_backend.watch_fd(c) >= 0);
	hal_linux_backend.watch_drain(c);
	hal_linux_backend.close(c);

	/* Every command went to the fake runner, none to the host. */
	assert_non_null(strstr(f.log, "systemctl reboot\n"));
	after = snapshot();
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* Only the prefix in its parent directory. */
	{
		char **names;
		size_t n;
		struct linux_ctx *host = open_root(parent, "");

		assert_int_equal(linux_list_dir(host, "/", 8, &names, &n), 0);
		assert_int_equal(n, 1);
		assert_string_equal(names[0], "root");
		linux_names_free(names, n);
		hal_linux_backend.close(host);
	}
	/* And inside it, the writes did happen. */
	assert_file_eq(root, "/etc/warden/lockscreen-message", "Return to IT\n");
	remove_copy(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_handheld_all_facts),
		cmocka_unit_test(test_kiosk_facts),
		cmocka_unit_test(test_errors_fact),
		cmocka_unit_test(test_full_set),
		cmocka_unit_test(test_real_root_read_only),
		cmocka_unit_test(test_prefix_isolation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
