/*
 * test_linux_path.c - root-confined file access: reads with bounds,
 * atomic idempotent writes, symlinks that cannot leave the root.
 */
#include <fcntl.h>

#include "tests/unit/hal/linux/linux_test.h"

static void
test_read_bounds(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c = open_root(root, "");
	char buf[8];
	long long v;
	size_t n;

	(void)state;
	write_in(root, "/a", "1234567");
	assert_int_equal(linux_read_file(c, "/a", buf, sizeof(buf), &n), 0);
	assert_int_equal(n, 7);
	assert_string_equal(buf, "1234567");
	write_in(root, "/a", "12345678");
	assert_int_equal(linux_read_file(c, "/a", buf, sizeof(buf), &n),
	    -EFBIG);
	assert_int_equal(linux_read_file(c, "/etc", buf, sizeof(buf), &n),
	    -EISDIR);
	assert_int_equal(linux_read_file(c, "etc/passwd", buf, sizeof(buf),
	    &n), -EINVAL);
	write_in(root, "/a", " 42 \nmo");
	assert_int_equal(linux_read_line(c, "/a", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "42");
	assert_int_equal(linux_read_int(c, "/a", &v), 0);
	assert_int_equal(v, 42);
	write_in(root, "/a", "4x\n");
	assert_int_equal(linux_read_int(c, "/a", &v), -EINVAL);
	write_in(root, "/a", "\n");
	assert_int_equal(linux_read_int(c, "/a", &v), -EINVAL);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_symlinks_stay_inside(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c = open_root(root, "");
	char link[PATH_MAX * 2], buf[256];

	(void)state;
	/* An absolute link and a ../ climb both resolve inside ROOT. */
	snprintf(link, sizeof(link), "%s/abs", root);
	assert_int_equal(symlink("/etc/passwd", link), 0);
	snprintf(link, sizeof(link), "%s/climb", root);
	assert_int_equal(symlink("../../../../../../../etc/passwd", link), 0);
	assert_int_equal(linux_read_file(c, "/abs", buf, sizeof(buf), NULL), 0);
	assert_non_null(strstr(buf, "pi:x:1000"));
	assert_int_equal(linux_read_file(c, "/climb", buf, sizeof(buf), NULL),
	    0);
	assert_non_null(strstr(buf, "pi:x:1000"));
	assert_int_equal(linux_read_file(c, "/../../../etc/passwd", buf,
	    sizeof(buf), NULL), 0);
	assert_non_null(strstr(buf, "pi:x:1000"));
	/* A link to a host file the tree lacks stays missing. */
	snprintf(link, sizeof(link), "%s/host", root);
	assert_int_equal(symlink("/etc/hostname", link), 0);
	assert_int_equal(linux_read_file(c, "/host", buf, sizeof(buf), NULL),
	    -ENOENT);
	/* Writes through links land inside too. */
	snprintf(link, sizeof(link), "%s/etc/out", root);
	assert_int_equal(symlink("/tmp", link), 0);
	assert_int_equal(linux_write_atomic(c, "/etc/out/x", "y", 1, 0644),
	    -ENOENT);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_write_atomic(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c = open_root(root, "");
	char path[PATH_MAX * 2];
	struct stat a, b;
	char **names;
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/new.conf", root);
	assert_int_equal(linux_write_atomic(c, "/etc/new.conf", "one\n", 4,
	    0600), 0);
	assert_file_eq(root, "/etc/new.conf", "one\n");
	assert_int_equal(stat(path, &a), 0);
	assert_int_equal(a.st_mode & 07777, 0600);
	/* The same bytes and mode: the file is not touched. */
	assert_int_equal(linux_write_atomic(c, "/etc/new.conf", "one\n", 4,
	    0600), 0);
	assert_int_equal(stat(path, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	/* New content: a new inode renamed over the old one. */
	assert_int_equal(linux_write_atomic(c, "/etc/new.conf", "two\n", 4,
	    0644), 0);
	assert_int_equal(stat(path, &b), 0);
	assert_true(a.st_ino != b.st_ino);
	assert_int_equal(b.st_mode & 07777, 0644);
	assert_file_eq(root, "/etc/new.conf", "two\n");
	/* No temporary file is left behind. */
	assert_int_equal(linux_list_dir(c, "/etc", 16, &names, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(names[0], "new.conf");
	assert_string_equal(names[1], "os-release");
	assert_string_equal(names[2], "passwd");
	assert_string_equal(names[3], "shadow");
	linux_names_free(names, n);
	assert_int_equal(linux_write_atomic(c, "/nodir/x", "y", 1, 0644),
	    -ENOENT);
	assert_int_equal(linux_write_atomic(c, "/", "y", 1, 0644), -EINVAL);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_dirs(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c = open_root(root, "");
	char **names;
	size_t n;

	(void)state;
	assert_int_equal(linux_mkdirs(c, "/a/b/c", 0700), 0);
	assert_int_equal(linux_mkdirs(c, "/a/b/c", 0700), 0);
	assert_int_equal(linux_write_atomic(c, "/a/b/c/f", "x", 1, 0644), 0);
	write_in(root, "/a/.hidden", "");
	assert_int_equal(linux_list_dir(c, "/a", 1, &names, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "b");
	linux_names_free(names, n);
	write_in(root, "/a/c", "");
	assert_int_equal(linux_list_dir(c, "/a", 1, &names, &n), -E2BIG);
	assert_int_equal(linux_list_dir(c, "/missing", 4, &names, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(linux_rmtree(c, "/a"), 0);
	assert_false(exists_in(root, "/a"));
	assert_int_equal(linux_rmtree(c, "/a"), 0);
	assert_int_equal(linux_unlink(c, "/nope/x"), 0);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_lines(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c = open_root(root, "");
	struct linux_lines l;
	char *big = malloc(6000);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', 5000);
	strcpy(big + 5000, "\nshort\nlast");
	write_in(root, "/lines", big);
	free(big);
	assert_int_equal(linux_lines_open(c, "/lines", &l), 0);
	assert_int_equal(linux_lines_next(&l), 1);
	assert_true(l.partial);
	assert_false(l.cont);
	assert_int_equal(linux_lines_next(&l), 1);
	assert_true(l.cont);
	assert_false(l.partial);
	assert_int_equal(strlen(l.buf), 5000 - 4095);
	assert_int_equal(linux_lines_next(&l), 1);
	assert_string_equal(l.buf, "short");
	assert_int_equal(l.lineno, 2);
	assert_int_equal(linux_lines_next(&l), 1);
	assert_string_equal(l.buf, "last");
	assert_false(l.partial);
	assert_int_equal(linux_lines_next(&l), 0);
	linux_lines_close(&l);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_helpers(void **state)
{
	char buf[8], s[] = " \t x y \n";

	(void)state;
	assert_string_equal(linux_trim(s), "x y");
	assert_int_equal(linux_join(buf, sizeof(buf), "/a", "b"), 0);
	assert_string_equal(buf, "/a/b");
	assert_int_equal(linux_join(buf, sizeof(buf), "/a/", "b"), 0);
	assert_string_equal(buf, "/a/b");
	assert_int_equal(linux_join(buf, sizeof(buf), "/abc", "defg"),
	    -ENAMETOOLONG);
	assert_int_equal(linux_pathf(buf, sizeof(buf), "/%s", "1234567"),
	    -ENAMETOOLONG);
	assert_string_equal(buf, "");
}

static void
test_symlink_atomic(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c = open_root(root, "");
	char link[PATH_MAX * 2], target[64];
	ssize_t n;

	(void)state;
	assert_int_equal(linux_symlink_atomic(c, "/usr/share/zoneinfo/UTC",
	    "/etc/localtime"), 0);
	assert_int_equal(linux_symlink_atomic(c, "/usr/share/zoneinfo/UTC",
	    "/etc/localtime"), 0);
	snprintf(link, sizeof(link), "%s/etc/localtime", root);
	n = readlink(link, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, "/usr/share/zoneinfo/UTC");
	hal_linux_backend.close(c);
	remove_copy(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_bounds),
		cmocka_unit_test(test_symlinks_stay_inside),
		cmocka_unit_test(test_write_atomic),
		cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_symlink_atomic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
