# One power cut: a new policy is put in force at the server and, once the
# agent is enforcing it, this line is printed: "# applying". The host
# kills QEMU as soon as it reads it (tools/vm/system-check), so the
# guest loses power in the middle of the apply: no sync, no unmount.

start_server
until_ok 180 state_is MANAGED || not_ok "MANAGED before the power cut" "$(ctl status)"
n=$(( $(cat /var/lib/warden-system-tests/cuts 2>/dev/null || echo 0) + 1 ))
echo "$n" >/var/lib/warden-system-tests/cuts
# Alternate two policies that differ in several settings, so the apply
# has several steps (each journalled in the store before it runs).
if [ $((n % 2)) -eq 1 ]; then
	len=12 cam=CAMERA_ACCESS_DISABLED usb=DISALLOW_USB_DATA_TRANSFER sc=true
else
	len=10 cam=CAMERA_ACCESS_ENABLED usb=ALLOW_USB_DATA_TRANSFER sc=false
fi
POLICY_NO_SEND=1 policy_set passwordPolicies "[{\"passwordScope\": \"SCOPE_DEVICE\",
  \"passwordQuality\": \"ALPHANUMERIC\", \"passwordMinimumLength\": $len,
  \"maximumFailedPasswordsForWipe\": 4}]"
POLICY_NO_SEND=1 policy_set cameraAccess "\"$cam\""
POLICY_NO_SEND=1 policy_set usbDataAccess "\"$usb\""
policy_set screenCaptureDisabled "$sc"
sync
enforcing() {
	ctl policy show --json | json_get enforcing | grep -qx true
}
if until_ok 120 enforcing; then
	echo "# applying version $(policy_version) (cut $n)"
	sleep 120
	echo "# the power was not cut"
else
	echo "# version $(policy_version) was not seen enforcing (cut $n)"
fi
