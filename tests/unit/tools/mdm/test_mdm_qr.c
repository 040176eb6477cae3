/* Tests tools/mdm/mdm_qr.c: the provisioning JSON reads back through the
 * agent's own QR parser with the same settings, the PNG decodes to the
 * same text, the terminal rendering has the code's shape, the console's
 * module matrix has the finder patterns where they belong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/provision/provision.h"
#include "tests/unit/support.h"
#include "tools/mdm/mdm.h"

static const uint8_t pin[CRYPTO_SHA256_LEN] = {
	0x9f, 0x86, 0xd0, 0x81, 0x88, 0x4c, 0x7d, 0x65, 0x9a, 0x2f, 0xea,
	0xa0, 0xc5, 0x5a, 0xd0, 0x15, 0xa3, 0xbf, 0x4f, 0x1b, 0x2b, 0x0b,
	0x82, 0x2c, 0xd1, 0x5d, 0x6c, 0x15, 0xb0, 0xf0, 0x0a, 0x08,
};

static void
settings(struct mdm_qr_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->server_url = "https://127.0.0.1:8443";
	s->token = "QJXKWMRTPLZVBNHSDFGA-_x";
	s->mode = "WORK_PROFILE_COMPANY_OWNED";
	s->pin = pin;
}

static void
payload_reads_back(void **state)
{
	struct mdm_qr_settings s;
	struct prov_request req;
	char err[MDM_ERR_MAX], perr[512];
	char *text;
	cJSON *root, *extras, *pinv;

	(void)state;
	settings(&s);
	s.wifi_ssid = "Depot";
	s.wifi_password = "correct horse";
	assert_int_equal(mdm_qr_payload(&s, true, &text, err, sizeof(err)), 0);
	if (prov_from_qr_text(text, strlen(text), NULL, &req, perr,
	    sizeof(perr)) != 0)
		fail_msg("%s", perr);
	assert_string_equal(req.server_url, "https://127.0.0.1:8443");
	assert_int_equal(req.binding, PROV_BINDING_REST);
	assert_string_equal(req.enrollment_token, "QJXKWMRTPLZVBNHSDFGA-_x");
	assert_true(req.has_server_pin);
	assert_memory_equal(req.server_pin, pin, sizeof(pin));
	assert_int_equal(req.mode, PROV_MODE_WORK_PROFILE_COMPANY_OWNED);
	assert_true(req.has_wifi);
	assert_string_equal(req.wifi.ssid, "Depot");
	assert_string_equal(req.wifi.security, "WPA");
	prov_request_clear(&req);
	/* The pin is base64url of the 32 bytes without padding. */
	root = cJSON_Parse(text);
	extras = cJSON_GetObjectItemCaseSensitive(root,
	    "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE");
	pinv = cJSON_GetObjectItemCaseSensitive(extras,
	    "warden.SERVER_CERT_SHA256");
	assert_true(cJSON_IsString(pinv));
	assert_string_equal(pinv->valuestring,
	    "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg");
	cJSON_Delete(root);
	crypto_free_secret(text, strlen(text));
}

static void
open_network(void **state)
{
	struct mdm_qr_settings s;
	struct prov_request req;
	char err[MDM_ERR_MAX], perr[512];
	char *text;

	(void)state;
	settings(&s);
	s.wifi_ssid = "Guest";
	assert_int_equal(mdm_qr_payload(&s, false, &text, err, sizeof(err)),
	    0);
	assert_null(strchr(text, '\n'));
	assert_int_equal(prov_from_qr_text(text, strlen(text), NULL, &req,
	    perr, sizeof(perr)), 0);
	assert_string_equal(req.wifi.security, "NONE");
	prov_request_clear(&req);
	crypto_free_secret(text, strlen(text));
}

static void
terminal_rendering(void **state)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0, lines = 0, width = 0;
	char err[MDM_ERR_MAX];
	FILE *fp;

	(void)state;
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(mdm_qr_term("hello", fp, err, sizeof(err)), 0);
	fclose(fp);
	/* Version 1 is 21 modules; 4 of quiet zone each side: 29 columns
	 * of 3-byte or 1-byte cells, 15 lines of two module rows. */
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		size_t cols = 0, i;
		for (i = 0; line[i] != '\0'; i += line[i] == ' ' ? 1 : 3)
			cols++;
		if (width == 0)
			width = cols;
		assert_int_equal(cols, width);
		lines++;
	}
	assert_int_equal(width, 29);
	assert_int_equal(lines, 15);
	assert_int_equal(mdm_qr_term_width("hello", err, sizeof(err)), 29);
	free(buf);
}

#ifdef CONFIG_QR_IMAGE
static void
png_decodes(void **state)
{
	const char *dir = test_tmpdir();
	char path[600], err[MDM_ERR_MAX], text[PROV_QR_MAX + 1];
	struct mdm_qr_settings s;
	char *payload;
	size_t len;

	(void)state;
	settings(&s);
	assert_int_equal(mdm_qr_payload(&s, false, &payload, err,
	    sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/qr.png", dir);
	if (mdm_qr_png(payload, path, 4, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	if (prov_qr_image_decode(path, text, sizeof(text), &len, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(text, payload);
	assert_int_equal(mdm_qr_png(payload, path, 0, err, sizeof(err)), -1);
	crypto_free_secret(payload, strlen(payload));
	test_rmtree(dir);
}
#endif

static void
module_matrix(void **state)
{
	static const char *const finder[7] = { "1111111", "1000001",
	    "1011101", "1011101", "1011101", "1000001", "1111111" };
	char err[MDM_ERR_MAX], *rows;
	int size, y;

	(void)state;
	assert_int_equal(mdm_qr_matrix("hello", &size, &rows, err,
	    sizeof(err)), 0);
	assert_int_equal(size, 21);	/* version 1 */
	assert_int_equal(strlen(rows), 21 * 21);
	assert_int_equal(strspn(rows, "01"), 21 * 21);
	for (y = 0; y < 7; y++) {
		/* Top left, top right, bottom left. */
		assert_memory_equal(rows + y * size, finder[y], 7);
		assert_memory_equal(rows + y * size + size - 7, finder[y], 7);
		assert_memory_equal(rows + (size - 7 + y) * size, finder[y],
		    7);
	}
	free(rows);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(payload_reads_back),
		cmocka_unit_test(open_network),
		cmocka_unit_test(terminal_rendering),
#ifdef CONFIG_QR_IMAGE
		cmocka_unit_test(png_decodes),
		cmocka_unit_test(module_matrix),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
