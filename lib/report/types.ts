/**
 * The results of the compare-objectives experiment: what `results.json` holds and what every
 * table and plot of the report is drawn from. The experiment fills it; the report only reads it.
 *
 * Metric names are flat, slash-separated, `group[/split]/leaf`, so new evaluators need no schema
 * change. The report orders and labels them by group (see `metric_order.ts`):
 * - `retrieval/<split>/{i2t,t2i}_r{1,5,10}`, `retrieval/<split>/{i2t,t2i}_{mean,median}_rank`
 *   (split `in` = in-style test split, `cross` = cross-style, never trained on)
 * - `zeroshot[/<split>]/{top1,top5,balanced_acc}`
 * - `probe[/<split>]/acc` (linear probe test accuracy), `probe/l2` (chosen L2 strength)
 * - `compositional/<swap>` accuracy per swap type (`color`, `shape`, `size`, `relation`, `mean`)
 * - `recon/{mse,psnr,mlm_acc,mim_acc}`
 * - `diag[/<split>]/{alignment,uniformity,modality_gap,erank_image,erank_text}`
 * Accuracies and recalls are fractions in [0, 1], not percentages.
 */
import { z } from 'zod';
import type { Finding, MetricStat, PairedDifference, SkippedFinding } from '../stats';

/** One objective of an arm and its weight in the summed loss. */
export interface ObjectiveWeight {
  name: string;
  weight: number;
}

/** One logged point of the training loss; `terms` are the named, unweighted loss terms. */
export interface LossPoint {
  step: number;
  loss: number;
  terms?: Record<string, number>;
}

/** One arm trained with one seed. With several seeds an arm appears once per seed. */
export interface ArmResult {
  /** Arm name, e.g. `clip`, `clip+mae`; rows of the table are grouped by it. */
  name: string;
  objectives: ObjectiveWeight[];
  seed: number;
  /** Flat metric names (see the file comment) to values; absent when the evaluator does not apply. */
  metrics: Record<string, number>;
  lossCurve: LossPoint[];
  /** Learning curve: a cheap subset of metrics evaluated during training (values; items stay in the stats). */
  curve?: CurvePointValues[];
  /** Training wall time only (not evaluation). */
  wallTimeSec: number;
  /** Training samples (image–text pairs) per second. */
  samplesPerSec: number;
  /** Analytic model FLOPs of one training step (forward + backward). */
  flopsPerStep: number;
  steps: number;
  /** Batch size of the run (the batch-size sweep runs arms at several). */
  batchSize?: number;
  /** Number of trainable parameters. */
  params: number;
}

/** One evaluation during training: cumulative training FLOPs and training seconds (evaluation excluded). */
export interface CurvePointValues {
  step: number;
  flops: number;
  seconds: number;
  metrics: Record<string, number>;
}

export interface CompareResults {
  /** ISO 8601 time the run started. */
  createdAt: string;
  /** `smoke` | `quick` | `full` | a custom name. */
  preset: string;
  /** The resolved experiment config, as JSON. */
  config: unknown;
  versions: { mvlm: string; tfjs: string; node: string };
  /** tfjs backend that ran, e.g. `wasm`. */
  backend: string;
  seeds: number[];
  arms: ArmResult[];
  /** arm -> metric -> mean, std, n, ci95 (paired bootstrap over items and seeds), chance. */
  stats: Record<string, Record<string, MetricStat>>;
  /** arm -> metric -> the paired difference arm − its clip baseline, with ci95. */
  differences: Record<string, Record<string, PairedDifference>>;
  /** The study's answers, generated from the numbers by the rules of lib/stats/findings.ts. */
  findings: Finding[];
  /** Rules that could not be answered here, with the reason (missing arm or metric). */
  skippedFindings: SkippedFinding[];
  bootstrap: { replicates: number; seed: number; method: string };
  /** The evaluation protocol in words (what the probe reads, how reconstruction is scored), for the caveats. */
  protocol?: { probeFeature: string; reconstruction: string };
}

/**
 * JSON cannot hold NaN or ±Infinity (JSON.stringify writes null), so a metric that came out
 * non-finite is read back as NaN rather than rejected: the table then shows it as `NaN`.
 */
const metricValue = z.union([z.number(), z.null()]).transform((v) => (v === null ? NaN : v));

const ci95 = z.union([z.tuple([metricValue, metricValue]), z.null()]);
const intervalFields = {
  std: metricValue,
  n: z.number().int(),
  seeds: z.number().int(),
  ci95,
  over: z.enum(['items', 'items+seeds', 'seeds', 'none']),
};
const metricStatSchema = z.object({
  mean: metricValue,
  ...intervalFields,
  chance: z.number().optional(),
  higherIsBetter: z.boolean().optional(),
});
const differenceSchema = z.object({ diff: metricValue, ...intervalFields, baseline: z.string(), significant: z.boolean() });
const findingSchema = z.object({
  rule: z.string(),
  claim: z.string(),
  metric: z.string(),
  baselineMetric: z.string().optional(),
  arms: z.tuple([z.string(), z.string()]),
  diff: metricValue,
  ci95,
  significant: z.boolean(),
  over: z.string(),
  at: z.string().optional(),
  higherIsBetter: z.boolean().optional(),
});

const armSchema = z.object({
  name: z.string().min(1),
  objectives: z.array(z.object({ name: z.string(), weight: z.number() })),
  seed: z.number().int(),
  metrics: z.record(z.string(), metricValue),
  lossCurve: z.array(
    z.object({ step: z.number(), loss: metricValue, terms: z.record(z.string(), metricValue).optional() }),
  ),
  curve: z.array(z.object({ step: z.number().int(), flops: z.number(), seconds: z.number(), metrics: z.record(z.string(), metricValue) })).optional(),
  wallTimeSec: z.number(),
  samplesPerSec: z.number(),
  flopsPerStep: z.number(),
  steps: z.number().int(),
  batchSize: z.number().int().optional(),
  params: z.number().int(),
});

const resultsSchema = z.object({
  createdAt: z.string(),
  preset: z.string(),
  config: z.unknown(),
  versions: z.object({ mvlm: z.string(), tfjs: z.string(), node: z.string() }),
  backend: z.string(),
  seeds: z.array(z.number().int()),
  arms: z.array(armSchema),
  stats: z.record(z.string(), z.record(z.string(), metricStatSchema)),
  differences: z.record(z.string(), z.record(z.string(), differenceSchema)),
  findings: z.array(findingSchema),
  skippedFindings: z.array(z.object({ rule: z.string(), reason: z.string() })),
  bootstrap: z.object({ replicates: z.number().int(), seed: z.number(), method: z.string() }),
  protocol: z.object({ probeFeature: z.string(), reconstruction: z.string() }).optional(),
});

/** Validates parsed `results.json` content; throws naming the first bad field (`arms.2.metrics...`). */
export function parseCompareResults(json: unknown, source = 'results'): CompareResults {
  const parsed = resultsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${source}: invalid CompareResults at '${issue.path.join('.')}': ${issue.message}`);
  }
  return parsed.data;
}
