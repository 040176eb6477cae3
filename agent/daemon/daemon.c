/*
 * daemon.c - wardend's event loop: signals, the scan timer, the HAL's
 * change notifications (the HAL job queue is jobs.c). Nothing here
 * polls: between scheduled events the loop sleeps in epoll_wait.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/session/session.h"
#include "agent/transport/transport.h"
#include "agent/daemon/sd_notify.h"
#include "agent/core/core.h"
#include "agent/provision/provision.h"
#include "agent/policy/policy.h"
#include "agent/daemon/daemon.h"

/* Hot-plug and file events arrive in bursts; one scan per burst. */
#define SETTLE_MS 200

struct scan_waiter {
	struct ctl_conn *conn;
	struct scan_waiter *next;
};

struct scan_job {
	struct hal_facts facts;
	int rc;
	uint64_t cpu_ns;
	struct hal_app *apps;
	size_t napps;
	int apps_rc;
};

static uint64_t
thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
scan_work(struct wardend *d, void *arg)
{
	struct scan_job *sj = arg;
	uint64_t t0 = thread_cpu_ns();

	sj->facts.n = 0;
	sj->rc = hal_facts_read(&d->hal, &sj->facts);
	sj->cpu_ns = thread_cpu_ns() - t0;
	/* The inventory: drift of the applications and applicationReports. */
	sj->apps_rc = hal_apps_list(&d->hal, &sj->apps, &sj->napps);
}

static void
scan_after(struct wardend *d, void *arg)
{
	struct scan_job *sj = arg;
	struct scan_waiter *w, *next;
	int64_t scan_id = 0, now = store_now();
	int rc = sj->rc;

	d->scan_queued = false;
	if (rc == 0)
		keystore_facts(d, &sj->facts);
	if (rc == 0 && store_facts_save(d->store, &sj->facts, now,
	    &scan_id) != 0)
		rc = -EIO;
	if (rc == 0) {
		d->facts = sj->facts;
		d->facts_at = now;
		if (sj->apps_rc == 0 || sj->apps_rc == -ENOSYS) {
			free(d->apps);
			d->apps = sj->apps;
			d->napps = sj->napps;
			d->apps_known = sj->apps_rc == 0;
			sj->apps = NULL;
		} else
			log_warnx("scan: listing the applications: %s",
			    strerror(-sj->apps_rc));
		d->scan_count++;
		d->scan_cpu_ns_last = sj->cpu_ns;
		log_info("scan %lld: %zu facts, %llu ns CPU",
		    (long long)scan_id, sj->facts.n,
		    (unsigned long long)sj->cpu_ns);
		store_reclaim(d->store);
		policy_engine_after_scan(d);
		compliance_evaluate(d);
		sdnotify_status(d);
		lwm2m_session_changed(d);
	} else {
		log_warnx("scan failed: %s", strerror(-rc));
	}
	for (w = d->scan_waiters, d->scan_waiters = NULL; w != NULL;
	     w = next) {
		next = w->next;
		if (rc == 0) {
			cJSON *r = cJSON_CreateObject();
			cJSON_AddNumberToObject(r, "scanId", (double)scan_id);
			cJSON_AddNumberToObject(r, "factCount",
			    (double)sj->facts.n);
			cJSON_AddNumberToObject(r, "cpuNanoseconds",
			    (double)sj->cpu_ns);
			control_reply_ok(w->conn, r);
		} else {
			control_reply_err(w->conn, EXIT_FAIL, "scan failed: "
			    "reading facts from the HAL: %s", strerror(-rc));
		}
		free(w);
	}
	free(sj->apps);
	free(sj);
}

void
daemon_scan(struct wardend *d, struct ctl_conn *conn)
{
	struct scan_job *sj;

	if (conn != NULL) {
		struct scan_waiter *w = calloc(1, sizeof(*w));
		if (w == NULL)
			fatal("calloc");
		w->conn = conn;
		w->next = d->scan_waiters;
		d->scan_waiters = w;
	}
	if (d->scan_queued || d->stopping)
		return;
	if ((sj = calloc(1, sizeof(*sj))) == NULL)
		fatal("calloc");
	d->scan_queued = true;
	daemon_hal_job(d, scan_work, scan_after, sj);
}

static void
on_scan_timer(uv_timer_t *t)
{
	daemon_scan(t->data, NULL);
}

static void
on_settle(uv_timer_t *t)
{
	daemon_scan(t->data, NULL);
}

void
daemon_scan_soon(struct wardend *d)
{
	if (!d->stopping)
		uv_timer_start(&d->settle_timer, on_settle, SETTLE_MS, 0);
}

static void
on_hal_watch(uv_poll_t *p, int status, int events)
{
	struct wardend *d = p->data;

	(void)events;
	if (status < 0)
		return;
	if (hal_watch_drain(&d->hal) == 0)
		return;	/* the backend's own writes */
	/* Restarting the timer coalesces a burst into one scan. */
	uv_timer_start(&d->settle_timer, on_settle, SETTLE_MS, 0);
}

void
daemon_rearm_scan(struct wardend *d)
{
	uint64_t ms = (uint64_t)d->conf.scan_interval * 1000u;

	uv_timer_start(&d->scan_timer, on_scan_timer, ms, ms);
}

static void
reload(struct wardend *d)
{
	struct config next;
	char err[512];

	if (!d->conf_given) {
		log_info("SIGHUP: no configuration file to reload");
		return;
	}
	config_defaults(&next);
	if (config_load(&next, d->conf_path, err, sizeof(err)) != 0) {
		log_warnx("SIGHUP: keeping the running configuration: %s", err);
		return;
	}
	if (strcmp(next.hal, d->conf.hal) != 0 ||
	    strcmp(next.state_dir, d->conf.state_dir) != 0 ||
	    strcmp(next.control_socket, d->conf.control_socket) != 0)
		log_warnx("SIGHUP: hal, state-dir and control-socket changes "
		    "take effect at the next start");
	d->conf.scan_interval = next.scan_interval;
	d->conf.log_level = next.log_level;
	d->conf.outbox_max = next.outbox_max;
	log_setlevel(next.log_level);
	daemon_rearm_scan(d);
	log_info("SIGHUP: configuration reloaded from %s", d->conf_path);
}

static void
on_signal(uv_signal_t *s, int signum)
{
	struct wardend *d = s->data;

	if (signum == SIGHUP) {
		sdnotify_reloading(d);
		reload(d);
		sdnotify_reloaded(d);
	} else
		daemon_stop(d, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

/* First of all, before the store and the keys are open: the network
 * process (a fresh exec of this binary: it inherits no memory). */
static void
start_network(struct wardend *d)
{
	struct netproc_conf nc;
	char err[512];

	memset(&nc, 0, sizeof(nc));
	nc.user = d->conf.network_user;
	nc.root = d->conf.network_root;
	nc.foreground = d->foreground;
	nc.log_level = d->conf.log_level;
	if (netproc_start(d->loop, &nc, &d->net, err, sizeof(err)) != 0)
		fatalx("network process: %s", err);
}

void
daemon_start(struct wardend *d)
{
	char err[512];
	uint64_t t0;
	int fd;

	d->loop = uv_default_loop();
	d->started_at = store_now();
	/* What the rooms below ask of the ones above (daemon.h). */
	d->hooks.scan = daemon_scan;
	d->hooks.rearm_scan = daemon_rearm_scan;
	d->hooks.wipe = commands_wipe_device;
	d->hooks.outbox_kick = daemon_outbox_kick;
	d->hooks.enroll = enroll_start;
	start_network(d);
	t0 = uv_hrtime();
	if ((d->store = store_open(d->conf.state_dir, err, sizeof(err))) ==
	    NULL)
		fatalx("store: %s", err);
	log_debug("store: open in %llu us",
	    (unsigned long long)((uv_hrtime() - t0) / 1000));
	if (hal_open(&d->hal, d->conf.hal, err, sizeof(err)) != 0)
		fatalx("%s", err);
	log_info("HAL backend %s", d->conf.hal);
	keystore_start(d);
	store_facts_load(d->store, &d->facts, &d->facts_at);
	compliance_start(d);

	uv_signal_init(d->loop, &d->sig_term);
	uv_signal_init(d->loop, &d->sig_int);
	uv_signal_init(d->loop, &d->sig_hup);
	d->sig_term.data = d->sig_int.data = d->sig_hup.data = d;
	uv_signal_start(&d->sig_term, on_signal, SIGTERM);
	uv_signal_start(&d->sig_int, on_signal, SIGINT);
	uv_signal_start(&d->sig_hup, on_signal, SIGHUP);

	uv_timer_init(d->loop, &d->scan_timer);
	uv_timer_init(d->loop, &d->settle_timer);
	d->scan_timer.data = d->settle_timer.data = d;
	daemon_rearm_scan(d);

	if ((fd = hal_watch_fd(&d->hal)) >= 0) {
		uv_poll_init(d->loop, &d->hal_watch, fd);
		d->hal_watch.data = d;
		uv_poll_start(&d->hal_watch, UV_READABLE, on_hal_watch);
		d->hal_watch_active = true;
	}
	netwatch_start(d);
	control_start(d, ctl_commands, ctl_ncommands);
	apps_watch_start(d);
	policy_engine_start(d);
	provision_start(d);
	server_start(d);
	commands_start(d);
	retire_resume(d);
	/* The store is open and the control socket listens. */
	sdnotify_ready(d);
	/* A first scan so status and compliance are current at start. */
	daemon_scan(d, NULL);
}

void
daemon_stop(struct wardend *d, const char *why)
{
	if (d->stopping)
		return;
	d->stopping = true;
	log_info("stopping (%s)", why);
	sdnotify_stopping(d);
	policy_engine_cancel(d);
	retire_stop(d);
	server_stop(d);
	netwatch_stop(d);
	lwm2m_session_stop(d);
	netproc_stop(d->net);
	control_stop(d);
	apps_watch_stop(d);
	uv_signal_stop(&d->sig_hup);
	uv_close((uv_handle_t *)&d->sig_term, NULL);
	uv_close((uv_handle_t *)&d->sig_int, NULL);
	uv_close((uv_handle_t *)&d->sig_hup, NULL);
	uv_close((uv_handle_t *)&d->scan_timer, NULL);
	uv_close((uv_handle_t *)&d->settle_timer, NULL);
	if (d->hal_watch_active)
		uv_close((uv_handle_t *)&d->hal_watch, NULL);
	d->hal_watch_active = false;
}

void
daemon_cleanup(struct wardend *d)
{
	if (uv_loop_close(d->loop) != 0)
		log_warnx("event loop closed with handles still open");
	hal_close(&d->hal);
	free(d->apps);
	d->apps = NULL;
	compliance_stop(d);
	policy_engine_stop(d);
	server_free(d);
	lwm2m_session_free(d);
	/* After every key from the TPM is gone. */
	keystore_stop(d);
	netproc_free(d->net);
	d->net = NULL;
	store_close(d->store);
	d->store = NULL;
}
