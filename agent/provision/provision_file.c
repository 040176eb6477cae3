/*
 * provision_file.c - reads one bounded local file for the provisioning
 * parsers (token directory, zero-touch file, QR image).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/provision/provision.h"

int
prov_file_read(const char *path, size_t max, char **bufp, size_t *lenp,
    char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	*bufp = NULL;
	*lenp = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return prov_err(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		prov_err(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return prov_err(err, errlen, "%s: not a regular file", path);
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		close(fd);
		return prov_err(err, errlen, "%s: larger than %zu bytes", path,
		    max);
	}
	/* One byte more than allowed tells a file that grew meanwhile. */
	if ((buf = malloc(max + 2)) == NULL) {
		close(fd);
		return prov_err(err, errlen, "%s: out of memory", path);
	}
	for (;;) {
		n = read(fd, buf + len, max + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			prov_err(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			prov_err(err, errlen, "%s: larger than %zu bytes", path,
			    max);
			goto fail;
		}
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	close(fd);
	prov_secret_free(buf, max + 2);
	return -1;
}
