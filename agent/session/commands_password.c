/*
 * commands_password.c - RESET_PASSWORD's check of a new passcode against
 * the passcode policy in force, with AMAPI's meaning of passwordQuality:
 * NUMERIC_COMPLEX forbids repeating (4444) and ordered (1234, 9876)
 * sequences; the COMPLEXITY_* buckets follow Android's
 * (LOW: any; MEDIUM: a PIN of 4 without sequences or 4 letters-or-more;
 * HIGH: a PIN of 8 without sequences or 6 letters-or-more).
 */
#include <stdio.h>
#include <string.h>

#include "agent/session/commands.h"

struct shape {
	int len, letters, lower, upper, digits, symbols, nonletter;
	bool sequence;	/* repeating or ordered digits, 3 or more */
};

static void
measure(const char *pw, struct shape *s)
{
	const unsigned char *p;
	int run = 1, step = 0, d;

	memset(s, 0, sizeof(*s));
	for (p = (const unsigned char *)pw; *p; p++) {
		s->len++;
		if (*p >= 'a' && *p <= 'z') {
			s->letters++;
			s->lower++;
		} else if (*p >= 'A' && *p <= 'Z') {
			s->letters++;
			s->upper++;
		} else if (*p >= '0' && *p <= '9') {
			s->digits++;
			s->nonletter++;
		} else {
			s->symbols++;
			s->nonletter++;
		}
		if (p == (const unsigned char *)pw || *p < '0' || *p > '9' ||
		    p[-1] < '0' || p[-1] > '9') {
			run = 1;
			step = 0;
			continue;
		}
		d = (int)*p - (int)p[-1];
		if (d >= -1 && d <= 1 && (run == 1 || d == step)) {
			step = d;
			if (++run >= 3)
				s->sequence = true;
		} else {
			run = d >= -1 && d <= 1 ? 2 : 1;
			step = d;
		}
	}
}

static int
too_weak(char *why, size_t whylen, const char *what)
{
	snprintf(why, whylen, "the new passcode is too weak for the passcode "
	    "policy: %s", what);
	return -1;
}

static int
quality_ok(enum hal_pw_quality q, const struct shape *s, char *why,
    size_t whylen)
{
	bool numeric = s->letters == 0 && s->symbols == 0;

	switch (q) {
	case HAL_PW_UNSPECIFIED:
	case HAL_PW_COMPLEXITY_LOW:
		return 0;
	case HAL_PW_SOMETHING:
		return s->len > 0 ? 0 : too_weak(why, whylen, "it is empty");
	case HAL_PW_NUMERIC:
		return s->digits > 0 ? 0 : too_weak(why, whylen,
		    "NUMERIC needs digits");
	case HAL_PW_NUMERIC_COMPLEX:
		if (s->digits == 0)
			return too_weak(why, whylen, "NUMERIC_COMPLEX needs "
			    "digits");
		return !s->sequence ? 0 : too_weak(why, whylen,
		    "NUMERIC_COMPLEX forbids repeating or ordered digits");
	case HAL_PW_ALPHABETIC:
		return s->letters > 0 ? 0 : too_weak(why, whylen,
		    "ALPHABETIC needs letters");
	case HAL_PW_ALPHANUMERIC:
		return s->letters > 0 && s->digits > 0 ? 0 : too_weak(why,
		    whylen, "ALPHANUMERIC needs letters and digits");
	case HAL_PW_COMPLEX:
		return s->letters > 0 && s->digits > 0 && s->symbols > 0 ? 0 :
		    too_weak(why, whylen, "COMPLEX needs letters, digits and "
		    "symbols");
	case HAL_PW_COMPLEXITY_MEDIUM:
		if (numeric)
			return s->len >= 4 && !s->sequence ? 0 : too_weak(why,
			    whylen, "COMPLEXITY_MEDIUM needs a PIN of 4 "
			    "without sequences");
		return s->len >= 4 ? 0 : too_weak(why, whylen,
		    "COMPLEXITY_MEDIUM needs 4 characters");
	case HAL_PW_COMPLEXITY_HIGH:
		if (numeric)
			return s->len >= 8 && !s->sequence ? 0 : too_weak(why,
			    whylen, "COMPLEXITY_HIGH needs a PIN of 8 "
			    "without sequences");
		return s->len >= 6 ? 0 : too_weak(why, whylen,
		    "COMPLEXITY_HIGH needs 6 characters");
	}
	return too_weak(why, whylen, "unknown passwordQuality");
}

int
commands_password_check(const struct hal_passcode_policy *p,
    const char *pw, char *why, size_t whylen)
{
	struct shape s;
	char what[96];
	const struct {
		int want;
		const char *name;
	} counts[] = {
		{ p->min_length, "characters" },
		{ p->min_letters, "letters" },
		{ p->min_lower, "lower-case letters" },
		{ p->min_upper, "upper-case letters" },
		{ p->min_nonletter, "non-letters" },
		{ p->min_numeric, "digits" },
		{ p->min_symbols, "symbols" },
	};
	int have[7];
	size_t i;

	measure(pw, &s);
	if (quality_ok(p->quality, &s, why, whylen) != 0)
		return -1;
	have[0] = s.len;
	have[1] = s.letters;
	have[2] = s.lower;
	have[3] = s.upper;
	have[4] = s.nonletter;
	have[5] = s.digits;
	have[6] = s.symbols;
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		/* The character counts bind only a COMPLEX passcode (AMAPI);
		 * the minimum length binds every quality. */
		if (i > 0 && p->quality != HAL_PW_COMPLEX)
			break;
		if (have[i] < counts[i].want) {
			snprintf(what, sizeof(what), "at least %d %s needed",
			    counts[i].want, counts[i].name);
			return too_weak(why, whylen, what);
		}
	}
	return 0;
}
