/*
 * mdm_serve.c - `wardenmdm serve`: one libuv loop. The loop watches the
 * listening socket, the notify descriptor (or, without inotify, a
 * fallback timer), SIGTERM/SIGINT and every connection (mdm_conn.c): no
 * thread per connection, so thousands of idle long polls cost memory
 * only. Handlers run on the loop and touch the store and the CA
 * directly; only the TLS handshakes' public-key work goes to libuv's
 * thread pool (mdm_conn.c).
 *
 * SIGTERM/SIGINT: stop accepting, answer every parked long poll, close
 * idle connections, let the others finish their response for at most
 * STOP_WAIT_MS, then release everything.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_db.h"

#define STOP_WAIT_MS 10000
/* While the PostgreSQL LISTEN connection is lost, it is tried again
 * this often. */
#define DB_RETRY_MS 1000
#define MDM_MMAP_THRESHOLD (16 * 1024)

static void
serve_usage(void)
{
	fprintf(stderr, "usage: wardenmdm serve --dir DIR [--listen ADDR:PORT] "
	    "[--cert-days N]\n"
	    "                      [--poll-timeout N] [--san DNS:name|IP:addr] "
	    "[--no-command-signing]\n"
	    "                      [--inject-faults FILE] [--console-dir DIR] "
	    "[--console-idle SECONDS] [-v]\n");
}

static int
parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* "127.0.0.1:8443" or "[::1]:8443" -> a listening socket. */
static int
listen_on(const char *spec, char *bound, size_t boundlen)
{
	char host[INET6_ADDRSTRLEN + 2], port[8];
	struct addrinfo hints = { 0 }, *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	const char *colon = strrchr(spec, ':');
	char addr[INET6_ADDRSTRLEN];
	int fd, on = 1, rc;
	size_t hl;

	if (colon == NULL || colon == spec || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= sizeof(port)) {
		mdm_log_warnx("--listen %s: not ADDRESS:PORT", spec);
		return -1;
	}
	hl = (size_t)(colon - spec);
	if (spec[0] == '[' && hl > 2 && spec[hl - 1] == ']') {
		spec++;
		hl -= 2;
	}
	if (hl >= sizeof(host)) {
		mdm_log_warnx("--listen: address too long");
		return -1;
	}
	memcpy(host, spec, hl);
	host[hl] = '\0';
	snprintf(port, sizeof(port), "%s", colon + 1);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
		mdm_log_warnx("--listen %s: %s", host, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)) != 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    listen(fd, SOMAXCONN) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) != 0) {
		mdm_log_warn("listen on %s", spec);
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)&ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
		snprintf(bound, boundlen, "[%s]:%u", addr,
		    ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)&ss;
		inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
		snprintf(bound, boundlen, "%s:%u", addr, ntohs(s4->sin_port));
	}
	return fd;
}

/* DIR/server.url: where this server listens, for `token new`. */
static void
write_url(const char *dir, const char *bound)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/server.url", dir) >=
	    (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return;
	if ((f = fopen(tmp, "w")) == NULL) {
		mdm_log_warn("%s", tmp);
		return;
	}
	fprintf(f, "https://%s\n", bound);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		mdm_log_warn("%s", path);
}

static void
peer_name(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;
		inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
		port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
		port = ntohs(s6->sin6_port);
	}
	snprintf(out, len, "%s:%u", addr, port);
}

/* The loop's handles besides the connections'. */
struct serve_loop {
	struct mdm_server *srv;
	uv_poll_t listen;
	uv_poll_t notify;
	uv_poll_t *db;		/* the PostgreSQL LISTEN connection's
				   socket, NULL while it is lost */
	uv_timer_t db_retry;	/* reconnects it meanwhile */
	uv_timer_t fallback;
	uv_signal_t sigterm, sigint;
	uv_timer_t stop;
	uv_check_t commit;		/* the group commit, every turn */
	uv_prepare_t commit_timers;	/* and after the timers' callbacks */
	bool has_notify, has_db_retry, has_fallback;
	int signal;
	int64_t last_refusal_ms;
	unsigned long refused;
};

static void
on_accept(uv_poll_t *h, int status, int events)
{
	struct serve_loop *sl = h->data;
	struct mdm_server *srv = sl->srv;
	struct sockaddr_storage ss;
	char peer[64];
	socklen_t sslen;
	int fd, on = 1;

	(void)events;
	if (status < 0)
		return;
	for (;;) {
		sslen = sizeof(ss);
		fd = accept4(srv->listen_fd, (struct sockaddr *)&ss, &sslen,
		    SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				mdm_log_warn("accept");
			return;
		}
		if (srv->nconns >= srv->max_conns) {
			close(fd);
			/* Logged once a minute with the count, not once each. */
			sl->refused++;
			if (mdm_now_ms() - sl->last_refusal_ms >= 60000) {
				mdm_log_warnx("refused %lu connection(s): %d "
				    "open", sl->refused, srv->nconns);
				sl->refused = 0;
				sl->last_refusal_ms = mdm_now_ms();
			}
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		peer_name(&ss, peer, sizeof(peer));
		mdm_conn_accept(srv, fd, peer);
		/* A crowd of handshakes would all miss their deadline:
		 * the rest wait in the kernel's backlog meanwhile. */
		if (srv->handshakes >= MDM_HANDSHAKES_MAX) {
			uv_poll_stop(h);
			srv->accept_paused = true;
			return;
		}
	}
}

void
mdm_serve_handshake_done(struct mdm_server *srv)
{
	srv->handshakes--;
	if (srv->accept_paused && !srv->stopping &&
	    srv->handshakes < MDM_HANDSHAKES_MAX) {
		srv->accept_paused = false;
		uv_poll_start(srv->listen, UV_READABLE, on_accept);
	}
}

static void
on_notify(uv_poll_t *h, int status, int events)
{
	struct serve_loop *sl = h->data;

	(void)status;
	(void)events;
	if (mdm_notify_drain(&sl->srv->notify))
		mdm_conn_wake(sl->srv);
}

static void
on_fallback(uv_timer_t *t)
{
	struct serve_loop *sl = t->data;

	mdm_conn_wake(sl->srv);
}

/* Re-reads the database for the parked long polls every
 * MDM_NOTIFY_FALLBACK_MS (no inotify, or the LISTEN connection lost). */
static void
start_fallback(struct serve_loop *sl)
{
	if (!sl->has_fallback) {
		uv_timer_init(sl->srv->loop, &sl->fallback);
		sl->fallback.data = sl;
		sl->has_fallback = true;
	}
	uv_timer_start(&sl->fallback, on_fallback, MDM_NOTIFY_FALLBACK_MS,
	    MDM_NOTIFY_FALLBACK_MS);
}

static void
free_handle(uv_handle_t *h)
{
	free(h);
}

static void on_db_notify(uv_poll_t *h, int status, int events);

/* Watches the LISTEN connection's socket. */
static int
watch_db(struct serve_loop *sl)
{
	uv_poll_t *p = malloc(sizeof(*p));

	if (p == NULL)
		return -1;
	if (uv_poll_init(sl->srv->loop, p,
	    mdm_db_listen_fd(sl->srv->db_listen)) != 0) {
		free(p);
		return -1;
	}
	p->data = sl;
	sl->db = p;
	uv_poll_start(p, UV_READABLE, on_db_notify);
	return 0;
}

static void
on_db_retry(uv_timer_t *t)
{
	struct serve_loop *sl = t->data;
	char err[MDM_ERR_MAX];

	if (mdm_db_listen_reconnect(sl->srv->db_listen, err,
	    sizeof(err)) != 0 || watch_db(sl) != 0)
		return;
	mdm_log_info("database: the LISTEN connection is back");
	uv_timer_stop(t);
	if (sl->has_notify)
		uv_timer_stop(&sl->fallback);
	/* What was written meanwhile was not announced to this one. */
	mdm_conn_wake(sl->srv);
}

/* Another instance (or the admin CLI anywhere) wrote a command or a
 * policy: the parked long polls look again. */
static void
on_db_notify(uv_poll_t *h, int status, int events)
{
	struct serve_loop *sl = h->data;
	int rc;

	(void)events;
	rc = status < 0 ? -1 : mdm_db_listen_drain(sl->srv->db_listen);
	if (rc > 0)
		mdm_conn_wake(sl->srv);
	if (rc < 0) {
		mdm_log_warnx("database: the LISTEN connection is lost; long "
		    "polls re-read the database every %d ms until it is "
		    "back", MDM_NOTIFY_FALLBACK_MS);
		uv_close((uv_handle_t *)sl->db, free_handle);
		sl->db = NULL;
		start_fallback(sl);
		if (!sl->has_db_retry) {
			uv_timer_init(sl->srv->loop, &sl->db_retry);
			sl->db_retry.data = sl;
			sl->has_db_retry = true;
		}
		uv_timer_start(&sl->db_retry, on_db_retry, DB_RETRY_MS,
		    DB_RETRY_MS);
	}
}

static void
on_stop_timer(uv_timer_t *t)
{
	struct serve_loop *sl = t->data;

	if (sl->srv->nconns > 0)
		mdm_log_warnx("%d connection(s) still busy after %d ms; "
		    "closing them", sl->srv->nconns, STOP_WAIT_MS);
	mdm_conn_close_all(sl->srv);
	uv_close((uv_handle_t *)t, NULL);
}

static void
on_signal(uv_signal_t *h, int sig)
{
	struct serve_loop *sl = h->data;
	struct mdm_server *srv = sl->srv;

	if (srv->stopping)
		return;
	sl->signal = sig;
	srv->stopping = true;
	mdm_log_info("stopping (%d connections open)", srv->nconns);
	uv_close((uv_handle_t *)&sl->listen, NULL);
	if (sl->has_notify)
		uv_close((uv_handle_t *)&sl->notify, NULL);
	if (sl->db != NULL)
		uv_close((uv_handle_t *)sl->db, free_handle);
	sl->db = NULL;
	if (sl->has_db_retry)
		uv_close((uv_handle_t *)&sl->db_retry, NULL);
	if (sl->has_fallback)
		uv_close((uv_handle_t *)&sl->fallback, NULL);
	uv_close((uv_handle_t *)&sl->sigterm, NULL);
	uv_close((uv_handle_t *)&sl->sigint, NULL);
	mdm_conn_stop(srv);
	uv_timer_init(srv->loop, &sl->stop);
	sl->stop.data = sl;
	uv_timer_start(&sl->stop, on_stop_timer, STOP_WAIT_MS, 0);
	/* The timer must not keep a loop alive whose connections ended. */
	uv_unref((uv_handle_t *)&sl->stop);
}

/* After the turn's I/O: what its requests wrote is committed at once,
 * with one sync of the log, before any of them is answered. */
static void
on_commit(uv_check_t *h)
{
	struct serve_loop *sl = h->data;

	mdm_conn_commit(sl->srv);
}

/* The same before the loop waits for I/O: a response a timer made (a
 * long poll's deadline) must not wait for the next event. */
static void
on_commit_timers(uv_prepare_t *h)
{
	struct serve_loop *sl = h->data;

	mdm_conn_commit(sl->srv);
}

/* Runs the loop until a signal has stopped the server and every
 * connection has ended. */
static int
run(struct mdm_server *srv)
{
	struct serve_loop sl;
	int rc;

	memset(&sl, 0, sizeof(sl));
	sl.srv = srv;
	if ((rc = uv_poll_init(srv->loop, &sl.listen, srv->listen_fd)) != 0) {
		mdm_log_warnx("listening socket: %s", uv_strerror(rc));
		return -1;
	}
	sl.listen.data = sl.sigterm.data = sl.sigint.data = &sl;
	srv->listen = &sl.listen;
	uv_poll_start(&sl.listen, UV_READABLE, on_accept);
	if (mdm_notify_fd(&srv->notify) >= 0 && uv_poll_init(srv->loop,
	    &sl.notify, mdm_notify_fd(&srv->notify)) == 0) {
		sl.notify.data = &sl;
		sl.has_notify = true;
		uv_poll_start(&sl.notify, UV_READABLE, on_notify);
	} else {
		start_fallback(&sl);
	}
	if (srv->db_listen != NULL && watch_db(&sl) != 0) {
		mdm_log_warnx("database: cannot watch the LISTEN connection; "
		    "long polls re-read the database every %d ms",
		    MDM_NOTIFY_FALLBACK_MS);
		start_fallback(&sl);
	}
	uv_signal_init(srv->loop, &sl.sigterm);
	uv_signal_init(srv->loop, &sl.sigint);
	uv_signal_start(&sl.sigterm, on_signal, SIGTERM);
	uv_signal_start(&sl.sigint, on_signal, SIGINT);
	/* Group commit: a connection whose response waits for it keeps the
	 * loop alive by its own handles, so this one need not. */
	mdm_store_batch(srv->store, true);
	uv_check_init(srv->loop, &sl.commit);
	sl.commit.data = &sl;
	uv_check_start(&sl.commit, on_commit);
	uv_unref((uv_handle_t *)&sl.commit);
	uv_prepare_init(srv->loop, &sl.commit_timers);
	sl.commit_timers.data = &sl;
	uv_prepare_start(&sl.commit_timers, on_commit_timers);
	uv_unref((uv_handle_t *)&sl.commit_timers);
	rc = uv_run(srv->loop, UV_RUN_DEFAULT);
	/* Whatever is left (the stop timer) is closed before the loop is. */
	if (!uv_is_closing((uv_handle_t *)&sl.stop) && sl.stop.data != NULL)
		uv_close((uv_handle_t *)&sl.stop, NULL);
	uv_close((uv_handle_t *)&sl.commit, NULL);
	uv_close((uv_handle_t *)&sl.commit_timers, NULL);
	uv_run(srv->loop, UV_RUN_DEFAULT);
	if (mdm_store_batch(srv->store, false) != 0)
		mdm_log_warnx("database: the last group commit failed");
	return sl.signal != 0 ? 0 : -1;
}

/* As many connections as descriptors allow (the soft limit raised to the
 * hard one), less a reserve for the store and the log. */
static int
connection_limit(void)
{
	struct rlimit rl;
	rlim_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 512;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	n = rl.rlim_cur == RLIM_INFINITY ? MDM_MAX_CONNS : rl.rlim_cur;
	if (n < 128)
		return 64;
	n -= 64;
	return n > MDM_MAX_CONNS ? MDM_MAX_CONNS : (int)n;
}

static int
serve_options(struct mdm_server *srv, int argc, char **argv,
    const char **listen_spec, const char **san, size_t *nsan, int *level,
    const char **console_dir)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "cert-days", required_argument, NULL, 'c' },
		{ "poll-timeout", required_argument, NULL, 'p' },
		{ "san", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-command-signing", no_argument, NULL, 'n' },
		{ "inject-faults", required_argument, NULL, 'f' },
		{ "console-dir", required_argument, NULL, 'C' },
		{ "console-idle", required_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			*listen_spec = optarg;
			break;
		case 'c':
			if (parse_int(optarg, 1, 3650, &srv->cert_days) != 0) {
				fprintf(stderr, "wardenmdm: --cert-days: 1 to "
				    "3650\n");
				return -1;
			}
			break;
		case 'p':
			if (parse_int(optarg, 1, MDM_WAIT_MAX,
			    &srv->poll_timeout) != 0) {
				fprintf(stderr, "wardenmdm: --poll-timeout: 1 "
				    "to %d\n", MDM_WAIT_MAX);
				return -1;
			}
			break;
		case 's':
			if (*nsan >= MDM_SAN_EXTRA_MAX) {
				fprintf(stderr, "wardenmdm: --san: at most "
				    "%d\n", MDM_SAN_EXTRA_MAX);
				return -1;
			}
			san[(*nsan)++] = optarg;
			break;
		case 'v':
			*level = MDM_LOG_DEBUG;
			break;
		case 'n':
			srv->command_signing = false;
			break;
		case 'f':
			if (snprintf(srv->fault_file, sizeof(srv->fault_file),
			    "%s", optarg) >= (int)sizeof(srv->fault_file)) {
				fprintf(stderr, "wardenmdm: --inject-faults: "
				    "path too long\n");
				return -1;
			}
			break;
		case 'C':
			*console_dir = optarg;
			break;
		case 'I':
			if (parse_int(optarg, 1, 86400,
			    &srv->console.idle_seconds) != 0) {
				fprintf(stderr, "wardenmdm: --console-idle: 1 "
				    "to 86400\n");
				return -1;
			}
			break;
		default:
			serve_usage();
			return -1;
		}
	}
	if (optind != argc) {
		serve_usage();
		return -1;
	}
	return 0;
}

/* Everything the server needs before it listens. */
static int
setup(struct mdm_server *srv, const char *const *san)
{
	char err[MDM_ERR_MAX] = "path too long", path[PATH_MAX];

	if (crypto_rng_new("wardenmdm", &srv->rng, err, sizeof(err)) != 0 ||
	    mdm_ca_open(&srv->ca, srv->dir, srv->rng, san, err,
	    sizeof(err)) != 0) {
		mdm_log_warnx("%s", err);
		crypto_rng_free(srv->rng);
		return -1;
	}
	if (mdm_tls_conf_init(&srv->tls, &srv->ca, srv->rng, err,
	    sizeof(err)) != 0) {
		mdm_log_warnx("%s", err);
		mdm_ca_close(&srv->ca);
		crypto_rng_free(srv->rng);
		return -1;
	}
	if (snprintf(path, sizeof(path), "%s/%s", srv->dir, MDM_DB_FILE) >=
	    (int)sizeof(path) ||
	    mdm_store_open(path, &srv->store, err, sizeof(err)) != 0) {
		mdm_log_warnx("%s", err);
		mdm_tls_conf_free(&srv->tls);
		mdm_ca_close(&srv->ca);
		crypto_rng_free(srv->rng);
		return -1;
	}
	mdm_notify_init(&srv->notify, srv->dir);
	/* On PostgreSQL, writes by other instances wake this one's long
	 * polls; without the LISTEN connection they would wait for their
	 * timeout, so the server does not start without it. */
	if (mdm_db_is_url(mdm_db_spec(path)) &&
	    mdm_db_listen_open(mdm_db_spec(path), &srv->db_listen, err,
	    sizeof(err)) != 0) {
		mdm_log_warnx("%s", err);
		mdm_notify_free(&srv->notify);
		mdm_store_close(srv->store);
		mdm_tls_conf_free(&srv->tls);
		mdm_ca_close(&srv->ca);
		crypto_rng_free(srv->rng);
		return -1;
	}
	return 0;
}

int
mdm_cmd_serve(const char *dir, int argc, char **argv)
{
	static struct mdm_server srv;
	const char *listen_spec = MDM_DEFAULT_LISTEN;
	const char *console_dir = MDM_CONSOLE_DIR_DEFAULT;
	const char *san[MDM_SAN_EXTRA_MAX + 1] = { NULL };
	char bound[INET6_ADDRSTRLEN + 16], pin[65];
	struct sigaction sa;
	uv_loop_t loop;
	size_t nsan = 0;
	int level = MDM_LOG_INFO, rc;

	srv.cert_days = MDM_DEFAULT_CERT_DAYS;
	srv.poll_timeout = MDM_DEFAULT_POLL_TIMEOUT;
	srv.command_signing = true;
	srv.listen_fd = -1;
	if (serve_options(&srv, argc, argv, &listen_spec, san, &nsan, &level,
	    &console_dir) != 0)
		return MDM_EXIT_USAGE;
	mdm_log_init(level);
	snprintf(srv.dir, sizeof(srv.dir), "%s", dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		mdm_log_warn("%s", dir);
		return MDM_EXIT_FAIL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	srv.max_conns = connection_limit();
	/* Each TLS connection holds two 16 KiB record buffers of which an
	 * idle long poll touches a page or two: mapped on their own, the
	 * untouched pages cost no memory. */
	mallopt(M_MMAP_THRESHOLD, MDM_MMAP_THRESHOLD);
	if (setup(&srv, san) != 0)
		return MDM_EXIT_FAIL;
	mdm_console_load(&srv.console, console_dir);
	if ((rc = uv_loop_init(&loop)) != 0) {
		mdm_log_warnx("event loop: %s", uv_strerror(rc));
		rc = MDM_EXIT_FAIL;
		goto out;
	}
	srv.loop = &loop;
	if ((srv.listen_fd = listen_on(listen_spec, bound, sizeof(bound))) < 0) {
		rc = MDM_EXIT_FAIL;
		goto out_loop;
	}
	write_url(dir, bound);
	/* As the QR code carries it, so that an admin can compare them. */
	if (crypto_b64url_encode(srv.ca.pin, CRYPTO_SHA256_LEN, pin,
	    sizeof(pin)) != 0)
		pin[0] = '\0';
	mdm_log_info("listening on https://%s (CA pin, "
	    "warden.SERVER_CERT_SHA256: %s)", bound, pin);
	if (srv.fault_file[0] != '\0')
		mdm_log_warnx("fault injection on: %s can make this server "
		    "refuse devices' reports and results", srv.fault_file);
	if (!srv.command_signing)
		mdm_log_warnx("command signing is off: devices enrolled now "
		    "get no command key, and no command carries a signature");
	rc = run(&srv) == 0 ? MDM_EXIT_OK : MDM_EXIT_FAIL;
	close(srv.listen_fd);
out_loop:
	if (uv_loop_close(&loop) != 0)
		mdm_log_warnx("event loop: handles left open");
out:
	mdm_console_free(&srv.console);
	mdm_notify_free(&srv.notify);
	mdm_db_listen_free(srv.db_listen);
	mdm_store_close(srv.store);
	mdm_tls_conf_free(&srv.tls);
	mdm_ca_close(&srv.ca);
	crypto_rng_free(srv.rng);
	return rc;
}
