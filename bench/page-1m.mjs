// Times the audit page on a 1,000,000-row × 20-column CSV in headless Chromium: load the file
// through #data-file, run the audit (in the page's Web Worker), and measure the time until
// the report shows and the longest main-thread stall meanwhile (the page must not freeze).
//
// usage: node bench/page-1m.mjs OUT_DIR    (bench/run-page-benchmark.sh builds what it needs)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../www/serve.mjs';

const out = path.resolve(process.argv[2] ?? 'bench-out');
mkdirSync(out, { recursive: true });
const file = path.join(out, 'page-1m-20cols.csv');
if (!existsSync(file)) {
  // Deterministic synthetic rows: label, score, pred, 3 sensitive columns, 14 features.
  const header = ['label', 'score', 'pred', 'sex', 'race', 'age_group', ...Array.from({ length: 14 }, (_, i) => `f${i}`)];
  const lines = [header.join(',')];
  let state = 12345;
  const next = () => { state = (state * 1103515245 + 12345) % 2147483648; return state / 2147483648; };
  const sexes = ['female', 'male'];
  const races = ['a', 'b', 'c', 'd'];
  const ages = ['<25', '25-45', '>45'];
  for (let i = 0; i < 1_000_000; i += 1) {
    const score = next();
    const features = Array.from({ length: 14 }, () => (next() * 100).toFixed(2));
    lines.push([next() < score ? 1 : 0, score.toFixed(4), score >= 0.5 ? 1 : 0, sexes[i % 2], races[i % 4], ages[i % 3], ...features].join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

const { server, url } = await serve(0);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(`${url}/`);
const start = Date.now();
await page.setInputFiles('#data-file', file);
await page.waitForFunction(() => !document.getElementById('run-audit').disabled, null, { timeout: 120000 });
const loaded = Date.now();
await page.selectOption('#sensitive-columns', ['sex', 'race', 'age_group']);
await page.evaluate(() => {
  window.longestStall = 0;
  let last = performance.now();
  const tick = (now) => { window.longestStall = Math.max(window.longestStall, now - last); last = now; if (!window.done) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
});
const auditStart = Date.now();
await page.click('#run-audit');
await page.waitForSelector('#verdict', { timeout: 120000 });
const audited = Date.now();
const stall = await page.evaluate(() => { window.done = true; return window.longestStall; });
const rows = await page.$eval('#report p:nth-of-type(2)', (p) => p.textContent);
await browser.close();
server.close();
const table = `| step | seconds |\n|---|---|\n| read the 1,000,000 × 20 CSV (${Math.round((await import('node:fs')).statSync(file).size / 1e6)} MB) and detect columns | ${((loaded - start) / 1000).toFixed(2)} |\n`
  + `| audit 3 attributes + their intersection, in the worker, until the report shows | ${((audited - auditStart) / 1000).toFixed(2)} |\n`
  + `| longest main-thread stall during the audit | ${(stall / 1000).toFixed(3)} |\n\n`
  + `Machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, headless Chromium. Report: ${rows}\n`;
console.log(table);
writeFileSync(path.join(out, 'page-1m.md'), table);
