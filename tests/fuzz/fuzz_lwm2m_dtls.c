/*
 * fuzz_lwm2m_dtls.c - the reader of the TLS backend's log lines
 * (agent/transport/lwm2m/lwm2m_dtls.c); a line may carry the peer
 * certificate's name.
 * requires: CONFIG_TRANSPORT_LWM2M
 *
 * Invariants: whatever the lines, the cause's detail and the worded
 * failure are NUL-terminated printable ASCII within their bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_dtls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
printable(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n == max)
		abort();
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lwm2m_dtls_cause c;
	char why[LWM2M_WHY_MAX];
	const char *p = (const char *)data, *end = p + size, *nl;

	if (size > 16384)
		return 0;
	memset(&c, 0, sizeof(c));
	/* One call per line, as libcoap logs them. */
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		lwm2m_dtls_note(&c, p, (size_t)(nl - p));
		p = nl + 1;
	}
	printable(c.detail, sizeof(c.detail));
	lwm2m_dtls_explain(&c, LWM2M_SEC_PSK, "id", "host", false, why,
	    sizeof(why));
	printable(why, sizeof(why));
	lwm2m_dtls_explain(&c, LWM2M_SEC_CERT, NULL, NULL, true, why,
	    sizeof(why));
	printable(why, sizeof(why));
	return 0;
}
