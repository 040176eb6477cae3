/*
 * Tests Firmware Update, object 5
 * (agent/transport/lwm2m/lwm2m_obj_fwupdate.c), through the object layer
 * with a fake host: the state machine Idle -> Downloaded (a Package URI
 * written) -> Updating (Update) -> Idle with result 1 or back to
 * Downloaded with the hook's failure as result 2..8; pull delivery over
 * http(s) only: a pushed Package refused, URIs of another scheme result
 * 9, malformed ones result 7; an empty URI resets; Update only when
 * Downloaded, a URI write refused while Updating.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"
#include "tests/unit/agent/transport/lwm2m/lwm2m_host_test.h"
#include "tests/unit/support.h"

static struct {
	int calls;
	char uri[HAL_OS_UPDATE_URI_MAX + 1];
	lwm2m_done_fn done;
	void *done_arg;
	int queue_rc;
} F;

static struct lwm2m_objects objs;

static int
f_os_update(void *arg, const char *uri, lwm2m_done_fn done, void *done_arg)
{
	(void)arg;
	F.calls++;
	snprintf(F.uri, sizeof(F.uri), "%s", uri);
	F.done = done;
	F.done_arg = done_arg;
	return F.queue_rc;
}

static const struct lwm2m_host host = {
	NULL, f_fact, f_identity, f_mode, f_compliance, f_apply, f_reboot,
	f_wipe, f_lock, f_save, NULL, NULL, f_os_update,
};

static int
setup(void **state)
{
	(void)state;
	memset(&F, 0, sizeof(F));
	assert_int_equal(lwm2m_objects_init(&objs, &host, NULL), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	lwm2m_objects_free(&objs);
	return 0;
}

static struct lwm2m_path
P(int n, int a, int b, int c)
{
	struct lwm2m_path p = { { (uint16_t)a, (uint16_t)b, (uint16_t)c, 0 },
	    (uint8_t)n };

	return p;
}

/* /5/0/res as an integer (the first instance of a multiple one). */
static int64_t
rd(int r)
{
	struct lwm2m_path p = P(3, 5, 0, r);
	struct lwm2m_records rs;
	char err[LWM2M_ERR_MAX];
	int64_t v;

	lwm2m_records_init(&rs);
	assert_int_equal(lwm2m_objects_read(&objs, &p, &rs, err, sizeof(err)),
	    205);
	assert_true(rs.n >= 1);
	v = rs.r[0].v.i;
	lwm2m_records_clear(&rs);
	return v;
}

static int
wr_uri(const char *uri)
{
	struct lwm2m_path p = P(3, 5, 0, 1);
	struct lwm2m_records in;
	char err[LWM2M_ERR_MAX];
	int rc;

	lwm2m_records_init(&in);
	assert_int_equal(lwm2m_decode(LWM2M_CF_OLD_TEXT, &p,
	    (const uint8_t *)uri, strlen(uri), &in, err, sizeof(err)), 0);
	rc = lwm2m_objects_write(&objs, &p, &in, false, false, err,
	    sizeof(err));
	lwm2m_records_clear(&in);
	return rc;
}

static int
update(void)
{
	struct lwm2m_path p = P(3, 5, 0, 2);
	char err[LWM2M_ERR_MAX];

	return lwm2m_objects_execute(&objs, &p, NULL, 0, err, sizeof(err));
}

static void
fixed_resources(void **state)
{
	struct lwm2m_path p = P(3, 5, 0, 8);
	struct lwm2m_records rs;
	char err[LWM2M_ERR_MAX];

	(void)state;
	assert_int_equal(rd(3), 0);
	assert_int_equal(rd(5), 0);
	assert_int_equal(rd(9), 0);		/* pull only */
	lwm2m_records_init(&rs);
	assert_int_equal(lwm2m_objects_read(&objs, &p, &rs, err, sizeof(err)),
	    205);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.r[0].v.i, 2);	/* HTTP */
	assert_int_equal(rs.r[1].v.i, 3);	/* HTTPS */
	lwm2m_records_clear(&rs);
	assert_int_equal(update(), 405);	/* nothing to update */
	assert_int_equal(F.calls, 0);
}

static void
update_succeeds(void **state)
{
	(void)state;
	assert_int_equal(wr_uri("https://updates.example/os-2.1.raucb"), 204);
	assert_int_equal(rd(3), 2);		/* Downloaded */
	assert_int_equal(update(), 204);
	assert_int_equal(F.calls, 1);
	assert_string_equal(F.uri, "https://updates.example/os-2.1.raucb");
	assert_int_equal(rd(3), 3);		/* Updating */
	assert_int_equal(update(), 405);
	assert_int_equal(wr_uri("https://x.example/b"), 405);
	F.done(F.done_arg, 0);
	assert_int_equal(rd(3), 0);
	assert_int_equal(rd(5), 1);
	assert_int_equal(update(), 405);
}

static void
update_fails(void **state)
{
	static const struct { int rc, result; } cases[] = {
		{ -ENOSPC, 2 }, { -ENOMEM, 3 }, { -ECONNRESET, 4 },
		{ -EBADMSG, 5 }, { -ENOEXEC, 6 }, { -ENOENT, 7 }, { -EIO, 8 },
		{ -ENOSYS, 8 },
	};
	size_t i;

	(void)state;
	assert_int_equal(wr_uri("http://10.0.0.1:8080/os.swu"), 204);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(update(), 204);
		F.done(F.done_arg, cases[i].rc);
		assert_int_equal(rd(3), 2);	/* back to Downloaded */
		assert_int_equal(rd(5), cases[i].result);
	}
	F.queue_rc = -1;
	assert_int_equal(update(), 500);
	assert_int_equal(rd(3), 2);
	assert_int_equal(rd(5), 8);
}

static void
uris_refused(void **state)
{
	struct lwm2m_path p = P(3, 5, 0, 0);
	struct lwm2m_records in;
	struct lwm2m_value v;
	char err[LWM2M_ERR_MAX];

	(void)state;
	assert_int_equal(wr_uri("coap://x.example/fw"), 400);
	assert_int_equal(rd(5), 9);
	assert_int_equal(rd(3), 0);
	assert_int_equal(wr_uri("not a uri"), 400);
	assert_int_equal(rd(5), 7);
	assert_int_equal(wr_uri("https:///nohost"), 400);
	assert_int_equal(rd(5), 7);
	assert_int_equal(wr_uri("updates.example/fw"), 400);
	assert_int_equal(rd(5), 7);
	assert_int_equal(update(), 405);
	/* a URI, then the empty one: Idle again */
	assert_int_equal(wr_uri("https://u.example/a"), 204);
	assert_int_equal(wr_uri(""), 204);
	assert_int_equal(rd(3), 0);
	assert_int_equal(rd(5), 0);
	/* a pushed package */
	memset(&v, 0, sizeof(v));
	v.type = LWM2M_T_OPAQUE;
	v.bytes = (uint8_t *)"\x01\x02";
	v.len = 2;
	lwm2m_records_init(&in);
	assert_int_equal(lwm2m_records_add(&in, &p, &v), 0);
	assert_int_equal(lwm2m_objects_write(&objs, &p, &in, false, false,
	    err, sizeof(err)), 405);
	assert_non_null(strstr(err, "UNSUPPORTED"));
	lwm2m_records_clear(&in);
	assert_int_equal(F.calls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fixed_resources, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(update_succeeds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(update_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(uris_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
