/*
 * fuzz_uevent.c - the kernel uevent parser of the Linux HAL's hot-plug
 * watch (hal/linux/linux_uevent.c). Seeds use the kernel's format: NUL
 * separated strings.
 *
 * requires: CONFIG_HAL_LINUX
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hal/linux/linux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linux_uevent ev;
	char *buf;
	size_t i;

	if (size > LINUX_UEVENT_MAX + 1)
		return 0;
	/* An exact-size copy: a read past the datagram is caught. */
	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	if (linux_uevent_parse(buf, size, &ev) == 0) {
		/* Everything the parser hands out must be a string inside
		 * the buffer. */
		for (i = 0; i < ev.nkeys; i++)
			if (strlen(ev.key[i]) == 0)
				abort();
		(void)linux_uevent_is_camera(&ev);
	}
	free(buf);
	return 0;
}
