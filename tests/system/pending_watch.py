#!/usr/bin/env python3
"""pending_watch.py DB PID [SECONDS]: waits until the agent's store
journals policy steps as pending (an apply under way: every step is
written pending in one synced transaction before the first HAL op), then
freezes the agent (SIGSTOP) so that the apply is still under way when
the power is cut, and prints how many steps are pending. It arms only
once the store has held no pending step (what an earlier apply left does
not count), and then prints "armed": the caller starts the apply only
after that line. Exit 1 when no apply started in time."""
import os
import signal
import sqlite3
import sys
import time

db, pid = sys.argv[1], int(sys.argv[2])
limit = time.time() + (float(sys.argv[3]) if len(sys.argv) > 3 else 120)
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=1)
armed = False
while time.time() < limit:
    try:
        n = con.execute("SELECT count(*) FROM applied_settings "
                        "WHERE status = 'pending'").fetchone()[0]
    except sqlite3.OperationalError:
        n = -1		# locked for a moment: ask again
    if n == 0 and not armed:
        armed = True
        print("armed", flush=True)
    elif n > 0 and armed:
        os.kill(pid, signal.SIGSTOP)
        print(n)
        sys.exit(0)
    time.sleep(0.001)
sys.exit(1)
