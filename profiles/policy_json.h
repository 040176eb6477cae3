/*
 * policy_json.h - private to profiles/: the pieces the policy parser is
 * built from. Not for use outside profiles/policy*.c.
 *
 *  policy_scan.c   byte-level checks before cJSON sees a document
 *  policy_json.c   fieldPaths, errors, typed readers over cJSON items
 *  policy.c        the document and its top-level fields
 *  policy_password.c, policy_apps.c, policy_onc.c, policy_agent.c
 *                  one group of nested fields each
 */
#ifndef WARDEN_PROFILES_POLICY_JSON_H
#define WARDEN_PROFILES_POLICY_JSON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "profiles/policy.h"

/* ---- fieldPaths (policy_json.c) ---------------------------------- */

/*
 * Append ".key" (just "key" at the root) or "[i]" to the NUL-terminated
 * path in buf of size `size`. Key bytes other than [A-Za-z0-9_$@-] show
 * as '?' and keys longer than 64 bytes are cut, so that a path is always
 * printable ASCII. A path that does not fit ends in "...".
 */
void policy_path_key(char *buf, size_t size, const char *key,
    size_t keylen);
void policy_path_index(char *buf, size_t size, size_t i);

/* ---- byte-level scan (policy_scan.c) ----------------------------- */

/*
 * Checks the len bytes of buf before they are parsed: size, nesting
 * depth, UTF-8 and control characters in strings, the \u0000 escape
 * (cJSON would cut the string there) and the number grammar (cJSON
 * accepts "01"). Returns 0, or -1 with *err filled (fieldPath of the
 * offending value). Syntax errors it does not look for are left to cJSON.
 */
int policy_scan(const char *buf, size_t len, struct policy_error *err);

/* ---- parse context and typed readers (policy_json.c) ------------- */

struct policy_json {
	struct policy_errors *errs;
	struct policy *p;	/* receives the unsupported fieldPaths */
	size_t nerr;		/* errors raised so far, kept or not */
	char path[POLICY_PATH_MAX];	/* fieldPath of the current item */
};

/* Push a key or index onto pj->path; return the length to pop back to. */
size_t policy_json_push_key(struct policy_json *pj, const char *key);
size_t policy_json_push_index(struct policy_json *pj, size_t i);
void policy_json_pop(struct policy_json *pj, size_t len);

/* Records an error at the current path (or at path ".sub" when sub). */
void policy_json_error(struct policy_json *pj, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void policy_json_error_at(struct policy_json *pj, const char *sub,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Records the current path as an unsupported field. */
void policy_json_unsupported(struct policy_json *pj);

/*
 * Typed readers: each checks the JSON type and range of `it` (whose path
 * is current), stores the value and returns 0, or records an error and
 * returns -1 without touching *out.
 */
int policy_json_int(struct policy_json *pj, const cJSON *it, int min,
    int max, int *out);
/* An int64 may also be a JSON string of decimal digits (AMAPI's int64). */
int policy_json_int64(struct policy_json *pj, const cJSON *it, int64_t min,
    int64_t max, int64_t *out);
int policy_json_bool(struct policy_json *pj, const cJSON *it, bool *out);
int policy_json_tristate(struct policy_json *pj, const cJSON *it,
    enum policy_tristate *out);
/* A string of minlen..maxlen bytes without control characters. */
int policy_json_string(struct policy_json *pj, const cJSON *it,
    size_t minlen, size_t maxlen, char *out, size_t outsz);
int policy_json_enum(struct policy_json *pj, const cJSON *it,
    const struct policy_enum *t, int *out);
/* An AMAPI Duration "NNN[.fff]s", rounded up to whole seconds. */
int policy_json_duration(struct policy_json *pj, const cJSON *it,
    int64_t max, int64_t *out);

/* Name of a JSON item's type for messages ("a string", "an object"). */
const char *policy_json_type(const cJSON *it);

/*
 * Field tables: policy_json_object() calls fn for every member of obj
 * named in `fields` (with the member's path current), records the others
 * as unsupported and skips members whose value is null (AMAPI's JSON
 * encoding of an absent field). Returns 0, or -1 when obj is not an
 * object or a member had an error.
 */
typedef int (*policy_json_fn)(struct policy_json *pj, const cJSON *v,
    void *dst);
struct policy_json_field {
	const char *name;
	policy_json_fn fn;
};
int policy_json_object(struct policy_json *pj, const cJSON *obj,
    const struct policy_json_field *fields, void *dst);

/*
 * Calls fn for each element of the array arr (with "[i]" current).
 * Returns -1 when arr is not an array, holds more than max elements, or
 * an element had an error.
 */
typedef int (*policy_json_elem_fn)(struct policy_json *pj, const cJSON *v,
    size_t i, void *dst);
int policy_json_array(struct policy_json *pj, const cJSON *arr, size_t max,
    policy_json_elem_fn fn, void *dst);

/* Rejects duplicate member names anywhere under root. */
int policy_json_check_duplicates(struct policy_json *pj, const cJSON *root);

/* Zeroises every string in the tree (before cJSON_Delete). */
void policy_json_wipe(cJSON *root);

/* ---- field groups ------------------------------------------------ */

/* passwordPolicies (policy_password.c). */
int policy_parse_password_requirements(struct policy_json *pj,
    const cJSON *v, void *dst);
/* After the whole document: passwordRequirements joins pw[] or is
 * ignored (AMAPI's precedence; see struct policy). */
void policy_password_requirements_resolve(struct policy *p);
int policy_parse_passwords(struct policy_json *pj, const cJSON *v,
    void *dst);
/* applications and kioskCustomization (policy_apps.c). */
int policy_parse_apps(struct policy_json *pj, const cJSON *v, void *dst);
int policy_parse_kiosk_custom(struct policy_json *pj, const cJSON *v,
    void *dst);
/* openNetworkConfiguration (policy_onc.c). */
int policy_parse_onc(struct policy_json *pj, const cJSON *v, void *dst);
/* policyEnforcementRules and statusReportingSettings (policy_agent.c). */
int policy_parse_rules(struct policy_json *pj, const cJSON *v, void *dst);
int policy_parse_reporting(struct policy_json *pj, const cJSON *v,
    void *dst);

#endif /* WARDEN_PROFILES_POLICY_JSON_H */
