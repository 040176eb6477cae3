# One power cut: a new policy is put in force at the server and, as soon
# as the agent has journalled its steps as pending in the store, this
# line is printed: "# applying". The host kills QEMU the moment it reads
# it (tools/vm/system-check), so the guest loses power in the middle of
# the apply: no sync, no unmount.

# What the previous cut left: steps journalled but not finished.
pending_at_start() {
	journalctl -b -u wardend -o cat --no-pager |
		sed -n 's/^pending steps at start: //p' | head -n 1
}
n=$(( $(cat /var/lib/warden-system-tests/cuts 2>/dev/null || echo 0) + 1 ))
[ $n -gt 1 ] && echo "# cut $((n - 1)) left $(pending_at_start) pending steps in the store"
start_server
until_ok 180 state_is MANAGED || not_ok "MANAGED before the power cut" "$(ctl status)"
# The agent applies what the last cut interrupted first; then the next.
until_ok 120 sh -c '! ctl policy show --json | grep -q "\"enforcing\": *true"'
echo "$n" >/var/lib/warden-system-tests/cuts
# Two policies, alternating, that differ in several settings: the apply
# has several steps, each journalled in the store before it runs.
if [ $((n % 2)) -eq 1 ]; then
	len=12 cam=CAMERA_ACCESS_DISABLED usb=DISALLOW_USB_DATA_TRANSFER sc=true
else
	len=10 cam=CAMERA_ACCESS_USER_CHOICE usb=ALLOW_USB_DATA_TRANSFER sc=false
fi
POLICY_NO_SEND=1 policy_set passwordPolicies "[{\"passwordScope\": \"SCOPE_DEVICE\",
  \"passwordQuality\": \"ALPHANUMERIC\", \"passwordMinimumLength\": $len,
  \"maximumFailedPasswordsForWipe\": 4}]"
POLICY_NO_SEND=1 policy_set cameraAccess "\"$cam\""
POLICY_NO_SEND=1 policy_set usbDataAccess "\"$usb\""
POLICY_NO_SEND=1 policy_set screenCaptureDisabled "$sc"
# The cut lands while steps are journalled pending: the guest watches
# the store (pending_watch.py) and freezes the agent the moment an apply
# has journalled its steps, so the host's reaction time (tens of ms)
# cannot let the apply finish first; then "# applying" asks the host to
# cut the power.
pid=$(systemctl show -p MainPID --value wardend.service)
python3 "$here/pending_watch.py" /var/lib/warden/warden.db "$pid" 120 \
	>/tmp/pending &
watch=$!
# (python's start alone can take seconds on a loaded TCG guest)
until_ok 60 grep -qx armed /tmp/pending
mdm policy set "$POLICY" >/dev/null
if wait $watch; then
	echo "# applying version $(policy_version) (cut $n): $(tail -n 1 /tmp/pending) steps pending, agent stopped"
	sleep 120
	echo "# the power was not cut"
else
	echo "# version $(policy_version) was not seen enforcing (cut $n)"
	ctl status | grep -E '^(server|last contact|next retry|server error)' | sed 's/^/#   /'
	agent_log 12 | sed 's/^/#   /'
fi
