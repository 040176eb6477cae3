/*
 * netmsg_lwm2m.c - the LwM2M binding's messages between wardend's parent
 * and its network process (netmsg.h, docs/privsep.md): the strict decoder
 * of their fields, which netmsg_parse() calls, and the encoder of
 * LWM2M_STATE. Bounds: the store's Security and Server texts, the
 * policy engine's, the facts', the Compliance object's own and the
 * applications HAL's (object 9).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/netmsg.h"
#include "agent/transport/netmsg_int.h"

/* A string of the characters in set only. */
static const char *
get_chars(struct netmsg_rd *r, const char *what, size_t max, bool optional,
    const char *set)
{
	const char *s = netmsg_get_str(r, what, max, optional, false);

	if (s != NULL && strspn(s, set) != strlen(s)) {
		netmsg_fail(r, "%s: a character outside [%s]", what, set);
		return NULL;
	}
	return s;
}

#define LW_ENDPOINT_CHARS "abcdefghijklmnopqrstuvwxyz" \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:_-"
#define LW_FACT_CHARS "abcdefghijklmnopqrstuvwxyz0123456789._"
/* Package names: Debian's (lowercase, digits, "+-.") and Android's
 * ("com.example.App_2"). */
#define LW_PACKAGE_CHARS "abcdefghijklmnopqrstuvwxyz" \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_"

/* Copies an optional string into a fixed field (it fits: max < size). */
static void
copy_str(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%s", s != NULL ? s : "");
}

static void
parse_lw_start(struct netmsg_rd *r, struct netmsg *m)
{
	m->endpoint = get_chars(r, "endpoint", NETMSG_LW_ENDPOINT_MAX, false,
	    LW_ENDPOINT_CHARS);
	m->allow_nosec = netmsg_get_int(r, "allowNosec", 0, 1) == 1;
	m->security = netmsg_get_json(r, "security", NETMSG_LW_SECURITY_MAX,
	    false, true);
	m->server = netmsg_get_json(r, "server", NETMSG_LW_SERVER_MAX, false,
	    true);
	m->policy = netmsg_get_json(r, "policy", NETMSG_JSON_MAX, true, false);
}

static void
parse_lw_facts(struct netmsg_rd *r, struct netmsg_lwm2m_state *st)
{
	struct hal_fact *f;
	const char *s;
	int64_t v;
	double d;
	size_t i, n;

	n = (size_t)netmsg_get_int(r, "facts", 0, HAL_FACTS_MAX);
	for (i = 0; i < n && !r->bad; i++) {
		f = &st->facts.f[i];
		copy_str(f->name, sizeof(f->name), get_chars(r, "fact.name",
		    HAL_FACT_NAME_MAX - 1, false, LW_FACT_CHARS));
		f->type = (enum hal_fact_type)netmsg_get_int(r, "fact.type",
		    HAL_FACT_BOOL, HAL_FACT_VERSION);
		v = netmsg_get_int(r, "fact.value", INT64_MIN, INT64_MAX);
		s = netmsg_get_str(r, "fact.text", HAL_FACT_STR_MAX - 1, true,
		    true);
		if (r->bad)
			break;
		switch (f->type) {
		case HAL_FACT_BOOL:
			if (v != 0 && v != 1)
				netmsg_fail(r, "fact.value: %lld for a boolean",
				    (long long)v);
			f->b = v == 1;
			break;
		case HAL_FACT_INT64:
			f->i = v;
			break;
		case HAL_FACT_DOUBLE:
			memcpy(&d, &v, sizeof(d));
			if (!isfinite(d))
				netmsg_fail(r, "fact.value: not a finite "
				    "number");
			f->d = d;
			break;
		default:
			break;
		}
		if (f->type >= HAL_FACT_STRING && s == NULL)
			netmsg_fail(r, "fact.text: missing for %s", f->name);
		else if (f->type < HAL_FACT_STRING && s != NULL)
			netmsg_fail(r, "fact.text: given for %s", f->name);
		copy_str(f->s, sizeof(f->s), s);
	}
	st->facts.n = r->bad ? 0 : n;
}

/* Object 9's applications: sorted by name, each once; a version only
 * for an installed one. */
static void
parse_lw_apps(struct netmsg_rd *r, struct netmsg_lwm2m_state *st)
{
	struct hal_app *a;
	const char *s;
	size_t i, n;

	n = (size_t)netmsg_get_int(r, "apps", 0, NETMSG_LW_APPS_MAX);
	for (i = 0; i < n && !r->bad; i++) {
		a = &st->apps[i];
		copy_str(a->package, sizeof(a->package), get_chars(r,
		    "app.package", HAL_APP_PACKAGE_MAX - 1, false,
		    LW_PACKAGE_CHARS));
		s = netmsg_get_str(r, "app.version", HAL_APP_VERSION_MAX - 1,
		    true, false);
		a->installed = netmsg_get_int(r, "app.installed", 0, 1) == 1;
		a->blocked = netmsg_get_int(r, "app.blocked", 0, 1) == 1;
		if (r->bad)
			break;
		if (a->installed != (s != NULL))
			netmsg_fail(r, "app.version: %s for %s %s",
			    s != NULL ? "given" : "missing",
			    a->installed ? "installed" : "absent", a->package);
		else if (i > 0 && strcmp(st->apps[i - 1].package,
		    a->package) >= 0)
			netmsg_fail(r, "app.package: %s out of order or "
			    "repeated", a->package);
		copy_str(a->version, sizeof(a->version), s);
	}
	st->napps = r->bad ? 0 : n;
}

static void
parse_lw_state(struct netmsg_rd *r, struct netmsg *m)
{
	struct netmsg_lwm2m_state *st;
	struct netmsg_lwm2m_detail *x;
	size_t i, n;

	if ((st = m->state = calloc(1, sizeof(*st))) == NULL) {
		netmsg_fail(r, "state: out of memory");
		return;
	}
	copy_str(st->mode, sizeof(st->mode), netmsg_get_id(r, "mode", 31,
	    false));
	copy_str(st->manufacturer, sizeof(st->manufacturer), netmsg_get_str(r,
	    "manufacturer", NETMSG_LW_TEXT_MAX, true, false));
	copy_str(st->model, sizeof(st->model), netmsg_get_str(r, "model",
	    NETMSG_LW_TEXT_MAX, true, false));
	copy_str(st->serial, sizeof(st->serial), netmsg_get_str(r, "serial",
	    NETMSG_LW_TEXT_MAX, true, false));
	parse_lw_facts(r, st);
	st->valid = netmsg_get_int(r, "valid", 0, 1) == 1;
	copy_str(st->verdict, sizeof(st->verdict), get_chars(r, "verdict",
	    sizeof(st->verdict) - 1, true, LW_ENDPOINT_CHARS));
	st->compliant = netmsg_get_int(r, "compliant", 0, 1) == 1;
	st->policy_version = netmsg_get_int(r, "policyVersion", 0, INT64_MAX);
	st->changed_at = netmsg_get_int(r, "changedAt", 0,
	    INT64_C(253402300799));
	copy_str(st->posture, sizeof(st->posture), get_chars(r, "posture",
	    sizeof(st->posture) - 1, true, LW_ENDPOINT_CHARS));
	n = (size_t)netmsg_get_int(r, "details", 0, 128);
	for (i = 0; i < n && !r->bad; i++) {
		x = &st->detail[i];
		copy_str(x->setting, sizeof(x->setting), netmsg_get_str(r,
		    "detail.setting", sizeof(x->setting) - 1, false, false));
		copy_str(x->field_path, sizeof(x->field_path), netmsg_get_str(r,
		    "detail.fieldPath", sizeof(x->field_path) - 1, true,
		    false));
		copy_str(x->reason, sizeof(x->reason), netmsg_get_id(r,
		    "detail.reason", sizeof(x->reason) - 1, false));
		copy_str(x->specific, sizeof(x->specific), netmsg_get_id(r,
		    "detail.specific", sizeof(x->specific) - 1, true));
		copy_str(x->current, sizeof(x->current), netmsg_get_str(r,
		    "detail.current", sizeof(x->current) - 1, true, true));
	}
	st->ndetails = r->bad ? 0 : n;
	if (!r->bad && !st->valid && (n > 0 || st->verdict[0] != '\0'))
		netmsg_fail(r, "valid: 0 with an evaluation");
	parse_lw_apps(r, st);
}

void
netmsg_parse_lwm2m(struct netmsg_rd *r, struct netmsg *m)
{
	switch (m->type) {
	case NETMSG_LWM2M_START:
		parse_lw_start(r, m);
		break;
	case NETMSG_LWM2M_STATE:
		parse_lw_state(r, m);
		break;
	case NETMSG_LWM2M_APPLIED:
		m->lw_status = (int)netmsg_get_int(r, "status", -1, 0);
		m->lw_why = netmsg_get_str(r, "errors", NETMSG_LW_ERRORS_MAX,
		    true, true);
		if (!r->bad && (m->lw_status == 0) != (m->lw_why == NULL))
			netmsg_fail(r, "errors: %s with status %d",
			    m->lw_why != NULL ? "given" : "missing",
			    m->lw_status);
		break;
	case NETMSG_LWM2M_DONE:
		m->lw_rc = (int)netmsg_get_int(r, "rc", -4095, 0);
		break;
	case NETMSG_LWM2M_APPLY_POLICY:
		m->policy = netmsg_get_json(r, "policy", NETMSG_JSON_MAX, false,
		    false);
		break;
	case NETMSG_LWM2M_REBOOT:
		m->lw_why = netmsg_get_str(r, "why", NETMSG_LW_TEXT_MAX, false,
		    false);
		break;
	case NETMSG_LWM2M_WIPE:
		m->profile = netmsg_get_int(r, "profile", 0, 1) == 1;
		m->lw_why = netmsg_get_str(r, "why", NETMSG_LW_TEXT_MAX, false,
		    false);
		break;
	case NETMSG_LWM2M_LOCK:
		m->profile = netmsg_get_int(r, "profile", 0, 1) == 1;
		break;
	case NETMSG_LWM2M_SAVE:
		m->security = netmsg_get_json(r, "security",
		    NETMSG_LW_SECURITY_MAX, false, true);
		m->server = netmsg_get_json(r, "server", NETMSG_LW_SERVER_MAX,
		    false, true);
		break;
	case NETMSG_LWM2M_REGISTERED:
		m->uri = netmsg_get_str(r, "uri", NETMSG_LW_URI_MAX, false,
		    false);
		m->location = netmsg_get_str(r, "location",
		    NETMSG_LW_LOCATION_MAX, false, false);
		break;
	case NETMSG_LWM2M_STATUS:
		m->lw_why = netmsg_get_str(r, "why", NETMSG_LW_WHY_MAX, true,
		    false);
		m->contact = netmsg_get_int(r, "contact", 0, 1) == 1;
		m->location = netmsg_get_str(r, "location",
		    NETMSG_LW_LOCATION_MAX, true, false);
		m->observations = netmsg_get_int(r, "observations", 0,
		    NETMSG_LW_OBSERVATIONS_MAX);
		break;
	case NETMSG_LWM2M_APP:
		m->app_remove = netmsg_get_int(r, "remove", 0, 1) == 1;
		m->package = get_chars(r, "package", HAL_APP_PACKAGE_MAX - 1,
		    false, LW_PACKAGE_CHARS);
		break;
	case NETMSG_LWM2M_OS_UPDATE:
		m->uri = netmsg_get_str(r, "uri", HAL_OS_UPDATE_URI_MAX, false,
		    false);
		if (m->uri != NULL && strncmp(m->uri, "http://", 7) != 0 &&
		    strncmp(m->uri, "https://", 8) != 0)
			netmsg_fail(r, "uri: not http:// or https://");
		else if (m->uri != NULL && strchr(m->uri, ' ') != NULL)
			netmsg_fail(r, "uri: a space");
		break;
	default:	/* STOP, STOPPED: no fields */
		break;
	}
}

static const char *
or_null(const char *s)
{
	return s[0] != '\0' ? s : NULL;
}

void
netmsg_put_lwm2m_state(struct netmsg_buf *b,
    const struct netmsg_lwm2m_state *st)
{
	const struct hal_fact *f;
	const struct netmsg_lwm2m_detail *x;
	int64_t v;
	size_t i;

	netmsg_begin(b, NETMSG_LWM2M_STATE, 0, 0);
	netmsg_put_str(b, st->mode);
	netmsg_put_str(b, or_null(st->manufacturer));
	netmsg_put_str(b, or_null(st->model));
	netmsg_put_str(b, or_null(st->serial));
	netmsg_put_int(b, (int64_t)st->facts.n);
	for (i = 0; i < st->facts.n; i++) {
		f = &st->facts.f[i];
		netmsg_put_str(b, f->name);
		netmsg_put_int(b, f->type);
		v = 0;
		if (f->type == HAL_FACT_BOOL)
			v = f->b;
		else if (f->type == HAL_FACT_INT64)
			v = f->i;
		else if (f->type == HAL_FACT_DOUBLE)
			memcpy(&v, &f->d, sizeof(v));
		netmsg_put_int(b, v);
		netmsg_put_str(b, f->type >= HAL_FACT_STRING ? f->s : NULL);
	}
	netmsg_put_int(b, st->valid);
	netmsg_put_str(b, or_null(st->verdict));
	netmsg_put_int(b, st->compliant);
	netmsg_put_int(b, st->policy_version);
	netmsg_put_int(b, st->changed_at);
	netmsg_put_str(b, or_null(st->posture));
	netmsg_put_int(b, (int64_t)st->ndetails);
	for (i = 0; i < st->ndetails; i++) {
		x = &st->detail[i];
		netmsg_put_str(b, x->setting);
		netmsg_put_str(b, or_null(x->field_path));
		netmsg_put_str(b, x->reason);
		netmsg_put_str(b, or_null(x->specific));
		netmsg_put_str(b, or_null(x->current));
	}
	netmsg_put_int(b, (int64_t)st->napps);
	for (i = 0; i < st->napps; i++) {
		netmsg_put_str(b, st->apps[i].package);
		netmsg_put_str(b, st->apps[i].installed ? st->apps[i].version :
		    NULL);
		netmsg_put_int(b, st->apps[i].installed);
		netmsg_put_int(b, st->apps[i].blocked);
	}
	netmsg_end(b);
}
