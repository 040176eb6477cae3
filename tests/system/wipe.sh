# The wipe path: failed logins counted by pam_faillock (the image's
# common-auth) reach maximumFailedPasswordsForWipe (4, faillock's deny=)
# and the agent wipes: the OEM factory-reset hook of the image records
# that it ran. Last of all: the device leaves management.

deny=$(sed -n 's/^ *deny *= *//p' /etc/security/faillock.conf)
[ "$deny" = 4 ] && ok "faillock.conf deny = maximumFailedPasswordsForWipe (4)" \
	"$(grep -n '^ *deny' /etc/security/faillock.conf)" ||
	not_ok "faillock.conf deny = 4" "deny=$deny"
rm -f /etc/warden/factory-reset.log
i=0
while [ $i -lt 4 ]; do
	echo 'not-the-password' | pamtester login user authenticate >/dev/null 2>&1 &&
		not_ok "a wrong password is refused"
	i=$((i + 1))
done
fails=$(faillock --user user | grep -c ' V$\| V ')
[ "$fails" -ge 4 ] && ok "pam_faillock counted $fails failed logins" \
	"$(faillock --user user | tail -n 4 | tr '\n' ';')" ||
	not_ok "pam_faillock counted 4 failed logins" "$(faillock --user user)"
ctl scan >/dev/null 2>&1
if until_ok 120 test -s /etc/warden/factory-reset.log; then
	ok "the failed attempts start the wipe: the OEM factory-reset hook ran" \
		"$(cat /etc/warden/factory-reset.log); journal: $(journalctl -t warden-factory-reset -o cat --no-pager | tail -n 1)"
else
	not_ok "the wipe runs the factory-reset hook" "$(agent_log 20)"
fi
journalctl -u wardend -p warning --no-pager -o cat | grep -q 'failed passcode attempts reach maximumFailedPasswordsForWipe' &&
	ok "the agent says why it wiped" \
		"$(journalctl -u wardend -p warning --no-pager -o cat | grep -m1 'maximumFailedPasswordsForWipe')" ||
	not_ok "the agent logs the wipe's reason" "$(agent_log 10)"
