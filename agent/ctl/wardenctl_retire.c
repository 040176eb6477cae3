/*
 * wardenctl_retire.c - `wardenctl retire [--yes] [--force]`: the device
 * leaves management. It restores what warden changed, destroys the keys
 * and tells the server, so it asks first: on a terminal the user types
 * "retire"; elsewhere --yes is required.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent/core/core.h"
#include "agent/ctl/ctl.h"

/* Asks on the terminal; true when the user confirms. */
static bool
confirmed(bool force)
{
	char line[64];

	fprintf(stderr, "This device leaves management: the settings warden "
	    "changed are restored,\nits keys and certificates destroyed, and "
	    "%s.\nType \"retire\" to go on: ", force ? "the server is told "
	    "if it can be reached" : "the server is told");
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "retire") == 0;
}

int
wctl_cmd_retire(const struct ctl_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	bool yes = false, force = false;
	const cJSON *left, *e;
	cJSON *req, *reply, *r;
	int ch, code;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'y': yes = true; break;
		case 'f': force = true; break;
		default: wctl_bad_option(argv);
		}
	}
	if (optind != argc)
		wctl_usage();
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			wctl_err("wardenctl: retire: confirm with --yes "
			    "(standard input is not a terminal)\n");
			return EXIT_USAGE;
		}
		if (!confirmed(force)) {
			wctl_err("wardenctl: retire: not confirmed; "
			    "nothing changed\n");
			return EXIT_FAIL;
		}
	}
	req = wctl_request("retire");
	cJSON_AddBoolToObject(req, "force", force);
	if ((code = wctl_call(o, req, &reply, &r)) != EXIT_OK)
		return code;
	if (o->json) {
		wctl_print_json(r);
	} else {
		printf("retired: %s%s\n", wctl_str(r, "state"),
		    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r,
		    "enrolled")) ? " (no server knew the device)" :
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r,
		    "serverTold")) ? "; the server has forgotten the device" :
		    "; the server was not told");
		left = cJSON_GetObjectItemCaseSensitive(r, "notRestored");
		cJSON_ArrayForEach(e, left)
			printf("not restored: %s: %s\n", wctl_str(e, "setting"),
			    wctl_str(e, "reason"));
	}
	cJSON_Delete(reply);
	return EXIT_OK;
}
