/*
 * pem.c - PEM armour around DER.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/pem.h>

#include "crypto/crypto_int.h"

#define LABEL_MAX 40

int
crypto_pem_encode(const char *label, const void *der, size_t len, char **pem)
{
	char header[LABEL_MAX + 32], footer[LABEL_MAX + 32];
	size_t cap, olen;
	unsigned char *buf;

	*pem = NULL;
	if (strlen(label) > LABEL_MAX || len == 0 || len > 16 * 1024 * 1024)
		return -1;
	snprintf(header, sizeof(header), "-----BEGIN %s-----\n", label);
	snprintf(footer, sizeof(footer), "-----END %s-----\n", label);
	/* Base64 grows by 4/3, plus a newline every 64 characters. */
	cap = strlen(header) + strlen(footer) + (len + 2) / 3 * 4 +
	    len / 48 + 8;
	if ((buf = malloc(cap)) == NULL)
		return -1;
	if (mbedtls_pem_write_buffer(header, footer, der, len, buf, cap,
	    &olen) != 0) {
		free(buf);
		return -1;
	}
	*pem = (char *)buf;
	return 0;
}

int
crypto_pem_input(const void *data, size_t len, unsigned char **buf,
    size_t *buflen)
{
	*buf = NULL;
	*buflen = 0;
	if (len == 0 || (*buf = malloc(len + 1)) == NULL)
		return -1;
	memcpy(*buf, data, len);
	(*buf)[len] = '\0';
	/* Text (no NUL inside) is offered with its NUL so that mbedTLS
	 * tries PEM; binary input keeps its exact length and is DER. */
	*buflen = memchr(data, '\0', len) == NULL ? len + 1 : len;
	return 0;
}
