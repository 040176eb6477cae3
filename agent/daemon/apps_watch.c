/*
 * apps_watch.c - a change of installed packages is seen on the loop, not
 * by polling: the apps backend names the file its package manager
 * rewrites after every install or removal (dpkg's status file), and the
 * loop watches the directory that holds it (dpkg replaces the file by a
 * rename, which a watch on the file itself would lose).
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "agent/core/core.h"
#include "agent/daemon/daemon.h"

static void
on_change(uv_fs_event_t *h, const char *filename, int events, int status)
{
	struct wardend *d = h->data;

	(void)events;
	if (status < 0 || filename == NULL ||
	    strcmp(filename, d->apps_watch_name) != 0)
		return;
	daemon_scan_soon(d);
}

void
apps_watch_start(struct wardend *d)
{
	char path[4096], dir[4096], base[4096];
	int rc;

	if (hal_apps_watch_path(&d->hal, path, sizeof(path)) != 0)
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	snprintf(base, sizeof(base), "%s", path);
	snprintf(d->apps_watch_name, sizeof(d->apps_watch_name), "%s",
	    basename(base));
	uv_fs_event_init(d->loop, &d->apps_watch);
	d->apps_watch.data = d;
	if ((rc = uv_fs_event_start(&d->apps_watch, on_change, dirname(dir),
	    0)) != 0) {
		log_warnx("apps: cannot watch %s (%s): package changes show "
		    "at the next scan", path, uv_strerror(rc));
		uv_close((uv_handle_t *)&d->apps_watch, NULL);
		return;
	}
	d->apps_watch_active = true;
	log_info("apps: watching %s", path);
}

void
apps_watch_stop(struct wardend *d)
{
	if (!d->apps_watch_active)
		return;
	uv_fs_event_stop(&d->apps_watch);
	uv_close((uv_handle_t *)&d->apps_watch, NULL);
	d->apps_watch_active = false;
}
