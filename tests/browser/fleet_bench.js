/*
 * fleet_bench.js - times the console's fleet page in Debian's chromium
 * (headless, playwright-core): from the login link to the fleet page
 * painted with its data (counts and device table), the browser's own
 * first contentful paint, and a filter (verdict = non-compliant) from
 * the choice to the table redrawn. Each is measured RUNS times; prints
 * the median and the worst. Figures only, no assertion.
 *
 * Environment: LINKS (login links, one a line: one per run), CHROMIUM.
 */
'use strict';

const { chromium } = require('playwright-core');

const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
const fmt = (a) => `median ${median(a).toFixed(0)} ms, worst ${Math.max(...a).toFixed(0)} ms (${a.length} runs)`;

(async () => {
  const links = process.env.LINKS.split('\n').filter(Boolean);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const painted = [], fcp = [], filtered = [], rows = [];
  for (const link of links) {
    const context = await browser.newContext({ ignoreHTTPSErrors: true,
      viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(120000);
    await page.goto(link, { waitUntil: 'commit' });
    await page.waitForSelector('#devices tr:nth-child(2)');
    // Navigation start (of the redirected page) to the data on screen,
    // taken after the next frame so that it counts the paint.
    painted.push(await page.evaluate(() => new Promise((r) =>
      requestAnimationFrame(() => setTimeout(() => r(performance.now()), 0)))));
    fcp.push(await page.evaluate(() => {
      const e = performance.getEntriesByName('first-contentful-paint')[0];
      return e ? e.startTime : NaN;
    }));
    const t = await page.evaluate(() => new Promise((resolve) => {
      const sel = document.querySelector('select[name="verdict"]');
      const t0 = performance.now();
      const obs = new MutationObserver(() => {
        const cells = [...document.querySelectorAll('#devices td:nth-child(5)')];
        if (cells.length && cells.every((c) => c.textContent === 'non-compliant')) {
          obs.disconnect();
          requestAnimationFrame(() => setTimeout(() => resolve([performance.now() - t0, cells.length]), 0));
        }
      });
      obs.observe(document.getElementById('view'), { childList: true, subtree: true });
      sel.value = 'noncompliant';
      sel.dispatchEvent(new Event('change'));
    }));
    filtered.push(t[0]);
    rows.push(t[1]);
    await context.close();
  }
  await browser.close();
  console.log(`  fleet page, login link to counts and device table painted: ${fmt(painted)}`);
  console.log(`  fleet page, first contentful paint: ${fmt(fcp)}`);
  console.log(`  filter verdict=non-compliant, choice to table redrawn (${rows[0]} rows shown): ${fmt(filtered)}`);
})().catch((e) => {
  console.log('  browser: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
