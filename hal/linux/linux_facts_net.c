/*
 * linux_facts_net.c - network.connected and network.addresses.
 *
 * On the real root the interfaces come from getifaddrs(3). Under a root
 * prefix there is no network namespace to ask, so they come from the
 * fixture file /.fixture/ifaddrs, one interface address a line:
 * "NAME FLAGS ADDRESS" with FLAGS a comma list of "up", "running",
 * "loopback" (or "-" for none). An address counts when its interface is
 * up and running, not loopback, and it is not IPv6 link-local.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "hal/linux/linux.h"

struct addrs {
	char list[HAL_FACT_STR_MAX];
	bool connected;
};

static void
add_addr(struct addrs *a, unsigned flags, int family, const void *bin)
{
	char text[INET6_ADDRSTRLEN];
	size_t n = strlen(a->list);

	if ((flags & IFF_UP) == 0 || (flags & IFF_RUNNING) == 0 ||
	    (flags & IFF_LOOPBACK) != 0)
		return;
	if (family == AF_INET6 &&
	    IN6_IS_ADDR_LINKLOCAL((const struct in6_addr *)bin))
		return;
	if (inet_ntop(family, bin, text, sizeof(text)) == NULL)
		return;
	a->connected = true;
	if (n + strlen(text) + 2 < sizeof(a->list))
		snprintf(a->list + n, sizeof(a->list) - n, "%s%s",
		    n > 0 ? "," : "", text);
}

static int
read_getifaddrs(struct addrs *a)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) != 0)
		return -errno;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			add_addr(a, i->ifa_flags, AF_INET,
			    &((const struct sockaddr_in *)(const void *)
			    i->ifa_addr)->sin_addr);
		else if (i->ifa_addr->sa_family == AF_INET6)
			add_addr(a, i->ifa_flags, AF_INET6,
			    &((const struct sockaddr_in6 *)(const void *)
			    i->ifa_addr)->sin6_addr);
	}
	freeifaddrs(ifa);
	return 0;
}

static int
parse_flags(char *s, unsigned *flags)
{
	char *save = NULL, *f;

	*flags = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	for (f = strtok_r(s, ",", &save); f != NULL;
	    f = strtok_r(NULL, ",", &save)) {
		if (strcmp(f, "up") == 0)
			*flags |= IFF_UP;
		else if (strcmp(f, "running") == 0)
			*flags |= IFF_RUNNING;
		else if (strcmp(f, "loopback") == 0)
			*flags |= IFF_LOOPBACK;
		else
			return -EINVAL;
	}
	return 0;
}

static int
read_fixture(struct linux_ctx *c, struct addrs *a)
{
	struct linux_lines l;
	int rc;

	if ((rc = linux_lines_open(c, "/.fixture/ifaddrs", &l)) < 0)
		return rc;
	while (rc == 0 && linux_lines_next(&l) == 1) {
		char *tok[3], *save = NULL, *s = l.buf;
		unsigned char bin[sizeof(struct in6_addr)];
		unsigned flags;
		int n;

		if (l.partial || l.cont) {
			rc = -EINVAL;
			break;
		}
		if (*linux_trim(l.buf) == '\0' || *linux_trim(l.buf) == '#')
			continue;
		for (n = 0; n < 3; n++, s = NULL)
			if ((tok[n] = strtok_r(s, " \t", &save)) == NULL)
				break;
		if (n != 3 || strtok_r(NULL, " \t", &save) != NULL ||
		    parse_flags(tok[1], &flags) < 0) {
			rc = -EINVAL;
			break;
		}
		if (inet_pton(AF_INET, tok[2], bin) == 1)
			add_addr(a, flags, AF_INET, bin);
		else if (inet_pton(AF_INET6, tok[2], bin) == 1)
			add_addr(a, flags, AF_INET6, bin);
		else
			rc = -EINVAL;
	}
	linux_lines_close(&l);
	return rc;
}

int
linux_facts_net(struct linux_ctx *c, struct hal_facts *fs)
{
	struct addrs a;
	int rc;

	memset(&a, 0, sizeof(a));
	rc = c->prefixed ? read_fixture(c, &a) : read_getifaddrs(&a);
	if (rc < 0) {
		if (rc != -ENOENT)
			linux_note(c, c->prefixed ? "/.fixture/ifaddrs" :
			    "getifaddrs", rc == -EINVAL ? "malformed" :
			    strerror(-rc));
		return 0;
	}
	if ((rc = hal_fact_bool(fs, "network.connected", a.connected)) < 0)
		return rc;
	return hal_fact_str(fs, HAL_FACT_STRING, "network.addresses", a.list);
}
