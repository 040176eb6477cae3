/*
 * rules.h - posture rule documents: parse, validate, hold.
 *
 * A posture rule document (docs/rules.md) is warden's own JSON format for
 * compliance rules over scanned facts, in the spirit of Citrix Device
 * Posture and Intune custom compliance. rules_parse() turns one document
 * into a struct rules_set or rejects it whole with a precise
 * "fieldPath: reason" error. The posture engine (profiles/posture.c)
 * evaluates a rules_set over a struct hal_facts.
 *
 * The value helpers (versions, ISO 8601 date-times) are exported because
 * the evaluator parses fact values with exactly the same grammar as rule
 * values.
 */
#ifndef WARDEN_PROFILES_RULES_H
#define WARDEN_PROFILES_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal.h"

/* Limits of a document; anything beyond is rejected, not truncated. */
#define RULES_DOC_MAX (256 * 1024)	/* bytes */
#define RULES_DEPTH_MAX 8		/* JSON nesting */
#define RULES_MAX 64			/* rules per document */
#define RULES_COND_MAX 16		/* conditions per rule */
#define RULES_ID_MAX 64			/* id, incl. NUL */
#define RULES_SETTING_MAX 64		/* settingName, incl. NUL */
#define RULES_FIELD_PATH_MAX 96		/* fieldPath, incl. NUL */
#define RULES_REMEDIATION_MAX 256	/* remediation, incl. NUL */
#define RULES_PRIORITY_MAX 1000000
#define RULES_GRACE_HOURS_MAX 8760	/* one year */
#define RULES_VERSION_PARTS 8		/* numeric components kept */

enum rules_op {
	RULES_OP_EQ,	/* IsEquals */
	RULES_OP_NE,	/* NotEquals */
	RULES_OP_GT,	/* GreaterThan */
	RULES_OP_GE,	/* GreaterEquals */
	RULES_OP_LT,	/* LessThan */
	RULES_OP_LE,	/* LessEquals */
};

enum rules_type {
	RULES_TYPE_BOOLEAN,
	RULES_TYPE_INT64,
	RULES_TYPE_DOUBLE,
	RULES_TYPE_STRING,
	RULES_TYPE_DATETIME,
	RULES_TYPE_VERSION,
};

enum rules_match { RULES_MATCH_ALL, RULES_MATCH_ANY };

/* What a rule yields when it fires. */
enum rules_result {
	RULES_RESULT_COMPLIANT,
	RULES_RESULT_NON_COMPLIANT,
	RULES_RESULT_DENIED,
};

/*
 * AMAPI NonComplianceReason. It belongs to the rule vocabulary because a
 * rule may name the reason its failure is reported with; the posture
 * engine and the report use the same enum.
 */
enum rules_reason {
	RULES_REASON_UNSPECIFIED,	/* NON_COMPLIANCE_REASON_UNSPECIFIED */
	RULES_REASON_API_LEVEL,
	RULES_REASON_MANAGEMENT_MODE,
	RULES_REASON_USER_ACTION,
	RULES_REASON_INVALID_VALUE,
	RULES_REASON_APP_NOT_INSTALLED,
	RULES_REASON_UNSUPPORTED,
	RULES_REASON_APP_INSTALLED,
	RULES_REASON_PENDING,
	RULES_REASON_APP_INCOMPATIBLE,
	RULES_REASON_APP_NOT_UPDATED,
	RULES_REASON_DEVICE_INCOMPATIBLE,
};

/* A version: its leading numeric components (see rules_version_parse). */
struct rules_version {
	uint64_t part[RULES_VERSION_PARTS];
	uint8_t n;
};

/* One condition: `fact <op> value`, compared as `type`. */
struct rules_condition {
	char fact[HAL_FACT_NAME_MAX];
	uint32_t fact_hash;		/* rules_fact_hash(fact) */
	enum rules_op op;
	enum rules_type type;
	/* The value; the member matching `type` is set. */
	bool b;				/* Boolean */
	int64_t i;			/* Int64 */
	double d;			/* Double */
	int64_t t;			/* DateTime: UTC seconds, or offset */
	bool t_relative;		/* DateTime: t is relative to now */
	struct rules_version v;		/* Version */
	char s[HAL_FACT_STR_MAX];	/* the value as written (all types) */
};

struct rules_rule {
	char id[RULES_ID_MAX];
	char setting_name[RULES_SETTING_MAX];	/* defaults to id */
	char field_path[RULES_FIELD_PATH_MAX];	/* "" when not given */
	char remediation[RULES_REMEDIATION_MAX];/* "" when not given */
	long priority;			/* lower is evaluated first */
	enum rules_match match;
	enum rules_result result;
	enum rules_reason reason;	/* reported when the rule fails */
	int64_t grace_seconds;		/* 0: no grace period */
	size_t doc_index;		/* position in the document */
	size_t setting_group;		/* same for equal setting names */
	const struct rules_condition *cond;	/* ncond conditions */
	size_t ncond;
};

/*
 * A parsed document. rules[] is sorted by priority (stable: equal
 * priorities keep document order). Owned by the caller of rules_parse();
 * release with rules_free().
 */
struct rules_set {
	long long version;		/* "version", 0 when not given */
	struct rules_rule *rules;
	size_t nrules;
	size_t ngroups;			/* distinct setting names */
	struct rules_condition *conds;
	size_t nconds;
};

/*
 * Parses the rules document text[0..len) (need not be NUL-terminated).
 * On success stores a new set in *out (free with rules_free) and returns
 * 0. On any error returns -1, stores nothing, and writes
 * "fieldPath: reason" to err (always NUL-terminated when errlen > 0);
 * a document-level error uses the field path "$". Never blocks.
 */
int rules_parse(const char *text, size_t len, struct rules_set **out,
    char *err, size_t errlen);

/*
 * Reads the file at path (at most RULES_DOC_MAX bytes) and parses it as
 * rules_parse() does. Errors about the file itself use the field path
 * "$" too. Blocks on file I/O.
 */
int rules_load(const char *path, struct rules_set **out, char *err,
    size_t errlen);

/* Frees a set from rules_parse()/rules_load(); NULL is ignored. */
void rules_free(struct rules_set *rs);

/*
 * The hash the evaluator indexes facts by: of the name's length (at most
 * HAL_FACT_NAME_MAX - 1 bytes are read) and its first and last eight
 * bytes. Stored per condition so that evaluation hashes no rule text.
 */
uint32_t rules_fact_hash(const char *name);

/*
 * Parses a version: one or more decimal components separated by '.',
 * where a '-' followed by a digit also starts a component
 * ("6.1.0-13-amd64" -> 6.1.0.13). Parsing stops at the first character
 * that does not continue a component; the rest is an ignored suffix
 * ("-amd64", "+dfsg", "-rc1"). Components past RULES_VERSION_PARTS are
 * ignored. Returns 0, or -1 when s does not start with a digit or a
 * component has more than 18 digits.
 */
int rules_version_parse(const char *s, struct rules_version *v);

/* <0, 0, >0 as a is older, equal, newer than b; missing parts are 0. */
int rules_version_cmp(const struct rules_version *a,
    const struct rules_version *b);

/* DateTime values and facts: rfc3339_parse() (profiles/rfc3339.h) with
 * RFC3339_DATE_OK | RFC3339_NO_OFFSET_OK. */

/* AMAPI names of the enums above, and back (0, or -1 if unknown). */
const char *rules_op_name(enum rules_op op);
const char *rules_type_name(enum rules_type t);
const char *rules_result_name(enum rules_result r);
const char *rules_reason_name(enum rules_reason r);
int rules_reason_parse(const char *s, enum rules_reason *r);

#endif /* WARDEN_PROFILES_RULES_H */
