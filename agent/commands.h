/*
 * commands.h - the command engine: what the agent does with a command
 * taken from the inbox (inbox.c stores what any binding receives, marks
 * each row "running" in a committed transaction, then hands it here).
 *
 * Every command gets exactly one result, through the outbox, in AMAPI's
 * shape: {"status": SUCCEEDED | FAILED | UNSUPPORTED | EXPIRED,
 * "errorCode"?: UNSUPPORTED | INVALID_VALUE | MANAGEMENT_MODE | API_LEVEL |
 * UNKNOWN, "result"?: {"message", command-specific fields}}.
 *
 * At most once, even across a crash: a row found "running" at start was
 * interrupted somewhere between that commit and its result. A destructive
 * or disruptive command (WIPE, CLEAR_APP_DATA, RELINQUISH_OWNERSHIP,
 * RETIRE, RESET_PASSWORD, REBOOT) is then never run again: it is
 * answered FAILED, errorCode UNKNOWN, "interrupted". An idempotent one (LOCK, RESCAN,
 * SYNC_POLICY, RENEW_CERTIFICATE, START_LOST_MODE, STOP_LOST_MODE) is run
 * again: doing it twice leaves the device as doing it once.
 *
 * WIPE, RELINQUISH_OWNERSHIP and RETIRE act only once their result has
 * been acknowledged by the server (the outbox row is gone): the action
 * waits in the store (kv "command_after_ack") across restarts. The last
 * two then run a retire (retire.h).
 */
#ifndef WARDEN_COMMANDS_H
#define WARDEN_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "hal/hal.h"

struct server;
struct wardend;

/* The longest parameter text a command may carry (bytes). */
#define COMMANDS_PARAMS_MAX 8192
/* The kv key of an action waiting for its result's acknowledgement. */
#define COMMANDS_AFTER_ACK_KEY "command_after_ack"

/* commands.c */
/*
 * Executes command id of type with params (JSON object text, untrusted,
 * NULL for "{}"). The row is "running" in the store. Always ends in one
 * result (inbox_finish_with), possibly later from a HAL job. Never blocks.
 */
void commands_execute(struct server *sv, const char *id, const char *type,
    const char *params);
/* A row found "running" at start: answered "interrupted" or run again
 * (rule above); one that has expired since is answered EXPIRED. */
void commands_resume(struct server *sv, const char *id, const char *type,
    const char *params, bool expired);
/* The server acknowledged the result of command id: runs the action
 * waiting for it, if any. */
void commands_result_delivered(struct server *sv, const char *id);
/* The session (re)opened: runs an action whose result was delivered
 * before a restart. */
void commands_session_open(struct server *sv);
/* At start: lost mode recorded in the store is shown and locked again. */
void commands_start(struct wardend *d);
/* The device is in lost mode (reports say state LOST, tokens too). */
bool commands_lost_mode(struct wardend *d);
/*
 * Fault injection for crash tests: when WARDEN_FAULT_KILL_AT names point
 * ("received", "inbox", "hal", "result", or "retire": a retire's RETIRED
 * just committed), the agent raises SIGKILL there.
 */
void commands_fault(const char *point);

/* commands_password.c */
/*
 * Checks a new passcode against policy p (quality, minimum length and
 * character counts). 0 when it satisfies p; -1 with a reason (which never
 * quotes the passcode) in why.
 */
int commands_password_check(const struct hal_passcode_policy *p,
    const char *pw, char *why, size_t whylen);

#endif /* WARDEN_COMMANDS_H */
