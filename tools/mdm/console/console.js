/*
 * console.js - the wardenmdm admin console: plain JavaScript, no
 * framework, nothing fetched from elsewhere. Everything it shows is put
 * in the page with textContent or as SVG elements built one by one, never
 * as HTML text, so a device's reported value cannot become markup. It
 * talks to the JSON admin API under /console/api/ with the session
 * cookie, and sends the session's CSRF token on every POST.
 */
'use strict';

const API = '/console/api/';
const POLL_MS = 10000;
let csrf = '';
let pollTimer = null;
/* The page's own idle timeout: polling keeps the server's session alive,
 * so the page ends it when nobody has touched it for the session's idle
 * time. */
let idleSeconds = 900;
let lastInput = Date.now();
for (const ev of ['keydown', 'pointerdown', 'wheel', 'touchstart']) {
  document.addEventListener(ev, () => { lastInput = Date.now(); }, { capture: true, passive: true });
}

/* Calls fn after ms, unless the page has idled out by then. */
function schedule(fn, ms) {
  pollTimer = setTimeout(async () => {
    if (Date.now() - lastInput > idleSeconds * 1000) {
      try { await api('POST', 'logout'); } catch (e) { /* logged out anyway */ }
      showLogin(`Logged out after ${Math.round(idleSeconds / 60)} minutes without activity.`);
      return;
    }
    fn();
  }, ms);
}

/* ---- small helpers ---------------------------------------------- */

/* el('tag', {attr: v, class: c, on: {click: f}}, child, ...): children
 * are nodes or text (always text nodes). */
function el(tag, attrs, ...children) {
  const svgTags = ['svg', 'rect', 'text', 'line', 'g', 'title', 'path'];
  const e = svgTags.includes(tag) ?
    document.createElementNS('http://www.w3.org/2000/svg', tag) :
    document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'on') {
      for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f);
    } else if (v !== null && v !== undefined && v !== false) {
      e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function view(...children) {
  const v = document.getElementById('view');
  v.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || ('HTTP ' + status));
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (method !== 'GET') {
    opts.headers['Content-Type'] = 'application/json';
    opts.headers['X-CSRF-Token'] = csrf;
    opts.body = JSON.stringify(body || {});
  }
  const r = await fetch(API + path, opts);
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  if (r.status === 401 && path !== 'login') {
    showLogin(path === 'session' ? '' : 'The session has ended: log in again.');
    throw new ApiError(401, data);
  }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

function when(t) {
  if (!t) return 'never';
  const s = Math.round((Date.now() - Date.parse(t)) / 1000);
  if (s < 90) return s + ' s ago';
  if (s < 5400) return Math.round(s / 60) + ' min ago';
  if (s < 172800) return Math.round(s / 3600) + ' h ago';
  return Math.round(s / 86400) + ' days ago';
}

function verdictText(v) {
  return { compliant: 'compliant', noncompliant: 'non-compliant', unknown: 'unknown' }[v] || v;
}

function verdictClass(v) {
  return v === 'compliant' ? 'ok' : v === 'noncompliant' ? 'bad' : 'warn';
}

/* What an administrator can do about a reason (AMAPI NonComplianceReason). */
const REMEDIATION = {
  API_LEVEL: 'The device software is too old for this setting: update its OS image.',
  MANAGEMENT_MODE: 'The setting does not apply in this management mode: enroll the device in another mode or drop the setting.',
  USER_ACTION: 'The user must act on the device (for example set a passcode that meets the policy).',
  INVALID_VALUE: 'The value in the policy is not valid for this device: correct the policy.',
  APP_NOT_INSTALLED: 'A required app is missing: it installs once the device reaches its source.',
  UNSUPPORTED: 'This device cannot enforce the setting: remove it from the policy or accept the gap.',
  APP_INSTALLED: 'An app that must not be there is installed: remove it.',
  PENDING: 'The setting is being applied: wait for the next report.',
  APP_INCOMPATIBLE: 'The app cannot run on this device: choose another version.',
  APP_NOT_UPDATED: 'The app is older than the policy asks: let it update.',
  DEVICE_INCOMPATIBLE: 'The device does not meet the policy requirements: replace or exempt it.',
};

function remediation(d) {
  if (d && typeof d.remediation === 'string' && d.remediation) return d.remediation;
  return REMEDIATION[d && d.nonComplianceReason] ||
    'Unknown reason: see the device events and its last report.';
}

/* ---- login ---------------------------------------------------------- */

function showLogin(why) {
  stopPolling();
  csrf = '';
  document.getElementById('nav').hidden = true;
  document.getElementById('login').hidden = false;
  document.getElementById('login-error').textContent = why || '';
  view();
}

async function loginPassword(ev) {
  ev.preventDefault();
  const pw = document.getElementById('password');
  const out = document.getElementById('login-error');
  out.textContent = '';
  try {
    await api('POST', 'login', { password: pw.value });
    pw.value = '';
    start();
  } catch (e) {
    out.textContent = e.message;
  }
}

async function start() {
  try {
    const s = await api('GET', 'session');
    csrf = s.csrfToken;
    idleSeconds = s.idleSeconds;
    lastInput = Date.now();
  } catch (e) {
    return;
  }
  document.getElementById('login').hidden = true;
  document.getElementById('nav').hidden = false;
  route();
}

/* ---- fleet ---------------------------------------------------------- */

const filters = { group: '', verdict: '', state: '', stale: '60' };

function stopPolling() {
  if (pollTimer) clearTimeout(pollTimer);
  pollTimer = null;
}

function fleetQuery() {
  const q = [];
  for (const k of ['group', 'verdict', 'state', 'stale']) {
    if (filters[k]) q.push(k + '=' + encodeURIComponent(filters[k]));
  }
  return q.length ? '?' + q.join('&') : '';
}

function card(n, label, cls) {
  return el('div', { class: 'card', 'data-count': label },
    el('div', { class: 'n ' + (cls || '') }, n), el('div', { class: 'l' }, label));
}

/* The last n days (UTC), oldest first, each with what was reported. */
function lastDays(history, n) {
  const byDay = new Map(history.map((d) => [d.day, d]));
  const out = [];
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  for (let i = n - 1; i >= 0; i--) {
    const day = new Date(today - i * 86400000).toISOString().slice(0, 10);
    out.push(byDay.get(day) || { day, compliant: 0, nonCompliant: 0 });
  }
  return out;
}

/* Compliance over the days: stacked bars a day, drawn in SVG. */
function chart(reported) {
  const history = lastDays(reported, 14);
  const w = 720, h = 180, pad = 24;
  const days = history.length || 1;
  const max = Math.max(1, ...history.map((d) => d.compliant + d.nonCompliant));
  const bw = Math.max(4, Math.floor((w - 2 * pad) / days) - 6);
  const svg = el('svg', { class: 'chart', width: w, height: h, viewBox: `0 0 ${w} ${h}`,
    role: 'img', 'aria-label': 'compliance per day' });
  history.forEach((d, i) => {
    const x = pad + i * ((w - 2 * pad) / days);
    const hc = (d.compliant / max) * (h - 2 * pad);
    const hn = (d.nonCompliant / max) * (h - 2 * pad);
    svg.append(el('rect', { class: 'c', x, y: h - pad - hc, width: bw, height: hc },
      el('title', {}, `${d.day}: ${d.compliant} compliant`)));
    svg.append(el('rect', { class: 'n', x, y: h - pad - hc - hn, width: bw, height: hn },
      el('title', {}, `${d.day}: ${d.nonCompliant} non-compliant`)));
    svg.append(el('text', { x, y: h - 6 }, d.day.slice(5)));
  });
  if (!reported.length) svg.append(el('text', { x: pad, y: h / 2 }, 'no reports in these days'));
  return svg;
}

function deviceLink(id) {
  return el('a', { href: '#/device/' + encodeURIComponent(id) }, id);
}

function select(name, options) {
  const s = el('select', { name, on: { change: () => { filters[name] = s.value; loadFleet(); } } },
    options.map(([v, t]) => el('option', { value: v, selected: filters[name] === v }, t)));
  return el('label', {}, name, s);
}

async function loadFleet() {
  stopPolling();
  let f, groups;
  try {
    [f, groups] = await Promise.all([api('GET', 'fleet' + fleetQuery()), api('GET', 'groups')]);
  } catch (e) {
    if (e.status !== 401) view(el('p', { class: 'error' }, e.message));
    return;
  }
  if (!location.hash.startsWith('#/fleet') && location.hash !== '') return;
  const c = f.counts;
  const staleIn = el('input', { type: 'number', min: 1, value: filters.stale, name: 'stale',
    on: { change: () => { filters.stale = staleIn.value; loadFleet(); } } });
  view(
    el('h1', {}, 'Fleet'),
    el('div', { class: 'cards', id: 'counts' },
      card(c.enrolled, 'enrolled'), card(c.compliant, 'compliant', 'ok'),
      card(c.nonCompliant, 'non-compliant', 'bad'), card(c.unknown, 'no verdict', 'warn'),
      card(c.stale, `not seen for ${f.staleMinutes} min`, 'warn'),
      card(c.neverReported, 'never reported'), card(c.retired, 'retired')),
    el('div', { class: 'filters noprint' },
      select('group', [['', 'all groups'], ...groups.groups.map((g) => [g.name, g.name])]),
      select('verdict', [['', 'any verdict'], ['compliant', 'compliant'],
        ['noncompliant', 'non-compliant'], ['unknown', 'unknown']]),
      select('state', [['', 'any state'], ['reporting', 'reporting'], ['stale', 'not seen'],
        ['never-reported', 'never reported'], ['retired', 'retired']]),
      el('label', {}, 'not seen for (minutes)', staleIn),
      el('span', { class: 'muted' }, 'updated ' + new Date().toLocaleTimeString())),
    el('h2', {}, 'Compliance, last days'), chart(f.history),
    el('h2', {}, 'Top reasons'),
    f.topReasons.length ? el('table', { id: 'top-reasons' },
      el('tr', {}, el('th', {}, 'setting'), el('th', {}, 'reason'), el('th', {}, 'devices')),
      f.topReasons.map((r) => el('tr', {}, el('td', {}, r.settingName),
        el('td', {}, r.nonComplianceReason), el('td', {}, r.devices)))) :
      el('p', { class: 'muted' }, 'No device reports a failure.'),
    el('h2', {}, 'Failing devices'),
    f.failing.length === 0 ? el('p', { class: 'muted' }, 'None.') : el('table', { id: 'failing' },
      el('tr', {}, el('th', {}, 'device'), el('th', {}, 'group'), el('th', {}, 'reasons'),
        el('th', {}, 'last report')),
      f.failing.map((d) => el('tr', {}, el('td', {}, deviceLink(d.id)), el('td', {}, d.group || '-'),
        el('td', {}, (d.reasons || []).map((r) => r.settingName + ': ' + r.nonComplianceReason).join('; ')),
        el('td', {}, when(d.lastReportTime))))),
    el('h2', {}, `Not seen for ${f.staleMinutes} minutes`),
    f.stale.length === 0 ? el('p', { class: 'muted' }, 'None: every device reported in that time.') :
    el('table', { id: 'stale' },
      el('tr', {}, el('th', {}, 'device'), el('th', {}, 'group'), el('th', {}, 'last report')),
      f.stale.map((d) => el('tr', {}, el('td', {}, deviceLink(d.id)), el('td', {}, d.group || '-'),
        el('td', {}, when(d.lastReportTime))))),
    el('h2', {}, `Devices (${f.matched} match${f.matched > f.devices.length ? ', first ' + f.devices.length + ' shown' : ''})`),
    el('table', { id: 'devices' },
      el('tr', {}, el('th', {}, 'device'), el('th', {}, 'group'), el('th', {}, 'mode'),
        el('th', {}, 'state'), el('th', {}, 'verdict'), el('th', {}, 'last report')),
      f.devices.map((d) => el('tr', {}, el('td', {}, deviceLink(d.id)), el('td', {}, d.group || '-'),
        el('td', {}, d.mode), el('td', {}, d.state),
        el('td', { class: verdictClass(d.verdict) }, verdictText(d.verdict)),
        el('td', {}, when(d.lastReportTime))))));
  schedule(loadFleet, POLL_MS);
}

/* ---- one device ---------------------------------------------------- */

function kv(obj) {
  const dl = el('dl', { class: 'kv' });
  for (const [k, v] of Object.entries(obj || {})) {
    dl.append(el('dt', {}, k), el('dd', {}, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)));
  }
  return dl;
}

function commandForm(id, reload) {
  const type = el('select', { name: 'type' },
    ['LOCK', 'REBOOT', 'RESET_PASSWORD', 'START_LOST_MODE', 'STOP_LOST_MODE', 'WIPE', 'RETIRE']
      .map((t) => el('option', { value: t }, t)));
  const pass = el('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password' });
  const msg = el('input', { name: 'lostMessage', size: 40 });
  const confirm = el('input', { name: 'confirm', placeholder: 'type the device id' });
  const passL = el('label', { hidden: true }, 'new passcode', pass);
  const msgL = el('label', { hidden: true }, 'lost-mode message', msg);
  const confL = el('label', { hidden: true }, 'confirm: device id', confirm);
  const out = el('p', { id: 'command-out', role: 'status' });
  const btn = el('button', { type: 'submit' }, 'Send');
  const sync = () => {
    passL.hidden = type.value !== 'RESET_PASSWORD';
    msgL.hidden = type.value !== 'START_LOST_MODE';
    const danger = type.value === 'WIPE' || type.value === 'RETIRE';
    confL.hidden = !danger;
    btn.className = danger ? 'danger' : '';
    btn.disabled = danger && confirm.value !== id;
  };
  type.addEventListener('change', sync);
  confirm.addEventListener('input', sync);
  const form = el('form', { id: 'command-form', on: { submit: async (ev) => {
    ev.preventDefault();
    const body = { type: type.value };
    if (type.value === 'RESET_PASSWORD') body.newPassword = pass.value;
    if (type.value === 'START_LOST_MODE') body.lostMessage = msg.value;
    if (type.value === 'WIPE' || type.value === 'RETIRE') body.confirm = confirm.value;
    try {
      const r = await api('POST', 'devices/' + encodeURIComponent(id) + '/commands', body);
      out.className = '';
      out.textContent = `${r.type} queued (${r.id}${r.signed ? ', signed' : ''}); waiting for the device.`;
      pass.value = '';
      reload();
    } catch (e) {
      out.className = 'error';
      out.textContent = e.message;
    }
  } } }, el('label', {}, 'command', type), passL, msgL, confL, btn);
  sync();
  return [form, out];
}

async function loadDevice(id) {
  stopPolling();
  let d;
  try {
    d = await api('GET', 'devices/' + encodeURIComponent(id));
  } catch (e) {
    if (e.status !== 401) view(el('p', { class: 'error' }, e.message));
    return;
  }
  if (location.hash !== '#/device/' + encodeURIComponent(id)) return;
  const r = d.lastReport || {};
  const details = Array.isArray(r.nonComplianceDetails) ? r.nonComplianceDetails : [];
  const posture = (r.securityPosture && Array.isArray(r.securityPosture.postureDetails)) ?
    r.securityPosture.postureDetails : [];
  const enr = d.enrollment || {};
  const verdict = d.policyCompliant === true ? 'compliant' : d.policyCompliant === false ? 'noncompliant' : 'unknown';
  const reload = () => { stopPolling(); schedule(() => loadDevice(id), 2000); };
  const existing = document.getElementById('command-out');
  const keepMsg = existing ? existing.textContent : '';
  const [form, out] = commandForm(id, reload);
  out.textContent = keepMsg;
  view(
    el('h1', {}, 'Device ', el('span', { id: 'device-id' }, d.id)),
    el('p', {}, el('span', { class: verdictClass(verdict), id: 'verdict' }, verdictText(verdict)),
      ` · ${d.mode} · group ${d.group || '-'} · enrolled ${when(d.enrollTime)}` +
      ` · last report ${when(d.lastReportTime)}${d.retired ? ' · retired' : ''}`),
    el('p', {}, 'Policy in force: version ', el('strong', {}, d.policyVersionInForce),
      '; applied on the device: ', el('strong', { id: 'applied-version' },
        r.appliedPolicyVersion !== undefined ? String(r.appliedPolicyVersion) : 'not reported'),
      ' · ', el('a', { href: '#/policies/device/' + encodeURIComponent(d.id) }, 'edit this device’s policy')),
    el('h2', {}, 'Failing settings'),
    details.length ? el('table', { id: 'reasons' },
      el('tr', {}, el('th', {}, 'setting'), el('th', {}, 'reason'), el('th', {}, 'current value'),
        el('th', {}, 'what to do')),
      details.map((x) => el('tr', {}, el('td', {}, String(x.settingName || x.fieldPath || '?')),
        el('td', {}, String(x.nonComplianceReason || '?'),
          x.specificNonComplianceReason ? el('div', { class: 'muted' }, String(x.specificNonComplianceReason)) : null),
        el('td', {}, x.currentValue !== undefined ? JSON.stringify(x.currentValue) : '-'),
        el('td', {}, remediation(x))))) :
      el('p', { class: 'muted' }, d.lastReport ? 'Nothing: the last report lists no failure.' : 'No report yet.'),
    el('h2', {}, 'Posture risks'),
    posture.length ? el('ul', { id: 'posture' }, posture.map((p) => el('li', {}, String(p.securityRisk || '?'),
      (Array.isArray(p.advice) ? p.advice : []).map((a) => el('div', { class: 'muted' }, String(a.defaultMessage || '')))))) :
      el('p', { class: 'muted' }, (r.securityPosture && r.securityPosture.devicePosture) ?
        'Posture: ' + r.securityPosture.devicePosture : 'None reported.'),
    el('h2', {}, 'Commands'), d.retired ? el('p', { class: 'muted' }, 'Retired: it takes no more commands.') : [form, out],
    el('table', { id: 'commands' },
      el('tr', {}, el('th', {}, 'type'), el('th', {}, 'sent'), el('th', {}, 'status'), el('th', {}, 'result')),
      d.commands.slice().reverse().map((c) => el('tr', {}, el('td', {}, c.type),
        el('td', {}, when(c.createTime) + (c.signed ? ' · signed' : '')),
        el('td', { class: c.status === 'SUCCEEDED' ? 'ok' : c.status ? 'bad' : 'warn' },
          c.status || (c.deliveries ? 'delivered, no result yet' : 'waiting for the device')),
        el('td', {}, [c.errorCode, c.result !== undefined ? JSON.stringify(c.result) : ''].filter(Boolean).join(' '))))),
    el('h2', {}, 'Hardware'), kv(r.hardwareInfo || enr.hardwareInfo),
    el('h2', {}, 'Software'), kv(r.softwareInfo || enr.softwareInfo),
    el('h2', {}, 'Events (latest first)'),
    d.events.length ? el('table', { id: 'events' }, d.events.map((e) => el('tr', {},
      el('td', {}, when(e.receiveTime)), el('td', {}, JSON.stringify(e.payload))))) :
      el('p', { class: 'muted' }, 'None.'));
  const pending = d.commands.some((c) => !c.status);
  schedule(() => loadDevice(id), pending ? 2000 : POLL_MS);
}

/* ---- enroll ---------------------------------------------------------- */

function qrSvg(qr) {
  const quiet = 4, n = qr.size + 2 * quiet;
  const svg = el('svg', { viewBox: `0 0 ${n} ${n}`, 'shape-rendering': 'crispEdges', id: 'qr',
    role: 'img', 'aria-label': 'enrollment QR code' });
  svg.append(el('rect', { x: 0, y: 0, width: n, height: n, fill: '#fff' }));
  for (let y = 0; y < qr.size; y++) {
    for (let x = 0; x < qr.size; x++) {
      if (qr.modules[y * qr.size + x] === '1') {
        svg.append(el('rect', { x: x + quiet, y: y + quiet, width: 1, height: 1, fill: '#000' }));
      }
    }
  }
  return svg;
}

async function loadEnroll() {
  stopPolling();
  let groups;
  try { groups = await api('GET', 'groups'); } catch (e) { return; }
  const mode = el('select', { name: 'mode' }, ['FULLY_MANAGED', 'DEDICATED', 'WORK_PROFILE_COMPANY_OWNED',
    'WORK_PROFILE_PERSONAL'].map((m) => el('option', { value: m }, m)));
  const group = el('select', { name: 'group' }, el('option', { value: '' }, '(none)'),
    groups.groups.map((g) => el('option', { value: g.name }, g.name)));
  const ssid = el('input', { name: 'wifiSsid', maxlength: 32 });
  const wpass = el('input', { name: 'wifiPassword', type: 'password', maxlength: 63 });
  const ttl = el('select', { name: 'ttlSeconds' }, [['3600', '1 hour'], ['86400', '1 day'],
    ['604800', '7 days']].map(([v, t]) => el('option', { value: v }, t)));
  const out = el('div', { id: 'token-out' });
  const form = el('form', { id: 'enroll-form', on: { submit: async (ev) => {
    ev.preventDefault();
    const body = { mode: mode.value, ttlSeconds: Number(ttl.value) };
    if (group.value) body.group = group.value;
    if (ssid.value) body.wifiSsid = ssid.value;
    if (wpass.value) body.wifiPassword = wpass.value;
    try {
      const t = await api('POST', 'tokens', body);
      out.replaceChildren(
        el('h2', {}, 'Scan this with the device'),
        el('div', { class: 'qr' }, qrSvg(t.qr)),
        el('p', {}, `${t.mode}${t.group ? ', group ' + t.group : ''}; single use; expires ${new Date(t.expireTime).toLocaleString()}.`),
        el('p', { class: 'muted' }, 'Server ', t.serverUrl, '. Token: ', el('code', { id: 'token' }, t.token)),
        el('button', { type: 'button', class: 'noprint', on: { click: () => window.print() } }, 'Print'));
    } catch (e) {
      out.replaceChildren(el('p', { class: 'error' }, e.message));
    }
  } } },
  el('label', {}, 'mode', mode), el('label', {}, 'group', group), el('label', {}, 'Wi-Fi SSID', ssid),
  el('label', {}, 'Wi-Fi password', wpass), el('label', {}, 'valid for', ttl),
  el('button', { type: 'submit' }, 'Mint token'));
  view(el('h1', {}, 'Enroll a device'), form, out);
}

/* ---- policies ---------------------------------------------------------- */

/* Every leaf of a JSON value with its AMAPI fieldPath. */
function leaves(v, path, out) {
  if (Array.isArray(v)) {
    v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) leaves(x, path ? `${path}.${k}` : k, out);
  } else {
    out.push([path, v]);
  }
  return out;
}

function setAt(obj, path, value) {
  const parts = path.match(/[^.[\]]+/g);
  let o = obj;
  for (let i = 0; i < parts.length - 1; i++) o = o[parts[i]];
  o[parts[parts.length - 1]] = value;
}

async function loadPolicies(kind, name) {
  stopPolling();
  let groups;
  try { groups = await api('GET', 'groups'); } catch (e) { return; }
  const scope = el('select', { name: 'scope' }, el('option', { value: '' }, 'default (every device)'),
    groups.groups.map((g) => el('option', { value: 'group/' + g.name, selected: kind === 'group' && name === g.name },
      'group ' + g.name)),
    kind === 'device' ? el('option', { value: 'device/' + name, selected: true }, 'device ' + name) : null);
  scope.addEventListener('change', () => { location.hash = '#/policies' + (scope.value ? '/' + scope.value : ''); });
  const q = kind ? `?${kind}=${encodeURIComponent(name)}` : '';
  let p;
  try { p = await api('GET', 'policies' + q); } catch (e) { view(el('p', { class: 'error' }, e.message)); return; }
  let doc = p.policy || { version: 1 };
  const fields = el('div', { class: 'policy-fields', id: 'policy-fields' });
  const text = el('textarea', { id: 'policy-json', spellcheck: 'false' });
  const out = el('div', { id: 'policy-out', role: 'status' });
  const errorsAt = {};
  const renderFields = () => {
    fields.replaceChildren();
    for (const [path, v] of leaves(doc, '', [])) {
      const input = el('input', { 'data-path': path, value: v === null ? '' : String(v),
        size: 30, on: { change: () => {
          let nv = input.value;
          if (typeof v === 'number' && nv.trim() !== '' && !isNaN(Number(nv))) nv = Number(nv);
          else if (typeof v === 'boolean') nv = nv === 'true' ? true : nv === 'false' ? false : nv;
          setAt(doc, path, nv);
          text.value = JSON.stringify(doc, null, 2);
        } } });
      fields.append(el('span', { class: 'path' }, path),
        el('span', {}, input, errorsAt[path] ? el('span', { class: 'field-error', 'data-error-for': path },
          `${path}: ${errorsAt[path]}`) : null));
    }
  };
  text.value = JSON.stringify(doc, null, 2);
  text.addEventListener('change', () => {
    try { doc = JSON.parse(text.value); renderFields(); } catch (e) { out.textContent = 'JSON: ' + e.message; }
  });
  renderFields();
  const save = el('button', { type: 'button', id: 'policy-save', on: { click: async () => {
    try { doc = JSON.parse(text.value); } catch (e) { out.replaceChildren(el('p', { class: 'error' }, 'JSON: ' + e.message)); return; }
    for (const k of Object.keys(errorsAt)) delete errorsAt[k];
    try {
      const r = await api('POST', 'policies' + q, { policy: doc });
      out.replaceChildren(el('p', { class: 'ok' }, `Saved: version ${r.version}, pushed to ${r.pushed} device(s).`));
    } catch (e) {
      const fe = (e.body && e.body.fieldErrors) || [];
      const unplaced = [];
      for (const x of fe) {
        const known = leaves(doc, '', []).some(([pth]) => pth === x.fieldPath);
        if (known) errorsAt[x.fieldPath] = x.reason; else unplaced.push(x);
      }
      out.replaceChildren(el('p', { class: 'error' }, 'Not saved: ' + e.message),
        unplaced.map((x) => el('p', { class: 'field-error', 'data-error-for': x.fieldPath },
          `${x.fieldPath || '(document)'}: ${x.reason}`)));
    }
    renderFields();
  } } }, 'Validate and save');
  view(el('h1', {}, 'Policies'), el('div', { class: 'filters' }, el('label', {}, 'scope', scope)),
    el('p', { class: 'muted' }, p.policy ? '' : 'No policy set for this scope yet: starting from an empty one.'),
    el('h2', {}, 'Fields'), fields, save, out,
    el('h2', {}, 'As JSON (add or remove settings here)'), text);
}

/* ---- routing ---------------------------------------------------------- */

function route() {
  const h = location.hash || '#/fleet';
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', h.startsWith(a.getAttribute('href')));
  }
  let m;
  if ((m = h.match(/^#\/device\/([A-Za-z0-9._-]{1,64})$/))) loadDevice(m[1]);
  else if (h === '#/enroll') loadEnroll();
  else if ((m = h.match(/^#\/policies(?:\/(group|device)\/([A-Za-z0-9._-]{1,64}))?$/))) loadPolicies(m[1], m[2]);
  else loadFleet();
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('login-form').addEventListener('submit', loginPassword);
  document.getElementById('logout').addEventListener('click', async () => {
    try { await api('POST', 'logout'); } catch (e) { /* shown as logged out anyway */ }
    showLogin('Logged out.');
  });
  window.addEventListener('hashchange', () => { if (csrf) route(); });
  start();
});
