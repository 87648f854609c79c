/**
 * The optional native products: OpenBLAS's sgemm (multi-threaded, FMA) run in place on the wasm
 * heap through a small N-API addon (native/blas.cc, built at install by scripts/build_native.js
 * when a C++ toolchain is there). Missing addon or missing OpenBLAS: mvlm's wasm kernels run, and
 * `mvlm info` says which. MVLM_NATIVE_BLAS=0 turns it off; MVLM_BLAS_THREADS sets its threads.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isMainThread } from 'worker_threads';

interface Addon {
  load(candidates: string[]): string | null;
  threads(n?: number): number;
  gemm(heap: ArrayBuffer, batch: number, m: number, n: number, k: number, transA: number, transB: number, a: number, b: number, c: number, strideA: number, strideB: number, bias: number): void;
}

export interface NativeBlasInfo {
  active: boolean;
  /** The OpenBLAS loaded, or why none runs. */
  detail: string;
  threads: number | null;
}

/** Where Debian, Ubuntu, Fedora and a plain `make install` put OpenBLAS. */
const LIBRARIES = [
  'libopenblas.so.0',
  'libopenblas.so',
  '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0',
  '/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0',
  '/usr/lib64/libopenblas.so.0',
  '/opt/OpenBLAS/lib/libopenblas.so',
];

/** lib/backend (ts-node from the repo) or dist/lib/backend (built package) -> build/Release at the package root. */
const ADDON_CANDIDATES = [path.resolve(__dirname, '..', '..', 'build', 'Release', 'mvlm_blas.node'), path.resolve(__dirname, '..', '..', '..', 'build', 'Release', 'mvlm_blas.node')];

let state: { addon: Addon | null; info: NativeBlasInfo } | undefined;

function loadAddon(): { addon: Addon | null; info: NativeBlasInfo } {
  const off = (detail: string) => ({ addon: null, info: { active: false, detail, threads: null } });
  if (process.env.MVLM_NATIVE_BLAS === '0') return off('off (MVLM_NATIVE_BLAS=0)');
  const file = ADDON_CANDIDATES.find((f) => fs.existsSync(f));
  if (!file) return off('addon not built (needs g++ and make at install: `npm run build:native`)');
  let addon: Addon;
  try {
    addon = require(file) as Addon;
  } catch (e) {
    return off(`addon ${file} does not load (${(e as Error).message.split('\n')[0]}; rebuild: \`npm run build:native\`)`);
  }
  const library = addon.load(LIBRARIES);
  if (!library) return off('OpenBLAS not found (apt-get install libopenblas0-pthread)');
  // OpenBLAS's thread count is per process: data-parallel workers (threads of one process) take 1 each
  const asked = Number(process.env.MVLM_BLAS_THREADS);
  const threads = Number.isInteger(asked) && asked > 0 ? asked : isMainThread ? 0 : 1;
  if (threads) addon.threads(threads);
  return { addon, info: { active: true, detail: library, threads: addon.threads() } };
}

/** The addon when native products run in this process, else null (loaded once). */
export function nativeBlas(): Addon | null {
  state ??= loadAddon();
  return state.addon;
}

export function nativeBlasInfo(): NativeBlasInfo {
  state ??= loadAddon();
  return { ...state.info, threads: state.addon ? state.addon.threads() : null };
}

/** Threads OpenBLAS uses from now on (data-parallel workers and study jobs take 1 each). */
export function setNativeBlasThreads(n: number): void {
  nativeBlas()?.threads(n);
}
