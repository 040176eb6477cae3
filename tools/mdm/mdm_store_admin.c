/*
 * mdm_store_admin.c - the admin console's credentials in the database:
 * one-time login links (kept by their SHA-256 only, like enrollment
 * tokens) and the one admin password (kept as a PBKDF2 hash with its
 * salt and iteration count). Minted by the CLI, used by the server.
 */
#include <stdio.h>
#include <string.h>

#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_store_int.h"

int
mdm_store_admin_link_add(struct mdm_store *st,
    const uint8_t hash[CRYPTO_SHA256_LEN], time_t created, time_t expires)
{
	char h[2 * CRYPTO_SHA256_LEN + 1];
	struct mdm_db_stmt *s;

	mdm_store_hex(hash, CRYPTO_SHA256_LEN, h);
	if (mdm_store_begin(st, true) != 0)
		return -1;
	s = mdm_store_prepare(st, "INSERT INTO admin_links (hash, created, "
	    "expires) VALUES (?, ?, ?)");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, h);
		mdm_db_bind_int64(s, 2, (int64_t)created);
		mdm_db_bind_int64(s, 3, (int64_t)expires);
	}
	return mdm_store_end(st, mdm_store_exec_stmt(st, s) == 0);
}

int
mdm_store_admin_link_use(struct mdm_store *st,
    const uint8_t hash[CRYPTO_SHA256_LEN], time_t now,
    enum mdm_token_state *state)
{
	char h[2 * CRYPTO_SHA256_LEN + 1];
	struct mdm_db_stmt *s;
	int rc, ret = -1;

	mdm_store_hex(hash, CRYPTO_SHA256_LEN, h);
	if (mdm_store_begin(st, true) != 0)
		return -1;
	s = mdm_store_prepare(st, "SELECT expires, used FROM admin_links "
	    "WHERE hash = ?");
	if (s == NULL)
		return mdm_store_end(st, false);
	mdm_store_bind_text(s, 1, h);
	rc = mdm_db_step(s);
	if (rc == MDM_DB_DONE) {
		*state = MDM_TOKEN_UNKNOWN;
		ret = 0;
	} else if (rc == MDM_DB_ROW) {
		if (!mdm_db_column_null(s, 1))
			*state = MDM_TOKEN_USED;
		else if ((time_t)mdm_db_column_int64(s, 0) <= now)
			*state = MDM_TOKEN_EXPIRED;
		else
			*state = MDM_TOKEN_VALID;
		ret = 0;
	} else {
		mdm_store_log(st, "login link lookup");
	}
	mdm_db_finalize(s);
	if (ret == 0 && *state == MDM_TOKEN_VALID) {
		s = mdm_store_prepare(st, "UPDATE admin_links SET used = ? "
		    "WHERE hash = ? AND used IS NULL");
		if (s != NULL) {
			mdm_db_bind_int64(s, 1, (int64_t)now);
			mdm_store_bind_text(s, 2, h);
		}
		if (mdm_store_exec_stmt(st, s) != 0)
			ret = -1;
	}
	return mdm_store_end(st, ret == 0) == 0 ? 0 : -1;
}

int
mdm_store_admin_password_set(struct mdm_store *st,
    const struct mdm_admin_password *pw, time_t now)
{
	char salt[2 * MDM_PW_SALT_LEN + 1], hash[2 * MDM_PW_HASH_LEN + 1];
	struct mdm_db_stmt *s;

	mdm_store_hex(pw->salt, MDM_PW_SALT_LEN, salt);
	mdm_store_hex(pw->hash, MDM_PW_HASH_LEN, hash);
	if (mdm_store_begin(st, true) != 0)
		return -1;
	s = mdm_store_prepare(st, "INSERT INTO admin_password (id, salt, "
	    "iterations, hash, updated) VALUES (1, ?, ?, ?, ?) ON CONFLICT "
	    "(id) DO UPDATE SET salt = excluded.salt, iterations = "
	    "excluded.iterations, hash = excluded.hash, updated = "
	    "excluded.updated");
	if (s != NULL) {
		mdm_store_bind_text(s, 1, salt);
		mdm_db_bind_int64(s, 2, (int64_t)pw->iterations);
		mdm_store_bind_text(s, 3, hash);
		mdm_db_bind_int64(s, 4, (int64_t)now);
	}
	return mdm_store_end(st, mdm_store_exec_stmt(st, s) == 0);
}

/* n bytes from 2n lowercase hex digits; -1 when text is not that. */
static int
unhex(const char *text, uint8_t *out, size_t n)
{
	size_t i;

	if (text == NULL || strlen(text) != 2 * n)
		return -1;
	for (i = 0; i < 2 * n; i++) {
		char c = text[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
		    c - 'a' + 10 : -1;
		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return 0;
}

int
mdm_store_admin_password_get(struct mdm_store *st,
    struct mdm_admin_password *pw)
{
	struct mdm_db_stmt *s;
	int rc, ret = -1;

	if (mdm_store_begin(st, false) != 0)
		return -1;
	s = mdm_store_prepare(st, "SELECT salt, iterations, hash FROM "
	    "admin_password WHERE id = 1");
	if (s != NULL) {
		rc = mdm_db_step(s);
		if (rc == MDM_DB_DONE) {
			ret = 1;
		} else if (rc == MDM_DB_ROW) {
			int64_t it = mdm_db_column_int64(s, 1);
			if (it < 1 || it > MDM_PW_ITERATIONS_MAX ||
			    unhex(mdm_db_column_text(s, 0),
			    pw->salt, MDM_PW_SALT_LEN) != 0 ||
			    unhex(mdm_db_column_text(s, 2),
			    pw->hash, MDM_PW_HASH_LEN) != 0) {
				mdm_log_warnx("database: the admin password's "
				    "row is malformed");
			} else {
				pw->iterations = (unsigned)it;
				ret = 0;
			}
		} else {
			mdm_store_log(st, "admin password lookup");
		}
		mdm_db_finalize(s);
	}
	mdm_store_end(st, true);
	return ret;
}
