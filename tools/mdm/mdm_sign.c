/*
 * mdm_sign.c - the signature of a queued command (docs/protocol/
 * README.md, "Signed commands"): the admin CLI signs a command when it
 * queues it, so that what the device runs is what the admin asked for,
 * whatever happens to the command between the database and the device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mdm/mdm.h"

int
mdm_command_sign(struct crypto_rng *rng, const struct crypto_eckey *key,
    const struct mdm_command *c, int64_t lifetime, char **out, char *err,
    size_t errlen)
{
	cJSON *claims, *params;
	char *text;
	int rc;

	*out = NULL;
	params = cJSON_Parse(c->params != NULL ? c->params : "{}");
	if ((claims = cJSON_CreateObject()) == NULL || params == NULL ||
	    cJSON_AddStringToObject(claims, "deviceId", c->device) == NULL ||
	    cJSON_AddStringToObject(claims, "id", c->id) == NULL ||
	    cJSON_AddStringToObject(claims, "type", c->type) == NULL ||
	    !cJSON_AddItemToObject(claims, "params", params)) {
		cJSON_Delete(params);
		cJSON_Delete(claims);
		snprintf(err, errlen, "signature: out of memory");
		return -1;
	}
	if (cJSON_AddNumberToObject(claims, "createTime",
	    (double)c->created) == NULL ||
	    cJSON_AddNumberToObject(claims, "expireTime", (double)(c->created +
	    (lifetime > 0 ? lifetime : c->duration))) == NULL ||
	    (text = mdm_json_print(claims)) == NULL) {
		cJSON_Delete(claims);
		snprintf(err, errlen, "signature: out of memory");
		return -1;
	}
	cJSON_Delete(claims);
	rc = crypto_jws_sign_typ(rng, key, MDM_COMMAND_TYP, NULL, text,
	    strlen(text), out, err, errlen);
	/* A RESET_PASSWORD's claims hold the new passcode. */
	crypto_free_secret(text, strlen(text));
	if (rc == 0 && strlen(*out) > MDM_SIGNATURE_MAX) {
		snprintf(err, errlen, "signature: longer than %d bytes (params "
		    "too large for a signed command)", MDM_SIGNATURE_MAX);
		free(*out);
		*out = NULL;
		return -1;
	}
	return rc;
}
