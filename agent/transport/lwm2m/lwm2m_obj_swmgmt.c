/*
 * lwm2m_obj_swmgmt.c - LwM2M Software Management (object 9) over the
 * applications HAL: one instance per application the HAL lists (the
 * installed ones and the ones warden blocks), as the host last showed
 * them. Install (/9/x/4) and Uninstall (/9/x/6) go to the host, which
 * runs them on the HAL job queue; Update State and Update Result follow
 * the outcome as the specification lays out.
 *
 * The agent installs from the device's configured package sources by
 * name (hal_apps_ops.install): it takes no package from the server, so
 * Package (/9/x/2) and Package URI (/9/x/3) are not offered, and an
 * instance is created by the HAL listing a package, not by the server.
 * A package the HAL lists but has not installed is DELIVERED (its
 * source can install it); an installed one is INSTALLED.
 *
 * Instance ids are kept per package name while the package is listed,
 * so a server's observation of /9/3 keeps meaning the same package.
 * Activate and Deactivate: Linux applications have no disabled state
 * of their own; an installed application is active, and the two
 * executables answer 4.05 (UNSUPPORTED, logged).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"
#include "agent/core/core.h"

/* Update State (/9/x/7) */
#define ST_INITIAL 0
#define ST_DELIVERED 3
#define ST_INSTALLED 4
/* Update Result (/9/x/9) */
#define RES_INITIAL 0
#define RES_INSTALLED 2
#define RES_NO_STORAGE 50
#define RES_OUT_OF_MEMORY 51
#define RES_CONNECTION_LOST 52
#define RES_DEVICE_ERROR 57
#define RES_INSTALL_FAILED 58
#define RES_UNINSTALL_FAILED 59

static const struct lwm2m_res_def res[] = {
	{ 0, "PkgName", LWM2M_T_STRING, LWM2M_OP_R, false, true, 0, 0 },
	{ 1, "PkgVersion", LWM2M_T_STRING, LWM2M_OP_R, false, true, 0, 0 },
	{ 4, "Install", LWM2M_T_NONE, LWM2M_OP_E, false, true, 0, 0 },
	{ 6, "Uninstall", LWM2M_T_NONE, LWM2M_OP_E, false, true, 0, 0 },
	{ 7, "Update State", LWM2M_T_INTEGER, LWM2M_OP_R, false, true, 0, 4 },
	{ 9, "Update Result", LWM2M_T_INTEGER, LWM2M_OP_R, false, true, 0,
	    200 },
	{ 10, "Activate", LWM2M_T_NONE, LWM2M_OP_E, false, true, 0, 0 },
	{ 11, "Deactivate", LWM2M_T_NONE, LWM2M_OP_E, false, true, 0, 0 },
	{ 12, "Activation State", LWM2M_T_BOOLEAN, LWM2M_OP_R, false, true, 0,
	    0 },
};

const struct lwm2m_obj_def lwm2m_swmgmt_def = {
	LWM2M_OBJ_SWMGMT, "LWM2M Software Management", "1.0", true, false,
	res, sizeof(res) / sizeof(res[0]),
};

/* One instance: a package and what the last action on it did. */
struct slot {
	bool used;
	uint16_t id;
	char package[HAL_APP_PACKAGE_MAX];
	int result;			/* Update Result */
	bool busy;			/* an Install or Uninstall runs */
	bool removing;
};

struct swmgmt {
	struct lwm2m_object *o;
	struct slot slot[LWM2M_INSTANCES_MAX];
};

static const struct hal_app *
host_apps(struct lwm2m_object *o, size_t *n)
{
	const struct lwm2m_host *h = o->all->host;

	*n = 0;
	if (h->apps == NULL)
		return NULL;
	return h->apps(h->arg, n);
}

static const struct hal_app *
listed(struct lwm2m_object *o, const char *package)
{
	const struct hal_app *a;
	size_t i, n;

	a = host_apps(o, &n);
	for (i = 0; i < n; i++)
		if (strcmp(a[i].package, package) == 0)
			return &a[i];
	return NULL;
}

/* Brings the slots in line with the host's list: a slot for each
 * listed package (the lowest free id for a new one), none for a package
 * no longer listed unless an action on it still runs. */
static void
sync_slots(struct lwm2m_object *o)
{
	struct swmgmt *sw = o->ctx;
	const struct hal_app *a;
	struct slot *sl;
	size_t i, j, n;
	uint16_t id;

	for (j = 0; j < LWM2M_INSTANCES_MAX; j++) {
		sl = &sw->slot[j];
		if (sl->used && !sl->busy && listed(o, sl->package) == NULL)
			memset(sl, 0, sizeof(*sl));
	}
	a = host_apps(o, &n);
	for (i = 0; i < n; i++) {
		struct slot *free_sl = NULL;
		bool have = false;

		for (j = 0; j < LWM2M_INSTANCES_MAX && !have; j++)
			have = sw->slot[j].used &&
			    strcmp(sw->slot[j].package, a[i].package) == 0;
		if (have)
			continue;
		/* the lowest id no slot holds */
		for (id = 0; id < LWM2M_INSTANCES_MAX; id++) {
			bool taken = false;

			for (j = 0; j < LWM2M_INSTANCES_MAX && !taken; j++)
				taken = sw->slot[j].used &&
				    sw->slot[j].id == id;
			if (!taken)
				break;
		}
		for (j = 0; j < LWM2M_INSTANCES_MAX && free_sl == NULL; j++)
			if (!sw->slot[j].used)
				free_sl = &sw->slot[j];
		if (free_sl == NULL || id == LWM2M_INSTANCES_MAX)
			break;	/* the host sends no more than that */
		free_sl->used = true;
		free_sl->id = id;
		snprintf(free_sl->package, sizeof(free_sl->package), "%s",
		    a[i].package);
		free_sl->result = RES_INITIAL;
	}
}

static struct slot *
slot_of(struct swmgmt *sw, uint16_t inst)
{
	size_t j;

	for (j = 0; j < LWM2M_INSTANCES_MAX; j++)
		if (sw->slot[j].used && sw->slot[j].id == inst)
			return &sw->slot[j];
	return NULL;
}

static struct slot *
find(struct lwm2m_object *o, uint16_t inst)
{
	sync_slots(o);
	return slot_of(o->ctx, inst);
}

static size_t
instances(struct lwm2m_object *o, uint16_t *ids, size_t max)
{
	size_t n = 0;
	uint16_t id;

	sync_slots(o);
	for (id = 0; id < LWM2M_INSTANCES_MAX && n < max; id++)
		if (slot_of(o->ctx, id) != NULL)
			ids[n++] = id;
	return n;
}

/* Update State: what the HAL lists now (an action's outcome shows in the
 * list the host pushes after it). */
static int
update_state(struct lwm2m_object *o, const struct slot *sl)
{
	const struct hal_app *a = listed(o, sl->package);

	if (a == NULL)
		return ST_INITIAL;	/* uninstalled, not listed any more */
	return a->installed ? ST_INSTALLED : ST_DELIVERED;
}

static int
do_read(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    struct lwm2m_emit *e)
{
	struct slot *sl = find(o, inst);
	const struct hal_app *a;

	if (sl == NULL)
		return 404;
	a = listed(o, sl->package);
	switch (r) {
	case 0:
		lwm2m_emit_str(e, LWM2M_ID_NONE, sl->package);
		return 0;
	case 1:
		lwm2m_emit_str(e, LWM2M_ID_NONE, a != NULL && a->installed ?
		    a->version : "");
		return 0;
	case 7:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(update_state(o, sl)));
		return 0;
	case 9:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(sl->result));
		return 0;
	case 12:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_bool(a != NULL &&
		    a->installed));
		return 0;
	default:
		return 404;
	}
}

/* The HAL's error as an Update Result. */
static int
failure_result(int rc, bool removing)
{
	if (removing)
		return RES_UNINSTALL_FAILED;
	switch (rc) {
	case -ENOSPC:
		return RES_NO_STORAGE;
	case -ENOMEM:
		return RES_OUT_OF_MEMORY;
	case -ENETDOWN:
	case -ENETUNREACH:
	case -ECONNRESET:
		return RES_CONNECTION_LOST;
	case -ENOSYS:
		return RES_DEVICE_ERROR;
	default:
		return RES_INSTALL_FAILED;
	}
}

static void
acted(void *arg, int rc)
{
	struct slot *sl = arg;

	sl->busy = false;
	if (rc == 0)
		sl->result = sl->removing ? RES_INITIAL : RES_INSTALLED;
	else
		sl->result = failure_result(rc, sl->removing);
}

static int
execute(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    const uint8_t *args, size_t len)
{
	const struct lwm2m_host *h = o->all->host;
	struct slot *sl = find(o, inst);
	int state;

	(void)args;
	(void)len;
	if (sl == NULL)
		return 404;
	if (r == 10 || r == 11) {
		log_warnx("lwm2m: /9/%u/%u: UNSUPPORTED: an installed "
		    "application is active; it is deactivated by "
		    "uninstalling it", inst, r);
		return 405;
	}
	if (r != 4 && r != 6)
		return 405;
	if (sl->busy)
		return 503;
	state = update_state(o, sl);
	/* Install is for a DELIVERED package; Uninstall for a DELIVERED or
	 * INSTALLED one. */
	if ((r == 4 && state != ST_DELIVERED) || state == ST_INITIAL)
		return 405;
	if (h->app == NULL)
		return 500;
	sl->busy = true;
	sl->removing = r == 6;
	if (h->app(h->arg, r == 6, sl->package, acted, sl) != 0) {
		acted(sl, -EIO);
		return 500;
	}
	return 204;
}

static void
free_(struct lwm2m_object *o)
{
	free(o->ctx);
	o->ctx = NULL;
}

static const struct lwm2m_object_ops ops = {
	.instances = instances,
	.read = do_read,
	.execute = execute,
	.free = free_,
};

int
lwm2m_swmgmt_init(struct lwm2m_object *o)
{
	struct swmgmt *sw;

	o->def = &lwm2m_swmgmt_def;
	o->ops = &ops;
	if ((sw = calloc(1, sizeof(*sw))) == NULL)
		return -1;
	sw->o = o;
	o->ctx = sw;
	return 0;
}
