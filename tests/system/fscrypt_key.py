#!/usr/bin/python3
"""fscrypt_key.py policy DIR        prints the v2 key identifier of DIR's
                                   fscrypt policy (hex)
   fscrypt_key.py status MNT ID     prints the kernel's status of that key
                                   on the file system of MNT: present,
                                   absent or incompletely-removed
The kernel's own answers (FS_IOC_GET_ENCRYPTION_POLICY_EX,
FS_IOC_GET_ENCRYPTION_KEY_STATUS), for the work-profile system test."""
import fcntl
import os
import struct
import sys

GET_POLICY_EX = 0xC0096616      # _IOWR('f', 22, __u8[9])
GET_KEY_STATUS = 0xC080661A     # _IOWR('f', 26, struct, 128 bytes)
KEY_SPEC_IDENTIFIER = 2

if sys.argv[1] == "policy":
    fd = os.open(sys.argv[2], os.O_RDONLY | os.O_DIRECTORY)
    buf = bytearray(struct.pack("=Q", 24) + bytes(24))
    fcntl.ioctl(fd, GET_POLICY_EX, buf)
    if buf[8] != 2:
        sys.exit("not a v2 policy")
    print(bytes(buf[16:32]).hex())
elif sys.argv[1] == "status":
    fd = os.open(sys.argv[2], os.O_RDONLY | os.O_DIRECTORY)
    ident = bytes.fromhex(sys.argv[3])
    buf = bytearray(struct.pack("=II", KEY_SPEC_IDENTIFIER, 0) + ident +
                    bytes(16) + bytes(24) + bytes(4 * 16))
    fcntl.ioctl(fd, GET_KEY_STATUS, buf)
    status = struct.unpack_from("=I", buf, 64)[0]
    print({1: "absent", 2: "present", 3: "incompletely-removed"}.get(
        status, "status-%d" % status))
