/*
 * lwm2m_host_test.h - an inert struct lwm2m_host for the object tests
 * (included by each test file): no facts, an empty identity, a fully
 * managed device with an empty compliance object, and every action
 * refused; a test adds the ops it exercises to its own host.
 */
#ifndef WARDEN_LWM2M_HOST_TEST_H
#define WARDEN_LWM2M_HOST_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

static struct hal_facts no_facts;
static struct lwm2m_compliance no_comp;

static const struct hal_fact *
f_fact(void *arg, const char *name)
{
	(void)arg;
	return hal_fact_find(&no_facts, name);
}

static void
f_identity(void *arg, const char **mf, const char **model,
    const char **serial)
{
	(void)arg;
	*mf = *model = *serial = "";
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
	return &no_comp;
}

static int
f_apply(void *arg, const char *json, char *err, size_t errlen)
{
	(void)arg;
	(void)json;
	(void)err;
	(void)errlen;
	return -1;
}

static int
f_reboot(void *arg, const char *why)
{
	(void)arg;
	(void)why;
	return -1;
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
	return -1;
}

static int
f_lock(void *arg, bool profile, lwm2m_done_fn done, void *done_arg)
{
	(void)arg;
	(void)profile;
	(void)done;
	(void)done_arg;
	return -1;
}

static void
f_save(void *arg)
{
	(void)arg;
}

#endif /* WARDEN_LWM2M_HOST_TEST_H */
