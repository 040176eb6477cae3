/*
 * lwm2m_obj_connmon.c - LwM2M Connectivity Monitoring (object 4) from
 * the last posture scan: the network bearer of the current session
 * (fact network.bearer), the bearers the device has (network.bearers),
 * the radio signal strength (network.signal_dbm) and the IP addresses
 * (network.addresses). A bearer the specification's list does not name
 * (a cellular modem whose technology the HAL cannot tell) is left out; a
 * figure the HAL does not know (no radio signal on a wired bearer) is
 * answered 4.04 and left out of instance reads, as the object's optional
 * resources are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

static const struct lwm2m_res_def res[] = {
	{ 0, "Network Bearer", LWM2M_T_INTEGER, LWM2M_OP_R, false, true, 0,
	    50 },
	{ 1, "Available Network Bearer", LWM2M_T_INTEGER, LWM2M_OP_R, true,
	    true, 0, 50 },
	{ 2, "Radio Signal Strength", LWM2M_T_INTEGER, LWM2M_OP_R, false, true,
	    0, 0 },
	{ 4, "IP Addresses", LWM2M_T_STRING, LWM2M_OP_R, true, true, 0, 0 },
};

const struct lwm2m_obj_def lwm2m_connmon_def = {
	LWM2M_OBJ_CONNMON, "Connectivity Monitoring", "1.2", false, false, res,
	sizeof(res) / sizeof(res[0]),
};

/* The HAL's bearer names and the numbers of resource 0 (0-20 cellular,
 * 21-40 wireless, 41-50 wireline). */
static const struct {
	const char *name;
	int id;
} bearers[] = {
	{ "gsm", 0 }, { "td-scdma", 1 }, { "wcdma", 2 }, { "cdma2000", 3 },
	{ "wimax", 4 }, { "lte-tdd", 5 }, { "lte-fdd", 6 }, { "nb-iot", 7 },
	{ "wlan", 21 }, { "bluetooth", 22 }, { "ieee802.15.4", 23 },
	{ "ethernet", 41 }, { "dsl", 42 }, { "plc", 43 },
};

static int
bearer_id(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(bearers) / sizeof(bearers[0]); i++)
		if (strcmp(bearers[i].name, name) == 0)
			return bearers[i].id;
	return -1;
}

static const struct hal_fact *
fact(struct lwm2m_object *o, const char *name, enum hal_fact_type type)
{
	const struct lwm2m_host *h = o->all->host;
	const struct hal_fact *f = h->fact(h->arg, name);

	return f != NULL && f->type == type ? f : NULL;
}

static size_t
instances(struct lwm2m_object *o, uint16_t *ids, size_t max)
{
	(void)o;
	if (max == 0)
		return 0;
	ids[0] = 0;
	return 1;
}

/* Each item of a comma-separated fact: emitted as text (numbers false)
 * or as its bearer number (numbers true; names without one skipped). */
static uint16_t
emit_list(struct lwm2m_emit *e, const char *text, bool numbers)
{
	char list[HAL_FACT_STR_MAX], *p, *next;
	uint16_t ri = 0;
	int id;

	snprintf(list, sizeof(list), "%s", text);
	for (p = list; p != NULL && ri < LWM2M_RES_INSTANCES_MAX; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		while (*p == ' ')
			p++;
		if (*p == '\0')
			continue;
		if (!numbers)
			lwm2m_emit_str(e, ri++, p);
		else if ((id = bearer_id(p)) >= 0)
			lwm2m_emit(e, ri++, lwm2m_int(id));
	}
	return ri;
}

static int
do_read(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    struct lwm2m_emit *e)
{
	const struct hal_fact *f;
	int id;

	if (inst != 0)
		return 404;
	switch (r) {
	case 0:
		if ((f = fact(o, "network.bearer", HAL_FACT_STRING)) == NULL ||
		    (id = bearer_id(f->s)) < 0)
			return 404;
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(id));
		return 0;
	case 1:
		if ((f = fact(o, "network.bearers", HAL_FACT_STRING)) == NULL)
			return 404;
		emit_list(e, f->s, true);
		return 0;
	case 2:
		if ((f = fact(o, "network.signal_dbm", HAL_FACT_INT64)) == NULL)
			return 404;
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(f->i));
		return 0;
	case 4:
		if ((f = fact(o, "network.addresses", HAL_FACT_STRING)) == NULL)
			return 0;	/* none known: an empty list */
		emit_list(e, f->s, false);
		return 0;
	default:
		return 404;
	}
}

static const struct lwm2m_object_ops ops = {
	.instances = instances,
	.read = do_read,
};

int
lwm2m_connmon_init(struct lwm2m_object *o)
{
	o->def = &lwm2m_connmon_def;
	o->ops = &ops;
	return 0;
}
