#!/bin/sh
# Applications as Debian packages, for real: the Linux backend drives apt
# and dpkg inside a throw-away Debian root (mmdebstrap from the Debian
# archive, reached through chroot as the backend's runner) whose only
# source is a local repository built here (dpkg-deb --build,
# dpkg-scanpackages, a file: source). A FORCE_INSTALLED package is
# installed and, removed by hand, comes back; a BLOCKED one is removed,
# pinned and stays removed (apt refuses it, a dpkg -i is undone); a
# minimumVersionCode above the source's version is APP_NOT_UPDATED until
# the source has it; applicationReports lists them all.
#
# The base root is cached in $WARDEN_DEB_CACHE (default ~/.cache/warden)
# for a week; building it takes about 25 s here, the test about 40 s.
. "$(dirname "$0")/lib.sh"
SUITE=bookworm
MIRROR=${WARDEN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${WARDEN_DEB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/warden}

for c in mmdebstrap chroot dpkg-deb dpkg-scanpackages; do
	if ! command -v $c >/dev/null; then
		not_ok "$c is available (make check installs it)"
		finish
		exit 1
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	not_ok "runs as root (chroot)"
	finish
	exit 1
fi

# --- the root ----------------------------------------------------------------
key=$(printf 'apps %s %s' "$SUITE" "$MIRROR" | sha256sum | cut -c1-12)
base="$CACHE/apps-$SUITE-$key.tar"
mkdir -p "$CACHE"
if [ -z "$(find "$base" -type f -mtime -7 2>/dev/null)" ]; then
	rm -f "$base"
	start=$(date +%s)
	if mmdebstrap --variant=apt "$SUITE" "$CACHE/new-apps-$key.tar" \
	    "$MIRROR" >"$T/mmdebstrap.log" 2>&1; then
		mv "$CACHE/new-apps-$key.tar" "$base"
		echo "# base root built in $(( $(date +%s) - start )) s"
	else
		rm -f "$CACHE/new-apps-$key.tar"
		not_ok "mmdebstrap $SUITE" "$(tail -n 10 "$T/mmdebstrap.log")"
		finish
		exit 1
	fi
fi
R="$T/root"
mkdir -p "$R"
tar -C "$R" -xf "$base" && ok "a $SUITE root (mmdebstrap --variant=apt, cached)" ||
	not_ok "a $SUITE root"
in_root() {
	chroot "$R" "$@"
}

# --- the local repository ----------------------------------------------------
# mkdeb NAME VERSION: a package of one file, no maintainer scripts.
mkdeb() {
	d="$T/pkg/$1-$2"
	mkdir -p "$d/DEBIAN" "$d/usr/share/$1"
	echo "$1 $2" >"$d/usr/share/$1/VERSION"
	cat >"$d/DEBIAN/control" <<EOF
Package: $1
Version: $2
Architecture: all
Maintainer: warden tests <tests@example.invalid>
Description: warden test package $1
EOF
	dpkg-deb --root-owner-group --build "$d" "$R/srv/repo/${1}_$2_all.deb" \
		>/dev/null
}
index() {
	(cd "$R/srv/repo" && dpkg-scanpackages --multiversion . /dev/null \
		>Packages 2>/dev/null)
}
mkdir -p "$R/srv/repo"
mkdeb acme-tool 1.2.0 && mkdeb acme-game 1.0 && mkdeb acme-viewer 1.5.0 &&
	index && ok "a local repository (dpkg-deb --build, dpkg-scanpackages)" ||
	not_ok "a local repository"
rm -f "$R/etc/apt/sources.list" "$R"/etc/apt/sources.list.d/*
echo "deb [trusted=yes] file:/srv/repo ./" >"$R/etc/apt/sources.list.d/local.list"
in_root apt-get -q update >"$T/update.log" 2>&1 &&
	ok "apt in the root reads the file: source" ||
	not_ok "apt-get update in the root" "$(tail -n 5 "$T/update.log")"
# The game is there before the policy.
in_root dpkg -i /srv/repo/acme-game_1.0_all.deb >/dev/null 2>&1

# --- the agent on that root -----------------------------------------------------
printf '#!/bin/sh\nexec chroot "%s" "$@"\n' "$R" >"$T/run-in-root"
chmod 755 "$T/run-in-root"
printf 'mode FULLY_MANAGED\n' >"$T/wardend.conf"
"$WARDEND" -d -H "linux:$R,runner=$T/run-in-root" -S "$T/state" -s "$SOCK" \
	-f "$T/wardend.conf" >>"$T/wardend.log" 2>&1 &
AGENT_PID=$!
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 200 ] && kill -0 "$AGENT_PID" 2>/dev/null; do
	sleep 0.05
	i=$((i + 1))
done
[ -S "$SOCK" ] && ok "wardend runs on the root's Linux backend" ||
	not_ok "wardend starts" "$(tail -n 10 "$T/wardend.log")"

installed() {
	[ "$(in_root dpkg-query -W -f '${Status}' "$1" 2>/dev/null)" = \
	    "install ok installed" ]
}
# wait_for COMMAND...: up to 60 s (apt in a chroot is not instant).
wait_for() {
	n=0
	while ! "$@"; do
		n=$((n + 1))
		[ $n -ge 120 ] && return 1
		sleep 0.5
	done
}
not_installed() {
	! installed "$1"
}
report() {
	ctl compliance --json >"$T/report.json" 2>&1
}

cat >"$T/policy.json" <<'EOF'
{
  "name": "enterprises/acme/policies/field-apps",
  "version": "3",
  "applications": [
    { "packageName": "acme-tool", "installType": "FORCE_INSTALLED" },
    { "packageName": "acme-game", "installType": "BLOCKED" },
    { "packageName": "acme-viewer", "installType": "REQUIRED_FOR_SETUP",
      "minimumVersionCode": 2000000 }
  ],
  "statusReportingSettings": { "applicationReportsEnabled": true }
}
EOF
ctl policy apply "$T/policy.json" >"$T/apply.out" 2>&1
installed acme-tool && ok "FORCE_INSTALLED: acme-tool is installed from the local source" ||
	not_ok "FORCE_INSTALLED installs" "$(cat "$T/apply.out")"
not_installed acme-game && ok "BLOCKED: acme-game is removed" ||
	not_ok "BLOCKED removes" "$(cat "$T/apply.out")"
grep -q 'Pin-Priority: -1' "$R/etc/apt/preferences.d/warden-blocked-acme-game" &&
	ok "BLOCKED: acme-game is pinned at -1" || not_ok "BLOCKED pins"
grep -q 'applications\[acme-viewer\].*APP_NOT_UPDATED' "$T/apply.out" &&
	ok "minimumVersionCode above the source: APP_NOT_UPDATED" ||
	not_ok "APP_NOT_UPDATED" "$(cat "$T/apply.out")"
not_installed acme-viewer && ok "the too old acme-viewer is not installed" ||
	not_ok "acme-viewer stays out"

report
json_get applicationReports <"$T/report.json" >"$T/apps.json" 2>&1
/usr/bin/python3 - "$T/apps.json" >"$T/apps.check" 2>&1 <<'EOF' &&
import json, sys
apps = {a["packageName"]: a for a in json.load(open(sys.argv[1]))}
t, g = apps["acme-tool"], apps["acme-game"]
assert t["state"] == "INSTALLED" and t["versionName"] == "1.2.0", t
assert t["versionCode"] == 1002000 and t["installerPackageName"] == "dpkg", t
assert g["state"] == "REMOVED" and g.get("wardenBlocked") is True, g
assert apps["apt"]["state"] == "INSTALLED", "the root's own packages are listed"
assert "acme-viewer" not in apps
EOF
	ok "applicationReports lists the packages, versions, state and installer" ||
	not_ok "applicationReports" "$(cat "$T/apps.check" "$T/apps.json" | head -n 20)"
# app_details: the report's applications details as "path reason" lines.
app_details() {
	/usr/bin/python3 -c '
import json, sys
for d in json.load(open(sys.argv[1])).get("nonComplianceDetails", []):
    if d["settingName"] == "applications":
        print(d.get("fieldPath"), d["nonComplianceReason"])
' "$T/report.json"
}
[ "$(app_details)" = "applications[2] APP_NOT_UPDATED" ] &&
	json_get policyCompliant <"$T/report.json" | grep -qx false &&
	ok "NonCompliant: applications[2] APP_NOT_UPDATED, nothing else of the apps" ||
	not_ok "the report says APP_NOT_UPDATED" "$(app_details; head -c 1500 "$T/report.json")"

# --- drift ------------------------------------------------------------------------
in_root dpkg -r acme-tool >/dev/null 2>&1
wait_for installed acme-tool &&
	ok "removed by hand, acme-tool is installed again (dpkg's status file watched)" ||
	not_ok "acme-tool comes back" "$(grep -i drift "$T/wardend.log" | tail -n 5)"
in_root apt-get -q -y install acme-game >"$T/apt-game.log" 2>&1 &&
	not_ok "apt refuses the blocked acme-game" ||
	ok "apt refuses the blocked acme-game (the pin)"
in_root dpkg -i /srv/repo/acme-game_1.0_all.deb >/dev/null 2>&1
wait_for not_installed acme-game &&
	ok "installed behind apt's back, acme-game is removed again" ||
	not_ok "acme-game stays removed" "$(grep -i drift "$T/wardend.log" | tail -n 5)"

# --- the source catches up: Compliant --------------------------------------------
mkdeb acme-viewer 2.1.0 && index
ctl policy apply "$T/policy.json" >"$T/apply2.out" 2>&1
installed acme-viewer &&
	[ "$(in_root dpkg-query -W -f '${Version}' acme-viewer)" = 2.1.0 ] &&
	ok "with 2.1.0 in the source, acme-viewer is installed" ||
	not_ok "acme-viewer 2.1.0" "$(cat "$T/apply2.out")"
ctl scan >/dev/null 2>&1
report
# The mode's own baseline (a device passcode) is not met in a bare root:
# the applications must have no detail left.
[ -z "$(app_details)" ] &&
	ok "every application as the policy says: no applications detail left" ||
	not_ok "applications compliant" "$(app_details)"

# Dropped from the policy: the pin goes, installed packages stay.
echo '{"name":"none","version":"4"}' >"$T/empty.json"
ctl policy apply "$T/empty.json" >/dev/null 2>&1
[ ! -e "$R/etc/apt/preferences.d/warden-blocked-acme-game" ] && installed acme-tool &&
	ok "a policy without them lifts the pin and leaves installed packages" ||
	not_ok "revert" "$(ls "$R/etc/apt/preferences.d")"
finish
