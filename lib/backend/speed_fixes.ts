/**
 * Every speed fix by one name, for A/B runs (`bench/ab.ts`): stock-kernel overrides by kernel name
 * (Identity, Transpose, Sum, BatchMatMul, _FusedMatMul, …), the core's fused ops (gelu, layerNorm)
 * and mvlm's own wasm kernels as `kernel.NAME` (kernel.batchMatMul, kernel.adamW, …).
 */
import { CORE_FUSED, MVLM_KERNELS } from './switches';
import { setWasmFix, wasmFixes } from './stock_fixes';

const KERNEL = 'kernel.';

/** Names of every fix (stock overrides are listed once installed: after initBackend on wasm). */
export function speedFixes(): string[] {
  return [...wasmFixes(), ...Object.keys(CORE_FUSED), ...Object.keys(MVLM_KERNELS).map((k) => KERNEL + k)];
}

/** Switch one fix off (its stock or plain path runs) or on again. */
export function setSpeedFix(name: string, on: boolean): void {
  const kernel = name.startsWith(KERNEL) ? name.slice(KERNEL.length) : null;
  if (kernel !== null && kernel in MVLM_KERNELS) MVLM_KERNELS[kernel as keyof typeof MVLM_KERNELS] = on;
  else if (name in CORE_FUSED) CORE_FUSED[name as keyof typeof CORE_FUSED] = on;
  else setWasmFix(name, on);
}
