// lwm2m_swmgmt.js - Software Management (object 9) between a small LwM2M
// server on node-coap and wardend on the simulated device: the server
// reads /9 in SenML JSON and sees an instance per application the sim
// lists (installed ones INSTALLED with their versions, a blocked one
// DELIVERED); executes Uninstall of an installed one and sees it leave
// the sim and /9 (the others keeping their instance ids); an Install the
// HAL runs and refuses (the blocked package) gives Update Result 58, a
// failing removal 59; Install of an installed package and Activate are
// 4.05.
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

// The sim's installed applications (package -> version).
function simInstalled() {
  try {
    const dev = JSON.parse(fs.readFileSync(`${lib.env.simdir}/device.json`,
      'utf8'));
    return (dev.state && dev.state.apps && dev.state.apps.installed) ||
      (dev.apps && dev.apps.installed) || {};
  } catch (e) {
    return {};
  }
}

// /9 read in SenML JSON: { package: { inst, version, state, result } }.
async function read9() {
  const r = await request('GET', '/9', { accept: 'application/senml+json' });
  if (r.code !== '2.05')
    return { code: r.code, apps: {} };
  const inst = {};
  let bn = '';
  for (const x of JSON.parse(r.payload.toString())) {
    if (x.bn !== undefined)
      bn = x.bn;
    const m = /^\/9\/(\d+)\/(\d+)$/.exec(bn + x.n);
    if (!m)
      continue;
    const i = (inst[m[1]] = inst[m[1]] || { inst: Number(m[1]) });
    if (m[2] === '0') i.pkg = x.vs;
    if (m[2] === '1') i.version = x.vs;
    if (m[2] === '7') i.state = x.v;
    if (m[2] === '9') i.result = x.v;
    if (m[2] === '12') i.active = x.vb;
  }
  const apps = {};
  for (const i of Object.values(inst))
    apps[i.pkg] = i;
  return { code: r.code, apps };
}

// Waits until pred(apps) holds for a read of /9; the last read.
async function until(pred, ms) {
  let last = { apps: {} };
  await waitFor(async () => {
    last = await read9();
    return pred(last.apps);
  }, ms);
  return last;
}

async function scenario() {
  const reg = await waitFor(() => rd.regs[0], 30000);
  if (!check(reg !== undefined, 'swmgmt: registration seen',
    'no registration within 30 s'))
    return;
  await waitFor(() => rd.client(), 5000);

  // nano and vim installed by hand; acme-game blocked by warden (as a
  // policy's BLOCKED entry leaves it), which the source offers
  lib.ctl('sim', 'repo', 'acme-game', '1.0');
  lib.ctl('sim', 'app', 'nano', '7.2-1');
  lib.ctl('sim', 'app', 'vim', '9.0.1');
  const devPath = `${lib.env.simdir}/device.json`;
  const dev = JSON.parse(fs.readFileSync(devPath, 'utf8'));
  dev.apps.blocked = { 'acme-game': true };
  fs.writeFileSync(`${devPath}.new`, JSON.stringify(dev));
  fs.renameSync(`${devPath}.new`, devPath);

  let s = await until((a) => a.nano && a.vim && a['acme-game'], 15000);
  const a = s.apps;
  check(s.code === '2.05' && a.nano && a.nano.state === 4 &&
    a.nano.version === '7.2-1' && a.nano.active === true &&
    a.vim && a.vim.state === 4 && a['acme-game'] &&
    a['acme-game'].state === 3 && a['acme-game'].active === false &&
    Object.values(a).every((x) => x.result === 0),
  'swmgmt: /9 shows nano and vim INSTALLED (with versions), the blocked ' +
    'acme-game DELIVERED, results 0', JSON.stringify(s));
  if (!a.nano || !a.vim || !a['acme-game'])
    return;

  let r = await request('POST', `/9/${a.nano.inst}/4`);
  check(r.code === '4.05', 'swmgmt: Install of an installed package is ' +
    '4.05', JSON.stringify(r));
  r = await request('POST', `/9/${a.nano.inst}/10`);
  check(r.code === '4.05', 'swmgmt: Activate is 4.05 (UNSUPPORTED)',
    JSON.stringify(r));

  let mark = lib.opsLog().length;
  r = await request('POST', `/9/${a['acme-game'].inst}/4`);
  check(r.code === '2.04', 'swmgmt: Install (/9/x/4) of acme-game ' +
    'answered 2.04', JSON.stringify(r));
  s = await until((x) => x['acme-game'] && x['acme-game'].result !== 0,
    15000);
  check(s.apps['acme-game'] && s.apps['acme-game'].result === 58 &&
    s.apps['acme-game'].state === 3 &&
    /^apps\.install /m.test(lib.opsSince(mark)) &&
    simInstalled()['acme-game'] === undefined,
  'swmgmt: the HAL ran the install and refused it (blocked): Update ' +
    'Result 58, still DELIVERED, not installed', JSON.stringify(s) + ' ' +
    lib.opsSince(mark));

  lib.ctl('sim', 'fail', 'apps.remove', '5');
  r = await request('POST', `/9/${a.vim.inst}/6`);
  s = await until((x) => x.vim && x.vim.result !== 0, 15000);
  check(r.code === '2.04' && s.apps.vim && s.apps.vim.result === 59 &&
    s.apps.vim.state === 4 && simInstalled().vim === '9.0.1',
  'swmgmt: a failing removal (EIO): Update Result 59, still INSTALLED',
    JSON.stringify(s));

  lib.ctl('sim', 'fail', 'apps.remove', '0');
  mark = lib.opsLog().length;
  r = await request('POST', `/9/${a.nano.inst}/6`);
  check(r.code === '2.04', 'swmgmt: Uninstall (/9/x/6) of nano answered 2.04',
    JSON.stringify(r));
  s = await until((x) => !x.nano, 15000);
  check(!s.apps.nano && simInstalled().nano === undefined &&
    simInstalled().vim === '9.0.1' &&
    /^apps\.remove nano -> ok/m.test(lib.opsSince(mark)),
  'swmgmt: nano removed from the sim and gone from /9; vim kept',
    JSON.stringify(s) + ' ' + JSON.stringify(simInstalled()));
  check(s.apps.vim && s.apps.vim.inst === a.vim.inst &&
    s.apps['acme-game'] && s.apps['acme-game'].inst === a['acme-game'].inst,
  'swmgmt: the other instances keep their ids', JSON.stringify(s));

  // the driver checks MANAGED while the script runs: leave it the time
  await waitFor(() => lib.agentState() === 'MANAGED', 10000);
  await lib.sleep(1000);
  process.kill(lib.env.agentPid, 'SIGTERM');
  const gone = await waitFor(() => rd.deregistered(), 5000);
  check(gone !== null && gone !== undefined, 'swmgmt: de-registered when ' +
    'the agent stops', gone);
}

server.listen(lib.env.port, '127.0.0.1', () => {
  agent = new coap.Agent({ socket: server._sock });
  lib.ready();
  scenario().catch((e) => lib.notOk('swmgmt scenario', e.stack))
    .finally(() => server.close(() => lib.finish()));
});
