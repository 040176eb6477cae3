/*
 * policy_onc.c - openNetworkConfiguration: the Open Network Configuration
 * subset warden applies, Wi-Fi networks (None, WEP-PSK, WPA-PSK,
 * WPA-EAP). Other network types are valid ONC and are reported as
 * unsupported rather than rejected.
 *
 * Passphrases and EAP passwords are secrets: a rejected entry's slot is
 * zeroised at once, a kept one by policy_free().
 */
#include <stdlib.h>
#include <string.h>

#include "profiles/policy_json.h"

#define DOMAINS_MAX 8
#define CA_REFS_MAX 8

/* ONC network types that are valid but not applied by warden. */
static const char *const other_types[] = {
	"Ethernet", "VPN", "Cellular", "Tether", NULL,
};

static const struct policy_enum onc_type[] = {
	{ "UnencryptedConfiguration", 0 },
	{ NULL, 0 },
};

static const struct policy_enum net_type[] = {
	{ "WiFi", 0 },
	{ NULL, 0 },
};

struct net_ctx {
	struct policy_wifi_net *n;
	bool has_type, has_wifi, has_security, has_passphrase, has_eap;
	size_t ncarefs;
};

static bool
guid_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("{}()._:@-", c) != NULL;
}

static bool
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

static bool
is_printable_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* ---- EAP ---------------------------------------------------------- */

static int
f_outer(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;
	int e;

	if (policy_json_enum(pj, v, policy_enum_eap_outer, &e) != 0)
		return -1;
	c->n->eap_outer = e;
	return 0;
}

static int
f_identity(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;

	return policy_json_string(pj, v, 0, sizeof(c->n->identity) - 1,
	    c->n->identity, sizeof(c->n->identity));
}

static int
f_anonymous(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;

	return policy_json_string(pj, v, 0,
	    sizeof(c->n->anonymous_identity) - 1, c->n->anonymous_identity,
	    sizeof(c->n->anonymous_identity));
}

static int
f_eap_password(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;

	return policy_json_string(pj, v, 0, sizeof(c->n->eap_password) - 1,
	    c->n->eap_password, sizeof(c->n->eap_password));
}

static int
domain_entry(struct policy_json *pj, const cJSON *v, size_t i, void *dst)
{
	struct net_ctx *c = dst;
	char d[64];
	size_t have = strlen(c->n->domain_suffix);

	(void)i;
	if (policy_json_string(pj, v, 1, sizeof(d) - 1, d, sizeof(d)) != 0)
		return -1;
	if (strchr(d, ';') != NULL) {
		policy_json_error(pj, "must not contain ';'");
		return -1;
	}
	if (have + (have > 0) + strlen(d) >= sizeof(c->n->domain_suffix)) {
		policy_json_error(pj, "the domains together are longer than "
		    "%zu bytes", sizeof(c->n->domain_suffix) - 1);
		return -1;
	}
	if (have > 0)
		strcat(c->n->domain_suffix, ";");
	strcat(c->n->domain_suffix, d);
	return 0;
}

static int
f_domains(struct policy_json *pj, const cJSON *v, void *dst)
{
	return policy_json_array(pj, v, DOMAINS_MAX, domain_entry, dst);
}

/* The HAL takes one CA: the first reference is used, others reported. */
static int
caref_entry(struct policy_json *pj, const cJSON *v, size_t i, void *dst)
{
	struct net_ctx *c = dst;
	char ref[sizeof(c->n->ca_ref)];

	if (policy_json_string(pj, v, 1, sizeof(ref) - 1, ref,
	    sizeof(ref)) != 0)
		return -1;
	if (i == 0)
		memcpy(c->n->ca_ref, ref, sizeof(ref));
	else
		policy_json_unsupported(pj);
	c->ncarefs++;
	return 0;
}

static int
f_carefs(struct policy_json *pj, const cJSON *v, void *dst)
{
	return policy_json_array(pj, v, CA_REFS_MAX, caref_entry, dst);
}

static const struct policy_json_field eap_fields[] = {
	{ "Outer", f_outer },
	{ "Identity", f_identity },
	{ "AnonymousIdentity", f_anonymous },
	{ "Password", f_eap_password },
	{ "DomainSuffixMatch", f_domains },
	{ "ServerCARefs", f_carefs },
	{ NULL, NULL },
};

static int
f_eap(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;

	c->has_eap = true;
	if (policy_json_object(pj, v, eap_fields, c) != 0)
		return -1;
	if (c->n->eap_outer == POLICY_EAP_NONE) {
		policy_json_error_at(pj, "Outer", "is required");
		return -1;
	}
	return 0;
}

/* ---- WiFi --------------------------------------------------------- */

static int
f_ssid(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;

	return policy_json_string(pj, v, 1, sizeof(c->n->ssid) - 1,
	    c->n->ssid, sizeof(c->n->ssid));
}

static int
f_security(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;
	int e;

	if (policy_json_enum(pj, v, policy_enum_wifi_security, &e) != 0)
		return -1;
	c->n->security = e;
	c->has_security = true;
	return 0;
}

static int
f_passphrase(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;

	c->has_passphrase = true;
	return policy_json_string(pj, v, 1, sizeof(c->n->passphrase) - 1,
	    c->n->passphrase, sizeof(c->n->passphrase));
}

static int
f_hidden(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;

	return policy_json_tristate(pj, v, &c->n->hidden);
}

static int
f_auto_connect(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;

	return policy_json_tristate(pj, v, &c->n->auto_connect);
}

static const struct policy_json_field wifi_fields[] = {
	{ "SSID", f_ssid },
	{ "Security", f_security },
	{ "Passphrase", f_passphrase },
	{ "HiddenSSID", f_hidden },
	{ "AutoConnect", f_auto_connect },
	{ "EAP", f_eap },
	{ NULL, NULL },
};

/* WPA: 8..63 printable ASCII or 64 hex; WEP: 5/13 ASCII or 10/26 hex. */
static const char *
passphrase_problem(enum policy_wifi_security sec, const char *pw)
{
	size_t n = strlen(pw);

	if (sec == POLICY_WIFI_WPA_PSK) {
		if (n == 64 && is_hex(pw, n))
			return NULL;
		if (n >= 8 && n <= 63 && is_printable_ascii(pw))
			return NULL;
		return "a WPA-PSK passphrase is 8 to 63 printable ASCII "
		    "characters or 64 hex digits";
	}
	if (n > 2 && pw[0] == '0' && pw[1] == 'x') {
		pw += 2;
		n -= 2;
	} else if ((n == 5 || n == 13) && is_printable_ascii(pw))
		return NULL;
	if ((n == 10 || n == 26) && is_hex(pw, n))
		return NULL;
	return "a WEP-PSK key is 5 or 13 ASCII characters or 10 or 26 hex "
	    "digits";
}

static int
f_wifi(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;
	struct policy_wifi_net *n = c->n;
	const char *why;

	c->has_wifi = true;
	if (policy_json_object(pj, v, wifi_fields, c) != 0)
		return -1;
	if (n->ssid[0] == '\0') {
		policy_json_error_at(pj, "SSID", "is required");
		return -1;
	}
	if (!c->has_security) {
		policy_json_error_at(pj, "Security", "is required");
		return -1;
	}
	switch (n->security) {
	case POLICY_WIFI_NONE:
	case POLICY_WIFI_WPA_EAP:
		if (c->has_passphrase) {
			policy_json_error_at(pj, "Passphrase", "must not be "
			    "set with Security %s",
			    policy_enum_name(policy_enum_wifi_security,
			    n->security));
			return -1;
		}
		if (n->security == POLICY_WIFI_WPA_EAP && !c->has_eap) {
			policy_json_error_at(pj, "EAP", "is required with "
			    "Security WPA-EAP");
			return -1;
		}
		break;
	case POLICY_WIFI_WEP_PSK:
	case POLICY_WIFI_WPA_PSK:
		if (!c->has_passphrase) {
			policy_json_error_at(pj, "Passphrase", "is required "
			    "with Security %s",
			    policy_enum_name(policy_enum_wifi_security,
			    n->security));
			return -1;
		}
		if ((why = passphrase_problem(n->security,
		    n->passphrase)) != NULL) {
			policy_json_error_at(pj, "Passphrase", "%s", why);
			return -1;
		}
		break;
	}
	if (c->has_eap && n->security != POLICY_WIFI_WPA_EAP) {
		policy_json_error_at(pj, "EAP", "is only allowed with "
		    "Security WPA-EAP");
		return -1;
	}
	return 0;
}

/* ---- NetworkConfigurations[] --------------------------------------- */

static int
f_guid(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;
	const char *s;

	if (policy_json_string(pj, v, 1, sizeof(c->n->guid) - 1, c->n->guid,
	    sizeof(c->n->guid)) != 0)
		return -1;
	for (s = c->n->guid; *s != '\0'; s++) {
		if (!guid_char(*s)) {
			policy_json_error(pj, "must hold only letters, digits "
			    "and \"{}()._:@-\"");
			c->n->guid[0] = '\0';
			return -1;
		}
	}
	return 0;
}

static int
f_net_name(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;

	return policy_json_string(pj, v, 0, sizeof(c->n->name) - 1,
	    c->n->name, sizeof(c->n->name));
}

static int
f_net_type(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct net_ctx *c = dst;
	int e;

	if (policy_json_enum(pj, v, net_type, &e) != 0)
		return -1;
	c->has_type = true;
	return 0;
}

static const struct policy_json_field net_fields[] = {
	{ "GUID", f_guid },
	{ "Name", f_net_name },
	{ "Type", f_net_type },
	{ "WiFi", f_wifi },
	{ NULL, NULL },
};

static bool
other_type(const cJSON *v)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, "Type");
	size_t i;

	if (!cJSON_IsString(t))
		return false;
	for (i = 0; other_types[i] != NULL; i++)
		if (strcmp(t->valuestring, other_types[i]) == 0)
			return true;
	return false;
}

static int
check_net(struct policy_json *pj, struct net_ctx *c, const struct policy *p)
{
	size_t j;

	if (c->n->guid[0] == '\0') {
		policy_json_error_at(pj, "GUID", "is required");
		return -1;
	}
	if (!c->has_type) {
		policy_json_error_at(pj, "Type", "is required");
		return -1;
	}
	if (!c->has_wifi) {
		policy_json_error_at(pj, "WiFi", "is required with Type WiFi");
		return -1;
	}
	for (j = 0; j < p->nnets; j++) {
		if (strcmp(p->nets[j].guid, c->n->guid) == 0) {
			policy_json_error_at(pj, "GUID", "\"%s\" is already "
			    "used by NetworkConfigurations[%d]", c->n->guid,
			    p->nets[j].index);
			return -1;
		}
	}
	return 0;
}

static int
net_entry(struct policy_json *pj, const cJSON *v, size_t i, void *dst)
{
	struct policy *p = dst;
	struct net_ctx c;

	if (cJSON_IsObject(v) && other_type(v)) {
		policy_json_unsupported(pj);
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.n = &p->nets[p->nnets];
	c.n->index = (int)i;
	if (policy_json_object(pj, v, net_fields, &c) != 0 ||
	    check_net(pj, &c, p) != 0) {
		explicit_bzero(c.n, sizeof(*c.n));
		return -1;
	}
	p->nnets++;
	return 0;
}

static int
f_net_configs(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;
	int n;

	if (cJSON_IsArray(v) && (n = cJSON_GetArraySize(v)) > 0 &&
	    n <= POLICY_NETS_MAX) {
		p->nets = calloc((size_t)n, sizeof(*p->nets));
		if (p->nets == NULL) {
			policy_json_error(pj, "out of memory");
			return -1;
		}
	}
	return policy_json_array(pj, v, POLICY_NETS_MAX, net_entry, p);
}

static int
f_onc_type(struct policy_json *pj, const cJSON *v, void *dst)
{
	int e;

	(void)dst;
	return policy_json_enum(pj, v, onc_type, &e);
}

static const struct policy_json_field onc_fields[] = {
	{ "Type", f_onc_type },
	{ "NetworkConfigurations", f_net_configs },
	{ NULL, NULL },
};

int
policy_parse_onc(struct policy_json *pj, const cJSON *v, void *dst)
{
	return policy_json_object(pj, v, onc_fields, dst);
}
