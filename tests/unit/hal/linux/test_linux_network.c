/*
 * test_linux_network.c - Wi-Fi: NetworkManager keyfiles, wpa_supplicant
 * blocks (replaced by SSID, the rest kept), validation and escaping.
 */
#include "tests/unit/hal/linux/linux_test.h"

static struct hal_wifi
wifi(const char *ssid, const char *sec, const char *pw)
{
	struct hal_wifi w;

	memset(&w, 0, sizeof(w));
	snprintf(w.ssid, sizeof(w.ssid), "%s", ssid);
	snprintf(w.security, sizeof(w.security), "%s", sec);
	snprintf(w.password, sizeof(w.password), "%s", pw);
	return w;
}

static void
test_nm_keyfile(void **state)
{
	const char *root = copy_fixture("rootfs-kiosk");
	struct linux_ctx *c = open_root(root, "");
	struct hal_wifi w = wifi("Shop Floor", "WPA2", " back\\slash pass");
	char path[PATH_MAX * 2];
	struct fake_run f;
	struct stat st;

	(void)state;
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	w.hidden = true;
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), 0);
	assert_file_eq(root,
	    "/etc/NetworkManager/system-connections/Shop Floor.nmconnection",
	    "# Written by warden from the provisioning Wi-Fi configuration.\n"
	    "[connection]\nid=Shop Floor\ntype=wifi\nautoconnect=true\n\n"
	    "[wifi]\nmode=infrastructure\nssid=Shop Floor\nhidden=true\n\n"
	    "[wifi-security]\nkey-mgmt=wpa-psk\npsk=\\sback\\\\slash pass\n\n"
	    "[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=auto\n");
	snprintf(path, sizeof(path),
	    "%s/etc/NetworkManager/system-connections/Shop Floor.nmconnection",
	    root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_string_equal(f.log, "nmcli connection load "
	    "/etc/NetworkManager/system-connections/Shop Floor.nmconnection\n");
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_nm_eap(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-kiosk");
	struct hal_wifi w = wifi("Corp", "EAP", "s3cret");
	char buf[2048];

	(void)state;
	snprintf(w.eap_method, sizeof(w.eap_method), "PEAP");
	snprintf(w.identity, sizeof(w.identity), "tech7@corp.example");
	snprintf(w.anonymous_identity, sizeof(w.anonymous_identity), "anon");
	snprintf(w.domain, sizeof(w.domain), "radius.corp.example");
	snprintf(w.ca_cert, sizeof(w.ca_cert), "corp-root");
	assert_int_equal(linux_wifi_nm_keyfile(c, &w, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "[wifi-security]\nkey-mgmt=wpa-eap\n\n"
	    "[802-1x]\neap=peap;\nidentity=tech7@corp.example\n"
	    "anonymous-identity=anon\npassword=s3cret\nphase2-auth=mschapv2\n"
	    "ca-cert=/var/lib/warden/ca/corp-root.der\n"
	    "domain-suffix-match=radius.corp.example\n"));
	assert_int_equal(linux_wifi_wpa_block(c, &w, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "network={\n\tssid=436f7270\n"
	    "\tkey_mgmt=WPA-EAP\n\teap=PEAP\n\tidentity=\"tech7@corp.example\"\n"
	    "\tanonymous_identity=\"anon\"\n\tpassword=\"s3cret\"\n"
	    "\tphase2=\"auth=MSCHAPV2\"\n"
	    "\tca_cert=\"/var/lib/warden/ca/corp-root.der\"\n"
	    "\tdomain_suffix_match=\"radius.corp.example\"\n}\n");
	snprintf(w.eap_method, sizeof(w.eap_method), "MD5");
	assert_int_equal(linux_wifi_nm_keyfile(c, &w, buf, sizeof(buf)),
	    -EINVAL);
	hal_linux_backend.close(c);
}

static void
test_wpa_replace(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c = open_root(root, "");
	struct hal_wifi w = wifi("Depot", "WPA3", "new \"depot\" pass");
	struct fake_run f;

	(void)state;
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), 0);
	assert_file_eq(root, "/etc/wpa_supplicant/wpa_supplicant.conf",
	    "ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev\n"
	    "update_config=1\ncountry=DE\n\n"
	    "network={\n\tssid=4465706f74\n\tkey_mgmt=SAE\n"
	    "\tsae_password=\"new \"depot\" pass\"\n\tieee80211w=2\n}\n\n"
	    "network={\n\tssid=\"Warehouse\"\n\tpsk=\"warehouse-passphrase\"\n"
	    "}\n");
	assert_string_equal(f.log, "wpa_cli reconfigure\n");
	/* The block written in hex is found again by its SSID. */
	w = wifi("Depot", "NONE", "");
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), 0);
	assert_file_contains(root, "/etc/wpa_supplicant/wpa_supplicant.conf",
	    "country=DE\n\nnetwork={\n\tssid=4465706f74\n\tkey_mgmt=NONE\n}\n\n"
	    "network={\n\tssid=\"Warehouse\"");
	/* A new one is appended. */
	w = wifi("Yard", "WPA", "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef");
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), 0);
	assert_file_contains(root, "/etc/wpa_supplicant/wpa_supplicant.conf",
	    "}\nnetwork={\n\tssid=59617264\n\tkey_mgmt=WPA-PSK\n"
	    "\tpsk=0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef\n}\n");
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_wpa_new_file(void **state)
{
	const char *root = copy_fixture("rootfs-rooted");
	struct linux_ctx *c = open_root(root, "");
	struct hal_wifi w = wifi("Lab", "WPA2", "labpassword");
	char path[PATH_MAX * 2];
	struct fake_run f;
	struct stat st;

	(void)state;
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), 0);
	assert_file_eq(root, "/etc/wpa_supplicant/wpa_supplicant.conf",
	    "ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev\n"
	    "update_config=1\nnetwork={\n\tssid=4c6162\n\tkey_mgmt=WPA-PSK\n"
	    "\tpsk=\"labpassword\"\n}\n");
	snprintf(path, sizeof(path), "%s/etc/wpa_supplicant/wpa_supplicant.conf",
	    root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_validation(void **state)
{
	static const char *const bad_ssids[] = { "", "a/b", "a\\b", "a\"b",
		"a;b", " lead", "trail ", ".hidden", "backup~", "tab\there",
		"caf\xc3\xa9", "-opt" };
	struct linux_ctx *c = open_fixture("rootfs-kiosk");
	struct hal_wifi w;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_ssids) / sizeof(bad_ssids[0]); i++) {
		if (linux_wifi_ssid_ok(bad_ssids[i]) != -EINVAL)
			fail_msg("accepted SSID \"%s\"", bad_ssids[i]);
	}
	assert_int_equal(linux_wifi_ssid_ok("Caf\xc3"), -EINVAL);
	assert_int_equal(linux_wifi_ssid_ok("ACME Guest #2 (5GHz)"), 0);
	w = wifi("Net", "WEP", "abcde");
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), -ENOSYS);
	w = wifi("Net", "WPA2", "short");
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), -EINVAL);
	w = wifi("Net", "WPA2", "line\nbreak");
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), -EINVAL);
	w = wifi("Net", "NONE", "unexpected");
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), -EINVAL);
	w = wifi("Net", "WPA9", "longenough");
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), -EINVAL);
	w = wifi("Net", "EAP", "");
	snprintf(w.eap_method, sizeof(w.eap_method), "TLS");
	snprintf(w.ca_cert, sizeof(w.ca_cert), "../../etc/shadow");
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), -EINVAL);
	/* Unterminated fields are refused, not read past. */
	w = wifi("Net", "WPA2", "longenough");
	memset(w.ssid, 'A', sizeof(w.ssid));
	assert_int_equal(linux_network_ops.apply_wifi(c, &w), -EINVAL);
	hal_linux_backend.close(c);
}

static void
test_merge_malformed(void **state)
{
	char *out;

	(void)state;
	assert_null(linux_wifi_wpa_merge("network={\n\tssid=\"x\"\n", "x",
	    "network={\n}\n"));
	out = linux_wifi_wpa_merge("", "x", "network={\n}\n");
	assert_string_equal(out, "network={\n}\n");
	free(out);
	/* An SSID in bad hex matches nothing: appended. */
	out = linux_wifi_wpa_merge("network={\n ssid=zz\n}", "x", "B\n");
	assert_string_equal(out, "network={\n ssid=zz\n}\nB\n");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nm_keyfile),
		cmocka_unit_test(test_nm_eap),
		cmocka_unit_test(test_wpa_replace),
		cmocka_unit_test(test_wpa_new_file),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_merge_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
