/*
 * lwm2m_session.h - the daemon's side of the LwM2M binding
 * (lwm2m_session.c): started by server_start() when the stored
 * provisioning request has binding lwm2m, in ENROLLING (the first
 * registration makes the device MANAGED) or MANAGED. It gives the object
 * layer the device (facts, identity, compliance, the policy engine, the
 * HAL job queue) and keeps Security and Server in the store.
 *
 * Built with CONFIG_TRANSPORT_LWM2M; without it these are no-ops and a
 * device provisioned for LwM2M reports the binding UNSUPPORTED.
 */
#ifndef WARDEN_LWM2M_SESSION_H
#define WARDEN_LWM2M_SESSION_H

#include <stdbool.h>

struct wardend;
struct cJSON;

#ifdef CONFIG_TRANSPORT_LWM2M
struct crypto_rng;
struct hal_app;
struct lwm2m_objects;
struct prov_request;
struct store;

/* lwm2m_session_store.c */
/* true when the stored provisioning request has binding lwm2m. */
bool lwm2m_session_wanted(struct wardend *d);
/* The stored provisioning request (free with prov_request_clear() and
 * free()), or NULL with err saying why. */
struct prov_request *lwm2m_stored_request(struct wardend *d, char *err,
    size_t errlen);
/* The server's policy in force (malloc'd), or NULL. */
char *lwm2m_stored_server_policy(struct wardend *d);
/* Sets Security and Server in objs from the store (0), else from req
 * (1: the caller stores them); -1 with err when neither can be had. */
int lwm2m_stored_objects(struct store *st, struct lwm2m_objects *objs,
    const struct prov_request *req, char *err, size_t errlen);

/* The endpoint name: urn:dev:warden: and the serial, or a random one
 * kept in the store (a personal device, or a serial that cannot be
 * one); into out (len bytes). */
void lwm2m_endpoint_name(struct store *st, struct crypto_rng *rng,
    const char *serial, bool personal, char *out, size_t len);

/* lwm2m_session_apps.c */
/* What object 9 shows of a HAL list (list_rc: hal_apps_list()'s result):
 * the installed and blocked applications and those the policy manages,
 * the first max by name into out; returns how many. */
size_t lwm2m_apps_shown(struct wardend *d, const struct hal_app *list,
    size_t n, int list_rc, struct hal_app *out, size_t max);

/* lwm2m_session.c */
/* Starts the client (ENROLLING or MANAGED only); the identity is read
 * on the HAL job queue first. Idempotent. Problems go to the log and to
 * `wardenctl status` (serverError). */
void lwm2m_session_start(struct wardend *d);
/* After a posture scan and its evaluation: the compliance object and
 * the observations are brought up to date (notified within pmin). */
void lwm2m_session_changed(struct wardend *d);
/* De-registers (at most 2 s) and closes the client's handles. */
void lwm2m_session_stop(struct wardend *d);
/* Frees the session after the loop has ended. */
void lwm2m_session_free(struct wardend *d);
/* Overrides what `wardenctl status` shows of the server (server,
 * deviceId, lastContactAt, serverError) and adds lwm2mRegistration and
 * lwm2mObservations, when the session runs. */
void lwm2m_session_status(struct wardend *d, struct cJSON *r);
#else
static inline bool
lwm2m_session_wanted(struct wardend *d)
{
	(void)d;
	return false;
}

static inline void
lwm2m_session_start(struct wardend *d)
{
	(void)d;
}

static inline void
lwm2m_session_changed(struct wardend *d)
{
	(void)d;
}

static inline void
lwm2m_session_stop(struct wardend *d)
{
	(void)d;
}

static inline void
lwm2m_session_free(struct wardend *d)
{
	(void)d;
}

static inline void
lwm2m_session_status(struct wardend *d, struct cJSON *r)
{
	(void)d;
	(void)r;
}
#endif

#endif /* WARDEN_LWM2M_SESSION_H */
