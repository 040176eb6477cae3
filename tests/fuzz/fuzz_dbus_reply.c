/*
 * fuzz_dbus_reply.c - the D-Bus message parser of the Linux HAL's bus
 * client (hal/linux/linux_dbus.c), which reads what the system bus
 * socket answers. An input is a stream of messages as read from the
 * socket (seeds: a Hello answer, a NameAcquired signal, a LockedHint
 * answer, an error).
 *
 * Invariants: a message taken is never longer than the input nor than
 * LINUX_DBUS_MSG_MAX; the answer is found in the same place whatever
 * the split of the stream into reads (the whole stream, then each
 * prefix); a boolean is only given with 0.
 *
 * requires: CONFIG_HAL_LINUX
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hal/linux/linux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walks the stream the way the client does; returns the final code. */
static int
walk(const uint8_t *data, size_t size, size_t *at, bool *value)
{
	size_t used;
	int rc;

	*at = 0;
	for (;;) {
		rc = linux_dbus_reply(data + *at, size - *at, 2, &used, value);
		if (rc != 1)
			return rc;
		if (used == 0 || used > size - *at || used > LINUX_DBUS_MSG_MAX)
			abort();
		*at += used;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t at, at2, cut;
	bool v = false, v2 = false;
	int rc, rc2;

	rc = walk(data, size, &at, &v);
	if (rc == 0 && v != true && v != false)
		abort();
	/* A shorter read of the same stream: either not whole yet, or the
	 * same answer at the same place. */
	cut = size / 2;
	rc2 = walk(data, cut, &at2, &v2);
	if (rc2 != -EAGAIN && (rc2 != rc || at2 != at || (rc == 0 && v2 != v)))
		abort();
	return 0;
}
