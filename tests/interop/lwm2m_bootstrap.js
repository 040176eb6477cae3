// lwm2m_bootstrap.js - an LwM2M bootstrap server on node-coap 1.5 for the
// DTLS test (tests/integration/lwm2m_dtls.sh): it answers the device's
// Bootstrap-Request, deletes what the device had, writes one Security
// instance (certificate mode: the device's certificate and key, and the
// certificate the server's chain must lead to) and one Server instance in
// TLV, and finishes. The management server is libcoap's coap-rd-openssl.
'use strict';

const fs = require('fs');
const coap = require('coap');
const lib = require('./lib');
const { env, check, notOk, waitFor } = lib;

const cfg = {
  uri: process.env.SERVER_URI,
  cert: fs.readFileSync(process.env.CLIENT_CERT),
  key: fs.readFileSync(process.env.CLIENT_KEY),
  anchor: fs.readFileSync(process.env.SERVER_ANCHOR),
};

// One TLV entry: type (3 resource, 1 resource instance, 0 instance).
function tlv(kind, id, value) {
  const head = [kind << 6];
  if (id > 255) {
    head[0] |= 0x20;
    head.push(id >> 8);
  }
  head.push(id & 0xff);
  const n = value.length;
  if (n < 8) {
    head[0] |= n;
  } else if (n < 0x100) {
    head[0] |= 0x08;
    head.push(n);
  } else if (n < 0x10000) {
    head[0] |= 0x10;
    head.push(n >> 8, n & 0xff);
  } else {
    head[0] |= 0x18;
    head.push(n >> 16, (n >> 8) & 0xff, n & 0xff);
  }
  return Buffer.concat([Buffer.from(head), value]);
}

const int = (v) => Buffer.from([v]);

let requested = null;
let client = null;
let agent = null;
const server = coap.createServer({ type: 'udp4' });

server.on('request', (req, res) => {
  const url = new URL(req.url, 'coap://x');
  if (req.method === 'POST' && url.pathname === '/bs') {
    requested = url.searchParams.get('ep');
    client = { address: req.rsinfo.address, port: req.rsinfo.port };
    res.code = '2.04';
    res.end();
    return;
  }
  res.code = '4.04';
  res.end();
});

function request(method, path, payload) {
  return new Promise((resolve) => {
    const req = coap.request({ hostname: client.address, port: client.port,
      method, pathname: path, agent, confirmable: true });
    if (payload !== undefined)
      req.setOption('Content-Format', 'application/vnd.oma.lwm2m+tlv');
    req.on('response', (res) => resolve(res.code));
    req.on('error', (e) => resolve(String(e)));
    if (payload !== undefined)
      req.write(payload);
    req.end();
  });
}

async function scenario() {
  const ep = await waitFor(() => requested, 30000);
  if (!check(ep !== undefined, 'bootstrap: Bootstrap-Request seen',
    'none within 30 s'))
    return;
  let code = await request('DELETE', '/');
  check(code === '2.02', 'bootstrap: Delete /', code);
  const security = Buffer.concat([
    tlv(3, 0, Buffer.from(cfg.uri)),
    tlv(3, 1, int(0)),			// not the bootstrap server
    tlv(3, 2, int(2)),			// certificate mode
    tlv(3, 3, cfg.cert),
    tlv(3, 4, cfg.anchor),
    tlv(3, 5, cfg.key),
    tlv(3, 10, int(101)),
  ]);
  code = await request('PUT', '/0/1', security);
  check(code === '2.04', 'bootstrap: Write /0/1 (certificate mode)', code);
  const srv = Buffer.concat([
    tlv(3, 0, int(101)),
    tlv(3, 1, Buffer.from([0x00, 0x3c])),	// lifetime 60 s
    tlv(3, 6, int(0)),
    tlv(3, 7, Buffer.from('U')),
  ]);
  code = await request('PUT', '/1/0', srv);
  check(code === '2.04', 'bootstrap: Write /1/0', code);
  code = await request('POST', '/bs');
  check(code === '2.04', 'bootstrap: Bootstrap-Finish accepted', code);
}

server.listen(env.port, '127.0.0.1', () => {
  agent = new coap.Agent({ socket: server._sock });
  lib.ready();
  scenario().catch((e) => notOk('bootstrap scenario', e.stack))
    .finally(() => setTimeout(() => server.close(() => lib.finish()), 500));
});
