/* Tests agent/core/jsonline.c: line splitting across reads and the bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "agent/core/core.h"

struct seen {
	char lines[8][64];
	int n;
};

static void
collect(char *line, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8)
		strncpy(s->lines[s->n++], line, 63);
}

static void
split_across_reads(void **state)
{
	struct jsonline jl;
	struct seen s = { .n = 0 };

	(void)state;
	jsonline_init(&jl, 100);
	assert_int_equal(jsonline_feed(&jl, "{\"a\":", 5, collect, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(jsonline_feed(&jl, "1}\n{\"b\":2}\n{", 12, collect,
	    &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.lines[0], "{\"a\":1}");
	assert_string_equal(s.lines[1], "{\"b\":2}");
	assert_int_equal(jsonline_feed(&jl, "}\n", 2, collect, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.lines[2], "{}");
	jsonline_free(&jl);
}

static void
bound(void **state)
{
	struct jsonline jl;
	struct seen s = { .n = 0 };
	char big[40];

	(void)state;
	memset(big, 'x', sizeof(big));
	jsonline_init(&jl, 32);
	assert_int_equal(jsonline_feed(&jl, big, 20, collect, &s), 0);
	assert_int_equal(jsonline_feed(&jl, big, 20, collect, &s), -1);
	assert_int_equal(s.n, 0);
	/* after the reset, short lines work again */
	assert_int_equal(jsonline_feed(&jl, "ok\n", 3, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.lines[0], "ok");
	jsonline_free(&jl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_across_reads),
		cmocka_unit_test(bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
