/*
 * test_linux_profile.c - the fscrypt work profile for real: an ext4 image
 * with the encrypt feature, loop-mounted as the backend's root. The
 * profile's file is encrypted at rest, unreadable once the key is gone,
 * and gone after the selective wipe. Skipped only when the kernel refuses
 * (no loop device, no fscrypt).
 */
#include <fcntl.h>
#include <linux/fscrypt.h>
#include <sys/ioctl.h>
#include <sys/mount.h>

#include "tests/unit/hal/linux/linux_test.h"

#define MARKER "PROFILE-PLAINTEXT-7d1e4c9a-do-not-leak"

struct image {
	char dir[PATH_MAX];
	char img[PATH_MAX + 8];
	char mnt[PATH_MAX + 8];
	bool mounted;
};

/* Simulates useradd/userdel on the image's passwd. */
static void
accounts(struct fake_run *f, const char *cmd)
{
	char *pw;

	if (strncmp(cmd, "useradd ", 8) == 0) {
		pw = read_in(f->root, "/etc/passwd");
		assert_non_null(pw);
		pw = realloc(pw, strlen(pw) + 128);
		strcat(pw, "warden-work:x:1500:1500:warden work profile:"
		    "/home/warden-work:/bin/bash\n");
		write_in(f->root, "/etc/passwd", pw);
		free(pw);
	} else if (strncmp(cmd, "userdel ", 8) == 0) {
		write_in(f->root, "/etc/passwd",
		    "root:x:0:0:root:/root:/bin/bash\n"
		    "alice:x:1000:1000::/home/alice:/bin/bash\n");
	}
}

static bool
image_setup(struct image *im)
{
	char cmd[PATH_MAX * 6];

	memset(im, 0, sizeof(*im));
	snprintf(im->dir, sizeof(im->dir), "%s", test_tmpdir());
	snprintf(im->img, sizeof(im->img), "%s/img", im->dir);
	snprintf(im->mnt, sizeof(im->mnt), "%s/root", im->dir);
	snprintf(cmd, sizeof(cmd), "truncate -s 16M '%s' && "
	    "mkfs.ext4 -q -F -O encrypt '%s' >/dev/null 2>&1 && "
	    "mkdir '%s' && mount -o loop '%s' '%s' 2>/dev/null",
	    im->img, im->img, im->mnt, im->img, im->mnt);
	if (system(cmd) != 0)
		return false;
	im->mounted = true;
	mkdir_in(im->mnt, "/etc");
	mkdir_in(im->mnt, "/home");
	write_in(im->mnt, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
	    "alice:x:1000:1000::/home/alice:/bin/bash\n");
	return true;
}

static void
image_teardown(struct image *im)
{
	if (im->mounted)
		umount2(im->mnt, MNT_DETACH);
	test_rmtree(im->dir);
}

/* true when the image file holds marker in clear. */
static bool
image_leaks(struct image *im, const char *marker)
{
	size_t n = strlen(marker), i, len = 0;
	struct stat st;
	char *raw;
	bool found = false;
	ssize_t r;
	int fd;

	fd = open(im->mnt, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(syncfs(fd), 0);
	close(fd);
	/* The whole image in one read buffer (16 MiB). */
	fd = open(im->img, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	raw = malloc((size_t)st.st_size);
	assert_non_null(raw);
	while (len < (size_t)st.st_size &&
	    (r = read(fd, raw + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)r;
	close(fd);
	assert_int_equal(len, (size_t)st.st_size);
	for (i = 0; i + n <= len && !found; i++)
		found = raw[i] == marker[0] && memcmp(raw + i, marker, n) == 0;
	free(raw);
	return found;
}

static int
key_status(const char *mnt, const uint8_t id[16])
{
	struct fscrypt_get_key_status_arg st;
	int fd, rc;

	memset(&st, 0, sizeof(st));
	st.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
	memcpy(st.key_spec.u.identifier, id, 16);
	fd = open(mnt, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	rc = ioctl(fd, FS_IOC_GET_ENCRYPTION_KEY_STATUS, &st);
	close(fd);
	assert_int_equal(rc, 0);
	return (int)st.status;
}

static void
test_crypto_erase(void **state)
{
	struct fscrypt_get_policy_ex_arg pol;
	struct fscrypt_remove_key_arg rm;
	struct image im;
	struct fake_run f;
	struct linux_ctx *c;
	char path[PATH_MAX * 2];
	uint8_t id[16];
	struct stat st;
	bool exists;
	int fd, rc;

	(void)state;
	if (!image_setup(&im)) {
		image_teardown(&im);
		skip();	/* no loop device or mount refused */
	}
	c = open_root(im.mnt, "");
	memset(&f, 0, sizeof(f));
	f.root = im.mnt;
	f.effect = accounts;
	fake_reply(&f, "setpriv", "", 1);
	linux_set_runner(c, fake_runner, &f);

	assert_int_equal(linux_profile_ops.status(c, &exists), 0);
	assert_false(exists);
	rc = linux_profile_ops.create(c);
	if (rc == -EOPNOTSUPP || rc == -ENOTTY) {
		hal_linux_backend.close(c);
		image_teardown(&im);
		skip();	/* the kernel has no fscrypt */
	}
	assert_int_equal(rc, 0);
	assert_string_equal(f.log, "useradd --no-create-home --home-dir "
	    "/home/warden-work --shell /bin/bash --user-group --comment "
	    "warden work profile warden-work\n");
	assert_int_equal(linux_profile_ops.status(c, &exists), 0);
	assert_true(exists);
	/* Created again: nothing changes, nothing runs. */
	assert_int_equal(linux_profile_ops.create(c), 0);
	assert_string_equal(f.log + strlen(f.log) - 12, "warden-work\n");

	snprintf(path, sizeof(path), "%s/home/warden-work", im.mnt);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, 1500);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(path, sizeof(path), "%s/var/lib/warden/profile.key", im.mnt);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 64);

	/* The home carries our v2 policy. */
	snprintf(path, sizeof(path), "%s/home/warden-work", im.mnt);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	memset(&pol, 0, sizeof(pol));
	pol.policy_size = sizeof(pol.policy);
	assert_int_equal(ioctl(fd, FS_IOC_GET_ENCRYPTION_POLICY_EX, &pol), 0);
	close(fd);
	assert_int_equal(pol.policy.version, FSCRYPT_POLICY_V2);
	assert_int_equal(pol.policy.v2.contents_encryption_mode,
	    FSCRYPT_MODE_AES_256_XTS);
	memcpy(id, pol.policy.v2.master_key_identifier, 16);
	assert_int_equal(key_status(im.mnt, id), FSCRYPT_KEY_STATUS_PRESENT);

	/* A file in the profile: readable with the key, never on disk in
	 * clear. */
	write_in(im.mnt, "/home/warden-work/notes.txt", MARKER "\n");
	assert_file_eq(im.mnt, "/home/warden-work/notes.txt", MARKER "\n");
	assert_false(image_leaks(&im, MARKER));
	/* The same check does see a file outside the profile. */
	write_in(im.mnt, "/etc/motd", "CONTROL-PLAINTEXT-2b8f\n");
	assert_true(image_leaks(&im, "CONTROL-PLAINTEXT-2b8f"));

	/* Without the key the file cannot be opened. */
	memset(&rm, 0, sizeof(rm));
	rm.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
	memcpy(rm.key_spec.u.identifier, id, 16);
	fd = open(im.mnt, O_RDONLY | O_DIRECTORY);
	assert_int_equal(ioctl(fd, FS_IOC_REMOVE_ENCRYPTION_KEY, &rm), 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/home/warden-work/notes.txt", im.mnt);
	assert_true(open(path, O_RDONLY) < 0);
	assert_int_equal(linux_profile_ops.status(c, &exists), 0);
	assert_true(exists);
	/* create() puts the key back from warden's copy. */
	assert_int_equal(linux_profile_ops.create(c), 0);
	assert_file_eq(im.mnt, "/home/warden-work/notes.txt", MARKER "\n");

	/* The selective wipe. */
	f.log[0] = '\0';
	assert_int_equal(linux_wipe_ops.wipe_profile(c), 0);
	assert_string_equal(f.log, "setpriv --reuid=1500 --regid=1500 "
	    "--clear-groups -- kill -KILL -1\n"
	    "userdel warden-work\n");
	assert_int_equal(key_status(im.mnt, id), FSCRYPT_KEY_STATUS_ABSENT);
	assert_false(exists_in(im.mnt, "/home/warden-work"));
	assert_false(exists_in(im.mnt, "/var/lib/warden/profile.key"));
	assert_false(image_leaks(&im, MARKER));
	assert_int_equal(linux_profile_ops.status(c, &exists), 0);
	assert_false(exists);
	/* Nothing left: wiping again is a no-op that succeeds. */
	f.log[0] = '\0';
	assert_int_equal(linux_profile_ops.remove(c), 0);
	assert_string_equal(f.log, "");
	hal_linux_backend.close(c);
	image_teardown(&im);
}

/* The stand-in for the TPM (support.c). */
static struct hal_keywrap fake_kw;

/* With the agent's key wrapping (a TPM), the profile's fscrypt key is
 * kept wrapped, is put back into the kernel from its wrapped copy, and
 * the wipe destroys the wrapped file. */
static void
test_wrapped_key(void **state)
{
	struct fscrypt_get_policy_ex_arg pol;
	struct fscrypt_remove_key_arg rm;
	struct image im;
	struct fake_run f;
	struct linux_ctx *c;
	char path[PATH_MAX * 2];
	uint8_t id[16], *file;
	struct stat st;
	size_t flen;
	int fd, rc;

	(void)state;
	if (!image_setup(&im)) {
		image_teardown(&im);
		skip();	/* no loop device or mount refused */
	}
	c = open_root(im.mnt, "");
	memset(&f, 0, sizeof(f));
	f.root = im.mnt;
	f.effect = accounts;
	fake_reply(&f, "pkill", "", 1);
	linux_set_runner(c, fake_runner, &f);
	test_keywrap(&fake_kw, NULL);
	assert_int_equal(linux_certstore_ops.set_keywrap(c, &fake_kw), 0);
	rc = linux_profile_ops.create(c);
	if (rc == -EOPNOTSUPP || rc == -ENOTTY) {
		hal_linux_backend.close(c);
		image_teardown(&im);
		skip();	/* the kernel has no fscrypt */
	}
	assert_int_equal(rc, 0);
	snprintf(path, sizeof(path), "%s/var/lib/warden/profile.key", im.mnt);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 64 + 4);
	file = (uint8_t *)test_read_file(path, &flen);
	assert_non_null(file);
	assert_memory_equal(file, "WRAP", 4);
	free(file);

	snprintf(path, sizeof(path), "%s/home/warden-work", im.mnt);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	memset(&pol, 0, sizeof(pol));
	pol.policy_size = sizeof(pol.policy);
	assert_int_equal(ioctl(fd, FS_IOC_GET_ENCRYPTION_POLICY_EX, &pol), 0);
	close(fd);
	memcpy(id, pol.policy.v2.master_key_identifier, 16);
	write_in(im.mnt, "/home/warden-work/notes.txt", MARKER "\n");

	/* Out of the kernel, back from the wrapped copy. */
	memset(&rm, 0, sizeof(rm));
	rm.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
	memcpy(rm.key_spec.u.identifier, id, 16);
	fd = open(im.mnt, O_RDONLY | O_DIRECTORY);
	assert_int_equal(ioctl(fd, FS_IOC_REMOVE_ENCRYPTION_KEY, &rm), 0);
	close(fd);
	assert_int_equal(linux_profile_ops.create(c), 0);
	assert_int_equal(key_status(im.mnt, id), FSCRYPT_KEY_STATUS_PRESENT);
	assert_file_eq(im.mnt, "/home/warden-work/notes.txt", MARKER "\n");

	assert_int_equal(linux_wipe_ops.wipe_profile(c), 0);
	assert_int_equal(key_status(im.mnt, id), FSCRYPT_KEY_STATUS_ABSENT);
	assert_false(exists_in(im.mnt, "/var/lib/warden/profile.key"));
	hal_linux_backend.close(c);
	image_teardown(&im);
}

static void
test_no_fscrypt(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c = open_root(root, "");
	struct fake_run f;
	bool exists;
	int rc;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.root = root;
	f.effect = accounts;
	linux_set_runner(c, fake_runner, &f);
	/* tmpfs or ext4 without the encrypt feature: refused, and no
	 * unencrypted home passes for a profile. */
	rc = linux_profile_ops.create(c);
	if (rc == 0)
		skip();	/* this file system does have fscrypt */
	assert_true(rc < 0);
	assert_int_equal(linux_profile_ops.status(c, &exists), 0);
	assert_false(exists);
	hal_linux_backend.close(c);
	remove_copy(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypto_erase),
		cmocka_unit_test(test_wrapped_key),
		cmocka_unit_test(test_no_fscrypt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
