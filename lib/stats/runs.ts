/** The study's raw record: per arm and seed, every metric's sample and the learning curve. */
import type { Sample } from './bootstrap';
import type { CurvePoint } from './curves';

export interface RunSamples {
  arm: string;
  seed: number;
  metrics: Record<string, Sample>;
  curve?: CurvePoint[];
}

/** Lookups over a study's runs, seeds in ascending order. */
export class RunTable {
  constructor(readonly runs: RunSamples[]) {}

  arms(): string[] {
    return [...new Set(this.runs.map((r) => r.arm))];
  }

  has(arm: string): boolean {
    return this.runs.some((r) => r.arm === arm);
  }

  runsOf(arm: string, seeds?: number[]): RunSamples[] {
    const runs = this.runs.filter((r) => r.arm === arm && (!seeds || seeds.includes(r.seed)));
    return runs.sort((a, b) => a.seed - b.seed);
  }

  seedsOf(arm: string): number[] {
    return this.runsOf(arm).map((r) => r.seed);
  }

  /** Seeds both arms ran. */
  commonSeeds(a: string, b: string): number[] {
    const sb = new Set(this.seedsOf(b));
    return this.seedsOf(a).filter((s) => sb.has(s));
  }

  /** The metric for each of `seeds` (all of the arm's by default); undefined if any seed lacks it. */
  series(arm: string, metric: string, seeds?: number[]): Sample[] | undefined {
    const runs = this.runsOf(arm, seeds);
    if (runs.length === 0 || runs.some((r) => r.metrics[metric] === undefined)) return undefined;
    return runs.map((r) => r.metrics[metric]);
  }

  /** Every metric any run of `arm` reports. */
  metricsOf(arm: string): string[] {
    return [...new Set(this.runsOf(arm).flatMap((r) => Object.keys(r.metrics)))];
  }
}
