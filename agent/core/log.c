/*
 * log.c - logging to stderr (foreground) or syslog, OpenBSD style.
 *
 * Under systemd (`wardend -d` with stderr connected to the journal, as
 * $JOURNAL_STREAM tells) each line starts with its syslog priority in
 * sd-daemon(3)'s "<N>" form and carries no timestamp of its own: the
 * journal keeps both, so `journalctl -p warning` finds the warnings.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "agent/core/core.h"

static bool log_foreground = true;
static bool log_journal;	/* stderr is the journal's stream */
static int log_level = LOG_LVL_INFO;
static const char *log_proc = "";	/* "" or " network" */

static const char *const level_names[] = { "error", "warning", "info",
	"debug" };

/* True when $JOURNAL_STREAM ("DEVICE:INODE") is what fd 2 is. */
static bool
stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	int end = 0;

	if (env == NULL || sscanf(env, "%llu:%llu%n", &dev, &ino, &end) != 2 ||
	    env[end] != '\0' || fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(bool foreground, int level)
{
	log_foreground = foreground;
	log_level = level;
	log_journal = foreground && stderr_is_journal();
	if (!foreground)
		openlog("wardend", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setprocname(const char *name)
{
	log_proc = name;
}

void
log_setlevel(int level)
{
	log_level = level;
}

int
log_getlevel(void)
{
	return log_level;
}

const char *
log_level_name(int level)
{
	if (level < 0 || level > LOG_LVL_DEBUG)
		return "unknown";
	return level_names[level];
}

int
log_level_parse(const char *s, int *level)
{
	int i;

	for (i = 0; i <= LOG_LVL_DEBUG; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*level = i;
			return 0;
		}
	}
	return -1;
}

static void
vlog(int level, int errnum, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char msg[2048];
	size_t n;

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errnum != 0) {
		n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(errnum));
	}
	if (log_foreground && log_journal) {
		fprintf(stderr, "<%d>%s\n", prio[level], msg);
	} else if (log_foreground) {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld wardend%s: %s%s\n", when,
		    ts.tv_nsec / 1000000L, log_proc,
		    level == LOG_LVL_ERR ? "error: " :
		    level == LOG_LVL_WARN ? "warning: " : "", msg);
	} else {
		syslog(prio[level], "%s%s%s", log_proc[0] != '\0' ?
		    log_proc + 1 : "", log_proc[0] != '\0' ? ": " : "", msg);
	}
}

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_WARN, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_WARN, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
