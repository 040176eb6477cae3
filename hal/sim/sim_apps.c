/*
 * sim_apps.c - the simulated device's applications. The state file's
 * "apps" object holds them:
 *   {"repository": {"org.example.app": "2.3.1", ...},  what can be installed
 *    "installed":  {"org.example.app": "2.3.1", ...},  what is installed
 *    "blocked":    {"org.example.game": true, ...}}    warden's pins
 * `wardenctl sim repo PKG VERSION` and `wardenctl sim app PKG VERSION`
 * ("none" removes) edit them from outside, as a package source and a
 * user would; `sim fail apps.install ERRNO` makes installs fail and
 * `sim delay apps.install MS` makes them slow.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hal/sim/sim.h"

/* The "apps" member `name`, created on first use; NULL on no memory. */
static cJSON *
apps_obj(struct sim *s, const char *name)
{
	cJSON *apps = cJSON_GetObjectItemCaseSensitive(s->doc, "apps"), *o;

	if (!cJSON_IsObject(apps)) {
		cJSON_DeleteItemFromObjectCaseSensitive(s->doc, "apps");
		if ((apps = cJSON_AddObjectToObject(s->doc, "apps")) == NULL)
			return NULL;
	}
	o = cJSON_GetObjectItemCaseSensitive(apps, name);
	if (!cJSON_IsObject(o)) {
		cJSON_DeleteItemFromObjectCaseSensitive(apps, name);
		o = cJSON_AddObjectToObject(apps, name);
	}
	return o;
}

static const char *
version_in(cJSON *obj, const char *pkg)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, pkg);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
set_version(cJSON *obj, const char *pkg, const char *version)
{
	cJSON_DeleteItemFromObjectCaseSensitive(obj, pkg);
	if (version != NULL)
		cJSON_AddStringToObject(obj, pkg, version);
}

/* `sim delay OP MS`: the op sleeps that long before it starts. */
static void
delay(struct sim *s, const char *op)
{
	long long ms;
	struct timespec ts;

	if (sim_load(s) < 0)
		return;
	ms = sim_get_int(cJSON_GetObjectItemCaseSensitive(s->doc, "delay"),
	    op, 0);
	sim_unload(s);
	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int
sim_apps_install(void *ctx, const char *pkg, const char *min_version)
{
	struct sim *s = ctx;
	cJSON *repo, *inst, *blocked;
	const char *have, *avail;
	char args[320];
	int rc;

	snprintf(args, sizeof(args), "%s%s%s", pkg, *min_version ? " >= " : "",
	    min_version);
	delay(s, "apps.install");
	if ((rc = sim_begin(s, "apps.install")) != 0)
		return sim_end(s, "apps.install", args, rc, false);
	repo = apps_obj(s, "repository");
	inst = apps_obj(s, "installed");
	blocked = apps_obj(s, "blocked");
	if (repo == NULL || inst == NULL || blocked == NULL)
		return sim_end(s, "apps.install", args, -ENOMEM, false);
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(blocked, pkg)))
		return sim_end(s, "apps.install", args, -EPERM, false);
	have = version_in(inst, pkg);
	if (have != NULL && (*min_version == '\0' ||
	    hal_app_version_code(have) >= hal_app_version_code(min_version)))
		return sim_end(s, "apps.install", args, 0, false);
	if ((avail = version_in(repo, pkg)) == NULL)
		return sim_end(s, "apps.install", args, -ENOENT, false);
	if (*min_version != '\0' && hal_app_version_code(avail) <
	    hal_app_version_code(min_version))
		return sim_end(s, "apps.install", args, -ERANGE, false);
	set_version(inst, pkg, avail);
	return sim_end(s, "apps.install", args, 0, true);
}

static int
sim_apps_remove(void *ctx, const char *pkg)
{
	struct sim *s = ctx;
	cJSON *inst;
	int rc;

	if ((rc = sim_begin(s, "apps.remove")) != 0)
		return sim_end(s, "apps.remove", pkg, rc, false);
	if ((inst = apps_obj(s, "installed")) == NULL)
		return sim_end(s, "apps.remove", pkg, -ENOMEM, false);
	set_version(inst, pkg, NULL);
	return sim_end(s, "apps.remove", pkg, 0, true);
}

static int
sim_apps_set_blocked(void *ctx, const char *pkg, bool block)
{
	struct sim *s = ctx;
	cJSON *inst, *blocked;
	char args[160];
	int rc;

	snprintf(args, sizeof(args), "%s %s", pkg, block ? "blocked" :
	    "allowed");
	if ((rc = sim_begin(s, "apps.set_blocked")) != 0)
		return sim_end(s, "apps.set_blocked", args, rc, false);
	inst = apps_obj(s, "installed");
	blocked = apps_obj(s, "blocked");
	if (inst == NULL || blocked == NULL)
		return sim_end(s, "apps.set_blocked", args, -ENOMEM, false);
	cJSON_DeleteItemFromObjectCaseSensitive(blocked, pkg);
	if (block) {
		set_version(inst, pkg, NULL);
		cJSON_AddTrueToObject(blocked, pkg);
	}
	return sim_end(s, "apps.set_blocked", args, 0, true);
}

/* Adds or updates pkg in the list being built (at most cap entries). */
static struct hal_app *
entry(struct hal_app *list, size_t *n, size_t cap, const char *pkg)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(list[i].package, pkg) == 0)
			return &list[i];
	if (*n == cap || strlen(pkg) >= HAL_APP_PACKAGE_MAX)
		return NULL;
	memset(&list[*n], 0, sizeof(list[*n]));
	snprintf(list[*n].package, sizeof(list[*n].package), "%s", pkg);
	return &list[(*n)++];
}

static int
sim_apps_list(void *ctx, struct hal_app **out, size_t *n)
{
	struct sim *s = ctx;
	cJSON *inst, *blocked;
	const cJSON *it;
	struct hal_app *list, *a;
	size_t cap;
	int rc;

	if ((rc = sim_begin(s, "apps.list")) != 0) {
		sim_unload(s);
		return rc;
	}
	inst = apps_obj(s, "installed");
	blocked = apps_obj(s, "blocked");
	cap = (size_t)cJSON_GetArraySize(inst) +
	    (size_t)cJSON_GetArraySize(blocked) + 1;
	if (inst == NULL || blocked == NULL || cap > HAL_APPS_MAX ||
	    (list = calloc(cap, sizeof(*list))) == NULL) {
		sim_unload(s);
		return -ENOMEM;
	}
	cJSON_ArrayForEach(it, inst) {
		if (!cJSON_IsString(it) ||
		    (a = entry(list, n, cap, it->string)) == NULL)
			continue;
		a->installed = true;
		snprintf(a->version, sizeof(a->version), "%s",
		    it->valuestring);
	}
	cJSON_ArrayForEach(it, blocked) {
		if (cJSON_IsTrue(it) &&
		    (a = entry(list, n, cap, it->string)) != NULL)
			a->blocked = true;
	}
	sim_unload(s);
	hal_apps_sort(list, *n);
	*out = list;
	return 0;
}

const struct hal_apps_ops sim_apps_ops = {
	.installer = "sim",
	.install = sim_apps_install,
	.remove = sim_apps_remove,
	.set_blocked = sim_apps_set_blocked,
	.list = sim_apps_list,
};

int
sim_apps_control(struct sim *s, const char *verb, const char *pkg,
    const char *version)
{
	cJSON *obj;
	size_t i;

	if (*pkg == '\0' || strlen(pkg) >= HAL_APP_PACKAGE_MAX ||
	    strlen(version) >= HAL_APP_VERSION_MAX)
		return -EINVAL;
	for (i = 0; pkg[i] != '\0'; i++)
		if ((unsigned char)pkg[i] <= ' ' || pkg[i] == 0x7f)
			return -EINVAL;
	if ((obj = apps_obj(s, strcmp(verb, "repo") == 0 ? "repository" :
	    "installed")) == NULL)
		return -ENOMEM;
	set_version(obj, pkg, strcmp(version, "none") == 0 ? NULL : version);
	return 0;
}
