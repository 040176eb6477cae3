// lwm2m_nodelib.js - wardend against lwm2m-node-lib 1.4's LwM2M server
// (an LwM2M 1.0 server with an in-memory registry, no DTLS, content format
// 1541 for writes, confirmable notifications never acknowledged). The
// server registers the device, reads the Device object, writes the
// passcode policy and sees it enforced on the simulated device, observes
// the compliance verdict across a fact change, discovers, executes the
// wipe (/8/0/3), and sees it end management: de-registered,
// UNPROVISIONED.
'use strict';

const lib = require('./lib');
const server = require('lwm2m-node-lib').server;
const { env, ok, notOk, check, waitFor } = lib;

const config = {
  port: env.port,
  lifetimeCheckInterval: 1000,
  udpWindow: 100,
  defaultType: 'Device',
  logLevel: 'FATAL',
  ipProtocol: 'udp4',
  serverProtocol: 'udp4',
  formats: [{ name: 'lightweightm2m/text', value: 1541 }],
  writeFormat: 'lightweightm2m/text',
  deviceRegistry: { type: 'memory' },
};

let registration = null;
let unregistered = null;

const call = (fn, ...args) => new Promise((resolve) => {
  fn(...args, (err, value) => resolve({ err, value }));
});

async function scenario() {
  const reg = await waitFor(() => registration, 30000);
  if (!check(reg !== undefined, 'lwm2m-node-lib: registration seen',
    'no registration within 30 s'))
    return;
  check(/^urn:dev:warden:/.test(reg.ep) && reg.lwm2m === '1.1' &&
    reg.b === 'U' && /<\/32004\/0>/.test(reg.payload) &&
    /<\/3\/0>/.test(reg.payload),
  'lwm2m-node-lib: registration names the endpoint, LwM2M 1.1, binding U ' +
    'and the objects', JSON.stringify(reg));

  const dev = (await call(server.getDevice, reg.ep)).value;
  let r = await call(server.read, dev.id, 3, 0, 0);
  check(!r.err && r.value.length > 0, 'lwm2m-node-lib: read /3/0/0 ' +
    `(manufacturer "${r.value}")`, r.err);
  r = await call(server.read, dev.id, 3, 0, 2);
  check(!r.err && reg.ep.endsWith(r.value), 'lwm2m-node-lib: read /3/0/2 ' +
    'gives the serial in the endpoint name', r.err || r.value);

  // The passcode policy: two writes in the old text format.
  let mark = lib.opsLog().length;
  r = await call(server.write, dev.id, 32001, 0, 0, 'NUMERIC_COMPLEX');
  const r2 = await call(server.write, dev.id, 32001, 0, 1, '8');
  check(!r.err && !r2.err, 'lwm2m-node-lib: write /32001/0/0 and ' +
    '/32001/0/1 (format 1541)', r.err || r2.err);
  const applied = await waitFor(() => /passcode\.apply quality=NUMERIC_COMPLEX minLength=8 /
    .test(lib.opsSince(mark)), 10000);
  check(applied, 'lwm2m-node-lib: the written passcode policy is enforced ' +
    '(ops.log passcode.apply quality=NUMERIC_COMPLEX minLength=8)',
  lib.opsSince(mark));
  r = await call(server.write, dev.id, 32001, 0, 1, '99');
  check(r.err && /4\.00/.test(String(r.err.message || r.err.code ||
    JSON.stringify(r.err))), 'lwm2m-node-lib: an out-of-range write is ' +
    'answered 4.00', JSON.stringify(r.err));

  // Observe the verdict; a fact change must be notified within pmin + 1 s.
  lib.simSet('passcode.length', 12);
  await lib.sleep(1500);
  const notes = [];
  r = await call(server.observe, dev.id, 32004, 0, 0,
    (value) => notes.push({ value, at: Date.now() }));
  check(!r.err && r.value === 'Compliant', 'lwm2m-node-lib: observe ' +
    `/32004/0/0 (verdict "${r.value}")`, r.err);
  const changedAt = Date.now();
  lib.simSet('passcode.length', 4);
  const n = await waitFor(() => notes.find((x) => x.value === 'NonCompliant'),
    5000);
  check(n !== undefined && n.at - changedAt <= 1000,
    'lwm2m-node-lib: the verdict change is notified within pmin + 1 s ' +
    `(${n ? n.at - changedAt : '-'} ms, pmin 0)`, JSON.stringify(notes));

  r = await call(server.discover, dev.id, 32004, 0, 4);
  check(!r.err && /<\/32004\/0\/4>;dim=\d+/.test(r.value),
    'lwm2m-node-lib: discover /32004/0/4', r.err || r.value);

  // Execute the wipe.
  mark = lib.opsLog().length;
  r = await call(server.execute, dev.id, 8, 0, 3, '');
  check(!r.err, 'lwm2m-node-lib: execute /8/0/3', r.err);
  const wiped = await waitFor(() => /wipe\.factory_reset/
    .test(lib.opsSince(mark)), 10000);
  check(wiped, 'lwm2m-node-lib: the wipe path runs (ops.log ' +
    'wipe.factory_reset)', lib.opsSince(mark));

  // The wipe ends management: de-registered, UNPROVISIONED.
  const gone = await waitFor(() => unregistered, 5000);
  check(gone === reg.ep, 'lwm2m-node-lib: the wipe de-registers the device',
    `unregistered: ${gone}`);
  const state = await waitFor(() => lib.agentState() === 'UNPROVISIONED',
    10000);
  check(state, 'lwm2m-node-lib: after the wipe the device is UNPROVISIONED',
    lib.agentState());
  process.kill(env.agentPid, 'SIGTERM');
}

server.start(config, (err, info) => {
  if (err) {
    notOk('lwm2m-node-lib server starts', err);
    lib.finish();
  }
  server.setHandler(info, 'registration', (ep, lt, lwm2m, b, payload, cb) => {
    registration = { ep, lt, lwm2m, b, payload };
    cb();
  });
  server.setHandler(info, 'unregistration', (device, cb) => {
    unregistered = device.name;
    cb();
  });
  server.setHandler(info, 'updateRegistration', (obj, cb) => cb());
  lib.ready();
  scenario().catch((e) => notOk('lwm2m-node-lib scenario', e.stack))
    .finally(() => server.stop(info, () => lib.finish()));
});
