/*
 * session.h - the interface of the server-session room
 * (agent/session/): enrollment, the HTTPS session (long poll, outbox,
 * inbox, renewal), the LwM2M session's parent side, the command engine,
 * retire, the device key (keystore) and the network watch.
 */
#ifndef WARDEN_SESSION_H
#define WARDEN_SESSION_H

#include "agent/core/core.h"
#include "agent/session/commands.h"
#include "agent/session/lwm2m_session.h"
#include "agent/session/retire.h"
#include "agent/session/server.h"

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

/* server.c, enroll.c: the MDM server's side (agent/session/server.h) */
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

#endif /* WARDEN_SESSION_H */
