/* Tests tools/mdm/mdm_db.c and the backend the environment names (SQLite
 * in a temporary directory by default; PostgreSQL when $WARDEN_MDM_DB
 * is a URL, as integration/mdm_postgresql runs it): which database a
 * name means, placeholders by position and by number (not inside string
 * literals), NULLs both ways, bindings kept across a reset, rows changed,
 * a rolled-back write, an error reported rather than a row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/support.h"
#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_db.h"

struct db_fixture {
	char dir[512];
	struct mdm_db *db;
};

static int
db_setup(void **state)
{
	struct db_fixture *f = calloc(1, sizeof(*f));
	char path[600], err[MDM_ERR_MAX];

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s", test_tmpdir());
	snprintf(path, sizeof(path), "%s/db.sqlite", f->dir);
	if (mdm_db_open(mdm_db_spec(path), &f->db, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		free(f);
		return -1;
	}
	if (mdm_db_exec(f->db, "DROP TABLE IF EXISTS t; CREATE TABLE t (k "
	    "TEXT PRIMARY KEY, v BIGINT, note TEXT)") != 0)
		return -1;
	*state = f;
	return 0;
}

static int
db_teardown(void **state)
{
	struct db_fixture *f = *state;

	mdm_db_exec(f->db, "DROP TABLE t");
	mdm_db_close(f->db);
	test_rmtree(f->dir);
	free(f);
	return 0;
}

static void
names(void **state)
{
	(void)state;
	assert_true(mdm_db_is_url("postgresql://u@/db?host=/tmp"));
	assert_true(mdm_db_is_url("postgres://h/db"));
	assert_false(mdm_db_is_url("/var/lib/mdm/mdm.db"));
	assert_false(mdm_db_is_url("postgresql:/x"));
	assert_false(mdm_db_is_url(""));
}

static void
spec_from_environment(void **state)
{
	const char *saved = getenv(MDM_DB_ENV);
	char *copy = saved != NULL ? strdup(saved) : NULL;

	(void)state;
	setenv(MDM_DB_ENV, "", 1);
	assert_string_equal(mdm_db_spec("/d/mdm.db"), "/d/mdm.db");
	setenv(MDM_DB_ENV, "postgresql://x/y", 1);
	assert_string_equal(mdm_db_spec("/d/mdm.db"), "postgresql://x/y");
	unsetenv(MDM_DB_ENV);
	assert_string_equal(mdm_db_spec("/d/mdm.db"), "/d/mdm.db");
	if (copy != NULL)
		setenv(MDM_DB_ENV, copy, 1);
	free(copy);
}

static void
placeholders_and_nulls(void **state)
{
	struct db_fixture *f = *state;
	struct mdm_db_stmt *s;

	s = mdm_db_prepare(f->db, "INSERT INTO t (k, v, note) VALUES (?, ?, "
	    "?)");
	assert_non_null(s);
	assert_int_equal(mdm_db_bind_text(s, 1, "a"), 0);
	assert_int_equal(mdm_db_bind_int64(s, 2, 5000000000LL), 0);
	assert_int_equal(mdm_db_bind_text(s, 3, NULL), 0);
	assert_int_equal(mdm_db_step(s), MDM_DB_DONE);
	assert_int_equal(mdm_db_changes(f->db), 1);
	/* A reset keeps the bindings: only the key changes. */
	mdm_db_reset(s);
	assert_int_equal(mdm_db_bind_text(s, 1, "b"), 0);
	assert_int_equal(mdm_db_step(s), MDM_DB_DONE);
	mdm_db_finalize(s);

	/* Numbered placeholders, one used twice; a '?' in a literal is
	 * text. */
	s = mdm_db_prepare(f->db, "SELECT k, v, note, '?1 it''s ?' FROM t "
	    "WHERE k = ?2 OR (k = ?1 AND v = ?3) ORDER BY k");
	assert_non_null(s);
	mdm_db_bind_text(s, 1, "b");
	mdm_db_bind_text(s, 2, "a");
	mdm_db_bind_int64(s, 3, 5000000000LL);
	assert_int_equal(mdm_db_step(s), MDM_DB_ROW);
	assert_string_equal(mdm_db_column_text(s, 0), "a");
	assert_true(mdm_db_column_int64(s, 1) == 5000000000LL);
	assert_true(mdm_db_column_null(s, 2));
	assert_null(mdm_db_column_text(s, 2));
	assert_string_equal(mdm_db_column_text(s, 3), "?1 it's ?");
	assert_int_equal(mdm_db_step(s), MDM_DB_ROW);
	assert_string_equal(mdm_db_column_text(s, 0), "b");
	assert_int_equal(mdm_db_step(s), MDM_DB_DONE);
	mdm_db_finalize(s);

	s = mdm_db_prepare(f->db, "UPDATE t SET note = ? WHERE v = ?");
	mdm_db_bind_text(s, 1, "n");
	mdm_db_bind_int64(s, 2, 5000000000LL);
	assert_int_equal(mdm_db_step(s), MDM_DB_DONE);
	assert_int_equal(mdm_db_changes(f->db), 2);
	mdm_db_finalize(s);
	/* More parameters than the layer holds: refused at binding (and
	 * at prepare on PostgreSQL, which numbers them itself). */
	s = mdm_db_prepare(f->db, "SELECT ?1");
	assert_int_equal(mdm_db_bind_int64(s, MDM_DB_PARAMS_MAX + 1, 1), -1);
	assert_int_equal(mdm_db_bind_text(s, 0, "x"), -1);
	mdm_db_finalize(s);
	if (mdm_db_kind(f->db) == MDM_DB_POSTGRESQL)
		assert_null(mdm_db_prepare(f->db, "SELECT ?17"));
	mdm_db_finalize(NULL);
}

static void
transactions_and_errors(void **state)
{
	struct db_fixture *f = *state;
	struct mdm_db_stmt *s;

	assert_int_equal(mdm_db_begin(f->db, true), 0);
	assert_int_equal(mdm_db_exec(f->db, "INSERT INTO t (k, v) VALUES "
	    "('x', 1)"), 0);
	assert_int_equal(mdm_db_rollback(f->db), 0);
	assert_int_equal(mdm_db_begin(f->db, false), 0);
	s = mdm_db_prepare(f->db, "SELECT count(*) FROM t");
	assert_int_equal(mdm_db_step(s), MDM_DB_ROW);
	assert_int_equal(mdm_db_column_int64(s, 0), 0);
	mdm_db_finalize(s);
	assert_int_equal(mdm_db_commit(f->db), 0);

	/* A duplicate key is an error, not a row or silence; ON CONFLICT
	 * DO NOTHING (both dialects) changes nothing. */
	assert_int_equal(mdm_db_exec(f->db, "INSERT INTO t (k, v) VALUES "
	    "('y', 1)"), 0);
	s = mdm_db_prepare(f->db, "INSERT INTO t (k, v) VALUES (?, 2)");
	mdm_db_bind_text(s, 1, "y");
	assert_int_equal(mdm_db_step(s), MDM_DB_ERROR);
	assert_true(strlen(mdm_db_errmsg(f->db)) > 0);
	mdm_db_finalize(s);
	s = mdm_db_prepare(f->db, "INSERT INTO t (k, v) VALUES (?, 2) ON "
	    "CONFLICT DO NOTHING");
	mdm_db_bind_text(s, 1, "y");
	assert_int_equal(mdm_db_step(s), MDM_DB_DONE);
	assert_int_equal(mdm_db_changes(f->db), 0);
	mdm_db_finalize(s);
	/* The random id expression gives 16 hex digits. */
	{
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT %s",
		    mdm_db_random_id(f->db));
		s = mdm_db_prepare(f->db, sql);
		assert_int_equal(mdm_db_step(s), MDM_DB_ROW);
		assert_int_equal(strlen(mdm_db_column_text(s, 0)), 16);
		assert_int_equal(strspn(mdm_db_column_text(s, 0),
		    "0123456789abcdef"), 16);
		mdm_db_finalize(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(spec_from_environment),
		cmocka_unit_test_setup_teardown(placeholders_and_nulls,
		    db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(transactions_and_errors,
		    db_setup, db_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
