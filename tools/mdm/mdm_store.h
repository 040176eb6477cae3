/*
 * mdm_store.h - wardenmdm's store: devices, tokens, enrollments,
 * policies, groups, the command queue, reports and the admin console's
 * credentials, on SQLite or PostgreSQL through mdm_db.h. Part of the
 * server's interface (mdm.h includes it).
 */
#ifndef WARDEN_MDM_STORE_H
#define WARDEN_MDM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "crypto/crypto.h"
#include "tools/mdm/mdm_limits.h"

/* ------------------------------------------------------------------ */
/* mdm_store.c, mdm_store_queue.c: the SQLite database                  */
/* ------------------------------------------------------------------ */

/*
 * One connection to DIR/mdm.db (WAL, busy timeout 5 s), safe to share
 * between threads: every function takes the store's lock for its whole
 * transaction. The server and the admin CLI each open their own; SQLite
 * arbitrates between the processes. Functions block on the disk and, at
 * most for the busy timeout, on the other process.
 */
struct mdm_store;

/* Opens (creating and migrating) the database at path. */
int mdm_store_open(const char *path, struct mdm_store **out, char *err,
    size_t errlen);
/* Closes it. NULL is a no-op. */
void mdm_store_close(struct mdm_store *st);

/*
 * Group commit, for the server's loop: with on, every writing
 * transaction joins one open transaction (the batch; each in a
 * savepoint, so that a failing one still rolls back alone) instead of
 * committing, and reads join it while it is open. Nothing written is
 * durable, nor may be acknowledged to anyone, until
 * mdm_store_batch_commit() returned 0: it commits the batch with one
 * sync of the log, and returns -1 when the batch could not be committed
 * and is lost as a whole. mdm_store_batch_pending() tells whether
 * something waits for that commit. Turning batching off commits first
 * (its return). One thread only.
 */
int mdm_store_batch(struct mdm_store *st, bool on);
int mdm_store_batch_commit(struct mdm_store *st);
bool mdm_store_batch_pending(struct mdm_store *st);

/* What a token lookup found. */
enum mdm_token_state {
	MDM_TOKEN_VALID = 0,
	MDM_TOKEN_UNKNOWN,
	MDM_TOKEN_USED,
	MDM_TOKEN_EXPIRED,
};

/* The text for a refused token: "enrollment token already used". */
const char *mdm_token_state_text(enum mdm_token_state s);

/* Stores a new token by its SHA-256 (the token itself is never kept);
 * a device enrolling with it is put in group (NULL: none; a group that
 * does not exist is refused). */
int mdm_store_token_add(struct mdm_store *st,
    const uint8_t hash[CRYPTO_SHA256_LEN], const char *mode,
    const char *group, time_t created, time_t expires);
/* Stores n tokens (by their SHA-256) in one transaction. */
int mdm_store_tokens_add(struct mdm_store *st,
    const uint8_t (*hashes)[CRYPTO_SHA256_LEN], size_t n, const char *mode,
    time_t created, time_t expires);

/*
 * Looks a token up without using it: *state, and its mode (mode_cap
 * bytes) when valid. Returns -1 only on a database error.
 */
int mdm_store_token_check(struct mdm_store *st,
    const uint8_t hash[CRYPTO_SHA256_LEN], time_t now,
    enum mdm_token_state *state, char *mode, size_t mode_cap);

/* A device as stored. */
struct mdm_device {
	char id[MDM_ID_MAX + 1];
	char mode[MDM_MODE_MAX + 1];
	time_t enrolled;
	bool retired;
	time_t last_report;		/* 0: no report yet */
	int compliant;			/* last report: 1 yes, 0 no, -1 unknown */
	char group[MDM_GROUP_MAX + 1];	/* "" for none */
};

/* An issued certificate. */
struct mdm_cert {
	uint8_t fingerprint[CRYPTO_SHA256_LEN];	/* SHA-256 of the DER */
	uint64_t serial;
	time_t not_after;
};

/*
 * Enrollment in one transaction: uses the token (only when it is still
 * valid: a concurrent enrollment with the same token loses), stores the
 * device (dev->id, dev->mode, info: the device's JSON text) and its
 * certificate, and keeps with the token the SHA-256 of the device's
 * public key (key) and the certificate's PEM (pem) so that a repeated
 * request can be answered again (mdm_store_enroll_replay). *state tells
 * whether the token was valid; nothing is stored unless it was. Returns
 * -1 on a database error (or an id clash, astronomically unlikely: the
 * caller reports an internal error).
 */
int mdm_store_enroll(struct mdm_store *st,
    const uint8_t hash[CRYPTO_SHA256_LEN], time_t now,
    const struct mdm_device *dev, const char *info,
    const struct mdm_cert *cert, const uint8_t key[CRYPTO_SHA256_LEN],
    const char *pem, enum mdm_token_state *state);

/*
 * The enrollment a used token made, for a device repeating its request:
 * returns 0 with the device id and the certificate's PEM (*pem,
 * malloc'd) when the token (hash) was used by a request for the public
 * key whose SHA-256 is key, the token has not expired by now and the
 * device is not retired; 1 when any of that does not hold; -1 on error.
 */
int mdm_store_enroll_replay(struct mdm_store *st,
    const uint8_t hash[CRYPTO_SHA256_LEN],
    const uint8_t key[CRYPTO_SHA256_LEN], time_t now,
    char id[MDM_ID_MAX + 1], char **pem);

/*
 * Reads device id. Returns 0 and fills *dev, 1 when there is no such
 * device, -1 on error.
 */
int mdm_store_device_get(struct mdm_store *st, const char *id,
    struct mdm_device *dev);

/* Marks the device retired (its certificates stop working). */
int mdm_store_device_retire(struct mdm_store *st, const char *id,
    time_t now);

/* Calls fn for every device, oldest enrollment first. */
int mdm_store_devices_each(struct mdm_store *st,
    int (*fn)(const struct mdm_device *dev, void *arg), void *arg);

/* Records a certificate issued to device id (renewal). */
int mdm_store_cert_add(struct mdm_store *st, const char *id,
    const struct mdm_cert *cert, time_t now);

/*
 * True (1) when the certificate with this fingerprint was issued to
 * device id and the device is not retired; 0 when not; -1 on error.
 */
int mdm_store_cert_valid(struct mdm_store *st, const char *id,
    const uint8_t fingerprint[CRYPTO_SHA256_LEN]);

/* What a policy applies to. */
enum mdm_scope {
	MDM_SCOPE_DEFAULT = 0,	/* every device without its own or its
				   group's */
	MDM_SCOPE_DEVICE,	/* one device (by id) */
	MDM_SCOPE_GROUP,	/* a group's members without their own */
};

/*
 * Sets the policy of a scope (name: the device id or the group's name;
 * unused for the default): json is the compact text of a JSON object,
 * version its mdm_policy_version(). A version names one content for
 * good: a version already used with other content is refused (err says
 * so); "0" is reserved for "no policy". In the same transaction, pushes
 * the change: queues a SYNC_POLICY command for every enrolled device the
 * policy is in force for, unless one is already waiting undelivered;
 * *pushed is how many were queued. The caller then wakes the long polls
 * (mdm_notify_touch). Returns -1 with err on refusal or error.
 */
int mdm_store_policy_set(struct mdm_store *st, enum mdm_scope kind,
    const char *name, const char *json, const char *version, time_t now,
    long long *pushed, char *err, size_t errlen);

/*
 * The policy in force for device id: its own, else its group's, else the
 * default. *json is malloc'd ("{}" and version "0" when there is none).
 */
int mdm_store_policy_get(struct mdm_store *st, const char *id, char **json,
    char version[MDM_VERSION_MAX + 1]);

/* mdm_store_group.c */

/* A group as listed. */
struct mdm_group {
	char name[MDM_GROUP_MAX + 1];
	long long devices;			/* enrolled members */
	char version[MDM_VERSION_MAX + 1];	/* its policy's; "" none */
};

/* True when name is a group name: 1 to MDM_GROUP_MAX of [A-Za-z0-9._-]. */
bool mdm_group_name_valid(const char *name);

/* Creates group name. Refused (err) when it exists. */
int mdm_store_group_add(struct mdm_store *st, const char *name, time_t now,
    char *err, size_t errlen);

/*
 * Puts the n devices ids[] in group name (NULL: in no group), all or
 * none (an unknown device or group is refused, err), and pushes: a
 * SYNC_POLICY for each of them whose policy in force changes (not for
 * one with a policy of its own, nor when both groups have the same
 * policy or none), *pushed counting them.
 */
int mdm_store_group_assign(struct mdm_store *st, const char *name,
    const char *const *ids, size_t n, time_t now, long long *pushed,
    char *err, size_t errlen);

/* Calls fn for every group, by name. */
int mdm_store_groups_each(struct mdm_store *st,
    int (*fn)(const struct mdm_group *g, void *arg), void *arg);

/* mdm_store_queue.c */

/* One entry of a report batch (borrowed strings). */
struct mdm_report {
	const char *key;	/* idempotencyKey */
	const char *kind;	/* "report" or "event" */
	const char *payload;	/* compact JSON object text */
	int compliant;		/* payload.policyCompliant: 1, 0, -1 absent */
};

/*
 * Stores a batch in one transaction, each entry once per (device, key):
 * an entry whose key is already stored is left as it was.
 */
int mdm_store_reports_add(struct mdm_store *st, const char *id,
    const struct mdm_report *r, size_t n, time_t now);

/* Number of stored reports and events of device id. */
int mdm_store_reports_count(struct mdm_store *st, const char *id,
    long long *count);

/* A stored report as the CLI lists it (strings owned by the store call). */
struct mdm_report_row {
	long long seq;
	const char *key;
	const char *kind;
	const char *payload;
	time_t received;
};

/* Calls fn for each report/event of device id in arrival order. */
int mdm_store_reports_each(struct mdm_store *st, const char *id,
    int (*fn)(const struct mdm_report_row *row, void *arg), void *arg);

/*
 * The payload of device id's latest kind "report" (malloc'd, NULL when
 * there is none) and when it arrived.
 */
int mdm_store_last_report(struct mdm_store *st, const char *id,
    char **payload, time_t *received);

/* A command. Strings are owned by the struct (mdm_command_clear). */
struct mdm_command {
	char id[MDM_ID_MAX + 1];
	char device[MDM_ID_MAX + 1];
	char type[MDM_TYPE_MAX + 1];
	char *params;		/* compact JSON object text */
	time_t created;
	int64_t duration;	/* seconds */
	time_t delivered;	/* last delivery, 0: never */
	int deliveries;
	char status[MDM_STATUS_MAX + 1];	/* "" until a result */
	char error_code[MDM_ERRCODE_MAX + 1];
	char *result;		/* compact JSON text or NULL */
	time_t result_time;
	char *signature;	/* compact JWS or NULL (unsigned) */
};

/* Frees the strings of c. NULL-safe. */
void mdm_command_clear(struct mdm_command *c);

/* Queues a command (id, device, type, params, created, duration). */
int mdm_store_command_add(struct mdm_store *st, const struct mdm_command *c);

/*
 * Takes device id's commands due for delivery: no result yet, not
 * expired, never delivered or delivered more than MDM_REDELIVER_SECONDS
 * ago; marks them delivered. Fills out[0 .. *n) (at most max), oldest
 * first; the caller clears each.
 */
int mdm_store_commands_take(struct mdm_store *st, const char *id,
    time_t now, struct mdm_command *out, size_t max, size_t *n);

/*
 * Calls fn(id, arg) once for every device with a command that
 * mdm_store_commands_take() would give it at now; a non-zero return of
 * fn stops the walk and is returned. -1 on a database error.
 */
int mdm_store_devices_due(struct mdm_store *st, time_t now,
    int (*fn)(const char *id, void *arg), void *arg);

/* What recording a command result did. */
enum mdm_result_outcome {
	MDM_RESULT_STORED = 0,
	MDM_RESULT_IGNORED,	/* a result was already stored */
	MDM_RESULT_UNKNOWN,	/* no such command for this device */
};

/*
 * Stores the first result of command cmd of device id (status, error
 * code "" for none, result JSON text or NULL).
 */
int mdm_store_command_result(struct mdm_store *st, const char *id,
    const char *cmd, const char *status, const char *error_code,
    const char *result, time_t now, enum mdm_result_outcome *outcome);

/* Calls fn for each command of device id, oldest first. */
int mdm_store_commands_each(struct mdm_store *st, const char *id,
    int (*fn)(const struct mdm_command *c, void *arg), void *arg);

/*
 * Forgets the result and the deliveries of command cmd of device id, so
 * that the next poll delivers it again as it was: what a replaying
 * proxy or a compromised server would do (for tests of the device's
 * replay protection). 1 when there is no such command.
 */
int mdm_store_command_redeliver(struct mdm_store *st, const char *id,
    const char *cmd);

/* mdm_store_fleet.c: what the admin console reads */

/* A device and what its last report said (payload only when it said
 * non-compliant: its text, owned by the store call; else NULL). */
struct mdm_fleet_row {
	struct mdm_device dev;
	const char *payload;
};

/* Calls fn for every device, oldest enrollment first, in one query. */
int mdm_store_fleet_each(struct mdm_store *st,
    int (*fn)(const struct mdm_fleet_row *row, void *arg), void *arg);

/*
 * The fleet's compliance day by day (day: Unix time / 86400, UTC) from
 * the reports received since since, each device counted once a day by
 * its last report of the day; only group's devices when group is not
 * NULL. fn is called in day order.
 */
int mdm_store_compliance_days(struct mdm_store *st, const char *group,
    time_t since, int (*fn)(long long day, long long compliant,
    long long noncompliant, void *arg), void *arg);

/* Device id's enrollment "device" JSON text (*info malloc'd): 0, 1 when
 * there is no such device, -1 on error. */
int mdm_store_device_info(struct mdm_store *st, const char *id, char **info);

/* Calls fn for device id's last max events, newest first. */
int mdm_store_events_recent(struct mdm_store *st, const char *id, int max,
    int (*fn)(const struct mdm_report_row *row, void *arg), void *arg);

/* The policy set for exactly this scope (name: device id or group;
 * unused for the default): 0 and *json (malloc'd), 1 when none is set,
 * -1 on error. */
int mdm_store_policy_scope_get(struct mdm_store *st, enum mdm_scope kind,
    const char *name, char **json);

/* mdm_store_admin.c: the admin console's credentials */

#define MDM_PW_SALT_LEN 16
#define MDM_PW_HASH_LEN 32		/* PBKDF2-HMAC-SHA256 output */
#define MDM_PW_ITERATIONS 600000	/* what new passwords get */
#define MDM_PW_ITERATIONS_MAX 10000000

/* The admin password as stored: never the password itself. */
struct mdm_admin_password {
	uint8_t salt[MDM_PW_SALT_LEN];
	unsigned iterations;
	uint8_t hash[MDM_PW_HASH_LEN];
};

/* Stores a one-time login link by its SHA-256. */
int mdm_store_admin_link_add(struct mdm_store *st,
    const uint8_t hash[CRYPTO_SHA256_LEN], time_t created, time_t expires);
/*
 * Uses a login link: *state says whether it was valid (then it is used
 * from now on: a second use finds it MDM_TOKEN_USED), unknown, used or
 * expired. -1 only on a database error.
 */
int mdm_store_admin_link_use(struct mdm_store *st,
    const uint8_t hash[CRYPTO_SHA256_LEN], time_t now,
    enum mdm_token_state *state);
/* Sets (replaces) the admin password's hash. */
int mdm_store_admin_password_set(struct mdm_store *st,
    const struct mdm_admin_password *pw, time_t now);
/* Reads it: 0, 1 when no password is set, -1 on error. */
int mdm_store_admin_password_get(struct mdm_store *st,
    struct mdm_admin_password *pw);

#endif /* WARDEN_MDM_STORE_H */
