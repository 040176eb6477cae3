/*
 * mdm_main.c - wardenmdm, the reference MDM server of warden's HTTPS
 * binding (docs/protocol/README.md) and its admin CLI.
 *
 * usage: wardenmdm --dir DIR [--db postgresql://...] command [argument ...]
 *        wardenmdm --help | --version
 * --dir and --db may come before or after the command; --db (else
 * $WARDEN_MDM_DB) puts the database on PostgreSQL instead of DIR/mdm.db.
 * Exit codes: 0 success, 1 failure, 2 bad usage or invalid input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_db.h"
#include "agent/core/core.h"

/* --help: everything on stdout. */
static void
help(void)
{
	printf("usage: wardenmdm --dir DIR [--db postgresql://...] command "
	    "[argument ...]\n"
	    "       wardenmdm --help | --version\n"
	    "  serve [--listen ADDR:PORT] [--cert-days N] [--poll-timeout N] "
	    "[--san NAME]\n"
	    "        [--no-command-signing] [--inject-faults FILE] "
	    "[--console-dir DIR]\n"
	    "        [--console-idle SECONDS] [-v]\n"
	    "  admin login-url [--ttl SECONDS] [--server URL] | admin passwd\n"
	    "  token new --mode MODE [--server URL] [--ttl SECONDS] "
	    "[--qr FILE.png|-]\n"
	    "            [--json FILE] [--wifi-ssid SSID [--wifi-password "
	    "PASSWORD]]\n"
	    "            [--group NAME]\n"
	    "  token new --mode MODE --count N [--ttl SECONDS]\n"
	    "  policy set FILE [--device ID | --group NAME] [--json]\n"
	    "  group add NAME | group assign NAME ID ... | group unassign "
	    "ID ...\n"
	    "        [--json]\n"
	    "  groups [--json]\n"
	    "  devices [--group NAME] [--non-compliant] [--not-seen MINUTES] "
	    "[--json]\n"
	    "  summary [--json]\n"
	    "  device ID [--json]\n"
	    "  command ID TYPE [--param KEY=VALUE | --param KEY:=JSON ...] "
	    "[--duration 600s]\n"
	    "          [--signing-key FILE.pem | --signature JWS | --unsigned] "
	    "[--sign-lifetime 600s]\n"
	    "          [--json]\n"
	    "  command-redeliver ID CMD [--json]\n"
	    "  reports ID [--count | --json]\n"
	    "  results ID [--json]\n"
	    "  attest-verify (--cert DEVICE_CERT.pem | --device ID) "
	    "[--audience AUD]\n"
	    "                [--nonce N] [--json] TOKEN|-   (--dir only "
	    "with --device)\n"
	    "Exit codes: 0 success, 1 failure, 2 bad usage or invalid input. "
	    "See wardenmdm(1).\n");
}

void
mdm_usage(void)
{
	fprintf(stderr, "usage: wardenmdm --dir DIR [--db URL] command "
	    "[argument ...] "
	    "(wardenmdm --help lists the commands)\n");
}


/* Takes every "--dir DIR" / "--dir=DIR" and "--db URL" / "--db=URL" out
 * of argv; the last of each wins. */
static int
take_dir(int *argc, char **argv, const char **dir, const char **db)
{
	int i, j = 1;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--dir") == 0) {
			if (i + 1 == *argc)
				return -1;
			*dir = argv[++i];
		} else if (strncmp(argv[i], "--dir=", 6) == 0) {
			*dir = argv[i] + 6;
		} else if (strcmp(argv[i], "--db") == 0) {
			if (i + 1 == *argc)
				return -1;
			*db = argv[++i];
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			*db = argv[i] + 5;
		} else {
			argv[j++] = argv[i];
		}
	}
	argv[j] = NULL;
	*argc = j;
	return 0;
}

int
main(int argc, char **argv)
{
	const char *dir = NULL, *db = NULL;

	/* Keys, the database and QR codes holding tokens: owner-only. */
	umask(077);
	if (take_dir(&argc, argv, &dir, &db) != 0 || argc < 2) {
		mdm_usage();
		return MDM_EXIT_USAGE;
	}
	if (db == NULL && (db = getenv(MDM_DB_ENV)) != NULL && db[0] == '\0')
		db = NULL;
	if (db != NULL && !mdm_db_is_url(db)) {
		fprintf(stderr, "wardenmdm: --db: not a postgresql:// URL (the "
		    "SQLite database is DIR/%s, the default)\n", MDM_DB_FILE);
		return MDM_EXIT_USAGE;
	}
	/* The store opens what the environment names (mdm_db_spec). */
	if (db != NULL && setenv(MDM_DB_ENV, db, 1) != 0) {
		fprintf(stderr, "wardenmdm: --db: out of memory\n");
		return MDM_EXIT_FAIL;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		help();
		return MDM_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("wardenmdm %s\n", WARDEN_VERSION);
		return MDM_EXIT_OK;
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, "wardenmdm: unknown option \"%s\" (wardenmdm "
		    "--help lists the commands and options)\n", argv[1]);
		return MDM_EXIT_USAGE;
	}
	/* A gateway developer verifies with the certificate alone. */
	if (strcmp(argv[1], "attest-verify") == 0)
		return mdm_cmd_attest_verify(dir, argc - 1, argv + 1);
	if (dir == NULL || dir[0] == '\0') {
		fprintf(stderr, "wardenmdm: --dir DIR is required\n");
		return MDM_EXIT_USAGE;
	}
	if (strcmp(argv[1], "serve") == 0)
		return mdm_cmd_serve(dir, argc - 1, argv + 1);
	if (strcmp(argv[1], "token") == 0)
		return mdm_cmd_token(dir, argc - 1, argv + 1);
	if (strcmp(argv[1], "admin") == 0)
		return mdm_cmd_console_admin(dir, argc - 1, argv + 1);
	return mdm_cmd_admin(dir, argc - 1, argv + 1);
}
