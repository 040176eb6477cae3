/*
 * sandbox.h - what wardend's confined helper processes share: the
 * network process (netproc.h) and the QR decoder (warden-qrdecode) each
 * load their own system call allow-list through one loader.
 */
#ifndef WARDEN_SANDBOX_H
#define WARDEN_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

/* A process that made a call outside its allow-list exits with this. */
#define SANDBOX_DENIED_EXIT 159

#ifdef CONFIG_NETPROC_SECCOMP
#include <seccomp.h>

/* A rule with a condition on one argument: (argument & mask) == value;
 * mask SANDBOX_ARG_ALL: equality; mask 0: no condition. */
#define SANDBOX_ARG_ALL ((scmp_datum_t)-1)
struct sandbox_rule {
	uint32_t action;	/* SCMP_ACT_ALLOW, SCMP_ACT_ERRNO(e) */
	int sys;
	unsigned arg;
	scmp_datum_t mask, value;
};

/*
 * Loads a seccomp filter: the calls of allowed[] allowed, the rules of
 * cond[] on their condition, tgkill to the process itself (abort(), a
 * sanitizer's report), anything else trapped: the SIGSYS handler writes
 * "<who>: system call N outside the seccomp allow-list" to stderr and
 * the process exits SANDBOX_DENIED_EXIT. who must be a static string.
 * Returns 0, or -1 with err.
 */
int sandbox_seccomp_load(const char *who, const int *allowed,
    size_t nallowed, const struct sandbox_rule *cond, size_t ncond,
    char *err, size_t errlen);
#endif

#endif /* WARDEN_SANDBOX_H */
