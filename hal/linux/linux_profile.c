/*
 * linux_profile.c - the work profile: a separate Unix account whose home
 * directory is encrypted with fscrypt (v2 policy, AES-256-XTS contents,
 * AES-256-CTS names) under a 64-byte key only warden holds.
 *
 * Selective wipe is a crypto-erase: kill the account's processes, remove
 * the key from the kernel (FS_IOC_REMOVE_ENCRYPTION_KEY), destroy warden's
 * copy, then delete the directory and the account.
 *
 * WARNING: the key is kept raw in STATE/profile.key (mode 0600, root) until
 * crypto/ offers sealed storage; anyone who can read that file as root can
 * decrypt the profile (docs/hal-linux.md, "work profile key").
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fscrypt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal/linux/linux.h"

#define PROFILE_KEY_FILE "profile.key"
#define PROFILE_KEY_LEN FSCRYPT_MAX_KEY_SIZE	/* 64 */
#define HOME_BASE "/home"

struct profile {
	char user[LINUX_NAME_MAX];
	char home[LINUX_PATH_MAX];
	char keyfile[LINUX_PATH_MAX];
};

static int
profile_paths(struct linux_ctx *c, struct profile *p)
{
	snprintf(p->user, sizeof(p->user), "%s", c->profile_user);
	if (linux_join(p->home, sizeof(p->home), HOME_BASE, p->user) < 0 ||
	    linux_join(p->keyfile, sizeof(p->keyfile), c->state_dir,
	    PROFILE_KEY_FILE) < 0)
		return -ENAMETOOLONG;
	return 0;
}

/* Adds the key to the file system of fd; fills its identifier. */
static int
key_add(int fd, const uint8_t key[PROFILE_KEY_LEN],
    uint8_t id[FSCRYPT_KEY_IDENTIFIER_SIZE])
{
	union {
		struct fscrypt_add_key_arg arg;
		uint8_t bytes[sizeof(struct fscrypt_add_key_arg) +
		    PROFILE_KEY_LEN];
	} u;
	int rc = 0;

	memset(&u, 0, sizeof(u));
	u.arg.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
	u.arg.raw_size = PROFILE_KEY_LEN;
	memcpy(u.arg.raw, key, PROFILE_KEY_LEN);
	if (ioctl(fd, FS_IOC_ADD_ENCRYPTION_KEY, &u.arg) != 0)
		rc = -errno;
	else
		memcpy(id, u.arg.key_spec.u.identifier,
		    FSCRYPT_KEY_IDENTIFIER_SIZE);
	explicit_bzero(&u, sizeof(u));
	return rc;
}

/* The v2 policy's key identifier of dir fd; -ENODATA when unencrypted. */
static int
policy_id(int fd, uint8_t id[FSCRYPT_KEY_IDENTIFIER_SIZE])
{
	struct fscrypt_get_policy_ex_arg arg;

	memset(&arg, 0, sizeof(arg));
	arg.policy_size = sizeof(arg.policy);
	if (ioctl(fd, FS_IOC_GET_ENCRYPTION_POLICY_EX, &arg) != 0)
		return -errno;
	if (arg.policy.version != FSCRYPT_POLICY_V2)
		return -EINVAL;
	memcpy(id, arg.policy.v2.master_key_identifier,
	    FSCRYPT_KEY_IDENTIFIER_SIZE);
	return 0;
}

static int
policy_set(int fd, const uint8_t id[FSCRYPT_KEY_IDENTIFIER_SIZE])
{
	struct fscrypt_policy_v2 pol;

	memset(&pol, 0, sizeof(pol));
	pol.version = FSCRYPT_POLICY_V2;
	pol.contents_encryption_mode = FSCRYPT_MODE_AES_256_XTS;
	pol.filenames_encryption_mode = FSCRYPT_MODE_AES_256_CTS;
	pol.flags = FSCRYPT_POLICY_FLAGS_PAD_32;
	memcpy(pol.master_key_identifier, id, FSCRYPT_KEY_IDENTIFIER_SIZE);
	return ioctl(fd, FS_IOC_SET_ENCRYPTION_POLICY, &pol) != 0 ? -errno : 0;
}

static int
ensure_account(struct linux_ctx *c, const struct profile *p, uid_t *uid,
    gid_t *gid)
{
	const char *argv[] = { "useradd", "--no-create-home", "--home-dir",
		p->home, "--shell", "/bin/bash", "--user-group", "--comment",
		"warden work profile", p->user, NULL };
	int rc;

	if ((rc = linux_user_lookup(c, p->user, uid, gid, NULL, 0)) != -ENOENT)
		return rc;
	if ((rc = linux_run_argv(c, argv)) < 0)
		return rc;
	/* useradd said yes; passwd must now say so too. */
	return linux_user_lookup(c, p->user, uid, gid, NULL, 0) == 0 ? 0 : -EIO;
}

static int
linux_profile_create(void *ctx)
{
	struct linux_ctx *c = ctx;
	struct profile p;
	uint8_t key[PROFILE_KEY_LEN], id[FSCRYPT_KEY_IDENTIFIER_SIZE];
	uint8_t have[FSCRYPT_KEY_IDENTIFIER_SIZE];
	uid_t uid;
	gid_t gid;
	int fd, rc;

	if ((rc = profile_paths(c, &p)) < 0 ||
	    (rc = ensure_account(c, &p, &uid, &gid)) < 0)
		return rc;
	if ((rc = linux_mkdirs(c, HOME_BASE, 0755)) < 0 ||
	    (rc = linux_mkdirs(c, p.home, 0700)) < 0)
		return rc;
	if ((fd = linux_open(c, p.home, O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
	    0)) < 0)
		return fd;
	if ((rc = linux_secret_load(c, p.keyfile, key, sizeof(key),
	    true)) == 0) {
		rc = key_add(fd, key, id);
		explicit_bzero(key, sizeof(key));
	}
	if (rc == 0) {
		rc = policy_id(fd, have);
		if (rc == -ENODATA)
			/* Only an empty directory takes a policy: -ENOTEMPTY
			 * keeps an unencrypted home from passing as ours. */
			rc = policy_set(fd, id);
		else if (rc == 0 && memcmp(have, id, sizeof(id)) != 0)
			rc = -EEXIST;
	}
	if (rc == 0 && (fchown(fd, uid, gid) != 0 || fchmod(fd, 0700) != 0))
		rc = -errno;
	/* Read back: the directory is encrypted under our key. */
	if (rc == 0 && (policy_id(fd, have) != 0 ||
	    memcmp(have, id, sizeof(id)) != 0))
		rc = -EIO;
	close(fd);
	return rc;
}

/* The key identifier of the profile home's policy; -ENODATA if none. */
static int
home_key_id(struct linux_ctx *c, const struct profile *p,
    uint8_t id[FSCRYPT_KEY_IDENTIFIER_SIZE])
{
	int fd, rc;

	if ((fd = linux_open(c, p->home, O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
	    0)) < 0)
		return fd == -ENOENT ? -ENODATA : fd;
	rc = policy_id(fd, id);
	close(fd);
	return rc == -ENOTTY || rc == -EOPNOTSUPP ? -ENODATA : rc;
}

/*
 * Removes the key from the kernel. Issued on /home, not on the profile's
 * home: an fd open on the encrypted directory would itself keep the key
 * in use. -EBUSY while files unlocked by the key are still open.
 */
static int
remove_key(struct linux_ctx *c, const uint8_t id[FSCRYPT_KEY_IDENTIFIER_SIZE])
{
	struct fscrypt_remove_key_arg rm;
	struct fscrypt_get_key_status_arg st;
	int base, rc = 0;

	if ((base = linux_open(c, HOME_BASE, O_RDONLY | O_DIRECTORY, 0)) < 0)
		return base;
	memset(&rm, 0, sizeof(rm));
	rm.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
	memcpy(rm.key_spec.u.identifier, id, FSCRYPT_KEY_IDENTIFIER_SIZE);
	if (ioctl(base, FS_IOC_REMOVE_ENCRYPTION_KEY, &rm) != 0 &&
	    errno != ENOKEY)
		rc = -errno;
	memset(&st, 0, sizeof(st));
	st.key_spec = rm.key_spec;
	if (rc == 0 && ioctl(base, FS_IOC_GET_ENCRYPTION_KEY_STATUS, &st) == 0 &&
	    st.status != FSCRYPT_KEY_STATUS_ABSENT)
		rc = -EBUSY;
	close(base);
	return rc;
}

/* Overwrites the key file with zeros, syncs it and unlinks it. */
static int
key_destroy(struct linux_ctx *c, const char *path)
{
	uint8_t zero[HAL_KEYWRAP_BLOB_MAX];
	struct stat st;
	size_t n;
	int fd, rc = 0;

	if ((fd = linux_open(c, path, O_WRONLY | O_NOFOLLOW, 0)) < 0)
		return fd == -ENOENT ? 0 : fd;
	memset(zero, 0, sizeof(zero));
	/* The whole file: a plain key, or one wrapped by the TPM. */
	n = fstat(fd, &st) == 0 && (size_t)st.st_size > PROFILE_KEY_LEN ?
	    (size_t)st.st_size : PROFILE_KEY_LEN;
	if (n > sizeof(zero))
		n = sizeof(zero);
	if (pwrite(fd, zero, n, 0) != (ssize_t)n || fsync(fd) != 0)
		rc = -EIO;
	close(fd);
	if (rc == 0)
		rc = linux_unlink(c, path);
	return rc;
}

int
linux_profile_wipe(struct linux_ctx *c)
{
	uint8_t id[FSCRYPT_KEY_IDENTIFIER_SIZE];
	struct profile p;
	struct linux_run r;
	struct stat st;
	uid_t uid;
	gid_t gid;
	int rc, erase = 0, have_id;

	if ((rc = profile_paths(c, &p)) < 0)
		return rc;
	if (linux_user_lookup(c, p.user, &uid, &gid, NULL, 0) == 0) {
		/* kill(-1) as the profile's own uid reaches every process it
		 * may signal, i.e. all of the profile's, without reading
		 * /proc (hidden under the unit's ProtectProc=invisible) and
		 * without CAP_KILL. */
		char u[32], g[32];
		const char *argv[] = { "setpriv", u, g, "--clear-groups", "--",
			"kill", "-KILL", "-1", NULL };

		snprintf(u, sizeof(u), "--reuid=%lu", (unsigned long)uid);
		snprintf(g, sizeof(g), "--regid=%lu", (unsigned long)gid);
		memset(&r, 0, sizeof(r));
		r.argv = argv;
		if ((rc = linux_run(c, &r)) < 0)
			return rc;
		/* kill: 0 killed some, 1 found none. */
		if (r.status != 0 && r.status != 1)
			return -EIO;
	}
	if ((have_id = home_key_id(c, &p, id)) < 0 && have_id != -ENODATA)
		return have_id;
	if (have_id == 0 && (erase = remove_key(c, id)) < 0 && erase != -EBUSY)
		return erase;
	if ((rc = key_destroy(c, p.keyfile)) < 0 ||
	    (rc = linux_rmtree(c, p.home)) < 0)
		return rc;
	/* The files are gone now; a key they held busy can go too. */
	if (erase == -EBUSY)
		erase = remove_key(c, id);
	if (linux_user_lookup(c, p.user, NULL, NULL, NULL, 0) == 0) {
		const char *argv[] = { "userdel", p.user, NULL };

		if ((rc = linux_run_argv(c, argv)) < 0)
			return rc;
	}
	/* Read back: no account, no home, no key. */
	if (linux_user_lookup(c, p.user, NULL, NULL, NULL, 0) == 0 ||
	    linux_lstat(c, p.home, &st) == 0 ||
	    linux_lstat(c, p.keyfile, &st) == 0)
		return -EIO;
	return erase;
}

int
linux_profile_exists(struct linux_ctx *c, bool *exists)
{
	uint8_t id[FSCRYPT_KEY_IDENTIFIER_SIZE];
	struct profile p;
	int rc;

	*exists = false;
	if ((rc = profile_paths(c, &p)) < 0)
		return rc;
	rc = linux_user_lookup(c, p.user, NULL, NULL, NULL, 0);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	/* An unencrypted home (a create that failed half-way) is not a
	 * work profile. */
	rc = home_key_id(c, &p, id);
	if (rc == -ENODATA)
		return 0;
	if (rc < 0)
		return rc;
	*exists = true;
	return 0;
}

static int
linux_profile_remove(void *ctx)
{
	/* Removing the profile destroys it: its files are useless
	 * without the key, and the key is what the removal must kill. */
	return linux_profile_wipe(ctx);
}

static int
linux_profile_status(void *ctx, bool *exists)
{
	return linux_profile_exists(ctx, exists);
}

const struct hal_profile_ops linux_profile_ops = {
	.create = linux_profile_create,
	.remove = linux_profile_remove,
	.status = linux_profile_status,
};
