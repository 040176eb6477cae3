/*
 * linux_power.c - rebooting through systemd (`systemctl reboot`), which
 * stops services in order and syncs the file systems first; and the OS
 * update, which is the device maker's (RAUC, SWUpdate, an A/B script):
 * warden runs the OEM's hook, /etc/warden/os-update-hook URI, when it is
 * a regular executable file owned by root and writable by root only;
 * without one the update is unsupported (-ENOSYS), never silently
 * skipped.
 */
#include <errno.h>
#include <sys/stat.h>

#include "hal/linux/linux.h"

#define OS_UPDATE_HOOK "/etc/warden/os-update-hook"

static int
linux_power_reboot(void *ctx)
{
	static const char *const argv[] = { "systemctl", "reboot", NULL };

	return linux_run_argv(ctx, argv);
}

static int
linux_power_os_update(void *ctx, const char *uri)
{
	const char *argv[] = { OS_UPDATE_HOOK, uri, NULL };
	struct linux_ctx *c = ctx;
	struct stat st;
	int rc;

	if ((rc = linux_lstat(c, OS_UPDATE_HOOK, &st)) == -ENOENT)
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

const struct hal_power_ops linux_power_ops = {
	.reboot = linux_power_reboot,
	.os_update = linux_power_os_update,
};
