/**
 * mvlm's own SIMD kernels (AssemblyScript sources in kernels/, built to dist/wasm by
 * `npm run build:wasm`), instantiated on the tfjs wasm backend's own memory so they read and
 * write tensors where they lie: no copies, one call per op.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

// The slice of the WebAssembly JS API used here (the project compiles without the DOM lib).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

export interface MvlmKernels {
  /** See kernels/matmul.ts: pointers are byte offsets, strides are in elements. */
  batchMatMul(a: number, b: number, c: number, batch: number, m: number, k: number, n: number, aRow: number, aCol: number, aBatch: number, bBatch: number): void;
  /** See kernels/adamw.ts. */
  adamw(p: number, g: number, m: number, v: number, pOut: number, mOut: number, vOut: number, n: number, b1: number, b1c: number, b2: number, b2c: number, bc1: number, bc2: number, eps: number, lr: number, keep: number): void;
}

/** The tfjs wasm backend's parts this module touches. */
export interface WasmBackendHeap {
  wasm: { asm: { memory: WasmMemory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

const FILE = 'mvlm_kernels.wasm';
/** dist/lib/wasm -> dist/wasm (built package); lib/wasm -> dist/wasm (ts-node from the repo). */
const CANDIDATES = [path.resolve(__dirname, '..', '..', 'wasm', FILE), path.resolve(__dirname, '..', '..', 'dist', 'wasm', FILE)];

let loaded: { memory: WasmMemory; kernels: MvlmKernels } | undefined;

/** The kernels bound to `backend`'s heap (instantiated once per heap). */
export function mvlmKernels(backend: WasmBackendHeap): MvlmKernels {
  const memory = backend.wasm.asm.memory;
  if (loaded && loaded.memory === memory) return loaded.kernels;
  const file = CANDIDATES.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`mvlm: wasm kernels not built (looked for ${CANDIDATES.join(', ')}); run \`npm run build:wasm\``);
  const module = new WebAssembly.Module(fs.readFileSync(file));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  loaded = { memory, kernels: instance.exports as unknown as MvlmKernels };
  return loaded.kernels;
}

/** Byte offset of a tensor's data on the wasm heap. */
export function heapOffset(backend: WasmBackendHeap, t: tf.TensorInfo): number {
  const entry = backend.dataIdMap.get(t.dataId);
  if (!entry) throw new Error(`mvlm wasm kernels: tensor [${t.shape}] has no data on the wasm heap`);
  return entry.memoryOffset;
}
