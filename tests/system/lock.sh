# LOCK: the device user's logind session (the autologin on tty1) is
# locked: logind emits Lock, the image's lock screen (warden-image-locker)
# answers with SetLockedHint, and LockedHint is true.

session() {
	loginctl show-user user -p Display --value 2>/dev/null
}
until_ok 60 sh -c '[ -n "$(loginctl show-user user -p Display --value 2>/dev/null)" ]'
S=$(session)
[ -n "$S" ] && ok "the device user has a logind session on tty1" \
	"$(loginctl show-session "$S" -p Id -p TTY -p Type -p LockedHint | tr '\n' ' ')" ||
	not_ok "the device user has a session" "$(loginctl list-sessions)"
ID=$(device_id)
C=$(mdm command "$ID" LOCK)
locked() {
	[ "$(loginctl show-session "$S" -p LockedHint --value)" = yes ]
}
until_ok 60 locked &&
	ok "LOCK: the session's LockedHint is true" \
		"$(loginctl show-session "$S" -p Id -p LockedHint | tr '\n' ' '); result: $(mdm results "$ID" | grep "^$C ")" ||
	not_ok "LOCK: LockedHint" "$(loginctl show-session "$S"; mdm results "$ID"; journalctl -u wardend -n 5 --no-pager)"
