/**
 * Interleaved A/B timing on a shared machine: variants take turns, a few steps each, for several
 * rounds, so load from other processes hits every variant alike; each variant's median over all
 * its steps is reported, with its ratio to the first (the baseline). Both wall time and the
 * process's CPU time (user + system) are kept: on a machine shared with other jobs the CPU time
 * barely moves with their load (the wasm backend runs on one thread), the wall time does.
 */
import { median } from './timing';

export interface AbVariant {
  name: string;
  /** Switch the process to this variant (kernel overrides, core switches). */
  enable(): void;
}

export interface AbResult {
  name: string;
  medianMs: number;
  /** Median CPU ms (user + system) per step. */
  cpuMs: number;
  /** Median wall time of this variant over the baseline's (< 1 = faster). */
  ratio: number;
  /** The same for CPU time. */
  cpuRatio: number;
}

/** Run `step` under each variant in turn: `rounds` rounds of `perRound` steps (after 1 warm-up step). */
export function interleavedAb(variants: AbVariant[], step: () => void, rounds = 5, perRound = 3): AbResult[] {
  if (variants.length === 0) throw new Error('interleavedAb: no variants');
  const times = variants.map(() => [] as number[]);
  const cpu = variants.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    variants.forEach((v, i) => {
      v.enable();
      step();
      for (let s = 0; s < perRound; s++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        step();
        times[i].push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu[i].push((c.user + c.system) / 1000);
      }
    });
  }
  variants[0].enable();
  const base = median(times[0]);
  const baseCpu = median(cpu[0]);
  return variants.map((v, i) => ({
    name: v.name,
    medianMs: median(times[i]),
    cpuMs: median(cpu[i]),
    ratio: median(times[i]) / base,
    cpuRatio: median(cpu[i]) / baseCpu,
  }));
}

/** One line per variant: wall and CPU medians and their ratios to the baseline. */
export function formatAb(results: AbResult[]): string {
  const w = Math.max(...results.map((r) => r.name.length));
  return results
    .map((r) => `${r.name.padEnd(w)}  wall ${r.medianMs.toFixed(1).padStart(7)} ms ${r.ratio.toFixed(2)}x  cpu ${r.cpuMs.toFixed(1).padStart(7)} ms ${r.cpuRatio.toFixed(2)}x`)
    .join('\n');
}
