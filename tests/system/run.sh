#!/bin/sh
# run.sh - the system tests, in the booted reference image
# (warden-system-tests.service starts it when the kernel command line
# holds warden.systemtest=MODE). Lines go to the virtio serial result
# channel; tools/vm/system-check counts them.
#
#   full      every check; the REBOOT check asks for a second boot, which
#             runs the checks that follow a reboot
#   smoke     the arm64 subset: install, ready, a standalone policy,
#             compliance, the camera, then (retired) enrollment:
#             MANAGED, the report at the server
#   powercut  one policy apply that the host cuts short (QEMU killed;
#             only with WARDEN_POWERCUTS=N)
#   converge  after the reboots (and power cuts): the store and the
#             policy, the wipe path (it ends management), then the work
#             profile (the device provisioned again in a work-profile mode)
here=/usr/lib/warden/system-tests
. "$here/lib.sh"
port=/dev/virtio-ports/warden.results
i=0
while [ ! -e "$port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$port" ] && exec >"$port" 2>&1
mode=$(sed -n 's/.*warden\.systemtest=\([a-z]*\).*/\1/p' /proc/cmdline)
# Every unit of the boot has started (or failed) before any check.
systemctl is-system-running --wait >/dev/null 2>&1
echo "# $mode: system up $(cut -d' ' -f1 /proc/uptime) s after the kernel started"
t0=$(date +%s)

# warden.checks=a,b on the command line: only those (a focused run).
only=$(sed -n 's/.*warden\.checks=\([a-z_,]*\).*/\1/p' /proc/cmdline)
checks() {
	for c in "$@"; do
		case ",${only:-$c}," in *",$c,"*) ;; *) continue ;; esac
		echo "# --- $c"
		. "$here/$c.sh"
	done
}

case "$mode" in
full)
	stage=$(cat "$STAGE_FILE" 2>/dev/null || echo 1)
	if [ "$stage" = 1 ]; then
		checks install enroll passcode camera usb lock kiosk \
			watchdog journal posture reboot
		# (a focused run without the REBOOT check ends here)
		[ -n "${REBOOTING:-}" ] || echo "# end of tests"
	else
		checks after_reboot
		echo "# end of tests"
	fi
	;;
smoke)
	checks install standalone camera
	# A standalone device is retired before it is provisioned.
	ctl retire --yes >/dev/null 2>&1
	checks enroll
	echo "# end of tests"
	;;
powercut)
	checks powercut
	;;
converge)
	checks converge wipe profile
	echo "# end of tests"
	;;
*)
	echo "not ok - warden.systemtest=$mode is a known mode"
	;;
esac
echo "# $mode: checks took $(( $(date +%s) - t0 )) s"
sync
# The REBOOT check lets warden reboot the device; everything else ends
# the boot here.
[ -n "${REBOOTING:-}" ] || systemctl poweroff
