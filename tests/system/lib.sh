# lib.sh - helpers of the system tests (sourced by run.sh, in the guest).
#
# Each check prints "ok - what" or "not ok - what" with the evidence:
# what the test itself saw on the device (a file, a device node, a
# kernel attribute, a PAM answer), never only what warden says it did.
# tools/vm/system-check counts the lines of every boot.

ok() {
	echo "ok - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}

not_ok() {
	echo "not ok - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}

# until_ok SECONDS command...: retries every 0.2 s until SECONDS have
# passed (the guest may be slow: time, not a count of tries).
until_ok() {
	_end=$(( $(date +%s) + $1 ))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}

# agent_log [N]: the agent's last journal lines (evidence of a failure).
agent_log() {
	journalctl -u wardend -n "${1:-15}" --no-pager -o short-monotonic 2>&1
}

ctl() {
	wardenctl "$@"
}

# json_get NAME: one top-level member of a JSON object on stdin (strings,
# numbers, booleans).
json_get() {
	python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("/"):
    if k:
        v = v[int(k)] if isinstance(v, list) else v.get(k)
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)
' "$1" 2>/dev/null
}

# fact NAME: a posture fact of the agent's last scan.
fact() {
	ctl facts | awk -v k="$1" '$1 == k { $1 = ""; $2 = ""; sub(/^  */, ""); print; exit }'
}

# scan_fact NAME: the fact after a fresh scan.
scan_fact() {
	ctl scan >/dev/null 2>&1
	fact "$1"
}

state_is() {
	ctl status | grep -q "^state: *$1\$"
}

MDM_DIR=/var/lib/wardenmdm-test
mdm() {
	wardenmdm --dir "$MDM_DIR" "$@"
}

# The server runs in the guest, on its loopback only.
start_server() {
	# already serving (an earlier check of this boot started it)
	if [ -n "${SRV_PID:-}" ] && kill -0 "$SRV_PID" 2>/dev/null &&
	    [ -s "$MDM_DIR/server.url" ]; then
		return 0
	fi
	rm -f "$MDM_DIR/server.url"
	mkdir -p "$MDM_DIR"
	# The port of the first start, again after a reboot: the device was
	# enrolled with that URL.
	listen=$(cat "$MDM_DIR/listen" 2>/dev/null || echo 127.0.0.1:0)
	setsid wardenmdm --dir "$MDM_DIR" serve --listen "$listen" \
		>>/var/log/wardenmdm-test.log 2>&1 </dev/null &
	SRV_PID=$!
	until_ok 20 test -s "$MDM_DIR/server.url" || return 1
	[ -s "$MDM_DIR/listen" ] ||
		sed -n 's,^https://\(127\.0\.0\.1:[0-9]*\).*,\1,p' \
			"$MDM_DIR/server.url" >"$MDM_DIR/listen"
	sync
}

# The device's id at the server.
device_id() {
	mdm devices | awk 'NR == 2 { print $1 }'
}

# the verdict the server holds for the device: yes or no
server_compliant() {
	mdm devices | awk -v id="$1" '$1 == id { print $NF }'
}

# The stage (boot) the run is in: kept across the reboot checks.
STAGE_FILE=/var/lib/warden-system-tests/stage
next_boot() {
	mkdir -p "${STAGE_FILE%/*}"
	echo "$1" >"$STAGE_FILE"
	sync
	echo "# next boot: stage $1"
}

# policy_set KEY JSON: sets one setting of the test policy (JSON null
# removes it), bumps the version, and puts it in force: at the server
# (managed), or with `wardenctl policy apply` (standalone: smoke mode
# before its server is started).
# POLICY_NO_SEND=1: only the file (several settings in one version).
POLICY=/var/lib/warden-system-tests/policy.json
policy_set() {
	mkdir -p "${POLICY%/*}"
	python3 - "$POLICY" "$1" "$2" <<'PY'
import json, os, sys
path, key, val = sys.argv[1:]
p = json.load(open(path)) if os.path.exists(path) else {
    "name": "enterprises/oem/policies/system-test", "version": "0"}
v = json.loads(val)
if v is None:
    p.pop(key, None)
else:
    p[key] = v
p["version"] = str(int(p["version"]) + 1)
json.dump(p, open(path + ".new", "w"), indent=1)
os.rename(path + ".new", path)
PY
	sync
	[ -n "${POLICY_NO_SEND:-}" ] && return 0
	if [ "${mode:-}" = smoke ] && [ -z "${SRV_PID:-}" ]; then
		ctl policy apply "$POLICY" >/dev/null
	else
		mdm policy set "$POLICY" >/dev/null
	fi
}

policy_version() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$POLICY"
}
