/* Tests tools/mdm/mdm_store.c and mdm_store_queue.c: tokens used once,
 * devices and certificates, policies and their versions, reports stored
 * once per key, the command queue and its results, signatures and
 * redelivery, the upgrade of a version 1 database, group commit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "tests/unit/tools/mdm/mdm_store_test.h"

static void
token_hash(const char *token, uint8_t h[CRYPTO_SHA256_LEN])
{
	crypto_sha256(token, strlen(token), h);
}

static void
make_cert(const char *seed, struct mdm_cert *c)
{
	crypto_sha256(seed, strlen(seed), c->fingerprint);
	c->serial = 7;
	c->not_after = 2000000000;
}

/* Enrolls device id with a fresh token; returns the token state. */
static enum mdm_token_state
enroll(struct mdm_store *st, const char *token, const char *id,
    const char *certseed)
{
	struct mdm_device d = { 0 };
	enum mdm_token_state s;
	struct mdm_cert c;
	uint8_t h[CRYPTO_SHA256_LEN], k[CRYPTO_SHA256_LEN];

	token_hash(token, h);
	snprintf(d.id, sizeof(d.id), "%s", id);
	snprintf(d.mode, sizeof(d.mode), "FULLY_MANAGED");
	make_cert(certseed, &c);
	crypto_sha256(id, strlen(id), k);
	assert_int_equal(mdm_store_enroll(st, h, 1000, &d, "{}", &c, k,
	    certseed, &s), 0);
	return s;
}

static void
tokens_are_single_use(void **state)
{
	struct fixture *f = *state;
	uint8_t h[CRYPTO_SHA256_LEN];
	enum mdm_token_state s;
	char mode[MDM_MODE_MAX + 1];
	struct mdm_device d;

	token_hash("tok-a", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "DEDICATED", NULL, 900, 2000),
	    0);
	assert_int_equal(mdm_store_token_check(f->st, h, 1000, &s, mode,
	    sizeof(mode)), 0);
	assert_int_equal(s, MDM_TOKEN_VALID);
	assert_string_equal(mode, "DEDICATED");
	assert_int_equal(enroll(f->st, "tok-a", "dev1", "c1"), MDM_TOKEN_VALID);
	/* Used: a second enrollment is refused and stores nothing. */
	assert_int_equal(enroll(f->st, "tok-a", "dev2", "c2"), MDM_TOKEN_USED);
	assert_int_equal(mdm_store_token_check(f->st, h, 1000, &s, NULL, 0), 0);
	assert_int_equal(s, MDM_TOKEN_USED);
	assert_string_equal(mdm_token_state_text(s),
	    "enrollment token already used");
	assert_int_equal(enroll(f->st, "never-minted", "dev3", "c3"),
	    MDM_TOKEN_UNKNOWN);
	token_hash("tok-b", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "DEDICATED", NULL, 900, 1000),
	    0);
	/* expires == now is expired. */
	assert_int_equal(enroll(f->st, "tok-b", "dev4", "c4"),
	    MDM_TOKEN_EXPIRED);
	assert_int_equal(mdm_store_device_get(f->st, "dev1", &d), 0);
	assert_int_equal(mdm_store_device_get(f->st, "dev2", &d), 1);
	assert_int_equal(mdm_store_device_get(f->st, "dev4", &d), 1);
}

/* A used token answers again for the key that used it, while it would
 * have been valid and the device is enrolled; never for another key. */
static void
enrollment_replays(void **state)
{
	struct fixture *f = *state;
	uint8_t h[CRYPTO_SHA256_LEN], k[CRYPTO_SHA256_LEN];
	char id[MDM_ID_MAX + 1];
	char *pem;

	token_hash("tok-r", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "DEDICATED", NULL, 900, 2000),
	    0);
	/* enroll() takes the key hash from the id: "devr". */
	assert_int_equal(enroll(f->st, "tok-r", "devr", "PEM-r"),
	    MDM_TOKEN_VALID);
	crypto_sha256("devr", 4, k);
	assert_int_equal(mdm_store_enroll_replay(f->st, h, k, 1500, id, &pem),
	    0);
	assert_string_equal(id, "devr");
	assert_string_equal(pem, "PEM-r");
	free(pem);
	/* Another key. */
	crypto_sha256("other", 5, k);
	assert_int_equal(mdm_store_enroll_replay(f->st, h, k, 1500, id, &pem),
	    1);
	assert_null(pem);
	/* The token's lifetime is over. */
	crypto_sha256("devr", 4, k);
	assert_int_equal(mdm_store_enroll_replay(f->st, h, k, 2000, id, &pem),
	    1);
	/* Retired. */
	assert_int_equal(mdm_store_device_retire(f->st, "devr", 1600), 0);
	assert_int_equal(mdm_store_enroll_replay(f->st, h, k, 1700, id, &pem),
	    1);
	/* A token never used. */
	token_hash("tok-unused", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "DEDICATED", NULL, 900, 2000),
	    0);
	assert_int_equal(mdm_store_enroll_replay(f->st, h, k, 1000, id, &pem),
	    1);
}

static void
devices_and_certificates(void **state)
{
	struct fixture *f = *state;
	uint8_t h[CRYPTO_SHA256_LEN];
	struct mdm_device d;
	struct mdm_cert c1, c2;

	token_hash("t", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "FULLY_MANAGED", NULL, 0,
	    5000), 0);
	assert_int_equal(enroll(f->st, "t", "dev1", "c1"), MDM_TOKEN_VALID);
	make_cert("c1", &c1);
	make_cert("renewed", &c2);
	assert_int_equal(mdm_store_cert_valid(f->st, "dev1", c1.fingerprint),
	    1);
	assert_int_equal(mdm_store_cert_valid(f->st, "dev1", c2.fingerprint),
	    0);
	assert_int_equal(mdm_store_cert_valid(f->st, "other", c1.fingerprint),
	    0);
	assert_int_equal(mdm_store_cert_add(f->st, "dev1", &c2, 1100), 0);
	assert_int_equal(mdm_store_cert_valid(f->st, "dev1", c2.fingerprint),
	    1);
	assert_int_equal(mdm_store_device_get(f->st, "dev1", &d), 0);
	assert_string_equal(d.mode, "FULLY_MANAGED");
	assert_int_equal(d.enrolled, 1000);
	assert_false(d.retired);
	assert_int_equal(d.last_report, 0);
	assert_int_equal(d.compliant, -1);
	assert_int_equal(mdm_store_device_retire(f->st, "dev1", 1200), 0);
	assert_int_equal(mdm_store_device_get(f->st, "dev1", &d), 0);
	assert_true(d.retired);
	/* A retired device's certificates stop working. */
	assert_int_equal(mdm_store_cert_valid(f->st, "dev1", c1.fingerprint),
	    0);
	assert_int_equal(mdm_store_cert_valid(f->st, "dev1", c2.fingerprint),
	    0);
}

/* policy_set with its error text and push count thrown into the
 * fixture's scratch; returns its result. */
static long long pushed;
static char perr[MDM_ERR_MAX];

static int
pset(struct mdm_store *st, enum mdm_scope kind, const char *name,
    const char *json, const char *version, time_t now)
{
	return mdm_store_policy_set(st, kind, name, json, version, now,
	    &pushed, perr, sizeof(perr));
}

/* The version of the policy in force for device id. */
static void
assert_version(struct mdm_store *st, const char *id, const char *want)
{
	char v[MDM_VERSION_MAX + 1];
	char *json;

	assert_int_equal(mdm_store_policy_get(st, id, &json, v), 0);
	assert_string_equal(v, want);
	free(json);
}

static void
policies(void **state)
{
	struct fixture *f = *state;
	char v[MDM_VERSION_MAX + 1];
	uint8_t h[CRYPTO_SHA256_LEN];
	struct mdm_command cmds[4];
	size_t taken;
	char *json;

	token_hash("t", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "FULLY_MANAGED", NULL, 0,
	    5000), 0);
	assert_int_equal(enroll(f->st, "t", "dev1", "c1"), MDM_TOKEN_VALID);
	assert_int_equal(mdm_store_policy_get(f->st, "dev1", &json, v), 0);
	assert_string_equal(json, "{}");
	assert_string_equal(v, "0");
	free(json);
	assert_int_equal(pset(f->st, MDM_SCOPE_DEFAULT, NULL,
	    "{\"version\":1}", "1", 10), 0);
	assert_int_equal(mdm_store_policy_get(f->st, "dev1", &json, v), 0);
	assert_string_equal(json, "{\"version\":1}");
	assert_string_equal(v, "1");
	free(json);
	/* Pushed: one SYNC_POLICY for the enrolled device. */
	assert_int_equal(pushed, 1);
	/* A version names one content, across scopes and for good. */
	assert_int_equal(pset(f->st, MDM_SCOPE_DEFAULT, NULL,
	    "{\"version\":1,\"x\":2}", "1", 11), -1);
	assert_non_null(strstr(perr, "already used"));
	assert_int_equal(pset(f->st, MDM_SCOPE_DEVICE, "dev1",
	    "{\"version\":1,\"x\":2}", "1", 11), -1);
	assert_int_equal(pset(f->st, MDM_SCOPE_DEFAULT, NULL, "{}", "0", 11),
	    -1);
	assert_non_null(strstr(perr, "no policy"));
	assert_int_equal(pset(f->st, MDM_SCOPE_DEVICE, "ghost", "{\"v\":2}",
	    "2", 11), -1);
	assert_non_null(strstr(perr, "no such device"));
	/* The device's own policy wins over the default. */
	assert_int_equal(pset(f->st, MDM_SCOPE_DEVICE, "dev1",
	    "{\"version\":\"7\"}", "7", 12), 0);
	assert_version(f->st, "dev1", "7");
	/* The first SYNC_POLICY still waits undelivered: none added. */
	assert_int_equal(pushed, 0);
	assert_version(f->st, "dev2", "1");
	/* Setting the same content again under its version is fine. */
	assert_int_equal(pset(f->st, MDM_SCOPE_DEFAULT, NULL,
	    "{\"version\":1}", "1", 13), 0);
	/* Delivered: the next change pushes again, to devices it concerns
	 * (dev1 has its own policy, the default is not its). */
	assert_int_equal(mdm_store_commands_take(f->st, "dev1", 14, cmds, 4,
	    &taken), 0);
	assert_int_equal(taken, 1);
	assert_string_equal(cmds[0].type, "SYNC_POLICY");
	mdm_command_clear(&cmds[0]);
	assert_int_equal(pset(f->st, MDM_SCOPE_DEFAULT, NULL,
	    "{\"version\":2}", "2", 15), 0);
	assert_int_equal(pushed, 0);
	assert_int_equal(pset(f->st, MDM_SCOPE_DEVICE, "dev1",
	    "{\"version\":8}", "8", 16), 0);
	assert_int_equal(pushed, 1);
}

static int
list_group(const struct mdm_group *g, void *arg)
{
	struct mdm_group *out = arg;

	if (strcmp(g->name, "shop") == 0)
		*out = *g;
	return 0;
}

/* A device's policy: its own, else its group's, else the default; a
 * group's policy and a move between groups push to the devices whose
 * policy they change. */
static void
groups(void **state)
{
	struct fixture *f = *state;
	const char *both[] = { "dev1", "dev2" }, *ghost[] = { "dev1", "x" };
	uint8_t h[CRYPTO_SHA256_LEN];
	struct mdm_command cmds[4];
	struct mdm_group g;
	struct mdm_device d;
	size_t taken;

	token_hash("t1", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "DEDICATED", NULL, 0,
	    5000), 0);
	assert_int_equal(enroll(f->st, "t1", "dev1", "c1"), MDM_TOKEN_VALID);
	token_hash("t2", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "DEDICATED", NULL, 0,
	    5000), 0);
	assert_int_equal(enroll(f->st, "t2", "dev2", "c2"), MDM_TOKEN_VALID);
	assert_true(mdm_group_name_valid("shop-floor.2"));
	assert_false(mdm_group_name_valid("no spaces"));
	assert_false(mdm_group_name_valid(""));
	assert_int_equal(pset(f->st, MDM_SCOPE_GROUP, "shop", "{\"v\":1}",
	    "g1", 10), -1);
	assert_non_null(strstr(perr, "no such group"));
	assert_int_equal(mdm_store_group_add(f->st, "shop", 10, perr,
	    sizeof(perr)), 0);
	assert_int_equal(mdm_store_group_add(f->st, "shop", 10, perr,
	    sizeof(perr)), -1);
	assert_non_null(strstr(perr, "already exists"));
	assert_int_equal(pset(f->st, MDM_SCOPE_DEFAULT, NULL, "{\"v\":0}",
	    "d1", 11), 0);
	assert_int_equal(pushed, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(mdm_store_commands_take(f->st, both[i], 12,
		    cmds, 4, &taken), 0);
		assert_int_equal(taken, 1);
		mdm_command_clear(&cmds[0]);
	}
	/* An unknown device: nobody moves. */
	assert_int_equal(mdm_store_group_assign(f->st, "shop", ghost, 2, 13,
	    &pushed, perr, sizeof(perr)), -1);
	assert_non_null(strstr(perr, "x: no such device"));
	assert_int_equal(mdm_store_device_get(f->st, "dev1", &d), 0);
	assert_string_equal(d.group, "");
	/* A group without a policy changes nobody's: nothing to push. */
	assert_int_equal(mdm_store_group_assign(f->st, "shop", both, 2, 13,
	    &pushed, perr, sizeof(perr)), 0);
	assert_int_equal(pushed, 0);
	assert_int_equal(mdm_store_device_get(f->st, "dev2", &d), 0);
	assert_string_equal(d.group, "shop");
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(mdm_store_commands_take(f->st, both[i], 14,
		    cmds, 4, &taken), 0);
		assert_int_equal(taken, 0);
	}
	/* The group's policy wins over the default, a device's own over
	 * its group's; the push reaches the members it changes. */
	assert_int_equal(pset(f->st, MDM_SCOPE_DEVICE, "dev2", "{\"v\":2}",
	    "own2", 15), 0);
	mdm_store_commands_take(f->st, "dev2", 15, cmds, 4, &taken);
	assert_int_equal(taken, 1);
	mdm_command_clear(&cmds[0]);
	assert_int_equal(pset(f->st, MDM_SCOPE_GROUP, "shop", "{\"v\":1}",
	    "g1", 16), 0);
	assert_int_equal(pushed, 1);
	assert_version(f->st, "dev1", "g1");
	assert_version(f->st, "dev2", "own2");
	/* The default no longer concerns either. */
	assert_int_equal(pset(f->st, MDM_SCOPE_DEFAULT, NULL, "{\"v\":3}",
	    "d3", 17), 0);
	assert_int_equal(pushed, 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(mdm_store_groups_each(f->st, list_group, &g), 0);
	assert_string_equal(g.name, "shop");
	assert_int_equal(g.devices, 2);
	assert_string_equal(g.version, "g1");
	/* Out of the group: back to the default, pushed (the push of g1
	 * taken first: one waiting is not queued twice). */
	mdm_store_commands_take(f->st, "dev1", 17, cmds, 4, &taken);
	assert_int_equal(taken, 1);
	mdm_command_clear(&cmds[0]);
	assert_int_equal(mdm_store_group_assign(f->st, NULL, both, 1, 18,
	    &pushed, perr, sizeof(perr)), 0);
	assert_int_equal(pushed, 1);
	assert_version(f->st, "dev1", "d3");
}

static int
count_rows(const struct mdm_report_row *r, void *arg)
{
	int *n = arg;

	(void)r;
	(*n)++;
	return 0;
}

static void
reports_once_per_key(void **state)
{
	struct fixture *f = *state;
	uint8_t h[CRYPTO_SHA256_LEN];
	struct mdm_report r[3] = {
		{ "k1", "report", "{\"policyCompliant\":true}", 1 },
		{ "k2", "event", "{\"e\":1}", -1 },
		{ "k1", "report", "{\"policyCompliant\":false}", 0 },
	};
	struct mdm_device d;
	long long n;
	time_t when;
	char *payload;
	int rows = 0;

	token_hash("t", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "FULLY_MANAGED", NULL, 0,
	    5000), 0);
	assert_int_equal(enroll(f->st, "t", "dev1", "c1"), MDM_TOKEN_VALID);
	assert_int_equal(mdm_store_last_report(f->st, "dev1", &payload,
	    &when), 0);
	assert_null(payload);
	assert_int_equal(mdm_store_reports_add(f->st, "dev1", r, 3, 2000), 0);
	assert_int_equal(mdm_store_reports_add(f->st, "dev1", r, 2, 2001), 0);
	assert_int_equal(mdm_store_reports_count(f->st, "dev1", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(mdm_store_reports_each(f->st, "dev1", count_rows,
	    &rows), 0);
	assert_int_equal(rows, 2);
	/* The first k1 stays; the later one with the same key is dropped. */
	assert_int_equal(mdm_store_last_report(f->st, "dev1", &payload,
	    &when), 0);
	assert_string_equal(payload, "{\"policyCompliant\":true}");
	assert_int_equal(when, 2000);
	free(payload);
	assert_int_equal(mdm_store_device_get(f->st, "dev1", &d), 0);
	assert_int_equal(d.last_report, 2000);
	assert_int_equal(d.compliant, 1);
	/* Keys are per device. */
	assert_int_equal(mdm_store_reports_count(f->st, "dev2", &n), 0);
	assert_int_equal(n, 0);
}

static void
queue(struct mdm_store *st, const char *id, const char *dev, time_t created,
    int64_t duration)
{
	struct mdm_command c = { .created = created, .duration = duration };

	snprintf(c.id, sizeof(c.id), "%s", id);
	snprintf(c.device, sizeof(c.device), "%s", dev);
	snprintf(c.type, sizeof(c.type), "LOCK");
	c.params = strdup("{\"a\":\"b\"}");
	assert_int_equal(mdm_store_command_add(st, &c), 0);
	free(c.params);
}

static int
collect_status(const struct mdm_command *c, void *arg)
{
	char *out = arg;

	strcat(out, c->id);
	strcat(out, "=");
	strcat(out, c->status[0] != '\0' ? c->status : "-");
	strcat(out, ";");
	return 0;
}

static void
commands(void **state)
{
	struct fixture *f = *state;
	struct mdm_command out[4];
	enum mdm_result_outcome o;
	uint8_t h[CRYPTO_SHA256_LEN];
	char seen[256] = "";
	size_t n, i;

	token_hash("t", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "FULLY_MANAGED", NULL, 0,
	    5000), 0);
	assert_int_equal(enroll(f->st, "t", "dev1", "c1"), MDM_TOKEN_VALID);
	queue(f->st, "c1", "dev1", 1000, 600);
	queue(f->st, "c2", "dev1", 1001, 10);	/* expires at 1011 */
	assert_int_equal(mdm_store_commands_take(f->st, "dev1", 1005, out, 4,
	    &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].id, "c1");
	assert_string_equal(out[0].params, "{\"a\":\"b\"}");
	assert_int_equal(out[0].deliveries, 1);
	assert_string_equal(out[1].id, "c2");
	for (i = 0; i < n; i++)
		mdm_command_clear(&out[i]);
	/* Delivered: not again until the redelivery delay has passed. */
	assert_int_equal(mdm_store_commands_take(f->st, "dev1", 1006, out, 4,
	    &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mdm_store_commands_take(f->st, "dev1",
	    1005 + MDM_REDELIVER_SECONDS, out, 4, &n), 0);
	/* c2 has expired meanwhile; c1 comes again. */
	assert_int_equal(n, 1);
	assert_string_equal(out[0].id, "c1");
	assert_int_equal(out[0].deliveries, 2);
	mdm_command_clear(&out[0]);
	/* The first result is stored, a second one ignored. */
	assert_int_equal(mdm_store_command_result(f->st, "dev1", "c1",
	    "SUCCEEDED", "", "{\"r\":1}", 1200, &o), 0);
	assert_int_equal(o, MDM_RESULT_STORED);
	assert_int_equal(mdm_store_command_result(f->st, "dev1", "c1", "FAILED",
	    "X", NULL, 1201, &o), 0);
	assert_int_equal(o, MDM_RESULT_IGNORED);
	assert_int_equal(mdm_store_command_result(f->st, "dev2", "c1", "FAILED",
	    "", NULL, 1201, &o), 0);
	assert_int_equal(o, MDM_RESULT_UNKNOWN);
	assert_int_equal(mdm_store_command_result(f->st, "dev1", "zz", "FAILED",
	    "", NULL, 1201, &o), 0);
	assert_int_equal(o, MDM_RESULT_UNKNOWN);
	/* Answered: never delivered again. */
	assert_int_equal(mdm_store_commands_take(f->st, "dev1", 1500, out, 4,
	    &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mdm_store_commands_each(f->st, "dev1", collect_status,
	    seen), 0);
	assert_string_equal(seen, "c1=SUCCEEDED;c2=-;");
}

static int
first_signature(const struct mdm_command *c, void *arg)
{
	snprintf(arg, 64, "%s", c->signature != NULL ? c->signature : "-");
	return 1;
}

static int
collect_id(const char *id, void *arg)
{
	strcat(arg, id);
	strcat(arg, ";");
	return 0;
}

/* The devices a notification wakes: those mdm_store_commands_take()
 * would give a command now, each once. */
static void
devices_due(void **state)
{
	struct fixture *f = *state;
	struct mdm_command out[2];
	uint8_t h[CRYPTO_SHA256_LEN];
	char due[256] = "";
	size_t n;

	token_hash("t", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "FULLY_MANAGED", NULL, 0,
	    5000), 0);
	assert_int_equal(enroll(f->st, "t", "dev1", "c1"), MDM_TOKEN_VALID);
	token_hash("u", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "FULLY_MANAGED", NULL, 0,
	    5000), 0);
	assert_int_equal(enroll(f->st, "u", "dev2", "c2"), MDM_TOKEN_VALID);
	token_hash("v", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "FULLY_MANAGED", NULL, 0,
	    5000), 0);
	assert_int_equal(enroll(f->st, "v", "dev3", "c3"), MDM_TOKEN_VALID);
	queue(f->st, "a1", "dev1", 1000, 600);
	queue(f->st, "a2", "dev1", 1000, 600);
	queue(f->st, "b1", "dev2", 1000, 600);
	queue(f->st, "x1", "dev3", 1000, 10);	/* expires at 1010 */
	assert_int_equal(mdm_store_devices_due(f->st, 1005, collect_id, due),
	    0);
	assert_string_equal(due, "dev1;dev2;dev3;");
	/* Delivered: not due until it is to be delivered again. */
	assert_int_equal(mdm_store_commands_take(f->st, "dev2", 1006, out, 2,
	    &n), 0);
	assert_int_equal(n, 1);
	mdm_command_clear(&out[0]);
	due[0] = '\0';
	assert_int_equal(mdm_store_devices_due(f->st, 1020, collect_id, due),
	    0);
	assert_string_equal(due, "dev1;");
	due[0] = '\0';
	assert_int_equal(mdm_store_devices_due(f->st,
	    1006 + MDM_REDELIVER_SECONDS, collect_id, due), 0);
	assert_string_equal(due, "dev1;dev2;");
}

static void
signed_and_redelivered(void **state)
{
	struct fixture *f = *state;
	struct mdm_command c = { .created = 1000, .duration = 600 }, out[2];
	enum mdm_result_outcome o;
	uint8_t h[CRYPTO_SHA256_LEN];
	char sig[64] = "", params[] = "{}", given[] = "aaa.bbb.ccc";
	size_t n;

	token_hash("t", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "FULLY_MANAGED", NULL, 0,
	    5000), 0);
	assert_int_equal(enroll(f->st, "t", "dev1", "c1"), MDM_TOKEN_VALID);
	snprintf(c.id, sizeof(c.id), "s1");
	snprintf(c.device, sizeof(c.device), "dev1");
	snprintf(c.type, sizeof(c.type), "WIPE");
	c.params = params;
	c.signature = given;
	assert_int_equal(mdm_store_command_add(f->st, &c), 0);
	assert_int_equal(mdm_store_commands_take(f->st, "dev1", 1001, out, 2,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].signature, "aaa.bbb.ccc");
	mdm_command_clear(&out[0]);
	assert_int_equal(mdm_store_commands_each(f->st, "dev1",
	    first_signature, sig), 0);
	assert_string_equal(sig, "aaa.bbb.ccc");
	assert_int_equal(mdm_store_command_result(f->st, "dev1", "s1",
	    "SUCCEEDED", "", NULL, 1002, &o), 0);
	assert_int_equal(mdm_store_commands_take(f->st, "dev1", 1003, out, 2,
	    &n), 0);
	assert_int_equal(n, 0);
	/* Redelivered: taken again at once, as it was, without its result. */
	assert_int_equal(mdm_store_command_redeliver(f->st, "dev1", "s1"), 0);
	assert_int_equal(mdm_store_commands_take(f->st, "dev1", 1004, out, 2,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].signature, "aaa.bbb.ccc");
	assert_string_equal(out[0].status, "");
	mdm_command_clear(&out[0]);
	assert_int_equal(mdm_store_command_redeliver(f->st, "dev2", "s1"), 1);
	assert_int_equal(mdm_store_command_redeliver(f->st, "dev1", "zz"), 1);
}

static void
schema_upgrades(void **state)
{
	struct fixture *f = *state;
	char path[600], err[MDM_ERR_MAX], sig[64] = "", params[] = "{}";
	char given[] = "x.y.z";
	struct mdm_command c = { .created = 1000, .duration = 600 };
	uint8_t h[CRYPTO_SHA256_LEN];
	sqlite3 *db;

	/* PostgreSQL's schema is created at the current version; a newer
	 * one is refused there too. */
	if (store_on_pg()) {
		struct mdm_db *pg;

		assert_int_equal(mdm_db_open(mdm_db_spec(""), &pg, err,
		    sizeof(err)), 0);
		assert_int_equal(mdm_db_exec(pg, "UPDATE wardenmdm_schema SET "
		    "version = 9"), 0);
		mdm_db_close(pg);
		mdm_store_close(f->st);
		f->st = NULL;
		assert_int_equal(mdm_store_open("", &f->st, err, sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "schema version 9"));
		return;
	}
	/* Make it a version 1 database: no signature column, no
	 * enrollment kept with its token, no groups, no console. */
	mdm_store_close(f->st);
	snprintf(path, sizeof(path), "%s/mdm.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "ALTER TABLE commands DROP COLUMN "
	    "signature; ALTER TABLE tokens DROP COLUMN key_hash; ALTER TABLE "
	    "tokens DROP COLUMN certificate; CREATE TABLE devices1 (id TEXT "
	    "PRIMARY KEY, mode TEXT NOT NULL, enrolled INTEGER NOT NULL, "
	    "retired INTEGER, info TEXT NOT NULL); INSERT INTO devices1 SELECT "
	    "id, mode, enrolled, retired, info FROM devices; DROP TABLE "
	    "devices; ALTER TABLE devices1 RENAME TO devices; DROP TABLE "
	    "groups; DROP TABLE admin_links; DROP TABLE admin_password; "
	    "DROP INDEX reports_last; ALTER TABLE tokens DROP COLUMN "
	    "group_name; PRAGMA user_version = 1", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(mdm_store_open(path, &f->st, err, sizeof(err)), 0);
	token_hash("t", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "FULLY_MANAGED", NULL, 0,
	    5000), 0);
	assert_int_equal(enroll(f->st, "t", "dev1", "c1"), MDM_TOKEN_VALID);
	snprintf(c.id, sizeof(c.id), "s1");
	snprintf(c.device, sizeof(c.device), "dev1");
	snprintf(c.type, sizeof(c.type), "LOCK");
	c.params = params;
	c.signature = given;
	assert_int_equal(mdm_store_command_add(f->st, &c), 0);
	assert_int_equal(mdm_store_commands_each(f->st, "dev1",
	    first_signature, sig), 0);
	assert_string_equal(sig, "x.y.z");
	/* A newer version is refused. */
	mdm_store_close(f->st);
	f->st = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 9", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(mdm_store_open(path, &f->st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "schema version 9"));
}

static void
schema_reopens(void **state)
{
	struct fixture *f = *state;
	char path[600], err[MDM_ERR_MAX];
	struct mdm_store *second;
	uint8_t h[CRYPTO_SHA256_LEN];
	enum mdm_token_state s;

	token_hash("t", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "DEDICATED", NULL, 0,
	    5000), 0);
	/* A second connection (the CLI while the server runs) sees it. */
	snprintf(path, sizeof(path), "%s/mdm.db", f->dir);
	assert_int_equal(mdm_store_open(path, &second, err, sizeof(err)), 0);
	assert_int_equal(mdm_store_token_check(second, h, 10, &s, NULL, 0), 0);
	assert_int_equal(s, MDM_TOKEN_VALID);
	mdm_store_close(second);
}

/* Group commit: writes wait in one transaction, seen by the batch's own
 * reads and by no other connection until the commit; each still fails
 * alone. */
static void
group_commit(void **state)
{
	struct fixture *f = *state;
	char path[600], err[MDM_ERR_MAX];
	struct mdm_store *second;
	uint8_t h[CRYPTO_SHA256_LEN];
	enum mdm_token_state s;

	snprintf(path, sizeof(path), "%s/mdm.db", f->dir);
	assert_int_equal(mdm_store_open(path, &second, err, sizeof(err)), 0);
	assert_int_equal(mdm_store_batch(f->st, true), 0);
	assert_false(mdm_store_batch_pending(f->st));
	token_hash("tok-g", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "DEDICATED", NULL, 900,
	    2000), 0);
	assert_true(mdm_store_batch_pending(f->st));
	assert_int_equal(mdm_store_token_check(second, h, 1000, &s, NULL, 0),
	    0);
	assert_int_equal(s, MDM_TOKEN_UNKNOWN);
	assert_int_equal(enroll(f->st, "tok-g", "dev1", "c1"), MDM_TOKEN_VALID);
	/* The batch's second enrollment sees the first's use of the token,
	 * and its refusal leaves the first standing. */
	assert_int_equal(enroll(f->st, "tok-g", "dev2", "c2"), MDM_TOKEN_USED);
	assert_int_equal(mdm_store_batch_commit(f->st), 0);
	assert_false(mdm_store_batch_pending(f->st));
	assert_int_equal(mdm_store_token_check(second, h, 1000, &s, NULL, 0),
	    0);
	assert_int_equal(s, MDM_TOKEN_USED);
	/* Off: commits what waits, then every transaction commits alone. */
	token_hash("tok-h", h);
	assert_int_equal(mdm_store_token_add(f->st, h, "DEDICATED", NULL, 900,
	    2000), 0);
	assert_int_equal(mdm_store_batch(f->st, false), 0);
	assert_false(mdm_store_batch_pending(f->st));
	assert_int_equal(mdm_store_token_check(second, h, 1000, &s, NULL, 0),
	    0);
	assert_int_equal(s, MDM_TOKEN_VALID);
	mdm_store_close(second);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(enrollment_replays, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(tokens_are_single_use, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(devices_and_certificates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(policies, setup, teardown),
		cmocka_unit_test_setup_teardown(groups, setup, teardown),
		cmocka_unit_test_setup_teardown(reports_once_per_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(commands, setup, teardown),
		cmocka_unit_test_setup_teardown(devices_due, setup, teardown),
		cmocka_unit_test_setup_teardown(signed_and_redelivered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(schema_upgrades, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(schema_reopens, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(group_commit, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
