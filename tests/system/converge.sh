# After the power cuts: the agent's store passes SQLite's integrity_check
# and the last policy converges: every setting applied, and the device
# shows it (pwquality's minlen, the camera, the USB rule).

cuts=$(cat /var/lib/warden-system-tests/cuts 2>/dev/null || echo 0)
echo "# cut $cuts left $(journalctl -b -u wardend -o cat --no-pager |
	sed -n 's/^pending steps at start: //p' | head -n 1) pending steps in the store"
start_server
until_ok 180 state_is MANAGED
ic=$(sqlite3 -readonly /var/lib/warden/warden.db 'PRAGMA integrity_check' 2>&1)
[ "$ic" = ok ] && ok "after $cuts power cuts the store passes integrity_check" "integrity_check: $ic" ||
	not_ok "integrity_check after the power cuts" "$ic"
v=$(policy_version)
converged() {
	ctl policy show --json >/tmp/show.json || return 1
	python3 - /tmp/show.json "$v" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
ok = (str(s.get("version")) == sys.argv[2] and not s.get("enforcing")
      and all(x.get("status") == "applied" for x in s.get("settings", [])))
sys.exit(0 if ok else 1)
PY
}
if until_ok 180 converged; then
	len=$(sed -n 's/^minlen = //p' /etc/security/pwquality.conf.d/50-warden.conf)
	want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["passwordPolicies"][0]["passwordMinimumLength"])' "$POLICY")
	usbrule=no
	[ -f /etc/udev/rules.d/70-warden-usb.rules ] && usbrule=yes
	wantusb=no
	grep -q DISALLOW_USB "$POLICY" && wantusb=yes
	[ "$len" = "$want" ] && [ "$usbrule" = "$wantusb" ] &&
		ok "the policy converges: version $v applied, on the device too" \
			"pwquality minlen $len (want $want), USB rule $usbrule (want $wantusb)" ||
		not_ok "the device follows the converged policy" "minlen $len want $want; usb rule $usbrule want $wantusb"
else
	not_ok "the policy converges after the power cuts" "$(ctl policy show; agent_log)"
fi
