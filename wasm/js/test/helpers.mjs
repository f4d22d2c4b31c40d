// Shared helpers of the package tests: the repository root, the CLI binary, and ../shared.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
