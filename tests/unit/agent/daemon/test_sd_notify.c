/* Tests agent/daemon/sd_notify.c: the datagrams reach a fake $NOTIFY_SOCKET
 * (path and abstract), nothing is sent outside systemd, the watchdog
 * interval arithmetic, and the STATUS= text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "agent/daemon/sd_notify.h"
#include "tests/unit/support.h"

/* A datagram socket bound where NOTIFY_SOCKET points (path or @name). */
static int
fake_manager(const char *where)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", where);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(where) + (where[0] == '/' ? 1 : 0));
	if (where[0] == '@')
		sun.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, len), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", where, 1), 0);
	return fd;
}

static void
expect_datagram(int fd, const char *want)
{
	char buf[SDNOTIFY_MSG_MAX + 1];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void
sends_to_a_path(void **state)
{
	char path[256];
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/notify", test_tmpdir());
	fd = fake_manager(path);
	assert_int_equal(sdnotify_send("READY=1\nSTATUS=MANAGED, compliant"),
	    1);
	expect_datagram(fd, "READY=1\nSTATUS=MANAGED, compliant");
	assert_int_equal(sdnotify_send("WATCHDOG=1"), 1);
	expect_datagram(fd, "WATCHDOG=1");
	close(fd);
	unlink(path);
	/* The manager gone: an error, not a crash nor a block. */
	assert_int_equal(sdnotify_send("STOPPING=1"), -1);
	unsetenv("NOTIFY_SOCKET");
}

static void
sends_to_an_abstract_socket(void **state)
{
	char name[64];
	int fd;

	(void)state;
	snprintf(name, sizeof(name), "@warden-test-notify-%ld",
	    (long)getpid());
	fd = fake_manager(name);
	assert_int_equal(sdnotify_send("STOPPING=1"), 1);
	expect_datagram(fd, "STOPPING=1");
	close(fd);
	unsetenv("NOTIFY_SOCKET");
}

static void
nothing_outside_systemd(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sdnotify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(sdnotify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(sdnotify_send("READY=1"), -1);
	unsetenv("NOTIFY_SOCKET");
}

static void
watchdog_interval(void **state)
{
	uint64_t ms = 0;

	(void)state;
	/* WatchdogSec=30s: a ping every 15 s. */
	assert_int_equal(sdnotify_watchdog_interval("30000000", NULL, 42, &ms),
	    0);
	assert_int_equal(ms, 15000);
	assert_int_equal(sdnotify_watchdog_interval("30000000", "42", 42, &ms),
	    0);
	assert_int_equal(ms, 15000);
	/* Rounded down, never 0. */
	assert_int_equal(sdnotify_watchdog_interval("3001", NULL, 1, &ms), 0);
	assert_int_equal(ms, 1);
	assert_int_equal(sdnotify_watchdog_interval("1", NULL, 1, &ms), 0);
	assert_int_equal(ms, 1);
	assert_int_equal(sdnotify_watchdog_interval("18446744073709551615",
	    NULL, 1, &ms), 0);
	assert_int_equal(ms, 9223372036854775ULL);
	/* Another process's watchdog, or none. */
	ms = 7;
	assert_int_equal(sdnotify_watchdog_interval("30000000", "43", 42, &ms),
	    -1);
	assert_int_equal(sdnotify_watchdog_interval(NULL, NULL, 42, &ms), -1);
	assert_int_equal(sdnotify_watchdog_interval("0", NULL, 42, &ms), -1);
	assert_int_equal(sdnotify_watchdog_interval("", NULL, 42, &ms), -1);
	assert_int_equal(sdnotify_watchdog_interval("-5", NULL, 42, &ms), -1);
	assert_int_equal(sdnotify_watchdog_interval("30s", NULL, 42, &ms), -1);
	assert_int_equal(sdnotify_watchdog_interval("18446744073709551616",
	    NULL, 42, &ms), -1);
	assert_int_equal(sdnotify_watchdog_interval("30000000", "x", 42, &ms),
	    -1);
	assert_int_equal(ms, 7);
}

static void
status_text(void **state)
{
	struct posture_result *r = calloc(1, sizeof(*r));
	char buf[128];

	(void)state;
	assert_non_null(r);
	sdnotify_status_text(STATE_UNPROVISIONED, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "UNPROVISIONED, not scanned yet");
	r->policy_compliant = true;
	r->verdict = POSTURE_COMPLIANT;
	sdnotify_status_text(STATE_MANAGED, r, buf, sizeof(buf));
	assert_string_equal(buf, "MANAGED, compliant");
	r->policy_compliant = false;
	r->verdict = POSTURE_NON_COMPLIANT;
	sdnotify_status_text(STATE_STANDALONE, r, buf, sizeof(buf));
	assert_string_equal(buf, "STANDALONE, not compliant (NonCompliant)");
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sends_to_a_path),
		cmocka_unit_test(sends_to_an_abstract_socket),
		cmocka_unit_test(nothing_outside_systemd),
		cmocka_unit_test(watchdog_interval),
		cmocka_unit_test(status_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
