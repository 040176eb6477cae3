/*
 * fuzz_linux_text.c - the text parsers the Linux HAL runs over files of
 * the device: os-release, "name = value" and "NAME value" configuration
 * (read and rewrite), the kernel command line, /proc/self/mounts and
 * mountinfo lines,
 * nftables rulesets (text and nft's JSON), wpa_supplicant.conf merging and
 * pam_faillock tally records. The first byte picks the parser.
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
	char *text, out[256], *s, *a, *b, *d;
	bool rw, drops;

	if (size < 1 || size > 64 * 1024)
		return 0;
	if ((text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 9) {
	case 0:
		linux_os_release_get(text, "ID", out, sizeof(out));
		break;
	case 1:
		linux_conf_get(text, LINUX_CONF_EQ, "minlen", out, sizeof(out));
		free(linux_conf_set(text, LINUX_CONF_EQ, "minlen", "12"));
		free(linux_conf_set(text, LINUX_CONF_EQ, "minlen", NULL));
		break;
	case 2:
		linux_conf_get(text, LINUX_CONF_WS, "PASS_MAX_DAYS", out,
		    sizeof(out));
		free(linux_conf_set(text, LINUX_CONF_WS, "PASS_MAX_DAYS", "30"));
		break;
	case 3:
		linux_cmdline_get(text, "roothash", out, sizeof(out));
		linux_cmdline_get(text, "androidboot.verifiedbootstate", out,
		    sizeof(out));
		break;
	case 4:
		/* the same bytes as a line of mounts and of mountinfo
		 * (each parser cuts its copy) */
		d = strdup(text);
		linux_mount_parse(text, &s, &a, &b, &rw);
		if (d != NULL)
			linux_mountinfo_parse(d, &a, &rw);
		free(d);
		break;
	case 5:
		(void)linux_nft_text_drops_input(text);
		break;
	case 6:
		linux_nft_json_drops_input(text, &drops);
		break;
	case 7:
		d = linux_wifi_wpa_merge(text, "Depot",
		    "network={\n\tssid=4465706f74\n}\n");
		free(d);
		break;
	default:
		linux_faillock_count(data + 1, size - 1, 900);
		break;
	}
	free(text);
	return 0;
}
