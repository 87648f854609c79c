/**
 * The compare-objectives experiment: every arm on the same backbone, data, steps, batch and seeds,
 * each evaluated on one protocol during training (learning curves) and at the end, then the
 * statistics (intervals, paired differences, findings) and the report: results.json, results.md,
 * SVG plots and report.html.
 *   plan (compare/presets.ts, compare/plan.ts) -> run (compare/run_arm.ts) -> collect (compare/collect.ts)
 *   -> report (lib/report).
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { MultiBar, Presets } from 'cli-progress';
import { BackendInfo } from '../backend';
import { Dataset, loadDataset } from '../data';
import { CompareResults, writeReport } from '../report';
import { Rng } from '../random';
import { packageVersion } from '../version';
import { armByName } from './arms';
import { subset } from '../run/evaluate';
import { PROBE_FEATURE } from '../run/embed';
import { RECONSTRUCTION_RULE } from '../run/reconstruct_eval';
import { collectStatistics } from './collect';
import { planCompare } from './plan';
import { armConfig, DataSetting } from './presets';
import { ArmRun, runArm } from './run_arm';

export interface CompareOptions {
  preset: string;
  out: string;
  /** Only these arms (names from ARMS). */
  arms?: string[];
  /** `--set key=value` overrides of each arm's experiment config (e.g. train.steps=20). */
  sets?: string[];
  backend: BackendInfo;
  quiet?: boolean;
}

/** A seeded subset of `n` items (all when n is undefined or larger): the same items for every arm. */
function limit(dataset: Dataset, n: number | undefined, seed: number): Dataset {
  if (n === undefined || n >= dataset.size) return dataset;
  return subset(dataset, new Rng(seed).permutation(dataset.size).slice(0, n).sort((a, b) => a - b));
}

/** Run the study; writes the report into `o.out` and returns the results. */
export async function runCompare(o: CompareOptions): Promise<{ results: CompareResults; reportPath: string }> {
  const { preset, settings } = planCompare(o.preset, o.arms);
  const steps = (s: DataSetting) => armConfig(preset, s, armByName(s.arms[0]), 0, o.sets).train.steps;
  const totalSteps = settings.reduce((n, s) => n + s.arms.length * preset.seeds.length * steps(s), 0);
  fs.mkdirSync(o.out, { recursive: true });
  // a bar on a terminal; elsewhere (logs, CI) one line per arm: cli-progress 3.12 draws a MultiBar
  // off a TTY only once, at stop, with a total of 100 ("720/100 steps")
  const perArmLines = o.quiet || !process.stderr.isTTY;
  const bars = perArmLines ? null : new MultiBar({ format: ' {bar} {percentage}% | {value}/{total} steps | {arm} | ETA {eta_formatted}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  const bar = bars?.create(totalSteps, 0, { arm: '' });
  const runs: ArmRun[] = [];
  let done = 0;
  const started = new Date();
  try {
    for (const setting of settings) {
      const evalSets = [];
      for (const [name, spec] of Object.entries(setting.evalSpecs)) {
        const dataset = await loadDataset(spec, { split: 'test', imageSize: 32, quiet: true });
        evalSets.push({ name, dataset: limit(dataset, preset.evalSize, 1234) });
      }
      for (const seed of preset.seeds) {
        for (const name of setting.arms) {
          bar?.update(done, { arm: `${name} (${setting.name}, seed ${seed})` });
          const base = done;
          const run = await runArm(preset, setting, armByName(name), seed, { out: o.out, sets: o.sets, evalSets, onStep: (s) => bar?.update(base + s) });
          done = base + steps(setting);
          runs.push(run);
          const r = run.result;
          if (perArmLines && !o.quiet) console.log(`${r.name} seed ${seed}: ${r.wallTimeSec.toFixed(1)} s training (${(r.wallTimeSec / r.steps).toFixed(3)} s/step), loss ${r.lossCurve.at(-1)?.loss.toFixed(3)}`);
        }
      }
    }
    bar?.update(done, { arm: 'done' });
  } finally {
    bars?.stop();
  }
  const results: CompareResults = {
    createdAt: started.toISOString(),
    preset: preset.name,
    config: { preset, arms: settings.map((s) => ({ setting: s.name, arms: s.arms, batchSize: s.batchSize ?? preset.batchSize })), sets: o.sets ?? [] },
    versions: { mvlm: packageVersion(), tfjs: tf.version.tfjs, node: process.versions.node },
    backend: o.backend.backend,
    seeds: preset.seeds,
    arms: runs.map((r) => r.result),
    protocol: { probeFeature: PROBE_FEATURE, reconstruction: RECONSTRUCTION_RULE },
    ...collectStatistics({ runs, batchSize: armConfig(preset, { ...settings[0], batchSize: undefined }, armByName(settings[0].arms[0]), 0, o.sets).data.batchSize }),
  };
  const paths = await writeReport(o.out, results);
  return { results, reportPath: paths.html };
}
