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

#include "crypto/crypto.h"
#include "hal/hal.h"

struct server;
struct wardend;

/* The longest parameter text a command may carry (bytes). */
#define COMMANDS_PARAMS_MAX 8192
/* The kv key of an action waiting for its result's acknowledgement. */
#define COMMANDS_AFTER_ACK_KEY "command_after_ack"
/* The kv key of lost mode's fields while it lasts. */
#define COMMANDS_LOST_MODE_KEY STORE_KV_LOST_MODE
/* The kv key of a wipe the agent decided on, until it is done. */
#define COMMANDS_WIPE_PENDING_KEY "wipe_pending"

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
/* Replaces a secret-bearing command's stored params with "{}" and its
 * signature with its digest (commands_signature_digest), and empties the
 * write-ahead log: the store keeps no copy of a new passcode. */
void commands_scrub(struct server *sv, const char *id);
/* At start: lost mode recorded in the store is shown and locked again. */
void commands_start(struct wardend *d);
/*
 * A wipe the agent decides on (an enforcement rule's wipeAction, too many
 * failed passcodes) goes the WIPE command's way: recorded (a stop
 * resumes it), the device key destroyed (crypto-erase), the factory
 * reset, and the enrollment forgotten (UNPROVISIONED). why names the
 * cause in the events and the state history. Once at a time.
 */
void commands_wipe_device(struct wardend *d, const char *why);

/* commands_signature.c */
/* The header's "typ" of a command signature. */
#define COMMANDS_SIGNATURE_TYP "warden-command+jwt"
/* The longest signature accepted (bytes of compact JWS). */
#define COMMANDS_SIGNATURE_MAX (16 * 1024)
/* The longest a signature may be valid: expireTime - createTime. */
#define COMMANDS_SIGNED_LIFETIME_MAX (7 * 24 * 3600)
/* How far createTime may be ahead of the device's clock. */
#define COMMANDS_SIGNED_SKEW 3600
/* "sha256:" and 64 hex digits, and the NUL. */
#define COMMANDS_DIGEST_LEN 72

enum commands_sig_verdict {
	COMMANDS_SIG_OK = 0,	/* run it */
	COMMANDS_SIG_REFUSED,	/* answer FAILED, INVALID_VALUE */
	COMMANDS_SIG_EXPIRED,	/* answer EXPIRED */
};

/* True for the types a device holding a command key runs only signed:
 * WIPE, CLEAR_APP_DATA, RELINQUISH_OWNERSHIP, RESET_PASSWORD, RETIRE. */
bool commands_signature_required(const char *type);
/*
 * Checks command id of type with params (JSON object text, NULL for
 * "{}") and its signature jws (compact JWS, NULL when it has none)
 * against the server's command key and this device's id, at time now
 * (Unix seconds). Unsigned: OK unless the type must be signed. Signed:
 * header alg ES256 and typ COMMANDS_SIGNATURE_TYP, the signature valid
 * for key, a payload of exactly {deviceId, id, type, params, createTime,
 * expireTime} (integers, Unix seconds) equal to the command's, no member
 * twice at any depth, a lifetime of at most COMMANDS_SIGNED_LIFETIME_MAX,
 * createTime at most COMMANDS_SIGNED_SKEW ahead of now; EXPIRED once now
 * reaches expireTime. why receives "signature: <what failed>" unless OK.
 * Pure: no I/O, no clock, no log.
 */
enum commands_sig_verdict commands_signature_check(
    const struct crypto_eckey *key, const char *device_id, const char *id,
    const char *type, const char *params, const char *jws, int64_t now,
    char *why, size_t whylen);
/* "sha256:<hex>" of a signature: what the inbox keeps of one whose
 * payload holds a secret. */
void commands_signature_digest(const char *jws,
    char out[COMMANDS_DIGEST_LEN]);
/*
 * Before command id runs: 0 when it may (no command key, or the check
 * passed); -1 when it has been answered instead: EXPIRED, or FAILED with
 * INVALID_VALUE and the reason, recorded as a "command-refused" event.
 */
int commands_signature_admit(struct server *sv, const char *id,
    const char *type, const char *params, const char *signature);
/*
 * Records a command event kind ("command-refused", "command-replayed",
 * "command-id-reused") in the event log and queues it for the server as
 * {"type": COMMAND_REFUSED | COMMAND_REPLAYED | COMMAND_ID_REUSED,
 * "commandId", "commandType", "reason"}: at most one pending per kind
 * and command id.
 */
void commands_event(struct server *sv, const char *kind, const char *id,
    const char *type, const char *why);

/* commands_password.c */
/*
 * Checks a new passcode against policy p (quality, minimum length and
 * character counts). 0 when it satisfies p; -1 with a reason (which never
 * quotes the passcode) in why.
 */
int commands_password_check(const struct hal_passcode_policy *p,
    const char *pw, char *why, size_t whylen);

#endif /* WARDEN_COMMANDS_H */
