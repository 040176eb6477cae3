/*
 * lwm2m_client.h - the LwM2M client: registration with a management
 * server and client-initiated bootstrap (lwm2m_client.c), the Device
 * Management and Bootstrap interfaces a server drives on the same
 * session (lwm2m_dm.c), and observations with their attributes
 * (lwm2m_observe.c).
 *
 * The client owns one CoAP session at a time (lwm2m_coap.h) and knows
 * the device only through the object layer (lwm2m_objects.h). Everything
 * runs on the loop's thread; nothing blocks; timers are libuv's and run
 * only when something is due.
 */
#ifndef WARDEN_LWM2M_CLIENT_H
#define WARDEN_LWM2M_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "agent/transport/lwm2m/lwm2m_coap.h"
#include "agent/transport/lwm2m/lwm2m_objects.h"

#define LWM2M_ENDPOINT_MAX 64
/* How long a queue-mode client stays reachable after its last exchange
 * (CoAP's MAX_TRANSMIT_WAIT). */
#define LWM2M_AWAKE_MS 93000
/* The Update goes this long (or a tenth of the lifetime, if less)
 * before the registration would expire. */
#define LWM2M_UPDATE_MARGIN 30
/* A bootstrap server that does not finish in this long is asked again. */
#define LWM2M_BOOTSTRAP_TIMEOUT 120
/* De-registration at stop waits at most this long for the answer. */
#define LWM2M_DEREGISTER_MS 2000

/* ------------------------------------------------------------------ */
/* lwm2m_observe.c                                                     */
/* ------------------------------------------------------------------ */

struct lwm2m_observe;

/* What the observations need of the client. */
struct lwm2m_observe_hooks {
	/* The session to notify through; NULL when there is none. */
	struct lwm2m_coap *(*coap)(void *arg);
	/* false while a queue-mode client sleeps: the client then wakes
	 * (a registration Update) and calls lwm2m_observe_flush(). */
	bool (*awake)(void *arg);
	void (*wake)(void *arg);
	void *arg;
};

/* A new set of observations (none) over objs; NULL on no memory. */
struct lwm2m_observe *lwm2m_observe_new(uv_loop_t *loop,
    struct lwm2m_objects *objs, const struct lwm2m_observe_hooks *hooks);
/* Frees it (its timer closes on the loop). NULL-safe. */
void lwm2m_observe_free(struct lwm2m_observe *o);

/*
 * Write-Attributes: the Uri-Query options of a PUT with no payload on
 * path (pmin, pmax, gt, lt, st, epmin, epmax; a name alone removes the
 * attribute). Returns 204, or 400/404 with a reason in err; nothing
 * changes on error.
 */
int lwm2m_observe_attrs(struct lwm2m_observe *o, const struct lwm2m_path *p,
    const char query[][LWM2M_QUERY_LEN + 1], size_t nquery, char *err,
    size_t errlen);
/* Adds the attributes set on p to a Discover link. */
void lwm2m_observe_link(void *arg, const struct lwm2m_path *p,
    struct lwm2m_link *l);

/*
 * An observation answered now: token (len bytes) observes path, and
 * values are what was just sent. Called for the first answer (it is
 * then created) and for every notification. Returns 0 or -1 (no memory;
 * the observation is not kept).
 */
int lwm2m_observe_sent(struct lwm2m_observe *o, const struct lwm2m_path *p,
    const uint8_t *token, size_t len, const struct lwm2m_records *values);
/* Cancels the observation of token (Observe 1, or a Reset). */
void lwm2m_observe_cancel(struct lwm2m_observe *o, const uint8_t *token,
    size_t len);
/* Drops every observation (a new registration). */
void lwm2m_observe_reset(struct lwm2m_observe *o);
/* true when token is an observation already. */
bool lwm2m_observe_known(struct lwm2m_observe *o, const uint8_t *token,
    size_t len);
/* Values may have changed: notifies what changed (as its attributes
 * allow), now or when pmin allows; also keeps pmax. */
void lwm2m_observe_check(struct lwm2m_observe *o);
/* The client is awake again: sends what waited. */
void lwm2m_observe_flush(struct lwm2m_observe *o);
/* How many observations there are (status, tests). */
size_t lwm2m_observe_count(const struct lwm2m_observe *o);

/* ------------------------------------------------------------------ */
/* lwm2m_send.c                                                        */
/* ------------------------------------------------------------------ */

struct lwm2m_send;

/* What Send needs of the client (the same as the observations', and
 * the server's Mute Send). */
struct lwm2m_send_hooks {
	/* The registered session; NULL when there is none. */
	struct lwm2m_coap *(*coap)(void *arg);
	bool (*awake)(void *arg);
	/* Wakes a sleeping queue-mode client; it calls lwm2m_send_check()
	 * once awake. */
	void (*wake)(void *arg);
	/* The server's Mute Send (/1/x/23). */
	bool (*muted)(void *arg);
	void *arg;
};

/* How long a (non-confirmable) Send waits for its answer, and how many
 * unanswered ones in a row end Send until the next registration. */
#define LWM2M_SEND_WAIT_MS 10000
#define LWM2M_SEND_MISSES 3

/* Send of the Compliance object over objs; NULL on no memory. */
struct lwm2m_send *lwm2m_send_new(uv_loop_t *loop, struct lwm2m_objects *objs,
    const struct lwm2m_send_hooks *h);
/* Frees it (its timer closes on the loop); NULL-safe. The session must
 * be closed first (lwm2m_send_closed()). */
void lwm2m_send_free(struct lwm2m_send *s);
/* Values may have changed: sends /32004/0 in SenML CBOR (POST /dp) when
 * it differs from what the server last acknowledged, unless muted.
 * This, lwm2m_send_registered() and lwm2m_send_closed() take NULL. */
void lwm2m_send_check(struct lwm2m_send *s);
/* A new registration: the server has seen nothing yet. */
void lwm2m_send_registered(struct lwm2m_send *s);
/* The session was freed: a Send in flight will get no answer. */
void lwm2m_send_closed(struct lwm2m_send *s);

/* ------------------------------------------------------------------ */
/* lwm2m_dm.c                                                          */
/* ------------------------------------------------------------------ */

/* The server side of one session, as the requests see it. */
struct lwm2m_dm {
	struct lwm2m_objects *objs;
	struct lwm2m_observe *obs;
	bool bootstrap;			/* the peer is the bootstrap server */
	/* Bootstrap-Finish arrived; returns 204, or 406 when the
	 * configuration cannot be used (the reason in err). */
	int (*finish)(void *arg, char *err, size_t errlen);
	/* A request changed values, instances or attributes. */
	void (*changed)(void *arg, bool instances);
	void *arg;
};

/* Answers one request from the server (lwm2m_coap_events.serve). */
void lwm2m_dm_serve(struct lwm2m_dm *dm, const struct lwm2m_msg *m,
    struct lwm2m_answer *a);

/* ------------------------------------------------------------------ */
/* lwm2m_client.c                                                      */
/* ------------------------------------------------------------------ */

struct lwm2m_client;

struct lwm2m_client_params {
	uv_loop_t *loop;
	struct lwm2m_objects *objs;	/* borrowed: Security and Server
					 * say which servers to use */
	const char *endpoint;		/* copied; at most ENDPOINT_MAX */
	bool allow_nosec;		/* coap:// servers accepted */
	/* NULL: names are resolved on the loop's thread pool */
	const struct lwm2m_resolver *resolver;
	unsigned connect_ms;		/* 0: LWM2M_CONNECT_MS */
	/* The delay before retry number *attempt (which it increments). */
	uint64_t (*backoff)(void *arg, unsigned *attempt);
	/* Registered (or registered again) with server; location is the
	 * registration's ("rd/5a3f"). */
	void (*registered)(void *arg, const char *uri, const char *location);
	/* A step failed or recovered: why ("" when all is well). */
	void (*status)(void *arg, const char *why);
	/* Any exchange with the server succeeded. */
	void (*contact)(void *arg);
	/* lwm2m_client_stop() is done (de-registered, or given up). */
	void (*stopped)(void *arg);
	void *arg;
};

/* Sets the client up (nothing is sent yet). Returns 0 and *out, or -1
 * with a reason. */
int lwm2m_client_new(const struct lwm2m_client_params *p,
    struct lwm2m_client **out, char *err, size_t errlen);
/* Bootstraps when Security has only a bootstrap server, then registers
 * with the first server; retries with backoff. */
void lwm2m_client_start(struct lwm2m_client *c);
/* Values may have changed (a posture scan): observations are checked. */
void lwm2m_client_changed(struct lwm2m_client *c);
/* The device's addresses changed: a new session and an Update. */
void lwm2m_client_address_changed(struct lwm2m_client *c);
/* De-registers (at most LWM2M_DEREGISTER_MS), closes the session and
 * its timers, then calls stopped. */
void lwm2m_client_stop(struct lwm2m_client *c);
/* Frees the client after stopped (or at once when never started). */
void lwm2m_client_free(struct lwm2m_client *c);
/* What status shows: the server URI, the registration ("" when not
 * registered) and the number of observations. */
const char *lwm2m_client_server(const struct lwm2m_client *c);
const char *lwm2m_client_location(const struct lwm2m_client *c);
size_t lwm2m_client_observations(const struct lwm2m_client *c);

#endif /* WARDEN_LWM2M_CLIENT_H */
