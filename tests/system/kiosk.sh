# Kiosk: a policy whose kiosk app is foot (a Wayland terminal) makes the
# HAL run it under cage on tty1 (warden-kiosk.service). The evidence is
# the processes: cage on tty1 holding the seat's DRM device, foot its
# child; foot killed, cage and systemd bring a new one; the policy
# without the kiosk app stops both, removes the unit and gives tty1 back
# to its getty.

UNIT=/etc/systemd/system/warden-kiosk.service
# app_pid: foot's pid when it runs as the child of a cage on tty1.
app_pid() {
	for p in $(pgrep -x foot); do
		pp=$(ps -o ppid= -p "$p" | tr -d ' ')
		[ "$(ps -o comm= -p "$pp")" = cage ] || continue
		[ "$(ps -o tty= -p "$pp" | tr -d ' ')" = tty1 ] || continue
		echo "$p"
		return 0
	done
	return 1
}
# cage_drm: the cage process holds a DRM device of the seat open.
cage_drm() {
	for p in $(pgrep -x cage); do
		ls -l /proc/"$p"/fd 2>/dev/null | grep -q '/dev/dri/card' && return 0
	done
	return 1
}
kiosk_evidence() {
	ps -o pid,ppid,user,tty,comm -C cage,foot 2>&1 | tr '\n' ';'
	echo
	systemctl status --no-pager -n 8 warden-kiosk.service 2>&1
	journalctl -b --no-pager -n 15 -t cage 2>&1
	fold -w 160 /dev/vcs1 2>/dev/null | grep -v '^ *$' | tail -n 8
}

policy_set kioskCustomization '{"statusBar": "NOTIFICATIONS_AND_SYSTEM_INFO_DISABLED",
  "systemNavigation": "NAVIGATION_DISABLED",
  "systemErrorWarnings": "ERROR_AND_WARNINGS_MUTED",
  "deviceSettings": "SETTINGS_ACCESS_BLOCKED",
  "powerButtonActions": "POWER_BUTTON_AVAILABLE"}'
policy_set applications '[{"packageName": "org.codeberg.dnkl.foot",
  "installType": "KIOSK", "command": "/usr/bin/foot"}]'
if until_ok 120 app_pid && until_ok 30 cage_drm; then
	p1=$(app_pid)
	ok "kiosk: foot runs under cage on tty1, cage holds the DRM device" \
		"$(ps -o pid,ppid,user,tty,args -p "$(ps -o ppid= -p "$p1" | tr -d ' ')","$p1" | tr '\n' ';') $(ls -l /proc/$(pgrep -x cage | head -n 1)/fd | grep -o '/dev/dri/card[0-9]*' | head -n 1); session: $(loginctl list-sessions --no-legend | grep tty1 | tr -s ' ')"
	kill -KILL "$p1"
	restarted() {
		p=$(app_pid) && [ "$p" != "$p1" ]
	}
	if until_ok 60 restarted; then
		ok "kiosk: the app killed, a new one runs under cage" \
			"foot $p1 -> $(app_pid); NRestarts $(systemctl show -p NRestarts --value warden-kiosk.service)"
	else
		not_ok "kiosk: the killed app is restarted" "$(kiosk_evidence)"
	fi
else
	not_ok "kiosk: foot runs under cage on tty1" "$(kiosk_evidence; agent_log)"
fi
policy_set applications null
# Left: cage and the app stopped, the unit gone, and the console the
# kiosk took (getty on tty1, the device user's autologin) back.
gone() {
	! pgrep -x cage >/dev/null && ! pgrep -x foot >/dev/null &&
		[ ! -e "$UNIT" ] &&
		[ "$(systemctl is-active getty@tty1.service)" = active ]
}
if until_ok 120 gone; then
	ok "kiosk left: no cage, no foot, the unit removed, the getty on tty1 back" \
		"warden-kiosk.service: $(systemctl show -p LoadState --value warden-kiosk.service); getty@tty1: $(systemctl is-active getty@tty1.service)"
else
	not_ok "kiosk left: cage stopped, the unit removed" "$(kiosk_evidence; agent_log)"
fi
policy_set kioskCustomization null
