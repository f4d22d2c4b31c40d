// Serves the audit page on 127.0.0.1 (builds pkg/ first if it is missing): www/ at /, the
// npm package at /pkg/, and the bundled demo at /datasets/demo/. Nothing else is reachable,
// and the page's Content-Security-Policy forbids every other origin.
//
// usage: node www/serve.mjs [PORT]        (default 8080; 0 picks a free port)
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.wasm': 'application/wasm', '.csv': 'text/csv', '.json': 'application/json',
  '.svg': 'image/svg+xml',
};
const ROOTS = [['/pkg/', 'pkg/'], ['/datasets/demo/', 'datasets/demo/'], ['/', 'www/']];

/** The file a URL path maps to, or null. */
function resolve(urlPath) {
  const clean = path.posix.normalize(decodeURIComponent(urlPath));
  for (const [prefix, dir] of ROOTS) {
    if (clean.startsWith(prefix)) {
      const file = path.join(repo, dir, clean.slice(prefix.length) || 'index.html');
      const root = path.join(repo, dir);
      return file.startsWith(root) && existsSync(file) && statSync(file).isFile() ? file : null;
    }
  }
  return null;
}

/** Starts the server; resolves to its base URL. */
export async function serve(port = 8080) {
  if (!existsSync(path.join(repo, 'pkg/index.js'))) {
    const build = spawnSync('bash', [path.join(repo, 'scripts/build-wasm.sh')], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('building pkg/ failed');
  }
  const server = createServer((request, response) => {
    const file = resolve(new URL(request.url, 'http://127.0.0.1').pathname);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    response.end(readFileSync(file));
  });
  await new Promise((done) => server.listen(port, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await serve(Number(process.argv[2] ?? 8080));
  console.log(`Sextant audit page: ${url}/  (Ctrl-C stops it; data never leaves this browser)`);
}
