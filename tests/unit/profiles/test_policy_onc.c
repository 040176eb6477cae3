/* Tests profiles/policy_onc.c: openNetworkConfiguration (Wi-Fi). */
#include "tests/unit/profiles/policy_helpers.h"

#define NET_PATH "openNetworkConfiguration.NetworkConfigurations[0]"

/* One network whose WiFi object is `wifi`. */
static void
net_doc(char *buf, size_t len, const char *wifi)
{
	snprintf(buf, len, "{\"openNetworkConfiguration\":{"
	    "\"NetworkConfigurations\":[{\"GUID\":\"n1\",\"Type\":\"WiFi\","
	    "\"WiFi\":%s}]}}", wifi);
}

static void
psk_network(void **state)
{
	struct policy *p;
	const struct policy_wifi_net *n;

	(void)state;
	p = parse_ok("{\"openNetworkConfiguration\":{"
	    "\"Type\":\"UnencryptedConfiguration\","
	    "\"NetworkConfigurations\":[{\"GUID\":\"{1a2b}\","
	    "\"Name\":\"Depot\",\"Type\":\"WiFi\",\"WiFi\":{"
	    "\"SSID\":\"Depot \xc3\xa9\",\"Security\":\"WPA-PSK\","
	    "\"Passphrase\":\"correct horse\",\"HiddenSSID\":true,"
	    "\"AutoConnect\":false}}]}}");
	assert_int_equal(p->nnets, 1);
	n = &p->nets[0];
	assert_string_equal(n->guid, "{1a2b}");
	assert_string_equal(n->name, "Depot");
	assert_string_equal(n->ssid, "Depot \xc3\xa9");
	assert_int_equal(n->security, POLICY_WIFI_WPA_PSK);
	assert_string_equal(n->passphrase, "correct horse");
	assert_int_equal(n->hidden, POLICY_TRUE);
	assert_int_equal(n->auto_connect, POLICY_FALSE);
	assert_int_equal(n->eap_outer, POLICY_EAP_NONE);
	assert_int_equal(p->src[POLICY_F_ONC], 1);
	policy_free(p);
}

static void
eap_network(void **state)
{
	struct policy *p;
	const struct policy_wifi_net *n;

	(void)state;
	p = parse_ok("{\"openNetworkConfiguration\":{"
	    "\"NetworkConfigurations\":[{\"GUID\":\"corp\",\"Type\":\"WiFi\","
	    "\"WiFi\":{\"SSID\":\"Corp\",\"Security\":\"WPA-EAP\","
	    "\"EAP\":{\"Outer\":\"EAP-TTLS\",\"Inner\":\"MSCHAPv2\","
	    "\"Identity\":\"u@corp\",\"AnonymousIdentity\":\"anon@corp\","
	    "\"Password\":\"s3cret\",\"DomainSuffixMatch\":[\"a.corp\","
	    "\"b.corp\"],\"ServerCARefs\":[\"root1\",\"root2\"]}}}]},"
	    "\"Certificates\":[]}");
	n = &p->nets[0];
	assert_int_equal(n->security, POLICY_WIFI_WPA_EAP);
	assert_int_equal(n->eap_outer, POLICY_EAP_TTLS);
	assert_string_equal(n->identity, "u@corp");
	assert_string_equal(n->anonymous_identity, "anon@corp");
	assert_string_equal(n->eap_password, "s3cret");
	assert_string_equal(n->domain_suffix, "a.corp;b.corp");
	assert_string_equal(n->ca_ref, "root1");
	assert_true(has_unsupported(p, NET_PATH ".WiFi.EAP.Inner"));
	assert_true(has_unsupported(p, NET_PATH ".WiFi.EAP.ServerCARefs[1]"));
	assert_true(has_unsupported(p, "Certificates"));
	policy_free(p);
}

static void
other_network_types_unsupported(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"openNetworkConfiguration\":{"
	    "\"NetworkConfigurations\":[{\"GUID\":\"vpn\",\"Type\":\"VPN\","
	    "\"VPN\":{\"Type\":\"OpenVPN\"}},{\"GUID\":\"w\",\"Type\":\"WiFi\","
	    "\"WiFi\":{\"SSID\":\"open\",\"Security\":\"None\"}}]}}");
	assert_int_equal(p->nnets, 1);
	assert_string_equal(p->nets[0].guid, "w");
	assert_int_equal(p->nets[0].index, 1);
	assert_true(has_unsupported(p, NET_PATH));
	policy_free(p);
	reject("{\"openNetworkConfiguration\":{\"NetworkConfigurations\":["
	    "{\"GUID\":\"x\",\"Type\":\"Bluetooth\"}]}}", NET_PATH ".Type",
	    "unknown value \"Bluetooth\"");
	reject("{\"openNetworkConfiguration\":{\"Type\":"
	    "\"EncryptedConfiguration\"}}", "openNetworkConfiguration.Type",
	    "unknown value");
}

static void
passphrases(void **state)
{
	char doc[512];
	struct policy *p;

	(void)state;
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WPA-PSK\","
	    "\"Passphrase\":\"12345678\"}");
	policy_free(parse_ok(doc));
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WPA-PSK\","
	    "\"Passphrase\":\"1234567\"}");
	reject(doc, NET_PATH ".WiFi.Passphrase",
	    "a WPA-PSK passphrase is 8 to 63 printable ASCII characters or "
	    "64 hex digits");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WPA-PSK\","
	    "\"Passphrase\":\"0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef\"}");
	p = parse_ok(doc);
	assert_int_equal(strlen(p->nets[0].passphrase), 64);
	policy_free(p);
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WPA-PSK\","
	    "\"Passphrase\":\"0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdeg\"}");
	reject(doc, NET_PATH ".WiFi.Passphrase", "WPA-PSK passphrase");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WPA-PSK\","
	    "\"Passphrase\":\"caf\xc3\xa9-caf\xc3\xa9\"}");
	reject(doc, NET_PATH ".WiFi.Passphrase", "WPA-PSK passphrase");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WEP-PSK\","
	    "\"Passphrase\":\"abcde\"}");
	policy_free(parse_ok(doc));
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WEP-PSK\","
	    "\"Passphrase\":\"0x0123456789\"}");
	policy_free(parse_ok(doc));
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WEP-PSK\","
	    "\"Passphrase\":\"abcdef\"}");
	reject(doc, NET_PATH ".WiFi.Passphrase",
	    "a WEP-PSK key is 5 or 13 ASCII characters or 10 or 26 hex digits");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WPA-PSK\"}");
	reject(doc, NET_PATH ".WiFi.Passphrase",
	    "is required with Security WPA-PSK");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"None\","
	    "\"Passphrase\":\"12345678\"}");
	reject(doc, NET_PATH ".WiFi.Passphrase",
	    "must not be set with Security None");
}

static void
bad_networks(void **state)
{
	char doc[512];

	(void)state;
	net_doc(doc, sizeof(doc), "{\"Security\":\"None\"}");
	reject(doc, NET_PATH ".WiFi.SSID", "is required");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"123456789012345678901234567890"
	    "123\",\"Security\":\"None\"}");
	reject(doc, NET_PATH ".WiFi.SSID", "is 33 bytes long, allowed 1..32");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\"}");
	reject(doc, NET_PATH ".WiFi.Security", "is required");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WPA2\"}");
	reject(doc, NET_PATH ".WiFi.Security", "unknown value \"WPA2\"");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WPA-EAP\"}");
	reject(doc, NET_PATH ".WiFi.EAP", "is required with Security WPA-EAP");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WPA-EAP\","
	    "\"EAP\":{\"Identity\":\"u\"}}");
	reject(doc, NET_PATH ".WiFi.EAP.Outer", "is required");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"None\","
	    "\"EAP\":{\"Outer\":\"PEAP\"}}");
	reject(doc, NET_PATH ".WiFi.EAP",
	    "is only allowed with Security WPA-EAP");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WPA-EAP\","
	    "\"EAP\":{\"Outer\":\"PEAP\",\"DomainSuffixMatch\":[\"a;b\"]}}");
	reject(doc, NET_PATH ".WiFi.EAP.DomainSuffixMatch[0]",
	    "must not contain ';'");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"WPA-EAP\","
	    "\"EAP\":{\"Outer\":\"MD5\"}}");
	reject(doc, NET_PATH ".WiFi.EAP.Outer", "unknown value \"MD5\"");
	net_doc(doc, sizeof(doc), "{\"SSID\":\"s\",\"Security\":\"None\","
	    "\"HiddenSSID\":\"no\"}");
	reject(doc, NET_PATH ".WiFi.HiddenSSID", "must be a boolean");
	reject("{\"openNetworkConfiguration\":{\"NetworkConfigurations\":["
	    "{\"Type\":\"WiFi\",\"WiFi\":{\"SSID\":\"s\",\"Security\":\"None\"}}"
	    "]}}", NET_PATH ".GUID", "is required");
	reject("{\"openNetworkConfiguration\":{\"NetworkConfigurations\":["
	    "{\"GUID\":\"a b\",\"Type\":\"WiFi\"}]}}", NET_PATH ".GUID",
	    "must hold only letters, digits");
	reject("{\"openNetworkConfiguration\":{\"NetworkConfigurations\":["
	    "{\"GUID\":\"g\",\"WiFi\":{\"SSID\":\"s\",\"Security\":\"None\"}}"
	    "]}}", NET_PATH ".Type", "is required");
	reject("{\"openNetworkConfiguration\":{\"NetworkConfigurations\":["
	    "{\"GUID\":\"g\",\"Type\":\"WiFi\"}]}}", NET_PATH ".WiFi",
	    "is required with Type WiFi");
	reject("{\"openNetworkConfiguration\":{\"NetworkConfigurations\":["
	    "{\"GUID\":\"g\",\"Type\":\"WiFi\",\"WiFi\":{\"SSID\":\"s\","
	    "\"Security\":\"None\"}},{\"GUID\":\"g\",\"Type\":\"WiFi\","
	    "\"WiFi\":{\"SSID\":\"t\",\"Security\":\"None\"}}]}}",
	    "openNetworkConfiguration.NetworkConfigurations[1].GUID",
	    "\"g\" is already used by NetworkConfigurations[0]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(psk_network),
		cmocka_unit_test(eap_network),
		cmocka_unit_test(other_network_types_unsupported),
		cmocka_unit_test(passphrases),
		cmocka_unit_test(bad_networks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
