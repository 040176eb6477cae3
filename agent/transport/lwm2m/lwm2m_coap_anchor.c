/*
 * lwm2m_coap_anchor.c - observation anchors: one libcoap resource per
 * observed path, which libcoap keeps the server's observers on and
 * notifies them through (lwm2m_coap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_coap_int.h"

/* ------------------------------------------------------------------ */

static struct anchor **
anchor_find(struct lwm2m_coap *c, const struct lwm2m_path *p)
{
	struct anchor **a;

	for (a = &c->anchors; *a != NULL; a = &(*a)->next)
		if (lwm2m_path_equal(&(*a)->path, p))
			return a;
	return a;
}

bool
lwm2m_coap_anchored(const struct lwm2m_coap *c, const struct lwm2m_path *p)
{
	const struct anchor *a;

	for (a = c->anchors; a != NULL; a = a->next)
		if (lwm2m_path_equal(&a->path, p))
			return true;
	return false;
}

int
lwm2m_coap_anchor(struct lwm2m_coap *c, const struct lwm2m_path *p)
{
	struct anchor **slot = anchor_find(c, p), *a;
	char text[32];
	coap_str_const_t *name;

	if (*slot != NULL)
		return 0;
	if (p->len == 0 || c->dead)
		return -1;
	/* libcoap matches the Uri-Path options joined by '/' without a
	 * leading slash. */
	lwm2m_path_str(p, text, sizeof(text));
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (name = coap_new_str_const((const uint8_t *)text + 1,
	    strlen(text) - 1)) == NULL) {
		free(a);
		return -1;
	}
	a->r = coap_resource_init(name, COAP_RESOURCE_FLAGS_RELEASE_URI |
	    COAP_RESOURCE_FLAGS_NOTIFY_NON_ALWAYS);
	if (a->r == NULL) {
		coap_delete_str_const(name);
		free(a);
		return -1;
	}
	a->path = *p;
	lwm2m_coap_register_handlers(a->r);
	coap_resource_set_get_observable(a->r, 1);
	coap_add_resource(c->ctx, a->r);
	*slot = a;
	return 0;
}

void
lwm2m_coap_unanchor(struct lwm2m_coap *c, const struct lwm2m_path *p)
{
	struct anchor **slot = anchor_find(c, p), *a = *slot;

	if (a == NULL)
		return;
	*slot = a->next;
	c->in_io++;
	coap_delete_resource(c->ctx, a->r);
	c->in_io--;
	free(a);
}

int
lwm2m_coap_notify(struct lwm2m_coap *c, const struct lwm2m_path *p)
{
	struct anchor *a = *anchor_find(c, p);

	if (a == NULL || c->dead)
		return 0;
	return coap_resource_notify_observers(a->r, NULL) ? 1 : 0;
}

void
lwm2m_coap_forget_observers(struct lwm2m_coap *c)
{
	struct anchor *a, *list = c->anchors;

	/* libcoap has no call to drop observers; a resource deleted and
	 * made again has none. */
	c->anchors = NULL;
	while ((a = list) != NULL) {
		list = a->next;
		c->in_io++;
		coap_delete_resource(c->ctx, a->r);
		c->in_io--;
		if (!c->dead)
			lwm2m_coap_anchor(c, &a->path);
		free(a);
	}
}
