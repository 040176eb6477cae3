/*
 * mdm_devices.c - what an operator reads at fleet scale: `wardenmdm
 * devices` lists the devices, filtered by group, by verdict (the last
 * report not compliant) and by silence (no report for N minutes), as a
 * table or --json; `wardenmdm summary` counts them by state and verdict,
 * and per group.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/mdm/mdm.h"

#define NOT_SEEN_MAX (10 * 366 * 24 * 60)	/* minutes */

struct filter {
	const char *group;	/* NULL: any */
	bool non_compliant;
	long not_seen;		/* minutes; -1: no filter */
	time_t now;
	cJSON *json;		/* the array being built, NULL: a table */
	long shown;
};

static void
devices_usage(void)
{
	fprintf(stderr, "usage: wardenmdm --dir DIR devices [--group NAME] "
	    "[--non-compliant] [--not-seen MINUTES] [--json]\n"
	    "       wardenmdm --dir DIR summary [--json]\n");
}

static const char *
verdict(const struct mdm_device *d)
{
	if (d->retired)
		return "retired";
	return d->compliant == 1 ? "yes" : d->compliant == 0 ? "no" : "-";
}

static bool
wanted(const struct filter *f, const struct mdm_device *d)
{
	if (f->group != NULL && strcmp(f->group, d->group) != 0)
		return false;
	if (f->non_compliant && (d->retired || d->compliant != 0))
		return false;
	/* Silent: no report at all, or none for not_seen minutes. */
	if (f->not_seen >= 0 && (d->retired || (d->last_report != 0 &&
	    f->now - d->last_report < (time_t)f->not_seen * 60)))
		return false;
	return true;
}

cJSON *
mdm_device_json(const struct mdm_device *d)
{
	char when[MDM_TIME_LEN];
	cJSON *o = cJSON_CreateObject();
	bool ok;

	mdm_time_format(d->enrolled, when);
	ok = o != NULL && cJSON_AddStringToObject(o, "id", d->id) != NULL &&
	    cJSON_AddStringToObject(o, "mode", d->mode) != NULL &&
	    cJSON_AddStringToObject(o, "enrollTime", when) != NULL &&
	    cJSON_AddBoolToObject(o, "retired", d->retired) != NULL;
	if (ok && d->last_report != 0) {
		mdm_time_format(d->last_report, when);
		ok = cJSON_AddStringToObject(o, "lastReportTime", when) != NULL;
	} else if (ok) {
		ok = cJSON_AddNullToObject(o, "lastReportTime") != NULL;
	}
	if (ok)
		ok = (d->compliant < 0 ? cJSON_AddNullToObject(o,
		    "policyCompliant") : cJSON_AddBoolToObject(o,
		    "policyCompliant", d->compliant == 1)) != NULL;
	if (ok)
		ok = (d->group[0] != '\0' ? cJSON_AddStringToObject(o,
		    "group", d->group) : cJSON_AddNullToObject(o, "group")) !=
		    NULL;
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
show_device(const struct mdm_device *d, void *arg)
{
	struct filter *f = arg;
	char enrolled[MDM_TIME_LEN], last[MDM_TIME_LEN];
	cJSON *o;

	if (!wanted(f, d))
		return 0;
	f->shown++;
	if (f->json != NULL) {
		if ((o = mdm_device_json(d)) == NULL)
			return -1;
		cJSON_AddItemToArray(f->json, o);
		return 0;
	}
	mdm_time_format(d->enrolled, enrolled);
	if (d->last_report != 0)
		mdm_time_format(d->last_report, last);
	else
		snprintf(last, sizeof(last), "-");
	printf("%-16s  %-26s  %-20s  %-20s  %-16s  %s\n", d->id, d->mode,
	    enrolled, last, d->group[0] != '\0' ? d->group : "-", verdict(d));
	return 0;
}

/* Counts for `summary`, in all and per group. */
struct counts {
	long devices, retired, reported, never_reported;
	long compliant, non_compliant, unknown;
};

struct group_counts {
	char name[MDM_GROUP_MAX + 1];	/* "" for no group */
	struct counts c;
};

struct summary {
	struct counts all;
	struct group_counts *groups;
	size_t ngroups;
	int failed;
};

static void
count(struct counts *c, const struct mdm_device *d)
{
	c->devices++;
	if (d->retired) {
		c->retired++;
		return;
	}
	if (d->last_report != 0)
		c->reported++;
	else
		c->never_reported++;
	if (d->compliant == 1)
		c->compliant++;
	else if (d->compliant == 0)
		c->non_compliant++;
	else
		c->unknown++;
}

static int
count_device(const struct mdm_device *d, void *arg)
{
	struct summary *s = arg;
	struct group_counts *g;
	size_t i;

	count(&s->all, d);
	for (i = 0; i < s->ngroups; i++)
		if (strcmp(s->groups[i].name, d->group) == 0)
			break;
	if (i == s->ngroups) {
		g = realloc(s->groups, (s->ngroups + 1) * sizeof(*g));
		if (g == NULL) {
			s->failed = 1;
			return -1;
		}
		s->groups = g;
		memset(&g[i], 0, sizeof(g[i]));
		snprintf(g[i].name, sizeof(g[i].name), "%s", d->group);
		s->ngroups++;
	}
	count(&s->groups[i].c, d);
	return 0;
}

static cJSON *
counts_json(const struct counts *c)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL ||
	    cJSON_AddNumberToObject(o, "devices", (double)c->devices) == NULL ||
	    cJSON_AddNumberToObject(o, "enrolled", (double)(c->devices -
	    c->retired)) == NULL ||
	    cJSON_AddNumberToObject(o, "retired", (double)c->retired) == NULL ||
	    cJSON_AddNumberToObject(o, "reported", (double)c->reported) ==
	    NULL || cJSON_AddNumberToObject(o, "neverReported",
	    (double)c->never_reported) == NULL ||
	    cJSON_AddNumberToObject(o, "compliant", (double)c->compliant) ==
	    NULL || cJSON_AddNumberToObject(o, "nonCompliant",
	    (double)c->non_compliant) == NULL ||
	    cJSON_AddNumberToObject(o, "complianceUnknown",
	    (double)c->unknown) == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static void
print_counts(const char *name, const struct counts *c)
{
	printf("%-24s  %8ld  %8ld  %8ld  %8ld  %8ld  %8ld  %8ld\n", name,
	    c->devices - c->retired, c->retired, c->reported,
	    c->never_reported, c->compliant, c->non_compliant, c->unknown);
}

static int
print_summary(const struct summary *s, bool json)
{
	cJSON *root, *groups, *o;
	size_t i;

	if (!json) {
		printf("%-24s  %8s  %8s  %8s  %8s  %8s  %8s  %8s\n", "",
		    "ENROLLED", "RETIRED", "REPORTED", "SILENT", "COMPLY",
		    "VIOLATE", "UNKNOWN");
		print_counts("all devices", &s->all);
		for (i = 0; i < s->ngroups; i++)
			print_counts(s->groups[i].name[0] != '\0' ?
			    s->groups[i].name : "(no group)",
			    &s->groups[i].c);
		return 0;
	}
	root = counts_json(&s->all);
	groups = root != NULL ? cJSON_AddObjectToObject(root, "groups") : NULL;
	for (i = 0; groups != NULL && i < s->ngroups; i++) {
		if ((o = counts_json(&s->groups[i].c)) == NULL)
			break;
		cJSON_AddItemToObject(groups, s->groups[i].name[0] != '\0' ?
		    s->groups[i].name : "", o);
	}
	if (groups == NULL || i < s->ngroups) {
		cJSON_Delete(root);
		return -1;
	}
	return mdm_print_json(root);
}

static int
cmd_summary(struct mdm_store *st, int argc, char **argv)
{
	bool json = argc == 2 && strcmp(argv[1], "--json") == 0;
	struct summary s;
	int rc;

	if (argc != 1 && !json) {
		devices_usage();
		return MDM_EXIT_USAGE;
	}
	memset(&s, 0, sizeof(s));
	rc = mdm_store_devices_each(st, count_device, &s);
	if (rc == 0 && !s.failed)
		rc = print_summary(&s, json);
	free(s.groups);
	return rc == 0 && !s.failed ? MDM_EXIT_OK : MDM_EXIT_FAIL;
}

static int
devices_options(int argc, char **argv, struct filter *f, bool *json)
{
	static const struct option opts[] = {
		{ "group", required_argument, NULL, 'g' },
		{ "non-compliant", no_argument, NULL, 'c' },
		{ "not-seen", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'g':
			if (!mdm_group_name_valid(optarg)) {
				fprintf(stderr, "wardenmdm: --group %s: not a "
				    "group name\n", optarg);
				return -1;
			}
			f->group = optarg;
			break;
		case 'c':
			f->non_compliant = true;
			break;
		case 's':
			errno = 0;
			f->not_seen = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    f->not_seen < 0 || f->not_seen > NOT_SEEN_MAX) {
				fprintf(stderr, "wardenmdm: --not-seen: 0 to %d "
				    "minutes\n", NOT_SEEN_MAX);
				return -1;
			}
			break;
		case 'j':
			*json = true;
			break;
		default:
			devices_usage();
			return -1;
		}
	}
	if (optind != argc) {
		devices_usage();
		return -1;
	}
	return 0;
}

int
mdm_cmd_devices(const char *dir, int argc, char **argv)
{
	struct filter f = { .not_seen = -1, .now = time(NULL) };
	struct mdm_store *st;
	bool json = false;
	int rc;

	if (strcmp(argv[0], "summary") == 0) {
		if ((st = mdm_admin_open_store(dir)) == NULL)
			return MDM_EXIT_FAIL;
		rc = cmd_summary(st, argc, argv);
		mdm_store_close(st);
		return rc;
	}
	if (devices_options(argc, argv, &f, &json) != 0)
		return MDM_EXIT_USAGE;
	if (json && (f.json = cJSON_CreateArray()) == NULL)
		return MDM_EXIT_FAIL;
	if ((st = mdm_admin_open_store(dir)) == NULL) {
		cJSON_Delete(f.json);
		return MDM_EXIT_FAIL;
	}
	if (!json)
		printf("%-16s  %-26s  %-20s  %-20s  %-16s  %s\n", "ID", "MODE",
		    "ENROLLED", "LAST REPORT", "GROUP", "COMPLIANT");
	rc = mdm_store_devices_each(st, show_device, &f);
	mdm_store_close(st);
	if (rc == 0 && json)
		rc = mdm_print_json(f.json);
	else
		cJSON_Delete(f.json);
	return rc == 0 ? MDM_EXIT_OK : MDM_EXIT_FAIL;
}
