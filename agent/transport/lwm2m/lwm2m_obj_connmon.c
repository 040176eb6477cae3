/*
 * lwm2m_obj_connmon.c - LwM2M Connectivity Monitoring (object 4): the
 * device's IP addresses from the last posture scan (fact
 * network.addresses). The HAL reports no bearer or radio figures, so the
 * object defines only what it can answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

static const struct lwm2m_res_def res[] = {
	{ 4, "IP Addresses", LWM2M_T_STRING, LWM2M_OP_R, true, true, 0, 0 },
};

const struct lwm2m_obj_def lwm2m_connmon_def = {
	LWM2M_OBJ_CONNMON, "Connectivity Monitoring", "1.2", false, false, res,
	sizeof(res) / sizeof(res[0]),
};

static size_t
instances(struct lwm2m_object *o, uint16_t *ids, size_t max)
{
	(void)o;
	if (max == 0)
		return 0;
	ids[0] = 0;
	return 1;
}

static int
do_read(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    struct lwm2m_emit *e)
{
	const struct lwm2m_host *h = o->all->host;
	const struct hal_fact *f = h->fact(h->arg, "network.addresses");
	char list[HAL_FACT_STR_MAX], *p, *next;
	uint16_t ri = 0;

	if (inst != 0 || r != 4)
		return 404;
	if (f == NULL || f->type != HAL_FACT_STRING)
		return 0;	/* none known: an empty list */
	snprintf(list, sizeof(list), "%s", f->s);
	for (p = list; p != NULL && ri < LWM2M_RES_INSTANCES_MAX; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		while (*p == ' ')
			p++;
		if (*p != '\0')
			lwm2m_emit_str(e, ri++, p);
	}
	return 0;
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
