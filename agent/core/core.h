/*
 * core.h - the interface of the parent's core room (agent/core/): the
 * log, the configuration, the agent's states, the store, the clock, the
 * URL parser, the serialized HAL job queue, the control socket, and
 * struct wardend, the one context every room of wardend shares. The
 * rooms above reach the ones above them only through the hooks here.
 */
#ifndef WARDEN_CORE_H
#define WARDEN_CORE_H

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#define WARDEN_VERSION "0.1.0"

/* A control-socket request or response line is at most this long. */
#define CTL_LINE_MAX (1024 * 1024)
/* A request from an unprivileged peer (status, facts, compliance, attest
 * need only a few words) is at most this long. */
#define CTL_LINE_MAX_UNPRIV (8 * 1024)

/* wardenctl exit codes (also used in control-socket error replies). */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define EXIT_UNREACHABLE 3
/* `wardenctl compliance`: the verdict, for scripts (wardenctl(1)). */
#define EXIT_IN_GRACE_PERIOD 4
#define EXIT_NON_COMPLIANT 5
#define EXIT_DENIED 6

/* log.c */
enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };
/*
 * Logs to stderr when foreground, else to syslog (daemon facility). In
 * the foreground, when $JOURNAL_STREAM names stderr (systemd's journal),
 * lines are "<N>message" (N the syslog priority) without a timestamp.
 */
void log_init(bool foreground, int level);
void log_setlevel(int level);
/* Names the process in every line ("wardend network: ..."): " network"
 * (a static string with a leading space); "" for the parent. */
void log_setprocname(const char *name);
int log_getlevel(void);
const char *log_level_name(int level);
int log_level_parse(const char *s, int *level);
/* _warn variants append strerror(errno); _x variants do not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Setup failures only: logs and exits 1. */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* config.c */
struct config {
	char state_dir[PATH_MAX];
	char control_socket[108]; /* sun_path */
	char control_group[64];   /* "" = the daemon's own group */
	unsigned int control_mode; /* socket file mode, default 0660 */
	int control_max_clients;   /* connections at once, all peers */
	int control_max_per_uid;   /* connections at once, one unprivileged uid */
	int control_timeout;       /* seconds a request may take to arrive */
	char hal[PATH_MAX];        /* "name:argument" */
	int scan_interval;         /* seconds */
	int log_level;
	char policy_file[PATH_MAX]; /* standalone policy, "" = none */
	char rules_file[PATH_MAX];  /* standalone posture rules */
	char token_dir[PATH_MAX];   /* afw# token directory (JSON) */
	char zerotouch_file[PATH_MAX];
	int outbox_max;             /* rows kept while offline */
	char mode[32];              /* management mode when standalone */
	char default_server_url[512]; /* the image's server (afw#, clouddpc) */
	char default_server_pin[64];  /* its certificate pin, base64url */
	int lwm2m_allow_nosec;        /* 1: coap:// (no DTLS) accepted */
	char tpm_tcti[256];           /* "auto", "none" or a TCTI string */
	char network_user[64];        /* the network process's user */
	char network_root[PATH_MAX];  /* its empty root directory */
	char qr_decoder[PATH_MAX];    /* warden-qrdecode (camera scans) */
};
/* Fills in the compiled-in defaults (Kconfig). */
void config_defaults(struct config *c);
/*
 * Reads a config file over the defaults in c. On error returns -1 and
 * writes "FILE:LINE: reason" to err; c is then unspecified (the caller
 * keeps its previous copy).
 */
int config_load(struct config *c, const char *path, char *err, size_t errlen);
/* The same from an open stream; `path` only names it in errors. */
int config_load_stream(struct config *c, FILE *f, const char *path, char *err,
    size_t errlen);
/* Writes the effective configuration in config-file syntax. */
void config_dump(const struct config *c, FILE *out);

/* state.c */
enum agent_state {
	STATE_UNPROVISIONED = 0,
	STATE_PROVISIONING,
	STATE_ENROLLING,
	STATE_MANAGED,
	STATE_STANDALONE,
	STATE_RETIRED,
};
#define STATE_COUNT 6
const char *state_name(enum agent_state s);
int state_parse(const char *s, enum agent_state *out);
/* True when the state machine allows from -> to. */
bool state_transition_allowed(enum agent_state from, enum agent_state to);

/* jsonline.c: line-delimited JSON framing for the control socket. */
struct jsonline {
	char *buf;
	size_t len, cap, max;
};
void jsonline_init(struct jsonline *jl, size_t max);
void jsonline_free(struct jsonline *jl);
/*
 * Appends bytes; for every complete line calls fn(line, arg) (the line is
 * NUL-terminated, without the newline). Returns -1 when a line exceeds
 * the bound (the buffer is then reset), else 0.
 */
int jsonline_feed(struct jsonline *jl, const char *data, size_t len,
    void (*fn)(char *line, void *arg), void *arg);

#include <sys/types.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "profiles/posture.h"
#include "hal/hal.h"
#include "profiles/presets.h"
#include "profiles/requirements.h"
#include "profiles/rules.h"

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

#include "agent/core/clock.h"
#include "agent/core/store.h"
#include "agent/core/url.h"
#include "agent/core/sandbox.h"
#include "agent/core/test_hooks.h"

/* backoff.c */
#define BACKOFF_BASE_MS 1000u
#define BACKOFF_CAP_MS (5u * 60u * 1000u)
/*
 * The delay before retry number attempt (0 = the first): BACKOFF_BASE_MS
 * doubled attempt times, capped at BACKOFF_CAP_MS, times a factor from
 * 0.8 to 1.2 taken from random (uniform over 32 bits), never above the
 * cap. Pure: the same inputs give the same delay.
 */
uint64_t backoff_delay_ms(unsigned attempt, uint32_t random);
/* backoff_delay_ms() with a random draw from rng; increments *attempt. */
uint64_t backoff_next(struct crypto_rng *rng, unsigned *attempt);

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

#endif /* WARDEN_CORE_H */
