import { chromium } from 'playwright-core';
const [file, out, width] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: Number(width || 1100), height: 900 } });
await page.goto('file://' + file);
const figs = await page.$$('figure');
let i = 0;
for (const f of figs) {
  const text = await f.evaluate((e) => e.querySelector('title')?.textContent || '');
  if (text.includes('threshold')) { await f.screenshot({ path: `${out}-${i}.png` }); i++; }
}
await browser.close();
console.log(i);
