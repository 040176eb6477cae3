// lwm2m_block.js - block-wise transfer (RFC 7959) between a small LwM2M
// server on node-coap 1.5 and wardend: a passcode policy written in 16-
// and 64-byte Block1 blocks by node-coap's own segmentation, and enforced;
// the size cap (LWM2M_BODY_MAX, 64 KiB) refused with 4.13 when Size1
// announces more and when the blocks pass it (sent block by block with
// coap-packet, so that every answer is seen), with nothing written; a
// block of no transfer refused with 4.08; a Block2 read in 16-byte blocks
// that reassembles to the same document as a read in one datagram.
'use strict';

const crypto = require('crypto');
const coap = require('coap');
const packet = require('coap-packet');
const lib = require('./lib');
const { notOk, check, waitFor } = lib;

const CAP = 64 * 1024;
const rd = lib.registrar();
let agent = null;

const server = coap.createServer({ type: 'udp4' });

server.on('request', (req, res) => {
  if (!rd.handle(req, res)) {
    res.code = '4.04';
    res.end();
  }
});

// A request through node-coap; opts.block1 is the SZX node-coap
// segments the payload with.
function request(method, path, opts = {}) {
  return lib.request(coap, agent, rd.client(), method, path, opts);
}

// One datagram out and its answer, raw: for the answers node-coap's
// segmentation would hide.
const waiting = new Map();
let mid = 30000;

function uintOpt(v) {
  if (v === 0)
    return Buffer.alloc(0);
  const b = [];
  for (; v > 0; v = Math.floor(v / 256))
    b.unshift(v & 0xff);
  return Buffer.from(b);
}

function blockOpt(num, more, szx) {
  return uintOpt(num * 16 + (more ? 8 : 0) + szx);
}

function opt(p, name) {
  const o = p.options.find((x) => x.name === name);
  return o ? o.value : undefined;
}

function optUint(p, name) {
  const v = opt(p, name);
  return v === undefined ? undefined : v.reduce((a, x) => a * 256 + x, 0);
}

function raw(code, path, options, payload) {
  const token = crypto.randomBytes(4);
  const opts = path.split('/').filter((s) => s).map((s) =>
    ({ name: 'Uri-Path', value: Buffer.from(s) })).concat(options);
  const buf = packet.generate({ token, code, messageId: mid++,
    confirmable: true, options: opts, payload: payload || Buffer.alloc(0) });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(token.toString('hex'));
      resolve({ code: 'timeout', options: [] });
    }, 5000);
    waiting.set(token.toString('hex'), (p) => {
      clearTimeout(timer);
      resolve(p);
    });
    server._sock.send(buf, rd.client().port, rd.client().address);
  });
}

// A SenML JSON passcode policy of about size bytes (padded with
// resources the client ignores: none; the padding is whitespace).
function policy(quality, minLength, size) {
  let doc = JSON.stringify([{ bn: '/32001/0/', n: '0', vs: quality },
    { n: '1', v: minLength }, { n: '2', v: 1 }, { n: '10', v: 3 }]);
  if (size > doc.length)
    doc = doc.slice(0, -1) + ' '.repeat(size - doc.length) + ']';
  return Buffer.from(doc);
}

async function blockWrite(szx, quality, minLength) {
  const mark = lib.opsLog().length;
  const body = policy(quality, minLength, 300);
  const bytes = 1 << (szx + 4);
  const r = await request('PUT', '/32001/0', { cf: 'application/senml+json',
    block1: szx, payload: body });
  check(r.code === '2.04', `block: PUT /32001/0 of ${body.length} bytes in ` +
    `${bytes}-byte Block1 blocks answered 2.04`, JSON.stringify(r));
  const re = new RegExp(`passcode\\.apply quality=${quality} ` +
    `minLength=${minLength} `);
  const applied = await waitFor(() => re.test(lib.opsSince(mark)), 10000);
  check(applied, `block: the policy written in ${bytes}-byte blocks is ` +
    `enforced (ops.log passcode.apply quality=${quality} ` +
    `minLength=${minLength})`, lib.opsSince(mark));
}

async function scenario() {
  const reg = await waitFor(() => rd.regs[0], 30000);
  if (!check(reg !== undefined, 'block: registration seen',
    'no registration within 30 s'))
    return;

  await blockWrite(0, 'ALPHANUMERIC', 11);
  await blockWrite(2, 'NUMERIC', 9);

  const SENML = uintOpt(110);
  const mark = lib.opsLog().length;
  // Size1 above the cap: refused at the first block.
  let p = await raw('0.03', '/32001/0', [
    { name: 'Content-Format', value: SENML },
    { name: 'Block1', value: blockOpt(0, true, 6) },
    { name: 'Size1', value: uintOpt(CAP + 1) }],
  policy('ALPHABETIC', 13, 1024).slice(0, 1024));
  check(p.code === '4.13' && optUint(p, 'Size1') === CAP,
    `block: Size1 ${CAP + 1} is refused at block 0 with 4.13 and Size1 ` +
    `${CAP}`, `${p.code} Size1=${optUint(p, 'Size1')}`);

  // No Size1: 1024-byte blocks until the cap is passed.
  const big = Buffer.alloc(CAP + 1024, 0x20);
  let codes = [];
  for (let num = 0; num * 1024 < big.length; num++) {
    p = await raw('0.03', '/32001/0', [
      { name: 'Content-Format', value: SENML },
      { name: 'Block1', value: blockOpt(num, (num + 1) * 1024 < big.length,
        6) }], big.slice(num * 1024, (num + 1) * 1024));
    codes.push(p.code);
    if (p.code !== '2.31')
      break;
  }
  check(codes.length === CAP / 1024 + 1 &&
    codes.slice(0, -1).every((c) => c === '2.31') &&
    codes[codes.length - 1] === '4.13', `block: blocks are taken up to ` +
    `${CAP} bytes (2.31) and the block past it is refused with 4.13`,
  `${codes.length} answers, last ${codes[codes.length - 1]}`);

  // A block of a transfer that was dropped, or never started.
  p = await raw('0.03', '/32001/0', [
    { name: 'Content-Format', value: SENML },
    { name: 'Block1', value: blockOpt(3, true, 0) }], big.slice(0, 16));
  check(p.code === '4.08', 'block: a block of no transfer in progress is ' +
    'refused with 4.08', p.code);
  await lib.sleep(500);
  check(!/passcode\.apply/.test(lib.opsSince(mark)), 'block: nothing of ' +
    'the refused bodies is written', lib.opsSince(mark));

  // Block2: a read in 16-byte blocks, reassembled by hand.
  const whole = await request('GET', '/3/0', { accept:
    'application/senml+json' });
  const parts = [];
  for (let num = 0; num < 4096; num++) {
    p = await raw('0.01', '/3/0', [
      { name: 'Accept', value: SENML },
      { name: 'Block2', value: blockOpt(num, false, 0) }]);
    if (p.code !== '2.05')
      break;
    parts.push(p.payload);
    const b2 = optUint(p, 'Block2');
    if (b2 === undefined || (b2 & 8) === 0)
      break;
  }
  const joined = Buffer.concat(parts).toString();
  let doc = null;
  try {
    doc = JSON.parse(joined);
  } catch (e) { /* checked below */ }
  check(whole.code === '2.05' && parts.length > 4 &&
    parts.slice(0, -1).every((x) => x.length === 16) && Array.isArray(doc) &&
    doc[0].bn === '/3/0/' && doc.some((x) => x.n === '0' && x.vs),
  `block: a Block2 read of /3/0 in ${parts.length} 16-byte blocks is ` +
    'one SenML document', `${p.code} ${joined}`);

  process.kill(lib.env.agentPid, 'SIGTERM');
  const gone = await waitFor(() => rd.deregistered(), 5000);
  check(gone !== null && gone !== undefined, 'block: de-registered when ' +
    'the agent stops', gone);
}

server.listen(lib.env.port, '127.0.0.1', () => {
  agent = new coap.Agent({ socket: server._sock });
  server._sock.on('message', (msg) => {
    let p;
    try {
      p = packet.parse(msg);
    } catch (e) {
      return;
    }
    if (p.code === '0.00' || !p.token || p.token.length === 0)
      return;
    const w = waiting.get(p.token.toString('hex'));
    if (w && /^[245]\./.test(p.code)) {
      waiting.delete(p.token.toString('hex'));
      w(p);
    }
  });
  lib.ready();
  scenario().catch((e) => notOk('block scenario', e.stack))
    .finally(() => server.close(() => lib.finish()));
});
