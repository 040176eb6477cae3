/*
 * sd_notify.h - telling systemd how the agent is doing (sd_notify(3)'s
 * datagram protocol on $NOTIFY_SOCKET, no libsystemd needed): READY=1
 * once the store is open and the control socket listens, STATUS= with
 * the agent's state and verdict, RELOADING=1 / READY=1 around a SIGHUP,
 * STOPPING=1, and WATCHDOG=1 from a loop timer when the unit sets
 * WatchdogSec= (so a hung loop gets the agent restarted).
 *
 * Compiled with CONFIG_SYSTEMD; without it every call below is an empty
 * inline. Outside systemd ($NOTIFY_SOCKET unset) nothing is sent and no
 * timer is armed: the agent never wakes up for nothing.
 */
#ifndef WARDEN_SD_NOTIFY_H
#define WARDEN_SD_NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profiles/posture.h"
#include "agent/core/core.h"

struct wardend;

/* A notification is at most this long. */
#define SDNOTIFY_MSG_MAX 512

#ifdef CONFIG_SYSTEMD
/*
 * Sends msg (e.g. "READY=1\nSTATUS=...") to the socket $NOTIFY_SOCKET
 * names (a path, or "@name" in the abstract namespace). Returns 1 when
 * sent, 0 when NOTIFY_SOCKET is unset or empty (not under systemd), -1
 * with errno set when it could not be sent. Does not block.
 */
int sdnotify_send(const char *msg);
/*
 * The watchdog ping interval from WatchdogSec='s environment: `usec` is
 * $WATCHDOG_USEC, `pid` $WATCHDOG_PID (either may be NULL), `self` this
 * process. When usec is a positive decimal and pid is NULL or names
 * self, stores half the timeout in milliseconds (at least 1) in *ms and
 * returns 0; otherwise returns -1 (no watchdog for this process). Pure.
 */
int sdnotify_watchdog_interval(const char *usec, const char *pid, pid_t self,
    uint64_t *ms);
/*
 * Writes the STATUS= text into buf: the agent state and, when a verdict
 * is known (r not NULL), whether the device is compliant, e.g. "MANAGED,
 * compliant" or "STANDALONE, not compliant (NonCompliant)". Pure.
 */
void sdnotify_status_text(enum agent_state s, const struct posture_result *r,
    char *buf, size_t len);
/* Sends READY=1 with the status and arms the watchdog timer. */
void sdnotify_ready(struct wardend *d);
/* Sends the status again (after a scan: state or verdict may change). */
void sdnotify_status(struct wardend *d);
/* RELOADING=1 before a SIGHUP reload; READY=1 after it. */
void sdnotify_reloading(struct wardend *d);
void sdnotify_reloaded(struct wardend *d);
/* STOPPING=1; closes the watchdog timer. */
void sdnotify_stopping(struct wardend *d);
#else
static inline void
sdnotify_ready(struct wardend *d)
{
	(void)d;
}

static inline void
sdnotify_status(struct wardend *d)
{
	(void)d;
}

static inline void
sdnotify_reloading(struct wardend *d)
{
	(void)d;
}

static inline void
sdnotify_reloaded(struct wardend *d)
{
	(void)d;
}

static inline void
sdnotify_stopping(struct wardend *d)
{
	(void)d;
}
#endif

#endif /* WARDEN_SD_NOTIFY_H */
