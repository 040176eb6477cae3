/*
 * provision_json.c - strict JSON intake for the provisioning inputs
 * (bounds, UTF-8, NUL, nesting, duplicate keys: what cJSON does not
 * check), and the request's own JSON form: the masked dry-run view and
 * the unmasked form the store keeps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/provision/provision.h"

/* An object or array may hold at most this many members. */
#define JSON_MEMBERS_MAX 256

/*
 * Rejects raw NUL and control bytes (white space only between tokens),
 * invalid UTF-8 and \u0000, which cJSON would take as the end of the
 * string.
 */
static int
json_prescan(const char *buf, size_t len, const char *doc, char *err,
    size_t errlen)
{
	bool in_str = false;
	size_t i, bad;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == 0)
			return prov_err(err, errlen, "%s: NUL byte at offset %zu",
			    doc, i);
		if (c < 0x20 && (in_str || (c != '\t' && c != '\n' &&
		    c != '\r')))
			return prov_err(err, errlen,
			    "%s: control character at offset %zu", doc, i);
		if (c == '"') {
			in_str = !in_str;
		} else if (in_str && c == '\\' && i + 1 < len) {
			if (buf[i + 1] == 'u' && i + 5 < len &&
			    memcmp(buf + i + 2, "0000", 4) == 0)
				return prov_err(err, errlen,
				    "%s: escaped NUL (\\u0000) at offset %zu",
				    doc, i);
			if ((unsigned char)buf[i + 1] >= 0x20)
				i++;
		}
	}
	if ((bad = prov_utf8_check(buf, len)) != len)
		return prov_err(err, errlen, "%s: invalid UTF-8 at offset %zu",
		    doc, bad);
	return 0;
}

static int
json_shape(const cJSON *node, int level, int max, const char *doc,
    char *err, size_t errlen)
{
	const cJSON *c;
	int n = 0;

	if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
		return 0;
	if (level > max)
		return prov_err(err, errlen, "%s: nested deeper than %d levels",
		    doc, max);
	for (c = node->child; c != NULL; c = c->next) {
		if (++n > JSON_MEMBERS_MAX)
			return prov_err(err, errlen,
			    "%s: more than %d members in one object or array",
			    doc, JSON_MEMBERS_MAX);
		if (json_shape(c, level + 1, max, doc, err, errlen) != 0)
			return -1;
	}
	return 0;
}

struct cJSON *
prov_json_parse(const char *buf, size_t len, size_t max, int depth,
    const char *doc, char *err, size_t errlen)
{
	const char *end = NULL;
	cJSON *root;
	size_t i;

	if (len > max) {
		prov_err(err, errlen, "%s: longer than %zu bytes", doc, max);
		return NULL;
	}
	if (json_prescan(buf, len, doc, err, errlen) != 0)
		return NULL;
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (root == NULL) {
		size_t off = end != NULL && end >= buf && end <= buf + len ?
		    (size_t)(end - buf) : 0;
		prov_err(err, errlen, "%s: not valid JSON (at offset %zu)", doc,
		    off);
		return NULL;
	}
	for (i = (size_t)(end - buf); i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
		    buf[i] != '\r') {
			prov_err(err, errlen, "%s: trailing data at offset %zu",
			    doc, i);
			prov_json_delete(root);
			return NULL;
		}
	if (!cJSON_IsObject(root)) {
		prov_err(err, errlen, "%s: not a JSON object", doc);
		prov_json_delete(root);
		return NULL;
	}
	if (json_shape(root, 1, depth, doc, err, errlen) != 0) {
		prov_json_delete(root);
		return NULL;
	}
	return root;
}

static void
json_scrub(cJSON *node)
{
	for (; node != NULL; node = node->next) {
		if (node->string != NULL)
			explicit_bzero(node->string, strlen(node->string));
		if (cJSON_IsString(node) && node->valuestring != NULL)
			explicit_bzero(node->valuestring,
			    strlen(node->valuestring));
		json_scrub(node->child);
	}
}

void
prov_json_delete(struct cJSON *root)
{
	if (root == NULL)
		return;
	json_scrub(root->child);
	cJSON_Delete(root);
}

const char *
prov_json_dup_key(const struct cJSON *obj)
{
	const cJSON *a, *b;

	for (a = obj->child; a != NULL; a = a->next)
		for (b = obj->child; b != a; b = b->next)
			if (a->string != NULL && b->string != NULL &&
			    strcmp(a->string, b->string) == 0)
				return a->string;
	return NULL;
}

int
prov_json_value_text(const struct cJSON *v, enum prov_kind kind,
    const char *path, char *buf, size_t cap, const char **text, size_t *len,
    char *err, size_t errlen)
{
	switch (kind) {
	case PROV_K_STRING:
		if (!cJSON_IsString(v))
			return prov_err(err, errlen, "%s: not a string", path);
		break;
	case PROV_K_BOOL:
		if (cJSON_IsBool(v)) {
			snprintf(buf, cap, "%s", cJSON_IsTrue(v) ? "true" : "false");
			*text = buf;
			*len = strlen(buf);
			return 0;
		}
		if (!cJSON_IsString(v))
			return prov_err(err, errlen, "%s: not a boolean", path);
		break;
	case PROV_K_INT:
		if (cJSON_IsNumber(v)) {
			double d = v->valuedouble;
			/* Exact integers only: 2^53 bounds a double's. */
			if (!(d >= 0 && d <= 9007199254740991.0) ||
			    d != (double)(long long)d)
				return prov_err(err, errlen,
				    "%s: not a non-negative integer", path);
			snprintf(buf, cap, "%lld", (long long)d);
			*text = buf;
			*len = strlen(buf);
			return 0;
		}
		if (!cJSON_IsString(v))
			return prov_err(err, errlen, "%s: not an integer", path);
		break;
	default:
		return prov_err(err, errlen, "%s: not a single value", path);
	}
	*text = v->valuestring;
	*len = strlen(v->valuestring);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The request as JSON.                                                 */
/* ------------------------------------------------------------------ */

static const char masked[] = "***";

/* Holds one field's text: a certificate in base64 is the longest. */
#define FIELD_TEXT_MAX (PROV_CERT_MAX / 3 * 4 + 8)

static int
add_field(cJSON *obj, const char *key, enum prov_kind kind, const char *text,
    bool mask)
{
	cJSON *item;

	if (mask)
		item = cJSON_AddStringToObject(obj, key, masked);
	else if (kind == PROV_K_BOOL)
		item = cJSON_AddBoolToObject(obj, key, strcmp(text, "true") == 0);
	else if (kind == PROV_K_INT)
		item = cJSON_AddNumberToObject(obj, key, strtod(text, NULL));
	else
		item = cJSON_AddStringToObject(obj, key, text);
	return item != NULL ? 0 : -1;
}

static cJSON *
request_tree(const struct prov_request *r, bool mask, char *tmp, size_t cap)
{
	cJSON *root = cJSON_CreateObject(), *wifi = NULL, *arr;
	const char *text;
	size_t i;
	int f;

	if (root == NULL)
		return NULL;
	if (cJSON_AddStringToObject(root, "source",
	    prov_source_name(r->source)) == NULL)
		goto fail;
	if (r->token_id[0] != '\0' &&
	    cJSON_AddStringToObject(root, "tokenId", r->token_id) == NULL)
		goto fail;
	for (f = PROV_F_NONE + 1; f < PROV_F_COUNT; f++) {
		const char *name = prov_field_store_name((enum prov_field)f);
		cJSON *obj = root;
		int rc;

		if (name == NULL)
			continue;
		rc = prov_field_text(r, (enum prov_field)f, tmp, cap, &text);
		if (rc < 0)
			goto fail;
		if (rc == 0)
			continue;
		if (strncmp(name, "wifi.", 5) == 0) {
			if (wifi == NULL &&
			    (wifi = cJSON_AddObjectToObject(root, "wifi")) == NULL)
				goto fail;
			obj = wifi;
			name += 5;
		}
		if (add_field(obj, name, prov_field_kind((enum prov_field)f),
		    text, mask && prov_field_secret((enum prov_field)f)) != 0)
			goto fail;
	}
	if (r->server_from_defaults &&
	    cJSON_AddBoolToObject(root, "serverFromDefaults", 1) == NULL)
		goto fail;
	if (r->n_ignored > 0) {
		if ((arr = cJSON_AddArrayToObject(root, "ignoredKeys")) == NULL)
			goto fail;
		for (i = 0; i < r->n_ignored && i < PROV_IGNORED_MAX; i++) {
			cJSON *s = cJSON_CreateString(r->ignored[i]);
			if (s == NULL)
				goto fail;
			cJSON_AddItemToArray(arr, s);
		}
	}
	if (r->n_ignored_total > r->n_ignored &&
	    cJSON_AddNumberToObject(root, "ignoredKeysNotListed",
	    (double)(r->n_ignored_total - r->n_ignored)) == NULL)
		goto fail;
	return root;
fail:
	prov_json_delete(root);
	return NULL;
}

char *
prov_request_to_json(const struct prov_request *r, bool mask)
{
	char *tmp, *buf = NULL;
	cJSON *root;
	size_t cap;

	if ((tmp = malloc(FIELD_TEXT_MAX)) == NULL)
		return NULL;
	root = request_tree(r, mask, tmp, FIELD_TEXT_MAX);
	prov_secret_free(tmp, FIELD_TEXT_MAX);
	if (root == NULL)
		return NULL;
	/* Printing into our own buffer leaves no stray copy of a secret
	 * in memory that cJSON's realloc would free unscrubbed. */
	for (cap = 4096; cap <= 4 * PROV_STORE_MAX; cap *= 2) {
		if ((buf = malloc(cap)) == NULL)
			break;
		if (cJSON_PrintPreallocated(root, buf, (int)cap, 0))
			break;
		prov_secret_free(buf, cap);
		buf = NULL;
	}
	prov_json_delete(root);
	return buf;
}

static int
from_json_field(struct prov_parse *ps, enum prov_field f, const char *path,
    const cJSON *v, char *err, size_t errlen)
{
	char num[32];
	const char *text;
	size_t len;

	if (prov_json_value_text(v, prov_field_kind(f), path, num, sizeof(num),
	    &text, &len, err, errlen) != 0)
		return -1;
	if (prov_field_secret(f) && strcmp(text, masked) == 0)
		return prov_err(err, errlen,
		    "%s: masked value (\"***\") cannot be restored", path);
	return prov_parse_set(ps, f, path, text, len, err, errlen);
}

static int
from_json_meta(struct prov_parse *ps, const cJSON *c, char *err,
    size_t errlen)
{
	struct prov_request *r = ps->req;
	const cJSON *s;
	unsigned i;

	if (strcmp(c->string, "source") == 0) {
		for (i = 0; i <= PROV_SRC_ZEROTOUCH; i++)
			if (cJSON_IsString(c) && strcmp(c->valuestring,
			    prov_source_name((enum prov_source)i)) == 0) {
				r->source = (enum prov_source)i;
				return 0;
			}
		return prov_err(err, errlen,
		    "source: not qr, nfc, token or zerotouch");
	}
	if (strcmp(c->string, "tokenId") == 0) {
		if (!cJSON_IsString(c) || c->valuestring[0] == '\0' ||
		    strlen(c->valuestring) > PROV_TOKEN_ID_MAX ||
		    strspn(c->valuestring, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789._-") !=
		    strlen(c->valuestring))
			return prov_err(err, errlen, "tokenId: not a token id");
		snprintf(r->token_id, sizeof(r->token_id), "%s",
		    c->valuestring);
		return 0;
	}
	if (strcmp(c->string, "serverFromDefaults") == 0) {
		if (!cJSON_IsBool(c))
			return prov_err(err, errlen,
			    "serverFromDefaults: not a boolean");
		r->server_from_defaults = cJSON_IsTrue(c);
		return 0;
	}
	if (strcmp(c->string, "ignoredKeys") == 0) {
		if (!cJSON_IsArray(c) ||
		    cJSON_GetArraySize(c) > PROV_IGNORED_MAX)
			return prov_err(err, errlen, "ignoredKeys: not an array "
			    "of at most %d strings", PROV_IGNORED_MAX);
		for (i = 0, s = c->child; s != NULL; s = s->next, i++) {
			if (!cJSON_IsString(s) ||
			    strlen(s->valuestring) > PROV_KEY_MAX)
				return prov_err(err, errlen, "ignoredKeys[%u]: "
				    "not a string of at most %d bytes", i,
				    PROV_KEY_MAX);
			prov_parse_ignore(ps, s->valuestring,
			    strlen(s->valuestring));
		}
		return 0;
	}
	if (strcmp(c->string, "ignoredKeysNotListed") == 0) {
		if (!cJSON_IsNumber(c) || !(c->valuedouble >= 1 &&
		    c->valuedouble <= 1e6) ||
		    c->valuedouble != (double)(long long)c->valuedouble)
			return prov_err(err, errlen,
			    "ignoredKeysNotListed: not a count");
		r->n_ignored_total += (size_t)c->valuedouble;
		return 0;
	}
	return 1;
}

static int
from_json_tree(struct prov_parse *ps, const cJSON *root, char *err,
    size_t errlen)
{
	const cJSON *c, *w;
	const char *dup;
	char path[PROV_KEY_MAX + 8];
	enum prov_field f;
	int rc;

	if ((dup = prov_json_dup_key(root)) != NULL)
		return prov_err(err, errlen, "%s: duplicate key", dup);
	for (c = root->child; c != NULL; c = c->next) {
		if ((rc = from_json_meta(ps, c, err, errlen)) <= 0) {
			if (rc < 0)
				return -1;
			continue;
		}
		if (strcmp(c->string, "wifi") == 0) {
			if (!cJSON_IsObject(c))
				return prov_err(err, errlen, "wifi: not an object");
			if ((dup = prov_json_dup_key(c)) != NULL)
				return prov_err(err, errlen,
				    "wifi.%s: duplicate key", dup);
			for (w = c->child; w != NULL; w = w->next) {
				snprintf(path, sizeof(path), "wifi.%.*s",
				    PROV_KEY_MAX, w->string);
				f = prov_field_by_store_name(path);
				if (f == PROV_F_NONE || strchr(w->string, '.'))
					return prov_err(err, errlen,
					    "%s: unknown key", path);
				if (from_json_field(ps, f, path, w, err,
				    errlen) != 0)
					return -1;
			}
			continue;
		}
		f = prov_field_by_store_name(c->string);
		if (f == PROV_F_NONE || strchr(c->string, '.') != NULL)
			return prov_err(err, errlen, "%.*s: unknown key",
			    PROV_KEY_MAX, c->string);
		if (from_json_field(ps, f, c->string, c, err, errlen) != 0)
			return -1;
	}
	return 0;
}

int
prov_request_from_json(const char *buf, size_t len, bool allow_nosec,
    struct prov_request *req, char *err, size_t errlen)
{
	struct prov_parse ps;
	cJSON *root;
	int rc;

	prov_parse_begin(&ps, req, NULL, PROV_SRC_QR);
	ps.naming = PROV_NAMING_STORE;
	root = prov_json_parse(buf, len, PROV_STORE_MAX, 3, "request", err,
	    errlen);
	if (root == NULL) {
		prov_parse_abort(&ps);
		return -1;
	}
	rc = from_json_tree(&ps, root, err, errlen);
	prov_json_delete(root);
	req->has_wifi = req->wifi.ssid[0] != '\0';
	if (rc != 0 || prov_validate_named(req, allow_nosec, PROV_NAMING_STORE,
	    err, errlen) != 0) {
		prov_parse_abort(&ps);
		return -1;
	}
	return 0;
}
