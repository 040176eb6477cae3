/*
 * fuzz_dpkg_status.c - dpkg's status file parser of the Linux HAL's
 * applications (hal/linux/linux_dpkg_status.c).
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
	struct hal_app *list;
	size_t n, i;
	char *buf;

	if (size > (1u << 20))
		return 0;
	/* An exact-size copy: a read past the end is caught. */
	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	if (linux_dpkg_status_parse(buf, size, &list, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (list[i].package[0] == '\0' || !list[i].installed ||
			    strlen(list[i].package) >= HAL_APP_PACKAGE_MAX ||
			    strlen(list[i].version) >= HAL_APP_VERSION_MAX)
				abort();
			if (i > 0 && strcmp(list[i - 1].package,
			    list[i].package) >= 0)
				abort();
			(void)hal_app_version_code(list[i].version);
			if (hal_app_find(list, n, list[i].package) != &list[i])
				abort();
		}
		free(list);
	}
	free(buf);
	return 0;
}
