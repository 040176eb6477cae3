#!/usr/bin/env python3
"""timex.py synced|unsynced: sets the kernel clock's state as an NTP
daemon would (adjtimex(2): STA_UNSYNC and maxerror), then prints the
kernel's state and maxerror."""
import ctypes
import struct
import sys

ADJ_MAXERROR, ADJ_ESTERROR, ADJ_STATUS = 0x0004, 0x0008, 0x0010
STA_UNSYNC = 0x0040
libc = ctypes.CDLL(None, use_errno=True)
# struct timex on LP64: modes (int, padded), offset, freq, maxerror,
# esterror (long), status (int); the rest is left zero.
buf = ctypes.create_string_buffer(256)
if sys.argv[1] == "synced":
    struct.pack_into("=i4xqqqqi", buf, 0, ADJ_MAXERROR | ADJ_ESTERROR |
                     ADJ_STATUS, 0, 0, 100000, 100000, 0)
else:
    struct.pack_into("=i4xqqqqi", buf, 0, ADJ_MAXERROR | ADJ_STATUS,
                     0, 0, 16000000, 0, STA_UNSYNC)
state = libc.adjtimex(buf)
if state < 0:
    sys.exit("adjtimex: errno %d" % ctypes.get_errno())
maxerror = struct.unpack_from("=q", buf, 24)[0]
print("state %d maxerror %d us" % (state, maxerror))
