/*
 * mdm_qr.c - the provisioning QR code: Android's JSON payload (with
 * warden's settings in the admin extras bundle, docs/provisioning.md),
 * encoded with libqrencode and written as a PNG (libpng) or drawn on a
 * terminal with Unicode half blocks, or handed to the admin console as a
 * matrix of modules that its page draws.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <png.h>
#include <qrencode.h>

#include "tools/mdm/mdm.h"

#define QUIET 4		/* modules of quiet zone, as the standard asks */

int
mdm_qr_payload(const struct mdm_qr_settings *s, bool pretty, char **out,
    char *err, size_t errlen)
{
	char pin[CRYPTO_SHA256_LEN * 2];
	cJSON *root, *extras;
	bool ok;

	*out = NULL;
	if (crypto_b64url_encode(s->pin, CRYPTO_SHA256_LEN, pin,
	    sizeof(pin)) != 0) {
		snprintf(err, errlen, "pin: encoding failed");
		return -1;
	}
	root = cJSON_CreateObject();
	ok = root != NULL && cJSON_AddStringToObject(root,
	    "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME",
	    "warden/.Agent") != NULL;
	if (ok && s->wifi_ssid != NULL) {
		ok = cJSON_AddStringToObject(root,
		    "android.app.extra.PROVISIONING_WIFI_SSID", s->wifi_ssid) !=
		    NULL && cJSON_AddStringToObject(root,
		    "android.app.extra.PROVISIONING_WIFI_SECURITY_TYPE",
		    s->wifi_password != NULL ? "WPA" : "NONE") != NULL;
		if (ok && s->wifi_password != NULL)
			ok = cJSON_AddStringToObject(root,
			    "android.app.extra.PROVISIONING_WIFI_PASSWORD",
			    s->wifi_password) != NULL;
	}
	extras = ok ? cJSON_AddObjectToObject(root,
	    "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE") : NULL;
	ok = extras != NULL &&
	    cJSON_AddStringToObject(extras, "warden.SERVER_URL",
	    s->server_url) != NULL &&
	    cJSON_AddStringToObject(extras, "warden.BINDING", "rest") != NULL &&
	    cJSON_AddStringToObject(extras, "warden.ENROLLMENT_TOKEN",
	    s->token) != NULL &&
	    cJSON_AddStringToObject(extras, "warden.SERVER_CERT_SHA256", pin) !=
	    NULL &&
	    cJSON_AddStringToObject(extras, "warden.MODE", s->mode) != NULL;
	if (ok)
		*out = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
	if (extras != NULL) {
		cJSON *t = cJSON_GetObjectItemCaseSensitive(extras,
		    "warden.ENROLLMENT_TOKEN");
		if (cJSON_IsString(t))
			crypto_zero(t->valuestring, strlen(t->valuestring));
	}
	cJSON_Delete(root);
	if (*out == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * Level M for print: a quarter of the code may be damaged or badly lit.
 * Level L on a screen, which is neither: the code stays small enough
 * for an 80-column terminal.
 */
static QRcode *
encode(const char *text, QRecLevel level, char *err, size_t errlen)
{
	QRcode *qr;

	qr = QRcode_encodeString(text, 0, level, QR_MODE_8, 1);
	if (qr == NULL)
		snprintf(err, errlen, "QR encoding: %s", errno == ERANGE ?
		    "the payload does not fit in a QR code" : strerror(errno));
	return qr;
}

static bool
dark(const QRcode *qr, int x, int y)
{
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return false;
	return (qr->data[y * qr->width + x] & 1) != 0;
}

static void
png_fail(png_structp png, png_const_charp msg)
{
	char *err = png_get_error_ptr(png);

	snprintf(err, MDM_ERR_MAX, "PNG: %s", msg);
	png_longjmp(png, 1);
}

/* Writes the code, one bit per pixel, 1 = white. */
static int
write_png(FILE *fp, const QRcode *qr, int scale, unsigned char *row,
    char *err)
{
	png_structp png;
	png_infop info;
	int side = (qr->width + 2 * QUIET) * scale, y, x;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, err, png_fail,
	    NULL);
	if (png == NULL) {
		snprintf(err, MDM_ERR_MAX, "PNG: out of memory");
		return -1;
	}
	info = png_create_info_struct(png);
	if (info == NULL || setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_init_io(png, fp);
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1,
	    PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < side; y++) {
		memset(row, 0xff, (size_t)(side + 7) / 8);
		for (x = 0; x < side; x++) {
			if (dark(qr, x / scale - QUIET, y / scale -
			    QUIET))
				row[x / 8] &= (unsigned char)~(0x80 >> (x % 8));
		}
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int
mdm_qr_png(const char *text, const char *path, int scale, char *err,
    size_t errlen)
{
	char perr[MDM_ERR_MAX] = "";
	unsigned char *row = NULL;
	QRcode *qr;
	FILE *fp = NULL;
	int fd, rc = -1;

	if (scale < 1 || scale > 32) {
		snprintf(err, errlen, "QR scale: 1 to 32");
		return -1;
	}
	if ((qr = encode(text, QR_ECLEVEL_M, err, errlen)) == NULL)
		return -1;
	row = malloc((size_t)((qr->width + 2 * QUIET) * scale + 7) / 8);
	/* The code carries an enrollment token: owner-only. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0 && fchmod(fd, 0600) == 0)
		fp = fdopen(fd, "wb");
	if (row == NULL || fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, row == NULL ?
		    "out of memory" : strerror(errno));
		if (fp == NULL && fd >= 0)
			close(fd);
		goto out;
	}
	if (write_png(fp, qr, scale, row, perr) != 0) {
		snprintf(err, errlen, "%s: %s", path, perr);
		goto out;
	}
	rc = 0;
out:
	if (fp != NULL && fclose(fp) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(row);
	QRcode_free(qr);
	return rc;
}

int
mdm_qr_term_width(const char *text, char *err, size_t errlen)
{
	QRcode *qr;
	int w;

	if ((qr = encode(text, QR_ECLEVEL_L, err, errlen)) == NULL)
		return -1;
	w = qr->width + 2 * QUIET;
	QRcode_free(qr);
	return w;
}

int
mdm_qr_term(const char *text, FILE *fp, char *err, size_t errlen)
{
	/* Light modules are drawn, dark ones left blank: the code reads
	 * right on the usual dark terminal background. */
	static const char *const cell[4] = {
		" ",		/* both dark */
		"\xe2\x96\x84",	/* lower half light: U+2584 */
		"\xe2\x96\x80",	/* upper half light: U+2580 */
		"\xe2\x96\x88",	/* both light: U+2588 */
	};
	QRcode *qr;
	int x, y, lo, hi;

	if ((qr = encode(text, QR_ECLEVEL_L, err, errlen)) == NULL)
		return -1;
	lo = -QUIET;
	hi = qr->width + QUIET;
	for (y = lo; y < hi; y += 2) {
		for (x = lo; x < hi; x++) {
			int top = !dark(qr, x, y);
			int bottom = y + 1 < hi ? !dark(qr, x, y + 1) : 0;
			fputs(cell[top << 1 | bottom], fp);
		}
		fputc('\n', fp);
	}
	QRcode_free(qr);
	return 0;
}

int
mdm_qr_matrix(const char *text, int *size, char **rows, char *err,
    size_t errlen)
{
	QRcode *qr;
	size_t n;
	int x, y;

	*rows = NULL;
	if ((qr = encode(text, QR_ECLEVEL_M, err, errlen)) == NULL)
		return -1;
	n = (size_t)qr->width * (size_t)qr->width;
	if ((*rows = malloc(n + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		QRcode_free(qr);
		return -1;
	}
	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x++)
			(*rows)[y * qr->width + x] = dark(qr, x, y) ? '1' : '0';
	(*rows)[n] = '\0';
	*size = qr->width;
	QRcode_free(qr);
	return 0;
}
