#!/bin/bash
# The Linux HAL's scan written the way an administrator would script it:
# the same files read and the same programs asked (os-release, the
# kernel, apt's history, mounts and dm-crypt, Secure Boot, lockdown,
# SELinux, setuid su binaries, /etc/shadow and faillock, nftables, the
# clock, disk and memory, addresses, cameras, logind). It prints one
# "key=value" line per fact. The benchmark (run.sh) measures its CPU
# and wall time beside `wardenctl scan` on the same machine in the same
# run; it is not used by the agent.
set -u
LC_ALL=C

. /etc/os-release 2>/dev/null || . /usr/lib/os-release
echo "os.id=$ID"
echo "os.name=$NAME"
echo "os.version=$(cat /etc/debian_version 2>/dev/null || echo "$VERSION_ID")"
echo "os.kernel=$(uname -r)"
patch=$(grep -h '^Start-Date:' /var/log/apt/history.log.1 \
	/var/log/apt/history.log 2>/dev/null | tail -n 1 | awk '{print $2}')
echo "os.security_patch=$patch"

unenc=
for m in / /data /home /var; do
	src=$(findmnt -n -o SOURCE --target "$m" 2>/dev/null) || continue
	name=$(basename "$(readlink -f "$src")")
	if [ ! -r "/sys/class/block/$name/dm/uuid" ] ||
	    ! grep -q '^CRYPT-' "/sys/class/block/$name/dm/uuid"; then
		case ",$unenc," in *",$m,"*) ;; *) unenc=${unenc:+$unenc,}$m ;; esac
	fi
done
echo "disk.encrypted=$([ -z "$unenc" ] && echo true || echo false)"
echo "disk.unencrypted_mounts=$unenc"

sb=false
for f in /sys/firmware/efi/efivars/SecureBoot-*; do
	[ -r "$f" ] && [ "$(od -An -t u1 -j 4 -N 1 "$f" | tr -d ' ')" = 1 ] && sb=true
done
echo "integrity.secure_boot=$sb"
echo "integrity.lockdown=$(sed -n 's/.*\[\(.*\)\].*/\1/p' \
	/sys/kernel/security/lockdown 2>/dev/null || echo none)"
echo "integrity.selinux_enforcing=$([ "$(cat /sys/fs/selinux/enforce 2>/dev/null)" = 1 ] && echo true || echo false)"
echo "integrity.verified_root=$(grep -q 'dm-mod.create\|root=/dev/dm' /proc/cmdline && echo true || echo false)"
echo "integrity.debugger_attached=$([ "$(awk '/^TracerPid/ {print $2}' /proc/self/status)" != 0 ] && echo true || echo false)"
echo "integrity.usr_writable=$(findmnt -n -o OPTIONS --target /usr | grep -q '^rw' && echo true || echo false)"
echo "integrity.kernel_tainted=$(cat /proc/sys/kernel/tainted)"
su=
for d in /system/bin /system/xbin /system/sbin /vendor/bin /sbin /usr/sbin \
    /usr/local/bin /usr/local/sbin /data/local /data/local/bin \
    /data/local/xbin /data/local/tmp /data/adb /su/bin /debug_ramdisk /cache; do
	[ -u "$d/su" ] && su=${su:+$su,}$d/su
done
echo "integrity.su_paths=$su"
echo "integrity.rooted=$([ -n "$su" ] && echo true || echo false)"

user=$(awk -F: '$3 >= 1000 && $3 < 60000 {print $1; exit}' /etc/passwd)
hash=$(awk -F: -v u="$user" '$1 == u {print $2}' /etc/shadow 2>/dev/null)
case $hash in ''|'*'*|'!'*) set_=false ;; *) set_=true ;; esac
echo "passcode.set=$set_"
echo "passcode.quality=$(grep -h '^ *minclass' /etc/security/pwquality.conf \
	/etc/security/pwquality.conf.d/*.conf 2>/dev/null | tail -n 1)"
echo "passcode.lockout_attempts=$(sed -n 's/^ *deny *= *//p' \
	/etc/security/faillock.conf 2>/dev/null | tail -n 1)"
echo "passcode.failed_attempts=$(faillock --user "${user:-root}" 2>/dev/null |
	grep -c ' V$')"
echo "passcode.max_age_days=$(awk -F: -v u="$user" '$1 == u {print $5}' \
	/etc/shadow 2>/dev/null)"

if nft -j list ruleset >/tmp/scan_facts.$$ 2>/dev/null; then
	fw=$(grep -q '"hook": "input".*"policy": "drop"' /tmp/scan_facts.$$ &&
		echo true || echo false)
	src=nft
elif [ -r /etc/nftables.conf ]; then
	fw=$(grep -q 'policy drop' /etc/nftables.conf && echo true || echo false)
	src=nftables.conf
else
	fw=false
	src=none
fi
rm -f /tmp/scan_facts.$$
echo "firewall.enabled=$fw"
echo "firewall.source=$src"
echo "time.synced=$(timedatectl show -p NTPSynchronized --value 2>/dev/null || echo no)"

set -- $(df -B1 --output=size,avail / | tail -n 1)
echo "storage.total_bytes=$1"
echo "storage.free_bytes=$2"
echo "memory.total_bytes=$(($(awk '/^MemTotal/ {print $2}' /proc/meminfo) * 1024))"
echo "memory.available_bytes=$(($(awk '/^MemAvailable/ {print $2}' /proc/meminfo) * 1024))"
addrs=$(ip -o addr show scope global 2>/dev/null | awk '{split($4, a, "/"); print a[1]}' |
	paste -sd, -)
echo "network.connected=$([ -n "$addrs" ] && echo true || echo false)"
echo "network.addresses=$addrs"
cams=$(ls /dev/video* 2>/dev/null | wc -l)
echo "camera.present=$([ "$cams" -gt 0 ] && echo true || echo false)"
echo "camera.blocked=$([ -e /etc/modprobe.d/warden-camera.conf ] && echo true || echo false)"
echo "usb.data_blocked=$([ "$(cat /sys/bus/usb/drivers_autoprobe 2>/dev/null)" = 0 ] && echo true || echo false)"
id=$(loginctl show-user "${user:-root}" -p Display --value 2>/dev/null)
echo "screen.locked=$([ -n "$id" ] && loginctl show-session "$id" -p LockedHint --value 2>/dev/null)"
echo "profile.exists=$(getent passwd warden-work >/dev/null && echo true || echo false)"
echo "kiosk.active=$([ -e /etc/systemd/system/warden-kiosk.service ] && echo true || echo false)"
