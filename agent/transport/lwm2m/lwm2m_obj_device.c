/*
 * lwm2m_obj_device.c - LwM2M Device (object 3): who the device is and
 * how it is (battery, memory, errors, time) from the HAL's identity and
 * the last posture scan, and the two actions: Reboot (/3/0/4) queued on
 * the HAL job queue, Factory Reset (/3/0/5) through the agent's wipe
 * path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

/* LwM2M error codes (resource 11). */
#define ERR_NONE 0
#define ERR_LOW_BATTERY 1
#define ERR_OUT_OF_MEMORY 5
#define ERR_IP_CONNECTIVITY 7
#define LOW_BATTERY_PERCENT 10
#define LOW_MEMORY_PERCENT 5

static const struct lwm2m_res_def res[] = {
	{ 0, "Manufacturer", LWM2M_T_STRING, LWM2M_OP_R, false, false, 0, 0 },
	{ 1, "Model Number", LWM2M_T_STRING, LWM2M_OP_R, false, false, 0, 0 },
	{ 2, "Serial Number", LWM2M_T_STRING, LWM2M_OP_R, false, false, 0, 0 },
	{ 3, "Firmware Version", LWM2M_T_STRING, LWM2M_OP_R, false, false, 0,
	    0 },
	{ 4, "Reboot", LWM2M_T_NONE, LWM2M_OP_E, false, true, 0, 0 },
	{ 5, "Factory Reset", LWM2M_T_NONE, LWM2M_OP_E, false, false, 0, 0 },
	{ 9, "Battery Level", LWM2M_T_INTEGER, LWM2M_OP_R, false, false, 0,
	    100 },
	{ 10, "Memory Free", LWM2M_T_INTEGER, LWM2M_OP_R, false, false, 0, 0 },
	{ 11, "Error Code", LWM2M_T_INTEGER, LWM2M_OP_R, true, true, 0, 32 },
	{ 13, "Current Time", LWM2M_T_TIME, LWM2M_OP_R, false, false, 0, 0 },
	{ 16, "Supported Binding and Modes", LWM2M_T_STRING, LWM2M_OP_R, false,
	    true, 0, 0 },
	{ 17, "Device Type", LWM2M_T_STRING, LWM2M_OP_R, false, false, 0, 0 },
	{ 19, "Software Version", LWM2M_T_STRING, LWM2M_OP_R, false, false, 0,
	    0 },
	{ 20, "Battery Status", LWM2M_T_INTEGER, LWM2M_OP_R, false, false, 0,
	    6 },
	{ 21, "Memory Total", LWM2M_T_INTEGER, LWM2M_OP_R, false, false, 0,
	    0 },
};

const struct lwm2m_obj_def lwm2m_device_def = {
	LWM2M_OBJ_DEVICE, "Device", "1.1", false, true, res,
	sizeof(res) / sizeof(res[0]),
};

static const struct hal_fact *
fact(struct lwm2m_object *o, const char *name, enum hal_fact_type type)
{
	const struct lwm2m_host *h = o->all->host;
	const struct hal_fact *f = h->fact(h->arg, name);

	if (f == NULL || f->type != type)
		return NULL;
	return f;
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

static void
error_codes(struct lwm2m_object *o, struct lwm2m_emit *e)
{
	const struct hal_fact *f;
	uint16_t n = 0;

	if ((f = fact(o, "battery.level", HAL_FACT_INT64)) != NULL &&
	    f->i <= LOW_BATTERY_PERCENT) {
		const struct hal_fact *c = fact(o, "battery.charging",
		    HAL_FACT_BOOL);

		if (c == NULL || !c->b)
			lwm2m_emit(e, n++, lwm2m_int(ERR_LOW_BATTERY));
	}
	if ((f = fact(o, "memory.available_bytes", HAL_FACT_INT64)) != NULL) {
		const struct hal_fact *t = fact(o, "memory.total_bytes",
		    HAL_FACT_INT64);

		if (t != NULL && t->i > 0 && f->i * 100 / t->i <
		    LOW_MEMORY_PERCENT)
			lwm2m_emit(e, n++, lwm2m_int(ERR_OUT_OF_MEMORY));
	}
	if ((f = fact(o, "network.connected", HAL_FACT_BOOL)) != NULL && !f->b)
		lwm2m_emit(e, n++, lwm2m_int(ERR_IP_CONNECTIVITY));
	if (n == 0)
		lwm2m_emit(e, 0, lwm2m_int(ERR_NONE));
}

static int
do_read(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    struct lwm2m_emit *e)
{
	const struct lwm2m_host *h = o->all->host;
	const char *mf = "", *model = "", *serial = "";
	const struct hal_fact *f, *g;
	char buf[HAL_FACT_STR_MAX * 2 + 2];

	if (inst != 0)
		return 404;
	switch (r) {
	case 0:
	case 1:
	case 2:
		h->identity(h->arg, &mf, &model, &serial);
		if (r == 2 && serial[0] == '\0')
			return 404;	/* a personal device tells none */
		lwm2m_emit_str(e, LWM2M_ID_NONE, r == 0 ? mf : r == 1 ? model :
		    serial);
		return 0;
	case 3:
		f = fact(o, "os.name", HAL_FACT_STRING);
		g = fact(o, "os.version", HAL_FACT_VERSION);
		if (f == NULL && g == NULL)
			return 404;
		snprintf(buf, sizeof(buf), "%s%s%s", f != NULL ? f->s : "",
		    f != NULL && g != NULL ? " " : "", g != NULL ? g->s : "");
		lwm2m_emit_str(e, LWM2M_ID_NONE, buf);
		return 0;
	case 9:
		if ((f = fact(o, "battery.level", HAL_FACT_INT64)) == NULL)
			return 404;
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(f->i < 0 ? 0 :
		    f->i > 100 ? 100 : f->i));
		return 0;
	case 10:
	case 21:
		if ((f = fact(o, r == 10 ? "memory.available_bytes" :
		    "memory.total_bytes", HAL_FACT_INT64)) == NULL)
			return 404;
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(f->i / 1024));
		return 0;
	case 11:
		error_codes(o, e);
		return 0;
	case 13:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_time((int64_t)time(NULL)));
		return 0;
	case 16:
		lwm2m_emit_str(e, LWM2M_ID_NONE, "UQ");
		return 0;
	case 17:
		lwm2m_emit_str(e, LWM2M_ID_NONE, "handheld");
		return 0;
	case 19:
		if ((f = fact(o, "os.kernel", HAL_FACT_VERSION)) == NULL)
			return 404;
		lwm2m_emit_str(e, LWM2M_ID_NONE, f->s);
		return 0;
	case 20:
		/* 0 normal, 1 charging, 4 low */
		if ((f = fact(o, "battery.level", HAL_FACT_INT64)) == NULL)
			return 404;
		g = fact(o, "battery.charging", HAL_FACT_BOOL);
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(g != NULL && g->b ? 1 :
		    f->i <= LOW_BATTERY_PERCENT ? 4 : 0));
		return 0;
	default:
		return 404;
	}
}

static int
execute(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    const uint8_t *args, size_t len)
{
	const struct lwm2m_host *h = o->all->host;

	(void)args;
	(void)len;
	if (inst != 0)
		return 404;
	if (r == 4)
		return h->reboot(h->arg, "LwM2M Reboot (/3/0/4)") == 0 ? 204 :
		    500;
	/* As the HTTPS WIPE: a personally-owned device is not wiped. */
	if (r == 5 && strcmp(h->mode(h->arg), "WORK_PROFILE_PERSONAL") == 0)
		return 405;
	if (r == 5)
		return h->wipe(h->arg, false, "LwM2M Factory Reset (/3/0/5)",
		    NULL, NULL) == 0 ? 204 : 500;
	return 405;
}

static const struct lwm2m_object_ops ops = {
	.instances = instances,
	.read = do_read,
	.execute = execute,
};

int
lwm2m_device_init(struct lwm2m_object *o)
{
	o->def = &lwm2m_device_def;
	o->ops = &ops;
	return 0;
}
