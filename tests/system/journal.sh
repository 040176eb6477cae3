# Journal: a warning the test provokes (a policy the agent must reject)
# is in `journalctl -u wardend -p warning`.

since=$(date '+%Y-%m-%d %H:%M:%S')
policy_set cameraAccess '"CAMERA_ACCESS_SOMETIMES"'
warned() {
	journalctl -u wardend -p warning --since "$since" --no-pager |
		grep -q 'rejected'
}
until_ok 60 warned &&
	ok "journalctl -u wardend -p warning shows the rejected policy" \
		"$(journalctl -u wardend -p warning --since "$since" --no-pager -o cat | grep -m1 rejected | cut -c1-200)" ||
	not_ok "the warning is in the journal" "$(journalctl -u wardend --since "$since" --no-pager | tail -n 5)"
policy_set cameraAccess null
