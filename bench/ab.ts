/**
 * A/B of mvlm's speed fixes on a reference training step, interleaved in one process:
 * `npx ts-node -T bench/ab.ts [tiny|small] [Fix,Fix+Fix,...]` — each comma-separated group is one
 * variant with those fixes switched off; the first row has all on. Fix names: the wasm kernel
 * overrides (Identity, Transpose, Sum, BatchMatMul, _FusedMatMul), the core's fused ops
 * (gelu, layerNorm) and mvlm's own wasm kernels and routes (kernel.NAME for each switch in
 * MVLM_KERNELS in lib/backend/switches.ts: kernel.batchMatMul, kernel.adamW, kernel.stridedTN, kernel.packPanels, …). Prints wall and CPU medians (CPU time holds better on a loaded machine);
 * `AB_ROUNDS=n` sets the rounds (default 5, 3 steps per variant per round).
 * Example: `npx ts-node -T bench/ab.ts tiny Identity+Transpose+Sum,gelu,layerNorm`.
 */
import { initBackend, setSpeedFix, speedFixes } from '../lib/backend';
import { SMALL, TINY, buildStep, formatAb, interleavedAb } from '../lib/bench';


async function main(): Promise<void> {
  await initBackend();
  const cfg = process.argv[2] === 'small' ? SMALL : TINY;
  const all = speedFixes();
  const groups = (process.argv[3] ?? all.join(',')).split(',').map((g) => g.split('+'));
  const allOn = () => all.forEach((f) => setSpeedFix(f, true));
  const variants = [
    { name: 'all fixes', enable: allOn },
    ...groups.map((g) => ({ name: `without ${g.join('+')}`, enable: () => (allOn(), g.forEach((f) => setSpeedFix(f, false))) })),
  ];
  const s = buildStep(cfg);
  let i = 0;
  const results = interleavedAb(variants, () => s.step(i++), Number(process.env.AB_ROUNDS ?? 5));
  s.dispose();
  console.log(formatAb(results));
}

void main();
