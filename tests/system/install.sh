# The packages are installed, and wardend starts under its hardened unit.

for p in warden warden-mdm; do
	st=$(dpkg-query -W -f '${Status} ${Version}' "$p" 2>&1)
	case "$st" in
	"install ok installed "*) ok "package $p installed" "dpkg: $st" ;;
	*) not_ok "package $p installed" "dpkg: $st" ;;
	esac
done

# Type=notify: `systemctl start` returns once the agent sent READY=1.
systemctl stop wardend.service
t=$(date +%s%N)
systemctl start wardend.service
rc=$?
ms=$(( ($(date +%s%N) - t) / 1000000 ))
act=$(systemctl is-active wardend.service)
typ=$(systemctl show -p Type --value wardend.service)
[ $rc -eq 0 ] && [ "$act" = active ] && [ "$typ" = notify ] &&
	ok "systemctl start wardend: active through Type=notify ($ms ms)" \
		"is-active: $act, Type=$typ" ||
	not_ok "systemctl start wardend: active through Type=notify" \
		"start exit $rc, is-active: $act, Type=$typ"

# STATUS= of sd_notify, as systemctl status shows it.
st=$(systemctl status --no-pager wardend.service 2>&1 | grep -m1 '^ *Status:')
[ -n "$st" ] && ok "systemctl status shows the agent's STATUS=" "$st" ||
	not_ok "systemctl status shows STATUS=" \
		"$(systemctl status --no-pager wardend.service 2>&1 | head -n 12)"

# The hardened unit: an exposure level of at most 3.0.
sec=$(systemd-analyze security --no-pager wardend.service 2>&1 | tail -n 1)
lvl=$(echo "$sec" | sed -n 's/.*Overall exposure level for wardend.service: \([0-9.]*\).*/\1/p')
[ -n "$lvl" ] && awk -v l="$lvl" 'BEGIN { exit !(l <= 3.0) }' &&
	ok "systemd-analyze security wardend <= 3.0" "$sec" ||
	not_ok "systemd-analyze security wardend <= 3.0" "$sec"
