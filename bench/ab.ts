/**
 * A/B of mvlm's speed fixes on a reference training step, interleaved in one process:
 * `npx ts-node -T bench/ab.ts [tiny|small] [Fix,Fix+Fix,...]` — each comma-separated group is one
 * variant with those fixes switched off; the first row has all on. Fix names: the wasm kernel
 * overrides (Identity, Transpose, Sum, BatchMatMul, _FusedMatMul), the core's fused ops
 * (gelu, layerNorm) and mvlm's own wasm kernels and routes (kernel.NAME for each switch in
 * MVLM_KERNELS: kernel.batchMatMul, kernel.adamW, kernel.stridedTN, kernel.packPanels, …). Prints wall and CPU medians (CPU time holds better on a loaded machine);
 * `AB_ROUNDS=n` sets the rounds (default 5, 3 steps per variant per round).
 * Example: `npx ts-node -T bench/ab.ts tiny Identity+Transpose+Sum,gelu,layerNorm`.
 */
import { initBackend } from '../lib/backend';
import { SMALL, TINY, buildStep, formatAb, interleavedAb } from '../lib/bench';
import { CORE_FUSED } from '../lib/core';
import { setWasmFix, wasmFixes } from '../lib/wasm_kernels';
import { MVLM_KERNELS } from '../lib/wasm/kernels';

type CoreFix = keyof typeof CORE_FUSED;
type KernelFix = keyof typeof MVLM_KERNELS;
const isCore = (f: string): f is CoreFix => f in CORE_FUSED;
const KERNEL = 'kernel.';

function setFix(name: string, on: boolean): void {
  if (name.startsWith(KERNEL) && name.slice(KERNEL.length) in MVLM_KERNELS) MVLM_KERNELS[name.slice(KERNEL.length) as KernelFix] = on;
  else if (isCore(name)) CORE_FUSED[name] = on;
  else setWasmFix(name, on);
}

async function main(): Promise<void> {
  await initBackend();
  const cfg = process.argv[2] === 'small' ? SMALL : TINY;
  const all = [...wasmFixes(), ...Object.keys(CORE_FUSED), ...Object.keys(MVLM_KERNELS).map((k) => KERNEL + k)];
  const groups = (process.argv[3] ?? all.join(',')).split(',').map((g) => g.split('+'));
  const allOn = () => all.forEach((f) => setFix(f, true));
  const variants = [
    { name: 'all fixes', enable: allOn },
    ...groups.map((g) => ({ name: `without ${g.join('+')}`, enable: () => (allOn(), g.forEach((f) => setFix(f, false))) })),
  ];
  const s = buildStep(cfg);
  let i = 0;
  const results = interleavedAb(variants, () => s.step(i++), Number(process.env.AB_ROUNDS ?? 5));
  s.dispose();
  console.log(formatAb(results));
}

void main();
