/*
 * wardend.c - the device-management agent daemon.
 *
 * usage: wardend [-dnv] [-f file] [-H hal] [-S state-dir] [-s socket]
 *                [-P policy-file] [-R rules-file]
 *        wardend --help | --version
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/core/core.h"
#include "agent/provision/provision.h"
#include "agent/transport/transport.h"
#include "agent/policy/policy.h"
#include "agent/session/session.h"
#include "agent/daemon/daemon.h"
#include "agent/transport/netproc.h"

/* --help: the usage on stdout, exit 0. */
static void __attribute__((noreturn))
usage(void)
{
	printf("usage: wardend [-dnv] [-f file] [-H hal] [-S state-dir] "
	    "[-s socket]\n"
	    "               [-P policy-file] [-R rules-file]\n"
	    "       wardend --help | --version\n"
	    "  -d, --foreground      stay in the foreground, log to stderr\n"
	    "  -n, --check-config    check the configuration and exit\n"
	    "  -v, --verbose         log debug messages\n"
	    "  -f, --config FILE     configuration file (default %s)\n"
	    "  -H, --hal NAME:ARG    HAL backend (built in:",
	    CONFIG_DEFAULT_CONFIG_FILE);
	for (const char *const *n = hal_backend_names(); *n != NULL; n++)
		printf(" %s", *n);
	printf(")\n"
	    "  -S, --state-dir DIR   database and sealed keys\n"
	    "  -s, --socket PATH     control socket\n"
	    "  -P, --policy FILE     apply a local policy (standalone)\n"
	    "  -R, --rules FILE      apply posture rules\n"
	    "See wardend(8) and wardend.conf(5).\n");
	exit(EXIT_OK);
}

/* A usage error: one line naming it and where to look, exit 2. */
static void __attribute__((noreturn))
bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, "wardend: %s \"%s\" (wardend --help shows the "
	    "usage)\n", what, arg);
	exit(EXIT_USAGE);
}

/* Copies an option argument into a config field, or dies naming it. */
static void
set_opt(char *dst, size_t len, const char *val, const char *what)
{
	if (strlen(val) >= len)
		fatalx("%s: longer than %zu bytes", what, len - 1);
	memcpy(dst, val, strlen(val) + 1);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "hal", required_argument, NULL, 'H' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'f' },
		{ "policy", required_argument, NULL, 'P' },
		{ "rules", required_argument, NULL, 'R' },
		{ "foreground", no_argument, NULL, 'd' },
		{ "check-config", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct wardend d;
	const char *hal = NULL, *state_dir = NULL, *sock = NULL;
	const char *policy = NULL, *rules = NULL;
	bool foreground = false, check_only = false;
	int verbose = 0, ch;
	char err[512], opt[3] = "-?";

	/* The network process is this binary run again (netproc.c). */
	if (argc > 1 && strcmp(argv[1], "-N") == 0)
		netproc_main(argc, argv);
	log_init(true, LOG_LVL_INFO);
	config_defaults(&d.conf);
	snprintf(d.conf_path, sizeof(d.conf_path), "%s",
	    CONFIG_DEFAULT_CONFIG_FILE);
	opterr = 0;	/* one line of our own instead of getopt's and ours */
	while ((ch = getopt_long(argc, argv, ":dnvf:H:S:s:P:R:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage();
		case 'V':
			printf("wardend %s\n", WARDEN_VERSION);
			return EXIT_OK;
		case ':':
			bad_usage("missing argument of", argv[optind - 1]);
		case '?':
			opt[1] = (char)optopt;
			bad_usage("unknown option", optopt != 0 ? opt :
			    argv[optind - 1]);
		case 'd':
			foreground = true;
			break;
		case 'n':
			check_only = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'f':
			set_opt(d.conf_path, sizeof(d.conf_path), optarg,
			    "-f");
			d.conf_given = true;
			break;
		case 'H':
			hal = optarg;
			break;
		case 'S':
			state_dir = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'P':
			policy = optarg;
			break;
		case 'R':
			rules = optarg;
			break;
		default:
			bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (optind != argc)
		bad_usage("unexpected argument", argv[optind]);

	/* The default file is optional; a named one must exist. */
	if (d.conf_given || access(d.conf_path, F_OK) == 0) {
		d.conf_given = true;
		if (config_load(&d.conf, d.conf_path, err, sizeof(err)) != 0) {
			fprintf(stderr, "wardend: %s\n", err);
			return EXIT_FAIL;
		}
	}
	if (hal != NULL)
		set_opt(d.conf.hal, sizeof(d.conf.hal), hal, "--hal");
	if (state_dir != NULL)
		set_opt(d.conf.state_dir, sizeof(d.conf.state_dir), state_dir,
		    "--state-dir");
	if (sock != NULL)
		set_opt(d.conf.control_socket, sizeof(d.conf.control_socket),
		    sock, "--socket");
	/* Absolute: without -d the daemon runs in /. */
	if (policy != NULL && realpath(policy, d.conf.policy_file) == NULL)
		fatal("--policy %s", policy);
	if (rules != NULL && realpath(rules, d.conf.rules_file) == NULL)
		fatal("--rules %s", rules);
	if (verbose > 0)
		d.conf.log_level = LOG_LVL_DEBUG;
	/* Before anything is created: a product build has no simulator. */
	if (hal_check_spec(d.conf.hal, err, sizeof(err)) != 0) {
		fprintf(stderr, "wardend: %s\n", err);
		return EXIT_FAIL;
	}
	if (check_only) {
		if (verbose > 0)
			config_dump(&d.conf, stdout);
		fprintf(stderr, "configuration OK\n");
		return EXIT_OK;
	}

	/* A peer that hangs up before its reply must cost a write EPIPE,
	 * not the agent (control socket, server connections). */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal SIGPIPE");
	/* HAL jobs run one at a time: one work-queue thread is enough. */
	setenv("UV_THREADPOOL_SIZE", "1", 0);
	log_init(foreground, d.conf.log_level);
	if (!foreground && daemon(0, 0) != 0)
		fatal("daemon");
	log_info("wardend %s starting", WARDEN_VERSION);
	d.foreground = foreground;
	daemon_start(&d);
	uv_run(d.loop, UV_RUN_DEFAULT);
	daemon_cleanup(&d);
	log_info("stopped");
	return EXIT_OK;
}
