/*
 * linux_power.c - rebooting through systemd (`systemctl reboot`), which
 * stops services in order and syncs the file systems first.
 */
#include "hal/linux/linux.h"

static int
linux_power_reboot(void *ctx)
{
	static const char *const argv[] = { "systemctl", "reboot", NULL };

	return linux_run_argv(ctx, argv);
}

const struct hal_power_ops linux_power_ops = {
	.reboot = linux_power_reboot,
};
