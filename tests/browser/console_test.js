/*
 * console_test.js - drives Debian's chromium (headless, through
 * playwright-core) through wardenmdm's admin console as an operator
 * would: log in with a one-time link, read the fleet's counts, open a
 * non-compliant device and read why, see that a device's reported
 * script stays text, lock a device and watch the result arrive, mint an
 * enrollment token and decode its QR code from the screen with zbarimg,
 * and save a policy with an error to see it at its field. Prints "ok" /
 * "not ok" lines; screenshots of each page go to $SHOTS.
 *
 * Environment: LOGIN (a login link), DEVICES (the fleet's size), EVIL
 * (the id of a device that reported script), SHOTS (a directory),
 * CHROMIUM (the browser; default /usr/bin/chromium).
 */
'use strict';

const { chromium } = require('playwright-core');
const { execFileSync } = require('child_process');
const path = require('path');

let n = 0;
let failed = 0;
function ok(what) { console.log(`ok ${++n} - ${what}`); }
function notOk(what, why) {
  failed++;
  console.log(`not ok ${++n} - ${what}`);
  if (why) console.log(String(why).split('\n').map((l) => '# ' + l).join('\n'));
}
async function step(what, fn) {
  try {
    await fn();
    ok(what);
  } catch (e) {
    notOk(what, e && e.stack ? e.stack : e);
  }
}
function must(cond, why) { if (!cond) throw new Error(why); }

(async () => {
  const shots = process.env.SHOTS;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  // The server's certificate chains to its own CA, which this throwaway
  // profile does not know.
  const context = await browser.newContext({ ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('dialog', (d) => { problems.push('dialog: ' + d.message()); d.dismiss(); });
  page.setDefaultTimeout(20000);
  const shot = (name) => page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });

  await step('the login link opens the fleet page with its counts', async () => {
    await page.goto(process.env.LOGIN);
    must(new URL(page.url()).pathname === '/console/', 'landed on ' + page.url());
    await page.waitForSelector('#counts [data-count="enrolled"] .n');
    const enrolled = await page.textContent('#counts [data-count="enrolled"] .n');
    const bad = await page.textContent('#counts [data-count="non-compliant"] .n');
    must(Number(enrolled) === Number(process.env.DEVICES), `enrolled ${enrolled}, want ${process.env.DEVICES}`);
    must(Number(bad) > 0, `non-compliant ${bad}`);
    // Today's bar of the chart (the stored reports of the last days).
    await page.waitForFunction(() => [...document.querySelectorAll('svg.chart rect.c')]
      .some((r) => Number(r.getAttribute('height')) > 0));
    await shot('fleet');
  });

  await step('the fleet page filters by verdict', async () => {
    await page.selectOption('select[name="verdict"]', 'noncompliant');
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('#devices td:nth-child(5)')];
      return cells.length > 0 && cells.every((c) => c.textContent === 'non-compliant');
    });
    await shot('fleet-noncompliant');
    await page.selectOption('select[name="verdict"]', '');
  });

  let failing;
  await step('a non-compliant device shows its reasons and what to do', async () => {
    await page.waitForSelector('#failing a');
    failing = await page.getAttribute('#failing a >> nth=0', 'href');
    await page.click('#failing a >> nth=0');
    await page.waitForSelector('#reasons td');
    const text = await page.textContent('#reasons');
    must(/USER_ACTION|UNSUPPORTED|API_LEVEL/.test(text), 'reasons: ' + text);
    must(/must act on the device|cannot enforce the setting|too old for this setting/.test(text),
      'no remediation in words: ' + text);
    await shot('device');
  });

  await step('LOCK from the device page: the result arrives on the page', async () => {
    await page.selectOption('#command-form select[name="type"]', 'LOCK');
    await page.click('#command-form button[type="submit"]');
    await page.waitForFunction(() => /LOCK queued/.test(document.getElementById('command-out').textContent));
    await page.waitForFunction(() => [...document.querySelectorAll('#commands tr')]
      .some((r) => /^LOCK/.test(r.textContent) && /SUCCEEDED/.test(r.textContent)), null, { timeout: 45000 });
    await shot('device-locked');
  });

  await step('WIPE stays disabled until the device id is typed', async () => {
    await page.selectOption('#command-form select[name="type"]', 'WIPE');
    must(await page.isDisabled('#command-form button[type="submit"]'), 'WIPE enabled without confirmation');
    const id = await page.textContent('#device-id');
    await page.fill('#command-form input[name="confirm"]', id);
    must(!(await page.isDisabled('#command-form button[type="submit"]')), 'still disabled');
  });

  await step("a device's reported script is shown as text and never runs", async () => {
    await page.goto(new URL('/console/#/device/' + process.env.EVIL, process.env.LOGIN).href);
    // Only the hash changes: the previous device's page stays until this
    // one is drawn, all at once.
    await page.waitForFunction((id) => {
      const e = document.getElementById('device-id');
      return e !== null && e.textContent === id;
    }, process.env.EVIL);
    await page.waitForSelector('#reasons td');
    const reasons = await page.textContent('#reasons');
    must(reasons.includes('<script>window.pwned=3</script>'), 'not shown literally: ' + reasons);
    const hw = await page.textContent('main');
    must(hw.includes('</script><script>window.pwned=5</script>'), 'hardware model not shown literally');
    const pwned = await page.evaluate(() => window.pwned);
    must(pwned === undefined, 'script ran: window.pwned = ' + pwned);
    must(await page.$('main img') === null, 'an injected element exists');
    await shot('device-hostile-report');
  });

  await step('Enroll: a minted token is shown as a QR code that zbar decodes', async () => {
    await page.goto(new URL('/console/#/enroll', process.env.LOGIN).href);
    await page.waitForSelector('#enroll-form');
    await page.selectOption('#enroll-form select[name="mode"]', 'DEDICATED');
    await page.fill('#enroll-form input[name="wifiSsid"]', 'depot-wifi');
    await page.click('#enroll-form button[type="submit"]');
    await page.waitForSelector('#qr');
    const token = await page.textContent('#token');
    const file = path.join(shots, 'enroll-qr.png');
    await (await page.$('#qr')).screenshot({ path: file });
    await shot('enroll');
    const decoded = execFileSync('zbarimg', ['--raw', '-q', file],
      { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const payload = JSON.parse(decoded);
    const extras = payload['android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE'];
    must(extras['warden.ENROLLMENT_TOKEN'] === token, 'token in the QR code differs from the one shown');
    must(extras['warden.MODE'] === 'DEDICATED', 'mode ' + extras['warden.MODE']);
    must(payload['android.app.extra.PROVISIONING_WIFI_SSID'] === 'depot-wifi', 'Wi-Fi missing');
  });

  await step('a policy with an error is refused, the error shown at its field', async () => {
    await page.goto(new URL('/console/#/policies', process.env.LOGIN).href);
    const field = 'passwordPolicies[0].passwordMinimumLength';
    const input = `#policy-fields input[data-path="${field}"]`;
    await page.waitForSelector(input);
    await page.fill(input, '-3');
    await page.dispatchEvent(input, 'change');
    await page.click('#policy-save');
    const err = await page.waitForSelector(`#policy-fields [data-error-for="${field}"]`);
    const text = await err.textContent();
    must(text === `${field}: -3 is out of range (0..64)`, 'error text: ' + text);
    await shot('policy-error');
  });

  await step('no Content-Security-Policy violation and no script error on any page', async () => {
    must(problems.length === 0, problems.join('\n'));
  });

  await browser.close();
  console.log(`# ${n - failed} of ${n} browser checks passed; screenshots in ${shots}`);
  process.exit(failed ? 1 : 0);
})().catch((e) => {
  notOk('the browser session', e && e.stack ? e.stack : e);
  process.exit(1);
});
