/*
 * netproc.h - privilege separation (docs/privsep.md): wardend's parent
 * keeps the store, the device key, the HAL and the control socket; a
 * network process, started from the same binary, speaks TLS and HTTP to
 * the MDM server as its own uid, in an empty root, without capabilities
 * and under a seccomp allow-list. They talk over a socketpair with the
 * messages of agent/transport/netmsg.h.
 *
 * The parent's side is a protocol binding (netproxy.c): it implements
 * struct transport_ops by sending requests to the network process and
 * turning its replies, each checked as untrusted input, into the
 * callbacks the agent core expects. The network process (netproc.c)
 * runs the real `rest` binding and asks the parent to sign the TLS
 * handshake's digest when the server wants the device certificate.
 */
#ifndef WARDEN_NETPROC_H
#define WARDEN_NETPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <uv.h>

#include "agent/transport/transport.h"
#include "agent/warden.h"

/* The network process's end of the socketpair. */
#define NETPROC_FD 3
/* How long the network process waits for a signature. */
#define NETPROC_SIGN_MS 10000

struct netproc;

/* How the network process is confined (wardend.conf). */
struct netproc_conf {
	const char *user;	/* its uid and gid ("nobody" if unknown) */
	const char *root;	/* an empty directory it is chrooted to */
	bool foreground;	/* log to stderr, else syslog */
	int log_level;
};

/* netproxy.c (parent) */
/*
 * Starts the network process (the running binary, executed again with a
 * hidden -N) and the proxy binding's channel to it on loop. When the
 * process dies it is logged and started again with backoff; its open
 * transports are set up again and their outstanding operations fail
 * with UNREACHABLE. Returns 0 and *out, or -1 with err.
 */
int netproc_start(uv_loop_t *loop, const struct netproc_conf *c,
    struct netproc **out, char *err, size_t errlen);
/* Stops it (the process exits at the socket's EOF) and closes the
 * handles; every transport must have been closed. NULL-safe. */
void netproc_stop(struct netproc *np);
/* Frees np after the loop has ended; NULL-safe. */
void netproc_free(struct netproc *np);
/* The network process's pid, or 0 while it is not running. */
pid_t netproc_pid(const struct netproc *np);
/*
 * The binding a session uses for a provisioning binding name: the proxy
 * when np runs and the binding is `rest`, else transport_find(binding).
 * Its connect() needs params->net = np.
 */
const struct transport_ops *netproc_binding(struct netproc *np,
    const char *binding);

/* netproc.c (network process) */
/* main() of the network process: argv as netproxy.c builds it. Never
 * returns. */
void netproc_main(int argc, char **argv) __attribute__((noreturn));

/* netproc_sandbox.c (network process) */
/*
 * Confines the calling process: chroot to c->root (created 0755 when
 * missing; refused unless a root-owned directory no one else can write),
 * its groups, gid and uid set to c->user's (all three ids), every
 * capability dropped from the bounding set, PR_SET_NO_NEW_PRIVS. Not
 * root: only no_new_privs (and a warning). Returns 0, or -1 with err.
 */
int netproc_sandbox(const struct netproc_conf *c, char *err, size_t errlen);

/* netproc_seccomp.c (network process; CONFIG_NETPROC_SECCOMP) */
#ifdef CONFIG_NETPROC_SECCOMP
/*
 * Loads the seccomp allow-list (docs/privsep.md). A call outside it
 * traps: the process writes the call's number to stderr and exits 159,
 * or (SIGSYS blocked at that moment) is killed by SIGSYS; the parent
 * logs either. Returns 0, or -1 with err.
 */
int netproc_seccomp(char *err, size_t errlen);
#else
static inline int
netproc_seccomp(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	log_warnx("seccomp: not in this build (CONFIG_NETPROC_SECCOMP): "
	    "the network process runs without a system call filter");
	return 0;
}
#endif

#endif /* WARDEN_NETPROC_H */
