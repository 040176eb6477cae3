/*
 * lwm2m_policy.c - the policy document warden's policy objects (Passcode
 * Policy, Device Restrictions, Management Mode) show and edit: the
 * server's AMAPI policy in force. A write edits a copy; the copy becomes
 * current only when the host (the policy engine) has validated, stored
 * and started enforcing it, so a rejected write changes nothing. Each
 * accepted write is a new policy version.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"

int
lwm2m_policy_load(struct lwm2m_objects *objs, const char *json)
{
	cJSON *doc = NULL;

	if (json != NULL && json[0] != '\0')
		doc = cJSON_Parse(json);
	if (doc != NULL && !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		doc = NULL;
	}
	/* A stored policy that no longer parses is replaced by the
	 * server's next write. */
	if (doc == NULL && (doc = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_Delete(objs->policy);
	objs->policy = doc;
	return 0;
}

void
lwm2m_policy_free(struct lwm2m_objects *objs)
{
	cJSON_Delete(objs->policy);
	objs->policy = NULL;
}

const struct cJSON *
lwm2m_policy_doc(struct lwm2m_objects *objs)
{
	return objs->policy;
}

struct cJSON *
lwm2m_policy_edit(struct lwm2m_objects *objs)
{
	return cJSON_Duplicate(objs->policy, 1);
}

int
lwm2m_policy_commit(struct lwm2m_objects *objs, struct cJSON *doc,
    char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(objs->policy,
	    "version");
	double version = cJSON_IsNumber(v) ? v->valuedouble : 0;
	char *text;
	int rc;

	if (version < 0 || version >= 9007199254740991.0)
		version = 0;
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "version");
	if (cJSON_AddNumberToObject(doc, "version", version + 1) == NULL ||
	    (cJSON_GetObjectItemCaseSensitive(doc, "name") == NULL &&
	    cJSON_AddStringToObject(doc, "name", "lwm2m") == NULL) ||
	    (text = cJSON_PrintUnformatted(doc)) == NULL) {
		cJSON_Delete(doc);
		snprintf(err, errlen, "out of memory");
		return 500;
	}
	rc = objs->host->apply_policy(objs->host->arg, text, err, errlen);
	free(text);
	if (rc != 0) {
		cJSON_Delete(doc);
		return 400;
	}
	cJSON_Delete(objs->policy);
	objs->policy = doc;
	return 204;
}

const char *
lwm2m_pol_str(const struct cJSON *o, const char *key, const char *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : def;
}

int64_t
lwm2m_pol_int(const struct cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	const char *s;
	int64_t n = 0;

	if (cJSON_IsNumber(v))
		return (int64_t)v->valuedouble;
	if (!cJSON_IsString(v))
		return 0;
	for (s = v->valuestring; *s >= '0' && *s <= '9'; s++) {
		if (n > (INT64_MAX - 9) / 10)
			return 0;
		n = n * 10 + (*s - '0');
	}
	/* a Duration's "s" ends it, anything else makes it unreadable */
	return *s == '\0' || (s[0] == 's' && s[1] == '\0') ? n : 0;
}

bool
lwm2m_pol_bool(const struct cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

int
lwm2m_pol_set_str(struct cJSON *o, const char *key, const char *v, size_t len)
{
	char *copy;
	cJSON *item;

	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	if (len == 0)
		return 0;
	if ((copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, v, len);
	copy[len] = '\0';
	item = cJSON_AddStringToObject(o, key, copy);
	free(copy);
	return item != NULL ? 0 : -1;
}

int
lwm2m_pol_set_int(struct cJSON *o, const char *key, int64_t v)
{
	char num[24];

	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	/* beyond 2^53 a double would round: AMAPI sends those as text */
	if (v > 9007199254740991LL || v < -9007199254740991LL) {
		snprintf(num, sizeof(num), "%lld", (long long)v);
		return cJSON_AddStringToObject(o, key, num) != NULL ? 0 : -1;
	}
	return cJSON_AddNumberToObject(o, key, (double)v) != NULL ? 0 : -1;
}

int
lwm2m_pol_set_bool(struct cJSON *o, const char *key, bool v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	return cJSON_AddBoolToObject(o, key, v) != NULL ? 0 : -1;
}

struct cJSON *
lwm2m_pol_object(struct cJSON *o, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (cJSON_IsObject(v))
		return v;
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	return cJSON_AddObjectToObject(o, key);
}
