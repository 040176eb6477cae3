# REBOOT: the command reboots the guest (systemctl reboot by the agent;
# QEMU, run with -no-reboot, ends and the host boots it again). The
# checks after the reboot are in after_reboot.sh.

ID=$(device_id)
echo "$ID" >/var/lib/warden-system-tests/device-id
next_boot 2
C=$(mdm command "$ID" REBOOT)
echo "$C" >/var/lib/warden-system-tests/reboot-command
echo "# REBOOT $C queued at $(cut -d' ' -f1 /proc/uptime) s"
REBOOTING=1
# The agent reboots the device; if it does not within 5 minutes, this
# boot ends and the next one reports it.
sleep 300
not_ok "REBOOT reboots the device within 300 s" "$(agent_log 10)"
REBOOTING=
