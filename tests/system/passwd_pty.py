#!/usr/bin/python3
"""passwd_pty.py USER OLD NEW: changes USER's password the way the user
does, with passwd(1) (set-uid root) run as USER on a pseudo-terminal, so
the PAM "passwd" stack (pam_pwquality, pam_unix) judges it exactly as it
judges a person. Answers the prompts; prints the dialogue; exits with
passwd's status."""
import os
import pty
import pwd
import select
import sys
import time

user, old, new = sys.argv[1:4]
pw = pwd.getpwnam(user)
pid, fd = pty.fork()
if pid == 0:
    os.setgroups([])
    os.setgid(pw.pw_gid)
    os.setuid(pw.pw_uid)
    os.environ.update({"LANG": "C", "LC_ALL": "C"})
    os.execv("/usr/bin/passwd", ["passwd"])
out = b""
deadline = time.time() + 60
answered = 0
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 1)
    if not r:
        continue
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    tail = out[answered:].lower()
    if tail.rstrip().endswith(b"current password:"):
        os.write(fd, old.encode() + b"\n")
        answered = len(out)
    elif tail.rstrip().endswith(b"password:"):
        os.write(fd, new.encode() + b"\n")
        answered = len(out)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(status))
