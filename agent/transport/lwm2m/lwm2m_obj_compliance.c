/*
 * lwm2m_obj_compliance.c - warden Compliance (object 32004): the verdict
 * of the last evaluation, the policy version it judged, and for each
 * non-compliance detail one instance of each of the multiple resources
 * Setting Name, Reason, Current Value, Field Path and Specific Reason
 * (instance i of each describes detail i, in the report's order). Meant
 * to be observed: the session notifies when a scan changes it. Last
 * Change is when the verdict or a detail last changed, so that a scan
 * that changes nothing changes nothing here either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

static const struct lwm2m_res_def res[] = {
	{ 0, "Verdict", LWM2M_T_STRING, LWM2M_OP_R, false, true, 0, 0 },
	{ 1, "Policy Compliant", LWM2M_T_BOOLEAN, LWM2M_OP_R, false, true, 0,
	    0 },
	{ 2, "Applied Policy Version", LWM2M_T_INTEGER, LWM2M_OP_R, false,
	    true, 0, 0 },
	{ 3, "Last Change", LWM2M_T_TIME, LWM2M_OP_R, false, true, 0, 0 },
	{ 4, "Setting Name", LWM2M_T_STRING, LWM2M_OP_R, true, true, 0, 0 },
	{ 5, "Non-compliance Reason", LWM2M_T_STRING, LWM2M_OP_R, true, true,
	    0, 0 },
	{ 6, "Current Value", LWM2M_T_STRING, LWM2M_OP_R, true, true, 0, 0 },
	{ 7, "Field Path", LWM2M_T_STRING, LWM2M_OP_R, true, false, 0, 0 },
	{ 8, "Specific Reason", LWM2M_T_STRING, LWM2M_OP_R, true, false, 0,
	    0 },
	{ 9, "Security Posture", LWM2M_T_STRING, LWM2M_OP_R, false, false, 0,
	    0 },
	{ 10, "Non-compliance Count", LWM2M_T_INTEGER, LWM2M_OP_R, false,
	    true, 0, 0 },
};

const struct lwm2m_obj_def lwm2m_compliance_def = {
	LWM2M_OBJ_COMPLIANCE, "warden Compliance", "1.0", false, false, res,
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
	const struct lwm2m_compliance *c = h->compliance(h->arg);
	size_t i;

	if (inst != 0)
		return 404;
	switch (r) {
	case 0:
		lwm2m_emit_str(e, LWM2M_ID_NONE, c->valid ? c->verdict :
		    "Unknown");
		return 0;
	case 1:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_bool(c->valid &&
		    c->compliant));
		return 0;
	case 2:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(c->policy_version));
		return 0;
	case 3:
		if (!c->valid)
			return 404;
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_time(c->changed_at));
		return 0;
	case 9:
		if (!c->valid || c->posture[0] == '\0')
			return 404;
		lwm2m_emit_str(e, LWM2M_ID_NONE, c->posture);
		return 0;
	case 10:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(c->valid ?
		    (int64_t)c->n : 0));
		return 0;
	default:
		break;
	}
	for (i = 0; c->valid && i < c->n && i < LWM2M_DETAILS_MAX; i++) {
		const struct lwm2m_noncompliance *d = &c->detail[i];
		const char *s = r == 4 ? d->setting : r == 5 ? d->reason :
		    r == 6 ? d->current : r == 7 ? d->field_path : d->specific;

		lwm2m_emit_str(e, (uint16_t)i, s);
	}
	return r >= 4 && r <= 8 ? 0 : 404;
}

static const struct lwm2m_object_ops ops = {
	.instances = instances,
	.read = do_read,
};

int
lwm2m_compliance_init(struct lwm2m_object *o)
{
	o->def = &lwm2m_compliance_def;
	o->ops = &ops;
	return 0;
}
