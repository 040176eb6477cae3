/*
 * rfc3339.h - times as warden reads and writes them (RFC 3339), one
 * parser and one formatter for the server's replies, policies, posture
 * rules, reports and the control socket.
 */
#ifndef WARDEN_PROFILES_RFC3339_H
#define WARDEN_PROFILES_RFC3339_H

#include <stddef.h>
#include <stdint.h>

/* "2026-01-05T10:00:00Z" and its NUL. */
#define RFC3339_LEN 21

/* What rfc3339_parse() accepts beyond an RFC 3339 date-time. */
#define RFC3339_DATE_OK 0x1	 /* a full-date "YYYY-MM-DD": its midnight UTC */
#define RFC3339_NO_OFFSET_OK 0x2 /* a date-time without offset, read as UTC */

/*
 * Parses s (NUL-terminated) into seconds since the epoch: year 1970 to
 * 9999, "T" or "t", at most 9 fraction digits (dropped), "Z", "z" or
 * "+hh:mm"/"-hh:mm"; a leap second (:60) counts as :59. Returns 0, or -1
 * when s is anything else (a 31 April included).
 */
int rfc3339_parse(const char *s, unsigned flags, int64_t *t);

/* Formats t (UTC) into buf (RFC3339_LEN bytes or more); the epoch when t
 * is out of range. */
void rfc3339_format(int64_t t, char *buf, size_t len);

#endif /* WARDEN_PROFILES_RFC3339_H */
