/** mvlm's own wasm kernels, run on the tfjs wasm heap (lib/wasm/kernels.ts loads them). */
export { batchMatMul, panelWidth } from './matmul';
export { batchMatMulNT } from './matmul_nt';
export { adamw } from './adamw';
export { gelu, geluGrad } from './gelu';
export { layerNorm, layerNormGrad } from './layer_norm';
export { meanRows, sumRows } from './reduce';
export { splitHeads, mergeHeads } from './heads';
