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
  /** See kernels/matmul.ts: pointers are byte offsets (bias 0 = none), strides are in elements. */
  batchMatMul(a: number, b: number, c: number, batch: number, m: number, k: number, n: number, aRow: number, aCol: number, aBatch: number, bBatch: number, scratch: number, bias: number): void;
  /** Columns per packed panel of B for inner dimension k (scratch holds k · panelWidth(k) floats). */
  panelWidth(k: number): number;
  /** See kernels/matmul_nt.ts: C = A·Bᵀ with A [m, k], B [n, k] row-major. */
  batchMatMulNT(a: number, b: number, c: number, batch: number, m: number, k: number, n: number, aBatch: number, bBatch: number): void;
  /** See kernels/reduce.ts: out[c] = Σ_r x[r, c]. */
  sumRows(x: number, out: number, rows: number, cols: number): void;
  /** See kernels/reduce.ts: out[j] = Σ_r x[r, at + j] · scale. */
  meanRows(x: number, out: number, rows: number, stride: number, at: number, n: number, scale: number): void;
  /** See kernels/adamw.ts. */
  adamw(p: number, g: number, m: number, v: number, pOut: number, mOut: number, vOut: number, n: number, b1: number, b1c: number, b2: number, b2c: number, bc1: number, bc2: number, eps: number, lr: number, keep: number): void;
  /** See kernels/gelu.ts. */
  gelu(x: number, y: number, n: number): void;
  geluGrad(x: number, dy: number, dx: number, n: number): void;
  /** See kernels/layer_norm.ts: stats is [rows, 2] (mean, 1/std). */
  layerNorm(x: number, gamma: number, beta: number, y: number, stats: number, rows: number, d: number, eps: number): void;
  layerNormGrad(x: number, stats: number, gamma: number, dy: number, dx: number, dgamma: number, dbeta: number, rows: number, d: number): void;
  /** See kernels/heads.ts: part `part` of x [B, T, P·H·dh] as heads ([B, H, T, dh] or, keysT, [B, H, dh, T]) · scale. */
  splitHeads(x: number, out: number, B: number, T: number, P: number, H: number, dh: number, part: number, keysT: boolean, scale: number): void;
  mergeHeads(dOut: number, dx: number, B: number, T: number, P: number, H: number, dh: number, part: number, keysT: boolean, scale: number): void;
}

/** The tfjs wasm backend's internals mvlm's kernels and fixes use (one description for all of them). */
export interface WasmBackendHeap {
  wasm: { asm: { memory: WasmMemory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
  incRef(dataId: object): void;
  /** A view of the tensor's bytes on the wasm heap (detached when the heap grows: take it after allocating). */
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array;
}

/** Throw when two inputs of a kernel differ in shape. */
export function sameShape(kernel: string, a: tf.TensorInfo, b: tf.TensorInfo, names: string): void {
  if (a.shape.join(',') !== b.shape.join(',')) throw new Error(`${kernel}: ${names} differ in shape: [${a.shape}] vs [${b.shape}]`);
}

const FILE = 'mvlm_kernels.wasm';
/** dist/lib/backend/wasm -> dist/wasm (built package); lib/backend/wasm -> dist/wasm (ts-node from the repo). */
const CANDIDATES = [path.resolve(__dirname, '..', '..', '..', 'wasm', FILE), path.resolve(__dirname, '..', '..', '..', 'dist', 'wasm', FILE)];

/** Path of the built kernels; fails with the command that builds them. */
export function kernelsFile(): string {
  const file = CANDIDATES.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`mvlm: wasm kernels not built (looked for ${CANDIDATES.join(', ')}); run \`npm run build:wasm\``);
  return file;
}

let loaded: { memory: WasmMemory; kernels: MvlmKernels } | undefined;

/** The kernels bound to `backend`'s heap (instantiated once per heap). */
export function mvlmKernels(backend: WasmBackendHeap): MvlmKernels {
  const memory = backend.wasm.asm.memory;
  if (loaded && loaded.memory === memory) return loaded.kernels;
  const module = new WebAssembly.Module(fs.readFileSync(kernelsFile()));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  loaded = { memory, kernels: instance.exports as unknown as MvlmKernels };
  return loaded.kernels;
}

/** The kernel function registered as `name` on wasm now (looked up per call, so A/B switches reach it). */
export function wasmKernel(name: string): tf.KernelConfig['kernelFunc'] {
  const config = tf.getKernel(name, 'wasm');
  if (config == null) throw new Error(`wasm backend has no ${name} kernel to build on`);
  return config.kernelFunc;
}

/** Byte offset of a tensor's data on the wasm heap. */
export function heapOffset(backend: WasmBackendHeap, t: tf.TensorInfo): number {
  const entry = backend.dataIdMap.get(t.dataId);
  if (!entry) throw new Error(`mvlm wasm kernels: tensor [${t.shape}] has no data on the wasm heap`);
  return entry.memoryOffset;
}

/** What a heap kernel's body gets: the kernels, tensor → heap offset, and float32 output allocation. */
export interface HeapContext {
  kernels: MvlmKernels;
  heap: WasmBackendHeap;
  ptr(t: tf.TensorInfo): number;
  output(shape: number[]): tf.TensorInfo;
}

/**
 * Register `name` on the wasm backend as a kernel over float32 inputs that runs `body` on the heap
 * (no-op when already registered). Inputs of another dtype fail with the kernel and input named.
 */
export function registerHeapKernel(
  name: string,
  body: (ctx: HeapContext, inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown>) => tf.TensorInfo | tf.TensorInfo[],
): void {
  if (tf.getKernel(name, 'wasm') != null) return;
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as WasmBackendHeap;
      const named = inputs as Record<string, tf.TensorInfo>;
      for (const [key, t] of Object.entries(named)) {
        if (t.dtype !== 'float32') throw new Error(`${name}: input ${key} is ${t.dtype} [${t.shape}], want float32`);
      }
      const ctx: HeapContext = {
        kernels: mvlmKernels(heap),
        heap,
        ptr: (t) => heapOffset(heap, t),
        output: (shape) => heap.makeOutput(shape, 'float32'),
      };
      return body(ctx, named, attrs as Record<string, unknown>);
    },
  });
}
