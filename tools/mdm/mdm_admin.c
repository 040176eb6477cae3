/*
 * mdm_admin.c - the admin CLI on the server's database: policies, the
 * device list, a device's compliance, commands, reports and results. It
 * works while `serve` runs (SQLite arbitrates); after queuing a command
 * it rewrites DIR/notify so that a waiting long poll returns at once.
 * A command is signed with the server's command key as it is queued
 * (mdm_sign.c); the options that queue a forged, copied or unsigned
 * one, and command-redeliver, exist to test devices against them.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_db.h"

#define PARAMS_MAX 32
#define PARAM_KEY_MAX 64

struct mdm_store *
mdm_admin_open_store(const char *dir)
{
	char path[PATH_MAX], err[MDM_ERR_MAX];
	struct mdm_store *st;
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, MDM_DB_FILE);
	/* The admin commands work on an existing server directory (on
	 * PostgreSQL, its schema is made by whoever opens it first). */
	if (!mdm_db_is_url(mdm_db_spec(path)) && stat(path, &sb) != 0) {
		fprintf(stderr, "wardenmdm: %s: %s (run `wardenmdm --dir %s "
		    "serve` or `token new` first)\n", path, strerror(errno),
		    dir);
		return NULL;
	}
	if (mdm_store_open(path, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "wardenmdm: %s\n", err);
		return NULL;
	}
	return st;
}

/* Reads a whole file of at most MDM_BODY_MAX bytes. */
static char *
read_file(const char *path, size_t *len)
{
	char *buf;
	struct stat sb;
	ssize_t r;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) != 0) {
		fprintf(stderr, "wardenmdm: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > MDM_BODY_MAX) {
		fprintf(stderr, "wardenmdm: %s: not a file of at most %d "
		    "bytes\n", path, MDM_BODY_MAX);
		close(fd);
		return NULL;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	while (got < (size_t)sb.st_size) {
		r = read(fd, buf + got, (size_t)sb.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

static int
cmd_policy(const char *dir, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "group", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	char version[MDM_VERSION_MAX + 1], err[MDM_ERR_MAX];
	const char *device = NULL, *group = NULL;
	enum mdm_scope kind = MDM_SCOPE_DEFAULT;
	struct mdm_store *st;
	char *text, *compact;
	cJSON *root;
	size_t len;
	long long pushed;
	bool json;
	int ch, rc;

	json = mdm_take_json_flag(&argc, argv);
	if (argc < 2 || strcmp(argv[1], "set") != 0) {
		mdm_usage();
		return MDM_EXIT_USAGE;
	}
	argc--;
	argv++;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'd') {
			device = optarg;
		} else if (ch == 'g') {
			group = optarg;
		} else {
			mdm_usage();
			return MDM_EXIT_USAGE;
		}
	}
	if (device != NULL && group != NULL) {
		fprintf(stderr, "wardenmdm: policy set: --device or --group, "
		    "not both\n");
		return MDM_EXIT_USAGE;
	}
	if (group != NULL && !mdm_group_name_valid(group)) {
		fprintf(stderr, "wardenmdm: --group %s: 1 to %d of A-Z a-z 0-9 "
		    ". _ -\n", group, MDM_GROUP_MAX);
		return MDM_EXIT_USAGE;
	}
	if (device != NULL)
		kind = MDM_SCOPE_DEVICE;
	else if (group != NULL)
		kind = MDM_SCOPE_GROUP;
	if (optind != argc - 1) {
		mdm_usage();
		return MDM_EXIT_USAGE;
	}
	if ((text = read_file(argv[optind], &len)) == NULL)
		return MDM_EXIT_USAGE;
	rc = mdm_json_parse(text, len, &root, err, sizeof(err));
	free(text);
	if (rc != 0 || !cJSON_IsObject(root)) {
		fprintf(stderr, "wardenmdm: %s: %s\n", argv[optind], rc != 0 ?
		    err : "not a JSON object");
		cJSON_Delete(root);
		return MDM_EXIT_USAGE;
	}
	if (!cJSON_HasObjectItem(root, "version")) {
		fprintf(stderr, "wardenmdm: %s: version: required (a number or "
		    "a string; it becomes the ETag)\n", argv[optind]);
		cJSON_Delete(root);
		return MDM_EXIT_USAGE;
	}
	if (mdm_policy_version(cJSON_GetObjectItemCaseSensitive(root,
	    "version"), version, err, sizeof(err)) != 0) {
		fprintf(stderr, "wardenmdm: %s: %s\n", argv[optind], err);
		cJSON_Delete(root);
		return MDM_EXIT_USAGE;
	}
	compact = mdm_json_print(root);
	cJSON_Delete(root);
	if (compact == NULL || (st = mdm_admin_open_store(dir)) == NULL) {
		free(compact);
		return MDM_EXIT_FAIL;
	}
	rc = mdm_store_policy_set(st, kind, device != NULL ? device : group,
	    compact, version, time(NULL), &pushed, err, sizeof(err));
	mdm_store_close(st);
	free(compact);
	if (rc != 0) {
		fprintf(stderr, "wardenmdm: %s\n", err);
		return MDM_EXIT_FAIL;
	}
	if (pushed > 0)
		mdm_notify_touch(dir);
	if (json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "version", version);
		cJSON_AddStringToObject(o, "scope", kind == MDM_SCOPE_DEVICE ?
		    "device" : kind == MDM_SCOPE_GROUP ? "group" : "default");
		if (kind != MDM_SCOPE_DEFAULT)
			cJSON_AddStringToObject(o, "name", device != NULL ?
			    device : group);
		cJSON_AddNumberToObject(o, "pushed", (double)pushed);
		return mdm_print_json(o) == 0 ? MDM_EXIT_OK : MDM_EXIT_FAIL;
	}
	printf("policy version %s set for %s%s; pushed to %lld device(s)\n",
	    version, kind == MDM_SCOPE_DEVICE ? "device " :
	    kind == MDM_SCOPE_GROUP ? "group " :
	    "every device without its own or its group's",
	    kind == MDM_SCOPE_DEFAULT ? "" : device != NULL ? device : group,
	    pushed);
	return MDM_EXIT_OK;
}

/* A JSON value for a table: strings bare, anything else compact. */
static void
print_value(const cJSON *v)
{
	char *t;

	if (v == NULL) {
		fputs("-", stdout);
	} else if (cJSON_IsString(v)) {
		fputs(v->valuestring, stdout);
	} else if ((t = mdm_json_print(v)) != NULL) {
		fputs(t, stdout);
		free(t);
	}
}

static void
print_compliance(const cJSON *report)
{
	const cJSON *pc, *details, *d;

	pc = cJSON_GetObjectItemCaseSensitive(report, "policyCompliant");
	details = cJSON_GetObjectItemCaseSensitive(report,
	    "nonComplianceDetails");
	printf("compliant: %s\n", cJSON_IsTrue(pc) ? "yes" : cJSON_IsFalse(pc) ?
	    "no" : "unknown (no policyCompliant in the report)");
	if (!cJSON_IsArray(details) || cJSON_GetArraySize(details) == 0)
		return;
	printf("%-32s  %-20s  %s\n", "SETTING", "REASON", "CURRENT VALUE");
	cJSON_ArrayForEach(d, details) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(d,
		    "settingName");
		const cJSON *reason = cJSON_GetObjectItemCaseSensitive(d,
		    "nonComplianceReason");
		const cJSON *fp = cJSON_GetObjectItemCaseSensitive(d,
		    "fieldPath");
		printf("%-32s  %-20s  ", cJSON_IsString(name) ?
		    name->valuestring : "?", cJSON_IsString(reason) ?
		    reason->valuestring : "?");
		print_value(cJSON_GetObjectItemCaseSensitive(d,
		    "currentValue"));
		if (cJSON_IsString(fp))
			printf("  (%s)", fp->valuestring);
		putchar('\n');
	}
}

/* `device ID --json`: the device as `devices --json` has it, with its
 * last report's payload as "lastReport" (null when none). Frees payload. */
static int
print_device_json(const struct mdm_device *d, char *payload)
{
	cJSON *o = mdm_device_json(d), *report = NULL;

	if (payload != NULL)
		report = cJSON_Parse(payload);
	free(payload);
	if (o == NULL || (report != NULL ? !cJSON_AddItemToObject(o,
	    "lastReport", report) : cJSON_AddNullToObject(o, "lastReport") ==
	    NULL)) {
		cJSON_Delete(report);
		cJSON_Delete(o);
		return MDM_EXIT_FAIL;
	}
	return mdm_print_json(o) == 0 ? MDM_EXIT_OK : MDM_EXIT_FAIL;
}

static int
cmd_device(const char *dir, int argc, char **argv)
{
	char enrolled[MDM_TIME_LEN], when[MDM_TIME_LEN];
	struct mdm_device d;
	struct mdm_store *st;
	cJSON *report = NULL;
	char *payload = NULL;
	time_t received;
	bool json = argc == 3 && strcmp(argv[2], "--json") == 0;
	int rc;

	if (argc != 2 && !json) {
		mdm_usage();
		return MDM_EXIT_USAGE;
	}
	if ((st = mdm_admin_open_store(dir)) == NULL)
		return MDM_EXIT_FAIL;
	rc = mdm_store_device_get(st, argv[1], &d);
	if (rc == 0)
		rc = mdm_store_last_report(st, argv[1], &payload, &received);
	mdm_store_close(st);
	if (rc != 0) {
		fprintf(stderr, "wardenmdm: device %s: %s\n", argv[1], rc > 0 ?
		    "no such device" : "database error");
		return MDM_EXIT_FAIL;
	}
	if (json)
		return print_device_json(&d, payload);
	mdm_time_format(d.enrolled, enrolled);
	printf("device %s: %s, enrolled %s%s\n", d.id, d.mode, enrolled,
	    d.retired ? ", retired" : "");
	if (payload == NULL) {
		printf("no report yet\n");
		return MDM_EXIT_OK;
	}
	mdm_time_format(received, when);
	printf("last report: %s\n", when);
	report = cJSON_Parse(payload);
	free(payload);
	if (report != NULL)
		print_compliance(report);
	cJSON_Delete(report);
	return MDM_EXIT_OK;
}

static bool
word_ok(const char *s, size_t max, bool upper)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || (!upper && c >= 'a' && c <= 'z')))
			return false;
	}
	return true;
}

/* KEY=VALUE (a string) or KEY:=JSON into params. */
static int
add_param(cJSON *params, const char *arg)
{
	char key[PARAM_KEY_MAX + 1], err[MDM_ERR_MAX];
	const char *eq = strchr(arg, '=');
	bool json;
	size_t klen;
	cJSON *v;

	if (eq == NULL) {
		fprintf(stderr, "wardenmdm: --param %s: not KEY=VALUE or "
		    "KEY:=JSON\n", arg);
		return -1;
	}
	json = eq > arg && eq[-1] == ':';
	klen = (size_t)(eq - arg) - (json ? 1 : 0);
	if (klen == 0 || klen > PARAM_KEY_MAX) {
		fprintf(stderr, "wardenmdm: --param %s: bad key\n", arg);
		return -1;
	}
	memcpy(key, arg, klen);
	key[klen] = '\0';
	if (!word_ok(key, PARAM_KEY_MAX, false)) {
		fprintf(stderr, "wardenmdm: --param %s: a key is letters, "
		    "digits and '_'\n", key);
		return -1;
	}
	if (cJSON_HasObjectItem(params, key)) {
		fprintf(stderr, "wardenmdm: --param %s: given twice\n", key);
		return -1;
	}
	if (json) {
		if (mdm_json_parse(eq + 1, strlen(eq + 1), &v, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "wardenmdm: --param %s: %s\n", key, err);
			return -1;
		}
	} else {
		v = cJSON_CreateString(eq + 1);
	}
	if (v == NULL || !cJSON_AddItemToObject(params, key, v)) {
		cJSON_Delete(v);
		return -1;
	}
	return 0;
}

static int
command_id(char out[MDM_HEXID_LEN + 1])
{
	struct crypto_rng *rng;
	char err[MDM_ERR_MAX];
	int rc;

	if (crypto_rng_new("wardenmdm-command", &rng, err, sizeof(err)) != 0)
		return -1;
	rc = mdm_new_id(rng, out);
	crypto_rng_free(rng);
	return rc;
}

/* How `command` queues and signs. */
struct command_opts {
	int64_t duration;
	int64_t sign_lifetime;		/* 0: the duration */
	const char *signing_key;	/* a PEM key file instead of ours */
	const char *signature;		/* attached as given */
	bool unsigned_;
};

static int
command_options(int argc, char **argv, cJSON *params, struct command_opts *o)
{
	static const struct option opts[] = {
		{ "param", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "signing-key", required_argument, NULL, 'k' },
		{ "signature", required_argument, NULL, 's' },
		{ "unsigned", no_argument, NULL, 'u' },
		{ "sign-lifetime", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if (cJSON_GetArraySize(params) >= PARAMS_MAX) {
				fprintf(stderr, "wardenmdm: at most %d "
				    "--param\n", PARAMS_MAX);
				return -1;
			}
			if (add_param(params, optarg) != 0)
				return -1;
			break;
		case 'd':
		case 'l':
			if (mdm_duration_parse(optarg, ch == 'd' ?
			    &o->duration : &o->sign_lifetime) != 0) {
				fprintf(stderr, "wardenmdm: --%s %s: not "
				    "1s to %ds\n", ch == 'd' ? "duration" :
				    "sign-lifetime", optarg, MDM_DURATION_MAX);
				return -1;
			}
			break;
		case 'k':
			o->signing_key = optarg;
			break;
		case 's':
			o->signature = optarg;
			break;
		case 'u':
			o->unsigned_ = true;
			break;
		default:
			mdm_usage();
			return -1;
		}
	}
	if ((o->signing_key != NULL) + (o->signature != NULL) +
	    o->unsigned_ > 1) {
		fprintf(stderr, "wardenmdm: --signing-key, --signature and "
		    "--unsigned exclude each other\n");
		return -1;
	}
	if (o->sign_lifetime == 0 && o->signature == NULL && !o->unsigned_ &&
	    o->duration > MDM_SIGNED_LIFETIME_MAX) {
		fprintf(stderr, "wardenmdm: --duration: a signed command lives "
		    "at most %ds\n", MDM_SIGNED_LIFETIME_MAX);
		return -1;
	}
	if (optind != argc - 2) {
		mdm_usage();
		return -1;
	}
	return 0;
}

/* A signature given on the command line: attached as it is, so that a
 * test can hand a device one that belongs to another command. */
static int
given_signature(const char *sig, char **out)
{
	size_t n = strlen(sig);

	if (n == 0 || n > MDM_SIGNATURE_MAX || strspn(sig, "ABCDEFGHIJKLMNOP"
	    "QRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") != n) {
		fprintf(stderr, "wardenmdm: --signature: not a compact JWS of "
		    "at most %d bytes\n", MDM_SIGNATURE_MAX);
		return -1;
	}
	if ((*out = strdup(sig)) == NULL)
		return -1;
	return 0;
}

/* Signs c with the server's command key, or with the key in file. */
static int
sign_command(const char *dir, const char *file, struct mdm_command *c,
    int64_t lifetime)
{
	struct crypto_eckey *key = NULL;
	struct crypto_rng *rng;
	char err[MDM_ERR_MAX];
	struct mdm_ca ca;
	bool have_ca = false;
	char *text;
	size_t len;
	int rc = -1;

	if (crypto_rng_new("wardenmdm-sign", &rng, err, sizeof(err)) != 0) {
		fprintf(stderr, "wardenmdm: %s\n", err);
		return -1;
	}
	if (file != NULL) {
		if ((text = read_file(file, &len)) == NULL)
			goto out;
		rc = crypto_eckey_parse_private(text, len, &key, err,
		    sizeof(err));
		crypto_free_secret(text, len);
		if (rc != 0) {
			fprintf(stderr, "wardenmdm: %s: %s\n", file, err);
			goto out;
		}
	} else {
		if (mdm_ca_open(&ca, dir, rng, NULL, err, sizeof(err)) != 0) {
			fprintf(stderr, "wardenmdm: %s\n", err);
			goto out;
		}
		have_ca = true;
	}
	rc = mdm_command_sign(rng, key != NULL ? key : ca.command_key, c,
	    lifetime, &c->signature, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "wardenmdm: %s\n", err);
out:
	crypto_eckey_free(key);
	if (have_ca)
		mdm_ca_close(&ca);
	crypto_rng_free(rng);
	return rc;
}

static int
cmd_command(const char *dir, int argc, char **argv)
{
	struct command_opts o = { .duration = MDM_DEFAULT_DURATION };
	struct mdm_command c = { 0 };
	cJSON *params = cJSON_CreateObject();
	struct mdm_device d;
	struct mdm_store *st;
	int rc = MDM_EXIT_USAGE;
	bool json = mdm_take_json_flag(&argc, argv);

	if (params == NULL || command_options(argc, argv, params, &o) != 0)
		goto out;
	c.duration = o.duration;
	snprintf(c.device, sizeof(c.device), "%s", argv[optind]);
	if (!word_ok(argv[optind + 1], MDM_TYPE_MAX, true)) {
		fprintf(stderr, "wardenmdm: %s: a command type is A-Z, 0-9 and "
		    "'_' (LOCK, REBOOT, ...)\n", argv[optind + 1]);
		goto out;
	}
	snprintf(c.type, sizeof(c.type), "%s", argv[optind + 1]);
	if (o.signature != NULL && given_signature(o.signature,
	    &c.signature) != 0)
		goto out;
	rc = MDM_EXIT_FAIL;
	if ((c.params = mdm_json_print(params)) == NULL ||
	    command_id(c.id) != 0 || (st = mdm_admin_open_store(dir)) == NULL)
		goto out;
	c.created = time(NULL);
	if (mdm_store_device_get(st, c.device, &d) != 0 || d.retired) {
		fprintf(stderr, "wardenmdm: device %s: not an enrolled "
		    "device\n", c.device);
		mdm_store_close(st);
		goto out;
	}
	/* Signed at queue time: what the admin asked for is what is kept. */
	if (!o.unsigned_ && o.signature == NULL && sign_command(dir,
	    o.signing_key, &c, o.sign_lifetime) != 0) {
		mdm_store_close(st);
		goto out;
	}
	if (mdm_store_command_add(st, &c) != 0) {
		fprintf(stderr, "wardenmdm: the command could not be stored\n");
		mdm_store_close(st);
		goto out;
	}
	mdm_store_close(st);
	mdm_notify_touch(dir);
	rc = MDM_EXIT_OK;
	if (json) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "id", c.id);
		cJSON_AddStringToObject(j, "device", c.device);
		cJSON_AddStringToObject(j, "type", c.type);
		cJSON_AddBoolToObject(j, "signed", c.signature != NULL);
		if (mdm_print_json(j) != 0)
			rc = MDM_EXIT_FAIL;
	} else {
		printf("%s\n", c.id);
	}
out:
	mdm_command_clear(&c);
	cJSON_Delete(params);
	return rc;
}

static int
cmd_redeliver(const char *dir, int argc, char **argv)
{
	struct mdm_store *st;
	bool json = mdm_take_json_flag(&argc, argv);
	int rc;

	if (argc != 3) {
		mdm_usage();
		return MDM_EXIT_USAGE;
	}
	if ((st = mdm_admin_open_store(dir)) == NULL)
		return MDM_EXIT_FAIL;
	rc = mdm_store_command_redeliver(st, argv[1], argv[2]);
	mdm_store_close(st);
	if (rc != 0) {
		fprintf(stderr, "wardenmdm: device %s: %s\n", argv[1], rc > 0 ?
		    "no such command" : "database error");
		return MDM_EXIT_FAIL;
	}
	mdm_notify_touch(dir);
	if (json) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "id", argv[2]);
		cJSON_AddStringToObject(j, "device", argv[1]);
		cJSON_AddBoolToObject(j, "redelivered", true);
		return mdm_print_json(j) == 0 ? MDM_EXIT_OK : MDM_EXIT_FAIL;
	}
	printf("%s delivered again on the next poll\n", argv[2]);
	return MDM_EXIT_OK;
}

static int
print_report(const struct mdm_report_row *r, void *arg)
{
	char when[MDM_TIME_LEN];
	cJSON *arr = arg, *o, *p;

	mdm_time_format(r->received, when);
	if (arr != NULL) {
		o = cJSON_CreateObject();
		p = cJSON_Parse(r->payload);
		if (o == NULL || p == NULL || cJSON_AddNumberToObject(o, "seq",
		    (double)r->seq) == NULL || cJSON_AddStringToObject(o,
		    "receiveTime", when) == NULL || cJSON_AddStringToObject(o,
		    "kind", r->kind) == NULL || cJSON_AddStringToObject(o,
		    "idempotencyKey", r->key) == NULL ||
		    !cJSON_AddItemToObject(o, "payload", p)) {
			cJSON_Delete(p);
			cJSON_Delete(o);
			return -1;
		}
		cJSON_AddItemToArray(arr, o);
		return 0;
	}
	printf("%lld  %s  %-6s  %s  %s\n", r->seq, when, r->kind, r->key,
	    r->payload);
	return 0;
}

static int
cmd_reports(const char *dir, int argc, char **argv)
{
	struct mdm_store *st;
	long long n;
	bool count = argc == 3 && strcmp(argv[2], "--count") == 0;
	bool json = argc == 3 && strcmp(argv[2], "--json") == 0;
	cJSON *arr = NULL;
	int rc;

	if (argc != 2 && !count && !json) {
		mdm_usage();
		return MDM_EXIT_USAGE;
	}
	if ((st = mdm_admin_open_store(dir)) == NULL)
		return MDM_EXIT_FAIL;
	if (count) {
		rc = mdm_store_reports_count(st, argv[1], &n);
		if (rc == 0)
			printf("%lld\n", n);
	} else {
		if (json && (arr = cJSON_CreateArray()) == NULL)
			rc = -1;
		else
			rc = mdm_store_reports_each(st, argv[1], print_report,
			    arr);
	}
	mdm_store_close(st);
	if (json && rc == 0)
		rc = mdm_print_json(arr);
	else
		cJSON_Delete(arr);
	return rc == 0 ? MDM_EXIT_OK : MDM_EXIT_FAIL;
}

static int
print_result(const struct mdm_command *c, void *arg)
{
	char created[MDM_TIME_LEN], answered[MDM_TIME_LEN];
	const char *state = c->status;

	(void)arg;
	mdm_time_format(c->created, created);
	if (c->result_time != 0)
		mdm_time_format(c->result_time, answered);
	else
		snprintf(answered, sizeof(answered), "-");
	if (state[0] == '\0')
		state = c->created + c->duration <= time(NULL) ? "(expired)" :
		    c->deliveries > 0 ? "(delivered)" : "(queued)";
	printf("%s  %-20s  %s  %-13s  %s  %s  %s\n", c->id, c->type, created,
	    state, answered, c->error_code[0] != '\0' ? c->error_code : "-",
	    c->result != NULL ? c->result : "-");
	return 0;
}

cJSON *
mdm_command_json(const struct mdm_command *c)
{
	char created[MDM_TIME_LEN], answered[MDM_TIME_LEN];
	cJSON *o, *v;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	mdm_time_format(c->created, created);
	cJSON_AddStringToObject(o, "id", c->id);
	cJSON_AddStringToObject(o, "type", c->type);
	cJSON_AddItemToObject(o, "params", cJSON_Parse(c->params));
	cJSON_AddStringToObject(o, "createTime", created);
	cJSON_AddNumberToObject(o, "durationSeconds", (double)c->duration);
	cJSON_AddNumberToObject(o, "deliveries", c->deliveries);
	if (c->signature != NULL)
		cJSON_AddStringToObject(o, "signature", c->signature);
	if (c->status[0] != '\0')
		cJSON_AddStringToObject(o, "status", c->status);
	if (c->error_code[0] != '\0')
		cJSON_AddStringToObject(o, "errorCode", c->error_code);
	if (c->result != NULL && (v = cJSON_Parse(c->result)) != NULL)
		cJSON_AddItemToObject(o, "result", v);
	if (c->result_time != 0) {
		mdm_time_format(c->result_time, answered);
		cJSON_AddStringToObject(o, "resultTime", answered);
	}
	return o;
}

/* One command as an element of `results --json`. */
static int
add_result(const struct mdm_command *c, void *arg)
{
	cJSON *o = mdm_command_json(c);

	if (o == NULL || !cJSON_AddItemToArray(arg, o)) {
		cJSON_Delete(o);
		return -1;
	}
	return 0;
}

static int
cmd_results(const char *dir, int argc, char **argv)
{
	bool json = argc == 3 && strcmp(argv[2], "--json") == 0;
	struct mdm_store *st;
	cJSON *arr = NULL;
	int rc;

	if (argc != 2 && !json) {
		mdm_usage();
		return MDM_EXIT_USAGE;
	}
	if ((st = mdm_admin_open_store(dir)) == NULL)
		return MDM_EXIT_FAIL;
	if (json) {
		if ((arr = cJSON_CreateArray()) == NULL)
			rc = -1;
		else
			rc = mdm_store_commands_each(st, argv[1], add_result,
			    arr);
	} else {
		rc = mdm_store_commands_each(st, argv[1], print_result, NULL);
	}
	mdm_store_close(st);
	if (rc == 0 && json)
		rc = mdm_print_json(arr);
	else
		cJSON_Delete(arr);
	return rc == 0 ? MDM_EXIT_OK : MDM_EXIT_FAIL;
}

int
mdm_cmd_admin(const char *dir, int argc, char **argv)
{
	if (strcmp(argv[0], "policy") == 0)
		return cmd_policy(dir, argc, argv);
	if (strcmp(argv[0], "devices") == 0 || strcmp(argv[0], "summary") ==
	    0)
		return mdm_cmd_devices(dir, argc, argv);
	if (strcmp(argv[0], "group") == 0 || strcmp(argv[0], "groups") == 0)
		return mdm_cmd_group(dir, argc, argv);
	if (strcmp(argv[0], "device") == 0)
		return cmd_device(dir, argc, argv);
	if (strcmp(argv[0], "command") == 0)
		return cmd_command(dir, argc, argv);
	if (strcmp(argv[0], "command-redeliver") == 0)
		return cmd_redeliver(dir, argc, argv);
	if (strcmp(argv[0], "reports") == 0)
		return cmd_reports(dir, argc, argv);
	if (strcmp(argv[0], "results") == 0)
		return cmd_results(dir, argc, argv);
	fprintf(stderr, "wardenmdm: unknown command \"%s\" (wardenmdm --help "
	    "lists the commands)\n", argv[0]);
	return MDM_EXIT_USAGE;
}
