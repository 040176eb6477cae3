/*
 * Tests agent/transport/lwm2m/lwm2m_dm.c (what a server's request means and
 * its answer) with the real object layer on a fake host, and the
 * attributes of agent/transport/lwm2m/lwm2m_observe.c: reads in the formats
 * Accept asks for (4.06 when it cannot), the Security object hidden from
 * a management server, writes and their format (4.15 for an unknown
 * one), Write-Attributes and Discover, executes, creates and deletes,
 * Bootstrap-Finish and the bootstrap server's reach, observations
 * started and cancelled, composite operations refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/transport/lwm2m/lwm2m_client.h"

static struct hal_facts facts;
static struct lwm2m_compliance comp;
static int reboots, applies, finishes, changes;
static int finish_code = 204;

static const struct hal_fact *
f_fact(void *arg, const char *name)
{
	(void)arg;
	return hal_fact_find(&facts, name);
}

static void
f_identity(void *arg, const char **mf, const char **model,
    const char **serial)
{
	(void)arg;
	*mf = "Acme";
	*model = "M";
	*serial = "S1";
}

static const char *
f_mode(void *arg)
{
	(void)arg;
	return "FULLY_MANAGED";
}

static const struct lwm2m_compliance *
f_compliance(void *arg)
{
	(void)arg;
	return &comp;
}

static int
f_apply(void *arg, const char *json, char *err, size_t errlen)
{
	(void)arg;
	(void)json;
	(void)err;
	(void)errlen;
	applies++;
	return 0;
}

static int
f_reboot(void *arg, const char *why)
{
	(void)arg;
	(void)why;
	reboots++;
	return 0;
}

static int
f_wipe(void *arg, bool profile, const char *why, lwm2m_done_fn done,
    void *done_arg)
{
	(void)arg;
	(void)profile;
	(void)why;
	(void)done;
	(void)done_arg;
	return 0;
}

static int
f_lock(void *arg, bool profile, lwm2m_done_fn done, void *done_arg)
{
	(void)arg;
	(void)profile;
	(void)done;
	(void)done_arg;
	return 0;
}

static void
f_save(void *arg)
{
	(void)arg;
}

static const struct lwm2m_host host = {
	NULL, f_fact, f_identity, f_mode, f_compliance, f_apply, f_reboot,
	f_wipe, f_lock, f_save, NULL, NULL, NULL,
};

static struct lwm2m_coap *
no_coap(void *arg)
{
	(void)arg;
	return NULL;
}

static bool
awake(void *arg)
{
	(void)arg;
	return true;
}

static void
wake(void *arg)
{
	(void)arg;
}

static int
on_finish(void *arg, char *err, size_t errlen)
{
	(void)arg;
	finishes++;
	if (finish_code != 204)
		snprintf(err, errlen, "inconsistent");
	return finish_code;
}

static void
on_changed(void *arg, bool instances)
{
	(void)arg;
	(void)instances;
	changes++;
}

static uv_loop_t loop;
static struct lwm2m_objects objs;
static struct lwm2m_dm dm;

static int
setup(void **state)
{
	struct lwm2m_observe_hooks hooks = { no_coap, awake, wake, NULL };
	struct lwm2m_server s = { 0, 1, 300, 0, 0, 86400, true, false, "U" };

	(void)state;
	memset(&facts, 0, sizeof(facts));
	memset(&comp, 0, sizeof(comp));
	hal_fact_int(&facts, "battery.level", 55);
	reboots = applies = finishes = changes = 0;
	finish_code = 204;
	uv_loop_init(&loop);
	assert_int_equal(lwm2m_objects_init(&objs, &host, NULL), 0);
	lwm2m_server_set(&objs, &s);
	memset(&dm, 0, sizeof(dm));
	dm.objs = &objs;
	dm.obs = lwm2m_observe_new(&loop, &objs, &hooks);
	assert_non_null(dm.obs);
	dm.finish = on_finish;
	dm.changed = on_changed;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	lwm2m_observe_free(dm.obs);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	lwm2m_objects_free(&objs);
	return 0;
}

/* A request; the answer's payload as text in body (freed). */
static int
serve(enum lwm2m_method method, const char *path, int cf, int accept,
    const char *payload, const char *query, char *body, size_t len,
    int *answer_cf)
{
	struct lwm2m_msg m;
	struct lwm2m_answer a;

	memset(&m, 0, sizeof(m));
	m.method = method;
	m.cf = cf;
	m.accept = accept;
	m.observe = -1;
	m.token_len = 2;
	m.token[0] = 7;
	if (strcmp(path, "bs") == 0)
		m.bs = true;
	else
		assert_int_equal(lwm2m_path_parse(path, &m.path), 0);
	if (payload != NULL) {
		m.payload = (const uint8_t *)payload;
		m.len = strlen(payload);
	}
	if (query != NULL) {
		snprintf(m.query[0], sizeof(m.query[0]), "%s", query);
		m.nquery = 1;
	}
	memset(&a, 0, sizeof(a));
	a.code = 500;
	a.cf = LWM2M_CF_NONE;
	lwm2m_dm_serve(&dm, &m, &a);
	if (body != NULL)
		snprintf(body, len, "%.*s", (int)a.len, a.payload != NULL ?
		    (const char *)a.payload : "");
	if (answer_cf != NULL)
		*answer_cf = a.cf;
	free(a.payload);
	return a.code;
}

#define REQ(m, p) serve(m, p, LWM2M_CF_NONE, LWM2M_CF_NONE, NULL, NULL, \
	NULL, 0, NULL)

static void
reads(void **state)
{
	char body[2048];
	int cf;

	(void)state;
	assert_int_equal(serve(LWM2M_GET, "/3/0/9", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, NULL, body, sizeof(body), &cf), 205);
	assert_string_equal(body, "55");
	assert_int_equal(cf, LWM2M_CF_TEXT);
	/* an LwM2M 1.0 server's Accept is answered in its own number */
	assert_int_equal(serve(LWM2M_GET, "/3/0/9", LWM2M_CF_NONE,
	    LWM2M_CF_OLD_TEXT, NULL, NULL, body, sizeof(body), &cf), 205);
	assert_int_equal(cf, LWM2M_CF_OLD_TEXT);
	assert_int_equal(serve(LWM2M_GET, "/3/0", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, NULL, body, sizeof(body), &cf), 205);
	assert_int_equal(cf, LWM2M_CF_TLV);
	assert_int_equal(serve(LWM2M_GET, "/3/0", LWM2M_CF_NONE,
	    LWM2M_CF_SENML_JSON, NULL, NULL, body, sizeof(body), &cf), 205);
	assert_int_equal(cf, LWM2M_CF_SENML_JSON);
	assert_non_null(strstr(body, "{\"n\":\"9\",\"v\":55}"));
	assert_int_equal(serve(LWM2M_GET, "/3/0", LWM2M_CF_NONE,
	    LWM2M_CF_TEXT, NULL, NULL, body, sizeof(body), NULL), 406);
	assert_int_equal(serve(LWM2M_GET, "/3/0", LWM2M_CF_NONE,
	    LWM2M_CF_SENML_CBOR, NULL, NULL, body, sizeof(body), &cf), 205);
	assert_int_equal(cf, LWM2M_CF_SENML_CBOR);
	assert_int_equal(serve(LWM2M_GET, "/3/0", LWM2M_CF_NONE, 60, NULL,
	    NULL, body, sizeof(body), NULL), 406);
	assert_int_equal(REQ(LWM2M_GET, "/0/0"), 401);
	assert_int_equal(REQ(LWM2M_GET, "/0"), 401);
	assert_int_equal(REQ(LWM2M_GET, "/"), 405);
	assert_int_equal(REQ(LWM2M_GET, "/77"), 404);
	assert_int_equal(REQ(LWM2M_FETCH, "/3/0"), 405);
	assert_int_equal(REQ(LWM2M_IPATCH, "/3/0"), 405);
}

static void
read_composite(void **state)
{
	char body[2048];
	int cf;

	(void)state;
	/* two resources of two objects, one named twice, one that does
	 * not exist (left out) */
	assert_int_equal(serve(LWM2M_FETCH, "/", LWM2M_CF_SENML_JSON,
	    LWM2M_CF_NONE, "[{\"bn\":\"/3/0/\",\"n\":\"9\"},"
	    "{\"bn\":\"/\",\"n\":\"32003/0/0\"},{\"n\":\"3/0/9\"},"
	    "{\"n\":\"77\"}]",
	    NULL, body, sizeof(body), &cf), 205);
	assert_int_equal(cf, LWM2M_CF_SENML_JSON);
	assert_string_equal(body, "[{\"bn\":\"/\",\"n\":\"3/0/9\",\"v\":55},"
	    "{\"n\":\"32003/0/0\",\"vs\":\"FULLY_MANAGED\"}]");
	/* answered in CBOR when asked */
	assert_int_equal(serve(LWM2M_FETCH, "/", LWM2M_CF_SENML_JSON,
	    LWM2M_CF_SENML_CBOR, "[{\"n\":\"/3/0/9\"}]", NULL, body,
	    sizeof(body), &cf), 205);
	assert_int_equal(cf, LWM2M_CF_SENML_CBOR);
	assert_int_equal((unsigned char)body[0], 0x81);
	/* refused whole */
	assert_int_equal(serve(LWM2M_FETCH, "/", LWM2M_CF_SENML_JSON,
	    LWM2M_CF_NONE, "[{\"n\":\"/0/0\"},{\"n\":\"/3/0/9\"}]", NULL,
	    body, sizeof(body), NULL), 401);
	assert_int_equal(serve(LWM2M_FETCH, "/", LWM2M_CF_SENML_JSON,
	    LWM2M_CF_NONE, "[{\"n\":\"/3/0/9\",\"v\":1}]", NULL, body,
	    sizeof(body), NULL), 400);
	assert_non_null(strstr(body, "paths only"));
	assert_int_equal(serve(LWM2M_FETCH, "/", LWM2M_CF_SENML_JSON,
	    LWM2M_CF_NONE, "[{\"n\":\"/77/0\"}]", NULL, body, sizeof(body),
	    NULL), 404);
	assert_int_equal(serve(LWM2M_FETCH, "/", LWM2M_CF_TLV, LWM2M_CF_NONE,
	    "x", NULL, body, sizeof(body), NULL), 415);
	assert_int_equal(serve(LWM2M_FETCH, "/", LWM2M_CF_SENML_JSON,
	    LWM2M_CF_TLV, "[{\"n\":\"/3/0/9\"}]", NULL, body, sizeof(body),
	    NULL), 406);
}

static void
writes_and_executes(void **state)
{
	char body[512];

	(void)state;
	assert_int_equal(serve(LWM2M_PUT, "/32001/0/1", LWM2M_CF_TEXT,
	    LWM2M_CF_NONE, "6", NULL, body, sizeof(body), NULL), 204);
	assert_int_equal(applies, 1);
	assert_int_equal(changes, 1);
	/* no format for one resource: plain text (LwM2M 1.0 servers) */
	assert_int_equal(serve(LWM2M_PUT, "/32001/0/1", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, "7", NULL, body, sizeof(body), NULL), 204);
	assert_int_equal(serve(LWM2M_PUT, "/32001/0/1", 60, LWM2M_CF_NONE,
	    "7", NULL, body, sizeof(body), NULL), 415);
	assert_int_equal(serve(LWM2M_PUT, "/32001/0/1", LWM2M_CF_TEXT,
	    LWM2M_CF_NONE, "x", NULL, body, sizeof(body), NULL), 400);
	assert_non_null(strstr(body, "/32001/0/1"));
	/* partial update of an instance */
	assert_int_equal(serve(LWM2M_POST, "/32001/0", LWM2M_CF_SENML_JSON,
	    LWM2M_CF_NONE, "[{\"bn\":\"/32001/0/\",\"n\":\"8\",\"v\":3}]",
	    NULL, body, sizeof(body), NULL), 204);
	assert_int_equal(applies, 3);
	assert_int_equal(REQ(LWM2M_POST, "/3/0/4"), 204);
	assert_int_equal(reboots, 1);
	assert_int_equal(REQ(LWM2M_POST, "/3/0/9"), 405);
	memset(body, 'a', 300);
	body[300] = '\0';
	assert_int_equal(serve(LWM2M_POST, "/3/0/4", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, body, NULL, NULL, 0, NULL), 400);
	assert_int_equal(reboots, 1);
	/* no new instance of a single-instance object, no deleting */
	assert_int_equal(REQ(LWM2M_POST, "/3"), 405);
	assert_int_equal(REQ(LWM2M_DELETE, "/1/0"), 401);
	assert_int_equal(REQ(LWM2M_DELETE, "/"), 405);
	/* the bootstrap interface is the bootstrap server's */
	assert_int_equal(REQ(LWM2M_POST, "bs"), 405);
	assert_int_equal(finishes, 0);
}

static void
attributes(void **state)
{
	char body[2048];

	(void)state;
	assert_int_equal(serve(LWM2M_PUT, "/32004/0/10", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, "pmin=5", NULL, 0, NULL), 204);
	assert_int_equal(serve(LWM2M_PUT, "/32004/0", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, "pmax=60", NULL, 0, NULL), 204);
	assert_int_equal(serve(LWM2M_GET, "/32004/0", LWM2M_CF_NONE,
	    LWM2M_CF_LINK, NULL, NULL, body, sizeof(body), NULL), 205);
	assert_non_null(strstr(body, "</32004/0>;pmax=60,"));
	assert_non_null(strstr(body, "</32004/0/10>;pmin=5"));
	/* a name alone removes it */
	assert_int_equal(serve(LWM2M_PUT, "/32004/0/10", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, "pmin", NULL, 0, NULL), 204);
	assert_int_equal(serve(LWM2M_GET, "/32004/0/10", LWM2M_CF_NONE,
	    LWM2M_CF_LINK, NULL, NULL, body, sizeof(body), NULL), 205);
	assert_string_equal(body, "</32004/0/10>");
	/* refused: unknown, bad numbers, thresholds on a string, lt >= gt,
	 * pmax < pmin, no such path */
	assert_int_equal(serve(LWM2M_PUT, "/32004/0/10", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, "xmin=1", NULL, 0, NULL), 400);
	assert_int_equal(serve(LWM2M_PUT, "/32004/0/10", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, "pmin=-1", NULL, 0, NULL), 400);
	assert_int_equal(serve(LWM2M_PUT, "/32004/0/10", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, "pmin=01", NULL, 0, NULL), 400);
	assert_int_equal(serve(LWM2M_PUT, "/32004/0/10", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, "st=nan", NULL, 0, NULL), 400);
	assert_int_equal(serve(LWM2M_PUT, "/32004/0/0", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, "gt=1", NULL, 0, NULL), 400);
	assert_int_equal(serve(LWM2M_PUT, "/3/0/9", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, "gt=50", NULL, 0, NULL), 204);
	assert_int_equal(serve(LWM2M_PUT, "/3/0/9", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, "lt=50", NULL, 0, NULL), 400);
	assert_int_equal(serve(LWM2M_PUT, "/32004/0", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, "pmin=90", NULL, 0, NULL), 400);
	assert_int_equal(serve(LWM2M_PUT, "/32004/9", LWM2M_CF_NONE,
	    LWM2M_CF_NONE, NULL, "pmin=1", NULL, 0, NULL), 404);
}

static void
observations(void **state)
{
	struct lwm2m_msg m;
	struct lwm2m_answer a;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.method = LWM2M_GET;
	m.cf = m.accept = LWM2M_CF_NONE;
	assert_int_equal(lwm2m_path_parse("/32004/0/0", &m.path), 0);
	m.token_len = 4;
	memcpy(m.token, "\1\2\3\4", 4);
	m.observe = 0;
	/* not anchored: libcoap keeps no observation, nor does the DM */
	memset(&a, 0, sizeof(a));
	lwm2m_dm_serve(&dm, &m, &a);
	assert_int_equal(a.code, 205);
	free(a.payload);
	assert_int_equal(lwm2m_observe_count(dm.obs), 0);
	m.observed = true;
	memset(&a, 0, sizeof(a));
	lwm2m_dm_serve(&dm, &m, &a);
	free(a.payload);
	assert_int_equal(lwm2m_observe_count(dm.obs), 1);
	assert_true(lwm2m_observe_known(dm.obs, m.token, 4));
	/* a notification of the same token keeps one */
	memset(&a, 0, sizeof(a));
	lwm2m_dm_serve(&dm, &m, &a);
	free(a.payload);
	assert_int_equal(lwm2m_observe_count(dm.obs), 1);
	/* Observe 1 cancels */
	m.observe = 1;
	m.observed = false;
	memset(&a, 0, sizeof(a));
	lwm2m_dm_serve(&dm, &m, &a);
	free(a.payload);
	assert_int_equal(a.code, 205);
	assert_int_equal(lwm2m_observe_count(dm.obs), 0);
}

static void
bootstrap_server(void **state)
{
	char body[2048];

	(void)state;
	dm.bootstrap = true;
	/* Bootstrap-Discover lists objects and instances only */
	assert_int_equal(serve(LWM2M_GET, "/", LWM2M_CF_NONE, LWM2M_CF_LINK,
	    NULL, NULL, body, sizeof(body), NULL), 205);
	assert_non_null(strstr(body, "</>;lwm2m=\"1.1\",</0>;ver=1.1,</1>;"
	    "ver=1.1,</1/0>,</3>;ver=1.1,</3/0>,"));
	assert_null(strstr(body, "</3/0/0>"));
	/* it may read Server only, and not execute */
	assert_int_equal(REQ(LWM2M_GET, "/3/0"), 405);
	assert_int_equal(REQ(LWM2M_GET, "/1/0"), 205);
	assert_int_equal(REQ(LWM2M_POST, "/3/0/4"), 405);
	assert_int_equal(reboots, 0);
	/* it writes Security, and finishes */
	assert_int_equal(serve(LWM2M_PUT, "/0/3", LWM2M_CF_SENML_JSON,
	    LWM2M_CF_NONE, "[{\"bn\":\"/0/3/\",\"n\":\"0\",\"vs\":"
	    "\"coap://127.0.0.1:999\"},{\"n\":\"2\",\"v\":3},{\"n\":\"10\","
	    "\"v\":1}]", NULL, body, sizeof(body), NULL), 204);
	assert_non_null(lwm2m_security_find(&objs, false, 1));
	assert_int_equal(REQ(LWM2M_POST, "bs"), 204);
	assert_int_equal(finishes, 1);
	finish_code = 406;
	assert_int_equal(serve(LWM2M_POST, "bs", LWM2M_CF_NONE, LWM2M_CF_NONE,
	    NULL, NULL, body, sizeof(body), NULL), 406);
	assert_string_equal(body, "inconsistent");
	/* Delete / leaves no server */
	assert_int_equal(REQ(LWM2M_DELETE, "/"), 202);
	assert_null(lwm2m_server_first(&objs));
	assert_null(lwm2m_security_find(&objs, false, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reads, setup, teardown),
		cmocka_unit_test_setup_teardown(read_composite, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(writes_and_executes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(attributes, setup, teardown),
		cmocka_unit_test_setup_teardown(observations, setup, teardown),
		cmocka_unit_test_setup_teardown(bootstrap_server, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
