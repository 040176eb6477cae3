/*
 * linux_network.c - Wi-Fi networks from provisioning or ONC.
 *
 * With NetworkManager (/etc/NetworkManager exists) a network is a keyfile,
 * /etc/NetworkManager/system-connections/<SSID>.nmconnection (mode 0600),
 * loaded with `nmcli connection load`. Otherwise it is a network={} block
 * in /etc/wpa_supplicant/wpa_supplicant.conf (mode 0600; the block with
 * the same SSID is replaced, everything else kept), applied with
 * `wpa_cli reconfigure`. SSIDs are limited to printable ASCII without
 * \ " / ; (a file name and a keyfile value without a byte list), and
 * written to wpa_supplicant in hex.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hal/linux/linux.h"

#define NM_DIR "/etc/NetworkManager"
#define NM_CONN_DIR "/etc/NetworkManager/system-connections"
#define WPA_CONF "/etc/wpa_supplicant/wpa_supplicant.conf"
#define WPA_CONF_MAX (64 * 1024)
#define BLOCK_MAX 2048

enum sec { SEC_NONE, SEC_PSK, SEC_SAE, SEC_EAP };

int
linux_wifi_ssid_ok(const char *ssid)
{
	size_t i, n = strnlen(ssid, 33);

	if (n == 0 || n > 32 || ssid[0] == ' ' || ssid[n - 1] == ' ' ||
	    ssid[0] == '.' || ssid[0] == '-' || ssid[n - 1] == '~')
		return -EINVAL;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)ssid[i];

		if (ch < 0x20 || ch > 0x7e || strchr("\\\"/;", ch) != NULL)
			return -EINVAL;
	}
	return 0;
}

/* Printable ASCII, at most max bytes (a secret or an EAP field). */
static bool
text_ok(const char *s, size_t max)
{
	size_t i, n = strnlen(s, max + 1);

	if (n > max)
		return false;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	}
	return true;
}

static bool
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (strchr("0123456789abcdefABCDEF", s[i]) == NULL)
			return false;
	}
	return i == 64;
}

/* Validates w and classifies its security. */
static int
wifi_check(const struct hal_wifi *w, enum sec *sec)
{
	size_t plen;

	if (memchr(w->ssid, '\0', sizeof(w->ssid)) == NULL ||
	    memchr(w->password, '\0', sizeof(w->password)) == NULL ||
	    memchr(w->security, '\0', sizeof(w->security)) == NULL ||
	    memchr(w->eap_method, '\0', sizeof(w->eap_method)) == NULL ||
	    memchr(w->identity, '\0', sizeof(w->identity)) == NULL ||
	    memchr(w->anonymous_identity, '\0',
	    sizeof(w->anonymous_identity)) == NULL ||
	    memchr(w->domain, '\0', sizeof(w->domain)) == NULL ||
	    memchr(w->ca_cert, '\0', sizeof(w->ca_cert)) == NULL)
		return -EINVAL;
	if (linux_wifi_ssid_ok(w->ssid) < 0)
		return -EINVAL;
	plen = strlen(w->password);
	if (strcmp(w->security, "NONE") == 0) {
		*sec = SEC_NONE;
		return plen == 0 ? 0 : -EINVAL;
	}
	if (strcmp(w->security, "WEP") == 0)
		return -ENOSYS;	/* broken cipher: not offered */
	if (strcmp(w->security, "WPA") == 0 || strcmp(w->security, "WPA2") == 0)
		*sec = SEC_PSK;
	else if (strcmp(w->security, "WPA3") == 0)
		*sec = SEC_SAE;
	else if (strcmp(w->security, "EAP") == 0)
		*sec = SEC_EAP;
	else
		return -EINVAL;
	if (*sec != SEC_EAP) {
		if (!text_ok(w->password, 63) && !(*sec == SEC_PSK &&
		    is_hex64(w->password)))
			return -EINVAL;
		return plen >= 8 ? 0 : -EINVAL;
	}
	if (strcmp(w->eap_method, "PEAP") != 0 &&
	    strcmp(w->eap_method, "TTLS") != 0 &&
	    strcmp(w->eap_method, "TLS") != 0)
		return -EINVAL;
	if (!text_ok(w->identity, 127) || !text_ok(w->anonymous_identity, 127) ||
	    !text_ok(w->domain, 127) || !text_ok(w->password, 127) ||
	    (w->ca_cert[0] != '\0' && linux_ca_name_ok(w->ca_cert) < 0))
		return -EINVAL;
	return 0;
}

/* Appends fmt to buf at *n; -ENAMETOOLONG when it does not fit. */
static int
cat(char *buf, size_t len, size_t *n, const char *fmt, const char *a,
    const char *b)
{
	int r = snprintf(buf + *n, len - *n, fmt, a, b);

	if (r < 0 || (size_t)r >= len - *n)
		return -ENAMETOOLONG;
	*n += (size_t)r;
	return 0;
}

/* "key=value\n" with GKeyFile escapes (\\, and \s for a leading space). */
static int
kf(char *buf, size_t len, size_t *n, const char *key, const char *val)
{
	char esc[2 * 128 + 4];
	size_t i, o = 0;
	int rc;

	for (i = 0; val[i] != '\0' && o + 3 < sizeof(esc); i++) {
		if (val[i] == '\\') {
			esc[o++] = '\\';
			esc[o++] = '\\';
		} else if (val[i] == ' ' && i == 0) {
			esc[o++] = '\\';
			esc[o++] = 's';
		} else {
			esc[o++] = val[i];
		}
	}
	esc[o] = '\0';
	rc = cat(buf, len, n, "%s=%s\n", key, esc);
	explicit_bzero(esc, sizeof(esc));
	return rc;
}

static int
ca_path(const struct linux_ctx *c, const char *name, char *out, size_t len)
{
	return linux_pathf(out, len, "%s/ca/%s.der", c->state_dir, name);
}

static const char *
lower_method(const char *m)
{
	return strcmp(m, "PEAP") == 0 ? "peap" : strcmp(m, "TTLS") == 0 ?
	    "ttls" : "tls";
}

int
linux_wifi_nm_keyfile(const struct linux_ctx *c, const struct hal_wifi *w,
    char *buf, size_t len)
{
	static const char *const mgmt[] = { "", "wpa-psk", "sae", "wpa-eap" };
	char ca[LINUX_PATH_MAX];
	enum sec sec;
	size_t n = 0;
	int rc;

	if ((rc = wifi_check(w, &sec)) < 0)
		return rc;
	rc = cat(buf, len, &n, "%s%s", "# Written by warden from the "
	    "provisioning Wi-Fi configuration.\n", "[connection]\n");
	if (rc == 0)
		rc = kf(buf, len, &n, "id", w->ssid);
	if (rc == 0)
		rc = cat(buf, len, &n, "%s%s", "type=wifi\nautoconnect=true\n\n",
		    "[wifi]\nmode=infrastructure\n");
	if (rc == 0)
		rc = kf(buf, len, &n, "ssid", w->ssid);
	if (rc == 0 && w->hidden)
		rc = cat(buf, len, &n, "%s%s", "hidden=true\n", "");
	if (rc == 0 && sec != SEC_NONE)
		rc = cat(buf, len, &n, "\n[wifi-security]\nkey-mgmt=%s\n%s",
		    mgmt[sec], "");
	if (rc == 0 && (sec == SEC_PSK || sec == SEC_SAE))
		rc = kf(buf, len, &n, "psk", w->password);
	if (rc == 0 && sec == SEC_EAP) {
		rc = cat(buf, len, &n, "\n[802-1x]\neap=%s;\n%s",
		    lower_method(w->eap_method), "");
		if (rc == 0 && w->identity[0] != '\0')
			rc = kf(buf, len, &n, "identity", w->identity);
		if (rc == 0 && w->anonymous_identity[0] != '\0')
			rc = kf(buf, len, &n, "anonymous-identity",
			    w->anonymous_identity);
		if (rc == 0 && w->password[0] != '\0')
			rc = kf(buf, len, &n, "password", w->password);
		if (rc == 0 && strcmp(w->eap_method, "TLS") != 0)
			rc = cat(buf, len, &n, "phase2-auth=%s%s", "mschapv2\n",
			    "");
		if (rc == 0 && w->ca_cert[0] != '\0') {
			if ((rc = ca_path(c, w->ca_cert, ca, sizeof(ca))) == 0)
				rc = kf(buf, len, &n, "ca-cert", ca);
		}
		if (rc == 0 && w->domain[0] != '\0')
			rc = kf(buf, len, &n, "domain-suffix-match", w->domain);
	}
	if (rc == 0)
		rc = cat(buf, len, &n, "%s%s", "\n[ipv4]\nmethod=auto\n\n",
		    "[ipv6]\nmethod=auto\n");
	return rc;
}

static void
hex(const char *s, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		out[2 * i] = digits[(unsigned char)s[i] >> 4];
		out[2 * i + 1] = digits[(unsigned char)s[i] & 15];
	}
	out[2 * i] = '\0';
}

int
linux_wifi_wpa_block(const struct linux_ctx *c, const struct hal_wifi *w,
    char *buf, size_t len)
{
	static const char *const mgmt[] = { "NONE", "WPA-PSK", "SAE",
		"WPA-EAP" };
	char ssid[65], ca[LINUX_PATH_MAX];
	enum sec sec;
	size_t n = 0;
	int rc;

	if ((rc = wifi_check(w, &sec)) < 0)
		return rc;
	hex(w->ssid, ssid);
	rc = cat(buf, len, &n, "network={\n\tssid=%s\n\tkey_mgmt=%s\n", ssid,
	    mgmt[sec]);
	if (rc == 0 && w->hidden)
		rc = cat(buf, len, &n, "\tscan_ssid=1\n%s%s", "", "");
	/* wpa_supplicant takes a quoted string up to its last quote, so
	 * quotes inside need no escape; a 64-hex PSK goes unquoted. */
	if (rc == 0 && sec == SEC_PSK)
		rc = cat(buf, len, &n, is_hex64(w->password) ? "\tpsk=%s%s\n" :
		    "\tpsk=\"%s\"%s\n", w->password, "");
	if (rc == 0 && sec == SEC_SAE)
		rc = cat(buf, len, &n, "\tsae_password=\"%s\"\n\tieee80211w=2%s\n",
		    w->password, "");
	if (rc == 0 && sec == SEC_EAP) {
		rc = cat(buf, len, &n, "\teap=%s%s\n", w->eap_method, "");
		if (rc == 0 && w->identity[0] != '\0')
			rc = cat(buf, len, &n, "\tidentity=\"%s\"%s\n",
			    w->identity, "");
		if (rc == 0 && w->anonymous_identity[0] != '\0')
			rc = cat(buf, len, &n, "\tanonymous_identity=\"%s\"%s\n",
			    w->anonymous_identity, "");
		if (rc == 0 && w->password[0] != '\0')
			rc = cat(buf, len, &n, "\tpassword=\"%s\"%s\n",
			    w->password, "");
		if (rc == 0 && strcmp(w->eap_method, "TLS") != 0)
			rc = cat(buf, len, &n, "\tphase2=\"auth=MSCHAPV2\"%s%s\n",
			    "", "");
		if (rc == 0 && w->ca_cert[0] != '\0') {
			if ((rc = ca_path(c, w->ca_cert, ca, sizeof(ca))) == 0)
				rc = cat(buf, len, &n, "\tca_cert=\"%s\"%s\n", ca,
				    "");
		}
		if (rc == 0 && w->domain[0] != '\0')
			rc = cat(buf, len, &n, "\tdomain_suffix_match=\"%s\"%s\n",
			    w->domain, "");
	}
	if (rc == 0)
		rc = cat(buf, len, &n, "}\n%s%s", "", "");
	return rc;
}

/* The SSID an existing block's "ssid=" line names ("" if unreadable). */
static void
block_ssid(const char *val, size_t vlen, char *out, size_t len)
{
	size_t i, o = 0;

	out[0] = '\0';
	if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
		if (vlen - 2 < len) {
			memcpy(out, val + 1, vlen - 2);
			out[vlen - 2] = '\0';
		}
		return;
	}
	if (vlen % 2 != 0 || vlen / 2 >= len)
		return;
	for (i = 0; i < vlen; i += 2) {
		char pair[3] = { val[i], val[i + 1], '\0' };
		char *end;
		long b = strtol(pair, &end, 16);

		if (*end != '\0' || strchr("0123456789abcdefABCDEF",
		    val[i]) == NULL)
			return;
		out[o++] = (char)b;
	}
	out[o] = '\0';
}

char *
linux_wifi_wpa_merge(const char *conf, const char *ssid, const char *block)
{
	const char *p = conf, *start = NULL, *end = NULL;
	size_t clen = strlen(conf), blen = strlen(block), n;
	char *out;

	/* Find the network={...} block whose ssid matches. */
	while (*p != '\0' && end == NULL) {
		const char *nl = strchr(p, '\n'), *s = p, *bstart = p;
		char name[33];
		bool match = false;

		while (*s == ' ' || *s == '\t')
			s++;
		if (strncmp(s, "network={", 9) != 0) {
			p = nl != NULL ? nl + 1 : p + strlen(p);
			continue;
		}
		for (p = nl; p != NULL; p = strchr(p + 1, '\n')) {
			const char *l = p + 1, *lnl = strchr(l, '\n');
			size_t llen = lnl != NULL ? (size_t)(lnl - l) : strlen(l);

			while (llen > 0 && (*l == ' ' || *l == '\t')) {
				l++;
				llen--;
			}
			if (llen >= 5 && strncmp(l, "ssid=", 5) == 0) {
				block_ssid(l + 5, llen - 5, name, sizeof(name));
				match = strcmp(name, ssid) == 0;
			}
			if (llen >= 1 && l[0] == '}') {
				if (match) {
					start = bstart;
					end = lnl != NULL ? lnl + 1 : l + llen;
				}
				p = lnl != NULL ? lnl + 1 : l + llen;
				break;
			}
		}
		if (p == NULL)
			return NULL;	/* unterminated block */
	}
	if ((out = malloc(clen + blen + 2)) == NULL)
		return NULL;
	if (start != NULL) {
		n = (size_t)(start - conf);
		memcpy(out, conf, n);
		memcpy(out + n, block, blen);
		strcpy(out + n + blen, end);
		return out;
	}
	memcpy(out, conf, clen);
	n = clen;
	if (n > 0 && out[n - 1] != '\n')
		out[n++] = '\n';
	memcpy(out + n, block, blen + 1);
	return out;
}

static int
apply_nm(struct linux_ctx *c, const struct hal_wifi *w)
{
	char path[LINUX_PATH_MAX], buf[BLOCK_MAX];
	int rc;

	if ((rc = linux_pathf(path, sizeof(path), "%s/%s.nmconnection",
	    NM_CONN_DIR, w->ssid)) < 0)
		return rc;
	if ((rc = linux_wifi_nm_keyfile(c, w, buf, sizeof(buf))) == 0 &&
	    (rc = linux_mkdirs(c, NM_CONN_DIR, 0755)) == 0)
		rc = linux_write_atomic(c, path, buf, strlen(buf), 0600);
	explicit_bzero(buf, sizeof(buf));
	if (rc == 0) {
		const char *argv[] = { "nmcli", "connection", "load", path,
			NULL };

		rc = linux_run_argv(c, argv);
	}
	return rc;
}

static int
apply_wpa(struct linux_ctx *c, const struct hal_wifi *w)
{
	static const char *const argv[] = { "wpa_cli", "reconfigure", NULL };
	static const char header[] =
	    "ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev\n"
	    "update_config=1\n";
	char block[BLOCK_MAX], *conf, *merged = NULL;
	int rc;

	if ((conf = malloc(WPA_CONF_MAX)) == NULL)
		return -ENOMEM;
	rc = linux_read_file(c, WPA_CONF, conf, WPA_CONF_MAX, NULL);
	if (rc == -ENOENT) {
		strcpy(conf, header);
		rc = linux_mkdirs(c, "/etc/wpa_supplicant", 0755);
	}
	if (rc == 0)
		rc = linux_wifi_wpa_block(c, w, block, sizeof(block));
	if (rc == 0 && (merged = linux_wifi_wpa_merge(conf, w->ssid,
	    block)) == NULL)
		rc = -EINVAL;
	if (rc == 0)
		rc = linux_write_atomic(c, WPA_CONF, merged, strlen(merged),
		    0600);
	explicit_bzero(block, sizeof(block));
	explicit_bzero(conf, WPA_CONF_MAX);
	if (merged != NULL)
		explicit_bzero(merged, strlen(merged));
	free(merged);
	free(conf);
	return rc == 0 ? linux_run_argv(c, argv) : rc;
}

static int
linux_network_apply_wifi(void *ctx, const struct hal_wifi *w)
{
	struct linux_ctx *c = ctx;
	struct stat st;
	enum sec sec;
	int rc;

	if ((rc = wifi_check(w, &sec)) < 0)
		return rc;
	if (linux_stat(c, NM_DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return apply_nm(c, w);
	return apply_wpa(c, w);
}

const struct hal_network_ops linux_network_ops = {
	.apply_wifi = linux_network_apply_wifi,
	.set_locale = linux_set_locale,
	.set_timezone = linux_set_timezone,
};
