# Provisioning from a QR PNG and enrollment against wardenmdm in the
# guest (127.0.0.1): MANAGED, and the compliance report at the server.

if start_server; then
	ok "wardenmdm serves in the guest" "$(cat "$MDM_DIR/server.url")"
else
	not_ok "wardenmdm serves in the guest" "$(tail -n 5 /var/log/wardenmdm-test.log)"
fi
policy_set passwordPolicies '[{"passwordScope": "SCOPE_DEVICE",
  "passwordQuality": "ALPHANUMERIC", "passwordMinimumLength": 10,
  "maximumFailedPasswordsForWipe": 4}]'
mdm token new --mode FULLY_MANAGED --qr /tmp/qr.png >/dev/null
head -c 8 /tmp/qr.png | od -An -tx1 | grep -q '89 50 4e 47' &&
	ok "the server's token as a QR PNG" "$(ls -l /tmp/qr.png)" ||
	not_ok "a QR PNG"
out=$(ctl provision --qr-image /tmp/qr.png 2>&1)
if until_ok 120 state_is MANAGED; then
	ok "provisioned from the QR PNG and enrolled: MANAGED" \
		"$(ctl status | grep -E '^(state|device)')"
else
	not_ok "provisioned and enrolled: MANAGED" "$out
$(ctl status)
$(agent_log 30)
$(tail -n 10 /var/log/wardenmdm-test.log)"
fi
ID=$(device_id)
reported() {
	n=$(mdm reports "$ID" --count 2>/dev/null)
	[ "${n:-0}" -ge 1 ]
}
until_ok 120 reported &&
	ok "the compliance report reaches the server" \
		"$(mdm reports "$ID" --count) report(s); $(mdm devices | tail -n 1)" ||
	not_ok "the compliance report reaches the server" "$(mdm devices)"
