# Passcode: the policy's passwordMinimumLength (10, ALPHANUMERIC) is
# what PAM enforces when the device user changes the password: passwd(1)
# run as the user on a pty (passwd_pty.py), through the PAM "passwd"
# stack (pam_pwquality, then pam_unix). Root is not asked: pam_pwquality
# only warns root unless enforce_for_root is set.

shadow_hash() {
	getent shadow user | cut -d: -f2
}
# chauthtok NEW: the device user changes the password (current one in
# $PW) to NEW.
PW=Initial-pass1
chauthtok() {
	python3 "$here/passwd_pty.py" user "$PW" "$1" 2>&1
}
until_ok 60 test -f /etc/security/pwquality.conf.d/50-warden.conf
before=$(shadow_hash)
out=$(chauthtok 'ab3cd5ef7')
rc=$?
after=$(shadow_hash)
[ $rc -ne 0 ] && [ "$before" = "$after" ] &&
	ok "PAM refuses a 9-character password under passwordMinimumLength 10" \
		"passwd exit $rc: $(echo "$out" | tr '\n' ' ' | cut -c1-200); /etc/shadow unchanged" ||
	not_ok "PAM refuses a too-short password" "exit $rc: $out"
out=$(chauthtok 'qv7mzk2wpx9t')
rc=$?
after=$(shadow_hash)
[ $rc -eq 0 ] && [ "$before" != "$after" ] &&
	PW=qv7mzk2wpx9t
	ok "PAM accepts a compliant 12-character password" \
		"passwd: $(echo "$out" | tail -n 1); the hash in /etc/shadow changed" ||
	not_ok "PAM accepts a compliant password" "exit $rc: $out"
len=$(scan_fact passcode.length)
[ "$len" = 10 ] && ok "the passcode facts follow (passcode.length $len)" ||
	not_ok "passcode.length is 10" "$len"
