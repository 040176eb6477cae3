/*
 * mdm_group.c - `wardenmdm group` and `wardenmdm groups`: a fleet managed
 * in groups. `group add NAME` makes one, `group assign NAME ID...` moves
 * devices into it, `group unassign ID...` out of any; `policy set FILE
 * --group NAME` gives it a policy (mdm_admin.c). Moving devices pushes
 * the policy now in force for them, like `policy set` does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/mdm/mdm.h"

static void
group_usage(void)
{
	fprintf(stderr, "usage: wardenmdm --dir DIR group add NAME\n"
	    "       wardenmdm --dir DIR group assign NAME ID ...\n"
	    "       wardenmdm --dir DIR group unassign ID ...\n"
	    "       wardenmdm --dir DIR groups [--json]\n");
}

static int
print_group(const struct mdm_group *g, void *arg)
{
	cJSON *arr = arg, *o;

	if (arr == NULL) {
		printf("%-24s  %8lld  %s\n", g->name, g->devices,
		    g->version[0] != '\0' ? g->version : "-");
		return 0;
	}
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "name", g->name) == NULL ||
	    cJSON_AddNumberToObject(o, "devices", (double)g->devices) == NULL ||
	    (g->version[0] != '\0' ? cJSON_AddStringToObject(o,
	    "policyVersion", g->version) : cJSON_AddNullToObject(o,
	    "policyVersion")) == NULL) {
		cJSON_Delete(o);
		return -1;
	}
	cJSON_AddItemToArray(arr, o);
	return 0;
}

static int
cmd_groups(struct mdm_store *st, int argc, char **argv)
{
	bool json = argc == 2 && strcmp(argv[1], "--json") == 0;
	cJSON *arr = NULL;
	int rc;

	if (argc != 1 && !json) {
		group_usage();
		return MDM_EXIT_USAGE;
	}
	if (json && (arr = cJSON_CreateArray()) == NULL)
		return MDM_EXIT_FAIL;
	if (!json)
		printf("%-24s  %8s  %s\n", "GROUP", "DEVICES", "POLICY");
	rc = mdm_store_groups_each(st, print_group, arr);
	if (rc == 0 && json)
		rc = mdm_print_json(arr);
	else
		cJSON_Delete(arr);
	return rc == 0 ? MDM_EXIT_OK : MDM_EXIT_FAIL;
}

static int
check_names(int n, char **names, bool group)
{
	int i;

	for (i = 0; i < n; i++) {
		if (group ? !mdm_group_name_valid(names[i]) :
		    strlen(names[i]) == 0 || strlen(names[i]) > MDM_ID_MAX ||
		    !mdm_group_name_valid(names[i])) {
			fprintf(stderr, "wardenmdm: %s: not a %s (1 to %d of "
			    "A-Z a-z 0-9 . _ -)\n", names[i], group ?
			    "group name" : "device id", MDM_GROUP_MAX);
			return -1;
		}
	}
	return 0;
}

int
mdm_cmd_group(const char *dir, int argc, char **argv)
{
	char err[MDM_ERR_MAX];
	const char *name = NULL;
	struct mdm_store *st;
	long long pushed = 0;
	char **ids;
	bool json;
	int nids, rc;

	if (strcmp(argv[0], "groups") == 0) {
		if ((st = mdm_admin_open_store(dir)) == NULL)
			return MDM_EXIT_FAIL;
		rc = cmd_groups(st, argc, argv);
		mdm_store_close(st);
		return rc;
	}
	json = mdm_take_json_flag(&argc, argv);
	if (argc < 3) {
		group_usage();
		return MDM_EXIT_USAGE;
	}
	if (strcmp(argv[1], "add") == 0 && argc == 3) {
		if (check_names(1, argv + 2, true) != 0)
			return MDM_EXIT_USAGE;
		if ((st = mdm_admin_open_store(dir)) == NULL)
			return MDM_EXIT_FAIL;
		rc = mdm_store_group_add(st, argv[2], time(NULL), err,
		    sizeof(err));
		mdm_store_close(st);
		if (rc != 0) {
			fprintf(stderr, "wardenmdm: %s\n", err);
			return MDM_EXIT_FAIL;
		}
		if (json) {
			cJSON *j = cJSON_CreateObject();

			cJSON_AddStringToObject(j, "group", argv[2]);
			cJSON_AddBoolToObject(j, "added", true);
			return mdm_print_json(j) == 0 ? MDM_EXIT_OK :
			    MDM_EXIT_FAIL;
		}
		printf("group %s added\n", argv[2]);
		return MDM_EXIT_OK;
	}
	if (strcmp(argv[1], "assign") == 0 && argc >= 4) {
		name = argv[2];
		ids = argv + 3;
		nids = argc - 3;
		if (check_names(1, argv + 2, true) != 0)
			return MDM_EXIT_USAGE;
	} else if (strcmp(argv[1], "unassign") == 0) {
		ids = argv + 2;
		nids = argc - 2;
	} else {
		group_usage();
		return MDM_EXIT_USAGE;
	}
	if (check_names(nids, ids, false) != 0)
		return MDM_EXIT_USAGE;
	if ((st = mdm_admin_open_store(dir)) == NULL)
		return MDM_EXIT_FAIL;
	rc = mdm_store_group_assign(st, name, (const char *const *)ids,
	    (size_t)nids, time(NULL), &pushed, err, sizeof(err));
	mdm_store_close(st);
	if (rc != 0) {
		fprintf(stderr, "wardenmdm: %s\n", err);
		return MDM_EXIT_FAIL;
	}
	if (pushed > 0)
		mdm_notify_touch(dir);
	if (json) {
		cJSON *j = cJSON_CreateObject();

		if (name != NULL)
			cJSON_AddStringToObject(j, "group", name);
		else
			cJSON_AddNullToObject(j, "group");
		cJSON_AddNumberToObject(j, "devices", nids);
		cJSON_AddNumberToObject(j, "pushed", (double)pushed);
		return mdm_print_json(j) == 0 ? MDM_EXIT_OK : MDM_EXIT_FAIL;
	}
	printf("%d device(s) %s %s; pushed to %lld device(s)\n", nids,
	    name != NULL ? "now in group" : "in no group",
	    name != NULL ? name : "any more", pushed);
	return MDM_EXIT_OK;
}
