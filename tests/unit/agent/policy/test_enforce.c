/*
 * Tests agent/policy/enforce.c against a fake HAL backend defined here: every
 * op call is logged as text, and any op can be made to return an errno.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "agent/policy/enforce.h"
#include "profiles/policy.h"
#include "profiles/policy_settings.h"
#include "profiles/presets.h"

/* ---- the fake backend ---------------------------------------------- */

#define LOG_MAX 64

static char calls[LOG_MAX][160];
static size_t ncalls;

/* Op names ("camera.set_allowed") made to fail, with their errno. */
static struct {
	const char *op;
	int rc;
} faults[8];
static size_t nfaults;

static void
reset_fake(void)
{
	ncalls = 0;
	nfaults = 0;
}

static void
inject(const char *op, int rc)
{
	faults[nfaults].op = op;
	faults[nfaults].rc = rc;
	nfaults++;
}

static int
logged(const char *op, const char *fmt, ...)
{
	va_list ap;
	size_t i;
	int n;

	assert_true(ncalls < LOG_MAX);
	n = snprintf(calls[ncalls], sizeof(calls[0]), "%s(", op);
	va_start(ap, fmt);
	vsnprintf(calls[ncalls] + n, sizeof(calls[0]) - (size_t)n, fmt, ap);
	va_end(ap);
	strcat(calls[ncalls], ")");
	ncalls++;
	for (i = 0; i < nfaults; i++)
		if (strcmp(faults[i].op, op) == 0)
			return faults[i].rc;
	return 0;
}

static int
f_passcode_apply(void *ctx, const struct hal_passcode_policy *p)
{
	(void)ctx;
	return logged("passcode.apply", "scope=%d,quality=%d,len=%d,lock=%"
	    PRId64, p->scope, p->quality, p->min_length,
	    p->max_time_to_lock_ms);
}

static int
f_passcode_status(void *ctx, struct hal_passcode_status *st)
{
	(void)ctx;
	memset(st, 0, sizeof(*st));
	return 0;
}

static int
f_camera_set(void *ctx, bool allowed)
{
	(void)ctx;
	return logged("camera.set_allowed", "%s", allowed ? "true" : "false");
}

static int
f_camera_get(void *ctx, bool *allowed)
{
	(void)ctx;
	*allowed = true;
	return 0;
}

static int
f_screen_capture(void *ctx, bool allowed)
{
	(void)ctx;
	return logged("restrict.set_screen_capture", "%s",
	    allowed ? "true" : "false");
}

static int
f_usb(void *ctx, bool allowed)
{
	(void)ctx;
	return logged("restrict.set_usb_data", "%s",
	    allowed ? "true" : "false");
}

static int
f_keyguard(void *ctx, uint32_t mask)
{
	(void)ctx;
	return logged("restrict.set_keyguard_features", "0x%" PRIx32, mask);
}

static int
f_factory_reset(void *ctx, bool allowed)
{
	(void)ctx;
	return logged("restrict.set_factory_reset_allowed", "%s",
	    allowed ? "true" : "false");
}

static int
f_kiosk_enter(void *ctx, const char *app)
{
	(void)ctx;
	return logged("kiosk.enter", "%s", app);
}

static int
f_kiosk_exit(void *ctx)
{
	(void)ctx;
	return logged("kiosk.exit", "%s", "");
}

static int
f_kiosk_status(void *ctx, char *app, size_t len)
{
	(void)ctx;
	snprintf(app, len, "%s", "");
	return 0;
}

static int
f_wifi(void *ctx, const struct hal_wifi *w)
{
	(void)ctx;
	return logged("network.apply_wifi", "%s,%s,%s", w->ssid, w->security,
	    w->password);
}

static int
f_profile_create(void *ctx)
{
	(void)ctx;
	return logged("profile.create", "%s", "");
}

static int
f_profile_remove(void *ctx)
{
	(void)ctx;
	return logged("profile.remove", "%s", "");
}

static int
f_profile_status(void *ctx, bool *exists)
{
	(void)ctx;
	*exists = true;
	return 0;
}

static const struct hal_passcode_ops fake_passcode = {
	.apply = f_passcode_apply,
	.status = f_passcode_status,
};
static const struct hal_camera_ops fake_camera = {
	.set_allowed = f_camera_set,
	.get_allowed = f_camera_get,
};
static const struct hal_restrict_ops fake_restrict = {
	.set_screen_capture = f_screen_capture,
	.set_usb_data = f_usb,
	.set_keyguard_features = f_keyguard,
	.set_factory_reset_allowed = f_factory_reset,
};
/* Like a backend that cannot block USB data. */
static const struct hal_restrict_ops fake_restrict_no_usb = {
	.set_screen_capture = f_screen_capture,
	.set_keyguard_features = f_keyguard,
	.set_factory_reset_allowed = f_factory_reset,
};
static const struct hal_kiosk_ops fake_kiosk = {
	.enter = f_kiosk_enter,
	.exit = f_kiosk_exit,
	.status = f_kiosk_status,
};
static const struct hal_network_ops fake_network = {
	.apply_wifi = f_wifi,
};
static const struct hal_profile_ops fake_profile = {
	.create = f_profile_create,
	.remove = f_profile_remove,
	.status = f_profile_status,
};

static const struct hal_backend fake_backend = {
	.name = "fake",
	.passcode = &fake_passcode,
	.camera = &fake_camera,
	.restrict_ = &fake_restrict,
	.kiosk = &fake_kiosk,
	.network = &fake_network,
	.profile = &fake_profile,
};

static const struct hal_backend fake_backend_no_usb = {
	.name = "fake-no-usb",
	.passcode = &fake_passcode,
	.camera = &fake_camera,
	.restrict_ = &fake_restrict_no_usb,
};

static struct hal fake = { &fake_backend, NULL };

/* An apps subsystem that logs and holds one installed package. */
static int
f_app_install(void *ctx, const char *pkg, const char *minv)
{
	(void)ctx;
	return logged("apps.install", "%s,%s", pkg, minv);
}

static int
f_app_remove(void *ctx, const char *pkg)
{
	(void)ctx;
	return logged("apps.remove", "%s", pkg);
}

static int
f_app_block(void *ctx, const char *pkg, bool blocked)
{
	(void)ctx;
	return logged("apps.set_blocked", "%s,%d", pkg, blocked);
}

static int
f_app_list(void *ctx, struct hal_app **out, size_t *n)
{
	(void)ctx;
	*out = NULL;
	*n = 0;
	return 0;
}

static const struct hal_apps_ops fake_apps = {
	.installer = "fake",
	.install = f_app_install,
	.remove = f_app_remove,
	.set_blocked = f_app_block,
	.list = f_app_list,
};
static const struct hal_backend fake_backend_apps = {
	.name = "fake-apps",
	.apps = &fake_apps,
};

/* ---- helpers ---------------------------------------------------------- */

/* The wanted settings of json (named "admin") in mode m, baseline-free. */
static void
wanted_of(const char *json, enum policy_mode m, struct policy_settings *s)
{
	struct policy_errors errs;
	struct policy_details d;
	struct policy *p = policy_parse(json, strlen(json), &errs);

	assert_non_null(p);
	memset(s, 0, sizeof(*s));
	memset(&d, 0, sizeof(d));
	assert_int_equal(policy_settings_build(p, m, s, &d), 0);
	policy_details_free(&d);
	policy_free(p);
}

/* The store's record of setting w with the given status. */
static void
record(struct enforce_applied *r, const struct policy_setting *w,
    enum enforce_status st)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->key, sizeof(r->key), "%s", w->key);
	snprintf(r->field_path, sizeof(r->field_path), "%s", w->field_path);
	snprintf(r->value, sizeof(r->value), "%s", w->value);
	snprintf(r->source, sizeof(r->source), "%s", w->source);
	r->status = st;
}

/* Records for every wanted setting, all applied. */
static size_t
all_applied(const struct policy_settings *s, struct enforce_applied *r)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		record(&r[i], &s->s[i], ENFORCE_APPLIED);
	return s->n;
}

static const char *policy_json =
    "{\"openNetworkConfiguration\":{\"NetworkConfigurations\":[{"
    "\"GUID\":\"g1\",\"Type\":\"WiFi\",\"WiFi\":{\"SSID\":\"Depot\","
    "\"Security\":\"WPA-PSK\",\"Passphrase\":\"s3cret-pass\"}}]},"
    "\"passwordPolicies\":[{\"passwordScope\":\"SCOPE_DEVICE\","
    "\"passwordQuality\":\"NUMERIC_COMPLEX\",\"passwordMinimumLength\":6}],"
    "\"maximumTimeToLock\":300000,"
    "\"cameraAccess\":\"CAMERA_ACCESS_DISABLED\","
    "\"screenCaptureDisabled\":true,"
    "\"usbDataAccess\":\"DISALLOW_USB_DATA_TRANSFER\","
    "\"keyguardDisabledFeatures\":[\"CAMERA\",\"TRUST_AGENTS\"],"
    "\"factoryResetDisabled\":true,"
    "\"applications\":[{\"packageName\":\"pos\",\"installType\":\"KIOSK\","
    "\"command\":\"/usr/bin/pos --kiosk\"},{\"packageName\":\"mail\"}]}";

/* ---- journal ---------------------------------------------------------- */

struct journal {
	char lines[LOG_MAX][200];
	size_t n;
};

static void
journal_cb(void *arg, const struct enforce_result *res, bool done)
{
	struct journal *j = arg;

	assert_true(j->n < LOG_MAX);
	snprintf(j->lines[j->n++], sizeof(j->lines[0]), "%s %s %s",
	    done ? "done" : "begin", res->key,
	    enforce_status_name(res->status));
}

/* ---- tests ------------------------------------------------------------ */

static void
status_names(void **state)
{
	static const char *const names[] = {
		"applied", "pending", "failed", "unsupported",
	};
	enum enforce_status st;
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_string_equal(enforce_status_name(i), names[i]);
		assert_int_equal(enforce_status_parse(names[i], &st), 0);
		assert_int_equal(st, i);
	}
	assert_int_equal(enforce_status_parse("Applied", &st), -1);
	assert_string_equal(enforce_status_name(9), "?");
}

static void
first_apply_everything(void **state)
{
	static const char *const expect[] = {
		"network.apply_wifi(Depot,WPA,s3cret-pass)",
		"passcode.apply(scope=0,quality=3,len=6,lock=300000)",
		"passcode.apply(scope=0,quality=3,len=6,lock=300000)",
		"camera.set_allowed(false)",
		"restrict.set_screen_capture(false)",
		"restrict.set_usb_data(false)",
		"restrict.set_keyguard_features(0x9)",
		"restrict.set_factory_reset_allowed(false)",
		"kiosk.enter(/usr/bin/pos --kiosk)",
	};
	struct policy_settings want;
	struct enforce_plan plan;
	struct enforce_result res[16];
	struct journal j;
	size_t i, bad;

	(void)state;
	reset_fake();
	wanted_of(policy_json, POLICY_MODE_DEDICATED, &want);
	assert_int_equal(want.n, 10);
	assert_int_equal(enforce_plan(&want, NULL, 0, 0, &plan), 0);
	assert_int_equal(plan.n, 10);
	memset(&j, 0, sizeof(j));
	bad = enforce_run(&fake, &plan, res, journal_cb, &j);
	/* applications[mail] has no HAL operation. */
	assert_int_equal(bad, 1);
	assert_int_equal(ncalls, sizeof(expect) / sizeof(expect[0]));
	for (i = 0; i < ncalls; i++)
		assert_string_equal(calls[i], expect[i]);
	for (i = 0; i < 9; i++) {
		assert_string_equal(res[i].key, want.s[i].key);
		assert_string_equal(res[i].value, want.s[i].value);
		assert_int_equal(res[i].status, ENFORCE_APPLIED);
		assert_string_equal(res[i].reason, "");
		assert_false(res[i].remove);
	}
	assert_string_equal(res[9].key, "applications[mail]");
	assert_int_equal(res[9].status, ENFORCE_UNSUPPORTED);
	assert_string_equal(res[9].reason, "UNSUPPORTED: the HAL backend "
	    "has no apps subsystem (apps.set_blocked)");
	/* The journal saw each step begin pending, then end. */
	assert_int_equal(j.n, 20);
	assert_string_equal(j.lines[0],
	    "begin openNetworkConfiguration[g1] pending");
	assert_string_equal(j.lines[1],
	    "done openNetworkConfiguration[g1] applied");
	assert_string_equal(j.lines[18], "begin applications[mail] pending");
	assert_string_equal(j.lines[19],
	    "done applications[mail] unsupported");
	enforce_plan_free(&plan);
	policy_settings_free(&want);
}

static void
only_the_difference(void **state)
{
	struct policy_settings old, want;
	struct enforce_applied rec[16];
	struct enforce_plan plan;
	struct enforce_result res[16];
	size_t n;

	(void)state;
	reset_fake();
	wanted_of(policy_json, POLICY_MODE_DEDICATED, &old);
	n = all_applied(&old, rec);
	rec[9].status = ENFORCE_UNSUPPORTED;	/* as a run would leave it */
	/* Nothing changed: nothing to do. */
	assert_int_equal(enforce_plan(&old, rec, n, 0, &plan), 0);
	assert_int_equal(plan.n, 0);
	enforce_plan_free(&plan);

	/* Only the camera changes. */
	wanted_of("{\"openNetworkConfiguration\":{\"NetworkConfigurations\":[{"
	    "\"GUID\":\"g1\",\"Type\":\"WiFi\",\"WiFi\":{\"SSID\":\"Depot\","
	    "\"Security\":\"WPA-PSK\",\"Passphrase\":\"s3cret-pass\"}}]},"
	    "\"passwordPolicies\":[{\"passwordScope\":\"SCOPE_DEVICE\","
	    "\"passwordQuality\":\"NUMERIC_COMPLEX\","
	    "\"passwordMinimumLength\":6}],"
	    "\"maximumTimeToLock\":\"300000\","
	    "\"cameraAccess\":\"CAMERA_ACCESS_USER_CHOICE\","
	    "\"screenCaptureDisabled\":true,"
	    "\"usbDataAccess\":\"DISALLOW_USB_DATA_TRANSFER\","
	    "\"keyguardDisabledFeatures\":[\"TRUST_AGENTS\",\"CAMERA\"],"
	    "\"factoryResetDisabled\":true,"
	    "\"applications\":[{\"packageName\":\"mail\"},"
	    "{\"packageName\":\"pos\",\"installType\":\"KIOSK\","
	    "\"command\":\"/usr/bin/pos --kiosk\"}]}",
	    POLICY_MODE_DEDICATED, &want);
	assert_int_equal(enforce_plan(&want, rec, n, 0, &plan), 0);
	assert_int_equal(plan.n, 1);
	assert_int_equal(plan.steps[0].action, ENFORCE_APPLY);
	assert_string_equal(plan.steps[0].want->key, "cameraAccess");
	assert_ptr_equal(plan.steps[0].had, &rec[3]);
	assert_int_equal(enforce_run(&fake, &plan, res, NULL, NULL), 0);
	assert_int_equal(ncalls, 1);
	assert_string_equal(calls[0], "camera.set_allowed(true)");
	assert_string_equal(res[0].value, "CAMERA_ACCESS_USER_CHOICE");
	enforce_plan_free(&plan);

	/* A new Wi-Fi passphrase changes that network's value only. */
	policy_settings_free(&want);
	wanted_of("{\"openNetworkConfiguration\":{\"NetworkConfigurations\":[{"
	    "\"GUID\":\"g1\",\"Type\":\"WiFi\",\"WiFi\":{\"SSID\":\"Depot\","
	    "\"Security\":\"WPA-PSK\",\"Passphrase\":\"n3w-secret\"}}]}}",
	    POLICY_MODE_DEDICATED, &want);
	assert_int_equal(enforce_plan(&want, rec, 1, 0, &plan), 0);
	assert_int_equal(plan.n, 1);
	assert_string_equal(plan.steps[0].want->key,
	    "openNetworkConfiguration[g1]");
	enforce_plan_free(&plan);
	policy_settings_free(&want);
	policy_settings_free(&old);
}

static void
pending_and_failed_are_retried(void **state)
{
	struct policy_settings want;
	struct enforce_applied rec[16];
	struct enforce_plan plan;
	size_t n;

	(void)state;
	wanted_of(policy_json, POLICY_MODE_DEDICATED, &want);
	n = all_applied(&want, rec);
	rec[1].status = ENFORCE_PENDING;	/* cut by a power loss */
	rec[3].status = ENFORCE_FAILED;
	rec[5].status = ENFORCE_UNSUPPORTED;	/* not retried */
	assert_int_equal(enforce_plan(&want, rec, n, 0, &plan), 0);
	assert_int_equal(plan.n, 2);
	assert_string_equal(plan.steps[0].want->key,
	    "passwordPolicies[SCOPE_DEVICE]");
	assert_string_equal(plan.steps[1].want->key, "cameraAccess");
	enforce_plan_free(&plan);
	/* After a boot, everything again. */
	assert_int_equal(enforce_plan(&want, rec, n, ENFORCE_FORCE, &plan), 0);
	assert_int_equal(plan.n, want.n);
	enforce_plan_free(&plan);
	policy_settings_free(&want);
}

static void
failure_does_not_stop_the_rest(void **state)
{
	struct policy_settings want;
	struct enforce_plan plan;
	struct enforce_result res[16];

	(void)state;
	reset_fake();
	inject("camera.set_allowed", -EIO);
	inject("kiosk.enter", -ENOENT);
	inject("restrict.set_keyguard_features", -EBUSY);
	wanted_of(policy_json, POLICY_MODE_DEDICATED, &want);
	assert_int_equal(enforce_plan(&want, NULL, 0, 0, &plan), 0);
	/* camera failed, keyguard pending, kiosk failed, mail unsupported */
	assert_int_equal(enforce_run(&fake, &plan, res, NULL, NULL), 4);
	assert_int_equal(ncalls, 9);
	assert_int_equal(res[3].status, ENFORCE_FAILED);
	assert_string_equal(res[3].reason,
	    "camera.set_allowed: Input/output error");
	assert_int_equal(res[4].status, ENFORCE_APPLIED);
	assert_int_equal(res[5].status, ENFORCE_APPLIED);
	assert_int_equal(res[6].status, ENFORCE_PENDING);
	assert_string_equal(res[6].reason, "restrict.set_keyguard_features: "
	    "Device or resource busy; retried later");
	assert_int_equal(res[7].status, ENFORCE_APPLIED);
	assert_int_equal(res[8].status, ENFORCE_FAILED);
	assert_string_equal(res[8].reason,
	    "kiosk.enter: No such file or directory");
	enforce_plan_free(&plan);
	policy_settings_free(&want);
}

static void
missing_ops_are_unsupported(void **state)
{
	struct hal h = { &fake_backend_no_usb, NULL };
	struct policy_settings want;
	struct enforce_plan plan;
	struct enforce_result res[16];
	size_t i;

	(void)state;
	reset_fake();
	wanted_of(policy_json, POLICY_MODE_DEDICATED, &want);
	assert_int_equal(enforce_plan(&want, NULL, 0, 0, &plan), 0);
	assert_int_equal(enforce_run(&h, &plan, res, NULL, NULL), 4);
	/* No network, no usb op, no kiosk: -ENOSYS from the wrappers. */
	assert_int_equal(res[0].status, ENFORCE_UNSUPPORTED);
	assert_string_equal(res[0].reason,
	    "the HAL backend does not implement network.apply_wifi");
	assert_int_equal(res[5].status, ENFORCE_UNSUPPORTED);
	assert_string_equal(res[5].reason,
	    "the HAL backend does not implement restrict.set_usb_data");
	assert_int_equal(res[8].status, ENFORCE_UNSUPPORTED);
	for (i = 0; i < ncalls; i++)
		assert_null(strstr(calls[i], "usb"));
	/* An op that answers -EOPNOTSUPP is unsupported too. */
	reset_fake();
	inject("restrict.set_screen_capture", -EOPNOTSUPP);
	enforce_step_run(&fake, &plan.steps[4], &res[0]);
	assert_int_equal(res[0].status, ENFORCE_UNSUPPORTED);
	enforce_plan_free(&plan);
	policy_settings_free(&want);
}

/*
 * A revert restores how warden found the device: the witness fact read
 * before the first apply is kept in the record (prior), a camera blocked
 * before the policy is blocked again, a kiosk found running stays.
 */
static void
reverts_restore_prior_state(void **state)
{
	struct policy_settings want, none;
	struct enforce_applied rec[20];
	struct enforce_plan plan;
	struct enforce_result res[20];
	struct hal_facts facts;
	size_t i, n;

	(void)state;
	reset_fake();
	wanted_of("{\"cameraAccess\":\"CAMERA_ACCESS_DISABLED\","
	    "\"screenCaptureDisabled\":true,\"maximumTimeToLock\":60000}",
	    POLICY_MODE_FULLY_MANAGED, &want);
	memset(&facts, 0, sizeof(facts));
	assert_int_equal(hal_fact_bool(&facts, "camera.blocked", true), 0);
	assert_int_equal(hal_fact_bool(&facts, "screen_capture.blocked",
	    false), 0);
	/* First applies: each step with a witness takes the fact. */
	assert_int_equal(enforce_plan(&want, NULL, 0, 0, &plan), 0);
	for (i = 0; i < plan.n; i++) {
		const char *k = plan.steps[i].want->key;

		if (strcmp(k, "maximumTimeToLock") == 0) {
			assert_false(enforce_step_needs_prior(&plan.steps[i]));
			continue;
		}
		assert_true(enforce_step_needs_prior(&plan.steps[i]));
		enforce_step_set_prior(&plan.steps[i], &facts);
		enforce_step_run(&fake, &plan.steps[i], &res[i]);
		assert_string_equal(res[i].prior, strcmp(k, "cameraAccess") ==
		    0 ? "true" : "false");
	}
	/* The records carry it; a later apply keeps it. */
	n = 0;
	for (i = 0; i < want.n; i++) {
		record(&rec[n], &want.s[i], ENFORCE_APPLIED);
		if (strcmp(want.s[i].key, "cameraAccess") == 0)
			snprintf(rec[n].prior, sizeof(rec[n].prior), "true");
		else if (strcmp(want.s[i].key, "screenCaptureDisabled") == 0)
			snprintf(rec[n].prior, sizeof(rec[n].prior), "false");
		n++;
	}
	snprintf(rec[n].key, sizeof(rec[0].key), POLICY_KIOSK_KEY);
	snprintf(rec[n].value, sizeof(rec[0].value), "packageName=\"k\"");
	snprintf(rec[n].prior, sizeof(rec[0].prior), "true");
	rec[n++].status = ENFORCE_APPLIED;
	enforce_plan_free(&plan);
	assert_int_equal(enforce_plan(&want, rec, n, ENFORCE_FORCE, &plan),
	    0);
	for (i = 0; i < plan.n; i++)
		assert_false(enforce_step_needs_prior(&plan.steps[i]));
	enforce_plan_free(&plan);

	/* Everything reverted. */
	reset_fake();
	memset(&none, 0, sizeof(none));
	assert_int_equal(enforce_plan(&none, rec, n, 0, &plan), 0);
	assert_int_equal(plan.n, n);
	enforce_run(&fake, &plan, res, NULL, NULL);
	for (i = 0; i < plan.n; i++) {
		assert_true(res[i].remove);
		if (strcmp(res[i].key, POLICY_KIOSK_KEY) == 0)
			assert_non_null(strstr(res[i].reason, "before"));
	}
	{
		static const char *const expect[] = {
			"passcode.apply(scope=0,quality=0,len=0,lock=0)",
			"camera.set_allowed(false)",
			"restrict.set_screen_capture(true)",
		};

		assert_int_equal(ncalls, sizeof(expect) / sizeof(expect[0]));
		for (i = 0; i < ncalls; i++)
			assert_string_equal(calls[i], expect[i]);
	}
	enforce_plan_free(&plan);
	policy_settings_free(&want);
}


static void
reverts(void **state)
{
	struct policy_settings old, want;
	struct enforce_applied rec[20];
	struct enforce_plan plan;
	struct enforce_result res[20];
	size_t n, i;

	(void)state;
	reset_fake();
	wanted_of(policy_json, POLICY_MODE_COPE, &old);
	/* COPE: workProfile + wifi + passcode + lock + restrictions + mail */
	n = all_applied(&old, rec);
	snprintf(rec[n].key, sizeof(rec[0].key), "legacySetting");
	snprintf(rec[n].value, sizeof(rec[0].value), "x");
	rec[n++].status = ENFORCE_APPLIED;
	snprintf(rec[n].key, sizeof(rec[0].key), POLICY_KIOSK_KEY);
	snprintf(rec[n].value, sizeof(rec[0].value), "packageName=\"k\"");
	rec[n++].status = ENFORCE_APPLIED;
	/* A setting the HAL never took is dropped without a HAL call. */
	for (i = 0; i < n; i++)
		if (strcmp(rec[i].key, "usbDataAccess") == 0)
			rec[i].status = ENFORCE_UNSUPPORTED;

	/* The new policy keeps only the lock timeout. */
	wanted_of("{\"maximumTimeToLock\":60000}", POLICY_MODE_FULLY_MANAGED,
	    &want);
	assert_int_equal(enforce_plan(&want, rec, n, 0, &plan), 0);
	assert_int_equal(plan.n, n);
	for (i = 0; i + 1 < plan.n; i++)
		assert_int_equal(plan.steps[i].action, ENFORCE_REVERT);
	assert_int_equal(plan.steps[plan.n - 1].action, ENFORCE_APPLY);
	inject("restrict.set_factory_reset_allowed", -EPERM);
	enforce_run(&fake, &plan, res, NULL, NULL);
	for (i = 0; i < plan.n; i++) {
		const char *k = res[i].key;

		if (strcmp(k, "workProfile") == 0) {
			assert_true(res[i].remove);
			assert_non_null(strstr(res[i].reason, "WIPE"));
		} else if (strcmp(k, "openNetworkConfiguration[g1]") == 0) {
			assert_true(res[i].remove);
			assert_non_null(strstr(res[i].reason,
			    "cannot remove networks"));
		} else if (strcmp(k, "factoryResetDisabled") == 0) {
			/* A failed revert keeps its record to retry. */
			assert_false(res[i].remove);
			assert_int_equal(res[i].status, ENFORCE_FAILED);
			assert_string_equal(res[i].value, "true");
		} else if (strcmp(k, "maximumTimeToLock") == 0) {
			assert_int_equal(plan.steps[i].action, ENFORCE_APPLY);
			assert_false(res[i].remove);
		} else
			assert_true(res[i].remove);
	}
	/* Undone: camera, screen capture, keyguard, factory reset, kiosk;
	 * the passcode revert keeps what maximumTimeToLock still asks. */
	{
		static const char *const expect[] = {
			"passcode.apply(scope=0,quality=0,len=0,lock=60000)",
			"camera.set_allowed(true)",
			"restrict.set_screen_capture(true)",
			"restrict.set_keyguard_features(0x0)",
			"restrict.set_factory_reset_allowed(true)",
			"kiosk.exit()",
			"passcode.apply(scope=0,quality=0,len=0,lock=60000)",
		};

		assert_int_equal(ncalls, sizeof(expect) / sizeof(expect[0]));
		for (i = 0; i < ncalls; i++)
			assert_string_equal(calls[i], expect[i]);
	}
	enforce_plan_free(&plan);
	policy_settings_free(&want);
	policy_settings_free(&old);
}

static void
pending_record(void **state)
{
	struct policy_settings want;
	struct enforce_applied rec;
	struct enforce_plan plan;
	struct enforce_result res;

	(void)state;
	wanted_of("{\"cameraAccess\":\"CAMERA_ACCESS_DISABLED\"}",
	    POLICY_MODE_FULLY_MANAGED, &want);
	assert_int_equal(enforce_plan(&want, NULL, 0, 0, &plan), 0);
	enforce_step_pending(&plan.steps[0], &res);
	assert_string_equal(res.key, "cameraAccess");
	assert_string_equal(res.field_path, "cameraAccess");
	assert_string_equal(res.value, "CAMERA_ACCESS_DISABLED");
	assert_string_equal(res.source, "policy");
	assert_int_equal(res.status, ENFORCE_PENDING);
	assert_string_equal(res.reason, "applying");
	enforce_plan_free(&plan);
	memset(&rec, 0, sizeof(rec));
	snprintf(rec.key, sizeof(rec.key), "screenCaptureDisabled");
	snprintf(rec.value, sizeof(rec.value), "true");
	assert_int_equal(enforce_plan(&want, &rec, 1, 0, &plan), 0);
	assert_int_equal(plan.steps[0].action, ENFORCE_REVERT);
	enforce_step_pending(&plan.steps[0], &res);
	assert_string_equal(res.key, "screenCaptureDisabled");
	assert_string_equal(res.value, "true");
	assert_string_equal(res.reason, "reverting");
	enforce_plan_free(&plan);
	policy_settings_free(&want);
}

static void
drift(void **state)
{
	struct policy_settings want;
	struct enforce_applied rec[16];
	struct enforce_drift d[16];
	struct hal_facts facts;
	size_t n, i, camera = 0, kiosk = 0;

	(void)state;
	wanted_of(policy_json, POLICY_MODE_DEDICATED, &want);
	n = all_applied(&want, rec);
	for (i = 0; i < n; i++) {
		if (strcmp(rec[i].key, "cameraAccess") == 0)
			camera = i;
		if (strcmp(rec[i].key, POLICY_KIOSK_KEY) == 0)
			kiosk = i;
	}
	memset(&facts, 0, sizeof(facts));
	/* All as applied: no drift. */
	assert_int_equal(hal_fact_bool(&facts, "camera.blocked", true), 0);
	assert_int_equal(hal_fact_bool(&facts, "screen_capture.blocked", true),
	    0);
	assert_int_equal(hal_fact_bool(&facts, "kiosk.active", true), 0);
	assert_int_equal(enforce_verify(&want, rec, n, &facts, d, 16), 0);

	/* A camera was hot-plugged and the kiosk app quit. */
	memset(&facts, 0, sizeof(facts));
	hal_fact_bool(&facts, "camera.blocked", false);
	hal_fact_bool(&facts, "screen_capture.blocked", true);
	hal_fact_bool(&facts, "usb.data_blocked", true);
	hal_fact_bool(&facts, "kiosk.active", false);
	assert_int_equal(enforce_verify(&want, rec, n, &facts, d, 16), 2);
	assert_int_equal(d[0].applied, camera);
	assert_string_equal(d[0].reason,
	    "camera.blocked is false, expected true");
	assert_int_equal(d[1].applied, kiosk);
	assert_string_equal(d[1].reason, "kiosk.active is false, expected true");
	assert_int_equal(enforce_verify(&want, rec, n, &facts, d, 1), 1);

	/* Marked pending, the next plan re-applies exactly those. */
	{
		struct enforce_plan plan;

		rec[camera].status = ENFORCE_PENDING;
		rec[kiosk].status = ENFORCE_PENDING;
		assert_int_equal(enforce_plan(&want, rec, n, 0, &plan), 0);
		assert_int_equal(plan.n, 2);
		assert_string_equal(plan.steps[0].want->key, "cameraAccess");
		assert_string_equal(plan.steps[1].want->key, POLICY_KIOSK_KEY);
		enforce_plan_free(&plan);
	}
	/* Records not applied, or with another value, are not judged. */
	assert_int_equal(enforce_verify(&want, rec, n, &facts, d, 16), 0);
	rec[camera].status = ENFORCE_APPLIED;
	snprintf(rec[camera].value, sizeof(rec[0].value),
	    "CAMERA_ACCESS_USER_CHOICE");
	assert_int_equal(enforce_verify(&want, rec, n, &facts, d, 16), 0);
	/* A fact of another type or an absent fact proves nothing. */
	memset(&facts, 0, sizeof(facts));
	hal_fact_int(&facts, "kiosk.active", 0);
	rec[kiosk].status = ENFORCE_APPLIED;
	assert_int_equal(enforce_verify(&want, rec, n, &facts, d, 16), 0);
	policy_settings_free(&want);

	/* The work profile vanished. */
	wanted_of("{}", POLICY_MODE_BYOD, &want);
	n = all_applied(&want, rec);
	memset(&facts, 0, sizeof(facts));
	hal_fact_bool(&facts, "profile.exists", false);
	assert_int_equal(enforce_verify(&want, rec, n, &facts, d, 16), 1);
	assert_string_equal(d[0].reason,
	    "profile.exists is false, expected true");
	policy_settings_free(&want);
}

/* applications[]: each installType's ops, AMAPI's reasons, drift. */
static void
apps(void **state)
{
	struct hal h = { &fake_backend_apps, NULL };
	struct policy_settings want;
	struct enforce_applied rec[8];
	struct enforce_plan plan;
	struct enforce_result res[8];
	struct enforce_drift d[8];
	struct hal_app inv[3];
	enum rules_reason why;
	size_t n;

	(void)state;
	reset_fake();
	wanted_of("{\"applications\":[{\"packageName\":\"mail\","
	    "\"installType\":\"FORCE_INSTALLED\",\"minimumVersionCode\":"
	    "2003001},{\"packageName\":\"game\",\"installType\":"
	    "\"BLOCKED\"},{\"packageName\":\"maps\",\"installType\":"
	    "\"AVAILABLE\"},{\"packageName\":\"chat\",\"installType\":"
	    "\"CUSTOM\"}]}", POLICY_MODE_FULLY_MANAGED, &want);
	inject("apps.install", -ENOENT);
	assert_int_equal(enforce_plan(&want, NULL, 0, 0, &plan), 0);
	assert_int_equal(plan.n, 4);
	assert_int_equal(enforce_run(&h, &plan, res, NULL, NULL), 2);
	assert_int_equal(ncalls, 4);
	assert_string_equal(calls[0], "apps.set_blocked(mail,0)");
	assert_string_equal(calls[1], "apps.install(mail,2.3.1)");
	assert_string_equal(calls[2], "apps.set_blocked(game,1)");
	assert_string_equal(calls[3], "apps.set_blocked(maps,0)");
	assert_int_equal(res[0].status, ENFORCE_FAILED);
	assert_string_equal(res[0].reason, "APP_NOT_INSTALLED: apps.install "
	    "mail: No such file or directory (NOT_FOUND)");
	assert_true(enforce_reason_amapi(res[0].reason, &why));
	assert_int_equal(why, RULES_REASON_APP_NOT_INSTALLED);
	assert_int_equal(res[1].status, ENFORCE_APPLIED);
	assert_int_equal(res[3].status, ENFORCE_UNSUPPORTED);
	assert_non_null(strstr(res[3].reason, "CUSTOM"));
	enforce_plan_free(&plan);

	/* Sources too old: APP_NOT_UPDATED. */
	reset_fake();
	inject("apps.install", -ERANGE);
	assert_int_equal(enforce_plan(&want, NULL, 0, 0, &plan), 0);
	enforce_run(&h, &plan, res, NULL, NULL);
	assert_true(enforce_reason_amapi(res[0].reason, &why));
	assert_int_equal(why, RULES_REASON_APP_NOT_UPDATED);
	enforce_plan_free(&plan);
	assert_false(enforce_reason_amapi("camera.set_allowed: I/O", &why));

	/* Drift: mail removed by hand, then too old; game reinstalled. */
	n = all_applied(&want, rec);
	memset(inv, 0, sizeof(inv));
	snprintf(inv[0].package, sizeof(inv[0].package), "game");
	snprintf(inv[0].version, sizeof(inv[0].version), "1.0");
	inv[0].installed = true;
	assert_int_equal(enforce_verify_apps(&want, rec, n, inv, 1, d, 8), 2);
	assert_string_equal(d[0].reason, "package mail is no longer "
	    "installed");
	assert_string_equal(d[1].reason, "blocked package game is installed "
	    "(1.0)");
	inv[0].installed = false;
	inv[0].blocked = true;
	snprintf(inv[1].package, sizeof(inv[1].package), "mail");
	snprintf(inv[1].version, sizeof(inv[1].version), "1:2.2.9-1");
	inv[1].installed = true;
	assert_int_equal(enforce_verify_apps(&want, rec, n, inv, 2, d, 8), 1);
	assert_non_null(strstr(d[0].reason, "below minimumVersionCode"));
	snprintf(inv[1].version, sizeof(inv[1].version), "2.3.1-1");
	assert_int_equal(enforce_verify_apps(&want, rec, n, inv, 2, d, 8), 0);

	/* No longer wanted: a block is lifted, an install is left alone. */
	reset_fake();
	policy_settings_free(&want);
	memset(&want, 0, sizeof(want));
	assert_int_equal(enforce_plan(&want, rec, 2, 0, &plan), 0);
	assert_int_equal(plan.n, 2);
	enforce_run(&h, &plan, res, NULL, NULL);
	assert_int_equal(ncalls, 1);
	assert_string_equal(calls[0], "apps.set_blocked(game,0)");
	assert_true(res[0].remove);
	assert_string_equal(res[0].reason, "the package is left as it is");
	assert_true(res[1].remove);
	enforce_plan_free(&plan);
}

/* The versionCode of Debian versions and back. */
static void
version_codes(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(hal_app_version_code("2.3.1-1"), 2003001);
	assert_int_equal(hal_app_version_code("1:2.36-9+deb12u4"), 2036000);
	assert_int_equal(hal_app_version_code("12"), 12000000);
	assert_int_equal(hal_app_version_code("1.2.3.4"), 1002003);
	assert_int_equal(hal_app_version_code("2024.10.5"), 999010005);
	assert_int_equal(hal_app_version_code("abc"), 0);
	assert_int_equal(hal_app_version_code(""), 0);
	assert_int_equal(hal_app_version_code("1.x"), 1000000);
	hal_app_version_from_code(2003001, buf, sizeof(buf));
	assert_string_equal(buf, "2.3.1");
	hal_app_version_from_code(4000000, buf, sizeof(buf));
	assert_string_equal(buf, "4.0.0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_names),
		cmocka_unit_test(first_apply_everything),
		cmocka_unit_test(only_the_difference),
		cmocka_unit_test(pending_and_failed_are_retried),
		cmocka_unit_test(failure_does_not_stop_the_rest),
		cmocka_unit_test(missing_ops_are_unsupported),
		cmocka_unit_test(reverts),
		cmocka_unit_test(reverts_restore_prior_state),
		cmocka_unit_test(pending_record),
		cmocka_unit_test(drift),
		cmocka_unit_test(apps),
		cmocka_unit_test(version_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
