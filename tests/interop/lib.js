// lib.js - what the interop scripts share: TAP-style "ok"/"not ok" lines
// (counted by tests/run.sh), waiting, the simulated device's ops.log, and
// wardenctl. Everything comes from the environment the shell driver
// (tests/integration/lwm2m_interop.sh) sets.
'use strict';

const fs = require('fs');
const { execFileSync } = require('child_process');

const env = {
  port: Number(process.env.LWM2M_PORT),
  wardenctl: process.env.WARDENCTL,
  sock: process.env.SOCK,
  simdir: process.env.SIMDIR,
  statedir: process.env.STATEDIR,
  agentPid: Number(process.env.AGENT_PID || 0),
  ready: process.env.READY,
};

let failures = 0;

function ok(what) {
  console.log(`ok - ${what}`);
}

function notOk(what, why) {
  failures++;
  console.log(`not ok - ${what}`);
  if (why !== undefined)
    String(why).split('\n').forEach((l) => console.log(`# ${l}`));
}

function check(cond, what, why) {
  if (cond)
    ok(what);
  else
    notOk(what, why);
  return cond;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Resolves with fn()'s first truthy value, or undefined after ms.
async function waitFor(fn, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v)
      return v;
    if (Date.now() > end)
      return undefined;
    await sleep(50);
  }
}

function opsLog() {
  try {
    return fs.readFileSync(`${env.simdir}/ops.log`, 'utf8');
  } catch (e) {
    return '';
  }
}

// The ops.log lines added after mark (its length when taken).
function opsSince(mark) {
  return opsLog().slice(mark);
}

function ctl(...args) {
  return execFileSync(env.wardenctl, ['-s', env.sock, ...args],
    { encoding: 'utf8' });
}

// The agent's state (wardenctl status --json).
function agentState() {
  try {
    return JSON.parse(ctl('status', '--json')).state;
  } catch (e) {
    return undefined;
  }
}

// What the agent's store still holds of an enrollment: the enrollment
// request (with the PSK) and the LwM2M Security and Server objects (with
// the keys), one name a line; empty once forgotten.
function storedEnrollment() {
  return execFileSync('sqlite3', [`${env.statedir}/warden.db`,
    "SELECT key FROM kv WHERE key IN ('lwm2m_security', 'lwm2m_server') " +
    "UNION ALL SELECT 'enrollment' FROM enrollment"], { encoding: 'utf8' });
}

function simSet(key, value) {
  ctl('sim', 'set', key, String(value));
}

function ready() {
  fs.writeFileSync(env.ready, 'ready\n');
}

// The registration interface of a small LwM2M server on node-coap:
// POST /rd (2.01 with Location-Path rd/rN), POST /rd/rN (2.04), DELETE
// (2.02). handle(req, res) answers those and returns true, false for any
// other request; regs lists the registrations, client() the device's
// address of the last registration or Update, deregistered() the path
// deleted (or null).
function registrar() {
  const st = { regs: [], client: null, deregistered: null };
  return {
    regs: st.regs,
    client: () => st.client,
    deregistered: () => st.deregistered,
    handle(req, res) {
      const url = new URL(req.url, 'coap://x');
      if (req.method === 'POST' && url.pathname === '/rd') {
        const id = `r${st.regs.length + 1}`;
        st.regs.push({ id, query: Object.fromEntries(url.searchParams) });
        st.client = { address: req.rsinfo.address, port: req.rsinfo.port };
        res.code = '2.01';
        res.setOption('Location-Path', [Buffer.from('rd'), Buffer.from(id)]);
      } else if (req.method === 'POST' && url.pathname.startsWith('/rd/')) {
        st.client = { address: req.rsinfo.address, port: req.rsinfo.port };
        res.code = '2.04';
      } else if (req.method === 'DELETE' && url.pathname.startsWith('/rd/')) {
        st.deregistered = url.pathname;
        res.code = '2.02';
      } else {
        return false;
      }
      res.end();
      return true;
    },
  };
}

// One confirmable request from the server to the device (to, an
// address and port) through node-coap's agent; resolves with { code,
// cf, payload }, { code, stream } for an observation, or { error }.
// opts: accept, cf, payload, observe, block1 (the SZX node-coap
// segments the payload with).
function request(coap, agent, to, method, path, opts = {}) {
  return new Promise((resolve) => {
    const req = coap.request({
      hostname: to.address, port: to.port, method, pathname: path, agent,
      confirmable: true, observe: opts.observe || false,
    });
    if (opts.accept !== undefined)
      req.setOption('Accept', opts.accept);
    if (opts.cf !== undefined)
      req.setOption('Content-Format', opts.cf);
    if (opts.block1 !== undefined)
      req.setOption('Block1', Buffer.from([opts.block1]));
    req.on('response', (res) => {
      if (opts.observe) {
        resolve({ code: res.code, stream: res });
        return;
      }
      resolve({ code: res.code, cf: res.headers['Content-Format'],
        payload: res.payload });
    });
    req.on('error', (e) => resolve({ error: String(e) }));
    if (opts.payload !== undefined)
      req.write(opts.payload);
    req.end();
  });
}

function finish() {
  process.exit(failures === 0 ? 0 : 1);
}

module.exports = { env, ok, notOk, check, sleep, waitFor, opsLog, opsSince,
  ctl, agentState, storedEnrollment, simSet, ready, finish, registrar, request };
