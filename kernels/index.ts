/** mvlm's own wasm kernels, run on the tfjs wasm heap (see lib/wasm/kernels.ts for the loader). */
export { batchMatMul } from './matmul';
export { adamw } from './adamw';
