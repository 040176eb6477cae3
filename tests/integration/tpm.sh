#!/bin/sh
# The device key in a TPM 2.0 (swtpm on 127.0.0.1, started here): a
# device enrolls, reports, renews its certificate, restarts and retires
# with its key in the TPM; `wardenctl status` says so and the posture
# carries key.hardware_backed; no file of the state directory holds a
# private key; and the whole state directory copied onto another device
# (its own swtpm) cannot authenticate: the server never hears from it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"

SWTPM_PIDS=""

if ! grep -q '^CONFIG_TPM=y' "$WARDEN_BIN/.config"; then
	ok "# SKIP built without CONFIG_TPM"
	finish
	exit 0
fi
if ! command -v swtpm >/dev/null 2>&1; then
	echo "# TPM TESTS NOT RUN: swtpm is not installed (apt-get install swtpm)" >&2
	not_ok "swtpm is installed"
	finish
	exit 1
fi

# free_port_pair: a port P with P and P+1 free on 127.0.0.1.
free_port_pair() {
	/usr/bin/python3 -c '
import random, socket
for _ in range(200):
    p = random.randrange(20000, 60000, 2)
    try:
        for q in (p, p + 1):
            s = socket.socket()
            s.bind(("127.0.0.1", q))
            s.close()
        print(p)
        break
    except OSError:
        pass'
}

# start_swtpm NAME: a TPM with its state in $T/NAME; sets TCTI.
start_swtpm() {
	mkdir -p "$T/$1"
	port=$(free_port_pair)
	swtpm socket --tpm2 --tpmstate "dir=$T/$1" \
		--server "type=tcp,port=$port,bindaddr=127.0.0.1" \
		--ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" \
		--flags not-need-init,startup-clear >>"$T/swtpm-$1.log" 2>&1 &
	SWTPM_PIDS="$SWTPM_PIDS $!"
	TCTI="swtpm:host=127.0.0.1,port=$port"
	wait_until 5 /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))"
}

stop_swtpms() {
	for p in $SWTPM_PIDS; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	SWTPM_PIDS=""
}

# no_private_keys DIR: no file under DIR is or holds a private key.
no_private_keys() {
	if grep -rlaE 'PRIVATE KEY|BEGIN EC PARAMETERS' "$1"; then
		return 1
	fi
	for f in $(find "$1" -type f); do
		for form in DER PEM; do
			if openssl pkey -inform "$form" -in "$f" -noout \
				>/dev/null 2>&1; then
				echo "$f parses as a private key ($form)"
				return 1
			fi
		done
	done
	return 0
}

if ! start_swtpm tpm1; then
	not_ok "swtpm starts" "$(cat "$T/swtpm-tpm1.log")"
	finish
	exit 1
fi
TCTI1=$TCTI
printf 'tpm-tcti "%s"\n' "$TCTI1" >"$T/wardend.conf"
if ! start_server; then
	not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"
	stop_swtpms
	finish
	exit 1
fi
mdm policy set examples/policies/fully_managed.json >/dev/null

# --- enrollment with the key in the TPM -------------------------------------
start_agent -f "$T/wardend.conf"
mdm token new --mode FULLY_MANAGED --json "$T/qr.json" >/dev/null
ctl provision --qr-text "$T/qr.json" >/dev/null 2>&1
if wait_until 30 is_state MANAGED; then
	ID=$(field deviceId)
	ok "enrolled with the key in the TPM: MANAGED ($ID)"
else
	not_ok "enrolled" "$(tail -n 20 "$T/wardend.log")"
	stop_server
	stop_swtpms
	finish
	exit 1
fi
[ "$(field deviceKey)" = tpm ] &&
	ok "wardenctl status --json: deviceKey is tpm" ||
	not_ok "deviceKey" "$(ctl status --json)"
head -c 8 "$T/state/device.key" | grep -q WTPMKEY1 &&
	ok "the device key file holds TPM blobs" ||
	not_ok "TPM key file" "$(ls -l "$T/state")"
ctl scan >/dev/null
[ "$(ctl facts --json | json_get facts/key.hardware_backed/value)" = true ] &&
	ok "the fact key.hardware_backed is true" ||
	not_ok "fact" "$(ctl facts --json)"

# --- reports reach the server over mutual TLS signed by the TPM -------------
n=$(mdm reports "$ID" --count)
ctl sim set storage.total_bytes 62000000000 >/dev/null
wait_until 15 sh -c "[ \"\$('$MDM' --dir '$D' reports '$ID' --count)\" -gt $n ]" &&
	ok "a report reaches the server (TLS client key in the TPM)" ||
	not_ok "report" "$(mdm reports "$ID" --count); $(tail -n 5 "$T/wardend.log")"
mdm reports "$ID" 2>/dev/null | grep -q '"wardenHardwareBackedKey":true' &&
	ok "the report says the key is hardware-backed" ||
	not_ok "report field" "$(mdm reports "$ID" | tail -c 600)"
ctl attest >"$T/token" 2>&1 &&
	[ "$(tr -cd . <"$T/token" | wc -c)" = 2 ] &&
	ok "wardenctl attest: a token signed by the TPM" ||
	not_ok "attest" "$(cat "$T/token")"

# --- renewal, restart -------------------------------------------------------
CMD=$(mdm command "$ID" RENEW_CERTIFICATE)
if wait_until 15 sh -c "'$MDM' --dir '$D' results '$ID' | grep -q '^$CMD .* SUCCEEDED'"; then
	k=$(ls "$T/state"/device-*.key 2>/dev/null | head -n 1)
	[ -n "$k" ] && head -c 8 "$k" | grep -q WTPMKEY1 &&
		ok "RENEW_CERTIFICATE: the new key is in the TPM too" ||
		not_ok "renewed key" "$(ls -l "$T/state")"
else
	not_ok "renewal" "$(mdm results "$ID"; tail -n 10 "$T/wardend.log")"
fi
stop_agent
start_agent -f "$T/wardend.conf"
n=$(mdm reports "$ID" --count)
ctl sim set storage.total_bytes 63000000000 >/dev/null
wait_until 15 sh -c "[ \"\$('$MDM' --dir '$D' reports '$ID' --count)\" -gt $n ]" &&
	ok "after a restart the renewed TPM key authenticates the device" ||
	not_ok "after restart" "$(tail -n 10 "$T/wardend.log")"

# --- nothing private in the state directory ---------------------------------
out=$(no_private_keys "$T/state") &&
	ok "no file of the state directory is or holds a private key" ||
	not_ok "private key material in the state directory" "$out"
[ ! -e "$T/state/sealing.key" ] && [ ! -e "$T/dev/sealing.key" ] &&
	ok "no sealing key file beside the key (the HAL keystore was not asked)" ||
	not_ok "sealing.key" "$(ls -l "$T/state" "$T/dev")"

# --- the state copied onto another device -----------------------------------
wait_until 10 sh -c "[ \"\$('$WARDENCTL' -s '$SOCK' status --json |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[\"outboxPending\"])')\" = 0 ]"
stop_agent
seen=$(mdm reports "$ID" --count)
cp -a "$T/state" "$T/stolen"
cp -a "$T/dev" "$T/stolen-dev"
if start_swtpm tpm2; then
	printf 'tpm-tcti "%s"\n' "$TCTI" >"$T/thief.conf"
	"$WARDEND" -d -f "$T/thief.conf" -H "sim:$T/stolen-dev" -S "$T/stolen" \
		-s "$T/thief.sock" >>"$T/thief.log" 2>&1 &
	THIEF=$!
	wait_until 10 test -S "$T/thief.sock"
	"$WARDENCTL" -s "$T/thief.sock" sim set storage.total_bytes 64000000000 >/dev/null 2>&1
	"$WARDENCTL" -s "$T/thief.sock" scan >/dev/null 2>&1
	wait_until 10 grep -q 'cannot be loaded' "$T/thief.log"
	sleep 3
	grep -q 'tpm: loading the key' "$T/thief.log" &&
		ok "the other device's TPM refuses the copied key" ||
		not_ok "copied key refused" "$(tail -n 10 "$T/thief.log")"
	[ "$(mdm reports "$ID" --count)" = "$seen" ] &&
		ok "the server never heard from the copy (reports: $seen)" ||
		not_ok "the copy authenticated" "$(mdm reports "$ID" --count) vs $seen"
	kill -TERM "$THIEF" 2>/dev/null
	wait "$THIEF" 2>/dev/null
else
	not_ok "a second swtpm starts" "$(cat "$T/swtpm-tpm2.log")"
fi

# --- the original device still works, then retires --------------------------
start_agent -f "$T/wardend.conf"
ctl sim set storage.total_bytes 65000000000 >/dev/null
wait_until 15 sh -c "[ \"\$('$MDM' --dir '$D' reports '$ID' --count)\" -gt $seen ]" &&
	ok "the original device still reports" ||
	not_ok "original after the copy" "$(tail -n 10 "$T/wardend.log")"
out=$(ctl retire --yes 2>&1)
if [ $? = 0 ] && is_state UNPROVISIONED; then
	ls "$T/state" | grep -q '\.key' &&
		not_ok "retired: the key file destroyed" "$(ls "$T/state")" ||
		ok "retire with the key in the TPM: UNPROVISIONED, key file gone"
else
	not_ok "retire" "$out"
fi
mdm devices | grep "^$ID " | grep -q retired &&
	ok "the server lists the device as retired" ||
	not_ok "server retired" "$(mdm devices)"

# --- a key sealed before the TPM: kept until a renewal moves it in ---------
stop_agent
rm -rf "$T/state" "$T/dev"
printf 'tpm-tcti none\n' >"$T/none.conf"
start_agent -f "$T/none.conf"
mdm token new --mode FULLY_MANAGED --json "$T/qr.json" >/dev/null
ctl provision --qr-text "$T/qr.json" >/dev/null 2>&1
if wait_until 30 is_state MANAGED; then
	ID=$(field deviceId)
	ctl scan >/dev/null
	[ "$(field deviceKey)" = sealed-file ] &&
		[ "$(ctl facts --json | json_get facts/key.hardware_backed/value)" = false ] &&
		ok "tpm-tcti none: enrolled with a sealed key, not hardware-backed" ||
		not_ok "sealed enrollment" "$(ctl status --json)"
else
	not_ok "enrolled with tpm-tcti none" "$(tail -n 10 "$T/wardend.log")"
fi
stop_agent
start_agent -f "$T/wardend.conf"
seen=$(mdm reports "$ID" --count)
ctl sim set storage.total_bytes 66000000000 >/dev/null
wait_until 15 sh -c "[ \"\$('$MDM' --dir '$D' reports '$ID' --count)\" -gt $seen ]" &&
	[ "$(field deviceKey)" = sealed-file ] &&
	ok "with the TPM now: the sealed key still authenticates, and status says so" ||
	not_ok "sealed key under a TPM" "$(ctl status --json; tail -n 5 "$T/wardend.log")"
CMD=$(mdm command "$ID" RENEW_CERTIFICATE)
if wait_until 15 sh -c "'$MDM' --dir '$D' results '$ID' | grep -q '^$CMD .* SUCCEEDED'"; then
	ctl scan >/dev/null
	[ "$(field deviceKey)" = tpm ] &&
		[ "$(ctl facts --json | json_get facts/key.hardware_backed/value)" = true ] &&
		ok "the renewal moved the key into the TPM" ||
		not_ok "renewed into the TPM" "$(ctl status --json; ls -l "$T/state")"
else
	not_ok "renewal under a TPM" "$(mdm results "$ID")"
fi

# --- a TPM named in the configuration must answer ----------------------------
stop_agent
stop_swtpms
expect_fail "tpm-tcti names a TPM that does not answer: wardend does not start" \
	1 'tpm-tcti' "$WARDEND" -d -f "$T/wardend.conf" -H "sim:$T/dev" \
	-S "$T/state" -s "$T/other.sock"

stop_server
finish
