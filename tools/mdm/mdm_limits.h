/*
 * mdm_limits.h - wardenmdm's bounds on what it accepts, its defaults,
 * its exit codes and the files in its directory (mdm.h).
 */
#ifndef WARDEN_MDM_LIMITS_H
#define WARDEN_MDM_LIMITS_H

#define MDM_ERR_MAX 256

/* Exit codes of the CLI (the same as wardenctl's). */
#define MDM_EXIT_OK 0
#define MDM_EXIT_FAIL 1
#define MDM_EXIT_USAGE 2

/* Bounds on what the server accepts (bytes unless stated). */
#define MDM_BODY_MAX (1024 * 1024)	/* request and response bodies */
#define MDM_ID_MAX 64			/* a device or command id */
#define MDM_GROUP_MAX 64		/* a group's name */
#define MDM_HEXID_LEN 16		/* ids the server mints: hex digits */
#define MDM_TOKEN_MAX 512		/* an enrollment token */
#define MDM_KEY_MAX 128			/* an idempotency key */
#define MDM_BATCH_MAX 100		/* reports in one POST */
#define MDM_WAIT_MAX 900		/* waitSeconds */
#define MDM_TAKE_MAX 32			/* commands in one poll response */
#define MDM_VERSION_MAX 64		/* a policy version as text */
#define MDM_MODE_MAX 32			/* "WORK_PROFILE_COMPANY_OWNED" */
#define MDM_TYPE_MAX 32			/* a command type (the agent's bound) */
#define MDM_STATUS_MAX 32		/* a command result status */
#define MDM_ERRCODE_MAX 128		/* a command result errorCode */
#define MDM_DEVICE_INFO_MAX (64 * 1024)	/* enrollment "device" object */
#define MDM_TIME_LEN 21			/* "2024-05-01T12:00:00Z" + NUL */
#define MDM_DURATION_MAX (366 * 86400)	/* a command's duration, seconds */
#define MDM_SIGNATURE_MAX (16 * 1024)	/* a command's signature (JWS) */
#define MDM_SIGNED_LIFETIME_MAX (7 * 86400)	/* what devices accept */
#define MDM_COMMAND_TYP "warden-command+jwt"	/* the signature's typ */

/* Server defaults. */
#define MDM_DEFAULT_LISTEN "127.0.0.1:8443"
#define MDM_DEFAULT_CERT_DAYS 365
#define MDM_DEFAULT_POLL_TIMEOUT 55	/* pollTimeoutSeconds at enrollment */
#define MDM_DEFAULT_DURATION 600	/* a command's lifetime, seconds */
#define MDM_DEFAULT_TOKEN_TTL 3600
#define MDM_WAKE_ALL_MAX 32		/* parked long polls woken without
				   asking which have news */
#define MDM_REDELIVER_SECONDS 120	/* a delivered command without a
					   result is delivered again */
#define MDM_MAX_CONNS 60000		/* also bounded by RLIMIT_NOFILE */
#define MDM_HANDSHAKE_MS 10000
#define MDM_HANDSHAKES_MAX 64		/* at once; more wait in the backlog,
					   so that none times out in a crowd */
#define MDM_IDLE_MS 65000		/* between requests on a connection */
#define MDM_HEADER_MS 10000		/* from a request's first byte */
#define MDM_BODY_MS 30000		/* reading a request body */
#define MDM_WRITE_MS 30000		/* writing a response */

/* Files in the server's directory. */
#define MDM_DB_FILE "mdm.db"
#define MDM_NOTIFY_FILE "notify"

#endif /* WARDEN_MDM_LIMITS_H */
