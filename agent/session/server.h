/*
 * server.h - the agent's side of its MDM server, shared by the files that
 * implement it: enrollment (enroll.c), the managed session and the policy
 * fetch (server.c), delivery of the outbox (outbox_sender.c), commands
 * (inbox.c), certificate renewal (renew.c) and the retry schedule
 * (backoff.c). The daemon sees only the entry points in daemon.h.
 *
 * Everything runs on the loop's thread; HAL and key work goes through the
 * daemon's HAL job queue; network exchanges through a transport binding
 * (transport/transport.h). Nothing here blocks the loop.
 */
#ifndef WARDEN_SERVER_H
#define WARDEN_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "agent/transport/transport.h"
#include "crypto/crypto.h"
#include "agent/core/core.h"
#include "agent/session/session.h"

#define SERVER_URL_MAX 512
#define SERVER_ERROR_MAX 512
#define SERVER_POLL_WAIT 30		/* long-poll seconds */
#define SERVER_RENEW_BEFORE (30LL * 24 * 3600)	/* see renew_time() */
#define SERVER_RENEW_RETRY_MS (3600u * 1000u)	/* after a failed renewal */
#define SERVER_DAY_MS (24u * 3600u * 1000u)
/* Rows per push, and their payloads' total, so a request stays far
 * below the protocol's 1 MiB. */
#define SERVER_BATCH_BYTES (768 * 1024)
#define SERVER_KEY_FILE_DEFAULT "device.key"

/* An outbox row on its way to the server. */
struct outbox_row {
	int64_t id;
	char kind[16];
	char key[TRANSPORT_KEY_MAX + 1];
	char *payload;
};

/* One exchange's worth of rows: reports and events (up to
 * TRANSPORT_BATCH_MAX), or one command result. A row with id 0 is the
 * notice of dropped rows (outbox_notice_add()), last in its batch;
 * notice_reports and notice_results are the totals it tells. */
struct outbox_batch {
	struct outbox_row rows[TRANSPORT_BATCH_MAX];
	size_t n;
	bool is_result;
	int64_t notice_reports, notice_results;
};

struct enroll_job;
struct renew_job;

struct server {
	struct wardend *d;
	struct crypto_rng *rng;
	const struct transport_ops *ops;
	struct transport *t;
	bool loading;			/* the device key is being loaded */
	bool managed;			/* the managed session runs */
	bool stopping;

	/* Who the server is and who the device is. */
	char url[SERVER_URL_MAX + 1];
	char binding[16];
	uint8_t pin[CRYPTO_SHA256_LEN];
	char device_id[TRANSPORT_ID_MAX + 1];
	char *cert_pem, *ca_pem;
	struct crypto_eckey *key;
	char key_file[64];		/* in the state directory */
	/* The server's command key (public; commands_signature.c), NULL
	 * when the server signs no commands. */
	struct crypto_eckey *command_key;
	int poll_wait;

	/* What `wardenctl status` shows. */
	int64_t last_contact;
	int64_t contact_persisted;
	char last_error[SERVER_ERROR_MAX];

	/* enroll.c */
	struct enroll_job *enroll;
	uv_timer_t enroll_timer;
	unsigned enroll_attempt;
	int64_t enroll_retry_at;

	/* outbox_sender.c */
	uv_timer_t send_timer;
	bool outbox_empty;		/* the last load found nothing ... */
	uint64_t outbox_empty_adds;	/* ... at this store_outbox_adds() */
	bool sending;
	bool send_waiting;		/* backing off */
	unsigned send_attempt;
	size_t batch_limit;
	int64_t send_retry_at;
	struct outbox_batch *batch;
	/* Telling a malformed row from a server that refuses everything
	 * (outbox_verdict()): a round starts at a refusal and ends at a
	 * back-off or at an exchange delivered with nothing kept aside. */
	bool send_round;
	/* Rows accepted in the round since the last drop, reports and
	 * events apart from command results (two endpoints); the notice of
	 * dropped rows does not count. */
	size_t send_taken_reports, send_taken_results;
	unsigned send_suspects;		/* rows refused alone, nothing
					 * accepted since */
	int64_t skip_report, skip_result;	/* kept aside: send rows
						 * after these ids */
	bool skip_notice;		/* the notice refused alone: kept aside */
	bool notice_refused;		/* ... and with rows accepted: not
					 * sent again until a back-off */

	/* inbox.c */
	uv_timer_t poll_timer;
	bool polling;
	unsigned poll_attempt;
	bool poll_error_logged;
	bool inbox_resumed;	/* rows of the previous process handled */

	/* server.c: policy */
	uv_timer_t policy_timer, policy_retry;
	bool policy_busy, policy_again;
	unsigned policy_attempt;
	/* A SYNC_POLICY command waiting for the fetch. */
	char policy_cmd[TRANSPORT_CMD_ID_MAX + 1];

	/* renew.c */
	uv_timer_t renew_timer;
	struct renew_job *renew;
	char renew_cmd[TRANSPORT_CMD_ID_MAX + 1];	/* RENEW_CERTIFICATE */
	int64_t renew_at;

	/* commands.c: a WIPE or RELINQUISH_OWNERSHIP is under way. */
	bool after_ack_busy;
};

/* server.c */
/* Sets sv->last_error (what status shows), printf-style, truncated. */
void server_seterr(struct server *sv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Records a successful exchange, in memory (status shows it; a clean
 * stop of a managed agent stores it). */
void server_contact(struct server *sv);
/* Records and logs a failed exchange: what failed, the transport's
 * reason. Security failures (UNTRUSTED) are always logged as warnings;
 * others once per streak, then at debug level. */
void server_failed(struct server *sv, const char *what,
    const struct transport_reply *r, bool first);
/* Fetches the policy now (coalesced with a fetch in progress). */
void server_policy_fetch(struct server *sv);
/* Opens the managed session's transport with the current credentials
 * and (re)starts delivery, commands and the policy fetch. */
int server_session_open(struct server *sv);
/* Closes the session and opens it again (new credentials). */
void server_reconnect(struct server *sv);
/* Ends the managed session for good (the device leaves management):
 * the transport is closed, the credentials in memory freed. */
void server_session_end(struct server *sv);
/* The sealed key file's path in the state directory. */
/* Destroys the key file at path (overwrite, unlink) on the HAL job queue;
 * `what` names the caller in the log line of a failure. */
void server_destroy_key_later(struct server *sv, const char *path,
    const char *what);
void server_key_path(const struct server *sv, const char *file, char *buf,
    size_t len);
/* The device key file's path as the store names it (the default name
 * when it names none), whether or not the file exists; -1 when it does
 * not fit. Usable without a server session (retire, wipe, attest). */
int server_stored_key_path(struct wardend *d, char *buf, size_t len);

/* enroll.c */
/* Runs the enrollment of the request stored for ENROLLING. */
void enroll_run(struct server *sv);
void enroll_stop(struct server *sv);

/* outbox_sender.c */
/*
 * Loads the next batch from the outbox, oldest first: up to max rows
 * (<= TRANSPORT_BATCH_MAX) of kind "report" or "event" with ids above
 * after_report whose payloads total at most max_bytes (at least one
 * row), or when there is none, the oldest "result" with an id above
 * after_result, alone. b->n == 0 when nothing is pending. Rows owned by
 * b until outbox_batch_clear().
 */
int outbox_batch_load(struct store *st, size_t max, size_t max_bytes,
    int64_t after_report, int64_t after_result, struct outbox_batch *b);
/* Deletes, in one transaction, the rows of b whose keys are in accepted
 * (and, when the notice is among them, records its totals as told);
 * *deleted receives how many, the notice included. */
int outbox_batch_ack(struct store *st, const struct outbox_batch *b,
    const char *const *accepted, size_t n, size_t *deleted);
/* Records a failed attempt on b's rows (attempts + 1, next_try_at). */
int outbox_batch_failed(struct store *st, const struct outbox_batch *b,
    int64_t next_try_at);
/*
 * Deletes one row the server refuses for good (or that cannot be
 * encoded), counts it (store_outbox_dropped) and records an event
 * "outbox-dropped" with why, in one transaction.
 */
int outbox_row_drop(struct store *st, const struct outbox_row *row,
    const char *why);
/*
 * Appends to b the notice of dropped rows when the server has not
 * acknowledged the totals yet (and b is not a command result and has
 * room): an event keyed "outbox-dropped-<reports>-<results>" with payload
 * {"type": "OUTBOX_DROPPED", "droppedReports", "droppedResults"}, the
 * totals since enrollment. 1 when appended, 0 when nothing is to be told,
 * -1 on error. outbox_batch_ack() records the totals as told when the
 * server accepts the notice's key.
 */
int outbox_notice_add(struct store *st, struct outbox_batch *b);
void outbox_batch_clear(struct outbox_batch *b);
/* What to do about n rows the server refused as a payload (HTTP 400,
 * 413, 422). See outbox_verdict(). */
enum outbox_verdict {
	OUTBOX_SHRINK,		/* send half as many rows */
	OUTBOX_DROP,		/* the row is malformed: drop it */
	OUTBOX_SKIP,		/* keep the row aside, try the rows after it */
	OUTBOX_BACK_OFF,	/* the server refuses everything: keep all */
};
/* Rows refused alone, with nothing accepted since, after which the
 * server, not the rows, is taken to be at fault. */
#define OUTBOX_SUSPECTS_MAX 3
/*
 * The rule, pure: a batch of n > 1 rows shrinks. A row refused alone is
 * dropped only when the server accepted other rows of its kind (reports
 * and events, or command results: accepted > 0) in this round since the
 * last drop; so at most one row is dropped per exchange the server
 * accepted. Otherwise the row is kept aside and the
 * rows after it are tried (SKIP), until OUTBOX_SUSPECTS_MAX rows have
 * been refused alone with nothing accepted (suspects counts those before
 * this one): then the server is at fault, and the sender backs off and
 * keeps every row.
 */
enum outbox_verdict outbox_verdict(size_t n, size_t accepted,
    unsigned suspects);
/* Starts sending (when idle and not backing off). */
void outbox_send(struct server *sv);
/* False only when the outbox was found empty and nothing was queued
 * since: known without reading the store. */
bool outbox_may_wait(const struct server *sv);
void outbox_sender_stop(struct server *sv);
/* Backing off: sends now with the backoff reset. True when it was. */
bool outbox_network_up(struct server *sv);

/* inbox.c */
/* Starts the command long poll and executes commands left over. */
void inbox_start(struct server *sv);
void inbox_stop(struct server *sv);
/* The long poll is backing off: polls now with the backoff reset. True
 * when it was. */
bool inbox_network_up(struct server *sv);
/* Finishes a command: its result goes to the outbox. */
void inbox_finish(struct server *sv, const char *id, const char *status,
    const char *error_code, const char *message);
/*
 * inbox_finish() with command-specific result fields (an object whose
 * members join "result"; ownership taken; NULL for none) and, when
 * after_ack is non-NULL, the action to take once the server holds the
 * result (kv COMMANDS_AFTER_ACK_KEY), in the same transaction. 0, or -1
 * (logged) when nothing was stored.
 */
int inbox_finish_with(struct server *sv, const char *id, const char *status,
    const char *error_code, const char *message, cJSON *result,
    const char *after_ack);

/* renew.c */
/* When a certificate valid from not_before to not_after (Unix seconds)
 * is renewed: SERVER_RENEW_BEFORE ahead of its expiry, or a third of its
 * lifetime ahead when that is shorter (so a short-lived certificate is
 * not renewed again at once). */
int64_t renew_time(int64_t not_before, int64_t not_after);
/* Schedules the renewal from the certificate's expiry. */
void renew_schedule(struct server *sv);
/* Renews now (RENEW_CERTIFICATE: cmd is the command to finish, or
 * NULL). */
void renew_now(struct server *sv, const char *cmd);
void renew_stop(struct server *sv);

#endif /* WARDEN_SERVER_H */
