/*
 * test_linux_facts_system.c - firewall (live nft JSON through the runner
 * and the boot ruleset), time sync, storage, memory and battery facts.
 */
#include "tests/unit/hal/linux/linux_test.h"

static const char nft_drop[] =
    "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", "
    "\"json_schema_version\": 1}}, {\"table\": {\"family\": \"inet\", "
    "\"name\": \"filter\", \"handle\": 1}}, {\"chain\": {\"family\": "
    "\"inet\", \"table\": \"filter\", \"name\": \"input\", \"handle\": 1, "
    "\"type\": \"filter\", \"hook\": \"input\", \"prio\": 0, \"policy\": "
    "\"drop\"}}]}";

static void
read_system(struct linux_ctx *c, struct hal_facts *fs)
{
	memset(fs, 0, sizeof(*fs));
	assert_int_equal(linux_facts_system(c, fs), 0);
}

static void
test_handheld(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	const struct hal_fact *total, *free_;
	struct hal_facts fs;

	(void)state;
	/* Under a prefix nft is not run: the boot ruleset decides. */
	read_system(c, &fs);
	assert_string_equal(c->errors, "");
	assert_fact_bool(&fs, "firewall.enabled", true);
	assert_fact_str(&fs, "firewall.source", HAL_FACT_STRING,
	    "nftables.conf");
	assert_fact_bool(&fs, "time.synced", true);
	assert_fact_int(&fs, "memory.total_bytes", 3926216LL * 1024);
	assert_fact_int(&fs, "memory.available_bytes", 2811520LL * 1024);
	assert_fact_int(&fs, "battery.level", 81);
	assert_fact_bool(&fs, "battery.charging", false);
	total = need_fact(&fs, "storage.total_bytes");
	free_ = need_fact(&fs, "storage.free_bytes");
	assert_true(total->i > 0);
	assert_true(free_->i >= 0 && free_->i <= total->i);
	hal_linux_backend.close(c);
}

static void
test_live_ruleset(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-unencrypted");
	struct fake_run f;
	struct hal_facts fs;

	(void)state;
	memset(&f, 0, sizeof(f));
	fake_reply(&f, "nft -j list ruleset", nft_drop, 0);
	linux_set_runner(c, fake_runner, &f);
	read_system(c, &fs);
	assert_string_equal(f.log, "nft -j list ruleset\n");
	assert_fact_bool(&fs, "firewall.enabled", true);
	assert_fact_str(&fs, "firewall.source", HAL_FACT_STRING, "nft");
	/* nft fails and there is no boot ruleset: no firewall. */
	f.nreplies = 0;
	fake_reply(&f, "nft", "", 1);
	read_system(c, &fs);
	assert_fact_bool(&fs, "firewall.enabled", false);
	assert_fact_str(&fs, "firewall.source", HAL_FACT_STRING, "none");
	/* No timex fixture: time.synced unknown. */
	assert_no_fact(&fs, "time.synced");
	assert_no_fact(&fs, "battery.level");
	hal_linux_backend.close(c);
}

static void
test_time_not_synced(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-rooted");
	struct hal_facts fs;

	(void)state;
	/* maxerror exactly 16 s is not under 16 s. */
	read_system(c, &fs);
	assert_fact_bool(&fs, "time.synced", false);
	hal_linux_backend.close(c);
	c = open_fixture("rootfs-kiosk");
	/* TIME_ERROR (5): unsynchronised whatever the error. */
	read_system(c, &fs);
	assert_fact_bool(&fs, "time.synced", false);
	hal_linux_backend.close(c);
}

/* Under ProtectClock=yes the answer is systemd-timedated's. */
static void
test_time_timedated(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	struct fake_run f;
	bool synced = false;

	(void)state;
	memset(&f, 0, sizeof(f));
	fake_reply(&f, "timedatectl show --property=NTPSynchronized --value",
	    "yes\n", 0);
	linux_set_runner(c, fake_runner, &f);
	assert_int_equal(linux_time_synced_timedated(c, &synced), 0);
	assert_true(synced);
	assert_string_equal(f.log,
	    "timedatectl show --property=NTPSynchronized --value\n");
	f.replies[0].out = "no\n";
	assert_int_equal(linux_time_synced_timedated(c, &synced), 0);
	assert_false(synced);
	/* Anything but yes or no is refused whole. */
	f.replies[0].out = "yes please\n";
	assert_int_equal(linux_time_synced_timedated(c, &synced), -EPROTO);
	f.replies[0].out = "";
	assert_int_equal(linux_time_synced_timedated(c, &synced), -EPROTO);
	/* timedated not reachable: timedatectl fails. */
	f.replies[0].out = "yes\n";
	f.replies[0].status = 1;
	assert_int_equal(linux_time_synced_timedated(c, &synced), -EIO);
	f.fail_errno = ENOENT;
	assert_int_equal(linux_time_synced_timedated(c, &synced), -ENOENT);
	hal_linux_backend.close(c);
}

static void
test_nft_json(void **state)
{
	bool drops;

	(void)state;
	assert_int_equal(linux_nft_json_drops_input(nft_drop, &drops), 0);
	assert_true(drops);
	assert_int_equal(linux_nft_json_drops_input("{\"nftables\": [{\"chain\":"
	    " {\"family\": \"inet\", \"hook\": \"input\", \"policy\": "
	    "\"accept\"}}]}", &drops), 0);
	assert_false(drops);
	/* ARP's input hook is not IP traffic. */
	assert_int_equal(linux_nft_json_drops_input("{\"nftables\": [{\"chain\":"
	    " {\"family\": \"arp\", \"hook\": \"input\", \"policy\": "
	    "\"drop\"}}]}", &drops), 0);
	assert_false(drops);
	assert_int_equal(linux_nft_json_drops_input("[]", &drops), -EINVAL);
	assert_int_equal(linux_nft_json_drops_input("{\"nftables\": {}}",
	    &drops), -EINVAL);
	assert_int_equal(linux_nft_json_drops_input("{\"nft", &drops), -EINVAL);
}

static void
test_nft_text(void **state)
{
	(void)state;
	assert_true(linux_nft_text_drops_input("table ip filter {\n"
	    " chain INPUT { type filter hook input priority 0; policy drop; }\n"
	    "}\n"));
	/* Family omitted: ip. */
	assert_true(linux_nft_text_drops_input("table filter { chain in {\n"
	    "  type filter hook input priority 0\n  policy drop\n } }"));
	assert_false(linux_nft_text_drops_input("table inet f { chain in {\n"
	    " type filter hook input priority 0; policy accept; } }"));
	assert_false(linux_nft_text_drops_input("table arp f { chain in {\n"
	    " type filter hook input priority 0; policy drop; } }"));
	/* A drop policy on another hook, and a commented-out one. */
	assert_false(linux_nft_text_drops_input("table inet f {\n"
	    " chain fw { type filter hook forward priority 0; policy drop; }\n"
	    " chain in { type filter hook input priority 0;\n"
	    "  # policy drop;\n }\n}\n"));
	assert_false(linux_nft_text_drops_input(""));
	assert_false(linux_nft_text_drops_input("}}}} chain {"));
}

/* The number of times s occurs in log. */
static int
count_in(const char *log, const char *s)
{
	int n = 0;

	for (; (log = strstr(log, s)) != NULL; log += strlen(s))
		n++;
	return n;
}

/*
 * On the real root nft's answer is kept while nf_tables announces no
 * change: a stand-in for the watch socket (one end of a socketpair)
 * shows that any message on it makes the next scan run nft again.
 */
static void
test_ruleset_kept_until_changed(void **state)
{
	struct linux_ctx *c = open_root("/", "");
	struct fake_run f;
	struct hal_facts fs;
	bool drops;
	int sv[2];

	(void)state;
	memset(&f, 0, sizeof(f));
	fake_reply(&f, "nft -j list ruleset", nft_drop, 0);
	linux_set_runner(c, fake_runner, &f);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	c->nft_fd = sv[0];
	read_system(c, &fs);
	read_system(c, &fs);
	read_system(c, &fs);
	assert_int_equal(count_in(f.log, "nft -j list ruleset"), 1);
	assert_fact_bool(&fs, "firewall.enabled", true);
	assert_fact_str(&fs, "firewall.source", HAL_FACT_STRING, "nft");
	/* A ruleset change: nft runs once more, then it is kept again. */
	assert_int_equal(send(sv[1], "x", 1, 0), 1);
	assert_int_equal(send(sv[1], "y", 1, 0), 1);
	read_system(c, &fs);
	read_system(c, &fs);
	assert_int_equal(count_in(f.log, "nft -j list ruleset"), 2);
	/* Under a prefix nothing is kept. */
	assert_true(linux_nft_cached(c, &drops));
	c->prefixed = true;
	assert_false(linux_nft_cached(c, &drops));
	c->prefixed = false;
	hal_linux_backend.close(c);
	close(sv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handheld),
		cmocka_unit_test(test_live_ruleset),
		cmocka_unit_test(test_ruleset_kept_until_changed),
		cmocka_unit_test(test_time_not_synced),
		cmocka_unit_test(test_time_timedated),
		cmocka_unit_test(test_nft_json),
		cmocka_unit_test(test_nft_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
