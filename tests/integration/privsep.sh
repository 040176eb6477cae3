#!/bin/sh
# Privilege separation (docs/privsep.md): a MANAGED wardend on the rest
# binding runs as two processes; the network process has a non-root uid,
# no capabilities, a seccomp filter, no_new_privs, an empty root and no
# descriptor but its socket to the parent and stdio. Enrollment, policy,
# reports and commands work over mutual TLS with the device key kept in
# the parent (it signs the handshake for the network process), with the
# server named by a host name the parent resolves for it. Killed
# with SIGKILL, the network process is restarted and the device keeps
# reporting; when the parent dies, the network process exits too.
# The LwM2M binding (DTLS with a PSK against coap-rd, libcoap3-bin) runs
# in the network process too: it holds the DTLS socket, the parent none;
# killed, a new one registers again; at stop it de-registers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"

# net_pid: the pid of the agent's network process, or nothing.
net_pid() {
	for s in /proc/[0-9]*/stat; do
		p=${s%/stat}
		p=${p#/proc/}
		[ "$(cut -d' ' -f4 "$s" 2>/dev/null)" = "$AGENT_PID" ] || continue
		case "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" in
		"wardend: network -N "*) echo "$p"; return 0 ;;
		esac
	done
	return 1
}

status_of() { # pid field
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' '
}

reports() {
	mdm reports "$ID" --count
}

if [ ! -x "$MDM" ]; then
	not_ok "wardenmdm is built" "$MDM missing"
	finish
	exit 1
fi
seccomp=false
grep -q '^CONFIG_NETPROC_SECCOMP=y' "$WARDEN_BIN/.config" && seccomp=true

start_server || { not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"; finish; exit 1; }
mdm policy set examples/policies/fully_managed.json >/dev/null
mdm token new --mode FULLY_MANAGED --json "$T/qr.json" >"$T/token.out"
# The server by name: the network process has no resolver files, the
# parent resolves for it (its certificate names localhost too).
sed -i 's#https://127\.0\.0\.1:#https://localhost:#' "$T/qr.json"
grep -q '"https://localhost:' "$T/qr.json" || not_ok "server by name" "$(cat "$T/qr.json")"
start_agent -v || { not_ok "wardend starts" "$(cat "$T/wardend.log")"; finish; exit 1; }

# --- two processes from the start ---------------------------------------
NET=$(net_pid)
if [ -n "$NET" ]; then
	ok "wardend runs a network process ($NET) beside the parent ($AGENT_PID)"
else
	not_ok "network process" "$(ps -ef | grep wardend; tail "$T/wardend.log")"
fi

# --- enrollment and reports over mutual TLS, the key in the parent -------
ctl provision --qr-text "$T/qr.json" >"$T/prov.out" 2>&1
if wait_until 20 is_state MANAGED; then
	ok "enrolled through the network process: MANAGED"
else
	not_ok "enrolled" "$(cat "$T/prov.out"; tail -n 20 "$T/wardend.log")"
fi
ID=$(field deviceId)
n=$(reports)
ctl sim set storage.total_bytes 61000000000 >/dev/null
ctl scan >/dev/null
wait_until 15 sh -c "[ \"\$('$MDM' --dir '$D' reports '$ID' --count)\" -gt $n ]" &&
	ok "reports reach the server over mutual TLS (the parent signs the handshake)" ||
	not_ok "reports over mTLS" "$(reports); $(tail -n 10 "$T/wardend.log")"
grep -q "network process: resolved localhost" "$T/wardend.log" &&
	ok "the parent resolved the server's name for the network process" ||
	not_ok "name resolved by the parent" "$(grep -i resolv "$T/wardend.log")"
grep -q "network process: signed a TLS handshake digest" "$T/wardend.log" &&
	ok "the network process had the parent sign its TLS handshakes" ||
	not_ok "handshake signed by the parent" "$(grep -i sign "$T/wardend.log")"
CMD=$(mdm command "$ID" RESCAN)
wait_result "$CMD" SUCCEEDED 15 &&
	ok "a command arrives and its result goes back" ||
	not_ok "command" "$(mdm results "$ID")"

# --- the sandbox ---------------------------------------------------------
NET=$(net_pid)
[ -n "$NET" ] && [ "$(ctl --json status | json_get networkPid)" = "$NET" ] &&
	ctl status | grep -q "^network: *pid $NET, user " &&
	ok "status names the network process (pid $NET)" ||
	not_ok "status names the network process" "$(ctl status)"
uids=$(status_of "$NET" Uid)
set -- $uids
if [ $# -eq 4 ] && [ "$1" != 0 ] && [ "$1" = "$2" ] && [ "$2" = "$3" ] &&
	[ "$3" = "$4" ]; then
	ok "the network process runs as uid $1 (real, effective, saved, fs)"
else
	not_ok "non-root uid" "Uid: $uids"
fi
gids=$(status_of "$NET" Gid)
case " $gids " in
*" 0 "*) not_ok "non-root gid" "Gid: $gids" ;;
*) ok "and a non-root gid ($gids)" ;;
esac
[ "$(status_of "$NET" Groups)" != "0" ] &&
	ok "no supplementary root group" || not_ok "groups" "$(status_of "$NET" Groups)"
for f in CapInh CapPrm CapEff CapAmb CapBnd; do
	v=$(status_of "$NET" $f)
	[ "$v" = 0000000000000000 ] && ok "$f: $v" || not_ok "$f is 0" "$f: $v"
done
[ "$(status_of "$NET" NoNewPrivs)" = 1 ] && ok "NoNewPrivs: 1" ||
	not_ok "NoNewPrivs" "$(status_of "$NET" NoNewPrivs)"
if $seccomp; then
	[ "$(status_of "$NET" Seccomp)" = 2 ] && ok "Seccomp: 2 (filter)" ||
		not_ok "Seccomp" "$(status_of "$NET" Seccomp)"
else
	ok "# SKIP Seccomp: CONFIG_NETPROC_SECCOMP is off"
fi
root=$(readlink "/proc/$NET/root")
[ "$root" = /var/empty ] && [ -z "$(ls -A /var/empty)" ] &&
	ok "its root is the empty /var/empty" || not_ok "chroot" "root: $root"
fds=$(ls "/proc/$NET/fd" | sort -n | tr '\n' ' ')
extra=""
for fd in $fds; do
	[ "$fd" -le 3 ] && continue
	l=$(readlink "/proc/$NET/fd/$fd")
	case "$l" in
	socket:*|anon_inode:*|pipe:*) ;;
	*) extra="$extra $fd=$l" ;;
	esac
done
[ -z "$extra" ] &&
	ok "it holds no file: only its socket, stdio, sockets and the loop's fds" ||
	not_ok "open files" "$extra"
grep -q "state" "/proc/$NET/maps" && not_ok "maps" "$(grep state /proc/$NET/maps)" ||
	ok "nothing of the state directory is mapped in it"

# --- killed: restarted, the device keeps reporting -----------------------
OLD=$NET
kill -KILL "$OLD"
wait_until 10 sh -c "grep -q 'network process $OLD killed by signal 9' '$T/wardend.log'" &&
	ok "the parent logs the death of the network process" ||
	not_ok "death logged" "$(tail -n 10 "$T/wardend.log")"
NEW=
i=0
while [ $i -lt 100 ]; do
	NEW=$(net_pid)
	[ -n "$NEW" ] && [ "$NEW" != "$OLD" ] && break
	sleep 0.1
	i=$((i + 1))
done
[ -n "$NEW" ] && [ "$NEW" != "$OLD" ] &&
	ok "and starts it again ($NEW)" || not_ok "restart" "$(tail -n 10 "$T/wardend.log")"
kill -0 "$AGENT_PID" 2>/dev/null && ok "the parent lives on" ||
	not_ok "parent alive" "$(tail "$T/wardend.log")"
n=$(reports)
ctl sim set storage.total_bytes 62000000000 >/dev/null
ctl scan >/dev/null
wait_until 20 sh -c "[ \"\$('$MDM' --dir '$D' reports '$ID' --count)\" -gt $n ]" &&
	ok "the device keeps reporting after the restart" ||
	not_ok "reports after restart" "$(reports); $(tail -n 10 "$T/wardend.log")"
[ "$(status_of "$NEW" CapEff)" = 0000000000000000 ] &&
	[ "$(status_of "$NEW" NoNewPrivs)" = 1 ] &&
	ok "the new network process is confined the same way" ||
	not_ok "new one confined" "$(cat "/proc/$NEW/status")"

# --- the parent dies: the network process exits --------------------------
NET=$(net_pid)
kill -KILL "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null
AGENT_PID=
i=0
while kill -0 "$NET" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 "$NET" 2>/dev/null &&
	{ not_ok "network process exits with its parent" "still running"; kill -KILL "$NET"; } ||
	ok "the network process exits when the parent is killed"
rm -f "$SOCK"

# --- the LwM2M binding in the network process ---------------------------
# pids holding a UDP socket connected to port $1 (from /proc: no ss).
udp_owners() {
	/usr/bin/python3 - "$1" <<'EOF'
import os, sys
port = int(sys.argv[1])
inodes = set()
for f in ('/proc/net/udp', '/proc/net/udp6'):
    for line in open(f).readlines()[1:]:
        p = line.split()
        if int(p[2].split(':')[1], 16) == port:
            inodes.add(p[9])
for pid in os.listdir('/proc'):
    if not pid.isdigit():
        continue
    try:
        fds = os.listdir('/proc/%s/fd' % pid)
    except OSError:
        continue
    for fd in fds:
        try:
            l = os.readlink('/proc/%s/fd/%s' % (pid, fd))
        except OSError:
            continue
        if l.startswith('socket:[') and l[8:-1] in inodes:
            print(pid)
            break
EOF
}

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

registrations() { # the agent log's registrations so far
	grep -c "lwm2m: registered with" "$T/wardend.log"
}

if ! grep -q '^CONFIG_TRANSPORT_LWM2M=y' "$WARDEN_BIN/.config"; then
	ok "# SKIP lwm2m: built without CONFIG_TRANSPORT_LWM2M"
elif ! command -v coap-rd-openssl >/dev/null 2>&1; then
	not_ok "coap-rd-openssl is installed (libcoap3-bin)"
else
	PSK=privsep-test-key
	PSK_HEX=$(printf %s "$PSK" | od -An -tx1 | tr -d ' \n')
	PORT=$(free_port_pair)
	coap-rd-openssl -A 127.0.0.1 -p $((PORT - 1)) -k "$PSK" -v 7 \
	    >>"$T/rd.log" 2>&1 &
	RD_PID=$!
	sleep 0.5
	cat >"$T/qr-lwm2m.json" <<EOF
{
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "warden/.Agent",
  "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": {
    "warden.SERVER_URL": "coaps://127.0.0.1:$PORT",
    "warden.BINDING": "lwm2m",
    "warden.PSK_IDENTITY": "warden-test",
    "warden.PSK_KEY": "$PSK_HEX"
  }
}
EOF
	rm -rf "$T/dev" "$T/state"
	: >"$T/wardend.log"
	if start_agent -v; then
		ctl provision --qr-text "$T/qr-lwm2m.json" >"$T/prov.out" 2>&1
		wait_until 20 is_state MANAGED &&
			ok "lwm2m: registered over DTLS (PSK) from the network process: MANAGED" ||
			not_ok "lwm2m: MANAGED" "$(cat "$T/prov.out"; tail -n 20 "$T/wardend.log")"
		NET=$(net_pid)
		owners=$(udp_owners "$PORT" | tr '\n' ' ')
		[ -n "$NET" ] && [ "$owners" = "$NET " ] &&
			ok "lwm2m: the network process ($NET) holds the DTLS socket, the parent ($AGENT_PID) none" ||
			not_ok "lwm2m: DTLS socket in the network process" \
			    "owners: $owners; network $NET, parent $AGENT_PID"
		grep -q "lwm2m: endpoint .* (the client runs in the network process)" "$T/wardend.log" &&
			! grep -q "privileged process" "$T/wardend.log" &&
			ok "lwm2m: the parent runs no client of its own" ||
			not_ok "lwm2m: client in the network process" "$(grep lwm2m "$T/wardend.log")"
		uid=$(status_of "$NET" Uid | cut -d' ' -f1)
		[ "$uid" != 0 ] && [ -n "$uid" ] &&
			[ "$(status_of "$NET" CapEff)" = 0000000000000000 ] &&
			[ "$(status_of "$NET" NoNewPrivs)" = 1 ] &&
			{ ! $seccomp || [ "$(status_of "$NET" Seccomp)" = 2 ]; } &&
			ok "lwm2m: that process runs as uid $uid, CapEff 0, NoNewPrivs 1, Seccomp $(status_of "$NET" Seccomp)" ||
			not_ok "lwm2m: confined" "$(cat "/proc/$NET/status")"
		ctl status --json | json_get lwm2mRegistration | grep -q . &&
			ok "lwm2m: status shows the registration the network process reported" ||
			not_ok "lwm2m: registration in status" "$(ctl status)"
		n=$(registrations)
		kill -KILL "$NET"
		wait_until 20 sh -c "[ \$(grep -c 'lwm2m: registered with' '$T/wardend.log') -gt $n ]" &&
			ok "lwm2m: killed, a new network process registers again" ||
			not_ok "lwm2m: registers again" "$(tail -n 20 "$T/wardend.log")"
		NEW=$(net_pid)
		owners=$(udp_owners "$PORT" | tr '\n' ' ')
		[ -n "$NEW" ] && [ "$NEW" != "$NET" ] && [ "$owners" = "$NEW " ] &&
			ok "lwm2m: the new one ($NEW) holds the DTLS socket" ||
			not_ok "lwm2m: DTLS socket after restart" "owners: $owners; network $NEW"
		: >"$T/rd.log"
		stop_agent
		grep -q "c:DELETE .*Uri-Path:rd" "$T/rd.log" &&
			ok "lwm2m: at stop the network process de-registers first" ||
			not_ok "lwm2m: de-registration at stop" "$(tail -n 5 "$T/wardend.log")"
		grep -q "seccomp allow-list" "$T/wardend.log" &&
			not_ok "lwm2m: no call outside the allow-list" "$(grep seccomp "$T/wardend.log")" ||
			ok "lwm2m: no system call outside the allow-list"
	else
		not_ok "wardend starts" "$(tail -n 5 "$T/wardend.log")"
	fi
	kill "$RD_PID" 2>/dev/null
	wait "$RD_PID" 2>/dev/null
fi

stop_server
finish
