/*
 * lwm2m_objects.h - the LwM2M object layer: object and resource
 * definitions (what docs/lwm2m/ publishes as object XML), one handler
 * table per object, and the generic operations over them (read, write,
 * execute, create, delete, discover) that check paths, operations,
 * types and bounds before an object sees anything.
 *
 * Objects: Security (0), Server (1), Device (3), Connectivity
 * Monitoring (4), Firmware Update (5), Lock and Wipe (8), Software
 * Management (9) and warden's own in the private
 * range: Passcode Policy (32001), Device Restrictions (32002),
 * Management Mode (32003), Compliance (32004). One file each
 * (lwm2m_obj_*.c); lwm2m_policy.c holds the policy document the three
 * policy objects edit.
 *
 * Objects know nothing of the daemon: what they show of the device and
 * what they ask of it goes through struct lwm2m_host, which the session
 * (lwm2m_session.c) implements and unit tests fake. Everything runs on
 * the loop's thread; nothing here blocks (slow device work is queued by
 * the host).
 */
#ifndef WARDEN_LWM2M_OBJECTS_H
#define WARDEN_LWM2M_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/transport/lwm2m/lwm2m_content.h"
#include "hal/hal.h"

/* Object ids. */
#define LWM2M_OBJ_SECURITY 0
#define LWM2M_OBJ_SERVER 1
#define LWM2M_OBJ_DEVICE 3
#define LWM2M_OBJ_CONNMON 4
#define LWM2M_OBJ_FWUPDATE 5
#define LWM2M_OBJ_LOCKWIPE 8
#define LWM2M_OBJ_SWMGMT 9
#define LWM2M_OBJ_PASSCODE 32001
#define LWM2M_OBJ_RESTRICT 32002
#define LWM2M_OBJ_MODE 32003
#define LWM2M_OBJ_COMPLIANCE 32004

#define LWM2M_INSTANCES_MAX 64		/* of one object */
#define LWM2M_RES_INSTANCES_MAX 128	/* of one multiple resource */

/* Operations on a resource. */
#define LWM2M_OP_R 0x1
#define LWM2M_OP_W 0x2
#define LWM2M_OP_E 0x4

struct lwm2m_res_def {
	uint16_t id;
	const char *name;
	enum lwm2m_type type;		/* NONE for an executable */
	uint8_t ops;			/* LWM2M_OP_*; 0: bootstrap only */
	bool multiple;
	bool mandatory;
	/* Integers: the range; strings and opaque: max is the length
	 * (min = max = 0: no bound beyond the type's). */
	int64_t min, max;
};

struct lwm2m_obj_def {
	uint16_t id;
	const char *name;
	const char *version;		/* "1.0", "1.1" */
	bool multiple;			/* multiple instances */
	bool mandatory;
	const struct lwm2m_res_def *res;
	size_t nres;
};

/* ------------------------------------------------------------------ */
/* What the objects ask of the device (implemented by the session)     */
/* ------------------------------------------------------------------ */

/* One failing setting of the last compliance evaluation. */
struct lwm2m_noncompliance {
	char setting[64];		/* AMAPI settingName */
	char field_path[96];
	char reason[40];		/* AMAPI nonComplianceReason */
	char specific[64];		/* specificNonComplianceReason, "" */
	char current[128];		/* currentValue, "" */
};

#define LWM2M_DETAILS_MAX LWM2M_RES_INSTANCES_MAX

struct lwm2m_compliance {
	bool valid;			/* an evaluation exists */
	char verdict[24];		/* Compliant, NonCompliant, ... */
	bool compliant;			/* AMAPI policyCompliant */
	int64_t policy_version;
	int64_t changed_at;		/* Unix seconds: last change */
	char posture[32];		/* AMAPI devicePosture */
	struct lwm2m_noncompliance detail[LWM2M_DETAILS_MAX];
	size_t n;
};

/* Why an action ended (Lock and Wipe's operation result). */
typedef void (*lwm2m_done_fn)(void *arg, int rc);

struct lwm2m_host {
	void *arg;
	/* A fact of the last posture scan; NULL when not reported. */
	const struct hal_fact *(*fact)(void *arg, const char *name);
	/* The HAL's identity (read once at start); "" when unknown. */
	void (*identity)(void *arg, const char **manufacturer,
	    const char **model, const char **serial);
	/* The management mode, provisioning's name ("FULLY_MANAGED"). */
	const char *(*mode)(void *arg);
	/* The last compliance evaluation (valid until the next call). */
	const struct lwm2m_compliance *(*compliance)(void *arg);
	/* Stores and enforces a policy (AMAPI JSON) from the server.
	 * Returns 0, or -1 with "fieldPath: reason" lines in err (the
	 * document was rejected, nothing changed). */
	int (*apply_policy)(void *arg, const char *json, char *err,
	    size_t errlen);
	/* Queue a reboot, a factory reset or a wipe of the work profile,
	 * a lock of the device or the work profile, on the HAL job queue;
	 * done (may be NULL) runs after it with 0 or a negative errno.
	 * Return 0 when queued. */
	int (*reboot)(void *arg, const char *why);
	int (*wipe)(void *arg, bool profile, const char *why,
	    lwm2m_done_fn done, void *done_arg);
	int (*lock)(void *arg, bool profile, lwm2m_done_fn done,
	    void *done_arg);
	/* The Security and Server objects changed: persist them. */
	void (*save)(void *arg);
	/* OPTIONAL (NULL: object 9 has no instances). The applications
	 * the HAL lists, sorted by package name, *n of them; valid until
	 * the next call. */
	const struct hal_app *(*apps)(void *arg, size_t *n);
	/* OPTIONAL. Queues an install (remove: a removal) of package on the
	 * HAL job queue; done runs after it with 0 or a negative errno
	 * (hal_apps_ops). Return 0 when queued. */
	int (*app)(void *arg, bool remove, const char *package,
	    lwm2m_done_fn done, void *done_arg);
	/* OPTIONAL. Queues the OS-update hook on the package at uri (http://
	 * or https://) on the HAL job queue (hal_power_ops.os_update); done
	 * runs after it with 0 or a negative errno. Return 0 when queued. */
	int (*os_update)(void *arg, const char *uri, lwm2m_done_fn done,
	    void *done_arg);
};

/* Events the Server object raises for the client. */
enum lwm2m_event {
	LWM2M_EV_UPDATE,		/* send a registration update now */
	LWM2M_EV_REGISTER,		/* lifetime or binding changed */
	LWM2M_EV_DISABLE,		/* de-register for value seconds */
	LWM2M_EV_BOOTSTRAP,		/* start a bootstrap */
};

/* ------------------------------------------------------------------ */
/* Objects and the registry                                            */
/* ------------------------------------------------------------------ */

struct lwm2m_objects;
struct lwm2m_object;

/* Collects the value(s) a read of one resource produces. */
struct lwm2m_emit {
	struct lwm2m_records *rs;
	struct lwm2m_path path;		/* /o/i/r */
	const struct lwm2m_res_def *def;
	int16_t only;			/* a resource instance id, or -1 */
	bool failed;
};

/* A single resource's value (ri LWM2M_ID_NONE) or one instance of a
 * multiple resource. */
void lwm2m_emit(struct lwm2m_emit *e, uint16_t ri, struct lwm2m_value v);
/* A string value, "" allowed. */
void lwm2m_emit_str(struct lwm2m_emit *e, uint16_t ri, const char *s);

struct lwm2m_object_ops {
	/* MANDATORY. Instance ids in increasing order, at most max. */
	size_t (*instances)(struct lwm2m_object *o, uint16_t *ids,
	    size_t max);
	/* MANDATORY. Emits resource res of instance inst; returns 0, or
	 * 404 when this instance does not have it. */
	int (*read)(struct lwm2m_object *o, uint16_t inst, uint16_t res,
	    struct lwm2m_emit *e);
	/* OPTIONAL (none: 4.05). The records of one instance, each typed
	 * and in bounds, sorted; replace: resources not given go back to
	 * their defaults. bootstrap: the writer is the bootstrap server.
	 * Returns 204, or a CoAP error code with a reason in err. */
	int (*write)(struct lwm2m_object *o, uint16_t inst,
	    const struct lwm2m_records *rs, bool replace, bool bootstrap,
	    char *err, size_t errlen);
	/* OPTIONAL. Returns 204 or an error code. */
	int (*execute)(struct lwm2m_object *o, uint16_t inst, uint16_t res,
	    const uint8_t *args, size_t len);
	/* OPTIONAL. A new instance inst from rs (typed). 201 or error. */
	int (*create)(struct lwm2m_object *o, uint16_t inst,
	    const struct lwm2m_records *rs, bool bootstrap, char *err,
	    size_t errlen);
	/* OPTIONAL. 202 or an error code. */
	int (*remove)(struct lwm2m_object *o, uint16_t inst, bool bootstrap);
	/* OPTIONAL. Frees ctx (zeroising secrets). */
	void (*free)(struct lwm2m_object *o);
};

struct lwm2m_object {
	const struct lwm2m_obj_def *def;
	const struct lwm2m_object_ops *ops;
	void *ctx;			/* the object's own state */
	struct lwm2m_objects *all;
};

/* Raises a Server object event (no-op without a listener). */
typedef void (*lwm2m_event_fn)(void *arg, enum lwm2m_event ev,
    uint16_t ssid, int64_t value);

struct lwm2m_objects {
	struct lwm2m_object obj[16];
	size_t n;
	const struct lwm2m_host *host;
	lwm2m_event_fn event;
	void *event_arg;
	struct cJSON *policy;		/* lwm2m_policy.c */
};

/* lwm2m_objects.c */
/*
 * Sets up every object with the host (borrowed, must outlive objs) and
 * the policy in force (JSON text or NULL; copied). Returns 0 or -1.
 * Release with lwm2m_objects_free().
 */
int lwm2m_objects_init(struct lwm2m_objects *objs,
    const struct lwm2m_host *host, const char *policy);
/* Frees every object's state (secrets zeroised) and the policy. */
void lwm2m_objects_free(struct lwm2m_objects *objs);
/* Object id, or NULL when this client has none. */
struct lwm2m_object *lwm2m_objects_find(struct lwm2m_objects *objs,
    uint16_t id);
/* Resource res of an object's definition, or NULL. */
const struct lwm2m_res_def *lwm2m_res_find(const struct lwm2m_obj_def *d,
    uint16_t res);
/* true when instance inst of object o exists. */
bool lwm2m_instance_exists(struct lwm2m_object *o, uint16_t inst);

/*
 * The operations of the Device Management interface on a path. Each
 * returns a CoAP code (205, 204, 201, 202; 400, 401, 404, 405 ...) and
 * on error a reason in err (one line, for the response and the log).
 * bootstrap: the bootstrap server is the writer (any resource of any
 * object may be written, instances are created as needed).
 */
/* Read: records of path (sorted); a multiple resource with no instance
 * is one record without a value. */
int lwm2m_objects_read(struct lwm2m_objects *objs,
    const struct lwm2m_path *p, struct lwm2m_records *rs, char *err,
    size_t errlen);
/* Write (replace: PUT, else partial update) of decoded records. */
int lwm2m_objects_write(struct lwm2m_objects *objs,
    const struct lwm2m_path *p, const struct lwm2m_records *in,
    bool replace, bool bootstrap, char *err, size_t errlen);
int lwm2m_objects_execute(struct lwm2m_objects *objs,
    const struct lwm2m_path *p, const uint8_t *args, size_t len,
    char *err, size_t errlen);
/* Create on an object path; *inst receives the new id. */
int lwm2m_objects_create(struct lwm2m_objects *objs,
    const struct lwm2m_path *p, const struct lwm2m_records *in,
    bool bootstrap, uint16_t *inst, char *err, size_t errlen);
int lwm2m_objects_delete(struct lwm2m_objects *objs,
    const struct lwm2m_path *p, bool bootstrap, char *err, size_t errlen);

/* Appends the links of a Discover on p (object: the object, its
 * instances and their resources; instance: it and its resources;
 * resource: it) to links (cap entries); with attrs, the attributes set
 * on each path are added. Returns a CoAP code. */
int lwm2m_objects_discover(struct lwm2m_objects *objs,
    const struct lwm2m_path *p, struct lwm2m_link *links, size_t cap,
    size_t *n, void (*attrs)(void *arg, const struct lwm2m_path *p,
    struct lwm2m_link *l), void *attrs_arg);
/* The registration's links: "</>;rt=...;ct=..." then each object
 * (with ver= when not 1.0) or each of its instances, except Security.
 * *out is malloc'd. */
int lwm2m_objects_links(struct lwm2m_objects *objs, char **out,
    size_t *len);

/* Raises ev for the client (objs->event), if one listens. */
void lwm2m_objects_event(struct lwm2m_objects *objs, enum lwm2m_event ev,
    uint16_t ssid, int64_t value);

/* Definitions (one per lwm2m_obj_*.c), and the set-up that gives an
 * object its definition, handlers and state (0, or -1 out of memory). */
extern const struct lwm2m_obj_def lwm2m_security_def;
extern const struct lwm2m_obj_def lwm2m_server_def;
extern const struct lwm2m_obj_def lwm2m_device_def;
extern const struct lwm2m_obj_def lwm2m_connmon_def;
extern const struct lwm2m_obj_def lwm2m_lockwipe_def;
extern const struct lwm2m_obj_def lwm2m_passcode_def;
extern const struct lwm2m_obj_def lwm2m_restrict_def;
extern const struct lwm2m_obj_def lwm2m_mode_def;
extern const struct lwm2m_obj_def lwm2m_compliance_def;
extern const struct lwm2m_obj_def lwm2m_swmgmt_def;
extern const struct lwm2m_obj_def lwm2m_fwupdate_def;

int lwm2m_security_init(struct lwm2m_object *o);
int lwm2m_server_init(struct lwm2m_object *o);
int lwm2m_device_init(struct lwm2m_object *o);
int lwm2m_connmon_init(struct lwm2m_object *o);
int lwm2m_lockwipe_init(struct lwm2m_object *o);
int lwm2m_passcode_init(struct lwm2m_object *o);
int lwm2m_restrict_init(struct lwm2m_object *o);
int lwm2m_mode_init(struct lwm2m_object *o);
int lwm2m_compliance_init(struct lwm2m_object *o);
int lwm2m_swmgmt_init(struct lwm2m_object *o);
int lwm2m_fwupdate_init(struct lwm2m_object *o);

/* lwm2m_obj_security.c */
/* One Security instance as the client uses it. Secrets are zeroised
 * when the object is freed or the instance deleted. */
struct lwm2m_security {
	uint16_t id;
	char uri[LWM2M_URI_MAX + 1];
	bool bootstrap;
	enum lwm2m_sec_mode mode;
	uint8_t identity[4096];		/* PSK identity or certificate */
	size_t identity_len;
	uint8_t server_key[4096];	/* the server's certificate */
	size_t server_key_len;
	uint8_t secret[4096];		/* PSK key or private key */
	size_t secret_len;
	uint16_t ssid;
	int64_t hold_off;		/* seconds */
	int64_t bs_timeout;		/* seconds, 0: none */
};
/* The instance for the bootstrap server (bs) or for server ssid;
 * NULL when there is none. */
const struct lwm2m_security *lwm2m_security_find(struct lwm2m_objects *objs,
    bool bs, uint16_t ssid);
/* Replaces every instance by one (provisioning's server). 0 or -1. */
int lwm2m_security_set(struct lwm2m_objects *objs,
    const struct lwm2m_security *s);
/* Removes every instance but the bootstrap server's (a bootstrap
 * "Delete /"). */
void lwm2m_security_clear(struct lwm2m_objects *objs, bool keep_bs);
/* The instances as JSON text (secrets in hex) and back; for the store.
 * *out is malloc'd and holds secrets (zeroise it). */
int lwm2m_security_dump(struct lwm2m_objects *objs, char **out);
int lwm2m_security_load(struct lwm2m_objects *objs, const char *json,
    char *err, size_t errlen);

/* lwm2m_obj_server.c */
struct lwm2m_server {
	uint16_t id;
	uint16_t ssid;
	int64_t lifetime;		/* seconds */
	int64_t pmin, pmax;		/* default notification periods */
	int64_t disable_timeout;
	bool storing;
	bool mute_send;			/* no Send to this server (/1/x/23) */
	char binding[8];		/* "U" or "UQ" */
};
#define LWM2M_LIFETIME_DEFAULT 3600
#define LWM2M_LIFETIME_MIN 10
/* The instance of short server id ssid, or NULL. */
const struct lwm2m_server *lwm2m_server_find(struct lwm2m_objects *objs,
    uint16_t ssid);
/* The first server instance, or NULL. */
const struct lwm2m_server *lwm2m_server_first(struct lwm2m_objects *objs);
/* Replaces every instance by s (provisioning's server). 0. */
int lwm2m_server_set(struct lwm2m_objects *objs,
    const struct lwm2m_server *s);
/* Removes every instance. */
void lwm2m_server_clear(struct lwm2m_objects *objs);
/* The instances as JSON text (*out malloc'd) and back, for the store;
 * a load that fails (err) changes nothing. 0 or -1. */
int lwm2m_server_dump(struct lwm2m_objects *objs, char **out);
int lwm2m_server_load(struct lwm2m_objects *objs, const char *json,
    char *err, size_t errlen);

/* lwm2m_obj_lockwipe.c */
/* Lock and Wipe's operation result codes. */
enum lwm2m_lw_result {
	LWM2M_LW_DEFAULT = 0,
	LWM2M_LW_PARTIAL_LOCK_OK = 1,
	LWM2M_LW_FULL_LOCK_OK = 2,
	LWM2M_LW_UNLOCK_OK = 3,
	LWM2M_LW_WIPE_OK = 4,
	LWM2M_LW_PARTIAL_LOCK_FAILED = 5,
	LWM2M_LW_FULL_LOCK_FAILED = 6,
	LWM2M_LW_UNLOCK_FAILED = 7,
	LWM2M_LW_WIPE_FAILED = 8,
};

/* lwm2m_policy.c */
/* Loads the policy document (NULL or "": none). 0 or -1. */
int lwm2m_policy_load(struct lwm2m_objects *objs, const char *json);
/* Frees the document. */
void lwm2m_policy_free(struct lwm2m_objects *objs);
/* A copy of the current document to edit (never NULL but when out of
 * memory); free it with cJSON_Delete(). */
struct cJSON *lwm2m_policy_edit(struct lwm2m_objects *objs);
/*
 * Gives doc the next version and the name "lwm2m" when it has none,
 * and has the host store and enforce it. On success doc becomes the
 * current document (taken over); on failure it is freed, nothing
 * changes, and err holds the engine's reasons. Returns 204 or 400.
 */
int lwm2m_policy_commit(struct lwm2m_objects *objs, struct cJSON *doc,
    char *err, size_t errlen);
/* Read-only view of the current document (never NULL). */
const struct cJSON *lwm2m_policy_doc(struct lwm2m_objects *objs);
/* Members of a policy object: the value, or def when absent or of
 * another type (integers may be JSON numbers or digit strings, as
 * AMAPI's int64 fields are). */
const char *lwm2m_pol_str(const struct cJSON *o, const char *key,
    const char *def);
int64_t lwm2m_pol_int(const struct cJSON *o, const char *key);
bool lwm2m_pol_bool(const struct cJSON *o, const char *key);
/* Sets (replacing) a member; "" for a string removes it. 0 or -1. */
int lwm2m_pol_set_str(struct cJSON *o, const char *key, const char *v,
    size_t len);
int lwm2m_pol_set_int(struct cJSON *o, const char *key, int64_t v);
int lwm2m_pol_set_bool(struct cJSON *o, const char *key, bool v);
/* The object member key of o, made when missing; NULL on no memory. */
struct cJSON *lwm2m_pol_object(struct cJSON *o, const char *key);

#endif /* WARDEN_LWM2M_OBJECTS_H */
