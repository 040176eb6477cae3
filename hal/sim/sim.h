/*
 * sim.h - private header of the simulated device backend.
 *
 * The simulated handheld keeps all its state in DIR/device.json:
 *   {"facts": {"camera.blocked": false, ...},   posture facts
 *    "fail":  {"camera.set_allowed": 5, ...},   op -> errno to fail with
 *    "state": {"passcodePolicy": {...}, ...},   what the agent enforced
 *    "delay": {"apps.install": 2000, ...},      op -> milliseconds it takes
 *    "apps":  {...}}                            packages (sim_apps.c)
 * and appends every op the agent performs to DIR/ops.log, one line each:
 *   <op> <arguments> -> <result>
 * The file is read before and written (atomically) after every op, so an
 * edit from outside is seen by the next op or scan.
 */
#ifndef WARDEN_HAL_SIM_H
#define WARDEN_HAL_SIM_H

#include <errno.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "hal/hal.h"

struct sim {
	char dir[512];
	char path[600];   /* DIR/device.json */
	char oplog[600];  /* DIR/ops.log */
	cJSON *doc;       /* loaded for the duration of one op */
	int inotify_fd;
	/* The hash of device.json as this backend last wrote it: written
	 * on the work queue, read by sim_watch_drain() on the loop. */
	_Atomic uint64_t own_write;
};

/* sim_state.c */
int sim_load(struct sim *s);
int sim_save(struct sim *s);
void sim_unload(struct sim *s);
/* Begins op `op`: loads the file and returns the injected errno (negative)
 * if the op is set to fail, else 0. */
int sim_begin(struct sim *s, const char *op);
/* Ends an op: saves the file when changed, logs "op args -> rc". */
int sim_end(struct sim *s, const char *op, const char *args, int rc,
    bool changed);
cJSON *sim_facts(struct sim *s);
cJSON *sim_state(struct sim *s);
void sim_set_bool(cJSON *obj, const char *key, bool v);
void sim_set_int(cJSON *obj, const char *key, double v);
void sim_set_str(cJSON *obj, const char *key, const char *v);
bool sim_get_bool(cJSON *obj, const char *key, bool def);
long long sim_get_int(cJSON *obj, const char *key, long long def);
const char *sim_get_str(cJSON *obj, const char *key, const char *def);
int sim_facts_read(void *ctx, struct hal_facts *fs);
int sim_control(void *ctx, const char *verb, const char *key,
    const char *value, char **reply);
int sim_open(const char *arg, void **ctx);
void sim_close(void *ctx);
int sim_watch_fd(void *ctx);
int sim_watch_drain(void *ctx);
int sim_errno_parse(const char *s, int *err);

/* sim_apps.c */
extern const struct hal_apps_ops sim_apps_ops;
/* `sim repo PKG VERSION` / `sim app PKG VERSION` ("none" removes) on the
 * loaded document; 0 or -EINVAL. */
int sim_apps_control(struct sim *s, const char *verb, const char *pkg,
    const char *version);

#endif /* WARDEN_HAL_SIM_H */
