/*
 * lwm2m_content.h - LwM2M values and the content formats that carry
 * them: plain text and opaque (lwm2m_content.c), TLV (lwm2m_tlv.c),
 * SenML JSON and the LwM2M 1.0 JSON (lwm2m_senml.c), SenML CBOR
 * (lwm2m_senml_cbor.c), CoRE link format (lwm2m_link.c).
 *
 * A payload decodes into a list of records, one per resource or resource
 * instance, each with its full path. TLV and plain text do not say what
 * type a value has, so their records stay raw until the object layer,
 * which knows each resource's type, coerces them (lwm2m_value_coerce()).
 * Encoders take typed records.
 *
 * Every decoder reads untrusted input: bounded (LWM2M_PAYLOAD_MAX bytes,
 * LWM2M_RECORDS_MAX records), strict, and it either appends all of the
 * payload's records to the list or fails with one line in err and
 * leaves the list as it was. Nothing here
 * blocks or keeps global state.
 */
#ifndef WARDEN_LWM2M_CONTENT_H
#define WARDEN_LWM2M_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/transport/lwm2m/lwm2m_coap.h"

#define LWM2M_RECORDS_MAX 512
#define LWM2M_ERR_MAX 160
#define LWM2M_NAME_MAX 64		/* a SenML name or base name */

/* Resource data types of the LwM2M object model. */
enum lwm2m_type {
	LWM2M_T_NONE = 0,	/* raw, not typed yet (or an Execute) */
	LWM2M_T_STRING,
	LWM2M_T_INTEGER,
	LWM2M_T_UNSIGNED,
	LWM2M_T_FLOAT,
	LWM2M_T_BOOLEAN,
	LWM2M_T_OPAQUE,
	LWM2M_T_TIME,
	LWM2M_T_OBJLNK,
	LWM2M_T_CORELNK,
};

/* What a raw (LWM2M_T_NONE) value is before coercion. */
enum lwm2m_raw {
	LWM2M_RAW_NONE = 0,
	LWM2M_RAW_TLV,		/* a TLV value's bytes */
	LWM2M_RAW_TEXT,		/* plain text */
	LWM2M_RAW_NUMBER,	/* a JSON number: f, and i when integral */
};

/*
 * One value. bytes holds STRING (UTF-8, not NUL-terminated), OPAQUE,
 * CORELNK and raw TLV or text; it belongs to the record list it is in.
 */
struct lwm2m_value {
	enum lwm2m_type type;
	enum lwm2m_raw raw;
	int64_t i;		/* INTEGER, TIME; RAW_NUMBER when integral */
	bool integral;		/* RAW_NUMBER: i holds it exactly */
	uint64_t u;		/* UNSIGNED */
	double f;		/* FLOAT; RAW_NUMBER */
	bool b;			/* BOOLEAN */
	uint16_t lnk[2];	/* OBJLNK */
	uint8_t *bytes;
	size_t len;
};

struct lwm2m_record {
	struct lwm2m_path path;
	struct lwm2m_value v;
};

/* A list of records; owns the bytes of its values. */
struct lwm2m_records {
	struct lwm2m_record *r;
	size_t n, cap;
};

/* lwm2m_content.c */
/* Makes rs an empty list (nothing allocated yet). */
void lwm2m_records_init(struct lwm2m_records *rs);
/* Frees the records and their bytes (zeroised: values may be secrets);
 * the list is empty and usable again. */
void lwm2m_records_clear(struct lwm2m_records *rs);
/* Appends a copy of v (its bytes copied) at path. -1 when the list is
 * full (LWM2M_RECORDS_MAX) or out of memory. */
int lwm2m_records_add(struct lwm2m_records *rs, const struct lwm2m_path *p,
    const struct lwm2m_value *v);
/* Drops the records from index n on. */
void lwm2m_records_truncate(struct lwm2m_records *rs, size_t n);
/* Sorts by path (ids in order, parents first). */
void lwm2m_records_sort(struct lwm2m_records *rs);

/* Typed values for the encoders (bytes borrowed until added). */
struct lwm2m_value lwm2m_int(int64_t i);
struct lwm2m_value lwm2m_uint(uint64_t u);
struct lwm2m_value lwm2m_float(double f);
struct lwm2m_value lwm2m_bool(bool b);
struct lwm2m_value lwm2m_time(int64_t t);
struct lwm2m_value lwm2m_str(const char *s);
struct lwm2m_value lwm2m_opaque(const uint8_t *p, size_t len);
struct lwm2m_value lwm2m_objlnk(uint16_t o, uint16_t i);

/*
 * Gives a decoded value the type want: TLV bytes by their length (1, 2,
 * 4 or 8 for integers, 4 or 8 for floats, 1 for booleans, 4 for object
 * links), text by the LwM2M text grammar (decimal integers, "0"/"1"
 * booleans, "o:i" links, base64 for opaque), JSON numbers when they
 * fit. Strings must be valid UTF-8 without NUL. out's bytes point into
 * in's (base64 text is decoded in place, in's bytes are then the
 * decoded ones). Returns 0, or -1 with a reason in err.
 */
int lwm2m_value_coerce(const struct lwm2m_value *in, enum lwm2m_type want,
    struct lwm2m_value *out, char *err, size_t errlen);

/* Offset of the first byte of s that is not UTF-8 (or is a NUL): len
 * when all of it is. Overlong forms and surrogates are not UTF-8. */
size_t lwm2m_utf8_check(const uint8_t *s, size_t len);

/* true for the content formats this binding reads and writes. */
bool lwm2m_cf_known(int cf);
/* The format family of a number (old 15xx numbers map to their 1.1
 * equivalents), or LWM2M_CF_NONE. */
int lwm2m_cf_family(int cf);

/*
 * The format to answer a read with: Accept when given (4.06 when it
 * cannot carry this: text and opaque only for one resource, opaque
 * only for an opaque one, link format never), otherwise text for one
 * resource (opaque for an opaque one) and TLV for more. single: the
 * answer is one resource value. Returns the format, or -1 (4.06).
 */
int lwm2m_cf_pick(int accept, bool single, bool opaque);

/*
 * Encodes records (typed, sorted, all at or under base) in format cf.
 * *out is malloc'd. Returns 0, or -1 when the format cannot carry them
 * (then 4.06) or out of memory.
 */
int lwm2m_encode(int cf, const struct lwm2m_path *base,
    const struct lwm2m_records *rs, uint8_t **out, size_t *len);
/*
 * Decodes a payload of format cf written to base (the request's path).
 * Returns 0 and the records (appended to rs), or -1 with a reason in err
 * (the caller answers 4.00; 4.15 when !lwm2m_cf_known(cf)).
 */
int lwm2m_decode(int cf, const struct lwm2m_path *base, const uint8_t *buf,
    size_t len, struct lwm2m_records *rs, char *err, size_t errlen);

/* Plain text of one typed value into *out (malloc'd). -1 for opaque. */
int lwm2m_text_encode(const struct lwm2m_value *v, uint8_t **out,
    size_t *len);

/* lwm2m_tlv.c */
/*
 * OMA TLV. The encoder writes records relative to base: object
 * instances under an object, resources under an instance, a resource
 * (single or multiple) or one resource instance. The decoder takes what
 * a server may write to base: under an object, object instances (or,
 * for a Create, bare resources: their instance id is LWM2M_ID_NONE);
 * under an instance, resources (or the one instance wrapped); under a
 * resource, that resource or its instances; lengths and nesting are
 * checked, nothing may follow the last entry.
 */
int lwm2m_tlv_encode(const struct lwm2m_path *base,
    const struct lwm2m_records *rs, uint8_t **out, size_t *len);
int lwm2m_tlv_decode(const struct lwm2m_path *base, const uint8_t *buf,
    size_t len, struct lwm2m_records *rs, char *err, size_t errlen);

/* lwm2m_senml.c */
/*
 * SenML JSON (RFC 8428 as LwM2M 1.1 uses it: bn, n, v, vs, vb, vd, vlo)
 * or, with oma, the LwM2M 1.0 JSON ({"bn", "e": [{n, v, sv, bv, ov}]}).
 * The decoder refuses unknown or repeated keys, names that are not
 * LwM2M paths at or under base, records with no or two values, and
 * more than LWM2M_RECORDS_MAX records.
 */
int lwm2m_senml_encode(const struct lwm2m_path *base,
    const struct lwm2m_records *rs, bool oma, uint8_t **out, size_t *len);
int lwm2m_senml_decode(const struct lwm2m_path *base, const uint8_t *buf,
    size_t len, bool oma, struct lwm2m_records *rs, char *err,
    size_t errlen);

/* lwm2m_senml_cbor.c */
/*
 * SenML CBOR (RFC 8428 section 6, content format 112): the records of
 * SenML JSON with integer labels (bn -2, n 0, v 2, vs 3, vb 4, vd 8 as
 * a byte string) and LwM2M's text key "vlo" for object links. The
 * encoder writes shortest integer heads and floats in 32 bits when
 * exact, else 64. The decoder takes definite lengths only, no tags, and
 * refuses what the SenML JSON decoder refuses (unknown or repeated
 * keys, names not at or under base, no or two values, a resource twice,
 * more than LWM2M_RECORDS_MAX records) and bytes after the array.
 */
int lwm2m_senml_cbor_encode(const struct lwm2m_path *base,
    const struct lwm2m_records *rs, uint8_t **out, size_t *len);
int lwm2m_senml_cbor_decode(const struct lwm2m_path *base,
    const uint8_t *buf, size_t len, struct lwm2m_records *rs, char *err,
    size_t errlen);

/*
 * The paths of a composite request (Read-Composite, LwM2M 1.1 FETCH): a
 * SenML array whose records carry only bn and n, each naming an object,
 * instance, resource or resource instance. At most max paths into paths
 * (*n of them). lwm2m_senml_paths() reads SenML JSON,
 * lwm2m_senml_cbor_paths() SenML CBOR. 0, or -1 with a reason.
 */
int lwm2m_senml_paths(const uint8_t *buf, size_t len,
    struct lwm2m_path *paths, size_t max, size_t *n, char *err,
    size_t errlen);
int lwm2m_senml_cbor_paths(const uint8_t *buf, size_t len,
    struct lwm2m_path *paths, size_t max, size_t *n, char *err,
    size_t errlen);

/* lwm2m_link.c */
#define LWM2M_LINKS_MAX 256
#define LWM2M_LINK_ATTRS 8
#define LWM2M_ATTR_NAME_MAX 15
#define LWM2M_ATTR_VALUE_MAX 63

/* One link: a target and its attributes (value "" for a bare name;
 * quoted values keep no quotes). */
struct lwm2m_link {
	char target[LWM2M_NAME_MAX + 1];	/* "/3/0", "/" */
	struct {
		char name[LWM2M_ATTR_NAME_MAX + 1];
		char value[LWM2M_ATTR_VALUE_MAX + 1];
		bool quoted;
	} attr[LWM2M_LINK_ATTRS];
	size_t nattr;
};

/* Adds an attribute to l; -1 when full or too long. */
int lwm2m_link_attr(struct lwm2m_link *l, const char *name,
    const char *value, bool quoted);
/* Writes links as RFC 6690 text ("</3/0>;ver=1.1,</3/0/1>"); *out is
 * malloc'd and NUL-terminated. -1 on bad names or out of memory. */
int lwm2m_link_encode(const struct lwm2m_link *links, size_t n, char **out,
    size_t *len);
/* Parses RFC 6690 text (targets in <>, ';' attributes with token or
 * quoted values, ',' between links) into links (cap entries); *n is how
 * many. Returns 0, or -1 with a reason in err. */
int lwm2m_link_decode(const char *buf, size_t len, struct lwm2m_link *links,
    size_t cap, size_t *n, char *err, size_t errlen);

#endif /* WARDEN_LWM2M_CONTENT_H */
