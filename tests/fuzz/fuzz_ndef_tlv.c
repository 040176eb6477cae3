/*
 * fuzz_ndef_tlv.c - the Type 2 Tag memory parser of the Linux HAL's NFC
 * reader (hal/linux/linux_ndef_tlv.c). An input is a tag's memory image
 * from page 0 (seeds: NTAG213/NTAG216 dumps).
 *
 * Invariants: a message found is non-empty and fits the data area; with
 * a buffer one byte short the same image gives -EMSGSIZE and a zeroised
 * buffer, with exactly its size the same bytes; the image read back
 * page by page through linux_t2t_read() gives the same answer.
 *
 * requires: CONFIG_HAL_LINUX
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hal/linux/linux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DATA_MAX (255 * 8)

struct tag {
	const uint8_t *mem;
	size_t len;
};

/* READ over the input; pages past its end NAK. */
static int
read4(void *arg, uint8_t page, uint8_t *out)
{
	const struct tag *t = arg;
	size_t off = (size_t)page * 4;

	if (off + 16 > t->len)
		return -EIO;
	memcpy(out, t->mem + off, 16);
	return 0;
}

static int
extract(const uint8_t *mem, size_t len, uint8_t *out, size_t cap,
    size_t *n)
{
	return linux_ndef_tlv_extract(mem, len, out, cap, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *mem, *out, *again, image[LINUX_T2T_MEM_MAX];
	struct tag t;
	size_t n, n2, imlen, i;
	int rc, rc2;

	if (size > 4096)
		return 0;
	/* Exact-size copies: a read past either is caught. */
	mem = malloc(size > 0 ? size : 1);
	out = malloc(DATA_MAX);
	again = malloc(DATA_MAX);
	if (mem == NULL || out == NULL || again == NULL)
		abort();
	memcpy(mem, data, size);
	rc = extract(mem, size, out, DATA_MAX, &n);
	if (rc == 0) {
		if (n == 0 || n > DATA_MAX)
			abort();
		if (extract(mem, size, again, n - 1, &n2) != -EMSGSIZE ||
		    n2 != 0)
			abort();
		for (i = 0; i < n - 1; i++)
			if (again[i] != 0)
				abort();
		if (extract(mem, size, again, n, &n2) != 0 || n2 != n ||
		    memcmp(out, again, n) != 0)
			abort();
	} else if (rc != -ENODATA && rc != -EBADMSG) {
		abort();
	} else if (n != 0) {
		abort();
	}
	t.mem = mem;
	t.len = size;
	rc2 = linux_t2t_read(read4, &t, image, sizeof(image), &imlen);
	if (rc2 == 0) {
		if (imlen > size || memcmp(image, mem, imlen) != 0)
			abort();
		rc2 = extract(image, imlen, again, DATA_MAX, &n2);
		/* Only a message past page 255 reads differently. */
		if (imlen < LINUX_T2T_MEM_MAX && (rc2 != rc ||
		    (rc == 0 && (n2 != n || memcmp(out, again, n) != 0))))
			abort();
	} else if (rc2 != -EIO && rc2 != -ENODATA) {
		abort();
	}
	free(mem);
	free(out);
	free(again);
	return 0;
}
