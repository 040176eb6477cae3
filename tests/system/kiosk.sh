# Kiosk: the policy's KIOSK app runs under cage (warden-kiosk.service, as
# the device user); the app killed is started again; leaving kiosk mode
# removes the unit and the app is gone.

app_pid() {
	pgrep -u user -x foot | head -n 1
}
policy_set applications '[{"packageName": "org.warden.kioskapp",
  "installType": "KIOSK", "command": "/usr/bin/foot"}]'
if until_ok 180 app_pid; then
	p1=$(app_pid)
	ok "kiosk: the app runs under cage as the device user" \
		"$(systemctl is-active warden-kiosk.service); $(ps -o user=,pid=,args= -p "$(pgrep -u user -x cage)" -p "$p1" | tr '\n' ';')"
	kill -KILL "$p1"
	restarted() {
		p=$(app_pid)
		[ -n "$p" ] && [ "$p" != "$p1" ]
	}
	until_ok 60 restarted &&
		ok "kiosk: the app killed is started again" "pid $p1 -> $(app_pid); NRestarts $(systemctl show -p NRestarts --value warden-kiosk.service)" ||
		not_ok "kiosk: the app is restarted" "$(systemctl status --no-pager warden-kiosk.service | tail -n 8)"
else
	not_ok "kiosk: the app runs under cage" \
		"$(systemctl status --no-pager warden-kiosk.service 2>&1 | tail -n 12; agent_log 8)"
fi
policy_set applications null
gone() {
	[ ! -e /etc/systemd/system/warden-kiosk.service ] && [ -z "$(app_pid)" ] &&
		! systemctl is-active -q warden-kiosk.service
}
until_ok 120 gone &&
	ok "leaving kiosk mode removes the unit; the app is gone" \
		"$(systemctl is-active warden-kiosk.service); unit file: $(ls /etc/systemd/system/warden-kiosk.service 2>&1 | cut -c1-80)" ||
	not_ok "leaving kiosk mode removes the unit" "$(systemctl status --no-pager warden-kiosk.service 2>&1 | head -n 5)"
