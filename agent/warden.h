/*
 * warden.h - the agent's private program header: the structs and
 * prototypes shared by wardend and wardenctl, grouped by file.
 */
#ifndef WARDEN_H
#define WARDEN_H

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

/* store.c, store_schema.c: see store.h */

/* ctl_client.c: wardenctl's side of the control socket (blocking). */
/*
 * Sends one request and waits for the reply. Returns 0 and *reply (owned
 * by the caller) on any reply; -1 when the agent is unreachable, with the
 * reason in err and *exit_code set (EXIT_UNREACHABLE, or EXIT_FAIL when
 * access was denied).
 */
int ctl_request(const char *socket_path, const cJSON *req, cJSON **reply,
    char *err, size_t errlen, int *exit_code);
/* Like ctl_request, but calls fn for every progress line before the
 * final reply ({"progress": ...} lines). */
int ctl_request_progress(const char *socket_path, const cJSON *req,
    void (*fn)(const cJSON *progress, void *arg), void *arg, cJSON **reply,
    char *err, size_t errlen, int *exit_code);

/* wardenctl.c: helpers the wardenctl command files share. */
struct ctl_opts {
	const char *socket;
	bool json;
};
void wctl_usage(void) __attribute__((noreturn));
/*
 * An error message (printf format, as printed on stderr). With --json it
 * is kept instead, and wctl_finish(code) prints {"error", "exit"} on
 * stdout; wctl_finish returns code.
 */
void wctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int wctl_finish(int code);
/*
 * After getopt_long() returned '?' in a command's options (argv[0] is
 * the command): one line naming the unknown option, or the option whose
 * argument is missing, with a hint to --help; exits 2.
 */
void wctl_bad_option(char **argv) __attribute__((noreturn));
/* A request {"cmd": cmd}; the caller adds members. */
cJSON *wctl_request(const char *cmd);
/*
 * Sends req (consumed), prints transport errors and error replies, and
 * returns the exit code; on success *result points into *reply, which
 * the caller deletes.
 */
int wctl_call(const struct ctl_opts *o, cJSON *req, cJSON **reply,
    cJSON **result);
void wctl_print_json(const cJSON *v);
const char *wctl_str(const cJSON *o, const char *name);
double wctl_num(const cJSON *o, const char *name);
/* Reads a whole file (at most max bytes) for sending; NULL with a
 * message on stderr. */
char *wctl_read_file(const char *path, size_t max, size_t *len);

/* wardenctl_compliance.c */
int wctl_cmd_compliance(const struct ctl_opts *o, int argc, char **argv);
int wctl_cmd_rules(const struct ctl_opts *o, int argc, char **argv);

/* wardenctl_policy.c */
int wctl_cmd_policy(const struct ctl_opts *o, int argc, char **argv);

/* wardenctl_provision.c */
int wctl_cmd_provision(const struct ctl_opts *o, int argc, char **argv);

/* wardenctl_attest.c */
int wctl_cmd_attest(const struct ctl_opts *o, int argc, char **argv);

/* wardenctl_retire.c */
int wctl_cmd_retire(const struct ctl_opts *o, int argc, char **argv);

#endif /* WARDEN_H */
