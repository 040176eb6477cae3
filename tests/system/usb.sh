# USB data: with usbDataAccess DISALLOW_USB_DATA_TRANSFER a device
# attached afterwards (dummy_hcd, a virtual host controller, and a mass
# storage gadget on a backing file) is not authorised and exposes no block
# device; allowing authorises the next one. Debian's kernel has no
# g_mass_storage module: the same gadget is made with configfs
# (libcomposite, usb_f_mass_storage).

truncate -s 8M /var/tmp/usb-backing.img
modprobe dummy_hcd
modprobe libcomposite
modprobe usb_f_mass_storage
G=/sys/kernel/config/usb_gadget/warden-test
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
mkdir -p $G/strings/0x409 $G/functions/mass_storage.0 $G/configs/c.1
echo 0x1d6b >$G/idVendor
echo 0x0104 >$G/idProduct
echo warden-test-disk >$G/strings/0x409/product
echo /var/tmp/usb-backing.img >$G/functions/mass_storage.0/lun.0/file
[ -e $G/configs/c.1/mass_storage.0 ] || ln -s $G/functions/mass_storage.0 $G/configs/c.1/
# attach / detach: the gadget bound to dummy_hcd's device controller
attach() {
	ls /sys/class/udc | head -n 1 >$G/UDC
}
detach() {
	echo "" >$G/UDC
}
usb_dev() {
	# the gadget as the host side sees it: a device on dummy_hcd's bus
	for d in /sys/bus/usb/devices/*-1; do
		[ -e "$d/authorized" ] || continue
		readlink -f "$d" | grep -q dummy_hcd && { echo "$d"; return 0; }
	done
	return 1
}
disks() {
	ls /sys/block | grep '^sd' | tr '\n' ' '
}
policy_set usbDataAccess '"DISALLOW_USB_DATA_TRANSFER"'
until_ok 120 test -f /etc/udev/rules.d/70-warden-usb.rules
sleep 1
attach
until_ok 20 usb_dev
sleep 3
d=$(usb_dev)
if [ -n "$d" ] && [ "$(cat "$d/authorized")" = 0 ] && [ -z "$(disks)" ]; then
	ok "DISALLOW_USB_DATA_TRANSFER: an attached USB disk is not authorised, no block device" \
		"$d: authorized=$(cat "$d/authorized"), idProduct=$(cat "$d/idProduct"); /sys/block: $(ls /sys/block | tr '\n' ' ')"
else
	not_ok "an attached USB disk is not authorised" \
		"device ${d:-none}: authorized=$(cat "$d/authorized" 2>/dev/null); disks: $(disks)"
fi
detach
policy_set usbDataAccess '"ALLOW_USB_DATA_TRANSFER"'
until_ok 120 sh -c '! test -f /etc/udev/rules.d/70-warden-usb.rules'
sleep 1
attach
until_ok 20 usb_dev
until_ok 20 sh -c 'ls /sys/block | grep -q ^sd'
d=$(usb_dev)
if [ -n "$d" ] && [ "$(cat "$d/authorized")" = 1 ] && [ -n "$(disks)" ]; then
	ok "ALLOW_USB_DATA_TRANSFER: the next USB disk is authorised and a block device" \
		"$d: authorized=1; block devices: $(disks)"
else
	not_ok "the next USB disk is authorised" \
		"device ${d:-none}: authorized=$(cat "$d/authorized" 2>/dev/null); disks: $(disks)"
fi
detach
rm -f $G/configs/c.1/mass_storage.0
rmdir $G/configs/c.1 $G/functions/mass_storage.0 $G/strings/0x409 $G
modprobe -r dummy_hcd
