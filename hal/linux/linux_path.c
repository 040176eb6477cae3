/*
 * linux_path.c - every file access of the Linux backend, confined to the
 * root prefix.
 *
 * Paths are absolute paths inside the root. They are resolved with
 * openat2(RESOLVE_IN_ROOT) against the root directory fd, so ".." and
 * absolute symlinks (Debian's /var/run -> /run, a fixture's link, a link
 * planted by an attacker) resolve inside the prefix, never outside it.
 * Kernels older than 5.6 lack openat2; there the plain openat() fallback
 * is only as safe as the tree is trusted (documented in docs/hal-linux.md).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hal/linux/linux.h"

#define RMTREE_DEPTH_MAX 64

int
linux_open(const struct linux_ctx *c, const char *path, int flags,
    mode_t mode)
{
	struct open_how how;
	const char *rel = path;
	long fd;

	if (path[0] != '/')
		return -EINVAL;
	while (*rel == '/')
		rel++;
	if (*rel == '\0')
		rel = ".";
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC);
	how.mode = (flags & O_CREAT) != 0 ? mode : 0;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, c->rootfd, rel, &how, sizeof(how));
	if (fd >= 0)
		return (int)fd;
	if (errno != ENOSYS)
		return -errno;
	fd = openat(c->rootfd, rel, flags | O_CLOEXEC, mode);
	return fd < 0 ? -errno : (int)fd;
}

/*
 * Opens the directory holding path and copies the last component to
 * base. "/" itself has no parent: -EINVAL.
 */
static int
open_parent(const struct linux_ctx *c, const char *path, char *base,
    size_t blen)
{
	char dir[LINUX_PATH_MAX];
	const char *slash;
	size_t dlen, n;

	if (path[0] != '/' || strlen(path) >= sizeof(dir))
		return path[0] != '/' ? -EINVAL : -ENAMETOOLONG;
	slash = strrchr(path, '/');
	n = strlen(slash + 1);
	if (n == 0 || n >= blen || strcmp(slash + 1, ".") == 0 ||
	    strcmp(slash + 1, "..") == 0)
		return -EINVAL;
	memcpy(base, slash + 1, n + 1);
	dlen = (size_t)(slash - path);
	memcpy(dir, path, dlen);
	dir[dlen] = '\0';
	if (dlen == 0)
		strcpy(dir, "/");
	return linux_open(c, dir, O_RDONLY | O_DIRECTORY, 0);
}

int
linux_lstat(const struct linux_ctx *c, const char *path, struct stat *st)
{
	char base[NAME_MAX + 1];
	int dfd, rc = 0;

	if (strcmp(path, "/") == 0)
		return linux_stat(c, path, st);
	if ((dfd = open_parent(c, path, base, sizeof(base))) < 0)
		return dfd;
	if (fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW) != 0)
		rc = -errno;
	close(dfd);
	return rc;
}

int
linux_stat(const struct linux_ctx *c, const char *path, struct stat *st)
{
	int fd, rc = 0;

	if ((fd = linux_open(c, path, O_PATH, 0)) < 0)
		return fd;
	if (fstat(fd, st) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int
read_fd(int fd, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	ssize_t r;
	char extra;

	while (n < cap - 1) {
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (n == cap - 1) {
		/* Full: one more byte means the file does not fit. */
		do
			r = read(fd, &extra, 1);
		while (r < 0 && errno == EINTR);
		if (r > 0)
			return -EFBIG;
	}
	if (len != NULL)
		*len = n;
	return 0;
}

int
linux_read_file(const struct linux_ctx *c, const char *path, char *buf,
    size_t cap, size_t *len)
{
	struct stat st;
	int fd, rc;

	if (cap == 0)
		return -EINVAL;
	buf[0] = '\0';
	if ((fd = linux_open(c, path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0)) < 0)
		return fd;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
	} else if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
	} else if (!S_ISREG(st.st_mode)) {
		/* A FIFO or device planted in place of a config file. */
		rc = -EINVAL;
	} else {
		rc = read_fd(fd, buf, cap, len);
	}
	close(fd);
	return rc;
}

int
linux_read_line(const struct linux_ctx *c, const char *path, char *buf,
    size_t cap)
{
	char *nl, *t;
	int rc;

	if ((rc = linux_read_file(c, path, buf, cap, NULL)) < 0)
		return rc;
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	t = linux_trim(buf);
	memmove(buf, t, strlen(t) + 1);
	return 0;
}

int
linux_read_int(const struct linux_ctx *c, const char *path, long long *v)
{
	char buf[32], *end;
	long long x;
	int rc;

	if ((rc = linux_read_line(c, path, buf, sizeof(buf))) < 0)
		return rc;
	if (buf[0] == '\0')
		return -EINVAL;
	errno = 0;
	x = strtoll(buf, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*v = x;
	return 0;
}

/* true when the file at dfd/base holds exactly data with this mode. */
static bool
same_content(int dfd, const char *base, const void *data, size_t len,
    mode_t mode)
{
	struct stat st;
	char *buf;
	size_t n;
	bool same = false;
	int fd;

	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 07777) == mode && (size_t)st.st_size == len &&
	    (buf = malloc(len + 2)) != NULL) {
		if (read_fd(fd, buf, len + 2, &n) == 0 && n == len &&
		    memcmp(buf, data, len) == 0)
			same = true;
		/* The file may hold a key or a Wi-Fi secret. */
		explicit_bzero(buf, len + 2);
		free(buf);
	}
	close(fd);
	return same;
}

/* ".base.XXXXXXXXXXXX": a fresh name next to base for the new copy. */
static int
tmp_name(const char *base, char *tmp, size_t len)
{
	unsigned char rnd[6];
	int n;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	n = snprintf(tmp, len, ".%s.%02x%02x%02x%02x%02x%02x", base, rnd[0],
	    rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int
linux_write_atomic(struct linux_ctx *c, const char *path, const void *data,
    size_t len, mode_t mode)
{
	char base[NAME_MAX + 1], tmp[NAME_MAX + 32];
	int dfd, fd, rc;

	if ((dfd = open_parent(c, path, base, sizeof(base) - 24)) < 0)
		return dfd;
	if (same_content(dfd, base, data, len, mode)) {
		close(dfd);
		return 0;
	}
	if (tmp_name(base, tmp, sizeof(tmp)) < 0) {
		close(dfd);
		return -EIO;
	}
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode & 0600);
	if (fd < 0) {
		rc = -errno;
		close(dfd);
		return rc;
	}
	/* The final mode only once the content is complete (umask aside). */
	rc = write_all(fd, data, len);
	if (rc == 0 && fchmod(fd, mode) != 0)
		rc = -errno;
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -EIO;
	if (rc == 0 && renameat(dfd, tmp, dfd, base) != 0)
		rc = -errno;
	if (rc != 0)
		unlinkat(dfd, tmp, 0);
	else if (fsync(dfd) != 0)
		rc = -errno;
	/* Read back: a full disk or a file system that lies shows here. */
	if (rc == 0 && !same_content(dfd, base, data, len, mode))
		rc = -EIO;
	close(dfd);
	return rc;
}

int
linux_write_attr(const struct linux_ctx *c, const char *path,
    const char *value)
{
	int fd, rc;

	if ((fd = linux_open(c, path, O_WRONLY | O_TRUNC | O_NOFOLLOW, 0)) < 0)
		return fd;
	rc = write_all(fd, value, strlen(value));
	if (close(fd) != 0 && rc == 0)
		rc = -EIO;
	return rc;
}

int
linux_unlink(const struct linux_ctx *c, const char *path)
{
	char base[NAME_MAX + 1];
	int dfd, rc = 0;

	if ((dfd = open_parent(c, path, base, sizeof(base))) < 0)
		return dfd == -ENOENT ? 0 : dfd;
	if (unlinkat(dfd, base, 0) != 0 && errno != ENOENT)
		rc = -errno;
	close(dfd);
	return rc;
}

int
linux_mkdirs(const struct linux_ctx *c, const char *path, mode_t mode)
{
	char part[LINUX_PATH_MAX];
	size_t i, n = strlen(path);
	int fd, rc;

	if (path[0] != '/' || n >= sizeof(part))
		return path[0] != '/' ? -EINVAL : -ENAMETOOLONG;
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		if (path[i - 1] == '/')
			continue;
		memcpy(part, path, i);
		part[i] = '\0';
		fd = linux_open(c, part, O_RDONLY | O_DIRECTORY, 0);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (fd != -ENOENT)
			return fd;
		{
			char base[NAME_MAX + 1];
			int dfd = open_parent(c, part, base, sizeof(base));

			if (dfd < 0)
				return dfd;
			rc = mkdirat(dfd, base, mode) != 0 && errno != EEXIST ?
			    -errno : 0;
			close(dfd);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int
rm_at(int dfd, const char *name, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, rc = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dfd, name, 0) != 0 && errno != ENOENT ?
		    -errno : 0;
	if (depth > RMTREE_DEPTH_MAX)
		return -ELOOP;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if ((d = fdopendir(fd)) == NULL) {
		rc = -errno;
		close(fd);
		return rc;
	}
	while ((de = readdir(d)) != NULL) {
		int r;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((r = rm_at(dirfd(d), de->d_name, depth + 1)) < 0 && rc == 0)
			rc = r;
	}
	closedir(d);
	if (rc == 0 && unlinkat(dfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		rc = -errno;
	return rc;
}

int
linux_rmtree(const struct linux_ctx *c, const char *path)
{
	char base[NAME_MAX + 1];
	int dfd, rc;

	if ((dfd = open_parent(c, path, base, sizeof(base))) < 0)
		return dfd == -ENOENT ? 0 : dfd;
	rc = rm_at(dfd, base, 0);
	close(dfd);
	return rc;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
linux_names_free(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
linux_list_dir(const struct linux_ctx *c, const char *path, size_t max,
    char ***names, size_t *n)
{
	struct dirent *de;
	char **v = NULL;
	size_t cnt = 0;
	DIR *d;
	int fd, rc = 0;

	*names = NULL;
	*n = 0;
	if ((fd = linux_open(c, path, O_RDONLY | O_DIRECTORY, 0)) < 0)
		return fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
	if ((d = fdopendir(fd)) == NULL) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if ((v = calloc(max + 1, sizeof(*v))) == NULL) {
		closedir(d);
		return -ENOMEM;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (cnt == max) {
			rc = -E2BIG;
			break;
		}
		if ((v[cnt] = strdup(de->d_name)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		cnt++;
	}
	closedir(d);
	if (rc < 0) {
		linux_names_free(v, cnt);
		return rc;
	}
	qsort(v, cnt, sizeof(*v), cmp_names);
	*names = v;
	*n = cnt;
	return 0;
}

int
linux_lines_open(const struct linux_ctx *c, const char *path,
    struct linux_lines *l)
{
	struct stat st;
	int fd;

	memset(l, 0, sizeof(*l));
	if ((fd = linux_open(c, path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0)) < 0)
		return fd;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((l->f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

int
linux_lines_next(struct linux_lines *l)
{
	size_t n;

	if (l->f == NULL || fgets(l->buf, sizeof(l->buf), l->f) == NULL)
		return 0;
	l->cont = l->partial;
	if (!l->cont)
		l->lineno++;
	n = strlen(l->buf);
	if (n > 0 && l->buf[n - 1] == '\n') {
		l->buf[n - 1] = '\0';
		l->partial = false;
	} else {
		l->partial = !feof(l->f);
	}
	return 1;
}

void
linux_lines_close(struct linux_lines *l)
{
	if (l->f != NULL)
		fclose(l->f);
	l->f = NULL;
}

char *
linux_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int
linux_join(char *out, size_t len, const char *dir, const char *name)
{
	int n;

	n = snprintf(out, len, "%s%s%s", dir,
	    dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int
linux_symlink_atomic(struct linux_ctx *c, const char *target,
    const char *path)
{
	char base[NAME_MAX + 1], tmp[NAME_MAX + 32], now[LINUX_PATH_MAX];
	ssize_t n;
	int dfd, rc = 0;

	if ((dfd = open_parent(c, path, base, sizeof(base) - 24)) < 0)
		return dfd;
	n = readlinkat(dfd, base, now, sizeof(now) - 1);
	if (n >= 0 && (size_t)n == strlen(target) &&
	    memcmp(now, target, (size_t)n) == 0) {
		close(dfd);
		return 0;
	}
	if (tmp_name(base, tmp, sizeof(tmp)) < 0) {
		close(dfd);
		return -EIO;
	}
	if (symlinkat(target, dfd, tmp) != 0)
		rc = -errno;
	else if (renameat(dfd, tmp, dfd, base) != 0) {
		rc = -errno;
		unlinkat(dfd, tmp, 0);
	} else if (fsync(dfd) != 0)
		rc = -errno;
	if (rc == 0) {
		n = readlinkat(dfd, base, now, sizeof(now) - 1);
		if (n < 0 || (size_t)n != strlen(target) ||
		    memcmp(now, target, (size_t)n) != 0)
			rc = -EIO;
	}
	close(dfd);
	return rc;
}

int
linux_pathf(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}
