// lwm2m_fwupdate.js - Firmware Update (object 5) between a small LwM2M
// server on node-coap and wardend on the simulated device: the server
// reads the pull-only delivery and the protocols, writes a Package URI
// (/5/0/1) and sees State 2, executes Update (/5/0/2) and sees the sim's
// OS-update hook called with that URI (ops.log power.os_update,
// state.osUpdateUri) and State 0 / Update Result 1; with the hook made
// to fail, Update Result 8 and State back to 2; a coap:// URI refused
// with result 9, a pushed Package (/5/0/0) with 4.05.
'use strict';

const fs = require('fs');
const coap = require('coap');
const lib = require('./lib');
const { check, waitFor } = lib;

const rd = lib.registrar();
let agent = null;

const server = coap.createServer({ type: 'udp4' });

server.on('request', (req, res) => {
  if (!rd.handle(req, res)) {
    res.code = '4.04';
    res.end();
  }
});

function request(method, path, opts = {}) {
  return lib.request(coap, agent, rd.client(), method, path, opts);
}

// /5/0 read in SenML JSON: { res: value } (multiple resources: arrays).
async function read5() {
  const r = await request('GET', '/5/0', { accept: 'application/senml+json' });
  const out = { code: r.code };
  if (r.code !== '2.05')
    return out;
  let bn = '';
  for (const x of JSON.parse(r.payload.toString())) {
    if (x.bn !== undefined)
      bn = x.bn;
    const m = /^\/5\/0\/(\d+)(?:\/(\d+))?$/.exec(bn + x.n);
    if (!m)
      continue;
    const v = x.v !== undefined ? x.v : x.vs;
    if (m[2] !== undefined)
      (out[m[1]] = out[m[1]] || []).push(v);
    else
      out[m[1]] = v;
  }
  return out;
}

function simState() {
  try {
    return JSON.parse(fs.readFileSync(`${lib.env.simdir}/device.json`,
      'utf8')).state || {};
  } catch (e) {
    return {};
  }
}

function writeUri(uri) {
  return request('PUT', '/5/0/1', { cf: 'text/plain',
    payload: Buffer.from(uri) });
}

async function scenario() {
  const reg = await waitFor(() => rd.regs[0], 30000);
  if (!check(reg !== undefined, 'fwupdate: registration seen',
    'no registration within 30 s'))
    return;
  await waitFor(() => rd.client(), 5000);

  let s = await read5();
  check(s.code === '2.05' && s['3'] === 0 && s['5'] === 0 && s['9'] === 0 &&
    JSON.stringify(s['8']) === '[2,3]',
  'fwupdate: /5/0 Idle, result 0, delivery pull only, protocols HTTP and ' +
    'HTTPS', JSON.stringify(s));

  let r = await request('PUT', '/5/0/0', { cf: 'application/octet-stream',
    payload: Buffer.from([1, 2, 3]) });
  check(r.code === '4.05', 'fwupdate: a pushed Package (/5/0/0) is 4.05',
    JSON.stringify(r));
  r = await writeUri('coap://fw.example/os.raucb');
  s = await read5();
  check(r.code === '4.00' && s['5'] === 9 && s['3'] === 0,
    'fwupdate: a coap:// Package URI: 4.00, Update Result 9 (unsupported ' +
    'protocol)', JSON.stringify(r) + ' ' + JSON.stringify(s));

  const uri = 'https://updates.example/os-2.1.raucb';
  r = await writeUri(uri);
  s = await read5();
  check(r.code === '2.04' && s['3'] === 2 && s['1'] === uri,
    'fwupdate: Package URI written: State 2 (Downloaded)',
    JSON.stringify(r) + ' ' + JSON.stringify(s));

  let mark = lib.opsLog().length;
  r = await request('POST', '/5/0/2');
  check(r.code === '2.04', 'fwupdate: Update (/5/0/2) answered 2.04',
    JSON.stringify(r));
  s = await waitFor(async () => {
    const x = await read5();
    return x['5'] === 1 ? x : undefined;
  }, 10000);
  check(s && s['3'] === 0 && simState().osUpdateUri === uri &&
    simState().osUpdates === 1 &&
    lib.opsSince(mark).includes(`power.os_update ${uri} -> ok`),
  'fwupdate: the sim\'s OS-update hook ran on the URI; State 0, Update ' +
    'Result 1', JSON.stringify(s) + ' ' + lib.opsSince(mark));

  lib.ctl('sim', 'fail', 'power.os_update', '5');
  r = await writeUri(uri);
  mark = lib.opsLog().length;
  r = await request('POST', '/5/0/2');
  s = await waitFor(async () => {
    const x = await read5();
    return x['5'] !== 0 ? x : undefined;
  }, 10000);
  check(r.code === '2.04' && s && s['5'] === 8 && s['3'] === 2 &&
    simState().osUpdates === 1 &&
    lib.opsSince(mark).includes('power.os_update'),
  'fwupdate: a failing hook: Update Result 8, State back to 2',
    JSON.stringify(s) + ' ' + lib.opsSince(mark));

  // the driver checks MANAGED while the script runs: leave it the time
  await waitFor(() => lib.agentState() === 'MANAGED', 10000);
  await lib.sleep(1000);
  process.kill(lib.env.agentPid, 'SIGTERM');
  const gone = await waitFor(() => rd.deregistered(), 5000);
  check(gone !== null && gone !== undefined, 'fwupdate: de-registered ' +
    'when the agent stops', gone);
}

server.listen(lib.env.port, '127.0.0.1', () => {
  agent = new coap.Agent({ socket: server._sock });
  lib.ready();
  scenario().catch((e) => lib.notOk('fwupdate scenario', e.stack))
    .finally(() => server.close(() => lib.finish()));
});
