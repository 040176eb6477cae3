/*
 * wardenctl.c - the command-line client of wardend.
 *
 * usage: wardenctl [-j] [-s socket] command [argument ...]
 * Exit codes: 0 success, 1 failure, 2 bad usage or invalid input,
 * 3 agent not reachable.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/core.h"
#include "agent/ctl/ctl.h"

typedef int (*cmd_fn)(const struct ctl_opts *, int, char **);

/* With --json, errors are collected and printed as JSON at the end. */
static bool json_errors;
static char json_error[1024];

void
wctl_err(const char *fmt, ...)
{
	char msg[sizeof(json_error)], *m = msg;
	size_t n, used;
	va_list ap;

	va_start(ap, fmt);
	if (!json_errors) {
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (strncmp(m, "wardenctl: ", 11) == 0)
		m += 11;
	n = strlen(m);
	while (n > 0 && m[n - 1] == '\n')
		m[--n] = '\0';
	used = strlen(json_error);
	if (used > 0 && used + 2 < sizeof(json_error)) {
		memcpy(json_error + used, "; ", 2);
		used += 2;
	}
	if (n > sizeof(json_error) - 1 - used)
		n = sizeof(json_error) - 1 - used;
	memcpy(json_error + used, m, n);
	json_error[used + n] = '\0';
}

int
wctl_finish(int code)
{
	cJSON *e;
	char *text;

	if (!json_errors || json_error[0] == '\0')
		return code;
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "error", json_error);
	cJSON_AddNumberToObject(e, "exit", code);
	if ((text = cJSON_PrintUnformatted(e)) != NULL)
		printf("%s\n", text);
	free(text);
	cJSON_Delete(e);
	json_error[0] = '\0';
	return code;
}

/* --help: everything on stdout, exit 0. */
static void __attribute__((noreturn))
help(void)
{
	printf("usage: wardenctl [-j] [-s socket] command [argument ...]\n"
	    "commands:\n"
	    "  status                  agent state and health\n"
	    "  facts                   posture facts of the last scan\n"
	    "  scan                    scan posture now\n"
	    "  sim set KEY VALUE       set a fact of the simulated device\n"
	    "  sim fail OP ERRNO       make a simulated HAL op fail (0 clears)\n"
	    "  sim delay OP MS         make a simulated HAL op slow (0 clears)\n"
	    "  sim repo PKG VERSION    offer a package in the simulated source\n"
	    "  sim app PKG VERSION     install (\"none\": remove) it by hand\n"
	    "  sim show                print the simulated device's state\n"
	    "  compliance              verdict, then each failing setting\n"
	    "  policy check FILE       validate a policy (fieldPath: reason) and\n"
	    "                          say what each setting will do\n"
	    "  policy apply FILE       apply a local policy (standalone)\n"
	    "  policy show             the policy in force, setting by setting\n"
	    "  rules check FILE        validate a posture rules document\n"
	    "  rules apply FILE        apply posture rules\n"
	    "  provision (--qr-image FILE | --qr-text FILE|- | --nfc-ndef FILE |\n"
	    "             --nfc-properties FILE | --token afw#ID --code CODE |\n"
	    "             --camera | --nfc) [--dry-run]\n"
	    "                          provision this device\n"
	    "  provision share --ndef OUT\n"
	    "                          write the NDEF message for the next device\n"
	    "  attest [--audience AUD] [--nonce N]\n"
	    "                          a signed compliance token (any user)\n"
	    "  retire [--yes] [--force]\n"
	    "                          leave management: restore, unenroll, "
	    "forget\n");
	printf("       wardenctl --help | --version\n"
	    "  -j, --json              print the agent's reply as JSON\n"
	    "  -s, --socket PATH       the agent's control socket (default "
	    "%s;\n"
	    "                          also $WARDEN_SOCKET)\n"
	    "Exit codes: 0 success, 1 failure, 2 bad usage or invalid input, "
	    "3 agent not\nreachable. See wardenctl(1).\n",
	    CONFIG_DEFAULT_CONTROL_SOCKET);
	exit(EXIT_OK);
}

void
wctl_usage(void)
{
	wctl_err("usage: wardenctl [-j] [-s socket] command "
	    "[argument ...] (wardenctl --help lists the commands)\n");
	exit(wctl_finish(EXIT_USAGE));
}

void
wctl_bad_option(char **argv)
{
	/* optopt is 0 for an unknown long option, the option's value when
	 * its argument is missing. */
	wctl_err("wardenctl %s: %s \"%s\" (wardenctl --help lists "
	    "the commands and options)\n", argv[0], optopt == 0 ?
	    "unknown option" : "missing argument of", argv[optind - 1]);
	exit(wctl_finish(EXIT_USAGE));
}

/* An unknown command or option: one line naming it, exit 2. */
static void __attribute__((noreturn))
bad_usage(const char *what, const char *arg)
{
	wctl_err("wardenctl: %s \"%s\" (wardenctl --help lists "
	    "the commands and options)\n", what, arg);
	exit(wctl_finish(EXIT_USAGE));
}

/*
 * Sends req and handles transport errors and error replies. Returns the
 * exit code; on success *result is the reply's result (owned by *reply,
 * which the caller deletes).
 */
int
wctl_call(const struct ctl_opts *o, cJSON *req, cJSON **reply, cJSON **result)
{
	char err[512];
	int code;
	const cJSON *ok, *e, *x;

	*reply = NULL;
	*result = NULL;
	if (ctl_request(o->socket, req, reply, err, sizeof(err), &code) != 0) {
		cJSON_Delete(req);
		wctl_err("wardenctl: %s\n", err);
		return code;
	}
	cJSON_Delete(req);
	ok = cJSON_GetObjectItemCaseSensitive(*reply, "ok");
	if (!cJSON_IsTrue(ok)) {
		e = cJSON_GetObjectItemCaseSensitive(*reply, "error");
		x = cJSON_GetObjectItemCaseSensitive(*reply, "exit");
		wctl_err("wardenctl: %s\n", cJSON_IsString(e) ?
		    e->valuestring : "the agent refused the request");
		code = cJSON_IsNumber(x) && x->valueint >= 1 &&
		    x->valueint <= 3 ? x->valueint : EXIT_FAIL;
		cJSON_Delete(*reply);
		*reply = NULL;
		return code;
	}
	*result = cJSON_GetObjectItemCaseSensitive(*reply, "result");
	return EXIT_OK;
}

cJSON *
wctl_request(const char *cmd)
{
	cJSON *req = cJSON_CreateObject();

	cJSON_AddStringToObject(req, "cmd", cmd);
	return req;
}

void
wctl_print_json(const cJSON *v)
{
	char *text = cJSON_Print(v);

	if (text != NULL)
		printf("%s\n", text);
	free(text);
}

const char *
wctl_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

double
wctl_num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

char *
wctl_read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL) {
		wctl_err("wardenctl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(max + 2)) == NULL) {
		wctl_err("wardenctl: out of memory\n");
		if (f != stdin)
			fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max + 1, f);
	if (f != stdin)
		fclose(f);
	if (n > max) {
		wctl_err("wardenctl: %s: larger than %zu bytes\n", path,
		    max);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* A time of the reply (RFC 3339, or null for never), for the eye. */
static const char *
when(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "never";
}

/* Whether the reply's time is set (not null). */
static bool
has_time(const cJSON *o, const char *name)
{
	return cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, name));
}

/* The server's part of the status (absent when there is none). */
static void
print_server(const cJSON *r)
{
	if (*wctl_str(r, "server") == '\0' && *wctl_str(r, "serverError") ==
	    '\0')
		return;
	if (*wctl_str(r, "server") != '\0')
		printf("server:       %s%s%s\n", wctl_str(r, "server"),
		    *wctl_str(r, "deviceId") ? ", device " : "",
		    wctl_str(r, "deviceId"));
	printf("last contact: %s\n", when(r, "lastContactAt"));
	if (has_time(r, "nextRetryAt"))
		printf("next retry:   %s\n", when(r, "nextRetryAt"));
	if (has_time(r, "certificateRenewAt"))
		printf("cert renewal: %s\n", when(r, "certificateRenewAt"));
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r,
	    "signedCommands")))
		printf("commands:     destructive ones must be signed by the "
		    "server's command key\n");
	if (*wctl_str(r, "serverError") != '\0')
		printf("server error: %s\n", wctl_str(r, "serverError"));
}

/* Rows wait for a server only where there is one to deliver them to. */
static void
outbox_line(const cJSON *r)
{
	const char *state = wctl_str(r, "state");
	double n = wctl_num(r, "outboxPending");

	if (*wctl_str(r, "server") != '\0')
		printf("outbox:       %.0f waiting for the server\n", n);
	else if (n > 0 && (strcmp(state, "ENROLLING") == 0 ||
	    strcmp(state, "PROVISIONING") == 0))
		printf("outbox:       %.0f kept for the server being "
		    "enrolled with\n", n);
	else if (n > 0)
		printf("outbox:       %.0f kept (no server: %s)\n", n, state);
}

static int
cmd_status(const struct ctl_opts *o, int argc, char **argv)
{
	cJSON *reply, *r;
	const cJSON *pol;
	int code;

	(void)argv;
	if (argc != 1)
		wctl_usage();
	if ((code = wctl_call(o, wctl_request("status"), &reply, &r)) != EXIT_OK)
		return code;
	if (o->json) {
		wctl_print_json(r);
	} else {
		pol = cJSON_GetObjectItemCaseSensitive(r, "policy");
		printf("state:        %s\n", wctl_str(r, "state"));
		if (*wctl_str(r, "step"))
			printf("step:         %s\n", wctl_str(r, "step"));
		printf("agent:        wardend %s, pid %.0f, up %.0f s\n",
		    wctl_str(r, "version"), wctl_num(r, "pid"),
		    wctl_num(r, "uptimeSeconds"));
		if (wctl_num(r, "networkPid") > 0)
			printf("network:      pid %.0f, user %s, confined "
			    "(docs/privsep.md)\n", wctl_num(r, "networkPid"),
			    wctl_str(r, "networkUser"));
		else
			printf("network:      being started again\n");
		printf("hal:          %s\n", wctl_str(r, "hal"));
		printf("state dir:    %s\n", wctl_str(r, "stateDir"));
		printf("device key:   %s\n", wctl_str(r, "deviceKey"));
		printf("last scan:    %s (%.0f facts, every %.0f s)\n",
		    when(r, "lastScanAt"), wctl_num(r, "factCount"),
		    wctl_num(r, "scanIntervalSeconds"));
		if (cJSON_IsObject(pol))
			printf("policy:       %s version %.0f, %s\n",
			    *wctl_str(pol, "name") ? wctl_str(pol, "name") :
			    "(unnamed)", wctl_num(pol, "version"),
			    wctl_str(pol, "mode"));
		else
			printf("policy:       none\n");
		if (has_time(r, "evaluatedAt"))
			printf("compliance:   %s (evaluated %s; wardenctl "
			    "compliance tells why)\n", wctl_str(r, "verdict"),
			    when(r, "evaluatedAt"));
		outbox_line(r);
		if (wctl_num(r, "droppedReports") > 0 ||
		    wctl_num(r, "droppedResults") > 0)
			printf("dropped:      %.0f reports/events, %.0f command "
			    "results (%s)\n", wctl_num(r, "droppedReports"),
			    wctl_num(r, "droppedResults"),
			    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r,
			    "droppedAcknowledged")) ? "the server was told" :
			    "not yet told to the server");
		print_server(r);
	}
	cJSON_Delete(reply);
	return EXIT_OK;
}

static int
cmd_facts(const struct ctl_opts *o, int argc, char **argv)
{
	cJSON *reply, *r;
	const cJSON *f;
	int code;

	(void)argv;
	if (argc != 1)
		wctl_usage();
	if ((code = wctl_call(o, wctl_request("facts"), &reply, &r)) != EXIT_OK)
		return code;
	if (o->json) {
		wctl_print_json(r);
	} else {
		printf("scanned at %s\n", when(r, "scannedAt"));
		cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(r,
		    "facts")) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(f,
			    "value");
			char *text = cJSON_IsString(v) ?
			    strdup(v->valuestring) : cJSON_PrintUnformatted(v);
			printf("  %-32s %-9s %s\n", f->string,
			    wctl_str(f, "type"), text != NULL ? text : "");
			free(text);
		}
	}
	cJSON_Delete(reply);
	return EXIT_OK;
}

static int
cmd_scan(const struct ctl_opts *o, int argc, char **argv)
{
	cJSON *reply, *r;
	int code;

	(void)argv;
	if (argc != 1)
		wctl_usage();
	if ((code = wctl_call(o, wctl_request("scan"), &reply, &r)) != EXIT_OK)
		return code;
	if (o->json)
		wctl_print_json(r);
	else
		printf("scan %.0f: %.0f facts\n", wctl_num(r, "scanId"),
		    wctl_num(r, "factCount"));
	cJSON_Delete(reply);
	return EXIT_OK;
}

static int
cmd_sim(const struct ctl_opts *o, int argc, char **argv)
{
	cJSON *req, *reply, *r, *done = NULL;
	int code;

	if (argc < 2)
		wctl_usage();
	req = wctl_request("sim");
	cJSON_AddStringToObject(req, "verb", argv[1]);
	if (strcmp(argv[1], "set") == 0 || strcmp(argv[1], "fail") == 0 ||
	    strcmp(argv[1], "delay") == 0 || strcmp(argv[1], "repo") == 0 ||
	    strcmp(argv[1], "app") == 0) {
		if (argc != 4) {
			cJSON_Delete(req);
			wctl_usage();
		}
		cJSON_AddStringToObject(req, "key", argv[2]);
		cJSON_AddStringToObject(req, "value", argv[3]);
	} else if (strcmp(argv[1], "show") == 0) {
		if (argc != 2) {
			cJSON_Delete(req);
			wctl_usage();
		}
	} else {
		cJSON_Delete(req);
		wctl_err("wardenctl: sim: unknown verb \"%s\" (set, "
		    "fail, delay, repo, app, show)\n", argv[1]);
		return EXIT_USAGE;
	}
	if (o->json && strcmp(argv[1], "show") != 0)
		done = cJSON_Duplicate(req, true);
	cJSON_DeleteItemFromObject(done, "cmd");
	if ((code = wctl_call(o, req, &reply, &r)) != EXIT_OK) {
		cJSON_Delete(done);
		return code;
	}
	/* set and fail answer nothing but success: --json shows what was
	 * done. */
	if (r != NULL)
		wctl_print_json(r);
	else if (done != NULL)
		wctl_print_json(done);
	cJSON_Delete(done);
	cJSON_Delete(reply);
	return EXIT_OK;
}

static const struct {
	const char *name;
	cmd_fn fn;
} cmds[] = {
	{ "status", cmd_status },
	{ "facts", cmd_facts },
	{ "scan", cmd_scan },
	{ "sim", cmd_sim },
	{ "compliance", wctl_cmd_compliance },
	{ "rules", wctl_cmd_rules },
	{ "provision", wctl_cmd_provision },
	{ "policy", wctl_cmd_policy },
	{ "attest", wctl_cmd_attest },
	{ "retire", wctl_cmd_retire },
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char opt[3] = "-?";
	struct ctl_opts o = { CONFIG_DEFAULT_CONTROL_SOCKET, false };
	const char *env = getenv("WARDEN_SOCKET");
	size_t i;
	int ch;

	/* An agent that hangs up mid-request is reported, not a silent
	 * death by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (env != NULL && *env != '\0')
		o.socket = env;
	for (i = 1; i < (size_t)argc; i++)
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			json_errors = true;
	/* "+": options end at the command, whose own flags follow it. */
	opterr = 0;	/* one line of our own instead of getopt's */
	while ((ch = getopt_long(argc, argv, "+:js:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			help();
		case 'V':
			printf("wardenctl %s\n", WARDEN_VERSION);
			return EXIT_OK;
		case ':':
			bad_usage("missing argument of", argv[optind - 1]);
		case 'j':
			o.json = true;
			break;
		case 's':
			o.socket = optarg;
			break;
		default:
			opt[1] = (char)optopt;
			bad_usage("unknown option", optopt != 0 ? opt :
			    argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		wctl_usage();
	/* --json is also accepted after the command. */
	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0) {
			o.json = true;
			memmove(&argv[i], &argv[i + 1],
			    (size_t)(argc - (int)i) * sizeof(*argv));
			argc--;
			i--;
		}
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			return wctl_finish(cmds[i].fn(&o, argc, argv));
	if (strcmp(argv[0], "help") == 0)
		help();
	bad_usage("unknown command", argv[0]);
}
