/*
 * rfc3339.c - the one RFC 3339 parser and formatter.
 */
#include <stdio.h>
#include <time.h>

#include "profiles/rfc3339.h"

static int
digits(const char **p, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (*(*p)++ - '0');
	}
	return v;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Leap years in [1, y]. */
static int64_t
leaps_through(int64_t y)
{
	return y / 4 - y / 100 + y / 400;
}

static int64_t
days_since_epoch(int y, int m, int d)
{
	static const int cum[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243,
		273, 304, 334 };

	return 365LL * (y - 1970) + leaps_through(y - 1) -
	    leaps_through(1969) + cum[m - 1] + (m > 2 && is_leap(y)) +
	    (d - 1);
}

int
rfc3339_parse(const char *s, unsigned flags, int64_t *t)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, off = 0, n;

	if ((y = digits(&p, 4)) < 1970 || *p++ != '-' ||
	    (mo = digits(&p, 2)) < 1 || mo > 12 || *p++ != '-' ||
	    (d = digits(&p, 2)) < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !is_leap(y)))
		return -1;
	if (*p == '\0') {
		if (!(flags & RFC3339_DATE_OK))
			return -1;
		goto done;
	}
	if (*p != 'T' && *p != 't')
		return -1;
	p++;
	if ((h = digits(&p, 2)) < 0 || h > 23 || *p++ != ':' ||
	    (mi = digits(&p, 2)) < 0 || mi > 59 || *p++ != ':' ||
	    (se = digits(&p, 2)) < 0 || se > 60)
		return -1;
	if (se == 60)
		se = 59;
	if (*p == '.') {
		for (p++, n = 0; *p >= '0' && *p <= '9'; p++)
			if (++n > 9)
				return -1;
		if (n == 0)
			return -1;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;

		if ((oh = digits(&p, 2)) < 0 || oh > 23 || *p++ != ':' ||
		    (om = digits(&p, 2)) < 0 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
	} else if (!(flags & RFC3339_NO_OFFSET_OK)) {
		return -1;
	}
	if (*p != '\0')
		return -1;
done:
	*t = days_since_epoch(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	    off;
	return 0;
}

void
rfc3339_format(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}
