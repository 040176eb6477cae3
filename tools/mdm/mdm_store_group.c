/*
 * mdm_store_group.c - groups of devices: a fleet is managed in groups,
 * not one device at a time. A device is in at most one group; a group's
 * policy (scope 'group:<name>' in the policies table, set with
 * mdm_store_policy_set) is in force for its members without a policy of
 * their own. Moving devices between groups pushes the change to those
 * whose policy in force it changes.
 */
#include <stdio.h>
#include <string.h>

#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_store_int.h"

bool
mdm_group_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > MDM_GROUP_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int
mdm_store_group_exists(struct mdm_store *st, const char *name)
{
	struct mdm_db_stmt *s;
	int rc;

	if ((s = mdm_store_prepare(st, "SELECT 1 FROM groups WHERE name = ?"))
	    == NULL)
		return -1;
	mdm_store_bind_text(s, 1, name);
	rc = mdm_db_step(s);
	mdm_db_finalize(s);
	return rc == MDM_DB_ROW ? 1 : rc == MDM_DB_DONE ? 0 : -1;
}

int
mdm_store_group_add(struct mdm_store *st, const char *name, time_t now,
    char *err, size_t errlen)
{
	struct mdm_db_stmt *s;
	int rc;

	if (mdm_store_begin(st, true) != 0) {
		snprintf(err, errlen, "database busy or broken");
		return -1;
	}
	if ((rc = mdm_store_group_exists(st, name)) != 0) {
		snprintf(err, errlen, rc > 0 ? "group %s: already exists" :
		    "database error", name);
		mdm_store_end(st, false);
		return -1;
	}
	s = mdm_store_prepare(st, "INSERT INTO groups (name, created) VALUES "
	    "(?, ?)");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, name);
		mdm_db_bind_int64(s, 2, (int64_t)now);
	}
	rc = mdm_store_exec_stmt(st, s);
	if (mdm_store_end(st, rc == 0) != 0) {
		snprintf(err, errlen, "database error");
		return -1;
	}
	return 0;
}

/* The version of the policy in force for device id (its own, else its
 * group's, else the default; "0" for none) into version: 0, or -1 on
 * error. Inside the caller's transaction. */
static int
policy_in_force(struct mdm_store *st, const char *id,
    char version[MDM_VERSION_MAX + 1])
{
	struct mdm_db_stmt *s;
	int rc;

	if ((s = mdm_store_prepare(st, "SELECT version FROM policies WHERE "
	    "scope = ?1 OR scope = '' OR scope = (SELECT 'group:' || "
	    "group_name FROM devices WHERE id = ?1) ORDER BY CASE scope WHEN "
	    "?1 THEN 0 WHEN '' THEN 2 ELSE 1 END LIMIT 1")) == NULL)
		return -1;
	mdm_store_bind_text(s, 1, id);
	rc = mdm_db_step(s);
	snprintf(version, MDM_VERSION_MAX + 1, "%s", rc == MDM_DB_ROW ?
	    mdm_db_column_text(s, 0) : "0");
	mdm_db_finalize(s);
	return rc == MDM_DB_ROW || rc == MDM_DB_DONE ? 0 : -1;
}

int
mdm_store_group_assign(struct mdm_store *st, const char *name,
    const char *const *ids, size_t n, time_t now, long long *pushed,
    char *err, size_t errlen)
{
	char before[MDM_VERSION_MAX + 1], after[MDM_VERSION_MAX + 1];
	struct mdm_db_stmt *s = NULL;
	size_t i;
	int rc = 0;

	*pushed = 0;
	if (mdm_store_begin(st, true) != 0) {
		snprintf(err, errlen, "database busy or broken");
		return -1;
	}
	if (name != NULL && (rc = mdm_store_group_exists(st, name)) != 1) {
		snprintf(err, errlen, rc == 0 ? "group %s: no such group" :
		    "database error", name);
		mdm_store_end(st, false);
		return -1;
	}
	rc = 0;
	s = mdm_store_prepare(st, "UPDATE devices SET group_name = ? WHERE "
	    "id = ?");
	for (i = 0; i < n && s != NULL && rc == 0; i++) {
		mdm_db_reset(s);
		mdm_store_bind_text(s, 1, name);
		mdm_store_bind_text(s, 2, ids[i]);
		if (policy_in_force(st, ids[i], before) != 0) {
			snprintf(err, errlen, "database error");
			rc = -1;
		} else if (mdm_db_step(s) != MDM_DB_DONE) {
			mdm_store_log(st, "group assignment");
			snprintf(err, errlen, "database error");
			rc = -1;
		} else if (mdm_db_changes(mdm_store_db(st)) != 1) {
			snprintf(err, errlen, "device %s: no such device",
			    ids[i]);
			rc = -1;
		} else if (policy_in_force(st, ids[i], after) != 0) {
			snprintf(err, errlen, "database error");
			rc = -1;
		} else if (strcmp(before, after) != 0 &&
		    mdm_store_push_sync(st, MDM_SCOPE_DEVICE, ids[i], now,
		    pushed) != 0) {
			snprintf(err, errlen, "database error");
			rc = -1;
		}
	}
	if (s == NULL) {
		snprintf(err, errlen, "database error");
		rc = -1;
	}
	mdm_db_finalize(s);
	if (mdm_store_end(st, rc == 0) != 0) {
		if (rc == 0)
			snprintf(err, errlen, "database error");
		return -1;
	}
	return 0;
}

int
mdm_store_groups_each(struct mdm_store *st,
    int (*fn)(const struct mdm_group *g, void *arg), void *arg)
{
	struct mdm_group g;
	struct mdm_db_stmt *s;
	int rc, ret = 0;

	if (mdm_store_begin(st, false) != 0)
		return -1;
	s = mdm_store_prepare(st, "SELECT g.name, (SELECT count(*) FROM "
	    "devices d WHERE d.group_name = g.name AND d.retired IS NULL), "
	    "(SELECT p.version FROM policies p WHERE p.scope = 'group:' || "
	    "g.name) FROM groups g ORDER BY g.name");
	if (s == NULL) {
		mdm_store_end(st, true);
		return -1;
	}
	while ((rc = mdm_db_step(s)) == MDM_DB_ROW) {
		memset(&g, 0, sizeof(g));
		snprintf(g.name, sizeof(g.name), "%s",
		    mdm_db_column_text(s, 0));
		g.devices = mdm_db_column_int64(s, 1);
		if (!mdm_db_column_null(s, 2))
			snprintf(g.version, sizeof(g.version), "%s",
			    mdm_db_column_text(s, 2));
		if (fn(&g, arg) != 0)
			break;
	}
	if (rc != MDM_DB_ROW && rc != MDM_DB_DONE) {
		mdm_store_log(st, "group list");
		ret = -1;
	}
	mdm_db_finalize(s);
	mdm_store_end(st, true);
	return ret;
}
