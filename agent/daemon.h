/*
 * daemon.h - wardend's one top-level context and the services its modules
 * share: the loop, the store, the HAL, the serialized HAL job queue and the
 * control socket.
 */
#ifndef WARDEN_DAEMON_H
#define WARDEN_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "agent/posture.h"
#include "hal/hal.h"
#include "profiles/presets.h"
#include "profiles/requirements.h"
#include "profiles/rules.h"
#include "store.h"
#include "warden.h"

struct crypto_eckey;
struct crypto_rng;
struct crypto_tpm;
struct ctl_conn;
struct hal_job;
struct lwm2m_session;
struct netproc;
struct retire;
struct server;
struct wardend;

/*
 * What a lower room asks of a higher one. The rooms above fill these in
 * before the loop runs (daemon_start); the rooms below call the
 * wardend_*() wrappers and never the higher room itself, so no room
 * calls up. A hook left unset does nothing.
 */
struct wardend_hooks {
	/* A posture scan; its result is the reply to conn when not NULL
	 * (daemon.c). */
	void (*scan)(struct wardend *d, struct ctl_conn *conn);
	/* The scan interval changed: re-arm the timer (daemon.c). */
	void (*rearm_scan)(struct wardend *d);
	/* Wipe now: the device key destroyed, then the factory reset
	 * (commands.c). */
	void (*wipe)(struct wardend *d, const char *why);
	/* A report was queued: deliver it now if the session is idle
	 * (server.c). */
	void (*outbox_kick)(struct wardend *d);
	/* Provisioning reached ENROLLING: enroll now (enroll.c). */
	void (*enroll)(struct wardend *d);
};

struct wardend {
	uv_loop_t *loop;
	struct wardend_hooks hooks;
	struct config conf;
	char conf_path[PATH_MAX];
	bool conf_given;
	bool foreground;	/* -d: logs on stderr */
	struct store *store;
	struct hal hal;
	int64_t started_at;

	uv_signal_t sig_term, sig_int, sig_hup;
	uv_timer_t scan_timer;
	uv_timer_t settle_timer;  /* coalesces bursts of hot-plug events */
	uv_poll_t hal_watch;
	bool hal_watch_active;
	uv_poll_t netwatch;		/* netwatch.c: rtnetlink */
	int netwatch_fd;
	bool netwatch_active;
	uv_pipe_t ctl_server;
	bool ctl_active;
	struct ctl_conn *ctl_conns;
	const struct ctl_command *ctl_cmds;	/* control_start() */
	size_t ctl_ncmds;
	gid_t ctl_gid;
	char ctl_group[64];
	char ctl_readbuf[65536];
	uint64_t ctl_refused;		/* connections refused or cut for a limit */
	uint64_t ctl_refused_logged_at;	/* loop time of the last warning */

	/* HAL jobs run one at a time on libuv's work queue. */
	struct hal_job *jobs_head, *jobs_tail;
	bool job_running;
	bool stopping;

	/* Scans: requests waiting for the scan in progress. */
	bool scan_queued;
	struct scan_waiter *scan_waiters;
	struct hal_facts facts;
	int64_t facts_at;
	uint64_t scan_count;
	uint64_t scan_cpu_ns_last;
	/* The installed applications as the last scan found them
	 * (hal_apps_list(), sorted); apps_known is false when the HAL has
	 * no apps subsystem or the list failed. */
	struct hal_app *apps;
	size_t napps;
	bool apps_known;
	/* apps_watch.c: the package manager's status file. */
	uv_fs_event_t apps_watch;
	bool apps_watch_active;
	char apps_watch_name[64];

	/* Compliance inputs: the posture rules in force, and what the
	 * policy engine (policy_engine.c) says the policy requires and
	 * which settings are failed, pending, unsupported or outside the
	 * management mode. */
	struct rules_set *rules;
	bool have_req;
	struct policy_requirements req;
	struct posture_extra extras[POSTURE_EXTRAS_MAX];
	size_t nextras;
	/* The last evaluation (large: kept, not on the stack). */
	struct posture_result result;
	bool have_result;
	uint64_t eval_ns_last;

	struct engine *engine;	/* policy_engine.c */
	struct server *server;	/* server.c: enrollment and the session */
	struct lwm2m_session *lwm2m;	/* transport/lwm2m_session.c */
	struct netproc *net;		/* netproxy.c: the network process */
	struct retire *retire;		/* retire.c: a retire under way */
	bool wiping;			/* commands.c: a wipe under way */
	struct crypto_tpm *tpm;		/* keystore.c: NULL without a TPM */
	struct hal_keywrap keywrap;	/* keystore.c: lent to the HAL */
	uv_timer_t watchdog;		/* sd_notify.c: systemd's watchdog */
	bool watchdog_active;
};

static inline void
wardend_scan(struct wardend *d, struct ctl_conn *conn)
{
	if (d->hooks.scan != NULL)
		d->hooks.scan(d, conn);
}

static inline void
wardend_rearm_scan(struct wardend *d)
{
	if (d->hooks.rearm_scan != NULL)
		d->hooks.rearm_scan(d);
}

static inline void
wardend_wipe(struct wardend *d, const char *why)
{
	if (d->hooks.wipe != NULL)
		d->hooks.wipe(d, why);
}

static inline void
wardend_outbox_kick(struct wardend *d)
{
	if (d->hooks.outbox_kick != NULL)
		d->hooks.outbox_kick(d);
}

static inline void
wardend_enroll(struct wardend *d)
{
	if (d->hooks.enroll != NULL)
		d->hooks.enroll(d);
}

/* daemon.c */
/* Sets up everything from d->conf; fatal on setup errors. */
void daemon_start(struct wardend *d);
/* Stops the loop's handles; the loop then ends by itself. */
void daemon_stop(struct wardend *d, const char *why);
/* Frees what daemon_start set up, after the loop has ended. */
void daemon_cleanup(struct wardend *d);

/* jobs.c */
/*
 * Queues a HAL job: work(arg) runs on the work queue (it may block; it
 * touches only the HAL and arg), then after(d, arg) runs on the loop.
 * Jobs run one at a time, in order, so backends need no locking.
 */
void daemon_hal_job(struct wardend *d, void (*work)(struct wardend *, void *),
    void (*after)(struct wardend *, void *), void *arg);

/*
 * Requests a posture scan. When `conn` is non-NULL, the scan's result is
 * sent to it as the reply. Scans requested while one is queued coalesce.
 */
void daemon_scan(struct wardend *d, struct ctl_conn *conn);

/* Re-arms the periodic scan timer after scan_interval changed. */
void daemon_rearm_scan(struct wardend *d);
/* A scan soon, coalescing a burst of change events into one. */
void daemon_scan_soon(struct wardend *d);

/* apps_watch.c */
/* Watches the HAL apps backend's status file (hal_apps_watch_path()) on
 * the loop: a change of installed packages starts a scan at once, so
 * the report lists it without waiting for the scan interval. Nothing to
 * do when the backend names no file. */
void apps_watch_start(struct wardend *d);
void apps_watch_stop(struct wardend *d);

/* keystore.c */
/* Opens the TPM tpm-tcti names ("auto": /dev/tpmrm0 when it exists);
 * fatal when a TPM named in the configuration does not answer. With a
 * TPM, the HAL's own secret files (its sealing key, fscrypt keys) are
 * sealed to it too (hal_certstore_set_keywrap). Call after hal_open(). */
void keystore_start(struct wardend *d);
/* Closes the TPM; after every key from it is freed. */
void keystore_stop(struct wardend *d);
/* Where the device key is: "tpm" (or will be, once made) or
 * "sealed-file". Reads the store and 8 bytes of the key file: on the
 * loop. */
const char *keystore_kind(struct wardend *d);
/* Adds the fact key.hardware_backed (Boolean) to fs; on the loop. */
void keystore_facts(struct wardend *d, struct hal_facts *fs);
/*
 * Loads the device key at path: a TPM key file through the TPM, else a
 * sealed file. *out is owned by the caller (crypto_eckey_free), and a
 * TPM key borrows d's TPM. Blocks: call on the work queue.
 */
int keystore_devkey_load(struct wardend *d, const char *path,
    struct crypto_eckey **out, char *err, size_t errlen);
/*
 * Creates a new device key and writes it to path (replacing the file):
 * inside the TPM when there is one, else generated with rng and sealed.
 * Blocks: call on the work queue.
 */
int keystore_devkey_create(struct wardend *d, struct crypto_rng *rng,
    const char *path, struct crypto_eckey **out, char *err, size_t errlen);

/* policy_engine.c */
/* Loads the policy in force (and the standalone policy-file) and
 * enforces everything again; fatal on an invalid policy-file. */
void policy_engine_start(struct wardend *d);
/* Answers requests waiting for an enforcement (the agent is stopping). */
void policy_engine_cancel(struct wardend *d);
void policy_engine_stop(struct wardend *d);
/*
 * Stores a new admin policy (source "local", "file" or "server") and, if
 * enforce_now, enforces it. `standalone`: only allowed in UNPROVISIONED
 * (which becomes STANDALONE) or STANDALONE. Returns 0; -1 when the
 * document is invalid (err holds "fieldPath: reason" lines); -2 when it
 * was refused or could not be stored (err says why). Nothing changes on
 * error.
 */
int policy_engine_set(struct wardend *d, const char *text, const char *source,
    bool standalone, bool enforce_now, char *err, size_t errlen);
/*
 * Retire: puts every setting out of force (not even the mode's baseline
 * stays) and runs the reverts, each restoring how warden found the
 * device; then done(d, arg). The state must be RETIRED.
 */
void policy_engine_revert_all(struct wardend *d,
    void (*done)(struct wardend *, void *), void *arg);
/* Reloads the records and the stored policy (after a retire). */
void policy_engine_reload(struct wardend *d);
/* Plans and runs the enforcement (flags: enforce.h ENFORCE_*). */
void policy_engine_enforce(struct wardend *d, unsigned flags);
/* Drift and failed-attempt checks on the new facts. */
void policy_engine_after_scan(struct wardend *d);
/* policyEnforcementRules on the new verdict. */
void policy_engine_after_evaluation(struct wardend *d);
/* The policy in force asks for applicationReports
 * (statusReportingSettings.applicationReportsEnabled). */
bool policy_engine_app_reports(struct wardend *d);
void ctl_policy_apply(struct ctl_conn *c, const cJSON *req);
void ctl_policy_show(struct ctl_conn *c, const cJSON *req);
/* The policy in force for `status`: policy {name, version, mode} or null. */
void policy_engine_status(struct wardend *d, cJSON *r);
/* The management mode the policy engine enforces for. */
enum policy_mode policy_engine_mode(struct wardend *d);
/* ctl_handlers.c: `policy check` against this device's HAL and mode. */
void ctl_policy_check(struct ctl_conn *c, const cJSON *req);

/* enforcement_rules.c */
struct policy;
/* Blocks or wipes per p's policyEnforcementRules, from the last
 * evaluation and the non-compliance time counted so far (clock.h);
 * lifts a block when the setting is compliant again. p NULL (no admin
 * policy): forgets every count. */
void enforcement_rules_check(struct wardend *d, const struct policy *p);
/* Forgets every block, wipe and count in the store (a retire, in the
 * caller's transaction): the device leaves the rules. */
int enforcement_rules_forget(struct store *st);

/* compliance.c */
/* Loads the rules file named in the config (if any); fatal on error. */
void compliance_start(struct wardend *d);
void compliance_stop(struct wardend *d);
/* Evaluates the last scan, stores the verdict and queues the report
 * (one transaction). Called after every scan and policy change. */
void compliance_evaluate(struct wardend *d);
void ctl_compliance(struct ctl_conn *c, const cJSON *req);
void ctl_rules_apply(struct ctl_conn *c, const cJSON *req);

/* provision_flow.c */
/* At start: resumes an interrupted provisioning, or provisions from the
 * image's zero-touch file when the device is UNPROVISIONED. */
void provision_start(struct wardend *d);
void ctl_provision(struct ctl_conn *c, const cJSON *req);
void ctl_provision_share(struct ctl_conn *c, const cJSON *req);

/* server.c, enroll.c: the MDM server's side (agent/server.h) */
/* Enrolls (ENROLLING) or runs the managed session (MANAGED); nothing in
 * other states. */
void server_start(struct wardend *d);
/* Provisioning has just reached ENROLLING: enroll now. */
void enroll_start(struct wardend *d);
/* Cancels every exchange and closes the timers (daemon_stop). */
void server_stop(struct wardend *d);
/* Frees the server's state after the loop has ended. */
void server_free(struct wardend *d);
/* A row was added to the outbox: deliver it now if the session is idle
 * (no-op when not managed or while backing off). */
void daemon_outbox_kick(struct wardend *d);
/* The network came back (netwatch.c): a long poll or a delivery that
 * is backing off tries again now, its backoff reset. */
void server_network_up(struct wardend *d);

/* netwatch.c */
/* Listens to rtnetlink for links coming up and addresses added, and
 * calls server_network_up(). Without the socket it logs why and the
 * backoff simply runs its course. */
void netwatch_start(struct wardend *d);
void netwatch_stop(struct wardend *d);
/* True when the rtnetlink messages in buf (len bytes) say a link is up
 * and running or an address was added. Never reads past len. */
bool netwatch_says_up(const void *buf, size_t len);
/* Adds server, deviceId, lastContactAt, nextRetryAt (of the outbox or
 * the enrollment; 0 when not backing off), certificateRenewAt and
 * serverError to a status reply. */
void server_status(struct wardend *d, cJSON *r);

/* attest.c */
/*
 * The compliance token: a compact JWS (ES256) signed with the device key
 * (loaded on the HAL job queue), claims from the last evaluation; open to
 * any peer. req: optional "audience" and "nonce" (bounded, safe
 * characters). Errors when the device is not MANAGED with a device key.
 */
void ctl_attest(struct ctl_conn *c, const cJSON *req);

/* control.c */
/* One request the control socket answers: its name, whether it changes
 * the device (root or the control group only), and its handler, which
 * replies once (control_reply_ok or _err). */
struct ctl_command {
	const char *cmd;
	bool privileged;
	void (*fn)(struct ctl_conn *c, const cJSON *req);
};
/* Binds the control socket (mode and group from the config) to answer
 * the requests of cmds (ncmds of them; kept, not copied); fatal on
 * error. */
void control_start(struct wardend *d, const struct ctl_command *cmds,
    size_t ncmds);
void control_stop(struct wardend *d);
/* Peer credentials of a connection. */
struct ctl_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	bool privileged; /* root, the daemon's user, or the socket's group */
};
const struct ctl_peer *control_peer(struct ctl_conn *c);
/* Adds controlConnections and controlRefused to a status reply. */
void control_status(struct wardend *d, cJSON *r);
struct wardend *control_daemon(struct ctl_conn *c);
/* Replies once per request; takes ownership of result (may be NULL). */
void control_reply_ok(struct ctl_conn *c, cJSON *result);
void control_reply_err(struct ctl_conn *c, int exit_code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A progress line before the final reply; takes ownership of p. */
void control_progress(struct ctl_conn *c, cJSON *p);

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
