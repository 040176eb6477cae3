/*
 * merge.c - several policies into one, the most restrictive value
 * winning per setting (docs/policy.md, "Merge"), with the sources that won
 * recorded so that a report can say which policy asked for what.
 *
 * The inputs are folded one after the other into the result; a value only
 * replaces the one already there when it is strictly more restrictive, so
 * on a tie the earlier input wins.
 */
#include <stdlib.h>
#include <string.h>

#include "profiles/policy.h"

/* Larger wins; 0 ("no requirement") never wins over a requirement. */
static bool
take_max(int *acc, int in)
{
	if (in > *acc) {
		*acc = in;
		return true;
	}
	return false;
}

/* Smallest non-zero wins (0 means "none"), for counts like wipe-after. */
static bool
take_min_nonzero64(int64_t *acc, int64_t in)
{
	if (in > 0 && (*acc == 0 || in < *acc)) {
		*acc = in;
		return true;
	}
	return false;
}

void
policy_password_merge(struct policy_password *acc,
    const struct policy_password *in, uint32_t in_src)
{
	bool won = false;
	int64_t failed;

	if (!in->present)
		return;
	if (!acc->present) {
		*acc = *in;
		acc->src = in_src;
		return;
	}
	/* The fieldPath follows the entry whose quality wins. */
	if (policy_quality_rank(in->quality) >
	    policy_quality_rank(acc->quality)) {
		acc->quality = in->quality;
		acc->index = in->index;
		acc->biometric_weak = in->biometric_weak;
		acc->from_requirements = in->from_requirements;
		won = true;
	}
	won |= take_max(&acc->min_length, in->min_length);
	won |= take_max(&acc->min_letters, in->min_letters);
	won |= take_max(&acc->min_lower, in->min_lower);
	won |= take_max(&acc->min_upper, in->min_upper);
	won |= take_max(&acc->min_nonletter, in->min_nonletter);
	won |= take_max(&acc->min_numeric, in->min_numeric);
	won |= take_max(&acc->min_symbols, in->min_symbols);
	won |= take_max(&acc->history_length, in->history_length);
	failed = acc->max_failed_for_wipe;
	if (take_min_nonzero64(&failed, in->max_failed_for_wipe)) {
		acc->max_failed_for_wipe = (int)failed;
		won = true;
	}
	won |= take_min_nonzero64(&acc->expiration_seconds,
	    in->expiration_seconds);
	if (won)
		acc->src |= in_src;
}

/* -1 absent < 0 no limit < any limit, and a shorter limit wins. */
static bool
lock_more_restrictive(int64_t in, int64_t acc)
{
	if (in < 0)
		return false;
	if (acc < 0)
		return true;
	if (in == 0)
		return false;
	return acc == 0 || in < acc;
}

static struct policy_app *
find_app(struct policy *p, const char *package)
{
	size_t i;

	for (i = 0; i < p->napps; i++)
		if (strcmp(p->apps[i].package, package) == 0)
			return &p->apps[i];
	return NULL;
}

static bool
has_net(const struct policy *p, const char *guid)
{
	size_t i;

	for (i = 0; i < p->nnets; i++)
		if (strcmp(p->nets[i].guid, guid) == 0)
			return true;
	return false;
}

static struct policy_rule *
find_rule(struct policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].setting_name, name) == 0)
			return &p->rules[i];
	return NULL;
}

static void
merge_apps(struct policy *out, const struct policy *in, size_t shift)
{
	size_t i;

	for (i = 0; i < in->napps; i++) {
		const struct policy_app *a = &in->apps[i];
		struct policy_app *have = find_app(out, a->package);

		/* installType is declared in merge rank order. */
		if (have == NULL)
			have = &out->apps[out->napps++];
		else if (a->install_type == have->install_type &&
		    a->min_version_code > have->min_version_code) {
			/* Same type: the higher version floor wins. */
			have->min_version_code = a->min_version_code;
			have->src |= a->src << shift;
			continue;
		} else if (a->install_type <= have->install_type)
			continue;
		*have = *a;
		have->src = a->src << shift;
	}
}

static void
merge_kiosk(struct policy *out, const struct policy *in, size_t shift)
{
	struct policy_kiosk_custom *k = &out->kiosk;
	const struct policy_kiosk_custom *n = &in->kiosk;
	bool won = false;

	if (!in->kiosk_custom_present)
		return;
	if (!out->kiosk_custom_present) {
		out->kiosk = in->kiosk;
		out->kiosk_custom_present = true;
		out->src[POLICY_F_KIOSK_CUSTOM] =
		    in->src[POLICY_F_KIOSK_CUSTOM] << shift;
		return;
	}
	if (n->power_button > k->power_button) {
		k->power_button = n->power_button;
		won = true;
	}
	if (n->error_warnings > k->error_warnings) {
		k->error_warnings = n->error_warnings;
		won = true;
	}
	if (n->navigation > k->navigation) {
		k->navigation = n->navigation;
		won = true;
	}
	if (n->status_bar > k->status_bar) {
		k->status_bar = n->status_bar;
		won = true;
	}
	if (n->device_settings > k->device_settings) {
		k->device_settings = n->device_settings;
		won = true;
	}
	if (won)
		out->src[POLICY_F_KIOSK_CUSTOM] |=
		    in->src[POLICY_F_KIOSK_CUSTOM] << shift;
}

/* Networks have no order of restrictiveness: the first GUID wins. */
static void
merge_nets(struct policy *out, const struct policy *in, size_t shift)
{
	size_t i;

	for (i = 0; i < in->nnets; i++) {
		if (has_net(out, in->nets[i].guid))
			continue;
		out->nets[out->nnets] = in->nets[i];
		out->nets[out->nnets].src = in->nets[i].src << shift;
		out->nnets++;
	}
}

static void
merge_rules(struct policy *out, const struct policy *in, size_t shift)
{
	size_t i;

	for (i = 0; i < in->nrules; i++) {
		const struct policy_rule *r = &in->rules[i];
		struct policy_rule *have = find_rule(out, r->setting_name);
		bool won = false;

		if (have == NULL) {
			have = &out->rules[out->nrules++];
			*have = *r;
			have->src = r->src << shift;
			continue;
		}
		if (r->block_after_days >= 0 && (have->block_after_days < 0 ||
		    r->block_after_days < have->block_after_days ||
		    (r->block_after_days == have->block_after_days &&
		    r->block_scope > have->block_scope))) {
			have->block_after_days = r->block_after_days;
			have->block_scope = r->block_scope;
			won = true;
		}
		if (r->wipe_after_days >= 0 && (have->wipe_after_days < 0 ||
		    r->wipe_after_days < have->wipe_after_days)) {
			have->wipe_after_days = r->wipe_after_days;
			have->preserve_frp = r->preserve_frp;
			won = true;
		}
		if (won)
			have->src |= r->src << shift;
	}
}

static bool
take_tristate(enum policy_tristate *acc, enum policy_tristate in)
{
	if (in > *acc) {
		*acc = in;
		return true;
	}
	return false;
}

static void
merge_reporting(struct policy *out, const struct policy *in, size_t shift)
{
	struct policy_reporting *r = &out->reporting;
	const struct policy_reporting *n = &in->reporting;
	bool won = false;

	if (!in->reporting_present)
		return;
	out->reporting_present = true;
	won |= take_tristate(&r->software_info, n->software_info);
	won |= take_tristate(&r->hardware_status, n->hardware_status);
	won |= take_tristate(&r->memory_info, n->memory_info);
	won |= take_tristate(&r->network_info, n->network_info);
	won |= take_tristate(&r->power_events, n->power_events);
	won |= take_tristate(&r->device_settings, n->device_settings);
	won |= take_tristate(&r->application_reports,
	    n->application_reports);
	if (n->scan_interval_seconds > 0 && (r->scan_interval_seconds == 0 ||
	    n->scan_interval_seconds < r->scan_interval_seconds)) {
		r->scan_interval_seconds = n->scan_interval_seconds;
		won = true;
	}
	if (won)
		out->src[POLICY_F_REPORTING] |=
		    in->src[POLICY_F_REPORTING] << shift;
}

static void
merge_unsupported(struct policy *out, const struct policy *in, size_t shift)
{
	size_t i, j;

	out->unsupported_dropped += in->unsupported_dropped;
	for (i = 0; i < in->nunsupported; i++) {
		const struct policy_unsupported *u = &in->unsupported[i];

		for (j = 0; j < out->nunsupported; j++)
			if (strcmp(out->unsupported[j].field_path,
			    u->field_path) == 0)
				break;
		if (j < out->nunsupported) {
			out->unsupported[j].src |= u->src << shift;
			continue;
		}
		if (out->nunsupported >= POLICY_UNSUPPORTED_MAX) {
			out->unsupported_dropped++;
			continue;
		}
		out->unsupported[out->nunsupported] = *u;
		out->unsupported[out->nunsupported].src = u->src << shift;
		out->nunsupported++;
	}
}

/* Scalar top-level fields; CREDIT(f) records the input as f's winner. */
static void
merge_scalars(struct policy *out, const struct policy *in, size_t shift)
{
#define CREDIT(f) (out->src[f] = in->src[f] << shift)
	if (lock_more_restrictive(in->max_time_to_lock_ms,
	    out->max_time_to_lock_ms)) {
		out->max_time_to_lock_ms = in->max_time_to_lock_ms;
		CREDIT(POLICY_F_MAX_TIME_TO_LOCK);
	}
	if (in->camera > out->camera) {
		out->camera = in->camera;
		out->camera_from_deprecated = in->camera_from_deprecated;
		CREDIT(POLICY_F_CAMERA);
	}
	if (in->keyguard_present) {
		if (!out->keyguard_present)
			CREDIT(POLICY_F_KEYGUARD);
		else if (in->keyguard_disabled & ~out->keyguard_disabled)
			out->src[POLICY_F_KEYGUARD] |=
			    in->src[POLICY_F_KEYGUARD] << shift;
		out->keyguard_disabled |= in->keyguard_disabled;
		out->keyguard_present = true;
	}
	if (take_tristate(&out->screen_capture_disabled,
	    in->screen_capture_disabled))
		CREDIT(POLICY_F_SCREEN_CAPTURE);
	if (in->usb > out->usb) {
		out->usb = in->usb;
		CREDIT(POLICY_F_USB);
	}
	if (take_tristate(&out->factory_reset_disabled,
	    in->factory_reset_disabled))
		CREDIT(POLICY_F_FACTORY_RESET);
	if (in->encryption > out->encryption) {
		out->encryption = in->encryption;
		CREDIT(POLICY_F_ENCRYPTION);
	}
	if (in->min_os_version[0] != '\0' && (out->min_os_version[0] == '\0' ||
	    policy_version_cmp(in->min_os_version, out->min_os_version) > 0)) {
		memcpy(out->min_os_version, in->min_os_version,
		    sizeof(out->min_os_version));
		CREDIT(POLICY_F_MIN_API);
	}
	if (in->version > out->version) {
		out->version = in->version;
		CREDIT(POLICY_F_VERSION);
	}
#undef CREDIT
}

static int
alloc_arrays(struct policy *out, const struct policy *const *in, size_t n)
{
	size_t i, apps = 0, nets = 0, rules = 0;

	for (i = 0; i < n; i++) {
		apps += in[i]->napps;
		nets += in[i]->nnets;
		rules += in[i]->nrules;
	}
	if ((apps > 0 && (out->apps = calloc(apps, sizeof(*out->apps))) ==
	    NULL) ||
	    (nets > 0 && (out->nets = calloc(nets, sizeof(*out->nets))) ==
	    NULL) ||
	    (rules > 0 && (out->rules = calloc(rules, sizeof(*out->rules))) ==
	    NULL) ||
	    (out->unsupported = calloc(POLICY_UNSUPPORTED_MAX,
	    sizeof(*out->unsupported))) == NULL)
		return -1;
	return 0;
}

struct policy *
policy_merge(const struct policy *const *in, size_t n)
{
	struct policy *out;
	size_t i, s, shift, total = 0;

	if (n == 0)
		return NULL;
	for (i = 0; i < n; i++)
		total += in[i]->nsources;
	if (total > POLICY_SOURCES_MAX)
		return NULL;
	if ((out = policy_new()) == NULL)
		return NULL;
	if (alloc_arrays(out, in, n) != 0) {
		policy_free(out);
		return NULL;
	}
	out->nsources = 0;
	for (i = 0; i < n; i++) {
		const struct policy *p = in[i];

		shift = out->nsources;
		for (s = 0; s < p->nsources; s++)
			memcpy(out->sources[out->nsources++], p->sources[s],
			    sizeof(out->sources[0]));
		for (s = 0; s < POLICY_SCOPE_COUNT; s++)
			policy_password_merge(&out->pw[s], &p->pw[s],
			    p->pw[s].src << shift);
		merge_scalars(out, p, shift);
		merge_apps(out, p, shift);
		merge_kiosk(out, p, shift);
		merge_nets(out, p, shift);
		merge_rules(out, p, shift);
		merge_reporting(out, p, shift);
		merge_unsupported(out, p, shift);
	}
	/* Per-entry masks decide; the field masks are their union. */
	out->src[POLICY_F_PASSWORD_POLICIES] = 0;
	for (s = 0; s < POLICY_SCOPE_COUNT; s++)
		out->src[POLICY_F_PASSWORD_POLICIES] |= out->pw[s].src;
	out->src[POLICY_F_APPLICATIONS] = 0;
	for (i = 0; i < out->napps; i++)
		out->src[POLICY_F_APPLICATIONS] |= out->apps[i].src;
	out->src[POLICY_F_ONC] = 0;
	for (i = 0; i < out->nnets; i++)
		out->src[POLICY_F_ONC] |= out->nets[i].src;
	out->src[POLICY_F_RULES] = 0;
	for (i = 0; i < out->nrules; i++)
		out->src[POLICY_F_RULES] |= out->rules[i].src;
	return out;
}
