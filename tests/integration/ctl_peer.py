#!/usr/bin/python3
"""ctl_peer.py - hostile and careless control-socket clients for the tests.

usage: ctl_peer.py SOCKET ACTION [ARGS...]

  hangup REQUEST [rst]   send REQUEST (a JSON line) and close at once,
                         without reading the reply; "rst" closes with a
                         reset (SO_LINGER 0)
  halfopen N BYTES HOLD  open N connections, send BYTES bytes with no
                         newline on each, hold them HOLD seconds; prints
                         "connected=N refused=N errors=N"
  idle N HOLD            open N connections and send nothing for HOLD
                         seconds; prints "open=N refused=N failed=N"
                         (refused: the agent said why and hung up)
  trickle SECONDS        send a request one byte a second, without its
                         newline, for SECONDS; prints what the agent
                         answered and after how long
  wait                   connect, send nothing, print what the agent says
                         and after how long it hangs up
  line BYTES             send a request line of BYTES bytes, print the reply
  serve-hangup PATH      (not a client) listen on PATH, accept one
                         connection, close it without reading, exit
"""
import json
import os
import resource
import select
import socket
import struct
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def read_line(s, timeout):
    """The first line the agent sends within timeout, or None on EOF."""
    s.settimeout(timeout)
    buf = b""
    try:
        while b"\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return buf.split(b"\n")[0].decode(errors="replace") if buf else None


def hangup(path, request, rst=False):
    s = connect(path)
    s.sendall(request.encode() + b"\n")
    if rst:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
    s.close()


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, n + 64))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def halfopen(path, n, nbytes, hold):
    raise_nofile(n)
    socks, refused, errors = [], 0, 0
    chunk = b"x" * 65536
    for _ in range(n):
        try:
            s = connect(path)
        except OSError:
            errors += 1
            continue
        s.setblocking(False)
        socks.append([s, nbytes])
    # Push the bytes round-robin until every connection has sent them
    # all or the agent stopped taking them.
    deadline = time.time() + hold
    while time.time() < deadline:
        busy = [e for e in socks if e[1] > 0]
        if not busy:
            break
        _, w, _ = select.select([], [e[0] for e in busy], [], 0.2)
        if not w:
            continue
        for e in busy:
            if e[0] not in w:
                continue
            try:
                sent = e[0].send(chunk[:min(len(chunk), e[1])])
                e[1] -= sent
            except BlockingIOError:
                pass
            except OSError:
                e[1] = 0
                refused += 1
    time.sleep(max(0, deadline - time.time()))
    for e in socks:
        e[0].close()
    print("connected=%d refused=%d errors=%d" % (len(socks), refused, errors))


def idle(path, n, hold):
    raise_nofile(n)
    socks, refused, failed = [], 0, 0
    for _ in range(n):
        try:
            socks.append(connect(path))
        except OSError:
            failed += 1
    time.sleep(0.5)
    still = []
    for s in socks:
        s.setblocking(False)
        try:
            data = s.recv(4096)
            if b"try again later" in data:
                refused += 1
            s.close()
        except BlockingIOError:
            still.append(s)
        except OSError:
            failed += 1
            s.close()
    print("open=%d refused=%d failed=%d" % (len(still), refused, failed),
          flush=True)
    time.sleep(hold)
    for s in still:
        s.close()


def trickle(path, seconds):
    s = connect(path)
    start = time.time()
    req = b'{"cmd":"status"' + b" " * 1000
    s.setblocking(False)
    answer = None
    for i in range(seconds):
        try:
            s.send(req[i:i + 1])
        except OSError:
            break
        r, _, _ = select.select([s], [], [], 1.0)
        if r:
            answer = read_line(s, 1.0)
            break
    print("after %.1f s: %s" % (time.time() - start, answer))


def wait(path):
    s = connect(path)
    start = time.time()
    answer = read_line(s, 60)
    print("after %.1f s: %s" % (time.time() - start, answer))


def line(path, nbytes):
    s = connect(path)
    pad = max(0, nbytes - len('{"cmd":"status","x":""}'))
    req = json.dumps({"cmd": "status", "x": "a" * pad},
                     separators=(",", ":")).encode() + b"\n"
    try:
        s.sendall(req)
    except OSError as e:
        print("send: %s" % e)
    print(read_line(s, 10))


def serve_hangup(path):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    print("listening", flush=True)
    c, _ = srv.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    srv.close()
    os.unlink(path)


def main():
    path, action, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if action == "hangup":
        hangup(path, args[0], len(args) > 1 and args[1] == "rst")
    elif action == "halfopen":
        halfopen(path, int(args[0]), int(args[1]), float(args[2]))
    elif action == "idle":
        idle(path, int(args[0]), float(args[1]))
    elif action == "trickle":
        trickle(path, int(args[0]))
    elif action == "wait":
        wait(path)
    elif action == "line":
        line(path, int(args[0]))
    elif action == "serve-hangup":
        serve_hangup(path)
    else:
        sys.exit("unknown action " + action)


if __name__ == "__main__":
    main()
