/*
 * mdm_log.c - wardenmdm's log: one line per message on stderr, from any
 * thread.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tools/mdm/mdm.h"

static int log_level = MDM_LOG_INFO;

void
mdm_log_init(int level)
{
	log_level = level;
}

static void
vlog(int level, int errnum, const char *fmt, va_list ap)
{
	char msg[1024], line[1200];
	struct timespec ts;
	struct tm tm;
	char when[16];

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	snprintf(line, sizeof(line), "%s.%03ld wardenmdm: %s%s%s%s\n", when,
	    ts.tv_nsec / 1000000L, level == MDM_LOG_WARN ? "warning: " : "",
	    msg, errnum != 0 ? ": " : "", errnum != 0 ? strerror(errnum) : "");
	/* One write per line keeps the threads' lines whole. */
	fputs(line, stderr);
}

void
mdm_log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(MDM_LOG_WARN, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
mdm_log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(MDM_LOG_WARN, 0, fmt, ap);
	va_end(ap);
}

void
mdm_log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(MDM_LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void
mdm_log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(MDM_LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}
