/*
 * linux_facts_system.c - firewall, time sync, storage, memory and battery
 * facts.
 *
 * The firewall counts as enabled when nftables has an input-hook chain
 * whose policy is drop: from the live ruleset (`nft -j list ruleset`
 * through the runner, run again only after a ruleset change:
 * linux_nft_watch.c) or, when nft cannot be run, from the ruleset loaded
 * at boot (/etc/nftables.conf). Time counts as synchronised when the
 * kernel clock is not unsynchronised and its maximum error is under 16 s
 * (adjtimex(2)); under a root prefix those two numbers come from the
 * fixture file /.fixture/timex instead. A unit with ProtectClock=yes (the
 * packaged wardend.service) refuses even the read-only adjtimex; then
 * systemd-timedated answers (`timedatectl show`, its NTPSynchronized
 * property), which applies the same rule to the kernel's numbers.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/timex.h>
#include <unistd.h>

#include "hal/linux/linux.h"

#define NFT_OUT_MAX (512 * 1024)
#define NFT_CONF_MAX (256 * 1024)
#define MAXERROR_SYNCED_US 16000000L
#define POWER_SUPPLIES_MAX 32

static bool
family_has_input(const char *family)
{
	return strcmp(family, "ip") == 0 || strcmp(family, "ip6") == 0 ||
	    strcmp(family, "inet") == 0;
}

int
linux_nft_json_drops_input(const char *json, bool *drops)
{
	const cJSON *items, *it;
	cJSON *doc;

	*drops = false;
	if ((doc = cJSON_Parse(json)) == NULL)
		return -EINVAL;
	items = cJSON_GetObjectItemCaseSensitive(doc, "nftables");
	if (!cJSON_IsObject(doc) || !cJSON_IsArray(items)) {
		cJSON_Delete(doc);
		return -EINVAL;
	}
	cJSON_ArrayForEach(it, items) {
		const cJSON *ch = cJSON_GetObjectItemCaseSensitive(it, "chain");
		const cJSON *fam, *hook, *pol;

		if (!cJSON_IsObject(ch))
			continue;
		fam = cJSON_GetObjectItemCaseSensitive(ch, "family");
		hook = cJSON_GetObjectItemCaseSensitive(ch, "hook");
		pol = cJSON_GetObjectItemCaseSensitive(ch, "policy");
		if (cJSON_IsString(fam) && cJSON_IsString(hook) &&
		    cJSON_IsString(pol) && family_has_input(fam->valuestring) &&
		    strcmp(hook->valuestring, "input") == 0 &&
		    strcmp(pol->valuestring, "drop") == 0)
			*drops = true;
	}
	cJSON_Delete(doc);
	return 0;
}

/* Next token of an nftables file: a word, a quoted string, '{' '}' ';'. */
static const char *
nft_token(const char *p, char *tok, size_t len)
{
	size_t n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '#')
			break;
		while (*p != '\0' && *p != '\n')
			p++;
	}
	if (*p == '\0')
		return NULL;
	if (*p == '{' || *p == '}' || *p == ';') {
		tok[0] = *p;
		tok[1] = '\0';
		return p + 1;
	}
	if (*p == '"') {
		for (p++; *p != '\0' && *p != '"'; p++)
			if (n + 1 < len)
				tok[n++] = *p;
		tok[n] = '\0';
		return *p == '"' ? p + 1 : p;
	}
	while (*p != '\0' && strchr(" \t\r\n{};#", *p) == NULL) {
		if (n + 1 < len)
			tok[n++] = *p;
		p++;
	}
	tok[n] = '\0';
	return p;
}

bool
linux_nft_text_drops_input(const char *text)
{
	char tok[64], prev[64] = "", family[64] = "ip";
	const char *p = text;
	int depth = 0, chain_depth = -1, table_words = -1;
	bool hook_input = false, policy_drop = false;

	while ((p = nft_token(p, tok, sizeof(tok))) != NULL) {
		if (strcmp(tok, "{") == 0) {
			if (strcmp(prev, "__chain_name") == 0) {
				chain_depth = depth;
				hook_input = policy_drop = false;
			}
			depth++;
			table_words = -1;
		} else if (strcmp(tok, "}") == 0) {
			depth--;
			if (depth == chain_depth) {
				if (hook_input && policy_drop &&
				    family_has_input(family))
					return true;
				chain_depth = -1;
			}
		} else if (depth == 0 && strcmp(tok, "table") == 0) {
			table_words = 0;
			strcpy(family, "ip");
		} else if (table_words >= 0) {
			/* "table [family] name": two words name a family. */
			if (table_words++ == 0)
				snprintf(family, sizeof(family), "%s", tok);
			if (table_words == 1 && strcmp(tok, "ip") != 0 &&
			    strcmp(tok, "ip6") != 0 && strcmp(tok, "inet") != 0 &&
			    strcmp(tok, "arp") != 0 && strcmp(tok, "bridge") != 0 &&
			    strcmp(tok, "netdev") != 0)
				strcpy(family, "ip");
		} else if (strcmp(prev, "chain") == 0 && chain_depth < 0) {
			strcpy(tok, "__chain_name");
		} else if (depth == chain_depth + 1 && chain_depth >= 0) {
			if (strcmp(prev, "hook") == 0 && strcmp(tok, "input") == 0)
				hook_input = true;
			if (strcmp(prev, "policy") == 0 && strcmp(tok, "drop") == 0)
				policy_drop = true;
		}
		strcpy(prev, tok);
	}
	return false;
}

static int
facts_firewall(struct linux_ctx *c, struct hal_facts *fs)
{
	static const char *const argv[] = { "nft", "-j", "list", "ruleset",
		NULL };
	struct linux_run r;
	const char *source = "none";
	bool drops = false;
	char *buf;
	int rc;

	if (linux_nft_cached(c, &drops)) {
		source = "nft";
		goto out;
	}
	if ((buf = malloc(NFT_OUT_MAX)) == NULL)
		return -ENOMEM;
	memset(&r, 0, sizeof(r));
	r.argv = argv;
	r.out = buf;
	r.outlen = NFT_OUT_MAX;
	rc = linux_run(c, &r);
	if (rc == 0 && r.status == 0 && r.outn + 1 < NFT_OUT_MAX &&
	    linux_nft_json_drops_input(buf, &drops) == 0) {
		source = "nft";
		linux_nft_remember(c, drops);
	} else {
		rc = linux_read_file(c, "/etc/nftables.conf", buf,
		    NFT_CONF_MAX, NULL);
		if (rc == 0) {
			drops = linux_nft_text_drops_input(buf);
			source = "nftables.conf";
		} else if (rc != -ENOENT) {
			linux_note(c, "/etc/nftables.conf", strerror(-rc));
		}
	}
	free(buf);
out:
	if ((rc = hal_fact_bool(fs, "firewall.enabled", drops)) < 0)
		return rc;
	return hal_fact_str(fs, HAL_FACT_STRING, "firewall.source", source);
}

/* maxerror (µs) and the clock state, from the kernel or the fixture. */
static int
read_timex(struct linux_ctx *c, long *maxerror, int *state)
{
	char text[256];
	int rc, v;

	if (!c->prefixed) {
		struct timex tx;

		memset(&tx, 0, sizeof(tx));
		if ((*state = adjtimex(&tx)) < 0)
			return -errno;
		*maxerror = tx.maxerror;
		return 0;
	}
	if ((rc = linux_read_file(c, "/.fixture/timex", text, sizeof(text),
	    NULL)) < 0)
		return rc;
	if (linux_conf_get_int(text, LINUX_CONF_EQ, "maxerror", 0, 2000000000,
	    &v) < 0)
		return -EINVAL;
	*maxerror = v;
	if (linux_conf_get_int(text, LINUX_CONF_EQ, "state", 0, 5, state) < 0)
		return -EINVAL;
	return 0;
}

int
linux_time_synced_timedated(struct linux_ctx *c, bool *synced)
{
	static const char *const argv[] = { "timedatectl", "show",
		"--property=NTPSynchronized", "--value", NULL };
	struct linux_run r;
	char out[16] = "";
	int rc;

	memset(&r, 0, sizeof(r));
	r.argv = argv;
	r.out = out;
	r.outlen = sizeof(out);
	if ((rc = linux_run(c, &r)) < 0)
		return rc;
	if (r.status != 0)
		return -EIO;
	if (strcmp(out, "yes\n") == 0)
		*synced = true;
	else if (strcmp(out, "no\n") == 0)
		*synced = false;
	else
		return -EPROTO;
	return 0;
}

static int
facts_time(struct linux_ctx *c, struct hal_facts *fs)
{
	long maxerror;
	bool synced;
	int state, rc;

	if ((rc = read_timex(c, &maxerror, &state)) == -EPERM &&
	    !c->prefixed) {
		/* ProtectClock=yes: the kernel refuses adjtimex to the unit. */
		if ((rc = linux_time_synced_timedated(c, &synced)) < 0) {
			linux_note(c, "timedatectl show NTPSynchronized",
			    strerror(-rc));
			return 0;
		}
		return hal_fact_bool(fs, "time.synced", synced);
	}
	if (rc < 0) {
		if (rc != -ENOENT || !c->prefixed)
			linux_note(c, "adjtimex", strerror(-rc));
		return 0;
	}
	return hal_fact_bool(fs, "time.synced",
	    state != TIME_ERROR && maxerror < MAXERROR_SYNCED_US);
}

static int
facts_storage(struct linux_ctx *c, struct hal_facts *fs)
{
	char src[LINUX_PATH_MAX], type[32];
	struct statvfs sv;
	const char *where = "/";
	bool rw;
	int fd, rc;

	/* A handheld keeps its data on /data when the root is read-only. */
	if (linux_mount_find(c, "/data", src, sizeof(src), type, sizeof(type),
	    &rw) == 0)
		where = "/data";
	fd = linux_open(c, where, O_RDONLY | O_DIRECTORY, 0);
	if (fd == -ENOENT && strcmp(where, "/") != 0) {
		linux_note(c, where, "mounted but missing");
		where = "/";
		fd = linux_open(c, where, O_RDONLY | O_DIRECTORY, 0);
	}
	if (fd < 0) {
		linux_note(c, where, strerror(-fd));
		return 0;
	}
	rc = fstatvfs(fd, &sv);
	close(fd);
	if (rc != 0) {
		linux_note(c, "statvfs", strerror(errno));
		return 0;
	}
	if ((rc = hal_fact_int(fs, "storage.total_bytes",
	    (int64_t)sv.f_blocks * (int64_t)sv.f_frsize)) < 0)
		return rc;
	return hal_fact_int(fs, "storage.free_bytes",
	    (int64_t)sv.f_bavail * (int64_t)sv.f_frsize);
}

/* "Key:   1234 kB" from meminfo, in bytes; -1 when absent. */
static int64_t
meminfo_bytes(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			char *end;
			long long kb;

			errno = 0;
			kb = strtoll(p + klen + 1, &end, 10);
			while (*end == ' ')
				end++;
			if (errno != 0 || kb < 0 || strncmp(end, "kB", 2) != 0 ||
			    kb > INT64_MAX / 1024)
				return -1;
			return (int64_t)kb * 1024;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return -1;
}

static int
facts_memory(struct linux_ctx *c, struct hal_facts *fs)
{
	char text[8192];
	int64_t total, avail;
	int rc;

	if ((rc = linux_read_file(c, "/proc/meminfo", text, sizeof(text),
	    NULL)) < 0) {
		linux_note(c, "/proc/meminfo", strerror(-rc));
		return 0;
	}
	total = meminfo_bytes(text, "MemTotal");
	avail = meminfo_bytes(text, "MemAvailable");
	if (total < 0 || avail < 0) {
		linux_note(c, "/proc/meminfo", "malformed");
		return 0;
	}
	if ((rc = hal_fact_int(fs, "memory.total_bytes", total)) < 0)
		return rc;
	return hal_fact_int(fs, "memory.available_bytes", avail);
}

static int
facts_battery(struct linux_ctx *c, struct hal_facts *fs)
{
	char path[LINUX_PATH_MAX], val[32], **names;
	size_t i, n;
	long long level;
	int rc = 0;

	if (linux_list_dir(c, "/sys/class/power_supply", POWER_SUPPLIES_MAX,
	    &names, &n) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/sys/class/power_supply/%s/type",
		    names[i]);
		if (linux_read_line(c, path, val, sizeof(val)) < 0 ||
		    strcmp(val, "Battery") != 0)
			continue;
		/* A wireless mouse's battery has scope "Device". */
		snprintf(path, sizeof(path), "/sys/class/power_supply/%s/scope",
		    names[i]);
		if (linux_read_line(c, path, val, sizeof(val)) == 0 &&
		    strcmp(val, "Device") == 0)
			continue;
		snprintf(path, sizeof(path),
		    "/sys/class/power_supply/%s/capacity", names[i]);
		if (linux_read_int(c, path, &level) < 0 || level < 0 ||
		    level > 100) {
			linux_note(c, path, "malformed");
			break;
		}
		snprintf(path, sizeof(path), "/sys/class/power_supply/%s/status",
		    names[i]);
		if (linux_read_line(c, path, val, sizeof(val)) < 0)
			val[0] = '\0';
		if ((rc = hal_fact_int(fs, "battery.level", level)) == 0)
			rc = hal_fact_bool(fs, "battery.charging",
			    strcmp(val, "Charging") == 0 ||
			    strcmp(val, "Full") == 0);
		break;
	}
	linux_names_free(names, n);
	return rc;
}

int
linux_facts_system(struct linux_ctx *c, struct hal_facts *fs)
{
	int rc;

	if ((rc = facts_firewall(c, fs)) < 0 ||
	    (rc = facts_time(c, fs)) < 0 ||
	    (rc = facts_storage(c, fs)) < 0 ||
	    (rc = facts_memory(c, fs)) < 0)
		return rc;
	return facts_battery(c, fs);
}
