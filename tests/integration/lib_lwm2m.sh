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
