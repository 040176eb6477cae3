/*
 * clock.c - the wall clock, the boot clock and the boot id, real or
 * simulated (WARDEN_TEST_CLOCK, test builds only: test_hooks.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/core/clock.h"
#include "agent/core/test_hooks.h"
#include "agent/core/core.h"

#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"

int
clock_boot_id_valid(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		if (n >= CLOCK_BOOT_ID_MAX || !((s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= 'A' && s[n] <= 'Z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return 0;
	return n > 0;
}

int
clock_read_small(const char *path, char *buf, size_t size, size_t *len)
{
	ssize_t r = 0;
	size_t n = 0;
	char extra;
	int fd, saved = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		if (n < size - 1)
			r = read(fd, buf + n, size - 1 - n);
		else
			r = read(fd, &extra, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			saved = errno;
		else if (r > 0 && n == size - 1)
			saved = EFBIG;
		if (r <= 0 || saved != 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (saved != 0) {
		errno = saved;
		return -1;
	}
	buf[n] = '\0';
	*len = n;
	return 0;
}

/* A decimal in [0, max], the whole of s. */
static int
parse_secs(const char *s, int64_t max, int64_t *out)
{
	int64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

int
clock_parse(const char *text, size_t len, struct clock_now *now, char *err,
    size_t errlen)
{
	char buf[CLOCK_TEST_FILE_MAX + 1], *p, *tok, *eq;
	int seen_wall = 0, seen_boot = 0, seen_id = 0;

	if (len > CLOCK_TEST_FILE_MAX) {
		snprintf(err, errlen, "longer than %d bytes",
		    CLOCK_TEST_FILE_MAX);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "contains a NUL byte");
		return -1;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (strchr(buf, '\n') != NULL || strchr(buf, '\r') != NULL) {
		snprintf(err, errlen, "more than one line");
		return -1;
	}
	memset(now, 0, sizeof(*now));
	for (p = buf; (tok = strsep(&p, " \t")) != NULL;) {
		if (*tok == '\0')
			continue;
		if ((eq = strchr(tok, '=')) == NULL) {
			snprintf(err, errlen, "%.32s: not name=value", tok);
			return -1;
		}
		*eq++ = '\0';
		if (strcmp(tok, "wall") == 0) {
			if (seen_wall++) {
				snprintf(err, errlen, "wall: given twice");
				return -1;
			}
			if (parse_secs(eq, CLOCK_WALL_MAX, &now->wall) != 0) {
				snprintf(err, errlen, "wall: not seconds in "
				    "[0, %lld]", CLOCK_WALL_MAX);
				return -1;
			}
		} else if (strcmp(tok, "boot") == 0) {
			if (seen_boot++) {
				snprintf(err, errlen, "boot: given twice");
				return -1;
			}
			if (parse_secs(eq, CLOCK_BOOT_MAX, &now->boot) != 0) {
				snprintf(err, errlen, "boot: not seconds in "
				    "[0, %lld]", CLOCK_BOOT_MAX);
				return -1;
			}
		} else if (strcmp(tok, "boot_id") == 0) {
			if (seen_id++) {
				snprintf(err, errlen, "boot_id: given twice");
				return -1;
			}
			if (!clock_boot_id_valid(eq)) {
				snprintf(err, errlen, "boot_id: not 1-%d "
				    "letters, digits or '-'",
				    CLOCK_BOOT_ID_MAX);
				return -1;
			}
			snprintf(now->boot_id, sizeof(now->boot_id), "%s", eq);
		} else {
			snprintf(err, errlen, "%.32s: unknown field", tok);
			return -1;
		}
	}
	if (!seen_wall || !seen_boot || !seen_id) {
		snprintf(err, errlen, "%s: missing", !seen_wall ? "wall" :
		    !seen_boot ? "boot" : "boot_id");
		return -1;
	}
	return 0;
}

static int64_t
clamp(int64_t v, int64_t max)
{
	return v < 0 ? 0 : v > max ? max : v;
}

void
clock_read(struct clock_now *now)
{
	struct timespec ts;
	size_t len;

	if (test_hooks_clock(now) == 0)
		return;
	memset(now, 0, sizeof(*now));
	if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
		now->wall = clamp(ts.tv_sec, CLOCK_WALL_MAX);
	if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0)
		now->boot = clamp(ts.tv_sec, CLOCK_BOOT_MAX);
	else
		log_warn("clock: CLOCK_BOOTTIME");
	if (clock_read_small(BOOT_ID_PATH, now->boot_id, sizeof(now->boot_id),
	    &len) != 0) {
		log_warn("clock: %s", BOOT_ID_PATH);
		now->boot_id[0] = '\0';
		return;
	}
	if (len > 0 && now->boot_id[len - 1] == '\n')
		now->boot_id[len - 1] = '\0';
	if (!clock_boot_id_valid(now->boot_id)) {
		log_warnx("clock: %s: not a boot id; reboots are told by the "
		    "boot clock alone", BOOT_ID_PATH);
		now->boot_id[0] = '\0';
	}
}
