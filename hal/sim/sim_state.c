/*
 * sim_state.c - the simulated device's state file, op log, fault
 * injection, facts and the `wardenctl sim` control verbs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hal/sim/sim.h"

#define SIM_FILE_MAX (256 * 1024)

/* A plausible, compliant field handheld. */
static const char default_device[] =
    "{\"facts\":{"
    "\"hw.manufacturer\":\"Warden Devices\","
    "\"hw.model\":\"SimHandheld 2\","
    "\"hw.serial\":\"SIM0000001\","
    "\"os.name\":\"Debian GNU/Linux\","
    "\"os.id\":\"debian\","
    "\"os.version\":\"12.8\","
    "\"os.kernel\":\"6.1.0-28-arm64\","
    "\"os.security_patch\":\"2026-10-05\","
    "\"disk.encrypted\":true,"
    "\"disk.encryption_status\":\"ENCRYPTED\","
    "\"integrity.rooted\":false,"
    "\"integrity.secure_boot\":true,"
    "\"integrity.selinux_enforcing\":true,"
    "\"integrity.verified_root\":true,"
    "\"integrity.lockdown\":\"integrity\","
    "\"integrity.boot_state\":\"green\","
    "\"integrity.debugger_attached\":false,"
    "\"integrity.usr_writable\":false,"
    "\"integrity.kernel_tainted\":0,"
    "\"passcode.set\":true,"
    "\"passcode.quality\":\"ALPHANUMERIC\","
    "\"passcode.length\":8,"
    "\"passcode.age_days\":12,"
    "\"passcode.failed_attempts\":0,"
    "\"screen.locked\":false,"
    "\"camera.present\":true,"
    "\"camera.blocked\":false,"
    "\"screen_capture.blocked\":false,"
    "\"usb.data_blocked\":false,"
    "\"firewall.enabled\":true,"
    "\"time.synced\":true,"
    "\"storage.total_bytes\":31999000000,"
    "\"storage.free_bytes\":21000000000,"
    "\"memory.total_bytes\":4100000000,"
    "\"memory.available_bytes\":2900000000,"
    "\"battery.level\":81,"
    "\"battery.charging\":false,"
    "\"network.connected\":true,"
    "\"network.addresses\":\"192.0.2.17\","
    "\"network.bearer\":\"wlan\","
    "\"network.bearers\":\"wlan,lte-fdd\","
    "\"network.signal_dbm\":-61,"
    "\"profile.exists\":false,"
    "\"kiosk.active\":false"
    "},\"fail\":{},\"state\":{}}";

/* Facts whose JSON string value has a richer type. */
static const struct {
	const char *name;
	enum hal_fact_type type;
} typed_facts[] = {
	{ "os.version", HAL_FACT_VERSION },
	{ "os.kernel", HAL_FACT_VERSION },
	{ "os.security_patch", HAL_FACT_DATETIME },
};

static int
read_file(const char *path, char **out)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || st.st_size > SIM_FILE_MAX) {
		close(fd);
		return -EFBIG;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(buf);
		return -EIO;
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}

static int
write_file_atomic(const char *path, const char *text)
{
	char tmp[640];
	size_t len = strlen(text);
	int fd, rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0)
		rc = -EIO;
	if (close(fd) != 0 && rc == 0)
		rc = -EIO;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0)
		unlink(tmp);
	return rc;
}

static cJSON *
child_object(cJSON *doc, const char *key)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(doc, key);

	if (!cJSON_IsObject(o)) {
		cJSON_DeleteItemFromObjectCaseSensitive(doc, key);
		o = cJSON_AddObjectToObject(doc, key);
	}
	return o;
}

int
sim_load(struct sim *s)
{
	char *text = NULL;
	int rc;

	sim_unload(s);
	if ((rc = read_file(s->path, &text)) < 0)
		return rc;
	s->doc = cJSON_Parse(text);
	free(text);
	if (s->doc == NULL || !cJSON_IsObject(s->doc)) {
		cJSON_Delete(s->doc);
		s->doc = NULL;
		return -EBADMSG;
	}
	child_object(s->doc, "facts");
	child_object(s->doc, "fail");
	child_object(s->doc, "state");
	return 0;
}

/* FNV-1a over the bytes: which device.json this is. */
static uint64_t
text_hash(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	while (n-- > 0) {
		h ^= (unsigned char)*p++;
		h *= 0x100000001b3u;
	}
	return h;
}

/* The hash of the file's content; 0 when it cannot be read. */
static uint64_t
file_hash(const char *path)
{
	char *text = NULL;
	uint64_t h;

	if (read_file(path, &text) != 0)
		return 0;
	h = text_hash(text, strlen(text));
	free(text);
	return h;
}

int
sim_save(struct sim *s)
{
	char *text;
	int rc;

	if (s->doc == NULL)
		return -EINVAL;
	if ((text = cJSON_Print(s->doc)) == NULL)
		return -ENOMEM;
	/* Before the rename: the loop may see the event at once. */
	s->own_write = text_hash(text, strlen(text));
	rc = write_file_atomic(s->path, text);
	free(text);
	return rc;
}

void
sim_unload(struct sim *s)
{
	cJSON_Delete(s->doc);
	s->doc = NULL;
}

cJSON *
sim_facts(struct sim *s)
{
	return cJSON_GetObjectItemCaseSensitive(s->doc, "facts");
}

cJSON *
sim_state(struct sim *s)
{
	return cJSON_GetObjectItemCaseSensitive(s->doc, "state");
}

static void
replace(cJSON *obj, const char *key, cJSON *item)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
	else
		cJSON_AddItemToObject(obj, key, item);
}

void
sim_set_bool(cJSON *obj, const char *key, bool v)
{
	replace(obj, key, cJSON_CreateBool(v));
}

void
sim_set_int(cJSON *obj, const char *key, double v)
{
	replace(obj, key, cJSON_CreateNumber(v));
}

void
sim_set_str(cJSON *obj, const char *key, const char *v)
{
	replace(obj, key, cJSON_CreateString(v));
}

bool
sim_get_bool(cJSON *obj, const char *key, bool def)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : def;
}

long long
sim_get_int(cJSON *obj, const char *key, long long def)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? (long long)v->valuedouble : def;
}

const char *
sim_get_str(cJSON *obj, const char *key, const char *def)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : def;
}

int
sim_begin(struct sim *s, const char *op)
{
	cJSON *fail;
	int rc;

	if ((rc = sim_load(s)) < 0)
		return rc;
	fail = cJSON_GetObjectItemCaseSensitive(s->doc, "fail");
	return (int)-sim_get_int(fail, op, 0);
}

int
sim_end(struct sim *s, const char *op, const char *args, int rc,
    bool changed)
{
	FILE *f;

	if (changed && rc == 0)
		rc = sim_save(s);
	sim_unload(s);
	if ((f = fopen(s->oplog, "a")) != NULL) {
		fprintf(f, "%s%s%s -> %s\n", op, *args ? " " : "", args,
		    rc == 0 ? "ok" : strerror(-rc));
		fclose(f);
	}
	return rc;
}

int
sim_facts_read(void *ctx, struct hal_facts *fs)
{
	struct sim *s = ctx;
	const cJSON *it;
	int rc;

	if ((rc = sim_begin(s, "facts.read")) < 0) {
		sim_unload(s);
		return rc;
	}
	cJSON_ArrayForEach(it, sim_facts(s)) {
		enum hal_fact_type t = HAL_FACT_STRING;
		size_t i;

		if (cJSON_IsBool(it)) {
			rc = hal_fact_bool(fs, it->string, cJSON_IsTrue(it));
		} else if (cJSON_IsNumber(it)) {
			if (it->valuedouble == (double)(int64_t)it->valuedouble)
				rc = hal_fact_int(fs, it->string,
				    (int64_t)it->valuedouble);
			else
				rc = hal_fact_double(fs, it->string,
				    it->valuedouble);
		} else if (cJSON_IsString(it)) {
			for (i = 0; i < sizeof(typed_facts) /
			     sizeof(typed_facts[0]); i++)
				if (strcmp(typed_facts[i].name, it->string) == 0)
					t = typed_facts[i].type;
			rc = hal_fact_str(fs, t, it->string, it->valuestring);
		} else {
			continue; /* null: the fact is unknown */
		}
		if (rc < 0)
			break;
	}
	/* Reads are not logged: scans would drown the enforcement ops. */
	sim_unload(s);
	return rc < 0 ? rc : 0;
}

static const struct {
	const char *name;
	int value;
} errno_names[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EIO", EIO },
	{ "EBUSY", EBUSY }, { "EACCES", EACCES }, { "ENODEV", ENODEV },
	{ "EINVAL", EINVAL }, { "ENOSPC", ENOSPC }, { "EROFS", EROFS },
	{ "ENOSYS", ENOSYS }, { "ETIMEDOUT", ETIMEDOUT },
	{ "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM },
};

int
sim_errno_parse(const char *s, int *err)
{
	char *end;
	long v;
	size_t i;

	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++) {
		if (strcmp(s, errno_names[i].name) == 0) {
			*err = errno_names[i].value;
			return 0;
		}
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 4095)
		return -1;
	*err = (int)v;
	return 0;
}

/* The ops that `sim fail` accepts (as logged in ops.log). */
static const char *const sim_op_names[] = {
	"identity.get", "passcode.apply", "passcode.reset", "camera.set_allowed",
	"lock.now", "lock.set_message", "wipe.factory_reset", "wipe.profile",
	"power.reboot", "power.os_update", "profile.create", "profile.remove", "kiosk.enter",
	"kiosk.exit", "restrict.screen_capture", "restrict.usb_data",
	"restrict.keyguard_features", "restrict.factory_reset",
	"network.apply_wifi", "network.set_locale", "network.set_timezone",
	"certstore.sealing_key", "certstore.install_ca", "facts.read",
	"nfc.read_ndef", "camera_scan.scan_qr", "apps.install", "apps.remove",
	"apps.set_blocked", "apps.list", "kiosk.customize",
};

static bool
known_op(const char *op)
{
	size_t i;

	for (i = 0; i < sizeof(sim_op_names) / sizeof(sim_op_names[0]); i++)
		if (strcmp(op, sim_op_names[i]) == 0)
			return true;
	return false;
}

static char *
reply_error(const char *fmt, const char *arg)
{
	char buf[256];

	snprintf(buf, sizeof(buf), fmt, arg);
	return strdup(buf);
}

/*
 * Control verbs (values arrive as text from wardenctl):
 *   set KEY VALUE   set fact KEY; VALUE is JSON (true, 42, "x") or bare
 *                   text taken as a string; "null" makes it unknown
 *   fail OP ERRNO   make OP fail with ERRNO (name or number; 0 clears)
 *   show            reply with the whole device file
 *   delay OP MS     OP takes MS milliseconds more (0 clears; apps.install)
 *   repo PKG VER    the simulated package source offers PKG at VER
 *   app PKG VER     PKG is installed at VER by hand ("none": removed)
 * On error *reply holds the reason and the return is -EINVAL.
 */
int
sim_control(void *ctx, const char *verb, const char *key, const char *value,
    char **reply)
{
	struct sim *s = ctx;
	cJSON *v;
	int rc, err;

	*reply = NULL;
	if ((rc = sim_load(s)) < 0)
		return rc;
	if (strcmp(verb, "show") == 0) {
		*reply = cJSON_Print(s->doc);
		sim_unload(s);
		return *reply != NULL ? 0 : -ENOMEM;
	}
	if (strcmp(verb, "set") == 0 && key != NULL && value != NULL) {
		if (*key == '\0' || strlen(key) >= HAL_FACT_NAME_MAX) {
			*reply = reply_error("sim set: bad fact name \"%s\"", key);
			sim_unload(s);
			return -EINVAL;
		}
		/* The whole value must be JSON ("10.9.8.7" is text, not the
		 * number 10.9 followed by garbage). */
		v = cJSON_ParseWithOpts(value, NULL, true);
		if (v == NULL || cJSON_IsArray(v) || cJSON_IsObject(v)) {
			cJSON_Delete(v);
			if (strlen(value) >= HAL_FACT_STR_MAX) {
				*reply = reply_error("sim set %s: value too long",
				    key);
				sim_unload(s);
				return -EINVAL;
			}
			v = cJSON_CreateString(value);
		}
		replace(sim_facts(s), key, v);
		rc = sim_save(s);
		sim_unload(s);
		return rc;
	}
	if (strcmp(verb, "fail") == 0 && key != NULL && value != NULL) {
		if (!known_op(key)) {
			*reply = reply_error("sim fail: unknown op \"%s\" "
			    "(see ops.log for op names)", key);
			sim_unload(s);
			return -EINVAL;
		}
		if (sim_errno_parse(value, &err) != 0) {
			*reply = reply_error("sim fail: bad errno \"%s\"", value);
			sim_unload(s);
			return -EINVAL;
		}
		if (err == 0)
			cJSON_DeleteItemFromObjectCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(s->doc, "fail"), key);
		else
			sim_set_int(cJSON_GetObjectItemCaseSensitive(s->doc,
			    "fail"), key, err);
		rc = sim_save(s);
		sim_unload(s);
		return rc;
	}
	if ((strcmp(verb, "repo") == 0 || strcmp(verb, "app") == 0) &&
	    key != NULL && value != NULL) {
		if ((rc = sim_apps_control(s, verb, key, value)) == 0)
			rc = sim_save(s);
		else
			*reply = reply_error("sim: bad package or version for "
			    "\"%s\"", verb);
		sim_unload(s);
		return rc;
	}
	if (strcmp(verb, "delay") == 0 && key != NULL && value != NULL) {
		char *end;
		long ms = strtol(value, &end, 10);
		cJSON *d;

		if (!known_op(key) || *value == '\0' || *end != '\0' ||
		    ms < 0 || ms > 600000) {
			*reply = reply_error("sim delay: needs a known op and "
			    "0..600000 ms, not \"%s\"", value);
			sim_unload(s);
			return -EINVAL;
		}
		d = cJSON_GetObjectItemCaseSensitive(s->doc, "delay");
		if (!cJSON_IsObject(d)) {
			cJSON_DeleteItemFromObjectCaseSensitive(s->doc, "delay");
			d = cJSON_AddObjectToObject(s->doc, "delay");
		}
		cJSON_DeleteItemFromObjectCaseSensitive(d, key);
		if (ms > 0)
			cJSON_AddNumberToObject(d, key, (double)ms);
		rc = sim_save(s);
		sim_unload(s);
		return rc;
	}
	sim_unload(s);
	*reply = reply_error("sim: unknown verb \"%s\" (set, fail, delay, "
	    "repo, app, show)", verb);
	return -EINVAL;
}

int
sim_open(const char *arg, void **ctx)
{
	struct sim *s;
	struct stat st;
	int rc;

	if (arg == NULL || *arg == '\0' || strlen(arg) >= sizeof(s->dir))
		return -EINVAL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	snprintf(s->dir, sizeof(s->dir), "%s", arg);
	snprintf(s->path, sizeof(s->path), "%s/device.json", s->dir);
	snprintf(s->oplog, sizeof(s->oplog), "%s/ops.log", s->dir);
	s->inotify_fd = -1;
	if (mkdir(s->dir, 0755) != 0 && errno != EEXIST) {
		rc = -errno;
		free(s);
		return rc;
	}
	if (stat(s->path, &st) != 0 &&
	    (rc = write_file_atomic(s->path, default_device)) < 0) {
		free(s);
		return rc;
	}
	if ((rc = sim_load(s)) < 0) {
		free(s);
		return rc;
	}
	sim_unload(s);
	*ctx = s;
	return 0;
}

void
sim_close(void *ctx)
{
	struct sim *s = ctx;

	if (s == NULL)
		return;
	if (s->inotify_fd >= 0)
		close(s->inotify_fd);
	sim_unload(s);
	free(s);
}

/* Written device.json (by anyone) = facts may have changed. */
int
sim_watch_fd(void *ctx)
{
	struct sim *s = ctx;

	if (s->inotify_fd >= 0)
		return s->inotify_fd;
	s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->inotify_fd < 0)
		return -1;
	if (inotify_add_watch(s->inotify_fd, s->dir,
	    IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
		close(s->inotify_fd);
		s->inotify_fd = -1;
	}
	return s->inotify_fd;
}

/*
 * Only a device.json other than the one this backend last wrote (an edit
 * by a test or a person) counts as a change: enforcing must not make the
 * agent scan again. Events for other names (the temporary file of a
 * write, ops.log) are not changes of the facts.
 */
int
sim_watch_drain(void *ctx)
{
	struct sim *s = ctx;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	bool named = false;
	ssize_t n, off;

	while (s->inotify_fd >= 0 &&
	    (n = read(s->inotify_fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off + (ssize_t)sizeof(*ev) <= n;
		    off += (ssize_t)(sizeof(*ev) + ev->len)) {
			ev = (const struct inotify_event *)(buf + off);
			if ((ev->mask & IN_Q_OVERFLOW) != 0 ||
			    (ev->len > 0 && strcmp(ev->name, "device.json") == 0))
				named = true;
		}
	}
	if (!named)
		return 0;
	return file_hash(s->path) != s->own_write ? 1 : 0;
}
