# After REBOOT: the device came back MANAGED, and the server holds
# exactly one result of the REBOOT command.

ID=$(cat /var/lib/warden-system-tests/device-id)
C=$(cat /var/lib/warden-system-tests/reboot-command)
up=$(cut -d' ' -f1 /proc/uptime)
start_server
until_ok 120 state_is MANAGED &&
	ok "after REBOOT the agent is MANAGED again" "$(ctl status | grep -E '^(state|agent)')" ||
	not_ok "MANAGED after REBOOT" "$(ctl status)"
one() {
	[ "$(mdm results "$ID" | grep -c "^$C ")" -eq 1 ]
}
if until_ok 120 one; then
	sleep 5
	n=$(mdm results "$ID" | grep -c "^$C ")
	[ "$n" -eq 1 ] && ok "REBOOT rebooted the guest (up $up s); the server holds exactly one result" \
		"$(mdm results "$ID" | grep "^$C ")" ||
		not_ok "exactly one REBOOT result" "$(mdm results "$ID")"
else
	not_ok "one REBOOT result" "$(mdm results "$ID")"
fi
