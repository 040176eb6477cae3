/*
 * lwm2m_session_apps.c - which applications Software Management (object
 * 9) shows: those the HAL lists as installed or blocked, and those the
 * policy in force manages, by name (lwm2m_session.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/core.h"
#include "agent/policy/policy.h"
#include "agent/session/lwm2m_session.h"

/* The applications Software Management shows, while they are gathered:
 * the HAL's list and the policy's. */
struct app_list {
	struct hal_app *a;
	size_t n, cap;
	bool failed;
};

static void
add_app(struct app_list *l, const struct hal_app *a)
{
	struct hal_app *na;

	if (l->n == l->cap) {
		l->cap = l->cap != 0 ? l->cap * 2 : 16;
		if ((na = realloc(l->a, l->cap * sizeof(*na))) == NULL) {
			l->failed = true;
			return;
		}
		l->a = na;
	}
	l->a[l->n++] = *a;
}

/* A package the policy manages and the HAL does not list: DELIVERED in
 * object 9 (the device's sources can install it). */
static void
add_managed(void *arg, const char *package)
{
	struct app_list *l = arg;
	struct hal_app a;
	size_t i;

	if (l->failed || strlen(package) >= sizeof(a.package))
		return;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->a[i].package, package) == 0)
			return;
	memset(&a, 0, sizeof(a));
	memcpy(a.package, package, strlen(package) + 1);
	add_app(l, &a);
}

/* The list a J_APPS, J_INSTALL or J_REMOVE job read: the installed and
 * blocked applications and those the policy in force manages, the first
 * max by name, into out; returns how many. */
size_t
lwm2m_apps_shown(struct wardend *d, const struct hal_app *list, size_t n,
    int list_rc, struct hal_app *out, size_t max)
{
	struct app_list l;
	size_t i, shown;

	memset(&l, 0, sizeof(l));
	if (list_rc == 0) {
		for (i = 0; i < n; i++)
			if (list[i].installed || list[i].blocked)
				add_app(&l, &list[i]);
	} else if (list_rc != -ENOSYS) {
		log_warnx("lwm2m: the applications cannot be listed: %s",
		    strerror(-list_rc));
	}
	/* Without an apps backend nothing can be installed: none shown. */
	if (list_rc == 0)
		policy_engine_each_app(d, add_managed, &l);
	if (l.failed) {
		log_warnx("lwm2m: out of memory listing the applications");
		l.n = 0;
	}
	hal_apps_sort(l.a, l.n);
	if (l.n > max)
		log_warnx("lwm2m: Software Management shows the first %zu of "
		    "%zu applications", max, l.n);
	shown = l.n < max ? l.n : max;
	if (shown > 0)
		memcpy(out, l.a, shown * sizeof(out[0]));
	free(l.a);
	return shown;
}
