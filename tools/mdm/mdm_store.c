/*
 * mdm_store.c - the server's database: enrollment tokens, devices, their
 * certificates and the policies. Reports and commands are in
 * mdm_store_queue.c, the tables in mdm_store_schema.c. The database is
 * SQLite (DIR/mdm.db) or PostgreSQL, through the layer of mdm_db.h.
 *
 * Enrollment tokens are kept only as their SHA-256: the database never
 * holds a usable token. Every change is one transaction; the server and
 * the admin CLI share the SQLite file through WAL and a busy timeout,
 * and several servers share a PostgreSQL database (mdm_db_pg.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_store_int.h"


struct mdm_db *
mdm_store_db(struct mdm_store *st)
{
	return st->db;
}

void
mdm_store_log(struct mdm_store *st, const char *what)
{
	mdm_log_warnx("database: %s: %s", what, mdm_db_errmsg(st->db));
}

struct mdm_db_stmt *
mdm_store_prepare(struct mdm_store *st, const char *sql)
{
	return mdm_db_prepare(st->db, sql);
}

int
mdm_store_exec_stmt(struct mdm_store *st, struct mdm_db_stmt *s)
{
	int rc;

	if (s == NULL)
		return -1;
	rc = mdm_db_step(s);
	if (rc != MDM_DB_DONE && rc != MDM_DB_ROW) {
		mdm_store_log(st, "step");
		mdm_db_finalize(s);
		return -1;
	}
	mdm_db_finalize(s);
	return 0;
}

int
mdm_store_bind_text(struct mdm_db_stmt *s, int i, const char *v)
{
	return mdm_db_bind_text(s, i, v);
}

/* An error can make SQLite roll the whole batch back by itself. */
static void
batch_check(struct mdm_store *st)
{
	if (st->batch_open && !mdm_db_in_txn(st->db)) {
		st->batch_open = false;
		st->batch_failed = true;
	}
}

int
mdm_store_begin(struct mdm_store *st, bool write)
{
	pthread_mutex_lock(&st->mu);
	batch_check(st);
	/* Group commit: writes join one transaction per batch, each in a
	 * savepoint of its own; a read joins it when it is open, so that
	 * it sees what the batch wrote. */
	if (st->batch && (write || st->batch_open)) {
		if (!st->batch_open) {
			if (mdm_db_begin(st->db, true) != 0) {
				pthread_mutex_unlock(&st->mu);
				return -1;
			}
			st->batch_open = true;
		}
		if (mdm_db_exec(st->db, "SAVEPOINT tx") != 0) {
			batch_check(st);
			pthread_mutex_unlock(&st->mu);
			return -1;
		}
		st->in_savepoint = true;
		return 0;
	}
	if (mdm_db_begin(st->db, write) != 0) {
		pthread_mutex_unlock(&st->mu);
		return -1;
	}
	return 0;
}

int
mdm_store_end(struct mdm_store *st, bool ok)
{
	int rc = 0;

	if (st->in_savepoint) {
		st->in_savepoint = false;
		if (ok && mdm_db_exec(st->db, "RELEASE SAVEPOINT tx") != 0)
			ok = false;
		if (!ok) {
			mdm_db_exec(st->db, "ROLLBACK TO SAVEPOINT tx");
			mdm_db_exec(st->db, "RELEASE SAVEPOINT tx");
			rc = -1;
		}
		batch_check(st);
		pthread_mutex_unlock(&st->mu);
		return rc;
	}
	if (ok && mdm_db_commit(st->db) != 0)
		ok = false;
	if (!ok) {
		mdm_db_rollback(st->db);
		rc = -1;
	}
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
mdm_store_batch_commit(struct mdm_store *st)
{
	int rc = 0;

	pthread_mutex_lock(&st->mu);
	batch_check(st);
	if (st->batch_open) {
		if (mdm_db_commit(st->db) != 0) {
			mdm_db_rollback(st->db);
			rc = -1;
		}
		st->batch_open = false;
	}
	if (st->batch_failed) {
		st->batch_failed = false;
		rc = -1;
	}
	pthread_mutex_unlock(&st->mu);
	return rc;
}

bool
mdm_store_batch_pending(struct mdm_store *st)
{
	return st->batch_open || st->batch_failed;
}

int
mdm_store_batch(struct mdm_store *st, bool on)
{
	int rc = on ? 0 : mdm_store_batch_commit(st);

	st->batch = on;
	return rc;
}

void
mdm_store_hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

int
mdm_store_open(const char *path, struct mdm_store **out, char *err,
    size_t errlen)
{
	struct mdm_store *st;
	const char *spec = mdm_db_spec(path);

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&st->mu, NULL);
	if (mdm_db_open(spec, &st->db, err, errlen) != 0) {
		mdm_store_close(st);
		return -1;
	}
	if (mdm_store_migrate(st, err, errlen) != 0) {
		mdm_store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

void
mdm_store_close(struct mdm_store *st)
{
	if (st == NULL)
		return;
	mdm_db_close(st->db);
	pthread_mutex_destroy(&st->mu);
	free(st);
}

const char *
mdm_token_state_text(enum mdm_token_state s)
{
	switch (s) {
	case MDM_TOKEN_VALID:
		return "enrollment token valid";
	case MDM_TOKEN_UNKNOWN:
		return "enrollment token unknown";
	case MDM_TOKEN_USED:
		return "enrollment token already used";
	case MDM_TOKEN_EXPIRED:
		return "enrollment token expired";
	}
	return "enrollment token refused";
}

/* Stores n tokens of one mode and group (NULL: none) in one
 * transaction; a group that does not exist is refused. */
static int
tokens_insert(struct mdm_store *st,
    const uint8_t (*hashes)[CRYPTO_SHA256_LEN], size_t n, const char *mode,
    const char *group, time_t created, time_t expires)
{
	char h[2 * CRYPTO_SHA256_LEN + 1];
	struct mdm_db_stmt *s;
	size_t i;
	int rc = 0;

	if (mdm_store_begin(st, true) != 0)
		return -1;
	if (group != NULL && mdm_store_group_exists(st, group) != 1)
		return mdm_store_end(st, false);
	s = mdm_store_prepare(st, "INSERT INTO tokens (hash, mode, created, "
	    "expires, group_name) VALUES (?, ?, ?, ?, ?)");
	if (s == NULL)
		return mdm_store_end(st, false);
	for (i = 0; i < n && rc == 0; i++) {
		mdm_store_hex(hashes[i], CRYPTO_SHA256_LEN, h);
		mdm_db_reset(s);
		mdm_store_bind_text(s, 1, h);
		mdm_store_bind_text(s, 2, mode);
		mdm_db_bind_int64(s, 3, (int64_t)created);
		mdm_db_bind_int64(s, 4, (int64_t)expires);
		mdm_store_bind_text(s, 5, group);
		if (mdm_db_step(s) != MDM_DB_DONE) {
			mdm_store_log(st, "token insert");
			rc = -1;
		}
	}
	mdm_db_finalize(s);
	return mdm_store_end(st, rc == 0);
}

int
mdm_store_token_add(struct mdm_store *st,
    const uint8_t hash[CRYPTO_SHA256_LEN], const char *mode,
    const char *group, time_t created, time_t expires)
{
	uint8_t one[1][CRYPTO_SHA256_LEN];

	memcpy(one[0], hash, CRYPTO_SHA256_LEN);
	return tokens_insert(st, (const uint8_t (*)[CRYPTO_SHA256_LEN])
	    one, 1, mode, group, created, expires);
}

int
mdm_store_tokens_add(struct mdm_store *st,
    const uint8_t (*hashes)[CRYPTO_SHA256_LEN], size_t n, const char *mode,
    time_t created, time_t expires)
{
	return tokens_insert(st, hashes, n, mode, NULL, created, expires);
}

/* The token's state inside a transaction; mode copied when valid. */
static int
token_state(struct mdm_store *st, const char *h, time_t now,
    enum mdm_token_state *state, char *mode, size_t mode_cap)
{
	struct mdm_db_stmt *s;
	int rc;

	s = mdm_store_prepare(st, "SELECT mode, expires, used FROM tokens "
	    "WHERE hash = ?");
	if (s == NULL)
		return -1;
	mdm_store_bind_text(s, 1, h);
	rc = mdm_db_step(s);
	if (rc == MDM_DB_DONE) {
		*state = MDM_TOKEN_UNKNOWN;
	} else if (rc != MDM_DB_ROW) {
		mdm_store_log(st, "token lookup");
		mdm_db_finalize(s);
		return -1;
	} else if (!mdm_db_column_null(s, 2)) {
		*state = MDM_TOKEN_USED;
	} else if (mdm_db_column_int64(s, 1) <= (int64_t)now) {
		*state = MDM_TOKEN_EXPIRED;
	} else {
		*state = MDM_TOKEN_VALID;
		if (mode != NULL)
			snprintf(mode, mode_cap, "%s",
			    mdm_db_column_text(s, 0));
	}
	mdm_db_finalize(s);
	return 0;
}

int
mdm_store_token_check(struct mdm_store *st,
    const uint8_t hash[CRYPTO_SHA256_LEN], time_t now,
    enum mdm_token_state *state, char *mode, size_t mode_cap)
{
	char h[2 * CRYPTO_SHA256_LEN + 1];
	int rc;

	mdm_store_hex(hash, CRYPTO_SHA256_LEN, h);
	if (mdm_store_begin(st, false) != 0)
		return -1;
	rc = token_state(st, h, now, state, mode, mode_cap);
	mdm_store_end(st, true);
	return rc;
}

static int
cert_insert(struct mdm_store *st, const char *id, const struct mdm_cert *c,
    time_t now)
{
	char fp[2 * CRYPTO_SHA256_LEN + 1], serial[17];
	struct mdm_db_stmt *s;

	mdm_store_hex(c->fingerprint, CRYPTO_SHA256_LEN, fp);
	snprintf(serial, sizeof(serial), "%016llx",
	    (unsigned long long)c->serial);
	s = mdm_store_prepare(st, "INSERT INTO certs (fingerprint, "
	    "device_id, serial, not_after, issued) VALUES (?, ?, ?, ?, ?)");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, fp);
		mdm_store_bind_text(s, 2, id);
		mdm_store_bind_text(s, 3, serial);
		mdm_db_bind_int64(s, 4, (int64_t)c->not_after);
		mdm_db_bind_int64(s, 5, (int64_t)now);
	}
	return mdm_store_exec_stmt(st, s);
}

int
mdm_store_enroll(struct mdm_store *st,
    const uint8_t hash[CRYPTO_SHA256_LEN], time_t now,
    const struct mdm_device *dev, const char *info,
    const struct mdm_cert *cert, const uint8_t key[CRYPTO_SHA256_LEN],
    const char *pem, enum mdm_token_state *state)
{
	char h[2 * CRYPTO_SHA256_LEN + 1], k[2 * CRYPTO_SHA256_LEN + 1];
	struct mdm_db_stmt *s;
	int rc;

	mdm_store_hex(hash, CRYPTO_SHA256_LEN, h);
	mdm_store_hex(key, CRYPTO_SHA256_LEN, k);
	if (mdm_store_begin(st, true) != 0)
		return -1;
	/* Checked again inside the write transaction: of two enrollments
	 * racing with one token, exactly one sees it valid. */
	if (token_state(st, h, now, state, NULL, 0) != 0)
		return mdm_store_end(st, false);
	if (*state != MDM_TOKEN_VALID) {
		mdm_store_end(st, false);
		return 0;
	}
	s = mdm_store_prepare(st, "UPDATE tokens SET used = ?, device_id = ?, "
	    "key_hash = ?, certificate = ? WHERE hash = ? AND used IS NULL");
	if (s != NULL) {
		mdm_db_bind_int64(s, 1, (int64_t)now);
		mdm_store_bind_text(s, 2, dev->id);
		mdm_store_bind_text(s, 3, k);
		mdm_store_bind_text(s, 4, pem);
		mdm_store_bind_text(s, 5, h);
	}
	rc = mdm_store_exec_stmt(st, s);
	/* Never two enrollments on one token, whatever the isolation. */
	if (rc == 0 && mdm_db_changes(st->db) != 1)
		rc = -1;
	if (rc == 0) {
		/* A token minted for a group puts the device in it (a
		 * group is never deleted, so it still exists). */
		s = mdm_store_prepare(st, "INSERT INTO devices (id, mode, "
		    "enrolled, info, group_name) VALUES (?, ?, ?, ?, (SELECT "
		    "group_name FROM tokens WHERE hash = ?))");
		if (s != NULL) {
			mdm_store_bind_text(s, 1, dev->id);
			mdm_store_bind_text(s, 2, dev->mode);
			mdm_db_bind_int64(s, 3, (int64_t)now);
			mdm_store_bind_text(s, 4, info);
			mdm_store_bind_text(s, 5, h);
		}
		rc = mdm_store_exec_stmt(st, s);
	}
	if (rc == 0)
		rc = cert_insert(st, dev->id, cert, now);
	return mdm_store_end(st, rc == 0);
}

int
mdm_store_enroll_replay(struct mdm_store *st,
    const uint8_t hash[CRYPTO_SHA256_LEN],
    const uint8_t key[CRYPTO_SHA256_LEN], time_t now,
    char id[MDM_ID_MAX + 1], char **pem)
{
	char h[2 * CRYPTO_SHA256_LEN + 1], k[2 * CRYPTO_SHA256_LEN + 1];
	struct mdm_db_stmt *s;
	int rc, ret = -1;

	*pem = NULL;
	mdm_store_hex(hash, CRYPTO_SHA256_LEN, h);
	mdm_store_hex(key, CRYPTO_SHA256_LEN, k);
	if (mdm_store_begin(st, false) != 0)
		return -1;
	s = mdm_store_prepare(st, "SELECT t.device_id, t.certificate FROM "
	    "tokens t JOIN devices d ON d.id = t.device_id WHERE t.hash = ? "
	    "AND t.key_hash = ? AND t.expires > ? AND t.certificate IS NOT "
	    "NULL AND d.retired IS NULL");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, h);
		mdm_store_bind_text(s, 2, k);
		mdm_db_bind_int64(s, 3, (int64_t)now);
		rc = mdm_db_step(s);
		if (rc == MDM_DB_DONE) {
			ret = 1;
		} else if (rc != MDM_DB_ROW) {
			mdm_store_log(st, "enrollment lookup");
		} else {
			snprintf(id, MDM_ID_MAX + 1, "%s",
			    mdm_db_column_text(s, 0));
			if ((*pem = strdup(mdm_db_column_text(s, 1))) != NULL)
				ret = 0;
		}
		mdm_db_finalize(s);
	}
	mdm_store_end(st, ret >= 0);
	return ret;
}

static const char device_cols[] =
    "SELECT d.id, d.mode, d.enrolled, d.retired,"
    " (SELECT r.received FROM reports r WHERE r.device_id = d.id AND"
    "  r.kind = 'report' ORDER BY r.seq DESC LIMIT 1),"
    " (SELECT r.compliant FROM reports r WHERE r.device_id = d.id AND"
    "  r.kind = 'report' ORDER BY r.seq DESC LIMIT 1),"
    " d.group_name"
    " FROM devices d";

static void
device_row(struct mdm_db_stmt *s, struct mdm_device *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->id, sizeof(d->id), "%s",
	    mdm_db_column_text(s, 0));
	snprintf(d->mode, sizeof(d->mode), "%s",
	    mdm_db_column_text(s, 1));
	d->enrolled = (time_t)mdm_db_column_int64(s, 2);
	d->retired = !mdm_db_column_null(s, 3);
	d->last_report = (time_t)mdm_db_column_int64(s, 4);
	d->compliant = mdm_db_column_null(s, 5) ? -1 :
	    mdm_db_column_int64(s, 5) != 0;
	if (!mdm_db_column_null(s, 6))
		snprintf(d->group, sizeof(d->group), "%s",
		    mdm_db_column_text(s, 6));
}

int
mdm_store_device_get(struct mdm_store *st, const char *id,
    struct mdm_device *dev)
{
	char sql[sizeof(device_cols) + 32];
	struct mdm_db_stmt *s;
	int rc, ret = -1;

	snprintf(sql, sizeof(sql), "%s WHERE d.id = ?", device_cols);
	if (mdm_store_begin(st, false) != 0)
		return -1;
	if ((s = mdm_store_prepare(st, sql)) != NULL) {
		mdm_store_bind_text(s, 1, id);
		rc = mdm_db_step(s);
		if (rc == MDM_DB_ROW) {
			device_row(s, dev);
			ret = 0;
		} else if (rc == MDM_DB_DONE) {
			ret = 1;
		} else {
			mdm_store_log(st, "device lookup");
		}
		mdm_db_finalize(s);
	}
	mdm_store_end(st, true);
	return ret;
}

int
mdm_store_device_retire(struct mdm_store *st, const char *id, time_t now)
{
	struct mdm_db_stmt *s;
	int rc;

	if (mdm_store_begin(st, true) != 0)
		return -1;
	s = mdm_store_prepare(st, "UPDATE devices SET retired = ? WHERE "
	    "id = ? AND retired IS NULL");
	if (s != NULL) {
		mdm_db_bind_int64(s, 1, (int64_t)now);
		mdm_store_bind_text(s, 2, id);
	}
	rc = mdm_store_exec_stmt(st, s);
	return mdm_store_end(st, rc == 0);
}

int
mdm_store_devices_each(struct mdm_store *st,
    int (*fn)(const struct mdm_device *dev, void *arg), void *arg)
{
	char sql[sizeof(device_cols) + 48];
	struct mdm_device d;
	struct mdm_db_stmt *s;
	int rc, ret = 0;

	snprintf(sql, sizeof(sql), "%s ORDER BY d.enrolled, d.rowid",
	    device_cols);
	if (mdm_store_begin(st, false) != 0)
		return -1;
	if ((s = mdm_store_prepare(st, sql)) == NULL) {
		mdm_store_end(st, true);
		return -1;
	}
	while ((rc = mdm_db_step(s)) == MDM_DB_ROW) {
		device_row(s, &d);
		if (fn(&d, arg) != 0)
			break;
	}
	if (rc != MDM_DB_ROW && rc != MDM_DB_DONE) {
		mdm_store_log(st, "device list");
		ret = -1;
	}
	mdm_db_finalize(s);
	mdm_store_end(st, true);
	return ret;
}

int
mdm_store_cert_add(struct mdm_store *st, const char *id,
    const struct mdm_cert *cert, time_t now)
{
	if (mdm_store_begin(st, true) != 0)
		return -1;
	return mdm_store_end(st, cert_insert(st, id, cert, now) == 0);
}

int
mdm_store_cert_valid(struct mdm_store *st, const char *id,
    const uint8_t fingerprint[CRYPTO_SHA256_LEN])
{
	char fp[2 * CRYPTO_SHA256_LEN + 1];
	struct mdm_db_stmt *s;
	int rc, ret = -1;

	mdm_store_hex(fingerprint, CRYPTO_SHA256_LEN, fp);
	if (mdm_store_begin(st, false) != 0)
		return -1;
	s = mdm_store_prepare(st, "SELECT 1 FROM certs c JOIN devices d ON "
	    "d.id = c.device_id WHERE c.fingerprint = ? AND c.device_id = ? "
	    "AND d.retired IS NULL");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, fp);
		mdm_store_bind_text(s, 2, id);
		rc = mdm_db_step(s);
		if (rc == MDM_DB_ROW)
			ret = 1;
		else if (rc == MDM_DB_DONE)
			ret = 0;
		else
			mdm_store_log(st, "certificate lookup");
		mdm_db_finalize(s);
	}
	mdm_store_end(st, true);
	return ret;
}

int
mdm_store_device_exists(struct mdm_store *st, const char *id)
{
	struct mdm_db_stmt *s;
	int rc;

	if ((s = mdm_store_prepare(st, "SELECT 1 FROM devices WHERE id = ?"))
	    == NULL)
		return -1;
	mdm_store_bind_text(s, 1, id);
	rc = mdm_db_step(s);
	mdm_db_finalize(s);
	return rc == MDM_DB_ROW ? 1 : rc == MDM_DB_DONE ? 0 : -1;
}

/* The devices a policy of a scope is in force for ("d" is the device
 * row): the device; a group's members without their own; for the
 * default, every device with neither its own nor its group's. */
static const char *const scope_devices[] = {
	[MDM_SCOPE_DEVICE] = "d.id = ?3",
	[MDM_SCOPE_GROUP] = "d.group_name = ?3 AND NOT EXISTS (SELECT 1 FROM "
	    "policies p WHERE p.scope = d.id)",
	[MDM_SCOPE_DEFAULT] = "NOT EXISTS (SELECT 1 FROM policies p WHERE "
	    "p.scope = d.id OR p.scope = 'group:' || d.group_name)",
};

int
mdm_store_push_sync(struct mdm_store *st, enum mdm_scope kind,
    const char *name, time_t now, long long *pushed)
{
	char sql[1024];
	struct mdm_db_stmt *s;
	int rc;

	snprintf(sql, sizeof(sql), "INSERT INTO commands (id, device_id, "
	    "type, params, created, duration) SELECT %s, "
	    "d.id, 'SYNC_POLICY', '{}', ?1, ?2 FROM devices d WHERE "
	    "d.retired IS NULL AND %s AND NOT EXISTS (SELECT 1 FROM commands c "
	    "WHERE c.device_id = d.id AND c.type = 'SYNC_POLICY' AND "
	    "c.delivered IS NULL AND c.result_time IS NULL)",
	    mdm_db_random_id(st->db), scope_devices[kind]);
	if ((s = mdm_store_prepare(st, sql)) == NULL)
		return -1;
	mdm_db_bind_int64(s, 1, (int64_t)now);
	mdm_db_bind_int64(s, 2, MDM_DEFAULT_DURATION);
	if (kind != MDM_SCOPE_DEFAULT)
		mdm_store_bind_text(s, 3, name);
	rc = mdm_store_exec_stmt(st, s);
	if (rc == 0 && mdm_db_changes(st->db) > 0) {
		*pushed += mdm_db_changes(st->db);
		/* The servers holding these devices' long polls, wherever
		 * they run, hear of it when this transaction commits. */
		rc = mdm_db_notify(st->db);
	}
	return rc;
}

int
mdm_store_policy_set(struct mdm_store *st, enum mdm_scope kind,
    const char *name, const char *json, const char *version, time_t now,
    long long *pushed, char *err, size_t errlen)
{
	char scope[MDM_GROUP_MAX + 8];
	uint8_t digest[CRYPTO_SHA256_LEN];
	char h[2 * CRYPTO_SHA256_LEN + 1];
	struct mdm_db_stmt *s;
	int rc;

	if (strcmp(version, "0") == 0) {
		snprintf(err, errlen, "version: 0 means \"no policy\"; give "
		    "the policy a version of 1 or more");
		return -1;
	}
	crypto_sha256(json, strlen(json), digest);
	mdm_store_hex(digest, sizeof(digest), h);
	if (mdm_store_begin(st, true) != 0) {
		snprintf(err, errlen, "database busy or broken");
		return -1;
	}
	if (kind == MDM_SCOPE_DEVICE &&
	    (rc = mdm_store_device_exists(st, name)) != 1) {
		snprintf(err, errlen, rc == 0 ? "device %s: no such device" :
		    "device %s: database error", name);
		mdm_store_end(st, false);
		return -1;
	}
	if (kind == MDM_SCOPE_GROUP &&
	    (rc = mdm_store_group_exists(st, name)) != 1) {
		snprintf(err, errlen, rc == 0 ? "group %s: no such group (group "
		    "add makes one)" : "group %s: database error", name);
		mdm_store_end(st, false);
		return -1;
	}
	snprintf(scope, sizeof(scope), "%s%s", kind == MDM_SCOPE_GROUP ?
	    "group:" : "", kind == MDM_SCOPE_DEFAULT ? "" : name);
	s = mdm_store_prepare(st, "SELECT hash FROM policy_versions WHERE "
	    "version = ?");
	if (s == NULL) {
		snprintf(err, errlen, "database error");
		mdm_store_end(st, false);
		return -1;
	}
	mdm_store_bind_text(s, 1, version);
	if (mdm_db_step(s) == MDM_DB_ROW &&
	    strcmp(mdm_db_column_text(s, 0), h) != 0) {
		mdm_db_finalize(s);
		snprintf(err, errlen, "version: %s was already used for "
		    "another policy; a version names one content (it is the "
		    "ETag devices cache by)", version);
		mdm_store_end(st, false);
		return -1;
	}
	mdm_db_finalize(s);
	s = mdm_store_prepare(st, "INSERT INTO policy_versions "
	    "(version, hash) VALUES (?, ?) ON CONFLICT DO NOTHING");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, version);
		mdm_store_bind_text(s, 2, h);
	}
	rc = mdm_store_exec_stmt(st, s);
	if (rc == 0) {
		s = mdm_store_prepare(st, "INSERT INTO policies (scope, "
		    "version, body, updated) VALUES (?, ?, ?, ?) ON CONFLICT "
		    "(scope) DO UPDATE SET version = excluded.version, body = "
		    "excluded.body, updated = excluded.updated");
		if (s != NULL) {
			mdm_store_bind_text(s, 1, scope);
			mdm_store_bind_text(s, 2, version);
			mdm_store_bind_text(s, 3, json);
			mdm_db_bind_int64(s, 4, (int64_t)now);
		}
		rc = mdm_store_exec_stmt(st, s);
	}
	*pushed = 0;
	if (rc == 0)
		rc = mdm_store_push_sync(st, kind, name, now, pushed);
	if (mdm_store_end(st, rc == 0) != 0) {
		snprintf(err, errlen, "database error");
		return -1;
	}
	return 0;
}

int
mdm_store_policy_get(struct mdm_store *st, const char *id, char **json,
    char version[MDM_VERSION_MAX + 1])
{
	struct mdm_db_stmt *s;
	int rc, ret = -1;

	*json = NULL;
	if (mdm_store_begin(st, false) != 0)
		return -1;
	/* The device's own, else its group's, else the default. */
	s = mdm_store_prepare(st, "SELECT version, body FROM policies WHERE "
	    "scope = ?1 OR scope = '' OR scope = (SELECT 'group:' || "
	    "group_name FROM devices WHERE id = ?1) ORDER BY CASE scope WHEN "
	    "?1 THEN 0 WHEN '' THEN 2 ELSE 1 END LIMIT 1");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, id);
		rc = mdm_db_step(s);
		if (rc == MDM_DB_ROW) {
			snprintf(version, MDM_VERSION_MAX + 1, "%s",
			    mdm_db_column_text(s, 0));
			*json = strdup(mdm_db_column_text(s, 1));
			ret = *json != NULL ? 0 : -1;
		} else if (rc == MDM_DB_DONE) {
			snprintf(version, MDM_VERSION_MAX + 1, "0");
			*json = strdup("{}");
			ret = *json != NULL ? 0 : -1;
		} else {
			mdm_store_log(st, "policy lookup");
		}
		mdm_db_finalize(s);
	}
	mdm_store_end(st, true);
	return ret;
}

/* 1 when device id exists, 0 when not, -1 on error (in a transaction). */
