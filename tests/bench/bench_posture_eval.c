/*
 * bench_posture_eval.c - cost of one compliance evaluation.
 *
 * Judges a 60-fact scan of a field handheld against 20 posture rules and
 * a policy's implicit rules (passcode, encryption, OS floor, camera,
 * screen capture, USB), the way wardend does after every scan, and
 * prints the mean wall time per evaluation; then the same for building
 * the report JSON. Prints figures, asserts nothing.
 *
 * usage: bench_posture_eval [iterations]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "profiles/posture.h"
#include "agent/policy/report.h"

#define COND(f, op, t, v) \
	"{\"fact\":\"" f "\",\"operator\":\"" op "\",\"type\":\"" t \
	"\",\"value\":" v "}"
#define RULE(id, res, ...) \
	"{\"id\":\"" id "\",\"result\":\"" res "\",\"conditions\":[" \
	__VA_ARGS__ "]}"

static const char doc[] = "{\"rules\":["
    RULE("not-rooted", "DENIED", COND("integrity.rooted", "IsEquals",
	"Boolean", "true")) ","
    RULE("boot-red", "DENIED", COND("integrity.boot_state", "IsEquals",
	"String", "\"red\"")) ","
    RULE("os-floor", "NON_COMPLIANT", COND("os.version", "LessThan",
	"Version", "\"12.4\"")) ","
    RULE("kernel-floor", "NON_COMPLIANT", COND("os.kernel", "LessThan",
	"Version", "\"6.1.0-13\"")) ","
    RULE("patch-age", "NON_COMPLIANT", COND("os.security_patch",
	"LessThan", "DateTime", "\"now-P90D\"")) ","
    RULE("patch-floor", "NON_COMPLIANT", COND("os.security_patch",
	"LessThan", "DateTime", "\"2026-01-01\"")) ","
    RULE("encrypted", "NON_COMPLIANT", COND("disk.encrypted", "IsEquals",
	"Boolean", "false")) ","
    RULE("selinux", "NON_COMPLIANT", COND("integrity.selinux_enforcing",
	"IsEquals", "Boolean", "false")) ","
    RULE("secure-boot", "NON_COMPLIANT", COND("integrity.secure_boot",
	"IsEquals", "Boolean", "false")) ","
    RULE("firewall", "NON_COMPLIANT", COND("firewall.enabled", "IsEquals",
	"Boolean", "false")) ","
    RULE("time", "NON_COMPLIANT", COND("time.synced", "IsEquals",
	"Boolean", "false")) ","
    RULE("storage", "NON_COMPLIANT", COND("storage.free_bytes", "LessThan",
	"Int64", "1073741824")) ","
    RULE("memory", "NON_COMPLIANT", COND("memory.available_bytes",
	"LessThan", "Int64", "134217728")) ","
    RULE("battery", "NON_COMPLIANT", COND("battery.level", "LessThan",
	"Int64", "15") "," COND("battery.charging", "IsEquals", "Boolean",
	"false")) ","
    RULE("temperature", "NON_COMPLIANT", COND("thermal.celsius",
	"GreaterThan", "Double", "70.5")) ","
    RULE("failed-unlocks", "NON_COMPLIANT", COND("passcode.failed_attempts",
	"GreaterEquals", "Int64", "5")) ","
    RULE("usr-writable", "NON_COMPLIANT", COND("integrity.usr_writable",
	"IsEquals", "Boolean", "true")) ","
    RULE("lockdown", "NON_COMPLIANT", COND("integrity.lockdown",
	"IsEquals", "String", "\"none\"")) ","
    RULE("tainted", "NON_COMPLIANT", COND("integrity.kernel_tainted",
	"GreaterThan", "Int64", "4096")) ","
    RULE("vendor-agent", "NON_COMPLIANT", COND("vendor.agent_version",
	"LessThan", "Version", "\"3.2.0\"")) "]}";

static void
scan(struct hal_facts *fs)
{
	char name[HAL_FACT_NAME_MAX];
	int i;

	memset(fs, 0, sizeof(*fs));
	hal_fact_str(fs, HAL_FACT_STRING, "hw.manufacturer", "Warden Devices");
	hal_fact_str(fs, HAL_FACT_STRING, "hw.model", "SimHandheld 2");
	hal_fact_str(fs, HAL_FACT_STRING, "hw.serial", "SIM0000001");
	hal_fact_str(fs, HAL_FACT_STRING, "os.name", "Debian GNU/Linux");
	hal_fact_str(fs, HAL_FACT_STRING, "os.id", "debian");
	hal_fact_str(fs, HAL_FACT_VERSION, "os.version", "12.8");
	hal_fact_str(fs, HAL_FACT_VERSION, "os.kernel", "6.1.0-28-arm64");
	hal_fact_str(fs, HAL_FACT_DATETIME, "os.security_patch", "2026-10-05");
	hal_fact_bool(fs, "disk.encrypted", true);
	hal_fact_str(fs, HAL_FACT_STRING, "disk.encryption_status",
	    "ENCRYPTED");
	hal_fact_bool(fs, "integrity.rooted", false);
	hal_fact_bool(fs, "integrity.secure_boot", true);
	hal_fact_bool(fs, "integrity.selinux_enforcing", true);
	hal_fact_bool(fs, "integrity.verified_root", true);
	hal_fact_str(fs, HAL_FACT_STRING, "integrity.lockdown", "integrity");
	hal_fact_str(fs, HAL_FACT_STRING, "integrity.boot_state", "green");
	hal_fact_bool(fs, "integrity.debugger_attached", false);
	hal_fact_bool(fs, "integrity.usr_writable", false);
	hal_fact_int(fs, "integrity.kernel_tainted", 0);
	hal_fact_bool(fs, "passcode.set", true);
	hal_fact_str(fs, HAL_FACT_STRING, "passcode.quality", "ALPHANUMERIC");
	hal_fact_int(fs, "passcode.length", 8);
	hal_fact_int(fs, "passcode.age_days", 12);
	hal_fact_int(fs, "passcode.failed_attempts", 0);
	hal_fact_bool(fs, "screen.locked", false);
	hal_fact_bool(fs, "camera.present", true);
	hal_fact_bool(fs, "camera.blocked", true);
	hal_fact_bool(fs, "screen_capture.blocked", true);
	hal_fact_bool(fs, "usb.data_blocked", false);
	hal_fact_bool(fs, "firewall.enabled", true);
	hal_fact_bool(fs, "time.synced", true);
	hal_fact_int(fs, "storage.total_bytes", 31999000000LL);
	hal_fact_int(fs, "storage.free_bytes", 21000000000LL);
	hal_fact_int(fs, "memory.total_bytes", 4100000000LL);
	hal_fact_int(fs, "memory.available_bytes", 2900000000LL);
	hal_fact_int(fs, "battery.level", 81);
	hal_fact_bool(fs, "battery.charging", false);
	hal_fact_bool(fs, "network.connected", true);
	hal_fact_str(fs, HAL_FACT_STRING, "network.addresses", "192.0.2.17");
	hal_fact_bool(fs, "profile.exists", false);
	hal_fact_bool(fs, "kiosk.active", false);
	hal_fact_double(fs, "thermal.celsius", 41.5);
	hal_fact_str(fs, HAL_FACT_VERSION, "vendor.agent_version", "3.4.1");
	/* Vendor facts nobody has a rule for, up to 60. */
	for (i = 0; fs->n < 60; i++) {
		snprintf(name, sizeof(name), "vendor.sensor_%d", i);
		hal_fact_int(fs, name, i);
	}
}

static double
elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e9 +
	    (double)(b->tv_nsec - a->tv_nsec);
}

int
main(int argc, char **argv)
{
	static struct posture_result result;
	static struct hal_facts facts;
	struct policy_requirements req;
	struct posture_input in;
	struct report_info info;
	struct rules_set *rs;
	struct timespec t0, t1;
	long i, n = argc > 1 ? atol(argv[1]) : 200000;
	char err[256], *json;
	double ns;

	if (n <= 0)
		n = 1;
	if (rules_parse(doc, strlen(doc), &rs, err, sizeof(err)) != 0) {
		fprintf(stderr, "rules: %s\n", err);
		return 1;
	}
	scan(&facts);
	memset(&req, 0, sizeof(req));
	req.passcode_required = true;
	req.passcode.quality = HAL_PW_ALPHANUMERIC;
	req.passcode.min_length = 6;
	req.passcode.expiration_seconds = 90 * 86400;
	req.encryption_required = true;
	snprintf(req.min_os_version, sizeof(req.min_os_version), "12.4");
	req.camera_blocked = true;
	req.screen_capture_blocked = true;
	req.usb_data_blocked = true;
	req.version = 3;
	memset(&in, 0, sizeof(in));
	in.facts = &facts;
	in.req = &req;
	in.rules = rs;
	in.now = 1795305600;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		if (posture_evaluate(&in, &result) != 0)
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = elapsed_ns(&t0, &t1) / (double)n;
	printf("posture_evaluate: %zu facts, %zu rules + %zu judged "
	    "settings in all, verdict %s: %.0f ns per evaluation (%ld runs)\n",
	    facts.n, rs->nrules, result.n, posture_state_name(result.verdict),
	    ns, n);

	memset(&info, 0, sizeof(info));
	n = n / 20 > 0 ? n / 20 : 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		if (report_json(&result, &facts, &info, &json) != 0)
			return 1;
		free(json);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("report_json: %.0f ns per report (%ld runs)\n",
	    elapsed_ns(&t0, &t1) / (double)n, n);
	rules_free(rs);
	return 0;
}
