/*
 * provision_token.c - EMM tokens: the user types "afw#<id>", the image's
 * token directory says which server <id> stands for, and the one-time
 * code the user types next becomes the enrollment token.
 *
 * The directory is a JSON object { "<id>": { "serverUrl": ...,
 * "binding": ..., "serverCertSha256": ..., "mode": ... }, ... } using
 * the names of prov_request_to_json().
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/provision/provision.h"

#define TOKEN_ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
	"0123456789._-"
#define CODE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
	"0123456789"

/* What a directory entry may say; the rest comes from elsewhere. */
static const enum prov_field entry_fields[] = {
	PROV_F_SERVER_URL, PROV_F_BINDING, PROV_F_PIN, PROV_F_MODE,
	PROV_F_LWM2M_BOOTSTRAP, PROV_F_ORG_NAME, PROV_F_SUPPORT_URL,
};

static int
parse_afw(const char *afw, struct prov_request *req, char *err,
    size_t errlen)
{
	size_t n;

	if (strncmp(afw, "afw#", 4) != 0)
		return prov_err(err, errlen, "token: not an afw#<id> token");
	afw += 4;
	n = strlen(afw);
	if (n == 0 || n > PROV_TOKEN_ID_MAX || strspn(afw, TOKEN_ID_CHARS) != n)
		return prov_err(err, errlen, "token: <id> of afw#<id> must be 1 "
		    "to %d of A-Z a-z 0-9 . _ -", PROV_TOKEN_ID_MAX);
	memcpy(req->token_id, afw, n + 1);
	return 0;
}

static int
check_code(const char *code, char *err, size_t errlen)
{
	size_t n = strlen(code);

	if (n < PROV_CODE_MIN || n > PROV_CODE_MAX ||
	    strspn(code, CODE_CHARS) != n)
		return prov_err(err, errlen, "code: must be %d to %d letters or "
		    "digits", PROV_CODE_MIN, PROV_CODE_MAX);
	return 0;
}

static int
apply_entry(struct prov_parse *ps, const cJSON *entry, char *err,
    size_t errlen)
{
	const char *id = ps->req->token_id, *dup, *text;
	char path[PROV_TOKEN_ID_MAX + PROV_KEY_MAX + 16], num[32];
	const cJSON *c;
	size_t i, len;

	if (!cJSON_IsObject(entry))
		return prov_err(err, errlen, "afw#%s: not an object", id);
	if ((dup = prov_json_dup_key(entry)) != NULL)
		return prov_err(err, errlen, "afw#%s.%.*s: duplicate key", id,
		    PROV_KEY_MAX, dup);
	for (c = entry->child; c != NULL; c = c->next) {
		enum prov_field f = prov_field_by_store_name(c->string);

		snprintf(path, sizeof(path), "afw#%s.%.*s", id, PROV_KEY_MAX,
		    c->string);
		for (i = 0; i < sizeof(entry_fields) / sizeof(entry_fields[0]);
		    i++)
			if (entry_fields[i] == f)
				break;
		if (f == PROV_F_NONE ||
		    i == sizeof(entry_fields) / sizeof(entry_fields[0]))
			return prov_err(err, errlen, "%s: unknown key", path);
		if (prov_json_value_text(c, prov_field_kind(f), path, num,
		    sizeof(num), &text, &len, err, errlen) != 0 ||
		    prov_parse_set(ps, f, path, text, len, err, errlen) != 0)
			return -1;
	}
	return 0;
}

int
prov_from_tokendir_text(const char *buf, size_t len, const char *afw,
    const char *code, const struct prov_defaults *defs,
    struct prov_request *req, char *err, size_t errlen)
{
	struct prov_parse ps;
	const cJSON *entry;
	const char *dup;
	cJSON *root;
	int rc;

	prov_parse_begin(&ps, req, defs, PROV_SRC_TOKEN);
	if (parse_afw(afw, req, err, errlen) != 0 ||
	    check_code(code, err, errlen) != 0) {
		prov_parse_abort(&ps);
		return -1;
	}
	root = prov_json_parse(buf, len, PROV_TOKENDIR_MAX, 2, "tokendir", err,
	    errlen);
	if (root == NULL) {
		prov_parse_abort(&ps);
		return -1;
	}
	if ((dup = prov_json_dup_key(root)) != NULL) {
		prov_err(err, errlen, "tokendir: duplicate entry afw#%.*s",
		    PROV_KEY_MAX, dup);
		rc = -1;
	} else if ((entry = cJSON_GetObjectItemCaseSensitive(root,
	    req->token_id)) == NULL) {
		prov_err(err, errlen, "token: afw#%s is not in the token "
		    "directory", req->token_id);
		rc = -1;
	} else
		rc = apply_entry(&ps, entry, err, errlen);
	prov_json_delete(root);
	if (rc == 0)
		rc = prov_parse_set(&ps, PROV_F_TOKEN, "code", code,
		    strlen(code), err, errlen);
	if (rc != 0) {
		prov_parse_abort(&ps);
		return -1;
	}
	return prov_parse_finish(&ps, err, errlen);
}

int
prov_from_token(const char *tokendir_path, const char *afw,
    const char *code, const struct prov_defaults *defs,
    struct prov_request *req, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	prov_request_clear(req);
	if (prov_file_read(tokendir_path, PROV_TOKENDIR_MAX, &buf, &len, err,
	    errlen) != 0)
		return -1;
	rc = prov_from_tokendir_text(buf, len, afw, code, defs, req, err,
	    errlen);
	prov_secret_free(buf, len);
	return rc;
}
