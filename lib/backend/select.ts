/**
 * Backend selection: tfjs-node ('tensorflow') if it loads, else wasm, else cpu.
 * `MVLM_BACKEND=wasm|cpu|tensorflow` overrides. Every entry point calls `initBackend` first.
 */
import * as tf from '@tensorflow/tfjs';
import { NativeBlasInfo, nativeBlasInfo } from './native_blas';
import { installWasmKernelFixes } from './stock_fixes';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
const ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  backend: BackendName;
  reason: string;
  tfjsVersion: string;
  nodeVersion: string;
  tfjsNodeAvailable: boolean;
  wasmSimd: boolean | null;
  wasmThreads: boolean | null;
  /** On wasm: whether products run on OpenBLAS through the native addon (native_blas.ts), and why not. */
  nativeBlas: NativeBlasInfo | null;
}

export interface InitOptions {
  /** Backend to try first; falls back down the usual order if it cannot start. */
  prefer?: BackendName;
  /** Print the one-line backend notice (default true). */
  quiet?: boolean;
}

let current: Promise<BackendInfo> | null = null;

function tryRequire(name: string): { ok: boolean; error?: string } {
  try {
    require(name);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: (e as Error).message.split('\n')[0] };
  }
}

function isBackendName(x: string): x is BackendName {
  return (ORDER as string[]).includes(x);
}

async function start(name: BackendName): Promise<{ ok: boolean; why?: string }> {
  if (name === 'tensorflow') {
    const loaded = tryRequire('@tensorflow/tfjs-node');
    if (!loaded.ok) return { ok: false, why: `@tensorflow/tfjs-node not loadable (${loaded.error})` };
  }
  if (name === 'wasm') {
    const loaded = tryRequire('@tensorflow/tfjs-backend-wasm');
    if (!loaded.ok) return { ok: false, why: `@tensorflow/tfjs-backend-wasm not loadable (${loaded.error})` };
  }
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return { ok: false, why: `tf.setBackend('${name}') failed` };
    await tf.ready();
    return { ok: true };
  } catch (e) {
    return { ok: false, why: `${name} failed to start (${(e as Error).message})` };
  }
}

async function wasmFlag(flag: string): Promise<boolean | null> {
  try {
    return Boolean(await tf.env().getAsync(flag));
  } catch {
    return null;
  }
}

async function select(opts: InitOptions): Promise<BackendInfo> {
  // PROD silences tfjs's console banners (e.g. the cpu backend's "install tfjs-node" notice).
  tf.env().set('PROD', true);
  const env = process.env.MVLM_BACKEND;
  if (env != null && env !== '' && !isBackendName(env)) {
    throw new Error(`MVLM_BACKEND=${env} is not one of ${ORDER.join(', ')}`);
  }
  const first = env && isBackendName(env) ? env : opts.prefer;
  const order = first ? [first, ...ORDER.filter((b) => b !== first)] : ORDER;
  const skipped: string[] = [];
  for (const name of order) {
    const result = await start(name);
    if (!result.ok) {
      skipped.push(result.why ?? name);
      continue;
    }
    if (name === 'wasm') installWasmKernelFixes();
    const chosenBy = env ? `MVLM_BACKEND=${env}` : opts.prefer ? `prefer=${opts.prefer}` : 'default order';
    const reason = skipped.length ? `${chosenBy}; skipped: ${skipped.join('; ')}` : chosenBy;
    const info: BackendInfo = {
      backend: name,
      reason,
      tfjsVersion: tf.version.tfjs,
      nodeVersion: process.versions.node,
      tfjsNodeAvailable: name === 'tensorflow' || tryRequire('@tensorflow/tfjs-node').ok,
      wasmSimd: name === 'wasm' ? await wasmFlag('WASM_HAS_SIMD_SUPPORT') : null,
      wasmThreads: name === 'wasm' ? await wasmFlag('WASM_HAS_MULTITHREAD_SUPPORT') : null,
      nativeBlas: name === 'wasm' ? nativeBlasInfo() : null,
    };
    if (!opts.quiet) console.error(`[mvlm] backend: ${name} (${reason})`);
    return info;
  }
  throw new Error(`no tfjs backend could start: ${skipped.join('; ')}`);
}

/** Pick and start the backend once; later calls return the same info. */
export function initBackend(opts: InitOptions = {}): Promise<BackendInfo> {
  if (current == null) {
    current = select(opts).catch((e) => {
      current = null;
      throw e;
    });
  }
  return current;
}

/** Switch the running backend (tests comparing backends); wasm fixes are kept installed. */
export async function useBackend(name: BackendName): Promise<void> {
  const result = await start(name);
  if (!result.ok) throw new Error(result.why);
  if (name === 'wasm') installWasmKernelFixes();
}
