/*
 * retire.h - the device leaves management: retire (unenroll) from
 * `wardenctl retire`, the server's RETIRE command or a relinquished
 * ownership, and what the agent forgets after a wipe.
 *
 * A retire runs in steps, each recorded in the store (kv "retire") so a
 * crash resumes it where it stopped:
 *   tell     the server is told (DELETE /v1/devices/{id}; an LwM2M
 *            session deregisters). Until it has answered, nothing on the
 *            device has changed. A local retire whose server cannot be
 *            reached is refused unless forced; one the server asked for
 *            is tried again with backoff until the server answers.
 *   revert   RETIRED: every policy is put out of force and each setting
 *            warden applied is restored to how warden found it (recorded
 *            at apply time, enforce.h), lost mode and enforcement blocks
 *            are lifted.
 *   forget   the device key and certificates are destroyed, the
 *            enrollment, inbox and outbox forgotten, RETIRED ->
 *            UNPROVISIONED in one transaction.
 */
#ifndef WARDEN_RETIRE_H
#define WARDEN_RETIRE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

struct ctl_conn;
struct wardend;

/* The kv key of a retire under way. */
#define RETIRE_KEY "retire"

/* Who asked for the retire: it decides what an unreachable server does. */
enum retire_origin {
	RETIRE_LOCAL,		/* wardenctl retire: refused unless forced */
	RETIRE_LOCAL_FORCED,	/* wardenctl retire --force: goes on */
	RETIRE_SERVER,		/* the server asked: tried again until told */
};

/* retire.c */
/*
 * Starts a retire; conn (NULL-able) gets the final reply. Returns 0 when
 * started (or already under way, for RETIRE_SERVER); -1 with the reason
 * in err when the device cannot retire now (nothing changed).
 */
int retire_start(struct wardend *d, struct ctl_conn *conn,
    enum retire_origin origin, const char *why, char *err, size_t errlen);
/* At start, after the server session: resumes a retire under way. */
void retire_resume(struct wardend *d);
/* A retire is under way (provisioning and policy changes wait). */
bool retire_running(struct wardend *d);
void retire_stop(struct wardend *d);
/* The control request "retire": {"force": bool}. */
void ctl_retire(struct ctl_conn *c, const cJSON *req);

/*
 * Forgets the enrollment: ends the server session, destroys the device
 * key file and the stored credentials, the server's policy, the applied
 * settings' records, the pending inbox and outbox, lost mode, and moves
 * to RETIRED (when not there yet) and UNPROVISIONED in one transaction
 * (why goes to the state history). After a WIPE it is all that is left
 * to do; a retire ends with it. Runs on the loop; the key file is removed
 * there (a small file: no long block).
 */
void retire_forget(struct wardend *d, const char *why);

#endif /* WARDEN_RETIRE_H */
