# Watchdog: a stopped agent sends no WATCHDOG=1; systemd kills and
# restarts it after WatchdogSec.

pid=$(systemctl show -p MainPID --value wardend.service)
n0=$(systemctl show -p NRestarts --value wardend.service)
ws=$(systemctl show -p WatchdogUSec --value wardend.service)
t=$(date +%s)
kill -STOP "$pid"
restarted() {
	p=$(systemctl show -p MainPID --value wardend.service)
	[ "$p" != "$pid" ] && [ "$p" != 0 ] &&
		[ "$(systemctl is-active wardend.service)" = active ]
}
if until_ok 180 restarted; then
	ok "SIGSTOP: systemd restarts wardend after WatchdogSec ($ws) in $(( $(date +%s) - t )) s" \
		"pid $pid -> $(systemctl show -p MainPID --value wardend.service), NRestarts $n0 -> $(systemctl show -p NRestarts --value wardend.service); $(journalctl -u wardend --no-pager | grep -m1 -i 'watchdog timeout')"
else
	not_ok "the watchdog restarts a stopped wardend" "$(systemctl status --no-pager wardend | head)"
fi
until_ok 60 state_is MANAGED
