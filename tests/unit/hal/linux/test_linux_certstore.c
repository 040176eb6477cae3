/*
 * test_linux_certstore.c - the sealing key file, secrets wrapped by the
 * agent's key wrapping, and CA certificates.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
test_sealing_key(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c = open_root(root, "");
	uint8_t a[32], b[32], zero[32];
	char path[PATH_MAX * 2];
	struct stat st;

	(void)state;
	memset(zero, 0, sizeof(zero));
	assert_int_equal(linux_certstore_ops.sealing_key(c, a), 0);
	assert_memory_not_equal(a, zero, sizeof(a));
	snprintf(path, sizeof(path), "%s/var/lib/warden/sealing.key", root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 32);
	/* The same key every time. */
	assert_int_equal(linux_certstore_ops.sealing_key(c, b), 0);
	assert_memory_equal(a, b, sizeof(a));
	/* Readable by others: refused, and the output zeroised. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(linux_certstore_ops.sealing_key(c, b), -EPERM);
	assert_memory_equal(b, zero, sizeof(b));
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(truncate(path, 31), 0);
	assert_int_equal(linux_certstore_ops.sealing_key(c, b), -EINVAL);
	hal_linux_backend.close(c);
	remove_copy(root);
}

/* The stand-in for the TPM (support.c). */
static int wrap_fail;
static struct hal_keywrap fake_kw;

static void
test_wrapped_secrets(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c = open_root(root, "");
	uint8_t a[32], b[32], zero[32], *file;
	char path[PATH_MAX * 2];
	struct stat st;
	size_t flen;

	(void)state;
	memset(zero, 0, sizeof(zero));
	snprintf(path, sizeof(path), "%s/var/lib/warden/sealing.key", root);
	/* A plain key from before the TPM... */
	assert_int_equal(linux_certstore_ops.sealing_key(c, a), 0);
	test_keywrap(&fake_kw, &wrap_fail);
	assert_int_equal(linux_certstore_ops.set_keywrap(c, &fake_kw), 0);
	/* ...reads back the same and is wrapped in place. */
	assert_int_equal(linux_certstore_ops.sealing_key(c, b), 0);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 36);
	assert_int_equal(st.st_mode & 07777, 0600);
	file = (uint8_t *)test_read_file(path, &flen);
	assert_non_null(file);
	assert_memory_equal(file, "WRAP", 4);
	assert_null(memmem(file, flen, a, sizeof(a)));
	free(file);
	assert_int_equal(linux_certstore_ops.sealing_key(c, b), 0);
	assert_memory_equal(a, b, sizeof(a));
	/* A refused unwrap (another TPM): an error, nothing returned. */
	wrap_fail = 1;
	assert_int_equal(linux_certstore_ops.sealing_key(c, b), -EACCES);
	assert_memory_equal(b, zero, sizeof(b));
	wrap_fail = 0;
	/* Without the wrapping a wrapped file is not a key. */
	assert_int_equal(linux_certstore_ops.set_keywrap(c, NULL), 0);
	assert_int_equal(linux_certstore_ops.sealing_key(c, b), -EINVAL);
	/* A new secret is written wrapped from the start. */
	test_keywrap(&fake_kw, &wrap_fail);
	assert_int_equal(linux_certstore_ops.set_keywrap(c, &fake_kw), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(linux_certstore_ops.sealing_key(c, a), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 36);
	assert_int_equal(linux_certstore_ops.sealing_key(c, b), 0);
	assert_memory_equal(a, b, sizeof(a));
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_state_option(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c = open_root(root, ",state=/data/warden");
	uint8_t k[32];

	(void)state;
	assert_int_equal(linux_certstore_ops.sealing_key(c, k), 0);
	assert_true(exists_in(root, "/data/warden/sealing.key"));
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_install_ca(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c = open_root(root, "");
	uint8_t der[300];
	size_t len;

	(void)state;
	memset(der, 0x11, sizeof(der));
	der[0] = 0x30;
	der[1] = 0x82;
	der[2] = 0x01;
	der[3] = 0x00;
	assert_int_equal(linux_certstore_ops.install_ca(c, "corp-root", der,
	    260), 0);
	assert_true(exists_in(root, "/var/lib/warden/ca/corp-root.der"));
	/* The length field must account for every byte. */
	assert_int_equal(linux_certstore_ops.install_ca(c, "x", der, 261),
	    -EINVAL);
	der[1] = 0x05;
	assert_int_equal(linux_certstore_ops.install_ca(c, "x", der, 7), 0);
	assert_int_equal(linux_certstore_ops.install_ca(c, "x", der, 8),
	    -EINVAL);
	der[0] = 0x31;
	assert_int_equal(linux_certstore_ops.install_ca(c, "x", der, 7),
	    -EINVAL);
	der[0] = 0x30;
	/* Non-minimal long form. */
	der[1] = 0x81;
	der[2] = 0x04;
	assert_int_equal(linux_certstore_ops.install_ca(c, "x", der, 7),
	    -EINVAL);
	der[1] = 0x05;
	len = 7;
	assert_int_equal(linux_certstore_ops.install_ca(c, "../x", der, len),
	    -EINVAL);
	assert_int_equal(linux_certstore_ops.install_ca(c, ".x", der, len),
	    -EINVAL);
	assert_int_equal(linux_certstore_ops.install_ca(c, "", der, len),
	    -EINVAL);
	hal_linux_backend.close(c);
	remove_copy(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sealing_key),
		cmocka_unit_test(test_wrapped_secrets),
		cmocka_unit_test(test_state_option),
		cmocka_unit_test(test_install_ca),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
