/*
 * jsonline.c - splits a byte stream into bounded lines.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/core/core.h"

void
jsonline_init(struct jsonline *jl, size_t max)
{
	memset(jl, 0, sizeof(*jl));
	jl->max = max;
}

void
jsonline_free(struct jsonline *jl)
{
	free(jl->buf);
	memset(jl, 0, sizeof(*jl));
}

int
jsonline_feed(struct jsonline *jl, const char *data, size_t len,
    void (*fn)(char *line, void *arg), void *arg)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t take = nl != NULL ? (size_t)(nl - data) : len;

		if (jl->len + take > jl->max) {
			jl->len = 0;
			return -1;
		}
		if (jl->len + take + 1 > jl->cap) {
			size_t cap = jl->cap ? jl->cap : 4096;
			char *nb;

			while (cap < jl->len + take + 1)
				cap *= 2;
			if ((nb = realloc(jl->buf, cap)) == NULL) {
				jl->len = 0;
				return -1;
			}
			jl->buf = nb;
			jl->cap = cap;
		}
		memcpy(jl->buf + jl->len, data, take);
		jl->len += take;
		if (nl == NULL)
			break;
		jl->buf[jl->len] = '\0';
		jl->len = 0;
		fn(jl->buf, arg);
		data = nl + 1;
		len -= take + 1;
	}
	return 0;
}
