/*
 * qrdecode_file.c - `wardenctl provision --qr-image FILE`: the picture is
 * decoded by warden-qrdecode, like a camera's frames, so that wardenctl
 * itself links no image library (it starts in a fraction of the time,
 * and a hostile picture meets only the confined decoder). Run as root
 * the decoder confines itself like the daemon's; run by an admin user it
 * keeps that user but still takes no new privileges and only the
 * system calls of its allow-list (qrdecode.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/provision/provision.h"
#include "agent/provision/qrdecode.h"

/* The installed decoder, else the one beside this program (a build
 * tree): both are as trusted as the program itself. */
static void
decoder_path(char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n;

	snprintf(out, len, "%s", CONFIG_QR_DECODER_PATH);
	if (access(out, X_OK) == 0)
		return;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return;
	self[n] = '\0';
	snprintf(out, len, "%s/warden-qrdecode", dirname(self));
}

/* Reads the whole file (at most PROV_IMAGE_MAX bytes) into *buf. */
static int
read_picture(const char *path, char **buf, size_t *len, char *err,
    size_t errlen)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > PROV_IMAGE_MAX) {
		snprintf(err, errlen, "not a picture file of 1 to %d bytes",
		    PROV_IMAGE_MAX);
		close(fd);
		return -1;
	}
	if ((*buf = malloc((size_t)st.st_size)) == NULL) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, *buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	*len = got;
	return 0;
}

int
qrdecode_file(const char *path, char *text, size_t cap, size_t *len,
    char *err, size_t errlen)
{
	struct qrdecode_conf conf;
	char *buf = NULL;
	size_t n = 0;
	int rc;

	*len = 0;
	if (cap > 0)
		text[0] = '\0';
	if (read_picture(path, &buf, &n, err, errlen) != 0)
		return -1;
	memset(&conf, 0, sizeof(conf));
	decoder_path(conf.path, sizeof(conf.path));
	snprintf(conf.user, sizeof(conf.user), "%s", CONFIG_NETWORK_USER);
	snprintf(conf.root, sizeof(conf.root), "%s", CONFIG_NETWORK_ROOT);
	/* A decoder that dies must not take the CLI with it. */
	signal(SIGPIPE, SIG_IGN);
	rc = qrdecode_run(&conf, buf, n, text, cap);
	free(buf);
	switch (rc) {
	case 0:
		*len = strlen(text);
		return 0;
	case -EAGAIN:
		snprintf(err, errlen, "no QR code found in the picture");
		return -2;
	case -EBADMSG:
		snprintf(err, errlen, "not a PNG or binary PGM picture, or a "
		    "QR code that is not a provisioning text");
		return -1;
	case -ENOENT:
		snprintf(err, errlen, "UNSUPPORTED: no QR decoder at %s",
		    conf.path);
		return -1;
	default:
		snprintf(err, errlen, "the QR decoder %s failed: %s",
		    conf.path, strerror(-rc));
		return -1;
	}
}
