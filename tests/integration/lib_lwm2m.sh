# lib_lwm2m.sh - helpers for the tests that run wardend against LwM2M
# servers over DTLS (sourced after lib.sh; tests/bench/lwm2m_rss.sh uses
# the port helpers alone).

free_udp_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Two free UDP ports in a row: libcoap's servers take -p PORT for coap://
# and PORT + 1 for coaps://; prints PORT + 1.
free_port_pair() {
	/usr/bin/python3 -c 'import socket
for _ in range(100):
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(("127.0.0.1", 0))
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        b.bind(("127.0.0.1", a.getsockname()[1] + 1))
    except OSError:
        continue
    print(a.getsockname()[1] + 1)
    break'
}

# A provisioning QR for binding lwm2m at URL; EXTRA-JSON (",\n \"k\": v"
# pairs) goes into the extras bundle.
qr() { # FILE URL EXTRA-JSON
	cat >"$1" <<EOQ
{
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "warden/.Agent",
  "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": {
    "warden.SERVER_URL": "$2",
    "warden.BINDING": "lwm2m"$3
  }
}
EOQ
}

wait_state() { # STATE SECONDS
	n=$(($2 * 10))
	while [ $n -gt 0 ]; do
		s=$(ctl status --json 2>/dev/null | json_get state)
		[ "$s" = "$1" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

fresh_agent() { # [wardend args]
	stop_agent
	rm -rf "$T/dev" "$T/state" "$SOCK"
	start_agent "$@"
}

no_sanitizer_report() {
	if grep -Eq 'AddressSanitizer|runtime error' "$T/wardend.log"; then
		not_ok "no sanitizer report from wardend" \
		    "$(grep -E -A 5 'AddressSanitizer|runtime error' \
		    "$T/wardend.log")"
	else
		ok "no sanitizer report from wardend"
	fi
}

# A test PKI in DIR from openssl: an EC CA, the server's certificate for
# 127.0.0.1 (server.crt, server.key, server.pem), the client's
# (client.pem; client.der and client.key.der for a bootstrap server),
# the CA in DER (ca.der), and a stranger's self-signed certificate
# (stranger.der).
lwm2m_pki() { # DIR (in a subshell: it changes directory)
	cd "$1" &&
	openssl ecparam -name prime256v1 -genkey -noout -out ca.key &&
	openssl req -x509 -new -key ca.key -subj "/CN=warden test LwM2M CA" \
	    -days 2 -out ca.pem &&
	openssl ecparam -name prime256v1 -genkey -noout -out server.key &&
	openssl req -new -key server.key -subj "/CN=127.0.0.1" \
	    -out server.csr &&
	printf 'subjectAltName=IP:127.0.0.1\n' >server.ext &&
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -days 2 -extfile server.ext -out server.crt &&
	cat server.crt server.key >server.pem &&
	openssl ecparam -name prime256v1 -genkey -noout -out client.key &&
	openssl req -new -key client.key -subj "/CN=warden-client" \
	    -out client.csr &&
	openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -days 2 -out client.crt &&
	cat client.crt client.key >client.pem &&
	openssl x509 -in client.crt -outform DER -out client.der &&
	openssl pkcs8 -topk8 -nocrypt -in client.key -outform DER \
	    -out client.key.der &&
	openssl x509 -in ca.pem -outform DER -out ca.der &&
	openssl req -x509 -new -key client.key -subj "/CN=stranger" -days 2 \
	    -outform DER -out stranger.der
}

# An LwM2M bootstrap server (tests/interop/lwm2m_bootstrap.js, node)
# hands a fresh agent certificates ($P: lwm2m_pki's; the device's is
# CLIENT-CERT-DER, by default the one the CA signed) and the management
# server SERVER-URI, whose chain must lead to ANCHOR-DER.
bootstrap_round() { # NAME ANCHOR-DER SERVER-URI [CLIENT-CERT-DER]
	rm -f "$T/ready"
	BSPORT=$(free_udp_port)
	printf 'lwm2m-allow-nosec 1\nlog-level debug\n' >"$T/wardend.conf"
	fresh_agent -f "$T/wardend.conf" || return 1
	READY="$T/ready" LWM2M_PORT=$BSPORT WARDENCTL=$WARDENCTL SOCK=$SOCK \
	    SIMDIR="$T/dev" SERVER_URI="$3" \
	    CLIENT_CERT="${4:-$P/client.der}" CLIENT_KEY="$P/client.key.der" \
	    SERVER_ANCHOR="$2" node "$WARDEN_SRCTREE/tests/interop/lwm2m_bootstrap.js" \
	    >"$T/bs.out" 2>"$T/bs.err" &
	bs=$!
	i=0
	while [ ! -f "$T/ready" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	qr "$T/qr.json" "coap://127.0.0.1:$BSPORT" ",
    \"warden.LWM2M_BOOTSTRAP\": true"
	check "$1: provisioned with a bootstrap server" \
	    ctl provision --qr-text "$T/qr.json"
	wait "$bs"
	cat "$T/bs.out"
}
