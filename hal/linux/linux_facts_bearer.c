/*
 * linux_facts_bearer.c - network.bearer, network.bearers and
 * network.signal_dbm: which kind of link the device reaches the network
 * over, which kinds it has, and the radio signal of the one in use (for
 * LwM2M's Connectivity Monitoring, docs/hal-linux.md).
 *
 * The interface of the IPv4 default route (/proc/net/route) is the
 * bearer in use; every interface backed by a device (a "device" link in
 * /sys/class/net/IF: virtual ones such as bridges, veth or tun have
 * none) is an available bearer. An interface is "wlan" when it has
 * "wireless" or "phy80211" or its uevent says DEVTYPE=wlan, "cellular"
 * for DEVTYPE=wwan (the radio technology is not in sysfs), "bluetooth"
 * for DEVTYPE=bluetooth, "ieee802.15.4" for ARPHRD_IEEE802154 (type
 * 804), else "ethernet" for ARPHRD_ETHER (type 1); any other is left
 * out. The signal of a wlan bearer is its level in /proc/net/wireless
 * (dBm); other bearers report none. Everything is read under the root
 * prefix, so the tests give fixture trees.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/linux/linux.h"

#define NET_IFS_MAX 64
#define IFNAME_MAX 16

/* The kind of interface name, or NULL when it is none of ours. */
static const char *
kind_of(struct linux_ctx *c, const char *name)
{
	char path[LINUX_PATH_MAX], buf[512], *p;
	struct stat st;
	long long type;

	if (linux_pathf(path, sizeof(path), "/sys/class/net/%s/device",
	    name) < 0 || linux_stat(c, path, &st) != 0)
		return NULL;
	if ((linux_pathf(path, sizeof(path), "/sys/class/net/%s/wireless",
	    name) == 0 && linux_stat(c, path, &st) == 0) ||
	    (linux_pathf(path, sizeof(path), "/sys/class/net/%s/phy80211",
	    name) == 0 && linux_stat(c, path, &st) == 0))
		return "wlan";
	if (linux_pathf(path, sizeof(path), "/sys/class/net/%s/uevent",
	    name) == 0 && linux_read_file(c, path, buf, sizeof(buf),
	    NULL) == 0 && (p = strstr(buf, "DEVTYPE=")) != NULL &&
	    (p == buf || p[-1] == '\n')) {
		p += strlen("DEVTYPE=");
		if (strncmp(p, "wlan\n", 5) == 0 || strcmp(p, "wlan") == 0)
			return "wlan";
		if (strncmp(p, "wwan\n", 5) == 0 || strcmp(p, "wwan") == 0)
			return "cellular";
		if (strncmp(p, "bluetooth\n", 10) == 0 ||
		    strcmp(p, "bluetooth") == 0)
			return "bluetooth";
	}
	if (linux_pathf(path, sizeof(path), "/sys/class/net/%s/type",
	    name) < 0 || linux_read_int(c, path, &type) < 0)
		return NULL;
	return type == 804 ? "ieee802.15.4" : type == 1 ? "ethernet" : NULL;
}

/* The interface of the IPv4 default route: 0, -ENOENT when none. */
static int
default_route(struct linux_ctx *c, char *ifname, size_t len)
{
	struct linux_lines l;
	int rc, found = -ENOENT;

	if ((rc = linux_lines_open(c, "/proc/net/route", &l)) < 0)
		return rc;
	while (found != 0 && linux_lines_next(&l) == 1) {
		char name[IFNAME_MAX + 1], dest[9];
		unsigned flags;

		if (l.partial || l.cont)
			continue;
		/* Iface Destination Gateway Flags ...; RTF_UP is 0x1 */
		if (sscanf(l.buf, "%16s %8s %*8s %x", name, dest, &flags) == 3 &&
		    strcmp(dest, "00000000") == 0 && (flags & 1u) != 0) {
			snprintf(ifname, len, "%s", name);
			found = 0;
		}
	}
	linux_lines_close(&l);
	return found;
}

/* The level of ifname in /proc/net/wireless, in dBm. */
static int
wireless_level(struct linux_ctx *c, const char *ifname, long long *dbm)
{
	struct linux_lines l;
	int rc, found = -ENOENT;

	if ((rc = linux_lines_open(c, "/proc/net/wireless", &l)) < 0)
		return rc;
	while (found != 0 && linux_lines_next(&l) == 1) {
		char name[IFNAME_MAX + 2];
		float link, level;
		unsigned status;

		if (l.partial || l.cont)
			continue;
		/* " wlan0: 0000   54.  -56.  -256 ..." */
		if (sscanf(l.buf, " %17s %x %f %f", name, &status, &link,
		    &level) != 4)
			continue;
		name[strcspn(name, ":")] = '\0';
		if (strcmp(name, ifname) != 0)
			continue;
		if (level < -200.0f || level > 0.0f)
			found = -EINVAL;
		else {
			*dbm = (long long)level;
			found = 0;
		}
	}
	linux_lines_close(&l);
	return found;
}

int
linux_facts_bearer(struct linux_ctx *c, struct hal_facts *fs)
{
	char list[HAL_FACT_STR_MAX] = "", ifname[IFNAME_MAX + 1], **names;
	const char *k, *kinds[NET_IFS_MAX];
	size_t i, j, n, nk = 0, o = 0;
	long long dbm;
	int rc = 0;

	if (linux_list_dir(c, "/sys/class/net", NET_IFS_MAX, &names, &n) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if ((k = kind_of(c, names[i])) == NULL)
			continue;
		for (j = 0; j < nk && strcmp(kinds[j], k) != 0; j++)
			;
		if (j < nk)
			continue;
		/* at most five kinds of a few bytes: list cannot fill */
		kinds[nk++] = k;
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
		    o > 0 ? "," : "", k);
	}
	linux_names_free(names, n);
	if (nk > 0 && (rc = hal_fact_str(fs, HAL_FACT_STRING,
	    "network.bearers", list)) < 0)
		return rc;
	if (default_route(c, ifname, sizeof(ifname)) != 0 ||
	    (k = kind_of(c, ifname)) == NULL)
		return 0;
	if ((rc = hal_fact_str(fs, HAL_FACT_STRING, "network.bearer", k)) < 0)
		return rc;
	if (strcmp(k, "wlan") != 0)
		return 0;
	switch (wireless_level(c, ifname, &dbm)) {
	case 0:
		return hal_fact_int(fs, "network.signal_dbm", dbm);
	case -EINVAL:
		linux_note(c, "/proc/net/wireless", "malformed");
		return 0;
	default:
		return 0;
	}
}
