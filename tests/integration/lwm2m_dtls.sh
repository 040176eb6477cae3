#!/bin/sh
# LwM2M over DTLS against libcoap's own programs (libcoap3-bin, OpenSSL
# build): wardend registers with coap-rd-openssl (a CoRE resource
# directory, which takes LwM2M's POST /rd) with a pre-shared key, and with
# certificates handed over by an LwM2M bootstrap server (a node-coap
# script, tests/interop/lwm2m_bootstrap.js); the registration shows in
# the directory as coap-client-openssl reads it, and goes at shutdown;
# and completes a PSK handshake with coap-server-openssl. A wrong key, a
# server certificate that does not lead to the anchor, or a device
# certificate the server refuses registers nothing, and the status says
# why (the PSK identity, the certificate refused, the alert received).
# The certificate part needs node and the npm peers
# (tests/interop/install.sh; skipped, outside CI, when they cannot be
# had).
#
# coap-client exits 0 even when its DTLS handshake fails, so its output
# is what is checked. coap-rd 4.3.1 dies of a double free when a
# registration is deleted: the de-registration is checked in its debug
# log (the DELETE arrived, decrypted), and it is started again after.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_lwm2m.sh"
IDIR="$WARDEN_SRCTREE/tests/interop"
RD=coap-rd-openssl
CLIENT=coap-client-openssl
RD_PID=
PSK=dtls-test-key-16
PSK_HEX=$(printf %s "$PSK" | od -An -tx1 | tr -d ' \n')

if ! grep -q '^CONFIG_TRANSPORT_LWM2M=y' "$WARDEN_BIN/.config"; then
	echo "# SKIP lwm2m dtls: built without CONFIG_TRANSPORT_LWM2M"
	finish
	exit 0
fi
for p in $RD $CLIENT coap-server-openssl openssl; do
	if ! command -v $p >/dev/null 2>&1; then
		not_ok "$p is installed (libcoap3-bin, openssl)"
		finish
		exit 1
	fi
done

start_rd() { # COAPS-PORT ARGS...
	port=$(($1 - 1))
	shift
	$RD -A 127.0.0.1 -p "$port" -v 7 "$@" >>"$T/rd.log" 2>&1 &
	RD_PID=$!
	sleep 0.5
}

trap 'stop_rd' EXIT
stop_rd() {
	if [ -n "$RD_PID" ]; then
		kill "$RD_PID" 2>/dev/null
		wait "$RD_PID" 2>/dev/null
		RD_PID=
	fi
}

# The directory's resources as coap-client sees them (ARGS: its
# credentials); empty when its handshake fails.
rd_listing() { # PORT ARGS...
	port=$1
	shift
	timeout 10 $CLIENT -B 3 "$@" -m get \
	    "coaps://127.0.0.1:$port/.well-known/core" 2>&1
}

# --- PSK -----------------------------------------------------------------
PORT=$(free_port_pair)
start_rd "$PORT" -k "$PSK"
out=$(rd_listing "$PORT" -u warden-test -k "$PSK")
printf '%s' "$out" | grep -q '</rd>' &&
    ok "coap-client: PSK handshake with coap-rd (the fixture works)" ||
    not_ok "coap-client: PSK handshake with coap-rd" "$out"
out=$(rd_listing "$PORT" -u warden-test -k wrong-key-wrong)
what="coap-client: a wrong key gets nothing (its exit status says 0)"
printf '%s' "$out" | grep -q '</rd>' && not_ok "$what" "$out" || ok "$what"

if fresh_agent; then
	qr "$T/qr.json" "coaps://127.0.0.1:$PORT" ",
    \"warden.PSK_IDENTITY\": \"warden-test\",
    \"warden.PSK_KEY\": \"$PSK_HEX\""
	check "wardend: provisioned with coaps:// and a PSK" \
	    ctl provision --qr-text "$T/qr.json"
	wait_state MANAGED 20 &&
	    ok "wardend: DTLS (PSK) registration with coap-rd: MANAGED" ||
	    not_ok "wardend: DTLS (PSK) registration with coap-rd: MANAGED" \
	    "$(ctl status 2>&1; tail -n 20 "$T/wardend.log")"
	out=$(rd_listing "$PORT" -u warden-test -k "$PSK")
	printf '%s' "$out" | grep -q '</rd/' &&
	    ok "coap-rd lists the registration" ||
	    not_ok "coap-rd lists the registration" "$out"
	loc=$(printf '%s' "$out" | sed -n 's|.*</rd/\([^>]*\)>.*|\1|p' |
	    head -n 1)
	: >"$T/rd.log"
	stop_agent
	grep -q "c:DELETE .*Uri-Path:rd, Uri-Path:$loc" "$T/rd.log" &&
	    ok "wardend de-registers when it stops (DELETE /rd/$loc)" ||
	    not_ok "wardend de-registers when it stops (DELETE /rd/$loc)" \
	    "$(grep -i delete "$T/rd.log" | head -n 5)"
	stop_rd
	start_rd "$PORT" -k "$PSK"
else
	not_ok "wardend starts" "$(tail -n 5 "$T/wardend.log")"
fi

# A wrong key: the handshake never completes, nothing registers.
if fresh_agent; then
	qr "$T/qr.json" "coaps://127.0.0.1:$PORT" ",
    \"warden.PSK_IDENTITY\": \"warden-test\",
    \"warden.PSK_KEY\": \"00112233445566778899aabbccddeeff\""
	ctl provision --qr-text "$T/qr.json" >/dev/null 2>&1
	i=0
	while [ $i -lt 400 ] && ! ctl status --json 2>/dev/null |
	    json_get serverError | grep -q .; do
		sleep 0.1
		i=$((i + 1))
	done
	err=$(ctl status --json | json_get serverError)
	[ "$(ctl status --json | json_get state)" = ENROLLING ] &&
	    printf '%s' "$err" | grep -q "PSK identity 'warden-test'" &&
	    ok "a wrong PSK: still ENROLLING, the status names the PSK identity ($err)" ||
	    not_ok "a wrong PSK: still ENROLLING, the status says why" \
	    "$(ctl status 2>&1)"
	out=$(rd_listing "$PORT" -u warden-test -k "$PSK")
	printf '%s' "$out" | grep -q '</rd/' &&
	    not_ok "a wrong PSK registers nothing" "$out" ||
	    ok "a wrong PSK registers nothing"
	stop_agent
fi
stop_rd

# coap-server-openssl has no /rd: its 4.04 to the registration, arriving
# over the DTLS session, shows the handshake completed.
SPORT=$(free_port_pair)
coap-server-openssl -A 127.0.0.1 -p $((SPORT - 1)) -k "$PSK" -v 4 \
    >>"$T/server.log" 2>&1 &
SRV_PID=$!
sleep 0.5
if fresh_agent; then
	qr "$T/qr.json" "coaps://127.0.0.1:$SPORT" ",
    \"warden.PSK_IDENTITY\": \"warden-test\",
    \"warden.PSK_KEY\": \"$PSK_HEX\""
	ctl provision --qr-text "$T/qr.json" >/dev/null 2>&1
	i=0
	while [ $i -lt 100 ] && ! ctl status --json 2>/dev/null |
	    json_get serverError | grep -q 'refused: 4.0'; do
		sleep 0.1
		i=$((i + 1))
	done
	err=$(ctl status --json | json_get serverError)
	printf '%s' "$err" | grep -q 'registration refused: 4.0' &&
	    ok "DTLS (PSK) handshake with coap-server-openssl ($err)" ||
	    not_ok "DTLS (PSK) handshake with coap-server-openssl" \
	    "$(ctl status 2>&1)"
	stop_agent
fi
kill "$SRV_PID" 2>/dev/null
wait "$SRV_PID" 2>/dev/null

# --- Certificates, from a bootstrap server -------------------------------
if ! sh "$IDIR/install.sh" 2>"$T/npm.log"; then
	if [ -n "${CI:-}" ] || [ -n "${WARDEN_REQUIRE_INTEROP:-}" ]; then
		not_ok "node and the npm peers for the bootstrap server" \
		    "$(cat "$T/npm.log")"
	else
		echo "# SKIP certificate mode: $(cat "$T/npm.log")"
	fi
	finish
	exit
fi

P="$T/pki"
mkdir -p "$P"
if ! (lwm2m_pki "$P") >"$T/pki.log" 2>&1; then
	not_ok "a test PKI from openssl" "$(tail -n 5 "$T/pki.log")"
	finish
	exit
fi

RDPORT=$(free_port_pair)
start_rd "$RDPORT" -c "$P/server.pem" -C "$P/ca.pem"
out=$(rd_listing "$RDPORT" -c "$P/client.pem" -C "$P/ca.pem")
printf '%s' "$out" | grep -q '</rd>' &&
    ok "coap-client: certificate handshake with coap-rd (the fixture works)" ||
    not_ok "coap-client: certificate handshake with coap-rd" "$out"


if bootstrap_round "certificates" "$P/ca.der" \
    "coaps://127.0.0.1:$RDPORT"; then
	what="wardend: bootstrapped, then DTLS (certificate) registration"
	wait_state MANAGED 20 && ok "$what: MANAGED" ||
	    not_ok "$what: MANAGED" "$(ctl status 2>&1;
	    tail -n 20 "$T/wardend.log")"
	out=$(rd_listing "$RDPORT" -c "$P/client.pem" -C "$P/ca.pem")
	printf '%s' "$out" | grep -q '</rd/' &&
	    ok "coap-rd lists the certificate registration" ||
	    not_ok "coap-rd lists the certificate registration" "$out"
	stop_agent
fi
stop_rd
start_rd "$RDPORT" -c "$P/server.pem" -C "$P/ca.pem"

# The anchor the bootstrap server gives is not the server's CA: the
# server's certificate is refused, nothing registers.
if bootstrap_round "wrong anchor" "$P/stranger.der" \
    "coaps://127.0.0.1:$RDPORT"; then
	sleep 3
	[ "$(ctl status --json | json_get state)" = ENROLLING ] &&
	    ctl status --json | json_get serverError |
	    grep -q "DTLS with 127.0.0.1: the server's certificate refused" &&
	    ok "a server certificate outside the anchor: not registered, the status says it was refused" ||
	    not_ok "a server certificate outside the anchor: not registered" \
	    "$(ctl status 2>&1)"
	out=$(rd_listing "$RDPORT" -c "$P/client.pem" -C "$P/ca.pem")
	printf '%s' "$out" | grep -q '</rd/' &&
	    not_ok "nothing in coap-rd" "$out" || ok "nothing in coap-rd"
	stop_agent
fi
stop_rd
start_rd "$RDPORT" -c "$P/server.pem" -C "$P/ca.pem"

# The device's certificate is not the CA's: the server refuses it with an
# alert, and the status names the alert.
if bootstrap_round "client certificate outside the CA" "$P/ca.der" \
    "coaps://127.0.0.1:$RDPORT" "$P/stranger.der"; then
	i=0
	while [ $i -lt 100 ] && ! ctl status --json | json_get serverError |
	    grep -q DTLS; do
		sleep 0.1
		i=$((i + 1))
	done
	err=$(ctl status --json | json_get serverError)
	printf '%s' "$err" |
	    grep -Eq "alert [0-9]+, [^)]*\).*device's certificate refused|device's certificate refused \(alert" &&
	    ok "a device certificate the server refuses: the status names its alert ($err)" ||
	    not_ok "a device certificate the server refuses: the status names its alert" \
	    "$(ctl status 2>&1; grep libcoap "$T/wardend.log" | tail -n 5)"
	stop_agent
fi
no_sanitizer_report
stop_rd
finish
