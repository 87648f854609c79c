/**
 * The speed switches, all on by default; A/B timing (`bench/ab.ts`, through `setSpeedFix`) and
 * reference tests switch them off one by one.
 *  - MVLM_KERNELS: mvlm's own wasm kernels (lib/backend/wasm/); off, the tensor path runs instead.
 *    nativeBlas: every product on OpenBLAS through the optional native addon when it loads (native_blas.ts).
 *  - CORE_FUSED: the core's fused GELU and LayerNorm (lib/core/fused.ts); off, the plain autograd
 *    formulation runs.
 *  - the overrides of stock wasm kernels are switched by name (`setWasmFix` in stock_fixes.ts).
 */
import * as tf from '@tensorflow/tfjs';

export const MVLM_KERNELS = { batchMatMul: true, adamW: true, gelu: true, layerNorm: true, sumRows: true, smallWeightNN: true, stridedTN: true, packPanels: true, splitHeads: true, linear: true, meanRows: true, nativeBlas: true };

export const CORE_FUSED = { gelu: true, layerNorm: true };

/** True when mvlm's wasm kernel `name` serves the active backend and `on` (its switch) is set. */
export function hasKernel(name: string, on: boolean): boolean {
  return on && tf.getKernel(name, tf.getBackend()) != null;
}
