/*
 * ctl.h - the interface of wardenctl's room (agent/ctl/): its side of
 * the control socket and the helpers its command files share.
 */
#ifndef WARDEN_CTL_H
#define WARDEN_CTL_H

#include "agent/core/core.h"

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

#endif /* WARDEN_CTL_H */
