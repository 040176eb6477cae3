/*
 * qrdecode.c - warden-qrdecode, the QR decoder wardend runs for a camera
 * scan so that no picture is ever decoded in the privileged parent. It
 * confines itself before it reads a byte: the network process's empty
 * root, user, no capabilities, no new privileges (netproc_sandbox()),
 * then a seccomp allow-list of little more than read, write and memory.
 * It then reads one PNG or binary PGM image from standard input (at most
 * PROV_IMAGE_MAX bytes), writes the text of the first QR code in it to
 * standard output and exits:
 *
 *   0  a QR code; its text on standard output
 *   1  no QR code in the image
 *   2  not an image it takes, or a code it refuses (too long, NUL)
 *   3  it could not confine itself
 *   159 a system call outside its allow-list (sandbox.h)
 *
 * usage: warden-qrdecode [-u user] [-r root]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/transport/netproc.h"
#include "agent/provision/provision.h"
#include "agent/provision/qrdecode.h"
#include "agent/core/sandbox.h"

#ifdef CONFIG_NETPROC_SECCOMP
/* Reading standard input, writing the answer, memory, leaving; and what
 * the sanitizers of a test build use. No file, socket or process. */
static const int allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(close), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(lseek),
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise),
	SCMP_SYS(futex), SCMP_SYS(sched_yield), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(clock_gettime),
	SCMP_SYS(sysinfo),	/* glibc's qsort asks how much memory there is */
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* Files: refused, quietly (zbar's character-set conversion looks for
 * its modules; there are none in the empty root anyway). */
static const struct sandbox_rule refused[] = {
	{ SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 0, 0, 0 },
	{ SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 0, 0, 0 },
};

static int
filter(char *err, size_t errlen)
{
	return sandbox_seccomp_load("warden-qrdecode", allowed,
	    sizeof(allowed) / sizeof(allowed[0]), refused,
	    sizeof(refused) / sizeof(refused[0]), err, errlen);
}
#else
static int
filter(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	log_warnx("seccomp: not in this build (CONFIG_NETPROC_SECCOMP): "
	    "the QR decoder runs without a system call filter");
	return 0;
}
#endif

/* Leaves without running atexit handlers: a sanitizer's leak check
 * would need calls the filter refuses. */
static void __attribute__((noreturn))
leave(int code)
{
	fflush(stdout);
	fflush(stderr);
	_exit(code);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: warden-qrdecode [-u user] [-r root]\n");
	leave(QRDECODE_INVALID);
}

int
main(int argc, char **argv)
{
	struct netproc_conf conf = { CONFIG_NETWORK_USER, CONFIG_NETWORK_ROOT,
		true, LOG_LVL_ERR };
	char err[512], text[PROV_QR_MAX + 1];
	size_t len = 0, textlen = 0, cap = 64 * 1024;
	char *buf;
	ssize_t n;
	int ch, rc;

	while ((ch = getopt(argc, argv, "u:r:")) != -1) {
		switch (ch) {
		case 'u':
			conf.user = optarg;
			break;
		case 'r':
			conf.root = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	/* Run for every frame of a scan: quiet but for errors. */
	log_init(true, LOG_LVL_ERR);
	if (netproc_sandbox(&conf, err, sizeof(err)) != 0 ||
	    filter(err, sizeof(err)) != 0) {
		fprintf(stderr, "warden-qrdecode: %s\n", err);
		leave(QRDECODE_UNCONFINED);
	}
	if ((buf = malloc(cap)) == NULL)
		leave(QRDECODE_INVALID);
	for (;;) {
		if (len == cap) {
			char *nb;

			if (cap >= PROV_IMAGE_MAX + 1 ||
			    (nb = realloc(buf, cap * 2)) == NULL)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(STDIN_FILENO, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (len > PROV_IMAGE_MAX) {
		fprintf(stderr, "warden-qrdecode: image larger than %d bytes\n",
		    PROV_IMAGE_MAX);
		leave(QRDECODE_INVALID);
	}
	if ((rc = prov_qr_image_decode_buf("image", buf, len, text,
	    sizeof(text), &textlen, err, sizeof(err))) != 0) {
		if (rc == -2)
			leave(QRDECODE_NONE);
		fprintf(stderr, "warden-qrdecode: %s\n", err);
		leave(QRDECODE_INVALID);
	}
	if (memchr(text, '\0', textlen) != NULL) {
		fprintf(stderr, "warden-qrdecode: a NUL byte in the code\n");
		leave(QRDECODE_INVALID);
	}
	if (fwrite(text, 1, textlen, stdout) != textlen)
		leave(QRDECODE_INVALID);
	leave(QRDECODE_FOUND);
}
