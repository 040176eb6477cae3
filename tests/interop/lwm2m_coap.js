// lwm2m_coap.js - wardend against a small LwM2M server written on
// node-coap 1.5 (an independent CoAP stack: Block1/Block2, Observe). It
// checks what lwm2m-node-lib cannot: reads of a whole instance in TLV and
// SenML JSON, 4.06 for an Accept that cannot carry the answer, the
// Security object kept from the server, a SenML write, observation of a
// whole instance with non-confirmable notifications, Write-Attributes
// and Discover, the Reboot execute, an Update from a new session when the
// device's address changes, an Update answered 4.04 (the client registers
// again), and the Factory Reset execute, which ends management: the
// 2.04, the de-registration, the factory reset, UNPROVISIONED, the
// enrollment and the LwM2M keys gone from the store.
'use strict';

const coap = require('coap');
const lib = require('./lib');
const { env, ok, notOk, check, waitFor } = lib;

const regs = [];		// registrations seen
const updates = [];
let deregistered = null;
let refuseUpdates = false;
let client = null;		// { address, port }
const contentTypes = [];	// message types of 2.05 datagrams seen
let watchTypes = false;

const server = coap.createServer({ type: 'udp4' });

server.on('request', (req, res) => {
  const url = new URL(req.url, 'coap://x');
  if (req.method === 'POST' && url.pathname === '/rd') {
    const id = `r${regs.length + 1}`;
    regs.push({ id, query: Object.fromEntries(url.searchParams),
      links: req.payload.toString(), at: Date.now(),
      cf: req.headers['Content-Format'] });
    client = { address: req.rsinfo.address, port: req.rsinfo.port };
    res.code = '2.01';
    res.setOption('Location-Path', [Buffer.from('rd'), Buffer.from(id)]);
    res.end();
  } else if (req.method === 'POST' && url.pathname.startsWith('/rd/')) {
    updates.push({ path: url.pathname,
      query: Object.fromEntries(url.searchParams), at: Date.now(),
      from: req.rsinfo.port });
    // an Update may come from a new address: use it from now on
    client = { address: req.rsinfo.address, port: req.rsinfo.port };
    res.code = refuseUpdates ? '4.04' : '2.04';
    res.end();
  } else if (req.method === 'DELETE' && url.pathname.startsWith('/rd/')) {
    deregistered = url.pathname;
    res.code = '2.02';
    res.end();
  } else {
    res.code = '4.04';
    res.end();
  }
});

let agent = null;

// One request to the client; resolves with { code, cf, payload } or
// { error }.
function request(method, path, opts = {}) {
  return new Promise((resolve) => {
    const req = coap.request({
      hostname: client.address, port: client.port, method,
      pathname: path, query: opts.query, agent,
      observe: opts.observe || false, confirmable: true,
    });
    if (opts.accept !== undefined)
      req.setOption('Accept', opts.accept);
    if (opts.cf !== undefined)
      req.setOption('Content-Format', opts.cf);
    req.on('response', (res) => {
      if (opts.observe) {
        resolve({ code: res.code, stream: res, payload: null });
        return;
      }
      resolve({ code: res.code, cf: res.headers['Content-Format'],
        payload: res.payload });
    });
    req.on('error', (e) => resolve({ error: e }));
    if (opts.payload !== undefined)
      req.write(opts.payload);
    req.end();
  });
}

// The first string value of a TLV instance (resource 0).
function tlvResource0(buf) {
  const t = buf[0];
  if ((t >> 6) !== 3)
    return null;
  let off = 1 + (t & 0x20 ? 2 : 1);
  let len = t & 7;
  const lt = (t >> 3) & 3;
  if (lt > 0) {
    len = 0;
    for (let i = 0; i < lt; i++)
      len = len * 256 + buf[off++];
  }
  return buf.slice(off, off + len).toString();
}

async function scenario() {
  const reg = await waitFor(() => regs[0], 30000);
  if (!check(reg !== undefined, 'node-coap: registration seen',
    'no registration within 30 s'))
    return;
  check(/^urn:dev:warden:/.test(reg.query.ep) && reg.query.lwm2m === '1.1'
    && reg.query.b === 'U' && Number(reg.query.lt) >= 10 &&
    reg.links.startsWith('</>;rt="oma.lwm2m"') &&
    reg.links.includes('</32001/0>'),
  'node-coap: POST /rd?ep=..&lt=..&lwm2m=1.1&b=U with the object links',
  JSON.stringify(reg));

  let r = await request('GET', '/3/0', { accept: 'application/vnd.oma.lwm2m+tlv' });
  check(r.code === '2.05' && r.cf === 'application/vnd.oma.lwm2m+tlv' &&
    tlvResource0(r.payload), `node-coap: read /3/0 in TLV (manufacturer ` +
    `"${r.payload ? tlvResource0(r.payload) : ''}")`, JSON.stringify(r));
  r = await request('GET', '/3/0', { accept: 'application/senml+json' });
  let doc = null;
  try {
    doc = JSON.parse(r.payload.toString());
  } catch (e) { /* checked below */ }
  check(r.code === '2.05' && Array.isArray(doc) &&
    doc[0].bn === '/3/0/' && doc.some((x) => x.n === '9' &&
    typeof x.v === 'number'), 'node-coap: read /3/0 in SenML JSON ' +
    '(battery level a number)', r.payload && r.payload.toString());
  r = await request('GET', '/3/0', { accept: 'text/plain' });
  check(r.code === '4.06', 'node-coap: Accept text/plain for an instance ' +
    'is answered 4.06', r.code);
  r = await request('GET', '/0/0');
  check(r.code === '4.01', 'node-coap: the Security object is not shown ' +
    '(4.01)', r.code);

  // Connectivity Monitoring's mandatory resources, from the simulated
  // device's facts: bearer WLAN (21), available WLAN and LTE-FDD (21, 6),
  // signal -61 dBm.
  r = await request('GET', '/4/0', { accept: 'application/senml+json' });
  doc = null;
  try {
    doc = JSON.parse(r.payload.toString());
  } catch (e) { /* checked below */ }
  const val = (n) => (Array.isArray(doc) ? doc.filter((x) => x.n === n)
    .map((x) => x.v) : []).join(',');
  check(r.code === '2.05' && val('0') === '21' && val('1/0') === '21' &&
    val('1/1') === '6' && val('2') === '-61', 'node-coap: read /4/0: ' +
    'network bearer 21 (WLAN), available bearers 21 and 6 (LTE-FDD), ' +
    'radio signal -61 dBm', r.payload && r.payload.toString());

  // A SenML write of the passcode policy.
  let mark = lib.opsLog().length;
  r = await request('PUT', '/32001/0', { cf: 'application/senml+json',
    payload: JSON.stringify([{ bn: '/32001/0/', n: '0',
      vs: 'ALPHANUMERIC' }, { n: '1', v: 10 }]) });
  check(r.code === '2.04', 'node-coap: PUT /32001/0 in SenML JSON', r.code);
  const applied = await waitFor(() => /passcode\.apply quality=ALPHANUMERIC minLength=10 /
    .test(lib.opsSince(mark)), 10000);
  check(applied, 'node-coap: the written policy is enforced (ops.log ' +
    'passcode.apply quality=ALPHANUMERIC minLength=10)', lib.opsSince(mark));

  // Observe the whole compliance instance.
  lib.simSet('passcode.length', 4);
  await lib.sleep(1500);
  const notes = [];
  contentTypes.length = 0;
  watchTypes = true;
  r = await request('GET', '/32004/0', { observe: true,
    accept: 'application/senml+json' });
  check(r.code === '2.05' && r.stream, 'node-coap: observe /32004/0',
    r.code);
  r.stream.on('data', (chunk) => {
    let d = null;
    try {
      d = JSON.parse(chunk.toString());
    } catch (e) { /* recorded as null */ }
    notes.push({ doc: d, at: Date.now() });
  });
  await lib.sleep(300);
  const changedAt = Date.now();
  lib.simSet('passcode.length', 12);
  const verdict = (d) => d && (d.find((x) => x.n === '0') || {}).vs;
  const n = await waitFor(() => notes.find((x) => verdict(x.doc) ===
    'Compliant'), 5000);
  check(n !== undefined && n.at - changedAt <= 1000, 'node-coap: the ' +
    `instance's change is notified within pmin + 1 s (${n ?
      n.at - changedAt : '-'} ms)`, JSON.stringify(notes.map((x) => x.doc)));
  // CoAP message types of the 2.05 datagrams since the observation
  // began: the first rides on the ACK (2), notifications must be NON (1).
  check(contentTypes.length > 1 && contentTypes[0] === 2 &&
    contentTypes.slice(1).every((t) => t === 1),
  'node-coap: notifications are non-confirmable', JSON.stringify(
    contentTypes));
  r.stream.close();
  watchTypes = false;

  // Write-Attributes, then Discover shows them.
  r = await request('PUT', '/32004/0/10', { query: 'pmin=2&pmax=600' });
  check(r.code === '2.04', 'node-coap: Write-Attributes pmin=2&pmax=600 on ' +
    '/32004/0/10', r.code);
  r = await request('GET', '/32004/0', { accept: 'application/link-format' });
  check(r.code === '2.05' && /<\/32004\/0\/10>;pmin=2;pmax=600/
    .test(r.payload.toString()), 'node-coap: Discover /32004/0 shows them',
  r.payload && r.payload.toString());
  r = await request('PUT', '/32004/0/10', { query: 'gt=1&lt=1' });
  check(r.code === '4.00', 'node-coap: lt >= gt is refused (4.00)', r.code);

  // Reboot.
  mark = lib.opsLog().length;
  r = await request('POST', '/3/0/4');
  check(r.code === '2.04', 'node-coap: execute /3/0/4 (Reboot)', r.code);
  const rebooted = await waitFor(() => /power\.reboot/
    .test(lib.opsSince(mark)), 10000);
  check(rebooted, 'node-coap: the reboot runs (ops.log power.reboot)',
    lib.opsSince(mark));

  // A new address: a new session and an Update from it.
  const before = updates.length;
  const port = client.port;
  // quoted: the simulator reads the value as JSON first
  lib.simSet('network.addresses', '"10.9.8.7"');
  const moved = await waitFor(() => updates.slice(before)
    .find((u) => u.from !== port), 5000);
  check(moved !== undefined, 'node-coap: an address change is followed by ' +
    'an Update from a new session', JSON.stringify(updates.slice(before)));
  r = await request('GET', '/3/0/9');
  check(r.code === '2.05', 'node-coap: requests reach the client at its new ' +
    'address', r.code);

  // A shorter lifetime makes an Update; a 4.04 to it, a new registration.
  refuseUpdates = true;
  r = await request('PUT', '/1/0/1', { cf: 'text/plain', payload: '20' });
  check(r.code === '2.04', 'node-coap: write /1/0/1 (Lifetime 20)', r.code);
  const up = await waitFor(() => updates.find((u) => u.query.lt === '20'),
    5000);
  check(up !== undefined, 'node-coap: the new lifetime is sent in an Update',
    JSON.stringify(updates));
  const again = await waitFor(() => regs[1], 10000);
  check(again !== undefined && again.query.lt === '20',
    'node-coap: an Update answered 4.04 makes the client register again',
    JSON.stringify(regs));
  refuseUpdates = false;

  // Factory Reset: the wipe of the HTTPS WIPE. The 2.04 first, then the
  // de-registration, the factory reset, and the enrollment forgotten.
  check(/enrollment/.test(lib.storedEnrollment()) &&
    /lwm2m_security/.test(lib.storedEnrollment()), 'node-coap: before ' +
    'the wipe, the store holds the enrollment and the Security object',
  lib.storedEnrollment());
  mark = lib.opsLog().length;
  r = await request('POST', '/3/0/5');
  check(r.code === '2.04', 'node-coap: execute /3/0/5 (Factory Reset) ' +
    'answered 2.04', r.code);
  const gone = await waitFor(() => deregistered, 5000);
  check(gone === `/rd/${regs[regs.length - 1].id}`, 'node-coap: the wipe ' +
    'de-registers (DELETE of the registration)', gone);
  const reset = await waitFor(() => /wipe\.factory_reset/
    .test(lib.opsSince(mark)), 10000);
  check(reset, 'node-coap: the factory reset runs (ops.log ' +
    'wipe.factory_reset)', lib.opsSince(mark));
  const state = await waitFor(() => lib.agentState() === 'UNPROVISIONED',
    10000);
  check(state, 'node-coap: after the wipe the device is UNPROVISIONED',
    lib.agentState());
  check(lib.storedEnrollment() === '', 'node-coap: the enrollment and the ' +
    'LwM2M keys are gone from the store', lib.storedEnrollment());
  process.kill(env.agentPid, 'SIGTERM');
}

server.listen(env.port, '127.0.0.1', () => {
  agent = new coap.Agent({ socket: server._sock });
  server._sock.on('message', (msg) => {
    if (watchTypes && msg.length > 1 && msg[1] === 0x45)
      contentTypes.push((msg[0] >> 4) & 3);
  });
  lib.ready();
  scenario().catch((e) => notOk('node-coap scenario', e.stack))
    .finally(() => server.close(() => lib.finish()));
});
