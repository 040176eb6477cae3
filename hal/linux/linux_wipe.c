/*
 * linux_wipe.c - factory reset and selective wipe.
 *
 * A generic Linux system has no factory reset: how to return to the
 * factory image (a recovery partition, an A/B slot, re-flashing /data) is
 * the device maker's. warden runs the OEM's hook, /etc/warden/factory-
 * reset-hook, when it is a regular executable file owned by root and
 * writable by root only; without one the reset is unsupported (-ENOSYS),
 * never silently skipped. The selective wipe is linux_profile.c's.
 */
#include <errno.h>
#include <sys/stat.h>

#include "hal/linux/linux.h"

#define RESET_HOOK "/etc/warden/factory-reset-hook"

static int
linux_wipe_factory_reset(void *ctx)
{
	static const char *const argv[] = { RESET_HOOK, NULL };
	struct linux_ctx *c = ctx;
	struct stat st;
	int rc;

	if ((rc = linux_lstat(c, RESET_HOOK, &st)) == -ENOENT)
		return -ENOSYS;
	if (rc < 0)
		return rc;
	/* Anyone who can replace the hook could run code as root. */
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
	    (st.st_mode & S_IXUSR) == 0)
		return -EPERM;
	return linux_run_argv(c, argv);
}

static int
linux_wipe_profile(void *ctx)
{
	return linux_profile_wipe(ctx);
}

const struct hal_wipe_ops linux_wipe_ops = {
	.factory_reset = linux_wipe_factory_reset,
	.wipe_profile = linux_wipe_profile,
};
