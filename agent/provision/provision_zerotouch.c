/*
 * provision_zerotouch.c - the zero-touch configuration baked into the
 * image (or fetched at first boot): a JSON object with warden's keys at
 * the top level and Android's Wi-Fi, locale and time zone keys beside
 * them.
 */
#include <cjson/cJSON.h>

#include "agent/provision/provision.h"

int
prov_from_zerotouch_text(const char *buf, size_t len,
    const struct prov_defaults *defs, struct prov_request *req, char *err,
    size_t errlen)
{
	struct prov_parse ps;
	cJSON *root;
	int rc;

	prov_parse_begin(&ps, req, defs, PROV_SRC_ZEROTOUCH);
	root = prov_json_parse(buf, len, PROV_ZEROTOUCH_MAX, 2, "zerotouch",
	    err, errlen);
	if (root == NULL) {
		prov_parse_abort(&ps);
		return -1;
	}
	rc = prov_json_apply(&ps, root, true, err, errlen);
	prov_json_delete(root);
	if (rc != 0) {
		prov_parse_abort(&ps);
		return -1;
	}
	return prov_parse_finish(&ps, err, errlen);
}

int
prov_from_zerotouch(const char *path, const struct prov_defaults *defs,
    struct prov_request *req, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	prov_request_clear(req);
	if (prov_file_read(path, PROV_ZEROTOUCH_MAX, &buf, &len, err,
	    errlen) != 0)
		return -1;
	rc = prov_from_zerotouch_text(buf, len, defs, req, err, errlen);
	prov_secret_free(buf, len);
	return rc;
}
