/*
 * provision_qrimage.c - the QR code in a picture (a PNG, or a binary PGM
 * as camera tools write them): libpng or a small PGM reader gives 8-bit
 * grey pixels, libzbar finds the first QR code. Built with
 * CONFIG_QR_IMAGE; provision.h stubs it out otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zbar.h>

#include "agent/provision/provision.h"

/* Bounds on the picture: a phone photo fits, a decompression bomb not. */
#define IMAGE_SIDE_MAX 8192
#define IMAGE_PIXELS_MAX (32u * 1024 * 1024)

struct grey {
	uint8_t *px;
	unsigned w, h;
};

static int
check_size(const char *path, unsigned long w, unsigned long h, char *err,
    size_t errlen)
{
	if (w == 0 || h == 0 || w > IMAGE_SIDE_MAX || h > IMAGE_SIDE_MAX ||
	    w * h > IMAGE_PIXELS_MAX)
		return prov_err(err, errlen, "%s: image size %lux%lu out of "
		    "bounds (at most %dx%d)", path, w, h, IMAGE_SIDE_MAX,
		    IMAGE_SIDE_MAX);
	return 0;
}

static int
read_png(const char *path, const char *buf, size_t len, struct grey *g,
    char *err, size_t errlen)
{
	png_image img;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, buf, len))
		return prov_err(err, errlen, "%s: bad PNG: %s", path,
		    img.message);
	if (check_size(path, img.width, img.height, err, errlen) != 0) {
		png_image_free(&img);
		return -1;
	}
	img.format = PNG_FORMAT_GRAY;
	g->w = img.width;
	g->h = img.height;
	if ((g->px = malloc(PNG_IMAGE_SIZE(img))) == NULL) {
		png_image_free(&img);
		return prov_err(err, errlen, "%s: out of memory", path);
	}
	if (!png_image_finish_read(&img, NULL, g->px, 0, NULL)) {
		prov_err(err, errlen, "%s: bad PNG: %s", path, img.message);
		free(g->px);
		g->px = NULL;
		return -1;
	}
	return 0;
}

/* A decimal header field of a PGM, after white space and comments. */
static int
pgm_number(const char *buf, size_t len, size_t *pos, unsigned long *v)
{
	size_t digits = 0;

	for (;;) {
		if (*pos >= len)
			return -1;
		if (buf[*pos] == '#') {
			while (*pos < len && buf[*pos] != '\n' && buf[*pos] != '\r')
				(*pos)++;
		} else if (buf[*pos] == ' ' || buf[*pos] == '\t' ||
		    buf[*pos] == '\n' || buf[*pos] == '\r' ||
		    buf[*pos] == '\v' || buf[*pos] == '\f')
			(*pos)++;
		else
			break;
	}
	*v = 0;
	while (*pos < len && buf[*pos] >= '0' && buf[*pos] <= '9') {
		if (++digits > 6)
			return -1;
		*v = *v * 10 + (unsigned long)(buf[*pos] - '0');
		(*pos)++;
	}
	return digits > 0 ? 0 : -1;
}

/* Netpbm binary greymap: "P5" width height maxval, one space, pixels. */
static int
read_pgm(const char *path, const char *buf, size_t len, struct grey *g,
    char *err, size_t errlen)
{
	unsigned long w, h, maxval, i;
	size_t pos = 2;
	const uint8_t *src;

	if (len < 3 || (buf[2] != ' ' && buf[2] != '\t' && buf[2] != '\n' &&
	    buf[2] != '\r'))
		return prov_err(err, errlen, "%s: bad PGM header", path);
	if (pgm_number(buf, len, &pos, &w) != 0 ||
	    pgm_number(buf, len, &pos, &h) != 0 ||
	    pgm_number(buf, len, &pos, &maxval) != 0 || pos >= len ||
	    (buf[pos] != ' ' && buf[pos] != '\t' && buf[pos] != '\n' &&
	    buf[pos] != '\r'))
		return prov_err(err, errlen, "%s: bad PGM header", path);
	pos++;
	if (maxval == 0 || maxval > 65535)
		return prov_err(err, errlen, "%s: bad PGM maximum value", path);
	if (maxval > 255)
		return prov_err(err, errlen, "%s: 16-bit PGM not supported",
		    path);
	if (check_size(path, w, h, err, errlen) != 0)
		return -1;
	if (len - pos < w * h)
		return prov_err(err, errlen, "%s: PGM pixel data truncated",
		    path);
	if ((g->px = malloc(w * h)) == NULL)
		return prov_err(err, errlen, "%s: out of memory", path);
	src = (const uint8_t *)buf + pos;
	for (i = 0; i < w * h; i++)
		g->px[i] = (uint8_t)(src[i] > maxval ? 255 :
		    src[i] * 255 / maxval);
	g->w = (unsigned)w;
	g->h = (unsigned)h;
	return 0;
}

static int
scan_qr(const char *path, const struct grey *g, char *text, size_t cap,
    size_t *len, char *err, size_t errlen)
{
	zbar_image_scanner_t *scanner;
	const zbar_symbol_t *sym;
	zbar_image_t *image;
	int n, rc = -1;

	if ((scanner = zbar_image_scanner_create()) == NULL)
		return prov_err(err, errlen, "%s: out of memory", path);
	if ((image = zbar_image_create()) == NULL) {
		zbar_image_scanner_destroy(scanner);
		return prov_err(err, errlen, "%s: out of memory", path);
	}
	zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	/* Raw bytes: the JSON parser checks the UTF-8 itself, where zbar
	 * would guess at a character set and convert. */
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(image, g->w, g->h);
	zbar_image_set_data(image, g->px, (unsigned long)g->w * g->h, NULL);
	n = zbar_scan_image(scanner, image);
	if (n < 0) {
		prov_err(err, errlen, "%s: QR decoder failed", path);
		goto out;
	}
	for (sym = zbar_image_first_symbol(image); sym != NULL;
	    sym = zbar_symbol_next(sym))
		if (zbar_symbol_get_type(sym) == ZBAR_QRCODE)
			break;
	if (sym == NULL) {
		prov_err(err, errlen, "%s: no QR code found", path);
		rc = -2;
		goto out;
	}
	*len = zbar_symbol_get_data_length(sym);
	if (*len >= cap) {
		prov_err(err, errlen, "%s: QR code text longer than %zu bytes",
		    path, cap - 1);
		*len = 0;
		goto out;
	}
	memcpy(text, zbar_symbol_get_data(sym), *len);
	text[*len] = '\0';
	rc = 0;
out:
	zbar_image_destroy(image);
	zbar_image_scanner_destroy(scanner);
	return rc;
}

int
prov_qr_image_decode_buf(const char *name, const char *buf, size_t blen,
    char *text, size_t cap, size_t *len, char *err, size_t errlen)
{
	static const char png_sig[8] = { (char)0x89, 'P', 'N', 'G', '\r', '\n',
		0x1a, '\n' };
	struct grey g = { 0 };
	int rc;

	*len = 0;
	if (cap > 0)
		text[0] = '\0';
	if (cap == 0)
		return prov_err(err, errlen, "%s: no room for the text", name);
	if (blen >= 8 && memcmp(buf, png_sig, 8) == 0)
		rc = read_png(name, buf, blen, &g, err, errlen);
	else if (blen >= 2 && buf[0] == 'P' && buf[1] == '5')
		rc = read_pgm(name, buf, blen, &g, err, errlen);
	else
		rc = prov_err(err, errlen,
		    "%s: not a PNG or binary PGM (P5) image", name);
	if (rc != 0)
		return -1;
	rc = scan_qr(name, &g, text, cap, len, err, errlen);
	prov_secret_free(g.px, (size_t)g.w * g.h);
	return rc;
}

int
prov_qr_image_decode(const char *path, char *text, size_t cap, size_t *len,
    char *err, size_t errlen)
{
	size_t flen;
	char *buf;
	int rc;

	*len = 0;
	if (cap > 0)
		text[0] = '\0';
	if (prov_file_read(path, PROV_IMAGE_MAX, &buf, &flen, err, errlen) != 0)
		return -1;
	rc = prov_qr_image_decode_buf(path, buf, flen, text, cap, len, err,
	    errlen);
	/* The picture may show a Wi-Fi password: scrub what we read. */
	prov_secret_free(buf, flen);
	return rc;
}

int
prov_from_qr_image(const char *path, const struct prov_defaults *defs,
    struct prov_request *req, char *err, size_t errlen)
{
	char text[PROV_QR_MAX + 1];
	size_t len;
	int rc;

	prov_request_clear(req);
	if (prov_qr_image_decode(path, text, sizeof(text), &len, err,
	    errlen) != 0)
		return -1;
	rc = prov_from_qr_text(text, len, defs, req, err, errlen);
	explicit_bzero(text, sizeof(text));
	return rc;
}
