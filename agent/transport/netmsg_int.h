/*
 * netmsg_int.h - the field reader netmsg.c's decoder shares with the
 * decoders of other message groups (netmsg_lwm2m.c). Not for users of
 * the messages: they have netmsg_parse().
 */
#ifndef WARDEN_NETMSG_INT_H
#define WARDEN_NETMSG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/transport/netmsg.h"

/* The payload being read; the first failure sets bad and why. */
struct netmsg_rd {
	const uint8_t *p;
	size_t left;
	char *why;
	size_t whylen;
	bool bad;
};

/* Records the first failure (later ones are ignored). */
void netmsg_fail(struct netmsg_rd *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* An int in lo..hi (lo when bad). */
int64_t netmsg_get_int(struct netmsg_rd *r, const char *what, int64_t lo,
    int64_t hi);
/* A string of at most max bytes, NUL-terminated, printable ASCII (text:
 * also CR, LF, TAB and UTF-8); NULL when absent (an error unless
 * optional) or bad. */
const char *netmsg_get_str(struct netmsg_rd *r, const char *what,
    size_t max, bool optional, bool text);
/* A safe id (rest_json_safe_id()). */
const char *netmsg_get_id(struct netmsg_rd *r, const char *what, size_t max,
    bool optional);
/* A JSON object (array: a JSON array) text, parsed and dropped. */
const char *netmsg_get_json(struct netmsg_rd *r, const char *what,
    size_t max, bool optional, bool array);

/* netmsg_lwm2m.c: the fields of the LWM2M_* types. */
void netmsg_parse_lwm2m(struct netmsg_rd *r, struct netmsg *m);

#endif /* WARDEN_NETMSG_INT_H */
