/* Tests hal/sim: state file, facts, ops, op log, faults and controls. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "hal/hal.h"
#include "tests/unit/support.h"

struct fx {
	char dir[128];
	struct hal h;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	char spec[160], err[128];

	snprintf(fx->dir, sizeof(fx->dir), "%s/dev", test_tmpdir());
	snprintf(spec, sizeof(spec), "sim:%s", fx->dir);
	if (hal_open(&fx->h, spec, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	char *slash;

	hal_close(&fx->h);
	slash = strrchr(fx->dir, '/');
	*slash = '\0';
	test_rmtree(fx->dir);
	free(fx);
	return 0;
}

static char *
oplog(struct fx *fx)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/ops.log", fx->dir);
	return test_read_file(path, NULL);
}

static void
default_facts_typed(void **state)
{
	struct fx *fx = *state;
	struct hal_facts fs = { .n = 0 };
	const struct hal_fact *f;

	assert_int_equal(hal_facts_read(&fx->h, &fs), 0);
	assert_true(fs.n >= 40);
	f = hal_fact_find(&fs, "os.version");
	assert_int_equal(f->type, HAL_FACT_VERSION);
	f = hal_fact_find(&fs, "os.security_patch");
	assert_int_equal(f->type, HAL_FACT_DATETIME);
	f = hal_fact_find(&fs, "disk.encrypted");
	assert_true(f->type == HAL_FACT_BOOL && f->b);
	f = hal_fact_find(&fs, "passcode.length");
	assert_true(f->type == HAL_FACT_INT64 && f->i == 8);
}

static void
ops_change_facts_and_log(void **state)
{
	struct fx *fx = *state;
	struct hal_facts fs = { .n = 0 };
	struct hal_passcode_policy p = { .quality = HAL_PW_NUMERIC_COMPLEX,
		.min_length = 6 };
	bool allowed;
	char *log;

	assert_int_equal(hal_camera_set_allowed(&fx->h, false), 0);
	assert_int_equal(hal_camera_get_allowed(&fx->h, &allowed), 0);
	assert_false(allowed);
	assert_int_equal(hal_passcode_apply(&fx->h, &p), 0);
	assert_int_equal(hal_lock_now(&fx->h, HAL_SCOPE_DEVICE), 0);
	assert_int_equal(hal_facts_read(&fx->h, &fs), 0);
	assert_true(hal_fact_find(&fs, "camera.blocked")->b);
	assert_true(hal_fact_find(&fs, "screen.locked")->b);
	log = oplog(fx);
	assert_string_equal(log,
	    "camera.set_allowed allowed=false -> ok\n"
	    "passcode.apply quality=NUMERIC_COMPLEX minLength=6 scope=device "
	    "history=0 expiry=0s maxFailedForWipe=0 maxTimeToLock=0ms -> ok\n"
	    "lock.now scope=device -> ok\n");
	free(log);
}

/* The OS-update hook: recorded, and made to fail. */
static void
os_update(void **state)
{
	struct fx *fx = *state;
	char *reply = NULL, *log;

	assert_int_equal(hal_power_os_update(&fx->h, "https://u.example/a"),
	    0);
	assert_int_equal(hal_control(&fx->h, "fail", "power.os_update", "EIO",
	    &reply), 0);
	free(reply);
	reply = NULL;
	assert_int_equal(hal_power_os_update(&fx->h, "https://u.example/b"),
	    -EIO);
	assert_int_equal(hal_control(&fx->h, "show", NULL, NULL, &reply), 0);
	/* cJSON_Print's layout: a tab after each colon */
	assert_non_null(strstr(reply, "\"osUpdates\":\t1"));
	assert_non_null(strstr(reply,
	    "\"osUpdateUri\":\t\"https://u.example/a\""));
	free(reply);
	log = oplog(fx);
	assert_string_equal(log,
	    "power.os_update https://u.example/a -> ok\n"
	    "power.os_update https://u.example/b -> Input/output error\n");
	free(log);
}

static void
injected_failure(void **state)
{
	struct fx *fx = *state;
	struct hal_facts fs = { .n = 0 };
	char *reply = NULL, *log;

	assert_int_equal(hal_control(&fx->h, "fail", "camera.set_allowed",
	    "EIO", &reply), 0);
	assert_int_equal(hal_camera_set_allowed(&fx->h, false), -EIO);
	assert_int_equal(hal_facts_read(&fx->h, &fs), 0);
	assert_false(hal_fact_find(&fs, "camera.blocked")->b);
	assert_int_equal(hal_control(&fx->h, "fail", "camera.set_allowed",
	    "0", &reply), 0);
	assert_int_equal(hal_camera_set_allowed(&fx->h, false), 0);
	log = oplog(fx);
	assert_string_equal(log,
	    "camera.set_allowed -> Input/output error\n"
	    "camera.set_allowed allowed=false -> ok\n");
	free(log);
}

static void
control_set_and_errors(void **state)
{
	struct fx *fx = *state;
	struct hal_facts fs = { .n = 0 };
	char *reply = NULL;

	assert_int_equal(hal_control(&fx->h, "set", "passcode.length", "4",
	    &reply), 0);
	assert_int_equal(hal_control(&fx->h, "set", "disk.encrypted", "false",
	    &reply), 0);
	assert_int_equal(hal_control(&fx->h, "set", "os.name", "Warden OS",
	    &reply), 0);
	assert_int_equal(hal_control(&fx->h, "set", "battery.level", "null",
	    &reply), 0);
	assert_int_equal(hal_control(&fx->h, "set", "network.addresses",
	    "10.9.8.7", &reply), 0);
	assert_int_equal(hal_facts_read(&fx->h, &fs), 0);
	assert_int_equal(hal_fact_find(&fs, "passcode.length")->i, 4);
	assert_false(hal_fact_find(&fs, "disk.encrypted")->b);
	assert_string_equal(hal_fact_find(&fs, "os.name")->s, "Warden OS");
	assert_null(hal_fact_find(&fs, "battery.level"));
	assert_string_equal(hal_fact_find(&fs, "network.addresses")->s,
	    "10.9.8.7");

	assert_int_equal(hal_control(&fx->h, "fail", "no.such.op", "EIO",
	    &reply), -EINVAL);
	assert_non_null(strstr(reply, "unknown op \"no.such.op\""));
	free(reply);
	assert_int_equal(hal_control(&fx->h, "fail", "lock.now", "EWHAT",
	    &reply), -EINVAL);
	assert_non_null(strstr(reply, "bad errno \"EWHAT\""));
	free(reply);
	assert_int_equal(hal_control(&fx->h, "dance", NULL, NULL, &reply),
	    -EINVAL);
	free(reply);
	assert_int_equal(hal_control(&fx->h, "show", NULL, NULL, &reply), 0);
	assert_non_null(strstr(reply, "\"passcode.length\":\t4"));
	free(reply);
}

static void
corrupt_state_file(void **state)
{
	struct fx *fx = *state;
	struct hal_facts fs = { .n = 0 };
	char path[200];

	snprintf(path, sizeof(path), "%s/device.json", fx->dir);
	assert_int_equal(test_write_file(path, "{not json"), 0);
	assert_int_equal(hal_facts_read(&fx->h, &fs), -EBADMSG);
	assert_int_equal(hal_camera_set_allowed(&fx->h, false), -EBADMSG);
}

static void
passcode_reset_classifies(void **state)
{
	struct fx *fx = *state;
	struct hal_passcode_status st;
	char *log;

	assert_int_equal(hal_passcode_reset(&fx->h, "1234", false), 0);
	assert_int_equal(hal_passcode_status(&fx->h, &st), 0);
	assert_true(st.set);
	assert_int_equal(st.quality, HAL_PW_NUMERIC);
	assert_int_equal(st.length, 4);
	assert_int_equal(hal_passcode_reset(&fx->h, "abc12!", true), 0);
	assert_int_equal(hal_passcode_status(&fx->h, &st), 0);
	assert_int_equal(st.quality, HAL_PW_COMPLEX);
	log = oplog(fx);
	/* the passcode itself never reaches the log */
	assert_null(strstr(log, "1234"));
	assert_null(strstr(log, "abc12!"));
	free(log);
}

static void
sealing_key_stable(void **state)
{
	struct fx *fx = *state;
	uint8_t a[32], b[32];
	char path[200];
	struct stat sb;

	assert_int_equal(hal_certstore_sealing_key(&fx->h, a), 0);
	assert_int_equal(hal_certstore_sealing_key(&fx->h, b), 0);
	assert_memory_equal(a, b, 32);
	snprintf(path, sizeof(path), "%s/sealing.key", fx->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
}

static void
inputs_bounded(void **state)
{
	struct fx *fx = *state;
	uint8_t buf[8];
	char text[8], path[200];
	size_t n;

	assert_int_equal(hal_nfc_read_ndef(&fx->h, buf, sizeof(buf), &n),
	    -ENODATA);
	snprintf(path, sizeof(path), "%s/nfc.ndef", fx->dir);
	assert_int_equal(test_write_file(path, "12345678"), 0);
	assert_int_equal(hal_nfc_read_ndef(&fx->h, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, 8);
	assert_int_equal(test_write_file(path, "123456789"), 0);
	assert_int_equal(hal_nfc_read_ndef(&fx->h, buf, sizeof(buf), &n),
	    -EMSGSIZE);
	snprintf(path, sizeof(path), "%s/camera.txt", fx->dir);
	assert_int_equal(test_write_file(path, "{\"a\":1}"), 0);
	assert_int_equal(hal_camera_scan_qr(&fx->h, NULL, text, sizeof(text)),
	    0);
	assert_string_equal(text, "{\"a\":1}");
}

/* The sim's decoder: says what the picture was, or that it holds no
 * code. */
static int
fake_decode(void *arg, const void *image, size_t len, char *text, size_t cap)
{
	int *calls = arg;

	(*calls)++;
	if (len == 4 && memcmp(image, "P5\n1", 4) == 0)
		return -EAGAIN;
	snprintf(text, cap, "%.*s", (int)len, (const char *)image);
	return 0;
}

/* A picture goes to the agent's decoder whole; one with no code in it
 * is -EBADMSG; without a decoder, -ENOSYS. */
static void
test_camera_picture(void **state)
{
	struct fx *fx = *state;
	struct hal_qr_decoder dec = { fake_decode, NULL };
	char path[600], text[64];
	int calls = 0;

	dec.arg = &calls;
	snprintf(path, sizeof(path), "%s/camera.pgm", fx->dir);
	assert_int_equal(test_write_file(path, "P5 picture"), 0);
	assert_int_equal(hal_camera_scan_qr(&fx->h, &dec, text, sizeof(text)),
	    0);
	assert_string_equal(text, "P5 picture");
	assert_int_equal(test_write_file(path, "P5\n1"), 0);
	assert_int_equal(hal_camera_scan_qr(&fx->h, &dec, text, sizeof(text)),
	    -EBADMSG);
	assert_int_equal(calls, 2);
	assert_int_equal(hal_camera_scan_qr(&fx->h, NULL, text, sizeof(text)),
	    -ENOSYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(default_facts_typed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ops_change_facts_and_log, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(injected_failure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(os_update, setup, teardown),
		cmocka_unit_test_setup_teardown(control_set_and_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(corrupt_state_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(passcode_reset_classifies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(sealing_key_stable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(inputs_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_camera_picture, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
