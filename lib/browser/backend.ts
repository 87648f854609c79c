/**
 * The tfjs backend in a browser: wasm (its .wasm files served from `wasmPaths`), else webgl, else cpu.
 * mvlm's own wasm kernels and kernel fixes are Node-only (lib/backend): the browser runs the stock
 * kernels, and the core falls back to plain tensor ops where mvlm's kernels are absent.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BrowserBackend = 'wasm' | 'webgl' | 'cpu';

export interface BackendChoice {
  backend: BrowserBackend;
  /** Why earlier backends of the order were skipped (empty when the first started). */
  skipped: string[];
}

/**
 * Start the first backend of `order` that works. `wasmPaths` is the folder URL (ending in `/`) that
 * serves tfjs-backend-wasm's `tfjs-backend-wasm*.wasm` files.
 */
export async function startBackend(o: { wasmPaths?: string; order?: BrowserBackend[] } = {}): Promise<BackendChoice> {
  if (o.wasmPaths) setWasmPaths(o.wasmPaths);
  const skipped: string[] = [];
  for (const name of o.order ?? ['wasm', 'webgl', 'cpu']) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return { backend: name, skipped };
      }
      skipped.push(`${name}: did not start`);
    } catch (e) {
      skipped.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no tfjs backend started: ${skipped.join('; ')}`);
}
