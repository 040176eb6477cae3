# Posture on a real OS: a LUKS data volume, lockdown=integrity on the
# kernel command line, the TPM (/dev/tpm0) of swtpm.

echo -n 'data-volume-key' >/tmp/luks.key
if cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 \
	--pbkdf-force-iterations 1000 --key-file /tmp/luks.key /dev/vdb &&
   cryptsetup open --key-file /tmp/luks.key /dev/vdb data &&
   mkfs.ext4 -q /dev/mapper/data && mkdir -p /data &&
   mount /dev/mapper/data /data; then
	um=$(scan_fact disk.unencrypted_mounts)
	case ",$um," in
	*,/data,*) not_ok "the LUKS volume on /data counts as encrypted" "unencrypted: $um" ;;
	*,/,*) ok "disk facts: /data on LUKS is encrypted, / is not" \
		"disk.unencrypted_mounts=$um; $(lsblk -no NAME,TYPE,MOUNTPOINT /dev/vdb | tr '\n' ' ')" ;;
	*) not_ok "the disk facts name /" "unencrypted: $um" ;;
	esac
else
	not_ok "a LUKS volume on /dev/vdb"
fi
lk=$(scan_fact integrity.lockdown)
[ "$lk" = integrity ] && grep -q '\[integrity\]' /sys/kernel/security/lockdown &&
	ok "lockdown=integrity shows in the facts" \
		"integrity.lockdown=$lk; /sys/kernel/security/lockdown: $(cat /sys/kernel/security/lockdown)" ||
	not_ok "integrity.lockdown is integrity" "$lk; $(cat /sys/kernel/security/lockdown 2>&1)"
ks=$(fact hw.keystore)
[ -c /dev/tpm0 ] && [ "$ks" = true ] &&
	ok "the TPM is seen: /dev/tpm0, hw.keystore true" \
		"$(cat /sys/class/tpm/tpm0/tpm_version_major 2>/dev/null && echo) $(ls -l /dev/tpm0)" ||
	not_ok "the TPM is seen" "hw.keystore=$ks; $(ls -l /dev/tpm* 2>&1)"
# time.synced under the hardened unit (ProtectClock=yes refuses adjtimex
# to wardend): the clock made synchronised, then not, as an NTP daemon
# would; the fact follows the kernel.
t1=$(python3 "$here/timex.py" synced)
ts=$(scan_fact time.synced)
t2=$(python3 "$here/timex.py" unsynced)
tu=$(scan_fact time.synced)
[ "$ts" = true ] && [ "$tu" = false ] &&
	ok "time.synced follows the kernel clock under ProtectClock=yes" \
		"synced ($t1): $ts; unsynced ($t2): $tu; unit: ProtectClock=$(systemctl show -p ProtectClock --value wardend)" ||
	not_ok "time.synced follows the kernel clock" \
		"synced ($t1): '$ts'; unsynced ($t2): '$tu'; $(ctl facts | grep -i -e time -e hal.errors)"
