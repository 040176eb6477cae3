/*
 * lwm2m_obj_lockwipe.c - LwM2M Lock and Wipe (object 8): lock the device
 * (State 2) or the work profile (State 1), and wipe the targets in Wipe
 * Target (default: the device) with Wipe (/8/0/3). Every action goes
 * through the host onto the HAL job queue: a wipe of the device is the
 * agent's factory-reset path, a wipe of "work_profile" the selective
 * wipe. The answer to the request comes at once; Lock or Wipe Operation
 * Result tells how the action ended.
 *
 * Items and targets are "device" and "work_profile". Unlocking is the
 * user's (State 0 is refused).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

#define TARGETS_MAX 2

static const struct lwm2m_res_def res[] = {
	{ 0, "State", LWM2M_T_INTEGER, LWM2M_OP_R | LWM2M_OP_W, false, true, 0,
	    2 },
	{ 1, "Lock target", LWM2M_T_STRING, LWM2M_OP_W, true, true, 0, 32 },
	{ 2, "Wipe item", LWM2M_T_STRING, LWM2M_OP_R, true, false, 0, 0 },
	{ 3, "Wipe", LWM2M_T_NONE, LWM2M_OP_E, false, true, 0, 0 },
	{ 4, "Wipe target", LWM2M_T_STRING, LWM2M_OP_W, true, true, 0, 32 },
	{ 5, "Lock or Wipe Operation Result", LWM2M_T_INTEGER, LWM2M_OP_R,
	    false, true, 0, 8 },
};

const struct lwm2m_obj_def lwm2m_lockwipe_def = {
	LWM2M_OBJ_LOCKWIPE, "Lock and Wipe", "1.0", false, false, res,
	sizeof(res) / sizeof(res[0]),
};

struct lockwipe {
	bool wipe_device, wipe_profile;	/* Wipe target */
	bool lock_profile;		/* Lock target */
	int state;			/* what was last locked */
	enum lwm2m_lw_result result;
	bool busy;			/* an action queued */
	struct lwm2m_object *o;
};

static struct lockwipe *
lw(struct lwm2m_object *o)
{
	return o->ctx;
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

static bool
profile_exists(struct lwm2m_object *o)
{
	const struct lwm2m_host *h = o->all->host;
	const struct hal_fact *f = h->fact(h->arg, "profile.exists");

	return f != NULL && f->type == HAL_FACT_BOOL && f->b;
}

static int
do_read(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    struct lwm2m_emit *e)
{
	const struct lwm2m_host *h = o->all->host;
	const struct hal_fact *f;
	struct lockwipe *s = lw(o);

	if (inst != 0)
		return 404;
	switch (r) {
	case 0:
		f = h->fact(h->arg, "screen.locked");
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(f != NULL &&
		    f->type == HAL_FACT_BOOL && f->b ? 2 : s->state == 1 ? 1 :
		    0));
		return 0;
	case 2:
		lwm2m_emit_str(e, 0, "device");
		if (profile_exists(o))
			lwm2m_emit_str(e, 1, "work_profile");
		return 0;
	case 5:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(s->result));
		return 0;
	default:
		return 404;
	}
}

static void
locked(void *arg, int rc)
{
	struct lockwipe *s = arg;

	s->busy = false;
	s->result = rc == 0 ? (s->state == 1 ? LWM2M_LW_PARTIAL_LOCK_OK :
	    LWM2M_LW_FULL_LOCK_OK) : (s->state == 1 ?
	    LWM2M_LW_PARTIAL_LOCK_FAILED : LWM2M_LW_FULL_LOCK_FAILED);
}

static void
wiped(void *arg, int rc)
{
	struct lockwipe *s = arg;

	s->busy = false;
	s->result = rc == 0 ? LWM2M_LW_WIPE_OK : LWM2M_LW_WIPE_FAILED;
}

/* "device" or "work_profile"; -1 for anything else. */
static int
target(const struct lwm2m_value *v, bool *device, bool *profile)
{
	if (v->len == 6 && memcmp(v->bytes, "device", 6) == 0)
		*device = true;
	else if (v->len == 12 && memcmp(v->bytes, "work_profile", 12) == 0)
		*profile = true;
	else
		return -1;
	return 0;
}

static int
do_write(struct lwm2m_object *o, uint16_t inst, const struct lwm2m_records *rs,
    bool replace, bool bootstrap, char *err, size_t errlen)
{
	const struct lwm2m_host *h = o->all->host;
	struct lockwipe *s = lw(o), t = *s;
	bool dev, prof, lock_now = false;
	size_t i;

	(void)bootstrap;
	if (inst != 0)
		return 404;
	if (replace) {
		t.wipe_device = t.wipe_profile = t.lock_profile = false;
	}
	for (i = 0; i < rs->n; i++) {
		const struct lwm2m_record *r = &rs->r[i];

		switch (r->path.id[2]) {
		case 0:
			if (r->v.i == 0) {
				snprintf(err, errlen, "unlocking is the "
				    "user's");
				return 400;
			}
			t.state = (int)r->v.i;
			lock_now = true;
			break;
		case 1:
		case 4:
			if (r->path.len == 3) {	/* the list is replaced */
				if (r->path.id[2] == 1)
					t.lock_profile = false;
				else
					t.wipe_device = t.wipe_profile = false;
				break;
			}
			dev = prof = false;
			if (target(&r->v, &dev, &prof) != 0) {
				snprintf(err, errlen, "target \"%.*s\": not "
				    "device or work_profile", (int)(r->v.len >
				    32 ? 32 : r->v.len),
				    (const char *)r->v.bytes);
				return 400;
			}
			if (r->path.id[2] == 1) {
				t.lock_profile = t.lock_profile || prof;
			} else {
				t.wipe_device = t.wipe_device || dev;
				t.wipe_profile = t.wipe_profile || prof;
			}
			break;
		}
	}
	if (lock_now && s->busy) {
		snprintf(err, errlen, "a lock or wipe is in progress");
		return 503;
	}
	*s = t;
	if (!lock_now)
		return 204;
	/* State 1 (partially locked) locks the work profile */
	s->busy = true;
	if (h->lock(h->arg, s->state == 1, locked, s) != 0) {
		s->busy = false;
		locked(s, -1);
		return 500;
	}
	return 204;
}

static int
execute(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    const uint8_t *args, size_t len)
{
	const struct lwm2m_host *h = o->all->host;
	struct lockwipe *s = lw(o);
	bool profile;

	(void)args;
	(void)len;
	if (inst != 0 || r != 3)
		return 404;
	if (s->busy)
		return 503;
	/* the device unless only the work profile is targeted */
	profile = s->wipe_profile && !s->wipe_device;
	/* As the HTTPS WIPE: a personally-owned device is not wiped. */
	if (!profile && strcmp(h->mode(h->arg), "WORK_PROFILE_PERSONAL") == 0)
		return 405;
	s->busy = true;
	if (h->wipe(h->arg, profile, profile ? "LwM2M Wipe (/8/0/3) of the "
	    "work profile" : "LwM2M Wipe (/8/0/3)", wiped, s) != 0) {
		wiped(s, -1);
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
	.write = do_write,
	.execute = execute,
	.free = free_,
};

int
lwm2m_lockwipe_init(struct lwm2m_object *o)
{
	struct lockwipe *s;

	o->def = &lwm2m_lockwipe_def;
	o->ops = &ops;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->o = o;
	o->ctx = s;
	return 0;
}
