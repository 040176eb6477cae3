/*
 * mdm_serve.c - `wardenmdm serve`: the listener. The main thread waits in
 * ppoll(2) on the listening socket and the notify descriptor (signals
 * are unblocked only there); each accepted connection gets a thread of
 * its own with blocking-style I/O bounded by deadlines (mdm_tls.c). The
 * threads share the store (locked), the CA (issuing is locked), the RNG
 * (mbedTLS locks it) and the notify condition.
 *
 * SIGTERM/SIGINT: stop accepting, wake every long poll, shut every
 * connection's socket down, wait for the threads, release everything.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mdm.h"

#define THREAD_STACK (1024 * 1024)
#define STOP_WAIT_MS 10000

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

static void
serve_usage(void)
{
	fprintf(stderr, "usage: wardenmdm serve --dir DIR [--listen ADDR:PORT] "
	    "[--cert-days N]\n"
	    "                      [--poll-timeout N] [--san DNS:name|IP:addr] "
	    "[--no-command-signing]\n"
	    "                      [--inject-faults FILE] [-v]\n");
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
	    listen(fd, 128) != 0 ||
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

static void *
conn_main(void *arg)
{
	struct mdm_conn *c = arg;
	struct mdm_server *srv = c->srv;

	mdm_conn_serve(c);
	pthread_mutex_lock(&srv->conns_mu);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	srv->nconns--;
	pthread_cond_broadcast(&srv->conns_cond);
	pthread_mutex_unlock(&srv->conns_mu);
	/* Only now: the stopping main thread may shutdown() a listed fd. */
	close(c->fd);
	free(c);
	return NULL;
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

static void
accept_all(struct mdm_server *srv, pthread_attr_t *attr)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct mdm_conn *c;
	pthread_t th;
	int fd, on = 1;

	for (;;) {
		sslen = sizeof(ss);
		fd = accept4(srv->listen_fd, (struct sockaddr *)&ss, &sslen,
		    SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				mdm_log_warn("accept");
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		pthread_mutex_lock(&srv->conns_mu);
		if (srv->nconns >= MDM_MAX_CONNS ||
		    (c = calloc(1, sizeof(*c))) == NULL) {
			pthread_mutex_unlock(&srv->conns_mu);
			mdm_log_warnx("refusing a connection: %d open",
			    MDM_MAX_CONNS);
			close(fd);
			continue;
		}
		c->srv = srv;
		c->fd = fd;
		peer_name(&ss, c->peer, sizeof(c->peer));
		c->next = srv->conns;
		if (srv->conns != NULL)
			srv->conns->prev = c;
		srv->conns = c;
		srv->nconns++;
		if (pthread_create(&th, attr, conn_main, c) != 0) {
			srv->conns = c->next;
			if (c->next != NULL)
				c->next->prev = NULL;
			srv->nconns--;
			pthread_mutex_unlock(&srv->conns_mu);
			mdm_log_warnx("no thread for a connection");
			close(fd);
			free(c);
			continue;
		}
		pthread_mutex_unlock(&srv->conns_mu);
	}
}

/* Stops every connection; true when all threads have ended. */
static bool
stop_all(struct mdm_server *srv)
{
	struct timespec ts;
	struct mdm_conn *c;
	int64_t until = mdm_now_ms() + STOP_WAIT_MS;

	atomic_store(&srv->stopping, true);
	mdm_notify_stop(&srv->notify);
	ts.tv_sec = (time_t)(until / 1000);
	ts.tv_nsec = (long)(until % 1000) * 1000000L;
	pthread_mutex_lock(&srv->conns_mu);
	for (c = srv->conns; c != NULL; c = c->next)
		shutdown(c->fd, SHUT_RDWR);
	while (srv->nconns > 0) {
		if (pthread_cond_timedwait(&srv->conns_cond, &srv->conns_mu,
		    &ts) != 0)
			break;
	}
	pthread_mutex_unlock(&srv->conns_mu);
	return srv->nconns == 0;
}

static int
run(struct mdm_server *srv, const sigset_t *unblocked)
{
	struct pollfd pfd[2];
	pthread_attr_t attr;
	nfds_t n;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	while (!got_signal) {
		pfd[0].fd = srv->listen_fd;
		pfd[0].events = POLLIN;
		n = 1;
		if (mdm_notify_fd(&srv->notify) >= 0) {
			pfd[1].fd = mdm_notify_fd(&srv->notify);
			pfd[1].events = POLLIN;
			n = 2;
		}
		if (ppoll(pfd, n, NULL, unblocked) < 0) {
			if (errno == EINTR)
				continue;
			mdm_log_warn("ppoll");
			break;
		}
		if (n == 2 && (pfd[1].revents & POLLIN))
			mdm_notify_drain(&srv->notify);
		if (pfd[0].revents & POLLIN)
			accept_all(srv, &attr);
	}
	pthread_attr_destroy(&attr);
	return got_signal ? 0 : -1;
}

static int
serve_options(struct mdm_server *srv, int argc, char **argv,
    const char **listen_spec, const char **san, size_t *nsan, int *level)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "cert-days", required_argument, NULL, 'c' },
		{ "poll-timeout", required_argument, NULL, 'p' },
		{ "san", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-command-signing", no_argument, NULL, 'n' },
		{ "inject-faults", required_argument, NULL, 'f' },
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
	if (snprintf(path, sizeof(path), "%s/%s", srv->dir, MDM_DB_FILE) >=
	    (int)sizeof(path) ||
	    mdm_store_open(path, &srv->store, err, sizeof(err)) != 0) {
		mdm_log_warnx("%s", err);
		mdm_ca_close(&srv->ca);
		crypto_rng_free(srv->rng);
		return -1;
	}
	if (mdm_notify_init(&srv->notify, srv->dir) != 0) {
		mdm_log_warnx("cannot set up thread synchronisation");
		mdm_store_close(srv->store);
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
	const char *san[MDM_SAN_EXTRA_MAX + 1] = { NULL };
	char bound[INET6_ADDRSTRLEN + 16], pin[65];
	struct sigaction sa;
	pthread_condattr_t ca;
	sigset_t block, unblocked;
	size_t nsan = 0;
	int level = MDM_LOG_INFO, rc;

	srv.cert_days = MDM_DEFAULT_CERT_DAYS;
	srv.poll_timeout = MDM_DEFAULT_POLL_TIMEOUT;
	srv.command_signing = true;
	srv.listen_fd = -1;
	if (serve_options(&srv, argc, argv, &listen_spec, san, &nsan, &level)
	    != 0)
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
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* Blocked everywhere but in the main thread's ppoll(). */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &unblocked);
	pthread_mutex_init(&srv.conns_mu, NULL);
	/* stop_all() waits on it with a CLOCK_MONOTONIC deadline. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&srv.conns_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (setup(&srv, san) != 0)
		return MDM_EXIT_FAIL;
	if ((srv.listen_fd = listen_on(listen_spec, bound, sizeof(bound))) < 0) {
		rc = MDM_EXIT_FAIL;
		goto out;
	}
	write_url(dir, bound);
	crypto_pin_format(srv.ca.pin, pin);
	mdm_log_info("listening on https://%s (CA SHA-256 %s)", bound, pin);
	if (srv.fault_file[0] != '\0')
		mdm_log_warnx("fault injection on: %s can make this server "
		    "refuse devices' reports and results", srv.fault_file);
	if (!srv.command_signing)
		mdm_log_warnx("command signing is off: devices enrolled now "
		    "get no command key, and no command carries a signature");
	rc = run(&srv, &unblocked) == 0 ? MDM_EXIT_OK : MDM_EXIT_FAIL;
	mdm_log_info("stopping (%d connections open)", srv.nconns);
	close(srv.listen_fd);
	if (!stop_all(&srv)) {
		/* Threads still hold the store: leave it to the exit. */
		mdm_log_warnx("connections still busy after %d ms; exiting",
		    STOP_WAIT_MS);
		return MDM_EXIT_FAIL;
	}
out:
	mdm_notify_free(&srv.notify);
	mdm_store_close(srv.store);
	mdm_ca_close(&srv.ca);
	crypto_rng_free(srv.rng);
	return rc;
}
