/*
 * mdm_fault.c - fault injection for tests: `serve --inject-faults FILE`
 * makes the server misbehave towards devices enrolling, pushing reports
 * and command results, as a misconfigured proxy, a crash or a server
 * regression would. FILE is
 * read at every such request, so a test switches faults on and off by
 * writing or removing it; absent or empty, the server behaves. One line:
 *
 *   refuse CODE   every push and every result is answered CODE (400 to
 *                 499, an INVALID_ARGUMENT error) and nothing is stored
 *   reject TEXT   a batch holding an entry whose key or payload contains
 *                 TEXT is refused whole with 400 naming that entry (as a
 *                 malformed entry would be); so is a result containing it
 *   lose-enrollment
 *                 an enrollment is stored (or answered again) but the
 *                 connection is closed without the answer, as a timeout
 *                 or a crash after the commit would do
 *
 * Never meant for a server devices depend on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mdm/mdm.h"

#define FAULT_LINE_MAX 256
#define LOSE_ENROLLMENT "lose-enrollment"

/* The first line of the fault file, without its end: 0, or -1 when
 * there is none. */
static int
fault_line(const char *path, char line[FAULT_LINE_MAX])
{
	FILE *f;

	if (path[0] == '\0' || (f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(line, FAULT_LINE_MAX, f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return 0;
}

/* The fault in force for pushes and results: 0 with *code set (refuse)
 * or text set (reject), -1 when there is none. */
static int
fault_read(const char *path, int *code, char *text, size_t textlen)
{
	char line[FAULT_LINE_MAX];

	*code = 0;
	text[0] = '\0';
	if (fault_line(path, line) != 0)
		return -1;
	if (strncmp(line, "refuse ", 7) == 0) {
		*code = atoi(line + 7);
		if (*code < 400 || *code > 499) {
			mdm_log_warnx("inject-faults: %s: not a 4xx code",
			    line);
			return -1;
		}
		return 0;
	}
	if (strncmp(line, "reject ", 7) == 0 && line[7] != '\0') {
		snprintf(text, textlen, "%s", line + 7);
		return 0;
	}
	if (line[0] != '\0' && strcmp(line, LOSE_ENROLLMENT) != 0)
		mdm_log_warnx("inject-faults: %s: unknown fault", line);
	return -1;
}

int
mdm_fault_enrollment(const struct mdm_server *srv, struct mdm_resp *resp)
{
	char line[FAULT_LINE_MAX];

	if (fault_line(srv->fault_file, line) != 0 ||
	    strcmp(line, LOSE_ENROLLMENT) != 0)
		return 0;
	mdm_log_info("inject-faults: the enrollment's answer is lost");
	resp->drop = true;
	return 1;
}

static bool
holds(const cJSON *v, const char *text)
{
	char *s = mdm_json_print(v);
	bool found = s != NULL && strstr(s, text) != NULL;

	free(s);
	return found;
}

int
mdm_fault_reports(const struct mdm_server *srv, const cJSON *reports,
    struct mdm_resp *resp)
{
	char text[FAULT_LINE_MAX];
	const cJSON *e;
	size_t i = 0;
	int code;

	if (fault_read(srv->fault_file, &code, text, sizeof(text)) != 0)
		return 0;
	if (code != 0) {
		mdm_log_info("inject-faults: reports refused with %d", code);
		mdm_resp_error(resp, code, "refused by fault injection");
		return 1;
	}
	cJSON_ArrayForEach(e, reports) {
		if (holds(e, text)) {
			mdm_log_info("inject-faults: reports[%zu] rejected",
			    i);
			mdm_resp_error(resp, 400, "reports[%zu]: rejected by "
			    "fault injection", i);
			return 1;
		}
		i++;
	}
	return 0;
}

int
mdm_fault_result(const struct mdm_server *srv, const cJSON *result,
    struct mdm_resp *resp)
{
	char text[FAULT_LINE_MAX];
	int code;

	if (fault_read(srv->fault_file, &code, text, sizeof(text)) != 0)
		return 0;
	if (code == 0 && !holds(result, text))
		return 0;
	mdm_log_info("inject-faults: result refused with %d",
	    code != 0 ? code : 400);
	mdm_resp_error(resp, code != 0 ? code : 400, "%s by fault injection",
	    code != 0 ? "refused" : "rejected");
	return 1;
}
