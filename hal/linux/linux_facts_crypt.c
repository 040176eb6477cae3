/*
 * linux_facts_crypt.c - disk.* facts: are the writable file systems on
 * dm-crypt, or is the device user's home encrypted with fscrypt?
 *
 * A dm-crypt volume is a device-mapper device whose dm/uuid starts with
 * "CRYPT-" (cryptsetup's prefix), except dm-verity ("CRYPT-VERITY-") and
 * dm-integrity ("CRYPT-INTEGRITY-") which cryptsetup names alike but which
 * do not encrypt. A mount counts as encrypted when its block device, or
 * any device below it (slaves/, e.g. an LVM volume on a LUKS PV), is one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fscrypt.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hal/linux/linux.h"

#define BLOCK_DEPTH_MAX 8
#define BLOCK_SLAVES_MAX 64
#define DM_DEVICES_MAX 256

/* The writable file systems whose encryption decides disk.encrypted. */
static const char *const data_mounts[] = { "/", "/data", "/home", "/var" };

/* A kernel block device name: no '/', not "." or "..". */
static bool
block_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < 64 && strchr(name, '/') == NULL && name[0] != '.';
}

/* Path of `sub` in the sysfs directory of block device `name`. */
static int
block_path(const struct linux_ctx *c, const char *name, const char *sub,
    char *out, size_t len)
{
	struct stat st;
	int n;

	if (!block_name_ok(name))
		return -EINVAL;
	n = snprintf(out, len, "/sys/class/block/%s", name);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (linux_stat(c, out, &st) != 0)
		snprintf(out, len, "/sys/block/%s", name);
	n = snprintf(out + strlen(out), len - strlen(out), "%s%s",
	    sub[0] != '\0' ? "/" : "", sub);
	return n < 0 || strlen(out) + 1 >= len ? -ENAMETOOLONG : 0;
}

int
linux_dm_uuid(const struct linux_ctx *c, const char *name, char *uuid,
    size_t len)
{
	char path[LINUX_PATH_MAX];
	int rc;

	uuid[0] = '\0';
	if ((rc = block_path(c, name, "dm/uuid", path, sizeof(path))) < 0)
		return rc;
	rc = linux_read_line(c, path, uuid, len);
	return rc == -ENOENT ? 0 : rc;
}

static bool
is_crypt_uuid(const char *uuid)
{
	return strncmp(uuid, "CRYPT-", 6) == 0 &&
	    strncmp(uuid, "CRYPT-VERITY-", 13) != 0 &&
	    strncmp(uuid, "CRYPT-INTEGRITY-", 16) != 0;
}

bool
linux_block_on_crypt(const struct linux_ctx *c, const char *name, int depth)
{
	char uuid[160], path[LINUX_PATH_MAX], **slaves;
	size_t i, n;
	bool on = false;

	if (depth > BLOCK_DEPTH_MAX)
		return false;
	if (linux_dm_uuid(c, name, uuid, sizeof(uuid)) == 0 &&
	    is_crypt_uuid(uuid))
		return true;
	if (block_path(c, name, "slaves", path, sizeof(path)) < 0 ||
	    linux_list_dir(c, path, BLOCK_SLAVES_MAX, &slaves, &n) < 0)
		return false;
	for (i = 0; i < n && !on; i++)
		on = linux_block_on_crypt(c, slaves[i], depth + 1);
	linux_names_free(slaves, n);
	return on;
}

/* The dm-N device whose dm/name is `dmname`. */
static int
find_dm_by_name(const struct linux_ctx *c, const char *dmname, char *out,
    size_t len)
{
	char path[LINUX_PATH_MAX], buf[128], **devs;
	size_t i, n;
	int rc = -ENOENT;

	if (linux_list_dir(c, "/sys/block", DM_DEVICES_MAX, &devs, &n) < 0)
		return -ENOENT;
	for (i = 0; i < n && rc != 0; i++) {
		if (strncmp(devs[i], "dm-", 3) != 0 ||
		    block_path(c, devs[i], "dm/name", path, sizeof(path)) < 0 ||
		    linux_read_line(c, path, buf, sizeof(buf)) < 0 ||
		    strcmp(buf, dmname) != 0)
			continue;
		if ((size_t)snprintf(out, len, "%s", devs[i]) < len)
			rc = 0;
	}
	linux_names_free(devs, n);
	return rc;
}

/* The real root only: the device behind a mount point, via st_dev. */
static int
block_by_devno(const struct linux_ctx *c, const char *mountpoint, char *out,
    size_t len)
{
	char link[64], target[LINUX_PATH_MAX];
	const char *base;
	struct stat st;
	ssize_t n;

	if (c->prefixed || linux_stat(c, mountpoint, &st) != 0)
		return -ENOENT;
	snprintf(link, sizeof(link), "sys/dev/block/%u:%u", major(st.st_dev),
	    minor(st.st_dev));
	if ((n = readlinkat(c->rootfd, link, target, sizeof(target) - 1)) <= 0)
		return -ENOENT;
	target[n] = '\0';
	base = strrchr(target, '/') != NULL ? strrchr(target, '/') + 1 : target;
	if (!block_name_ok(base) || (size_t)snprintf(out, len, "%s", base) >= len)
		return -ENOENT;
	return 0;
}

int
linux_block_name(const struct linux_ctx *c, const char *source,
    const char *mountpoint, char *name, size_t len)
{
	char path[LINUX_PATH_MAX];
	struct stat st;

	if (strncmp(source, "/dev/mapper/", 12) == 0 &&
	    find_dm_by_name(c, source + 12, name, len) == 0)
		return 0;
	if (strncmp(source, "/dev/", 5) == 0 && block_name_ok(source + 5) &&
	    block_path(c, source + 5, "", path, sizeof(path)) == 0 &&
	    linux_stat(c, path, &st) == 0) {
		if ((size_t)snprintf(name, len, "%s", source + 5) >= len)
			return -ENAMETOOLONG;
		return 0;
	}
	return block_by_devno(c, mountpoint, name, len);
}

/* Decodes the octal escapes (\040) the kernel writes in mounts. */
static int
unescape(char *s)
{
	char *w = s;

	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			*w++ = *s;
			continue;
		}
		if (s[1] < '0' || s[1] > '3' || s[2] < '0' || s[2] > '7' ||
		    s[3] < '0' || s[3] > '7')
			return -EINVAL;
		*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
		s += 3;
	}
	*w = '\0';
	return 0;
}

int
linux_mount_parse(char *line, char **source, char **mnt, char **type,
    bool *rw)
{
	char *f[6], *save = NULL, *opt, *s = line;
	int i;

	for (i = 0; i < 6; i++) {
		if ((f[i] = strtok_r(s, " ", &save)) == NULL)
			return -EINVAL;
		s = NULL;
	}
	if (strtok_r(NULL, " ", &save) != NULL || unescape(f[0]) < 0 ||
	    unescape(f[1]) < 0 || f[1][0] != '/')
		return -EINVAL;
	*rw = false;
	for (opt = strtok_r(f[3], ",", &save); opt != NULL;
	    opt = strtok_r(NULL, ",", &save)) {
		if (strcmp(opt, "rw") == 0)
			*rw = true;
		else if (strcmp(opt, "ro") == 0)
			*rw = false;
	}
	*source = f[0];
	*mnt = f[1];
	*type = f[2];
	return 0;
}

int
linux_mountinfo_parse(char *line, char **mnt, bool *super_rw)
{
	char *f[6], *save = NULL, *opt, *s = line, *t;
	int i;

	for (i = 0; i < 6; i++) {
		if ((f[i] = strtok_r(s, " ", &save)) == NULL)
			return -EINVAL;
		s = NULL;
	}
	/* Optional fields up to the separator, then type, source and the
	 * super block's options. */
	while ((t = strtok_r(NULL, " ", &save)) != NULL && strcmp(t, "-") != 0)
		;
	if (t == NULL || strtok_r(NULL, " ", &save) == NULL ||
	    strtok_r(NULL, " ", &save) == NULL ||
	    (t = strtok_r(NULL, " ", &save)) == NULL ||
	    strtok_r(NULL, " ", &save) != NULL ||
	    unescape(f[4]) < 0 || f[4][0] != '/')
		return -EINVAL;
	*super_rw = false;
	for (opt = strtok_r(t, ",", &save); opt != NULL;
	    opt = strtok_r(NULL, ",", &save)) {
		if (strcmp(opt, "rw") == 0)
			*super_rw = true;
		else if (strcmp(opt, "ro") == 0)
			*super_rw = false;
	}
	*mnt = f[4];
	return 0;
}

/*
 * On the real root, whether the file system itself is writable: a
 * service's read-only view of it (systemd's ProtectSystem=, a read-only
 * bind mount) flags the mount, not the super block, and must not make
 * an unencrypted or mutable file system look read-only.
 */
static void
super_block_rw(const struct linux_ctx *c, const char *mountpoint, bool *rw)
{
	struct linux_lines l;
	char *mnt;
	bool w;

	if (c->prefixed ||
	    linux_lines_open(c, "/proc/self/mountinfo", &l) < 0)
		return;
	while (linux_lines_next(&l) == 1) {
		if (l.partial || l.cont ||
		    linux_mountinfo_parse(l.buf, &mnt, &w) < 0 ||
		    strcmp(mnt, mountpoint) != 0)
			continue;
		*rw = w;	/* the last entry, as in mounts */
	}
	linux_lines_close(&l);
}

int
linux_mount_find(const struct linux_ctx *c, const char *mountpoint,
    char *source, size_t slen, char *type, size_t tlen, bool *rw)
{
	struct linux_lines l;
	char *src, *mnt, *typ;
	bool w;
	int rc;

	if ((rc = linux_lines_open(c, "/proc/self/mounts", &l)) < 0)
		return rc;
	rc = -ENOENT;
	while (linux_lines_next(&l) == 1) {
		if (l.partial || l.cont ||
		    linux_mount_parse(l.buf, &src, &mnt, &typ, &w) < 0 ||
		    strcmp(mnt, mountpoint) != 0)
			continue;
		/* The last entry wins: it is the one mounted on top. */
		snprintf(source, slen, "%s", src);
		snprintf(type, tlen, "%s", typ);
		*rw = w;
		rc = 0;
	}
	linux_lines_close(&l);
	if (rc == 0)
		super_block_rw(c, mountpoint, rw);
	return rc;
}

static bool
volatile_fs(const char *type)
{
	return strcmp(type, "tmpfs") == 0 || strcmp(type, "ramfs") == 0;
}

/* true when the device user's home carries an fscrypt policy. */
static bool
home_fscrypt(struct linux_ctx *c)
{
	struct fscrypt_get_policy_ex_arg arg;
	char user[LINUX_NAME_MAX], home[LINUX_PATH_MAX];
	bool on;
	int fd;

	if (linux_device_user(c, user, sizeof(user)) < 0 ||
	    linux_user_lookup(c, user, NULL, NULL, home, sizeof(home)) < 0 ||
	    home[0] != '/')
		return false;
	if ((fd = linux_open(c, home, O_RDONLY | O_DIRECTORY, 0)) < 0)
		return false;
	memset(&arg, 0, sizeof(arg));
	arg.policy_size = sizeof(arg.policy);
	on = ioctl(fd, FS_IOC_GET_ENCRYPTION_POLICY_EX, &arg) == 0;
	close(fd);
	return on;
}

int
linux_facts_crypt(struct linux_ctx *c, struct hal_facts *fs)
{
	char source[LINUX_PATH_MAX], type[32], name[64], plain[HAL_FACT_STR_MAX];
	const char *status;
	size_t i, checked = 0;
	bool rw, all = true;
	int rc;

	plain[0] = '\0';
	for (i = 0; i < sizeof(data_mounts) / sizeof(data_mounts[0]); i++) {
		rc = linux_mount_find(c, data_mounts[i], source, sizeof(source),
		    type, sizeof(type), &rw);
		if (rc < 0 && (i == 0 || rc != -ENOENT)) {
			linux_note(c, "/proc/self/mounts", rc == -ENOENT ?
			    "no root mount" : strerror(-rc));
			return 0;
		}
		if (rc < 0 || !rw || volatile_fs(type))
			continue;
		checked++;
		if (linux_block_name(c, source, data_mounts[i], name,
		    sizeof(name)) == 0 && linux_block_on_crypt(c, name, 0))
			continue;
		all = false;
		if (strlen(plain) + strlen(data_mounts[i]) + 2 < sizeof(plain))
			snprintf(plain + strlen(plain),
			    sizeof(plain) - strlen(plain), "%s%s",
			    plain[0] != '\0' ? "," : "", data_mounts[i]);
	}
	if (checked > 0 && all)
		status = "ENCRYPTED";
	else if (home_fscrypt(c))
		status = "ENCRYPTED_PER_USER";
	else
		status = "UNENCRYPTED";
	if ((rc = hal_fact_bool(fs, "disk.encrypted",
	    strcmp(status, "UNENCRYPTED") != 0)) < 0 ||
	    (rc = hal_fact_str(fs, HAL_FACT_STRING, "disk.encryption_status",
	    status)) < 0)
		return rc;
	return hal_fact_str(fs, HAL_FACT_STRING, "disk.unencrypted_mounts",
	    plain);
}
