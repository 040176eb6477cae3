/*
 * lwm2m_obj_fwupdate.c - LwM2M Firmware Update (object 5) over the
 * OEM's OS-update hook (hal_power_ops.os_update: RAUC, SWUpdate, a
 * script), which the host runs on the HAL job queue.
 *
 * The agent downloads nothing itself: the hook fetches the package from
 * the URI it is given. So the object offers pull delivery only (/5/0/9
 * = 0) over HTTP and HTTPS (/5/0/8 = 2, 3); a write of the Package
 * (/5/0/0, push delivery) is refused with 4.05, and a Package URI of
 * another scheme with 4.00 and Update Result 9 (unsupported protocol),
 * one that is not a URI with Update Result 7 (invalid URI).
 *
 * State machine (/5/0/3, results /5/0/5) as the specification lays it
 * out, with the download and the install both inside the hook:
 *
 *   Idle (0) --URI written--> Downloaded (2): the package is named and
 *       the hook can fetch it (nothing is fetched before Update)
 *   Downloaded --Update (/5/0/2)--> Updating (3) --hook 0--> Idle,
 *       result 1; --hook fails--> Downloaded, result 2..8 by its error
 *   any state but Updating --empty URI written--> Idle, result 0
 *
 * A new URI while Updating is refused (4.05). After the device reboots
 * into the update, the object starts Idle with result 0: the agent keeps
 * no firmware state across restarts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

#define ST_IDLE 0
#define ST_DOWNLOADED 2
#define ST_UPDATING 3

#define RES_INITIAL 0
#define RES_SUCCESS 1
#define RES_NO_STORAGE 2
#define RES_OUT_OF_MEMORY 3
#define RES_CONNECTION_LOST 4
#define RES_INTEGRITY 5
#define RES_UNSUPPORTED_TYPE 6
#define RES_INVALID_URI 7
#define RES_FAILED 8
#define RES_UNSUPPORTED_PROTOCOL 9

#define PROTO_HTTP 2
#define PROTO_HTTPS 3
#define DELIVERY_PULL 0

static const struct lwm2m_res_def res[] = {
	{ 0, "Package", LWM2M_T_OPAQUE, LWM2M_OP_W, false, true, 0, 0 },
	{ 1, "Package URI", LWM2M_T_STRING, LWM2M_OP_R | LWM2M_OP_W, false,
	    true, 0, HAL_OS_UPDATE_URI_MAX },
	{ 2, "Update", LWM2M_T_NONE, LWM2M_OP_E, false, true, 0, 0 },
	{ 3, "State", LWM2M_T_INTEGER, LWM2M_OP_R, false, true, 0, 3 },
	{ 5, "Update Result", LWM2M_T_INTEGER, LWM2M_OP_R, false, true, 0,
	    9 },
	{ 6, "PkgName", LWM2M_T_STRING, LWM2M_OP_R, false, false, 0, 0 },
	{ 7, "PkgVersion", LWM2M_T_STRING, LWM2M_OP_R, false, false, 0, 0 },
	{ 8, "Firmware Update Protocol Support", LWM2M_T_INTEGER, LWM2M_OP_R,
	    true, false, 0, 5 },
	{ 9, "Firmware Update Delivery Method", LWM2M_T_INTEGER, LWM2M_OP_R,
	    false, true, 0, 2 },
};

const struct lwm2m_obj_def lwm2m_fwupdate_def = {
	LWM2M_OBJ_FWUPDATE, "Firmware Update", "1.0", false, false, res,
	sizeof(res) / sizeof(res[0]),
};

struct fwupdate {
	char uri[HAL_OS_UPDATE_URI_MAX + 1];
	int state;
	int result;
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
	struct fwupdate *fw = o->ctx;

	if (inst != 0)
		return 404;
	switch (r) {
	case 1:
		lwm2m_emit_str(e, LWM2M_ID_NONE, fw->uri);
		return 0;
	case 3:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(fw->state));
		return 0;
	case 5:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(fw->result));
		return 0;
	case 6:
	case 7:
		/* the hook tells neither before it ran */
		lwm2m_emit_str(e, LWM2M_ID_NONE, "");
		return 0;
	case 8:
		lwm2m_emit(e, 0, lwm2m_int(PROTO_HTTP));
		lwm2m_emit(e, 1, lwm2m_int(PROTO_HTTPS));
		return 0;
	case 9:
		lwm2m_emit(e, LWM2M_ID_NONE, lwm2m_int(DELIVERY_PULL));
		return 0;
	default:
		return 404;
	}
}

/* 0 for an http(s) URI with a host and printable characters only; else
 * the Update Result that refuses it. */
static int
check_uri(const uint8_t *b, size_t len)
{
	size_t i, skip;

	for (i = 0; i < len; i++)
		if (b[i] <= 0x20 || b[i] >= 0x7f)
			return RES_INVALID_URI;
	if (len > 8 && memcmp(b, "https://", 8) == 0)
		skip = 8;
	else if (len > 7 && memcmp(b, "http://", 7) == 0)
		skip = 7;
	else if (memchr(b, ':', len) != NULL)
		return RES_UNSUPPORTED_PROTOCOL;	/* coap://, ftp://, ... */
	else
		return RES_INVALID_URI;
	if (skip >= len || b[skip] == '/')
		return RES_INVALID_URI;		/* no host */
	return 0;
}

static int
do_write(struct lwm2m_object *o, uint16_t inst,
    const struct lwm2m_records *rs, bool replace, bool bootstrap,
    char *err, size_t errlen)
{
	struct fwupdate *fw = o->ctx;
	const struct lwm2m_value *uri = NULL;
	size_t i;
	int why;

	(void)replace;
	(void)bootstrap;
	if (inst != 0)
		return 404;
	for (i = 0; i < rs->n; i++) {
		if (rs->r[i].path.id[2] == 0) {
			snprintf(err, errlen, "/5/0/0: UNSUPPORTED: the agent "
			    "takes no pushed package (delivery method pull "
			    "only): write the Package URI");
			return 405;
		}
		if (rs->r[i].path.id[2] == 1)
			uri = &rs->r[i].v;
	}
	if (uri == NULL)
		return 204;
	if (fw->state == ST_UPDATING) {
		snprintf(err, errlen, "/5/0/1: an update is running");
		return 405;
	}
	if (uri->len == 0) {
		fw->uri[0] = '\0';
		fw->state = ST_IDLE;
		fw->result = RES_INITIAL;
		return 204;
	}
	if ((why = check_uri(uri->bytes, uri->len)) != 0) {
		fw->result = why;
		fw->state = ST_IDLE;
		fw->uri[0] = '\0';
		snprintf(err, errlen, "/5/0/1: %s", why == RES_INVALID_URI ?
		    "not a valid URI" : "UNSUPPORTED protocol (http and https "
		    "only)");
		return 400;
	}
	memcpy(fw->uri, uri->bytes, uri->len);
	fw->uri[uri->len] = '\0';
	fw->state = ST_DOWNLOADED;
	fw->result = RES_INITIAL;
	return 204;
}

/* The hook's error as an Update Result. */
static int
failure_result(int rc)
{
	switch (rc) {
	case -ENOSPC:
		return RES_NO_STORAGE;
	case -ENOMEM:
		return RES_OUT_OF_MEMORY;
	case -ECONNRESET:
	case -ENETUNREACH:
	case -EHOSTUNREACH:
		return RES_CONNECTION_LOST;
	case -EBADMSG:
		return RES_INTEGRITY;
	case -ENOEXEC:
		return RES_UNSUPPORTED_TYPE;
	case -ENOENT:
		return RES_INVALID_URI;
	default:
		return RES_FAILED;
	}
}

static void
updated(void *arg, int rc)
{
	struct fwupdate *fw = arg;

	if (rc == 0) {
		fw->state = ST_IDLE;
		fw->result = RES_SUCCESS;
	} else {
		fw->state = ST_DOWNLOADED;
		fw->result = failure_result(rc);
	}
}

static int
execute(struct lwm2m_object *o, uint16_t inst, uint16_t r,
    const uint8_t *args, size_t len)
{
	const struct lwm2m_host *h = o->all->host;
	struct fwupdate *fw = o->ctx;

	(void)args;
	(void)len;
	if (inst != 0)
		return 404;
	if (r != 2 || fw->state != ST_DOWNLOADED)
		return 405;
	if (h->os_update == NULL)
		return 500;
	fw->state = ST_UPDATING;
	fw->result = RES_INITIAL;
	if (h->os_update(h->arg, fw->uri, updated, fw) != 0) {
		updated(fw, -EIO);
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
lwm2m_fwupdate_init(struct lwm2m_object *o)
{
	struct fwupdate *fw;

	o->def = &lwm2m_fwupdate_def;
	o->ops = &ops;
	if ((fw = calloc(1, sizeof(*fw))) == NULL)
		return -1;
	o->ctx = fw;
	return 0;
}
