/*
 * policy.c - a policy document and its top-level fields: policy_parse(),
 * policy_parse_file(), policy_free() and the helpers on struct policy.
 *
 * The document goes through three gates before any field is read: the
 * byte scan (size, depth, UTF-8: policy_scan.c), cJSON, and the duplicate
 * key check. Field readers then record every error they find, so that an
 * administrator sees all of a document's problems at once, and the
 * document is rejected whole if there was any.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profiles/policy_json.h"

#define KEYGUARD_ITEMS_MAX 16

void
policy_error_format(const struct policy_error *e, char *buf, size_t len)
{
	snprintf(buf, len, "%s: %s",
	    e->field_path[0] != '\0' ? e->field_path : "(document)",
	    e->reason);
}

/* ------------------------------------------------------------------ */
/* Top-level scalar fields                                              */
/* ------------------------------------------------------------------ */

static int
f_name(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;

	return policy_json_string(pj, v, 0, POLICY_NAME_MAX - 1, p->name,
	    sizeof(p->name));
}

static int
f_version(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;

	return policy_json_int64(pj, v, 0, INT64_MAX, &p->version);
}

static int
f_max_time_to_lock(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;

	return policy_json_int64(pj, v, 0, POLICY_LOCK_MS_MAX,
	    &p->max_time_to_lock_ms);
}

/*
 * cameraAccess wins over the deprecated cameraDisabled whatever their
 * order in the document (AMAPI ignores cameraDisabled once cameraAccess
 * is set to anything but UNSPECIFIED).
 */
static int
f_camera_access(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;
	int e;

	if (policy_json_enum(pj, v, policy_enum_camera, &e) != 0)
		return -1;
	if (e != POLICY_CAMERA_UNSPECIFIED) {
		p->camera = e;
		p->camera_from_deprecated = false;
	}
	return 0;
}

static int
f_camera_disabled(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;
	bool b;

	if (policy_json_bool(pj, v, &b) != 0)
		return -1;
	if (p->camera == POLICY_CAMERA_UNSPECIFIED) {
		p->camera = b ? POLICY_CAMERA_DISABLED :
		    POLICY_CAMERA_USER_CHOICE;
		p->camera_from_deprecated = true;
	}
	return 0;
}

static int
keyguard_item(struct policy_json *pj, const cJSON *v, size_t i, void *dst)
{
	struct policy *p = dst;
	int bit;

	(void)i;
	if (policy_json_enum(pj, v, policy_enum_keyguard, &bit) != 0)
		return -1;
	p->keyguard_disabled |= (uint32_t)bit;
	return 0;
}

static int
f_keyguard(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;

	p->keyguard_present = true;
	return policy_json_array(pj, v, KEYGUARD_ITEMS_MAX, keyguard_item, p);
}

static int
f_screen_capture(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;

	return policy_json_tristate(pj, v, &p->screen_capture_disabled);
}

static int
f_usb(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;
	int e;

	if (policy_json_enum(pj, v, policy_enum_usb, &e) != 0)
		return -1;
	p->usb = e;
	return 0;
}

static int
f_factory_reset(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;

	return policy_json_tristate(pj, v, &p->factory_reset_disabled);
}

static int
f_encryption(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;
	int e;

	if (policy_json_enum(pj, v, policy_enum_encryption, &e) != 0)
		return -1;
	p->encryption = e;
	return 0;
}

/* "12", "12.4", "6.1.0": 1 to 4 components of 1 to 9 digits. */
static bool
valid_version(const char *s)
{
	int comps = 0, digits = 0;

	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++digits > 9)
				return false;
		} else if (*s == '.' || *s == '\0') {
			if (digits == 0 || ++comps > 4)
				return false;
			if (*s == '\0')
				return true;
			digits = 0;
		} else
			return false;
	}
}

/*
 * minimumApiLevel: on Linux an OS version floor. An integer N means
 * version "N"; a string must be a dotted version.
 */
static int
f_min_api(struct policy_json *pj, const cJSON *v, void *dst)
{
	struct policy *p = dst;
	int n;

	if (cJSON_IsNumber(v)) {
		if (policy_json_int(pj, v, 1, 999999999, &n) != 0)
			return -1;
		snprintf(p->min_os_version, sizeof(p->min_os_version), "%d",
		    n);
		return 0;
	}
	if (!cJSON_IsString(v)) {
		policy_json_error(pj, "must be an integer or a version "
		    "string, not %s", policy_json_type(v));
		return -1;
	}
	if (strlen(v->valuestring) >= sizeof(p->min_os_version) ||
	    !valid_version(v->valuestring)) {
		policy_json_error(pj, "must be a dotted version like \"12.4\" "
		    "(1 to 4 numbers, at most %zu bytes)",
		    sizeof(p->min_os_version) - 1);
		return -1;
	}
	memcpy(p->min_os_version, v->valuestring,
	    strlen(v->valuestring) + 1);
	return 0;
}

static const struct policy_json_field top_fields[] = {
	{ "name", f_name },
	{ "version", f_version },
	{ "passwordPolicies", policy_parse_passwords },
	{ "passwordRequirements", policy_parse_password_requirements },
	{ "maximumTimeToLock", f_max_time_to_lock },
	{ "cameraAccess", f_camera_access },
	{ "cameraDisabled", f_camera_disabled },
	{ "keyguardDisabledFeatures", f_keyguard },
	{ "screenCaptureDisabled", f_screen_capture },
	{ "usbDataAccess", f_usb },
	{ "factoryResetDisabled", f_factory_reset },
	{ "encryptionPolicy", f_encryption },
	{ "minimumApiLevel", f_min_api },
	{ "applications", policy_parse_apps },
	{ "kioskCustomization", policy_parse_kiosk_custom },
	{ "openNetworkConfiguration", policy_parse_onc },
	{ "policyEnforcementRules", policy_parse_rules },
	{ "statusReportingSettings", policy_parse_reporting },
	{ NULL, NULL },
};

/* ------------------------------------------------------------------ */
/* struct policy                                                        */
/* ------------------------------------------------------------------ */

struct policy *
policy_new(void)
{
	struct policy *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->max_time_to_lock_ms = -1;
	snprintf(p->sources[0], sizeof(p->sources[0]), "policy");
	p->nsources = 1;
	return p;
}

void
policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	if (p->nets != NULL) {
		explicit_bzero(p->nets, p->nnets * sizeof(*p->nets));
		free(p->nets);
	}
	free(p->apps);
	free(p->rules);
	free(p->unsupported);
	free(p);
}

bool
policy_field_present(const struct policy *p, enum policy_field f)
{
	switch (f) {
	case POLICY_F_PASSWORD_POLICIES:
		return p->pw[POLICY_SCOPE_UNSPECIFIED].present ||
		    p->pw[POLICY_SCOPE_DEVICE].present ||
		    p->pw[POLICY_SCOPE_PROFILE].present;
	case POLICY_F_MAX_TIME_TO_LOCK:
		return p->max_time_to_lock_ms >= 0;
	case POLICY_F_CAMERA:
		return p->camera != POLICY_CAMERA_UNSPECIFIED;
	case POLICY_F_KEYGUARD:
		return p->keyguard_present;
	case POLICY_F_SCREEN_CAPTURE:
		return p->screen_capture_disabled != POLICY_UNSET;
	case POLICY_F_USB:
		return p->usb != POLICY_USB_UNSPECIFIED;
	case POLICY_F_FACTORY_RESET:
		return p->factory_reset_disabled != POLICY_UNSET;
	case POLICY_F_ENCRYPTION:
		return p->encryption != POLICY_ENCRYPTION_UNSPECIFIED;
	case POLICY_F_MIN_API:
		return p->min_os_version[0] != '\0';
	case POLICY_F_APPLICATIONS:
		return p->napps > 0;
	case POLICY_F_KIOSK_CUSTOM:
		return p->kiosk_custom_present;
	case POLICY_F_ONC:
		return p->nnets > 0;
	case POLICY_F_RULES:
		return p->nrules > 0;
	case POLICY_F_REPORTING:
		return p->reporting_present;
	case POLICY_F_VERSION:
		return p->version > 0;
	case POLICY_F_COUNT:
		break;
	}
	return false;
}

void
policy_source_names(const struct policy *p, uint32_t mask, char *buf,
    size_t len)
{
	size_t i, n = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < p->nsources && i < 32; i++) {
		int w;

		if (!(mask & (1u << i)))
			continue;
		w = snprintf(buf + n, len - n, "%s%s", n > 0 ? "," : "",
		    p->sources[i]);
		if (w < 0 || (size_t)w >= len - n)
			return;	/* cut; snprintf terminated it */
		n += (size_t)w;
	}
}

/* A parsed document is its own single source: every set value is bit 0. */
static void
mark_sources(struct policy *p)
{
	size_t i;
	int f;

	snprintf(p->sources[0], sizeof(p->sources[0]), "%s",
	    p->name[0] != '\0' ? p->name : "policy");
	p->nsources = 1;
	for (f = 0; f < POLICY_F_COUNT; f++)
		p->src[f] = policy_field_present(p, f) ? 1 : 0;
	for (i = 0; i < POLICY_SCOPE_COUNT; i++)
		p->pw[i].src = p->pw[i].present ? 1 : 0;
	for (i = 0; i < p->napps; i++)
		p->apps[i].src = 1;
	for (i = 0; i < p->nnets; i++)
		p->nets[i].src = 1;
	for (i = 0; i < p->nrules; i++)
		p->rules[i].src = 1;
}

/* A document-level error (empty fieldPath); off < 0: no byte offset. */
static void
doc_error(struct policy_errors *errs, const char *msg, long long off)
{
	if (errs->n >= POLICY_ERRORS_MAX) {
		errs->more++;
		return;
	}
	errs->e[errs->n].field_path[0] = '\0';
	if (off >= 0)
		snprintf(errs->e[errs->n].reason, sizeof(errs->e[0].reason),
		    "%s at byte %lld", msg, off);
	else
		snprintf(errs->e[errs->n].reason, sizeof(errs->e[0].reason),
		    "%s", msg);
	errs->n++;
}

static bool
json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct policy *
policy_parse(const char *buf, size_t len, struct policy_errors *errs)
{
	struct policy_json pj;
	struct policy *p = NULL;
	cJSON *root;
	const char *end = NULL;
	size_t off;

	memset(errs, 0, sizeof(*errs));
	if (policy_scan(buf, len, &errs->e[0]) != 0) {
		errs->n = 1;
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (root == NULL) {
		off = end != NULL && end >= buf && end <= buf + len ?
		    (size_t)(end - buf) : 0;
		doc_error(errs, "malformed JSON", (long long)off);
		return NULL;
	}
	for (off = (size_t)(end - buf); off < len && json_space(buf[off]);
	    off++)
		;
	if (off < len) {
		doc_error(errs, "unexpected data after the document",
		    (long long)off);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		doc_error(errs, "the document must be a JSON object", -1);
		goto out;
	}
	memset(&pj, 0, sizeof(pj));
	pj.errs = errs;
	if (policy_json_check_duplicates(&pj, root) != 0)
		goto out;
	if ((p = policy_new()) == NULL) {
		doc_error(errs, "out of memory", -1);
		goto out;
	}
	pj.p = p;
	if (policy_json_object(&pj, root, top_fields, p) != 0) {
		policy_free(p);
		p = NULL;
		goto out;
	}
	policy_password_requirements_resolve(p);
	mark_sources(p);
out:
	policy_json_wipe(root);
	cJSON_Delete(root);
	return p;
}

struct policy *
policy_parse_file(const char *path, struct policy_errors *errs)
{
	struct policy *p;
	struct stat st;
	char *buf;
	size_t n = 0;
	int fd;

	memset(errs, 0, sizeof(*errs));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0) {
		snprintf(errs->e[0].reason, sizeof(errs->e[0].reason),
		    "cannot read the policy file: %s", strerror(errno));
		errs->n = 1;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		doc_error(errs, "the policy file is not a regular file", -1);
		close(fd);
		return NULL;
	}
	if (st.st_size > POLICY_DOC_MAX) {
		snprintf(errs->e[0].reason, sizeof(errs->e[0].reason),
		    "document is %lld bytes, more than the %d allowed",
		    (long long)st.st_size, POLICY_DOC_MAX);
		errs->n = 1;
		close(fd);
		return NULL;
	}
	/* One byte more than allowed shows a file that grew meanwhile. */
	if ((buf = malloc(POLICY_DOC_MAX + 1)) == NULL) {
		close(fd);
		doc_error(errs, "out of memory", -1);
		return NULL;
	}
	while (n < POLICY_DOC_MAX + 1) {
		ssize_t r = read(fd, buf + n, POLICY_DOC_MAX + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(errs->e[0].reason, sizeof(errs->e[0].reason),
			    "cannot read the policy file: %s",
			    strerror(errno));
			errs->n = 1;
			explicit_bzero(buf, n);
			free(buf);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	p = policy_parse(buf, n, errs);
	explicit_bzero(buf, n);
	free(buf);
	return p;
}
