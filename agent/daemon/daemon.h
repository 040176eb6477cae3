/*
 * daemon.h - the interface of the room that puts wardend together
 * (agent/daemon/): it starts and stops every room, fills in the hooks
 * the lower rooms call (core.h), runs the scans, and answers the control
 * socket's requests by handing each to its room.
 */
#ifndef WARDEN_DAEMON_H
#define WARDEN_DAEMON_H

#include "agent/core/core.h"
#include "agent/daemon/sd_notify.h"

/* daemon.c */
/* Sets up everything from d->conf; fatal on setup errors. */
void daemon_start(struct wardend *d);
/* Stops the loop's handles; the loop then ends by itself. */
void daemon_stop(struct wardend *d, const char *why);
/* Frees what daemon_start set up, after the loop has ended. */
void daemon_cleanup(struct wardend *d);

/* apps_watch.c */
/* Watches the HAL apps backend's status file (hal_apps_watch_path()) on
 * the loop: a change of installed packages starts a scan at once, so
 * the report lists it without waiting for the scan interval. Nothing to
 * do when the backend names no file. */
void apps_watch_start(struct wardend *d);
void apps_watch_stop(struct wardend *d);

/* attest.c */
/*
 * The compliance token: a compact JWS (ES256) signed with the device key
 * (loaded on the HAL job queue), claims from the last evaluation; open to
 * any peer. req: optional "audience" and "nonce" (bounded, safe
 * characters). Errors when the device is not MANAGED with a device key.
 */
void ctl_attest(struct ctl_conn *c, const cJSON *req);

/* ctl_handlers.c: `policy check` against this device's HAL and mode. */
void ctl_policy_check(struct ctl_conn *c, const cJSON *req);

/* ctl_handlers.c: the requests the agent core answers. */
void ctl_status(struct ctl_conn *c, const cJSON *req);
void ctl_scan(struct ctl_conn *c, const cJSON *req);
void ctl_facts(struct ctl_conn *c, const cJSON *req);
void ctl_sim(struct ctl_conn *c, const cJSON *req);
/* Every request the control socket answers (for control_start). */
extern const struct ctl_command ctl_commands[];
extern const size_t ctl_ncommands;
/* The facts as a JSON object {name: {type, value}}. */
cJSON *ctl_facts_json(const struct hal_facts *fs);

#endif /* WARDEN_DAEMON_H */
