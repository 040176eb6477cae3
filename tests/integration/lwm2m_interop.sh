#!/bin/sh
# LwM2M interop: the real wardend on the simulated device, provisioned
# with binding lwm2m and a coap:// server URL (NoSec, allowed by
# lwm2m-allow-nosec in its configuration for this test only), against
# third-party LwM2M/CoAP peers from npm (tests/interop/package.json):
# lwm2m-node-lib 1.4 and node-coap 1.5, each driven by a small script in
# tests/interop/ that prints the ok/not ok lines. Also: coap:// is
# refused when the configuration does not allow it.
#
# The peers are installed with npm into tests/interop/node_modules. The
# test is skipped (with the reason) only when node or npm is missing or
# the registry cannot be reached, and never under CI (CI or
# WARDEN_REQUIRE_INTEROP set): there that is a failure.
. "$(dirname "$0")/lib.sh"
IDIR="$WARDEN_SRCTREE/tests/interop"

skip() {
	if [ -n "${CI:-}" ] || [ -n "${WARDEN_REQUIRE_INTEROP:-}" ]; then
		not_ok "interop peers available" "$1"
		finish
		exit 1
	fi
	echo "# SKIP lwm2m interop: $1"
	finish
	exit 0
}

if ! grep -q '^CONFIG_TRANSPORT_LWM2M=y' "$WARDEN_BIN/.config"; then
	echo "# SKIP lwm2m interop: built without CONFIG_TRANSPORT_LWM2M"
	finish
	exit 0
fi
if ! sh "$IDIR/install.sh" 2>"$T/npm.log"; then
	skip "$(cat "$T/npm.log")"
fi

free_udp_port() {
	node -e 'const s = require("dgram").createSocket("udp4");
	    s.bind(0, "127.0.0.1", () => { console.log(s.address().port);
	    s.close(); });'
}

qr_for() { # URL FILE
	cat >"$2" <<EOF
{
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "warden/.Agent",
  "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": {
    "warden.SERVER_URL": "$1",
    "warden.BINDING": "lwm2m",
    "warden.MODE": "FULLY_MANAGED"
  }
}
EOF
}

# --- NoSec is refused unless the configuration allows it -------------------
qr_for "coap://127.0.0.1:5683" "$T/qr-nosec.json"
if start_agent; then
	expect_fail "coap:// refused without lwm2m-allow-nosec" 2 \
	    'coap:// \(no DTLS\) is not allowed' \
	    ctl provision --qr-text "$T/qr-nosec.json"
	[ "$(ctl status --json | json_get state)" = UNPROVISIONED ] &&
	    ok "the refused device stays UNPROVISIONED" ||
	    not_ok "the refused device stays UNPROVISIONED"
	stop_agent
else
	not_ok "wardend starts" "$(tail -n 5 "$T/wardend.log")"
fi

# --- One peer: a fresh device, the peer's script, then the agent's end ----
run_peer() { # NAME SCRIPT
	name=$1
	rm -rf "$T/dev" "$T/state" "$SOCK" "$T/ready"
	printf 'lwm2m-allow-nosec 1\nlog-level debug\n' >"$T/wardend.conf"
	if ! start_agent -f "$T/wardend.conf"; then
		not_ok "$name: wardend starts" "$(tail -n 5 "$T/wardend.log")"
		return
	fi
	port=$(free_udp_port)
	READY="$T/ready" LWM2M_PORT=$port WARDENCTL=$WARDENCTL SOCK=$SOCK \
	    SIMDIR="$T/dev" STATEDIR="$T/state" AGENT_PID=$AGENT_PID \
	    node "$IDIR/$2" >"$T/$name.out" 2>"$T/$name.err" &
	peer=$!
	( sleep 150; kill "$peer" 2>/dev/null ) &
	watchdog=$!
	i=0
	while [ ! -f "$T/ready" ] && [ $i -lt 200 ]; do
		kill -0 "$peer" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	if [ ! -f "$T/ready" ]; then
		not_ok "$name: the peer listens" "$(cat "$T/$name.err")"
	else
		qr_for "coap://127.0.0.1:$port" "$T/qr.json"
		check "$name: provisioned with binding lwm2m, coap://" \
		    ctl provision --qr-text "$T/qr.json"
		i=0
		while [ "$(ctl status --json 2>/dev/null |
		    json_get state)" != MANAGED ] && [ $i -lt 300 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		what="$name: ENROLLING -> MANAGED once registered"
		[ $i -lt 300 ] && ok "$what" || not_ok "$what" \
		    "$(ctl status 2>&1)"
	fi
	wait "$peer"
	rc=$?
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	cat "$T/$name.out"
	nfail=$((nfail + $(grep -c '^not ok' "$T/$name.out")))
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$T/$name.out"; then
		not_ok "$name: the peer's script ends cleanly" \
		    "exit $rc: $(tail -n 20 "$T/$name.err")"
	fi
	# the script stopped the agent (de-registration); it must end well
	if [ -n "${AGENT_PID:-}" ]; then
		i=0
		while kill -0 "$AGENT_PID" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
		stop_agent
		what="$name: wardend exits cleanly"
		[ "${AGENT_RC:-1}" -eq 0 ] && ok "$what" ||
		    not_ok "$what" "exit ${AGENT_RC:-?}"
	fi
}

run_peer lwm2m-node-lib lwm2m_nodelib.js
run_peer node-coap lwm2m_coap.js
run_peer block lwm2m_block.js
run_peer send lwm2m_send.js
run_peer swmgmt lwm2m_swmgmt.js
run_peer fwupdate lwm2m_fwupdate.js
if grep -Eq 'AddressSanitizer|runtime error' "$T/wardend.log"; then
	not_ok "no sanitizer report from wardend" \
	    "$(grep -E -A 5 'AddressSanitizer|runtime error' "$T/wardend.log")"
else
	ok "no sanitizer report from wardend"
fi

finish
