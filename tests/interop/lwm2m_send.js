// lwm2m_send.js - the Send operation and SenML CBOR between a small
// LwM2M server on node-coap 1.5 and wardend, every payload decoded here
// with an independent CBOR implementation (npm cbor 9): the Compliance
// object sent (POST /dp, SenML CBOR) after registration and again when
// a posture change moves the verdict, nothing sent while the Server
// object's Mute Send (/1/0/23) is true and the current state sent once
// it is false again; a read, a Read-Composite (FETCH) and a
// notification in SenML CBOR; a policy
// written in SenML CBOR encoded by the peer and enforced; a malformed
// CBOR write refused with 4.00 and its reason.
'use strict';

const coap = require('coap');
const cbor = require('cbor');
const lib = require('./lib');
const { notOk, check, waitFor } = lib;

const rd = lib.registrar();
const sends = [];		// { at, cf, doc, error }
let agent = null;

const server = coap.createServer({ type: 'udp4' });

function decode(buf) {
  try {
    return { doc: cbor.decodeFirstSync(buf) };
  } catch (e) {
    return { error: String(e) };
  }
}

server.on('request', (req, res) => {
  if (rd.handle(req, res))
    return;
  if (req.method === 'POST' && new URL(req.url, 'coap://x').pathname ===
    '/dp') {
    sends.push({ at: Date.now(), cf: req.headers['Content-Format'],
      ...decode(req.payload) });
    res.code = '2.04';
  } else {
    res.code = '4.04';
  }
  res.end();
});

function request(method, path, opts = {}) {
  return lib.request(coap, agent, rd.client(), method, path, opts);
}

// A SenML CBOR document as the peer decoded it: records are Maps with
// the RFC 8428 labels. Returns { bn, recs: [{ name, value }] } or null.
function senml(doc) {
  if (!Array.isArray(doc))
    return null;
  let bn = '';
  const recs = [];
  for (const r of doc) {
    if (!(r instanceof Map))
      return null;
    if (r.has(-2))
      bn = r.get(-2);
    const name = bn + (r.has(0) ? r.get(0) : '');
    const value = r.has(2) ? r.get(2) : r.has(3) ? r.get(3) : r.has(4) ?
      r.get(4) : r.has(8) ? r.get(8) : r.get('vlo');
    recs.push({ name, value });
  }
  return { bn: doc[0] instanceof Map ? doc[0].get(-2) : undefined, recs };
}

function verdictOf(doc) {
  const s = senml(doc);
  const r = s && s.recs.find((x) => x.name === '/32004/0/0');
  return r ? r.value : undefined;
}

async function scenario() {
  const reg = await waitFor(() => rd.regs[0], 30000);
  if (!check(reg !== undefined, 'send: registration seen',
    'no registration within 30 s'))
    return;

  // A policy in SenML CBOR, encoded by the peer.
  let mark = lib.opsLog().length;
  const pol = cbor.encode([
    new Map([[-2, '/32001/0/'], [0, '0'], [3, 'ALPHANUMERIC']]),
    new Map([[0, '1'], [2, 10]])]);
  let r = await request('PUT', '/32001/0', { cf: 'application/senml+cbor',
    payload: pol });
  check(r.code === '2.04', 'send: PUT /32001/0 in SenML CBOR (encoded ' +
    'by npm cbor)', JSON.stringify(r));
  const applied = await waitFor(() => /passcode\.apply quality=ALPHANUMERIC minLength=10 /
    .test(lib.opsSince(mark)), 10000);
  check(applied, 'send: the CBOR-written policy is enforced (ops.log ' +
    'passcode.apply quality=ALPHANUMERIC minLength=10)', lib.opsSince(mark));

  r = await request('PUT', '/32001/0', { cf: 'application/senml+cbor',
    payload: Buffer.concat([pol, Buffer.from([0])]) });
  check(r.code === '4.00' && /after the array/.test(String(r.payload)),
    'send: CBOR with a byte after the array is refused with 4.00 and the ' +
    'reason', `${r.code} ${r.payload}`);

  // A Send after registration, then one per verdict change.
  const first = await waitFor(() => sends[0], 10000);
  check(first !== undefined && first.cf === 'application/senml+cbor' &&
    senml(first.doc) && senml(first.doc).bn === '/32004/0/' &&
    typeof verdictOf(first.doc) === 'string', 'send: POST /dp in SenML ' +
    `CBOR after registration, decoded by the peer (verdict ` +
    `${first ? verdictOf(first.doc) : '-'})`, JSON.stringify(first));

  lib.simSet('passcode.length', 4);
  let n = await waitFor(() => sends.find((x) => verdictOf(x.doc) ===
    'NonCompliant'), 10000);
  check(n !== undefined, 'send: a posture change that makes the device ' +
    'NonCompliant is sent without any observation', JSON.stringify(
    sends.map((x) => verdictOf(x.doc))));
  const s = n && senml(n.doc);
  check(s && s.recs.some((x) => x.name.startsWith('/32004/0/7/') &&
    x.value === 'passwordPolicies.passwordMinimumLength'), 'send: the ' +
    'Send names the failing field (/32004/0/7/i ' +
    'passwordPolicies.passwordMinimumLength)',
  JSON.stringify(s));

  // Mute Send.
  r = await request('PUT', '/1/0/23', { cf: 'text/plain', payload: '1' });
  check(r.code === '2.04', 'send: write /1/0/23 (Mute Send) true', r.code);
  r = await request('GET', '/1/0/23', { accept: 'text/plain' });
  check(r.code === '2.05' && String(r.payload) === '1', 'send: /1/0/23 ' +
    'reads 1', `${r.code} ${r.payload}`);
  const before = sends.length;
  lib.simSet('passcode.length', 12);
  await lib.sleep(3000);
  check(sends.length === before, 'send: nothing is sent while muted ' +
    '(3 s after the device became Compliant)', JSON.stringify(
    sends.slice(before).map((x) => verdictOf(x.doc))));
  r = await request('GET', '/32004/0', { accept: 'application/senml+cbor' });
  const read = r.code === '2.05' ? decode(r.payload) : {};
  check(r.code === '2.05' && r.cf === 'application/senml+cbor' &&
    verdictOf(read.doc) === 'Compliant', 'send: a read of /32004/0 in ' +
    'SenML CBOR decodes to the verdict Compliant', JSON.stringify(read));
  r = await request('PUT', '/1/0/23', { cf: 'text/plain', payload: '0' });
  n = await waitFor(() => sends.slice(before).find((x) =>
    verdictOf(x.doc) === 'Compliant'), 5000);
  check(r.code === '2.04' && n !== undefined, 'send: once unmuted, the ' +
    'state that changed meanwhile is sent', JSON.stringify(
    sends.slice(before).map((x) => verdictOf(x.doc))));

  // Read-Composite: FETCH / with a path list the peer encodes in CBOR.
  r = await request('FETCH', '/', { cf: 'application/senml+cbor',
    accept: 'application/senml+cbor', payload: cbor.encode([
      new Map([[-2, '/32004/0/'], [0, '0']]),
      new Map([[-2, '/3/0/'], [0, '9']])]) });
  const comp = r.code === '2.05' ? senml(decode(r.payload).doc) : null;
  check(comp && comp.recs.length === 2 && comp.recs.some((x) =>
    x.name === '/3/0/9' && typeof x.value === 'number') &&
    comp.recs.some((x) => x.name === '/32004/0/0' && x.value === 'Compliant'),
  'send: Read-Composite of /32004/0/0 and /3/0/9 (FETCH, SenML CBOR) ' +
    'decodes to both values', `${r.code} ${JSON.stringify(comp)}`);

  // A notification in SenML CBOR.
  const notes = [];
  r = await request('GET', '/32004/0', { observe: true,
    accept: 'application/senml+cbor' });
  check(r.code === '2.05' && r.stream, 'send: observe /32004/0 in SenML ' +
    'CBOR', r.code);
  if (r.stream) {
    r.stream.on('data', (chunk) => notes.push(decode(chunk)));
    await lib.sleep(300);
    lib.simSet('passcode.length', 3);
    const note = await waitFor(() => notes.find((x) => verdictOf(x.doc) ===
      'NonCompliant'), 5000);
    check(note !== undefined, 'send: the notification decodes (verdict ' +
      'NonCompliant)', JSON.stringify(notes));
    r.stream.close();
  }

  process.kill(lib.env.agentPid, 'SIGTERM');
  const gone = await waitFor(() => rd.deregistered(), 5000);
  check(gone !== null && gone !== undefined, 'send: de-registered when ' +
    'the agent stops', gone);
}

server.listen(lib.env.port, '127.0.0.1', () => {
  agent = new coap.Agent({ socket: server._sock });
  lib.ready();
  scenario().catch((e) => notOk('send scenario', e.stack))
    .finally(() => server.close(() => lib.finish()));
});
