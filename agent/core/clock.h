/*
 * clock.h - the clocks the agent counts long spans of time with
 * (clock.c), and the non-compliance time of one setting counted on them
 * (noncompliance.c).
 *
 * The wall clock (CLOCK_REALTIME) is the only clock that survives a
 * reboot, but anyone who can set the time moves it. CLOCK_BOOTTIME never
 * goes backwards and keeps counting through suspend, but starts again at
 * 0 on every boot; the kernel's boot id tells one boot from the next.
 * Counting with the boot clock within a boot, and with the wall clock
 * only across a reboot (bounded), makes a clock change neither postpone
 * nor hasten what policyEnforcementRules do.
 */
#ifndef WARDEN_CLOCK_H
#define WARDEN_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* A boot id is at most this long (the kernel's is a 36-byte UUID). */
#define CLOCK_BOOT_ID_MAX 64
/* Readings are clamped to these bounds, so a stored one always parses:
 * the wall clock to [0, 9999-12-31], the boot clock to a century. */
#define CLOCK_WALL_MAX 253402300799LL
#define CLOCK_BOOT_MAX 3155760000LL

/* The environment variable naming a test clock file (test builds). */
#define CLOCK_TEST_ENV "WARDEN_TEST_CLOCK"
/* A test clock file is at most this long. */
#define CLOCK_TEST_FILE_MAX 256

struct clock_now {
	int64_t wall;	/* CLOCK_REALTIME, seconds since the epoch */
	int64_t boot;	/* CLOCK_BOOTTIME, seconds since boot */
	char boot_id[CLOCK_BOOT_ID_MAX + 1];	/* "" when unknown */
};

/* clock.c */
/*
 * Reads the clocks into *now. In a test build (CONFIG_TEST_HOOKS), when
 * the environment variable WARDEN_TEST_CLOCK names a file, the reading
 * comes from that file instead (test_hooks_clock()); a product build
 * ignores the variable. A boot id that cannot be read is logged and left
 * "". Never fails; does not block (reads one or two small files).
 */
void clock_read(struct clock_now *now);
/*
 * Reads the whole of path into buf (at most size - 1 bytes, then a NUL)
 * and its length into *len. Returns 0, or -1 with errno set (EFBIG when
 * the file is longer). Blocks for one small read.
 */
int clock_read_small(const char *path, char *buf, size_t size, size_t *len);
/*
 * Parses a test clock: one line "wall=SECS boot=SECS boot_id=ID" (the
 * three fields once each, in any order, separated by spaces or tabs; an
 * optional final newline). SECS are decimal within the bounds above; ID
 * is 1-64 letters, digits or '-'. Returns 0, or -1 with the field and
 * the reason in err; *now is then unspecified.
 */
int clock_parse(const char *text, size_t len, struct clock_now *now,
    char *err, size_t errlen);
/* True when s is a valid boot id: 1-64 letters, digits or '-'. */
int clock_boot_id_valid(const char *s);

/* noncompliance.c */
/* The most a reboot can credit: a powered-off day (see noncompliance.c). */
#define NONCOMPLIANCE_REBOOT_MAX (24 * 60 * 60)
/* The most time a record counts (a century): nothing overflows. */
#define NONCOMPLIANCE_SECONDS_MAX CLOCK_BOOT_MAX
/* A stored record is at most this long. */
#define NONCOMPLIANCE_TEXT_MAX 256

/* How long a setting has been non-compliant, counted up to `at`. */
struct noncompliance {
	int64_t seconds;
	struct clock_now at;
};

/*
 * Counts the time from prev's reading to `now` into *next (next->at =
 * *now) and returns the seconds credited. prev NULL starts a count at 0.
 * Within one boot (same boot id and a boot clock that has not gone
 * back) the boot clock's difference is credited; the wall clock is
 * ignored. Across a reboot the wall clock's difference is credited,
 * clamped to [0, NONCOMPLIANCE_REBOOT_MAX] and never less than the time
 * since this boot (now->boot), which is certain. Pure; prev and next
 * may be the same.
 */
int64_t noncompliance_accrue(const struct noncompliance *prev,
    const struct clock_now *now, struct noncompliance *next);
/*
 * Parses a stored record {"seconds":N,"boot_id":"ID","boot":B,"wall":W}
 * (exactly these members, integers within the bounds above, boot_id
 * valid or ""). Returns 0, or -1 with the member and the reason in err.
 */
int noncompliance_parse(const char *text, struct noncompliance *out,
    char *err, size_t errlen);
/* Writes the record as JSON into buf; -1 when it does not fit. */
int noncompliance_format(const struct noncompliance *nc, char *buf,
    size_t len);

#endif /* WARDEN_CLOCK_H */
