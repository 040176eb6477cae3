/*
 * lwm2m_send.c - the Send operation (LwM2M TS 1.1 section 6.4.6,
 * POST /dp from the client): the Compliance object (/32004/0) pushed to
 * the server whenever what it shows changes, so that a server learns a
 * verdict without observing it (lwm2m_client.h).
 *
 * The instance is read after every posture scan and every write; when
 * its SenML CBOR differs from what the server last acknowledged, it is
 * sent (one Send in flight; a change meanwhile goes after it). Nothing is
 * sent while the server's Mute Send (/1/x/23) is true; what changed then
 * goes once it is false again. A queue-mode client that sleeps wakes
 * first (an Update), like a notification.
 *
 * A Send is non-confirmable: an LwM2M 1.0 server may ignore /dp
 * altogether (lwm2m-node-lib does), and a confirmable request it never
 * answers would hold every later request (Updates, the de-registration)
 * behind it for CoAP's whole retransmission time (NSTART 1). A Send not
 * answered within LWM2M_SEND_WAIT_MS is lost; the next change check sends
 * the state again. A server that refuses Send (an error code), or leaves
 * LWM2M_SEND_MISSES Sends in a row unanswered, is not asked again until
 * the next registration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_client.h"
#include "agent/core/core.h"

struct lwm2m_send {
	uv_timer_t timer;	/* the answer's deadline */
	struct lwm2m_objects *objs;
	struct lwm2m_send_hooks h;
	uint8_t *acked;		/* the payload the server acknowledged */
	size_t acked_len;
	uint8_t *inflight;	/* the payload sent, not answered yet */
	size_t inflight_len;
	bool busy;		/* a Send is in flight */
	bool again;		/* check again once it is answered */
	bool refused;		/* the server refused Send: not again */
	unsigned misses;	/* Sends unanswered in a row */
};

struct lwm2m_send *
lwm2m_send_new(uv_loop_t *loop, struct lwm2m_objects *objs,
    const struct lwm2m_send_hooks *h)
{
	struct lwm2m_send *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->objs = objs;
	s->h = *h;
	uv_timer_init(loop, &s->timer);
	s->timer.data = s;
	return s;
}

static void
on_closed(uv_handle_t *h)
{
	free(h->data);
}

void
lwm2m_send_free(struct lwm2m_send *s)
{
	if (s == NULL)
		return;
	free(s->acked);
	free(s->inflight);
	s->acked = s->inflight = NULL;
	uv_close((uv_handle_t *)&s->timer, on_closed);
}

void
lwm2m_send_registered(struct lwm2m_send *s)
{
	if (s == NULL)
		return;
	free(s->acked);
	s->acked = NULL;
	s->acked_len = 0;
	s->refused = false;
	s->misses = 0;
}

void
lwm2m_send_closed(struct lwm2m_send *s)
{
	if (s == NULL)
		return;
	free(s->inflight);
	s->inflight = NULL;
	s->inflight_len = 0;
	s->busy = s->again = false;
	uv_timer_stop(&s->timer);
}

static void
on_sent(void *arg, const struct lwm2m_coap_reply *r)
{
	struct lwm2m_send *s = arg;

	if (!s->busy)
		return;		/* answered after its deadline */
	uv_timer_stop(&s->timer);
	s->busy = false;
	s->misses = 0;
	if (r->code / 100 == 2) {
		free(s->acked);
		s->acked = s->inflight;
		s->acked_len = s->inflight_len;
		s->inflight = NULL;
	} else {
		free(s->inflight);
		s->inflight = NULL;
		if (r->code != 0) {
			s->refused = true;
			log_warnx("lwm2m: the server refused Send (%d.%02d): "
			    "the Compliance object goes by observation only "
			    "until the next registration", r->code / 100,
			    r->code % 100);
		} else {
			log_warnx("lwm2m: Send of the Compliance object: %s",
			    r->why);
		}
	}
	if (s->again) {
		s->again = false;
		lwm2m_send_check(s);
	}
}

static void
on_deadline(uv_timer_t *t)
{
	struct lwm2m_send *s = t->data;

	if (!s->busy)
		return;
	s->busy = s->again = false;
	free(s->inflight);
	s->inflight = NULL;
	if (++s->misses < LWM2M_SEND_MISSES)
		return;		/* sent again at the next change check */
	s->refused = true;
	log_warnx("lwm2m: %d Sends (POST /dp) in a row got no answer: the "
	    "server does not seem to take Send (LwM2M 1.0?); the Compliance "
	    "object goes by observation only until the next registration",
	    LWM2M_SEND_MISSES);
}

void
lwm2m_send_check(struct lwm2m_send *s)
{
	struct lwm2m_path p = { { LWM2M_OBJ_COMPLIANCE, 0, 0, 0 }, 2 };
	struct lwm2m_records rs;
	struct lwm2m_coap *coap;
	char err[LWM2M_ERR_MAX];
	uint8_t *out = NULL;
	size_t len = 0;

	if (s == NULL || s->refused || s->h.muted(s->h.arg) ||
	    (coap = s->h.coap(s->h.arg)) == NULL)
		return;
	if (s->busy) {
		s->again = true;
		return;
	}
	lwm2m_records_init(&rs);
	if (lwm2m_objects_read(s->objs, &p, &rs, err, sizeof(err)) != 205 ||
	    lwm2m_senml_cbor_encode(&p, &rs, &out, &len) != 0) {
		lwm2m_records_clear(&rs);
		return;
	}
	lwm2m_records_clear(&rs);
	if (s->acked != NULL && s->acked_len == len &&
	    memcmp(s->acked, out, len) == 0) {
		free(out);
		return;
	}
	if (!s->h.awake(s->h.arg)) {
		/* sent from lwm2m_send_check() again once awake */
		free(out);
		s->h.wake(s->h.arg);
		return;
	}
	if (lwm2m_coap_request_non(coap, LWM2M_POST, "dp", NULL,
	    LWM2M_CF_SENML_CBOR, out, len, on_sent, s) != 0) {
		free(out);
		return;
	}
	s->inflight = out;
	s->inflight_len = len;
	s->busy = true;
	uv_timer_start(&s->timer, on_deadline, LWM2M_SEND_WAIT_MS, 0);
}
