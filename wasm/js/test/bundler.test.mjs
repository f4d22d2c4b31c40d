// `sextant-audit` as users install it: packs pkg/ (npm pack), installs the tarball with Vite and
// TypeScript in a fresh project (wasm/js/test/vite-app, copied to a temporary folder), type-checks
// it (tsc), builds it with `vite build` and Vite's default configuration, serves dist/ and checks
// in headless Chromium that fairness on the main thread, the <sextant-report> element (styled,
// with charts, kept by the production build) and the worker all work, with the CLI's numbers.
// Needs the npm registry (Vite and TypeScript are installed in the temporary project).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { at, cli, repo, serveFiles } from './helpers.mjs';

const VITE = '8.3.8';
const TYPESCRIPT = '5.9.3';
const dir = mkdtempSync(path.join(os.tmpdir(), 'sextant-vite-app-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `command` in `cwd`; its standard output and error, or an error naming the command. */
function run(command, args, cwd) {
  const done = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (done.error) throw done.error;
  if (done.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${done.stdout}\n${done.stderr}`);
  return `${done.stdout}\n${done.stderr}`;
}

test('a Vite + TypeScript app built from the packed package runs fairness, <sextant-report> and the worker', { timeout: 600_000 }, async () => {
  cpSync(at('wasm/js/test/vite-app'), dir, { recursive: true });
  mkdirSync(path.join(dir, 'public'));
  copyFileSync(at('datasets/demo/loans.csv'), path.join(dir, 'public/loans.csv'));
  const [{ filename }] = JSON.parse(run('npm', ['pack', at('pkg'), '--pack-destination', dir, '--json', '--loglevel=error'], repo));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'vite-app', private: true, type: 'module',
    dependencies: { 'sextant-audit': `file:./${filename}` },
    devDependencies: { vite: VITE, typescript: TYPESCRIPT },
  }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  run('node_modules/.bin/tsc', ['-p', '.'], dir);
  const build = run('node_modules/.bin/vite', ['build'], dir);
  // Browsers never see the Node entry (its node:fs import made Vite warn).
  assert.doesNotMatch(build, /node:fs|externalized for browser compatibility/, build);

  const server = await serveFiles(path.join(dir, 'dist'), 'index.html');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${server.base}/`);
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== '', null, { timeout: 60_000 });
    const seen = JSON.parse(await page.textContent('#result'));
    assert.equal(seen.error, undefined, `the app failed: ${seen.error} (${seen.code})`);
    assert.deepEqual(errors, []);
    const flags = ['datasets/demo/loans.csv', '--label', 'repaid', '--score', 'score', '--sensitive', 'sex', '--sensitive', 'age_group'];
    assert.equal(seen.report, cli(['fairness', ...flags, '--format', 'json']));
    assert.equal(seen.remote, cli(['fairness', ...flags, '--bootstrap', '50', '--seed', '3', '--format', 'json']));
    assert.ok(seen.events >= 2, `${seen.events} progress events from the worker`);
    assert.equal(seen.defined, true, '<sextant-report> is defined in the production build');
    assert.equal(seen.tables > 0 && seen.charts > 0, true, `${seen.tables} tables and ${seen.charts} charts`);
    assert.equal(seen.styled, '600', 'the element brings its stylesheet');
  } finally {
    await browser.close();
    server.close();
  }
});
