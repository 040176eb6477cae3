/*
 * error.c - the "field: reason" messages of crypto/.
 */
#include <stdarg.h>
#include <stdio.h>

#include <mbedtls/error.h>

#include "crypto/crypto_int.h"

void
crypto_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void
crypto_seterr_mbedtls(char *err, size_t errlen, const char *what, int ret)
{
	char text[128];

	if (err == NULL || errlen == 0)
		return;
	mbedtls_strerror(ret, text, sizeof(text));
	crypto_seterr(err, errlen, "%s: %s (-0x%04x)", what, text,
	    (unsigned int)-ret);
}
