// Compiled by scripts/test.sh with only TypeScript's ES library (tsconfig.no-dom.json: no DOM,
// no Node types), as a server or a worker_threads project would: the package's main entry
// must type-check there too.
import { init, fairness, type AbortSignalLike, type FairnessReport, type WasmSource } from 'sextant-audit';

export async function audit(csv: string, wasm: WasmSource, signal: AbortSignalLike): Promise<FairnessReport> {
  await init(wasm);
  return fairness({ data: csv, label: 'label', pred: 'pred', sensitive: 'sex', signal, onProgress: (p) => p.done / p.total });
}

export const fromBytes = (bytes: Uint8Array) => init(bytes);
export const fromUrl = (url: { href: string }) => init(url);
