/* Tests agent/core/log.c: with stderr on the journal ($JOURNAL_STREAM names
 * it) every line carries its syslog priority as "<N>" and no timestamp;
 * otherwise the terminal form; the level filter applies to both. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/support.h"
#include "agent/core/core.h"

/* Runs the log calls with stderr on a fresh file; returns its text. */
static char *
logged(bool journal_names_it, int level)
{
	char path[256], env[64];
	struct stat st;
	int fd, saved;
	char *text;

	snprintf(path, sizeof(path), "%s/stderr", test_tmpdir());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	snprintf(env, sizeof(env), "%llu:%llu",
	    (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino + (journal_names_it ? 0 : 1));
	setenv("JOURNAL_STREAM", env, 1);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
	log_init(true, level);
	log_warnx("a warning");
	log_info("some news");
	log_debug("details");
	errno = ENOENT;
	log_warn("open %s", "x");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	unsetenv("JOURNAL_STREAM");
	log_init(true, LOG_LVL_INFO);
	text = test_read_file(path, NULL);
	assert_non_null(text);
	return text;
}

static void
journal_priorities(void **state)
{
	char *text;

	(void)state;
	text = logged(true, LOG_LVL_INFO);
	assert_string_equal(text, "<4>a warning\n<6>some news\n"
	    "<4>open x: No such file or directory\n");
	free(text);
	text = logged(true, LOG_LVL_DEBUG);
	assert_non_null(strstr(text, "<7>details\n"));
	free(text);
}

static void
terminal_without_the_journal(void **state)
{
	char *text;

	(void)state;
	/* JOURNAL_STREAM set, but for another file: not the journal. */
	text = logged(false, LOG_LVL_INFO);
	assert_null(strstr(text, "<4>"));
	assert_non_null(strstr(text, " wardend: warning: a warning\n"));
	assert_non_null(strstr(text, " wardend: some news\n"));
	assert_null(strstr(text, "details"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(journal_priorities),
		cmocka_unit_test(terminal_without_the_journal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
