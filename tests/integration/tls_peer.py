#!/usr/bin/python3
"""tls_peer.py - a small HTTPS peer for the integration tests of the
device side of the HTTPS binding (docs/protocol/README.md).

It serves the subset wardend uses -- enrollment, policy with ETag, report
batches, the command long poll and command results -- from a work
directory, and writes every request it receives to DIR/requests.jsonl so
that a test can tell "refused before sending anything" from "sent". TLS
1.2 or newer with the certificate chain it is given; client certificates
are requested (not required) and checked against the CA on every device
path. --plain serves plain HTTP, to check that the device refuses it.

The test drives it through files in DIR:
  policy.json          the policy (its ETag changes with its content)
  cmd-<name>.json      a command to deliver once: {"id", "type", ...}
It signs device certificates with the openssl CLI (CA key and
certificate given on the command line). Only on 127.0.0.1.

Standard library only (Debian's /usr/bin/python3).
"""
import argparse
import hashlib
import http.server
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import threading
import time

LOCK = threading.Lock()


def record(args, entry):
    with LOCK:
        with open(os.path.join(args.dir, "requests.jsonl"), "a") as f:
            f.write(json.dumps(entry) + "\n")


def load_json(path, default):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def save_json(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f)
    os.replace(tmp, path)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tls-peer/1"

    def log_message(self, fmt, *a):
        sys.stderr.write("tls_peer: " + (fmt % a) + "\n")

    @property
    def args(self):
        return self.server.args

    def client_cn(self):
        getpeercert = getattr(self.connection, "getpeercert", None)
        cert = getpeercert() if getpeercert else None
        if not cert:
            return None
        for rdn in cert.get("subject", ()):
            for k, v in rdn:
                if k == "commonName":
                    return v
        return None

    def reply(self, code, body=None, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if code not in (204, 304):
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if code not in (204, 304):
            self.wfile.write(data)

    def error(self, code, status, message):
        self.reply(code, {"error": {"code": code, "status": status,
                                    "message": message}})

    def body(self):
        n = int(self.headers.get("Content-Length", "0"))
        return json.loads(self.rfile.read(n) or b"{}")

    def device(self):
        """The device id of a /v1/devices/<id>/... path, checked
        against the client certificate; None after replying 403."""
        m = re.match(r"^/v1/devices/([^/?]+)", self.path)
        cn = self.client_cn()
        if not m or cn != m.group(1):
            self.error(403, "PERMISSION_DENIED",
                       "client certificate %s does not name %s" %
                       (cn, m.group(1) if m else "?"))
            return None
        return m.group(1)

    def start(self):
        record(self.args, {"method": self.command, "path": self.path,
                           "clientCn": self.client_cn()})

    def do_POST(self):
        self.start()
        if self.path == "/v1/enroll":
            return self.enroll()
        dev = self.device()
        if dev is None:
            return
        if self.path.endswith("/reports"):
            return self.reports(dev)
        m = re.match(r"^/v1/devices/[^/]+/commands/([^/]+)/result$",
                     self.path)
        if m:
            results = load_json(os.path.join(self.args.dir,
                                             "results.json"), {})
            results.setdefault(m.group(1), self.body())
            save_json(os.path.join(self.args.dir, "results.json"), results)
            return self.reply(200, {})
        self.error(404, "NOT_FOUND", "no such path")

    def do_GET(self):
        self.start()
        dev = self.device()
        if dev is None:
            return
        if self.path.endswith("/policy"):
            text = json.dumps(load_json(os.path.join(self.args.dir,
                                                     "policy.json"), {}))
            etag = '"%s"' % hashlib.sha256(text.encode()).hexdigest()[:16]
            if self.headers.get("If-None-Match") == etag:
                return self.reply(304, None, {"ETag": etag})
            return self.reply(200, json.loads(text), {"ETag": etag})
        m = re.match(r"^/v1/devices/[^/]+/commands\?waitSeconds=(\d+)$",
                     self.path)
        if m:
            return self.commands(min(int(m.group(1)), 60))
        self.error(404, "NOT_FOUND", "no such path")

    def enroll(self):
        req = self.body()
        if self.args.stall_first and not self.server.stalled:
            # The first request is never processed: the connection drops
            # after a while, the token stays unused.
            self.server.stalled = True
            time.sleep(self.args.stall_first)
            self.close_connection = True
            return
        used = load_json(os.path.join(self.args.dir, "used.json"), [])
        token = req.get("enrollmentToken")
        if token != self.args.token or token in used:
            return self.error(403, "PERMISSION_DENIED",
                              "enrollment token unknown or already used")
        used.append(token)
        save_json(os.path.join(self.args.dir, "used.json"), used)
        self.server.devices += 1
        dev = "dev-%d" % self.server.devices
        with tempfile.TemporaryDirectory() as tmp:
            csr = os.path.join(tmp, "csr.pem")
            ext = os.path.join(tmp, "ext")
            with open(csr, "w") as f:
                f.write(req["csr"])
            with open(ext, "w") as f:
                f.write("basicConstraints=CA:FALSE\n"
                        "keyUsage=critical,digitalSignature\n"
                        "extendedKeyUsage=clientAuth\n")
            cert = subprocess.run(
                ["openssl", "x509", "-req", "-in", csr, "-CA",
                 self.args.ca, "-CAkey", self.args.ca_key, "-days", "90",
                 "-subj", "/CN=" + dev, "-set_serial",
                 str(1000 + self.server.devices), "-extfile", ext],
                check=True, capture_output=True, text=True).stdout
        with open(self.args.ca) as f:
            ca = f.read()
        record(self.args, {"enrolled": dev, "device": req.get("device")})
        self.reply(201, {"deviceId": dev, "name": "devices/" + dev,
                         "certificate": cert, "caCertificate": ca,
                         "policy": load_json(os.path.join(
                             self.args.dir, "policy.json"), {}),
                         "pollTimeoutSeconds": self.args.poll})

    def reports(self, dev):
        batch = self.body().get("reports", [])
        path = os.path.join(self.args.dir, "reports.json")
        with LOCK:
            held = load_json(path, {})
            for r in batch:
                held.setdefault(r["idempotencyKey"], r["kind"])
            save_json(path, held)
        record(self.args, {"batch": len(batch)})
        self.reply(200, {"accepted": [r["idempotencyKey"] for r in batch]})

    def commands(self, wait):
        deadline = time.monotonic() + wait
        while True:
            cmds = []
            with LOCK:
                for name in sorted(os.listdir(self.args.dir)):
                    if name.startswith("cmd-") and name.endswith(".json"):
                        path = os.path.join(self.args.dir, name)
                        cmds.append(load_json(path, {}))
                        os.replace(path, path + ".sent")
            if cmds or time.monotonic() >= deadline:
                return self.reply(200, {"commands": cmds})
            time.sleep(0.05)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    stalled = False
    devices = 0

    def finish_request(self, request, client_address):
        if self.ctx is not None:
            try:
                request = self.ctx.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                sys.stderr.write("tls_peer: handshake failed: %s\n" % e)
                return
        self.RequestHandlerClass(request, client_address, self)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--chain", help="server certificate chain (PEM)")
    p.add_argument("--key", help="server key (PEM)")
    p.add_argument("--ca", required=True, help="device CA certificate")
    p.add_argument("--ca-key", required=True)
    p.add_argument("--token", default="TOKEN-1")
    p.add_argument("--poll", type=int, default=30)
    p.add_argument("--plain", action="store_true")
    p.add_argument("--stall-first", type=float, default=0)
    args = p.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.args = args
    srv.ctx = None
    if not args.plain:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(args.chain, args.key)
        ctx.load_verify_locations(args.ca)
        ctx.verify_mode = ssl.CERT_OPTIONAL
        srv.ctx = ctx
    with open(os.path.join(args.dir, "port.tmp"), "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(os.path.join(args.dir, "port.tmp"),
               os.path.join(args.dir, "port"))
    srv.serve_forever()


if __name__ == "__main__":
    main()
