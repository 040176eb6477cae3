# Camera: vivid, a V4L2 capture driver of Debian's kernel. The policy's
# cameraAccess makes the device unusable (node gone or open failing), a
# reload of the driver is blocked again within 1 s by the hot-plug path,
# and allowing brings it back. The evidence is the device itself: a
# frame captured or not.

# usable: a capture device answers and gives a frame.
usable() {
	for d in /sys/class/video4linux/video*; do
		[ -e "$d" ] || continue
		n=/dev/${d##*/}
		v4l2-ctl -d "$n" --stream-mmap --stream-count=1 \
			--stream-to=/dev/null >/dev/null 2>&1 && return 0
	done
	return 1
}
modprobe vivid
until_ok 10 usable &&
	ok "vivid gives a working camera" "$(ls /sys/class/video4linux | tr '\n' ' ')" ||
	not_ok "vivid gives a working camera" "$(dmesg | grep -i vivid | tail -n 3)"
policy_set cameraAccess '"CAMERA_ACCESS_DISABLED"'
if until_ok 120 sh -c '! usable'; then
	ok "cameraAccess DISABLED: the camera gives no frame" \
		"video nodes: $(ls /sys/class/video4linux 2>/dev/null | tr '\n' ' ')"
else
	not_ok "cameraAccess DISABLED: the camera gives no frame"
fi
# blocked_now: vivid's platform device is there and no driver is bound
# to it (what the HAL's unbind leaves; its video nodes go with the
# driver).
blocked_now() {
	[ -e /sys/bus/platform/devices/vivid.0 ] &&
		[ ! -e /sys/bus/platform/devices/vivid.0/driver ]
}
modprobe -r vivid
modprobe vivid
t=$(date +%s%N)
until_ok 5 blocked_now
ms=$(( ($(date +%s%N) - t) / 1000000 ))
if [ $ms -le 1000 ] && ! usable; then
	ok "modprobe -r vivid; modprobe vivid: blocked again in $ms ms, no scan" \
		"vivid.0 unbound ${ms} ms after modprobe returned (driver: $(readlink /sys/bus/platform/devices/vivid.0/driver || echo none)); video nodes: $(ls /sys/class/video4linux | tr '\n' ' '); no frame"
else
	not_ok "re-probed camera blocked again within 1 s" \
		"$ms ms; $(ls -l /sys/bus/platform/devices/vivid.0/driver 2>&1); hal.errors: $(scan_fact hal.errors); $(agent_log 6)"
fi
[ "$(scan_fact camera.blocked)" = true ] &&
	ok "camera.blocked true" || not_ok "camera.blocked true" "$(fact camera.blocked)"
policy_set cameraAccess '"CAMERA_ACCESS_USER_CHOICE"'
until_ok 120 usable &&
	ok "cameraAccess ENABLED: the camera gives frames again" \
		"$(ls /sys/class/video4linux | tr '\n' ' ')" ||
	not_ok "allowing the camera brings it back" "$(ls /sys/class/video4linux)"
[ "$(scan_fact camera.blocked)" = false ] &&
	ok "camera.blocked false" || not_ok "camera.blocked false" "$(fact camera.blocked)"
modprobe -r vivid
