/*
 * linux_facts_integrity.c - integrity.* facts: Secure Boot, kernel
 * lockdown, SELinux, a dm-verity root, the bootloader's verified boot
 * state, su binaries, a writable /usr, a debugger on the agent and kernel
 * taint. integrity.risks names every risk found (docs/hal-linux.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal/linux/linux.h"

#define CMDLINE_MAX 4096
#define SECUREBOOT_VAR "/sys/firmware/efi/efivars/" \
	"SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"

/*
 * Where an "su" means the device was rooted: Android-style system and
 * data directories, /sbin, /usr/sbin and /usr/local. The distribution's
 * own /bin/su and /usr/bin/su (util-linux, setuid by design) are not on
 * this list.
 */
static const char *const su_dirs[] = {
	"/system/bin", "/system/xbin", "/system/sbin", "/vendor/bin",
	"/sbin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin",
	"/data/local", "/data/local/bin", "/data/local/xbin", "/data/local/tmp",
	"/data/adb", "/su/bin", "/debug_ramdisk", "/cache",
};

/* Set-uid root copies of these, anywhere in su_dirs or /bin, /usr/bin,
 * give a root shell just as well. */
static const char *const setuid_names[] = {
	"busybox", "toybox", "sh", "bash", "dash", "su",
};
static const char *const setuid_extra_dirs[] = { "/bin", "/usr/bin" };

struct integrity {
	bool secure_boot, secure_boot_known;
	char lockdown[24];
	bool selinux;
	bool verified_root;
	char boot_state[16];
	char su_paths[HAL_FACT_STR_MAX];
	bool su, setuid_shell;
	bool usr_writable, usr_known;
	bool debugger, debugger_known;
	long long tainted;
	bool tainted_known;
};

int
linux_cmdline_get(const char *cmdline, const char *key, char *out,
    size_t outlen)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p != '\0') {
		const char *start, *v;
		bool q = false;
		size_t n = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		start = p;
		/* A value may be quoted: key="a b". */
		while (*p != '\0' && (q || (*p != ' ' && *p != '\t' &&
		    *p != '\n'))) {
			if (*p == '"')
				q = !q;
			p++;
		}
		if ((size_t)(p - start) < klen + 1 ||
		    strncmp(start, key, klen) != 0 || start[klen] != '=')
			continue;
		for (v = start + klen + 1; v < p; v++) {
			if (*v == '"')
				continue;
			if (n + 1 >= outlen)
				return -ENAMETOOLONG;
			out[n++] = *v;
		}
		out[n] = '\0';
		return 0;
	}
	return -ENOENT;
}

static void
read_secure_boot(struct linux_ctx *c, struct integrity *in)
{
	struct stat st;
	char buf[16];
	size_t n;
	int rc;

	rc = linux_read_file(c, SECUREBOOT_VAR, buf, sizeof(buf), &n);
	if (rc == -ENOENT) {
		/* No EFI or no variable: the firmware does not enforce it. */
		in->secure_boot_known = true;
		in->secure_boot = false;
		if (linux_stat(c, "/sys/firmware/efi", &st) == 0 &&
		    linux_stat(c, "/sys/firmware/efi/efivars", &st) != 0)
			linux_note(c, "efivars", "not mounted");
		return;
	}
	/* 4 attribute bytes, then the one-byte value. */
	if (rc < 0 || n != 5 || (buf[4] != 0 && buf[4] != 1)) {
		linux_note(c, "SecureBoot efivar", rc < 0 ? strerror(-rc) :
		    "malformed");
		return;
	}
	in->secure_boot_known = true;
	in->secure_boot = buf[4] == 1;
}

static void
read_lockdown(struct linux_ctx *c, struct integrity *in)
{
	char buf[128], *l, *r;
	int rc;

	rc = linux_read_line(c, "/sys/kernel/security/lockdown", buf,
	    sizeof(buf));
	if (rc == -ENOENT) {
		/* No lockdown LSM: nothing is locked down. */
		strcpy(in->lockdown, "none");
		return;
	}
	if (rc < 0 || (l = strchr(buf, '[')) == NULL ||
	    (r = strchr(l, ']')) == NULL || (size_t)(r - l - 1) == 0 ||
	    (size_t)(r - l - 1) >= sizeof(in->lockdown)) {
		linux_note(c, "/sys/kernel/security/lockdown",
		    rc < 0 ? strerror(-rc) : "malformed");
		return;
	}
	memcpy(in->lockdown, l + 1, (size_t)(r - l - 1));
	in->lockdown[r - l - 1] = '\0';
}

static void
read_selinux(struct linux_ctx *c, struct integrity *in)
{
	long long v;

	in->selinux = linux_read_int(c, "/sys/fs/selinux/enforce", &v) == 0 &&
	    v == 1;
}

static void
read_cmdline(struct linux_ctx *c, struct integrity *in)
{
	char cmdline[CMDLINE_MAX], val[128], src[LINUX_PATH_MAX], type[32];
	char name[64], uuid[160];
	bool rw, hash;
	int rc;

	rc = linux_read_file(c, "/proc/cmdline", cmdline, sizeof(cmdline),
	    NULL);
	if (rc < 0) {
		linux_note(c, "/proc/cmdline", strerror(-rc));
		return;
	}
	if (linux_cmdline_get(cmdline, "androidboot.verifiedbootstate", val,
	    sizeof(val)) == 0) {
		if (strcmp(val, "green") == 0 || strcmp(val, "yellow") == 0 ||
		    strcmp(val, "orange") == 0 || strcmp(val, "red") == 0)
			strcpy(in->boot_state, val);
		else
			linux_note(c, "androidboot.verifiedbootstate",
			    "unknown value");
	}
	hash = linux_cmdline_get(cmdline, "roothash", val, sizeof(val)) == 0 ||
	    linux_cmdline_get(cmdline, "systemd.verity_root_hash", val,
	    sizeof(val)) == 0;
	in->verified_root = hash &&
	    linux_mount_find(c, "/", src, sizeof(src), type, sizeof(type),
	    &rw) == 0 &&
	    linux_block_name(c, src, "/", name, sizeof(name)) == 0 &&
	    linux_dm_uuid(c, name, uuid, sizeof(uuid)) == 0 &&
	    strncmp(uuid, "CRYPT-VERITY-", 13) == 0;
}

static void
add_su_path(struct integrity *in, const char *path)
{
	size_t n = strlen(in->su_paths);

	if (n + strlen(path) + 2 < sizeof(in->su_paths))
		snprintf(in->su_paths + n, sizeof(in->su_paths) - n, "%s%s",
		    n > 0 ? "," : "", path);
}

/* A set-uid root shell or su in dir (open as dfd). */
static void
check_setuid(struct integrity *in, const char *dir, int dfd)
{
	char path[LINUX_PATH_MAX];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(setuid_names) / sizeof(setuid_names[0]); i++) {
		if (fstatat(dfd, setuid_names[i], &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || (st.st_mode & S_ISUID) == 0 ||
		    st.st_uid != 0 ||
		    linux_join(path, sizeof(path), dir, setuid_names[i]) < 0)
			continue;
		/* The distribution's own su is set-uid by design. */
		if (strcmp(setuid_names[i], "su") == 0 &&
		    (strcmp(dir, "/bin") == 0 || strcmp(dir, "/usr/bin") == 0))
			continue;
		in->setuid_shell = true;
		add_su_path(in, path);
	}
}

/*
 * Each directory is opened once (inside the root) and its few names
 * looked up relative to it: most of these directories do not exist on
 * a given system, and a scan runs them all every time.
 */
static void
scan_su(struct linux_ctx *c, struct integrity *in)
{
	char path[LINUX_PATH_MAX];
	struct stat st;
	size_t i;
	int dfd;

	for (i = 0; i < sizeof(su_dirs) / sizeof(su_dirs[0]); i++) {
		if ((dfd = linux_open(c, su_dirs[i], O_PATH | O_DIRECTORY, 0)) < 0)
			continue;
		if (fstatat(dfd, "su", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
		    linux_join(path, sizeof(path), su_dirs[i], "su") == 0) {
			in->su = true;
			add_su_path(in, path);
		}
		check_setuid(in, su_dirs[i], dfd);
		close(dfd);
	}
	for (i = 0; i < 2; i++) {
		if ((dfd = linux_open(c, setuid_extra_dirs[i],
		    O_PATH | O_DIRECTORY, 0)) < 0)
			continue;
		check_setuid(in, setuid_extra_dirs[i], dfd);
		close(dfd);
	}
}

static void
read_usr(struct linux_ctx *c, struct integrity *in)
{
	char src[LINUX_PATH_MAX], type[32];
	bool rw;

	/* /usr on its own mount decides; otherwise it lives on the root. */
	if (linux_mount_find(c, "/usr", src, sizeof(src), type, sizeof(type),
	    &rw) == 0 || linux_mount_find(c, "/", src, sizeof(src), type,
	    sizeof(type), &rw) == 0) {
		in->usr_known = true;
		in->usr_writable = rw;
	}
}

static void
read_debugger(struct linux_ctx *c, struct integrity *in)
{
	struct linux_lines l;
	char *end;
	long v;

	if (linux_lines_open(c, "/proc/self/status", &l) < 0) {
		linux_note(c, "/proc/self/status", "unreadable");
		return;
	}
	while (linux_lines_next(&l) == 1) {
		if (l.cont || strncmp(l.buf, "TracerPid:", 10) != 0)
			continue;
		errno = 0;
		v = strtol(linux_trim(l.buf + 10), &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0) {
			in->debugger_known = true;
			in->debugger = v != 0;
		}
		break;
	}
	linux_lines_close(&l);
	if (!in->debugger_known)
		linux_note(c, "/proc/self/status", "no TracerPid");
}

static void
add_risk(char *risks, size_t len, bool cond, const char *code)
{
	size_t n = strlen(risks);

	if (cond && n + strlen(code) + 2 < len)
		snprintf(risks + n, len - n, "%s%s", n > 0 ? "," : "", code);
}

int
linux_facts_integrity(struct linux_ctx *c, struct hal_facts *fs)
{
	struct integrity in;
	char risks[HAL_FACT_STR_MAX] = "";
	bool rooted;
	int rc = 0;

	memset(&in, 0, sizeof(in));
	read_secure_boot(c, &in);
	read_lockdown(c, &in);
	read_selinux(c, &in);
	read_cmdline(c, &in);
	scan_su(c, &in);
	read_usr(c, &in);
	read_debugger(c, &in);
	in.tainted_known = linux_read_int(c, "/proc/sys/kernel/tainted",
	    &in.tainted) == 0;
	rooted = in.su || in.setuid_shell ||
	    strcmp(in.boot_state, "orange") == 0;

	add_risk(risks, sizeof(risks), in.su, "su");
	add_risk(risks, sizeof(risks), in.setuid_shell, "setuid_shell");
	add_risk(risks, sizeof(risks), strcmp(in.boot_state, "orange") == 0,
	    "unlocked");
	add_risk(risks, sizeof(risks), strcmp(in.boot_state, "red") == 0 ||
	    strcmp(in.boot_state, "yellow") == 0, "boot_state");
	add_risk(risks, sizeof(risks), in.secure_boot_known && !in.secure_boot,
	    "no_secure_boot");
	add_risk(risks, sizeof(risks), strcmp(in.lockdown, "none") == 0,
	    "no_lockdown");
	add_risk(risks, sizeof(risks), !in.selinux, "no_selinux");
	add_risk(risks, sizeof(risks), !in.verified_root, "unverified_root");
	add_risk(risks, sizeof(risks), in.usr_known && in.usr_writable,
	    "usr_writable");
	add_risk(risks, sizeof(risks), in.debugger, "debugger");
	add_risk(risks, sizeof(risks), in.tainted_known && in.tainted != 0,
	    "tainted");

	if ((rc = hal_fact_bool(fs, "integrity.rooted", rooted)) < 0)
		return rc;
	if (in.secure_boot_known &&
	    (rc = hal_fact_bool(fs, "integrity.secure_boot", in.secure_boot)) < 0)
		return rc;
	if ((rc = hal_fact_bool(fs, "integrity.selinux_enforcing",
	    in.selinux)) < 0 ||
	    (rc = hal_fact_bool(fs, "integrity.verified_root",
	    in.verified_root)) < 0)
		return rc;
	if (in.lockdown[0] != '\0' && (rc = hal_fact_str(fs, HAL_FACT_STRING,
	    "integrity.lockdown", in.lockdown)) < 0)
		return rc;
	if (in.boot_state[0] != '\0' && (rc = hal_fact_str(fs,
	    HAL_FACT_STRING, "integrity.boot_state", in.boot_state)) < 0)
		return rc;
	if (in.debugger_known && (rc = hal_fact_bool(fs,
	    "integrity.debugger_attached", in.debugger)) < 0)
		return rc;
	if (in.usr_known && (rc = hal_fact_bool(fs, "integrity.usr_writable",
	    in.usr_writable)) < 0)
		return rc;
	if (in.tainted_known && (rc = hal_fact_int(fs,
	    "integrity.kernel_tainted", in.tainted)) < 0)
		return rc;
	if ((rc = hal_fact_str(fs, HAL_FACT_STRING, "integrity.su_paths",
	    in.su_paths)) < 0)
		return rc;
	return hal_fact_str(fs, HAL_FACT_STRING, "integrity.risks", risks);
}
