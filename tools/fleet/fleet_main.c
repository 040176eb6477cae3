/*
 * fleet_main.c - wardenfleet: options, the run (key generation, then the
 * devices started a few at a time), progress on stderr every few
 * seconds, events and the summary on stdout, the stop.
 *
 * stdout lines, for scripts:
 *   keys N MS                 key pairs and CSRs made before the clock
 *   enrolled-all N MS         every device enrolled, MS after the start
 *   reported-all N MS         every device's first report stored
 *   policy ETAG N EPOCH_MS    every managed device holds policy ETAG,
 *                             since EPOCH_MS (Unix milliseconds)
 *   summary ...               one line at the end
 * Exit status: 0 when every device ended MANAGED with one enrollment.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "agent/core/url.h"
#include "tools/fleet/fleet.h"

#define PROGRESS_MS 5000
#define TOKEN_MAX 512

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
fleet_elapsed_ms(const struct fleet *f)
{
	return now_ms() - f->t0_ms;
}

static void
usage(void)
{
	fprintf(stderr, "usage: wardenfleet --url https://HOST:PORT [--url ...] "
	    "--ca FILE --tokens FILE\n"
	    "                   [--devices N] [--wait SECONDS] [--ramp N] "
	    "[--duration SECONDS]\n"
	    "                   [--hold SECONDS] [--non-compliant PERCENT] "
	    "[--policy-count N]\n");
}

/* Devices not started yet, started as others finish enrolling. */
static size_t next_dev;
static uv_timer_t progress_timer, stop_timer;
static uv_signal_t sigint_h, sigterm_h;
static int64_t hold_ms = -1;		/* after all reported; -1: forever */

static void
start_more(struct fleet *f)
{
	while (!f->stopping && next_dev < f->n && f->enrolling < (size_t)f->ramp) {
		f->enrolling++;
		f->started++;
		fleet_dev_start(&f->devs[next_dev++]);
	}
}

static void stop_run(struct fleet *f);

static void
on_stop_timer(uv_timer_t *t)
{
	stop_run(t->data);
}

static void
maybe_done(struct fleet *f)
{
	if (f->enrolled + f->failed == f->n && f->all_enrolled_ms < 0 &&
	    f->failed == 0) {
		f->all_enrolled_ms = fleet_elapsed_ms(f);
		printf("enrolled-all %zu %lld\n", f->n,
		    (long long)f->all_enrolled_ms);
	}
	if (f->reported + f->failed == f->n && f->all_reported_ms < 0) {
		f->all_reported_ms = fleet_elapsed_ms(f);
		printf("reported-all %zu %lld\n", f->reported,
		    (long long)f->all_reported_ms);
		if (hold_ms >= 0)
			uv_timer_start(&stop_timer, on_stop_timer,
			    (uint64_t)hold_ms, 0);
	}
}

void
fleet_on_enrolled(struct fleet *f, struct fleet_dev *d)
{
	(void)d;
	f->enrolled++;
	f->enrolling--;
	start_more(f);
	maybe_done(f);
}

void
fleet_on_reported(struct fleet *f, struct fleet_dev *d)
{
	(void)d;
	f->reported++;
	maybe_done(f);
}

void
fleet_on_failed(struct fleet *f, struct fleet_dev *d, const char *why)
{
	fprintf(stderr, "wardenfleet: device %zu lost: %s\n", d->idx, why);
	f->failed++;
	f->enrolling--;
	start_more(f);
	maybe_done(f);
}

void
fleet_on_policy(struct fleet *f, struct fleet_dev *d, const char *old)
{
	(void)old;
	if (strcmp(d->etag, f->last_etag) != 0) {
		snprintf(f->last_etag, sizeof(f->last_etag), "%s", d->etag);
		f->on_last_etag = 0;
		f->etag_announced = false;
		f->count_announced = false;
	}
	f->on_last_etag++;
	if (!f->count_announced && f->on_last_etag == f->policy_count) {
		f->count_announced = true;
		printf("policy %s %zu %lld\n", f->last_etag, f->on_last_etag,
		    (long long)epoch_ms());
	}
	if (!f->etag_announced && f->enrolled + f->failed == f->n &&
	    f->on_last_etag == f->enrolled) {
		f->etag_announced = true;
		printf("policy %s %zu %lld\n", f->last_etag, f->on_last_etag,
		    (long long)epoch_ms());
	}
}

static void
on_progress(uv_timer_t *t)
{
	struct fleet *f = t->data;

	fprintf(stderr, "wardenfleet: %5.1f s: %zu started, %zu enrolled, "
	    "%zu reported, %zu lost; %llu requests, %llu errors, %llu "
	    "commands\n", (double)fleet_elapsed_ms(f) / 1000.0, f->started,
	    f->enrolled, f->reported, f->failed,
	    (unsigned long long)f->requests, (unsigned long long)f->errors,
	    (unsigned long long)f->commands);
}

static void
stop_run(struct fleet *f)
{
	size_t i;

	if (f->stopping)
		return;
	f->stopping = true;
	for (i = 0; i < f->n; i++)
		fleet_dev_stop(&f->devs[i]);
	uv_close((uv_handle_t *)&progress_timer, NULL);
	uv_close((uv_handle_t *)&stop_timer, NULL);
	uv_close((uv_handle_t *)&sigint_h, NULL);
	uv_close((uv_handle_t *)&sigterm_h, NULL);
}

static void
on_signal(uv_signal_t *h, int sig)
{
	(void)sig;
	stop_run(h->data);
}

/* "https://host:port" (agent/core/url.h) -> the next of f->servers. */
static int
resolve(struct fleet *f, const char *url)
{
	struct fleet_server *srv = &f->servers[f->nservers];
	struct addrinfo hints = { 0 }, *ai;
	char port[8], err[128];
	struct in6_addr a;
	struct url u;

	if (url_parse(url, 0, &u, err, sizeof(err)) != 0 ||
	    u.scheme != URL_HTTPS)
		return -1;
	snprintf(port, sizeof(port), "%u", u.port);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (getaddrinfo(u.host, port, &hints, &ai) != 0)
		return -1;
	memcpy(&srv->addr, ai->ai_addr, ai->ai_addrlen);
	srv->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	snprintf(srv->hostname, sizeof(srv->hostname), "%s", u.host);
	srv->numeric = inet_pton(AF_INET, u.host, &a) == 1 ||
	    inet_pton(AF_INET6, u.host, &a) == 1;
	f->nservers++;
	return 0;
}

static int
parse_num(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || *out < min ||
	    *out > max ? -1 : 0;
}

/* Reads up to max tokens, one per line, into a malloc'd array. */
static char **
read_tokens(const char *path, size_t max, size_t *n)
{
	char line[TOKEN_MAX + 2], **v;
	FILE *fp;
	size_t len;

	*n = 0;
	if ((fp = fopen(path, "r")) == NULL ||
	    (v = calloc(max, sizeof(*v))) == NULL) {
		if (fp != NULL)
			fclose(fp);
		return NULL;
	}
	while (*n < max && fgets(line, sizeof(line), fp) != NULL) {
		len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (len == 0)
			continue;
		if ((v[*n] = strdup(line)) == NULL)
			break;
		(*n)++;
	}
	crypto_zero(line, sizeof(line));
	fclose(fp);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "ca", required_argument, NULL, 'c' },
		{ "tokens", required_argument, NULL, 't' },
		{ "devices", required_argument, NULL, 'n' },
		{ "wait", required_argument, NULL, 'w' },
		{ "ramp", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "hold", required_argument, NULL, 'H' },
		{ "non-compliant", required_argument, NULL, 'N' },
		{ "policy-count", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	static struct fleet f;
	const char *urls[FLEET_SERVERS_MAX], *ca = NULL, *tokfile = NULL;
	size_t nurls = 0;
	char err[256], **tokens = NULL;
	long ndev = 100, v, duration = 600;
	size_t i, ntok = 0, managed = 0;
	uv_loop_t loop;
	int64_t t;
	int ch, rc = 1;

	f.wait = 30;
	f.ramp = 256;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			/* Devices are spread over the instances. */
			if (nurls == FLEET_SERVERS_MAX) {
				fprintf(stderr, "wardenfleet: --url: at most "
				    "%d\n", FLEET_SERVERS_MAX);
				return 2;
			}
			urls[nurls++] = optarg;
			break;
		case 'c':
			ca = optarg;
			break;
		case 't':
			tokfile = optarg;
			break;
		case 'n':
			if (parse_num(optarg, 1, 100000, &ndev) != 0)
				goto bad;
			break;
		case 'w':
			if (parse_num(optarg, 0, 60, &v) != 0)
				goto bad;
			f.wait = (int)v;
			break;
		case 'r':
			if (parse_num(optarg, 1, 100000, &v) != 0)
				goto bad;
			f.ramp = (int)v;
			break;
		case 'd':
			if (parse_num(optarg, 1, 86400, &duration) != 0)
				goto bad;
			break;
		case 'H':
			if (parse_num(optarg, 0, 86400, &v) != 0)
				goto bad;
			hold_ms = v * 1000;
			break;
		case 'N':
			if (parse_num(optarg, 0, 100, &v) != 0)
				goto bad;
			f.noncompliant = (int)v;
			break;
		case 'P':
			if (parse_num(optarg, 1, 100000, &v) != 0)
				goto bad;
			f.policy_count = (size_t)v;
			break;
		default:
			goto bad;
		}
	}
	if (optind != argc || nurls == 0 || ca == NULL || tokfile == NULL)
		goto bad;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < nurls; i++)
		if (resolve(&f, urls[i]) != 0) {
			fprintf(stderr, "wardenfleet: --url %s: not "
			    "https://HOST:PORT\n", urls[i]);
			return 2;
		}
	if ((tokens = read_tokens(tokfile, (size_t)ndev, &ntok)) == NULL ||
	    ntok < (size_t)ndev) {
		fprintf(stderr, "wardenfleet: %s: %zu tokens for %ld devices\n",
		    tokfile, ntok, ndev);
		goto out_tokens;
	}
	if (crypto_rng_new("wardenfleet", &f.rng, err, sizeof(err)) != 0 ||
	    fleet_tls_init(&f, ca, fleet_dev_new_session, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "wardenfleet: %s\n", err);
		goto out_tls;
	}
	uv_loop_init(&loop);
	f.loop = &loop;
	f.n = (size_t)ndev;
	f.all_enrolled_ms = f.all_reported_ms = -1;
	if ((f.devs = calloc(f.n, sizeof(*f.devs))) == NULL)
		goto out_loop;
	t = now_ms();
	for (i = 0; i < f.n; i++) {
		if (fleet_dev_init(&f, &f.devs[i], i, tokens[i], err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "wardenfleet: device %zu: %s\n", i, err);
			f.n = i + 1;
			goto out_devs;
		}
		crypto_free_secret(tokens[i], strlen(tokens[i]));
		tokens[i] = NULL;
	}
	printf("keys %zu %lld\n", f.n, (long long)(now_ms() - t));
	uv_timer_init(&loop, &progress_timer);
	uv_timer_init(&loop, &stop_timer);
	progress_timer.data = stop_timer.data = &f;
	uv_timer_start(&progress_timer, on_progress, PROGRESS_MS, PROGRESS_MS);
	uv_timer_start(&stop_timer, on_stop_timer, (uint64_t)duration * 1000,
	    0);
	uv_signal_init(&loop, &sigint_h);
	uv_signal_init(&loop, &sigterm_h);
	sigint_h.data = sigterm_h.data = &f;
	uv_signal_start(&sigint_h, on_signal, SIGINT);
	uv_signal_start(&sigterm_h, on_signal, SIGTERM);
	f.t0_ms = now_ms();
	start_more(&f);
	uv_run(&loop, UV_RUN_DEFAULT);
	for (i = 0; i < f.n; i++)
		if (f.devs[i].phase == FLEET_MANAGED)
			managed++;
	printf("summary devices %zu managed %zu lost %zu repeated-enrollments "
	    "%zu requests %llu errors %llu reconnects %llu commands %llu "
	    "results %llu policy-fetches %llu elapsed-ms %lld\n", f.n,
	    managed, f.n - managed, f.replayed,
	    (unsigned long long)f.requests, (unsigned long long)f.errors,
	    (unsigned long long)f.reconnects, (unsigned long long)f.commands,
	    (unsigned long long)f.results, (unsigned long long)f.policies,
	    (long long)fleet_elapsed_ms(&f));
	rc = managed == f.n ? 0 : 1;
out_devs:
	for (i = 0; i < f.n; i++)
		fleet_dev_free(&f.devs[i]);
	free(f.devs);
out_loop:
	uv_loop_close(&loop);
out_tls:
	fleet_tls_free(&f);
	crypto_rng_free(f.rng);
out_tokens:
	for (i = 0; tokens != NULL && i < ntok; i++)
		if (tokens[i] != NULL)
			crypto_free_secret(tokens[i], strlen(tokens[i]));
	free(tokens);
	return rc;
bad:
	usage();
	return 2;
}
