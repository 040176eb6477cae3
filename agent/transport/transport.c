/*
 * transport.c - the registry of protocol bindings compiled into this
 * build, and the names of transport outcomes.
 */
#include <stddef.h>
#include <string.h>

#include "agent/transport/transport.h"

static const struct transport_ops *const bindings[] = {
	&transport_rest,
};

const struct transport_ops *
transport_find(const char *binding)
{
	size_t i;

	for (i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++)
		if (strcmp(bindings[i]->name, binding) == 0)
			return bindings[i];
	return NULL;
}

const char *
transport_status_name(enum transport_status s)
{
	switch (s) {
	case TRANSPORT_OK:
		return "OK";
	case TRANSPORT_UNCHANGED:
		return "UNCHANGED";
	case TRANSPORT_UNREACHABLE:
		return "UNREACHABLE";
	case TRANSPORT_UNTRUSTED:
		return "UNTRUSTED";
	case TRANSPORT_REFUSED:
		return "REFUSED";
	case TRANSPORT_BAD_REPLY:
		return "BAD_REPLY";
	}
	return "INVALID";
}
