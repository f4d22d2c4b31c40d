// Shared helpers of the package tests: the repository root, the CLI binary, and ../shared.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const shared = path.resolve(repo, '../shared');
export const at = (relative) => path.join(repo, relative);
export const text = (relative) => readFileSync(at(relative), 'utf8');
export const bytes = (relative) => new Uint8Array(readFileSync(at(relative)));

/** The CLI's standard output for `args` (run from the repository root), without the final newline. */
export function cli(args) {
  const binary = process.env.SEXTANT_BIN ?? at('target/debug/sextant');
  const run = spawnSync(binary, args, { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.error) throw run.error;
  if (run.status !== 0 && run.status !== 1) throw new Error(`sextant ${args.join(' ')}: ${run.stderr}`);
  return run.stdout.replace(/\n$/, '');
}

/** ../shared/reference/<dataset>, or null after printing why the caller is skipped. */
export function reference(dataset, test) {
  const dir = path.join(shared, 'reference', dataset);
  if (!existsSync(dir)) {
    console.log(`SKIPPED ${test}: ../shared (reference data) is absent in this checkout`);
    return null;
  }
  return dir;
}

const TYPES = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.csv': 'text/csv',
  '.html': 'text/html', '.json': 'application/json', '.css': 'text/css', '.svg': 'image/svg+xml',
};

/**
 * Serves the files under `root` on 127.0.0.1 (any free port), `/` being `index`; resolves to
 * `{base, close}`.
 */
export async function serveFiles(root, index) {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const file = path.join(root, pathname === '/' ? index : pathname);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}
