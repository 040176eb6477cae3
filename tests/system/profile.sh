# Work profile: provisioned again, as WORK_PROFILE_COMPANY_OWNED, the
# device gets the profile account with an fscrypt-encrypted home; files
# written as that user; CLEAR_APP_DATA (the selective wipe) removes the
# key from the kernel, the files and the account's processes, and leaves
# the personal user's files alone. (Run after the wipe check, which left
# the device unprovisioned.)

until_ok 120 state_is UNPROVISIONED ||
	not_ok "the device is unprovisioned after the wipe" "$(ctl status)"
echo "personal data" >/home/user/personal.txt
start_server
mdm token new --mode WORK_PROFILE_COMPANY_OWNED --qr /tmp/qr-wp.png >/dev/null
ctl provision --qr-image /tmp/qr-wp.png >/dev/null 2>&1
until_ok 180 state_is MANAGED
P=warden-work
has_profile() {
	getent passwd $P >/dev/null && [ -d /home/$P ] &&
		python3 "$here/fscrypt_key.py" policy /home/$P >/dev/null
}
if until_ok 180 has_profile; then
	KEY=$(python3 "$here/fscrypt_key.py" policy /home/$P)
	ok "the work profile: account $P, home encrypted with fscrypt" \
		"$(getent passwd $P); key $KEY: $(python3 "$here/fscrypt_key.py" status /home "$KEY")"
else
	not_ok "the work profile is created" "$(getent passwd $P); $(ctl status | head -n 3); $(agent_log 10)"
fi
PUID=$(id -u $P 2>/dev/null)
runuser -u $P -- sh -c 'echo "work secret" > /home/warden-work/secret.txt'
runuser -u $P -- setsid sleep 1000 </dev/null >/dev/null 2>&1 &
sleep 1
[ "$(cat /home/$P/secret.txt 2>/dev/null)" = "work secret" ] &&
	ok "files written as the profile user" "$(ls -l /home/$P/secret.txt); processes: $(pgrep -u $P | wc -l)" ||
	not_ok "files written as the profile user"
# the device as enrolled now (the server also keeps the wiped one)
ID=$(ctl status --json | json_get deviceId)
C=$(mdm command "$ID" CLEAR_APP_DATA)
wiped() {
	! getent passwd $P >/dev/null
}
if [ -n "$PUID" ] && until_ok 120 wiped; then
	st=$(python3 "$here/fscrypt_key.py" status /home "$KEY" 2>&1)
	[ "$st" = absent ] && [ ! -e /home/$P/secret.txt ] &&
		[ -z "$(pgrep -U "$PUID")" ] &&
		[ "$(cat /home/user/personal.txt)" = "personal data" ] &&
		ok "CLEAR_APP_DATA: the key is gone from the kernel, the files and processes too, personal files intact" \
			"key $KEY: $st; /home/$P: $(ls -d /home/$P 2>&1 | cut -c1-60); processes of uid $PUID: none; personal: $(cat /home/user/personal.txt); result: $(mdm results "$ID" | grep "^$C " | cut -c1-90)" ||
		not_ok "CLEAR_APP_DATA: the selective wipe" "key: $st; $(ls -la /home/$P 2>&1 | head -3); processes of uid $PUID: $(pgrep -U "$PUID" -a)"
else
	not_ok "CLEAR_APP_DATA removes the profile" "$(mdm results "$ID"); $(agent_log 10)"
fi
