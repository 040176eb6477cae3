/*
 * provision_qr.c - Android's QR provisioning JSON: one object of
 * android.app.extra.PROVISIONING_* keys (or their a.a.e.* short forms),
 * with warden's settings in the PROVISIONING_ADMIN_EXTRAS_BUNDLE object.
 * The zero-touch file uses the same walker with the bundle flattened.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/provision/provision.h"

/* Room for "PROVISIONING_ADMIN_EXTRAS_BUNDLE." and a listed key. */
#define PATH_MAX_LEN (sizeof(PROV_EXTRAS_KEY) + PROV_KEY_MAX + 80)

static bool
is_container(const cJSON *v)
{
	return cJSON_IsObject(v) || cJSON_IsArray(v);
}

/* Sets a known key's field, or type-checks and lists a no-effect key. */
static int
apply_value(struct prov_parse *ps, const struct prov_key *k,
    const char *path, const cJSON *v, char *err, size_t errlen)
{
	char num[32];
	const char *text;
	size_t len;

	if (prov_json_value_text(v, k->kind, path, num, sizeof(num), &text,
	    &len, err, errlen) != 0)
		return -1;
	if (k->field == PROV_F_NONE) {
		if (prov_text_kind_check(k->kind, path, text, len, err,
		    errlen) != 0)
			return -1;
		prov_parse_ignore(ps, path, strlen(path));
		return 0;
	}
	return prov_parse_set(ps, k->field, path, text, len, err, errlen);
}

static int
apply_clouddpc(struct prov_parse *ps, const cJSON *v, char *err,
    size_t errlen)
{
	char path[PATH_MAX_LEN], num[8];
	const char *text;
	size_t len;

	prov_field_path(ps->req, ps->naming, PROV_F_CLOUDDPC_TOKEN, path,
	    sizeof(path));
	if (prov_json_value_text(v, PROV_K_STRING, path, num, sizeof(num),
	    &text, &len, err, errlen) != 0)
		return -1;
	return prov_parse_set(ps, PROV_F_CLOUDDPC_TOKEN, path, text, len, err,
	    errlen);
}

/*
 * A key of the warden.* namespace, or Google's token: where warden's
 * settings live (the extras bundle; the top level of a zero-touch file).
 * Returns 1 when the key is none of these.
 */
static int
apply_extra(struct prov_parse *ps, const cJSON *c, char *err, size_t errlen)
{
	const struct prov_key *k;
	char path[PATH_MAX_LEN];

	if (strcmp(c->string, PROV_CLOUDDPC_TOKEN_KEY) == 0)
		return apply_clouddpc(ps, c, err, errlen);
	if (strncmp(c->string, "warden.", 7) != 0)
		return 1;
	if ((k = prov_key_warden(c->string)) == NULL) {
		if (ps->naming == PROV_NAMING_ANDROID)
			return prov_err(err, errlen, "%s.%.*s: unknown warden key",
			    PROV_EXTRAS_KEY, PROV_KEY_MAX, c->string);
		return prov_err(err, errlen, "%.*s: unknown warden key",
		    PROV_KEY_MAX, c->string);
	}
	prov_field_path(ps->req, ps->naming, k->field, path, sizeof(path));
	return apply_value(ps, k, path, c, err, errlen);
}

static int
apply_bundle(struct prov_parse *ps, const cJSON *bundle, char *err,
    size_t errlen)
{
	char path[PATH_MAX_LEN];
	const cJSON *c;
	const char *dup;
	int rc;

	if (!cJSON_IsObject(bundle))
		return prov_err(err, errlen, "%s: not an object", PROV_EXTRAS_KEY);
	if ((dup = prov_json_dup_key(bundle)) != NULL)
		return prov_err(err, errlen, "%s.%.*s: duplicate key",
		    PROV_EXTRAS_KEY, PROV_KEY_MAX, dup);
	for (c = bundle->child; c != NULL; c = c->next) {
		if ((rc = apply_extra(ps, c, err, errlen)) <= 0) {
			if (rc < 0)
				return -1;
			continue;
		}
		snprintf(path, sizeof(path), "%s.%.*s", PROV_EXTRAS_KEY,
		    PROV_KEY_MAX, c->string);
		if (is_container(c))
			return prov_err(err, errlen,
			    "%s: nested bundle not allowed (one level)", path);
		prov_parse_ignore(ps, path, strlen(path));
	}
	return 0;
}

int
prov_json_apply(struct prov_parse *ps, const struct cJSON *root,
    bool zerotouch, char *err, size_t errlen)
{
	const struct prov_key *k;
	const cJSON *c;
	const char *dup;
	int rc;

	if ((dup = prov_json_dup_key(root)) != NULL)
		return prov_err(err, errlen, "%.*s: duplicate key", PROV_KEY_MAX,
		    dup);
	for (c = root->child; c != NULL; c = c->next) {
		if ((k = prov_key_android(c->string)) != NULL) {
			if (k->field != PROV_F_EXTRAS_BUNDLE) {
				if (apply_value(ps, k, k->name, c, err,
				    errlen) != 0)
					return -1;
				continue;
			}
			if (zerotouch)
				return prov_err(err, errlen, "%s: not used in a "
				    "zero-touch file (put the warden.* keys at "
				    "the top level)", PROV_EXTRAS_KEY);
			if (ps->seen[PROV_F_EXTRAS_BUNDLE])
				return prov_err(err, errlen, "%s: given twice",
				    PROV_EXTRAS_KEY);
			ps->seen[PROV_F_EXTRAS_BUNDLE] = true;
			if (apply_bundle(ps, c, err, errlen) != 0)
				return -1;
			continue;
		}
		if (zerotouch) {
			if ((rc = apply_extra(ps, c, err, errlen)) <= 0) {
				if (rc < 0)
					return -1;
				continue;
			}
		} else if (strncmp(c->string, "warden.", 7) == 0 ||
		    strcmp(c->string, PROV_CLOUDDPC_TOKEN_KEY) == 0) {
			return prov_err(err, errlen, "%.*s: belongs in %s",
			    PROV_KEY_MAX, c->string, PROV_EXTRAS_KEY);
		}
		/* Android ignores extras it does not know; so do we, but
		 * the dry run lists them. */
		if (is_container(c))
			return prov_err(err, errlen,
			    "%.*s: unknown key with a nested value", PROV_KEY_MAX,
			    c->string);
		prov_parse_ignore(ps, c->string, strlen(c->string));
	}
	return 0;
}

int
prov_from_qr_text(const char *buf, size_t len,
    const struct prov_defaults *defs, struct prov_request *req, char *err,
    size_t errlen)
{
	struct prov_parse ps;
	cJSON *root;
	int rc;

	prov_parse_begin(&ps, req, defs, PROV_SRC_QR);
	root = prov_json_parse(buf, len, PROV_QR_MAX, 3, "qr", err, errlen);
	if (root == NULL) {
		prov_parse_abort(&ps);
		return -1;
	}
	rc = prov_json_apply(&ps, root, false, err, errlen);
	prov_json_delete(root);
	if (rc != 0) {
		prov_parse_abort(&ps);
		return -1;
	}
	return prov_parse_finish(&ps, err, errlen);
}
