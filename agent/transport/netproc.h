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
#include "agent/core/core.h"

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

struct netmsg;
struct netmsg_buf;

/* netproxy.c: the LwM2M binding's channel (lwm2m_session.c). */
struct netproc_lwm2m_ops {
	/* A message of an LWM2M_* type the network process may send,
	 * parsed whole (netmsg_parse()); the rest is for the session to
	 * check. */
	void (*message)(void *arg, const struct netmsg *m);
	/* A network process was started again: it knows nothing of the
	 * session (send LWM2M_START and LWM2M_STATE). */
	void (*restarted)(void *arg);
	/* May the parent resolve host:port for it (a server of the
	 * Security object the session stored)? */
	bool (*may_resolve)(void *arg, const char *host, int port);
	void *arg;
};
/* Attaches (or, ops NULL, detaches) the session; ops is borrowed. */
void netproc_lwm2m_attach(struct netproc *np,
    const struct netproc_lwm2m_ops *ops);
/* Sends the LWM2M_* messages in b (its bytes are taken) to the running
 * network process; nothing is queued for a restart (restarted() starts
 * it again). Returns 0, or -1 when there is no process. */
int netproc_lwm2m_send(struct netproc *np, struct netmsg_buf *b);
/* Sends LWM2M_STOP: netproc_stop() then waits for LWM2M_STOPPED (the
 * de-registration) at most ms before it closes the channel. */
void netproc_lwm2m_stop(struct netproc *np, unsigned ms);

/* netproc.c (network process) */
/* main() of the network process: argv as netproxy.c builds it. Never
 * returns. */
void netproc_main(int argc, char **argv) __attribute__((noreturn));

struct sockaddr;
/* Sends the messages in b to the parent and frees b (a failed b is
 * logged and dropped). */
void netproc_send(struct netmsg_buf *b);
/* Waits (blocking the loop, at most NETPROC_SIGN_MS) for the parent's
 * message of type (a netmsg_type) answering id; messages read meanwhile
 * are handled afterwards. Returns 0 and *m (netmsg_clear() it), or -1. */
int netproc_await(int type, uint32_t id, struct netmsg *m);
/* Has the parent resolve host:port (RESOLVE); cb runs later, once, with
 * the first address or NULL and why, unless cancelled. 0 or -1. */
int netproc_resolve(const char *host, uint16_t port,
    void (*cb)(void *arg, const struct sockaddr *sa, const char *why),
    void *arg);
/* Drops the resolutions started with arg. */
void netproc_resolve_cancel(void *arg);

/* netproc_lwm2m.c (network process; CONFIG_TRANSPORT_LWM2M) */
#ifdef CONFIG_TRANSPORT_LWM2M
void netproc_lwm2m_init(uv_loop_t *loop, struct crypto_rng *rng);
/* LWM2M_START, LWM2M_STATE, LWM2M_STOP, LWM2M_DONE from the parent. */
void netproc_lwm2m_dispatch(const struct netmsg *m);
#endif

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
