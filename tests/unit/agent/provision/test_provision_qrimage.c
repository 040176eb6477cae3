/*
 * test_provision_qrimage.c - QR codes from pictures: a payload is
 * encoded with libqrencode, written as PNG (libpng) or binary PGM, and
 * must come back byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <png.h>
#include <qrencode.h>

#include "agent/provision/provision.h"
#include "tests/unit/support.h"

#define SCALE 4
#define QUIET 4

static const char *tmp;

static int
setup(void **state)
{
	(void)state;
	tmp = test_tmpdir();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	test_rmtree(tmp);
	return 0;
}

/* The QR code of text as 8-bit grey pixels (black modules on white). */
static uint8_t *
render(const char *text, unsigned *side)
{
	QRcode *qr = QRcode_encodeData((int)strlen(text),
	    (const unsigned char *)text, 0, QR_ECLEVEL_L);
	unsigned x, y, n;
	uint8_t *px;

	assert_non_null(qr);
	n = (unsigned)(qr->width + 2 * QUIET) * SCALE;
	px = malloc((size_t)n * n);
	assert_non_null(px);
	memset(px, 255, (size_t)n * n);
	for (y = 0; y < n; y++)
		for (x = 0; x < n; x++) {
			int mx = (int)(x / SCALE) - QUIET, my = (int)(y / SCALE) - QUIET;
			if (mx >= 0 && my >= 0 && mx < qr->width && my < qr->width &&
			    (qr->data[my * qr->width + mx] & 1))
				px[y * n + x] = 0;
		}
	*side = n;
	QRcode_free(qr);
	return px;
}

static void
write_png(const char *path, const uint8_t *px, unsigned side)
{
	png_image img;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = side;
	img.height = side;
	img.format = PNG_FORMAT_GRAY;
	assert_true(png_image_write_to_file(&img, path, 0, px, 0, NULL));
}

static void
write_pgm(const char *path, const uint8_t *px, unsigned side, unsigned max)
{
	FILE *f = fopen(path, "wb");
	size_t i;

	assert_non_null(f);
	fprintf(f, "P5\n# written by a test\n%u %u\n%u\n", side, side, max);
	for (i = 0; i < (size_t)side * side; i++)
		fputc(px[i] ? (int)max : 0, f);
	fclose(f);
}

static char *
fixture(const char *name)
{
	char path[512];
	char *buf;

	snprintf(path, sizeof(path), "%s/tests/data/provisioning/%s",
	    test_srctree(), name);
	buf = test_read_file(path, NULL);
	assert_non_null(buf);
	return buf;
}

static void
test_png_round_trip(void **state)
{
	char *payload = fixture("warden-fully-managed.json");
	char path[256], text[PROV_QR_MAX + 1], err[256] = "";
	struct prov_request r;
	unsigned side;
	uint8_t *px;
	size_t len;

	(void)state;
	px = render(payload, &side);
	snprintf(path, sizeof(path), "%s/qr.png", tmp);
	write_png(path, px, side);
	if (prov_qr_image_decode(path, text, sizeof(text), &len, err,
	    sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	assert_int_equal(len, strlen(payload));
	assert_string_equal(text, payload);
	if (prov_from_qr_image(path, NULL, &r, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	assert_string_equal(r.server_url, "https://127.0.0.1:8443");
	assert_string_equal(r.wifi.password, "correct horse battery staple");
	free(px);
	free(payload);
}

static void
test_utf8_payload_is_not_converted(void **state)
{
	static const char payload[] = "{\"android.app.extra.PROVISIONING_"
	    "ORGANIZATION_NAME\": \"M\xc3\xbcller \xe6\x97\xa5\xe6\x9c\xac\"}";
	char path[256], text[512], err[256] = "";
	unsigned side;
	uint8_t *px;
	size_t len;

	(void)state;
	px = render(payload, &side);
	snprintf(path, sizeof(path), "%s/utf8.png", tmp);
	write_png(path, px, side);
	assert_int_equal(prov_qr_image_decode(path, text, sizeof(text), &len,
	    err, sizeof(err)), 0);
	assert_string_equal(text, payload);
	free(px);
}

static void
test_pgm_round_trip(void **state)
{
	char *payload = fixture("qr-short-aliases-lwm2m.json");
	char path[256], text[PROV_QR_MAX + 1], err[256] = "";
	struct prov_request r;
	unsigned side;
	uint8_t *px;
	size_t len;

	(void)state;
	px = render(payload, &side);
	snprintf(path, sizeof(path), "%s/qr.pgm", tmp);
	write_pgm(path, px, side, 255);
	assert_int_equal(prov_qr_image_decode(path, text, sizeof(text), &len,
	    err, sizeof(err)), 0);
	assert_string_equal(text, payload);
	/* A maximum value below 255 is scaled. */
	write_pgm(path, px, side, 15);
	if (prov_from_qr_image(path, NULL, &r, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	assert_int_equal(r.binding, PROV_BINDING_LWM2M);
	assert_string_equal(r.psk_identity, "urn:imei:350000000000017");
	free(px);
	free(payload);
}

static void
expect_decode_error(const char *path, size_t cap, const char *want)
{
	char text[PROV_QR_MAX + 1], err[512] = "", full[512];
	size_t len = 99;

	/* -2 says the picture holds no code; every other failure is -1. */
	assert_int_equal(prov_qr_image_decode(path, text, cap, &len, err,
	    sizeof(err)), strcmp(want, "no QR code found") == 0 ? -2 : -1);
	snprintf(full, sizeof(full), "%s: %s", path, want);
	assert_string_equal(err, full);
	assert_int_equal(len, 0);
}

static void
test_errors(void **state)
{
	char path[256];
	unsigned side;
	uint8_t *px;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/none.png", tmp);
	expect_decode_error(path, 100, "No such file or directory");
	snprintf(path, sizeof(path), "%s/text.txt", tmp);
	assert_int_equal(test_write_file(path, "{\"not\": \"an image\"}"), 0);
	expect_decode_error(path, 100, "not a PNG or binary PGM (P5) image");
	/* A blank picture. */
	px = malloc(64 * 64);
	assert_non_null(px);
	memset(px, 255, 64 * 64);
	snprintf(path, sizeof(path), "%s/blank.png", tmp);
	write_png(path, px, 64);
	expect_decode_error(path, 100, "no QR code found");
	free(px);
	/* The text does not fit the caller's buffer. */
	px = render("0123456789", &side);
	snprintf(path, sizeof(path), "%s/short.png", tmp);
	write_png(path, px, side);
	expect_decode_error(path, 10, "QR code text longer than 9 bytes");
	free(px);
	/* A PNG cut short. */
	snprintf(path, sizeof(path), "%s/cut.png", tmp);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 1, 16, f);
	fclose(f);
	assert_int_equal(prov_qr_image_decode(path, (char[8]){ 0 }, 8,
	    &(size_t){ 0 }, (char[256]){ 0 }, 256), -1);
	snprintf(path, sizeof(path), "%s/wide.pgm", tmp);
	assert_int_equal(test_write_file(path, "P5 9000 10 255\n"), 0);
	expect_decode_error(path, 100,
	    "image size 9000x10 out of bounds (at most 8192x8192)");
	snprintf(path, sizeof(path), "%s/deep.pgm", tmp);
	assert_int_equal(test_write_file(path, "P5 2 2 65535\n"), 0);
	expect_decode_error(path, 100, "16-bit PGM not supported");
	snprintf(path, sizeof(path), "%s/short.pgm", tmp);
	assert_int_equal(test_write_file(path, "P5 4 4 255\nabc"), 0);
	expect_decode_error(path, 100, "PGM pixel data truncated");
	snprintf(path, sizeof(path), "%s/bad.pgm", tmp);
	assert_int_equal(test_write_file(path, "P5 4 x 255\n"), 0);
	expect_decode_error(path, 100, "bad PGM header");
	snprintf(path, sizeof(path), "%s/glued.pgm", tmp);
	assert_int_equal(test_write_file(path, "P54 4 255\n"), 0);
	expect_decode_error(path, 100, "bad PGM header");
	snprintf(path, sizeof(path), "%s/zero.pgm", tmp);
	assert_int_equal(test_write_file(path, "P5 4 4 0\n"), 0);
	expect_decode_error(path, 100, "bad PGM maximum value");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_round_trip),
		cmocka_unit_test(test_utf8_payload_is_not_converted),
		cmocka_unit_test(test_pgm_round_trip),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
