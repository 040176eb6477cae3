/*
 * netproc_sandbox.c - confines the network process (netproc.h): an empty
 * root, its own uid and gid, no capabilities, no new privileges. The
 * seccomp filter comes after (netproc_seccomp.c).
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/capability.h>

#include "agent/transport/netproc.h"

/* The root must be a root-owned directory only root can write, and
 * empty: the network process must find nothing there. */
static int
check_root(const char *root, char *err, size_t errlen)
{
	struct stat st;
	struct dirent *de;
	DIR *d;

	if (root[0] != '/') {
		snprintf(err, errlen, "%s: not an absolute path", root);
		return -1;
	}
	if (mkdir(root, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "mkdir %s: %s", root, strerror(errno));
		return -1;
	}
	if (lstat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", root);
		return -1;
	}
	if (st.st_uid != 0 || (st.st_mode & 022) != 0) {
		snprintf(err, errlen, "%s: must be owned by root and writable "
		    "by root only", root);
		return -1;
	}
	if ((d = opendir(root)) == NULL) {
		snprintf(err, errlen, "%s: %s", root, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			snprintf(err, errlen, "%s: not empty (%s)", root,
			    de->d_name);
			closedir(d);
			return -1;
		}
	closedir(d);
	return 0;
}

int
netproc_sandbox(const struct netproc_conf *c, char *err, size_t errlen)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;
	int cap, kept = 0;

	if (getuid() != 0 || geteuid() != 0) {
		log_warnx("sandbox: not started as root: it keeps "
		    "uid %d and the file system", (int)getuid());
		goto nnp;
	}
	if ((pw = getpwnam(c->user)) == NULL) {
		log_warnx("sandbox: no user %s: running as nobody",
		    c->user);
		if ((pw = getpwnam("nobody")) == NULL) {
			snprintf(err, errlen, "no user %s and no nobody",
			    c->user);
			return -1;
		}
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0) {
		snprintf(err, errlen, "user %s is root", pw->pw_name);
		return -1;
	}
	if (check_root(c->root, err, errlen) != 0)
		return -1;
	if (chroot(c->root) != 0 || chdir("/") != 0) {
		snprintf(err, errlen, "chroot %s: %s", c->root,
		    strerror(errno));
		return -1;
	}
	/* The bounding set: nothing can be regained, even by exec.
	 * Dropping needs CAP_SETPCAP, which a hardened unit withholds
	 * (wardend.service's CapabilityBoundingSet=): the capabilities it
	 * left in the bounding set then stay there, and no_new_privs
	 * (below, never skipped) is what keeps an exec from granting any;
	 * the permitted set is empty once uid 0 is left. */
	for (cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		if (errno == EPERM) {
			kept++;
			continue;
		}
		snprintf(err, errlen, "PR_CAPBSET_DROP: %s", strerror(errno));
		return -1;
	}
	if (setgroups(1, &gid) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0) {
		snprintf(err, errlen, "dropping to %s: %s", pw->pw_name,
		    strerror(errno));
		return -1;
	}
	/* Leaving uid 0 cleared the permitted and effective sets; make
	 * sure there is no way back. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		snprintf(err, errlen, "uid 0 could be regained");
		return -1;
	}
nnp:
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s",
		    strerror(errno));
		return -1;
	}
	if (kept > 0)
		log_debug("sandbox: no CAP_SETPCAP: %d capabilities stay in "
		    "the bounding set, unusable under no_new_privs", kept);
	return 0;
}
