/**
 * Findings: the study's answers, generated from the numbers by fixed rules (never written by
 * hand). Each rule names two arms (or one arm and two metrics) and a list of metrics in order of
 * preference; the first metric both sides report is compared as a paired difference with its
 * 95 % bootstrap interval. A rule whose arms or metrics are missing is skipped with the reason.
 */
import { bootstrapMean, differenceRuns, excludesZero, type BootstrapOptions, type Sample } from './bootstrap';
import { finalFlops, sampleAtFlops } from './curves';
import { RunTable } from './runs';

export interface Finding {
  /** The rule that produced it. */
  rule: string;
  /** The finding in words, with the numbers. */
  claim: string;
  metric: string;
  /** For a comparison of two metrics of one arm: the metric subtracted. */
  baselineMetric?: string;
  /** [a, b]: the difference is a − b. */
  arms: [string, string];
  diff: number;
  ci95: [number, number] | null;
  significant: boolean;
  /** What the interval resamples: items, items+seeds, seeds. */
  over: string;
  /** A condition of the comparison, e.g. `at 1.2 TFLOPs` or `batch 16`. */
  at?: string;
  higherIsBetter?: boolean;
}

export interface SkippedFinding {
  rule: string;
  reason: string;
}

export interface FindingsContext {
  table: RunTable;
  /** Batch size of arms without an `@b<N>` suffix (for the batch-size sweep). */
  batchSize?: number;
  bootstrap?: BootstrapOptions;
}

type RuleOutput = Finding | SkippedFinding;
interface Rule {
  id: string;
  run(ctx: FindingsContext): RuleOutput[];
}

/** A number as the report writes it: signed, 3 decimals under 1, fewer above. */
export function formatSigned(x: number): string {
  const d = Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 1 ? 2 : 3;
  const s = Math.abs(x).toFixed(d);
  return x < 0 ? `−${s}` : `+${s}`;
}

function formatNumber(x: number): string {
  return formatSigned(x).replace(/^\+/, '');
}

function verdict(a: string, diff: number, significant: boolean, higherIsBetter: boolean | undefined): string {
  if (!significant) return 'no difference';
  const higher = diff > 0;
  const better = higherIsBetter === undefined ? '' : higher === higherIsBetter ? ' (better)' : ' (worse)';
  return `${a} ${higher ? 'higher' : 'lower'}${better}`;
}

/** The finding of `a − b` on paired series. */
function makeFinding(rule: string, label: string, arms: [string, string], metric: string, a: Sample[], b: Sample[], ctx: FindingsContext, extra: Partial<Finding> = {}, subject = arms[0]): Finding {
  const what = `${label} on ${metric}`;
  const iv = bootstrapMean(differenceRuns(a, b, what), what, ctx.bootstrap);
  const significant = excludesZero(iv.ci95);
  const higherIsBetter = extra.higherIsBetter ?? a[0].higherIsBetter ?? b[0].higherIsBetter;
  const ci = iv.ci95 ? ` [${formatNumber(iv.ci95[0])}, ${formatNumber(iv.ci95[1])}]` : '';
  const judged = iv.ci95 ? verdict(subject, iv.mean, significant, higherIsBetter) : 'not tested (no interval: one seed and no per-item values)';
  const at = extra.at ? ` ${extra.at}` : '';
  const claim = `${label} on ${extra.baselineMetric ? metric.split('/').pop() + ' − ' + extra.baselineMetric.split('/').pop() + ' (' + metric + ')' : metric}${at}: ${formatSigned(iv.mean)}${ci}, ${judged}`;
  return { rule, claim, metric, arms, diff: iv.mean, ci95: iv.ci95, significant, over: iv.over, ...(higherIsBetter !== undefined ? { higherIsBetter } : {}), ...extra };
}

/** The skip record when arm a or b did not run in this study. */
function missingArms(ctx: FindingsContext, rule: string, a: string, b: string): RuleOutput | null {
  const missing = [a, b].filter((x) => !ctx.table.has(x));
  return missing.length ? { rule, reason: `arm ${missing.join(' and ')} not in this study` } : null;
}

/** Arm a against arm b on the first of `metrics` both report (paired by seed). */
function armPair(rule: string, a: string, b: string, metrics: string[]): Rule {
  return {
    id: rule,
    run(ctx) {
      const absent = missingArms(ctx, rule, a, b);
      if (absent) return [absent];
      const seeds = ctx.table.commonSeeds(a, b);
      if (seeds.length === 0) return [{ rule, reason: `${a} and ${b} share no seed` }];
      for (const m of metrics) {
        const sa = ctx.table.series(a, m, seeds);
        const sb = ctx.table.series(b, m, seeds);
        if (sa && sb) return [makeFinding(rule, `${a} vs ${b}`, [a, b], m, sa, sb, ctx)];
      }
      return [{ rule, reason: `no metric of ${metrics.join(', ')} is reported by both ${a} and ${b}` }];
    },
  };
}

/** Within every arm that reports both: metric `with` minus metric `without` (same items). */
function metricPair(rule: string, withMetric: string, withoutMetric: string): Rule {
  return {
    id: rule,
    run(ctx) {
      const out: RuleOutput[] = [];
      for (const arm of ctx.table.arms()) {
        const a = ctx.table.series(arm, withMetric);
        const b = ctx.table.series(arm, withoutMetric);
        if (a && b) out.push(makeFinding(rule, arm, [arm, arm], withMetric, a, b, ctx, { baselineMetric: withoutMetric }));
      }
      return out.length ? out : [{ rule, reason: `no arm reports both ${withMetric} and ${withoutMetric}` }];
    },
  };
}

/** a against b at the same cumulative training FLOPs (the smaller of the two runs' totals), from the curves. */
function matchedCompute(rule: string, a: string, b: string, metrics: string[]): Rule {
  return {
    id: rule,
    run(ctx) {
      const absent = missingArms(ctx, rule, a, b);
      if (absent) return [absent];
      const seeds = ctx.table.commonSeeds(a, b);
      const ra = ctx.table.runsOf(a, seeds);
      const rb = ctx.table.runsOf(b, seeds);
      if (ra.some((r) => !r.curve?.length) || rb.some((r) => !r.curve?.length)) return [{ rule, reason: `no learning curve for ${a} or ${b}` }];
      const flops = Math.min(...[...ra, ...rb].map((r) => finalFlops(r.curve!)));
      for (const m of metrics) {
        const sa = ra.map((r) => sampleAtFlops(r.curve!, m, flops));
        const sb = rb.map((r) => sampleAtFlops(r.curve!, m, flops));
        if (sa.every((s) => s) && sb.every((s) => s)) {
          return [makeFinding(rule, `${a} vs ${b}`, [a, b], m, sa as Sample[], sb as Sample[], ctx, { at: `at matched compute (${(flops / 1e12).toPrecision(3)} TFLOPs)` })];
        }
      }
      return [{ rule, reason: `the curves of ${a} and ${b} do not both cover ${metrics.join(', ')} at ${(flops / 1e12).toPrecision(3)} TFLOPs` }];
    },
  };
}

/** `siglip` vs `clip` at every batch size run (`@b<N>` arms, and the plain arms at ctx.batchSize). */
function batchSweep(rule: string, a: string, b: string, metrics: string[]): Rule {
  return {
    id: rule,
    run(ctx) {
      const missing = [a, b].filter((x) => !ctx.table.arms().some((arm) => arm === x || arm.startsWith(`${x}@b`)));
      if (missing.length) return [{ rule, reason: `arm ${missing.join(' and ')} not in this study` }];
      const sizes = new Map<number, [string, string]>();
      if (ctx.batchSize !== undefined && ctx.table.has(a) && ctx.table.has(b)) sizes.set(ctx.batchSize, [a, b]);
      for (const arm of ctx.table.arms()) {
        const m = arm.match(new RegExp(`^${a.replace(/[+]/g, '\\+')}@b(\\d+)$`));
        if (m && ctx.table.has(`${b}@b${m[1]}`)) sizes.set(Number(m[1]), [arm, `${b}@b${m[1]}`]);
      }
      if (sizes.size < 2) return [{ rule, reason: `${a} and ${b} ran at ${sizes.size} batch size(s); the sweep needs two or more` }];
      const out: RuleOutput[] = [];
      for (const [size, [x, y]] of [...sizes].sort((p, q) => p[0] - q[0])) {
        const [found] = armPair(rule, x, y, metrics).run(ctx);
        out.push('claim' in found ? { ...found, at: `batch ${size}`, claim: found.claim.replace(' on ', ` at batch ${size} on `) } : found);
      }
      out.push(gapChange(rule, [...sizes].sort((p, q) => p[0] - q[0]), metrics, ctx));
      return out;
    },
  };
}

/**
 * Does the a − b gap change from the largest batch to the smallest? The difference of the two
 * paired differences, item by item (every arm is scored on the same eval items).
 */
function gapChange(rule: string, sizes: [number, [string, string]][], metrics: string[], ctx: FindingsContext): RuleOutput {
  const [small, [as, bs]] = sizes[0];
  const [large, [al, bl]] = sizes[sizes.length - 1];
  const four = [as, bs, al, bl];
  const seeds = four.map((x) => ctx.table.seedsOf(x)).reduce((acc, s) => acc.filter((x) => s.includes(x)));
  for (const m of metrics) {
    const [s1, s2, s3, s4] = four.map((x) => ctx.table.series(x, m, seeds));
    if (!s1 || !s2 || !s3 || !s4) continue;
    const gap = (x: Sample[], y: Sample[], what: string) => differenceRuns(x, y, what);
    const label = `(${as} − ${bs}) at batch ${small} vs (${al} − ${bl}) at batch ${large}`;
    return makeFinding(rule, label, [as, al], m, gap(s1, s2, label), gap(s3, s4, label), ctx, { at: `gap at batch ${small} − gap at batch ${large}`, higherIsBetter: s1[0].higherIsBetter }, `the gap at batch ${small}`);
  }
  return { rule, reason: `no metric of ${metrics.join(', ')} is reported by ${four.join(', ')}` };
}

const RETRIEVAL = ['retrieval/cross/t2i_r5', 'retrieval/in/t2i_r5'];
const ALIGNED_RETRIEVAL = ['aligned_retrieval/cross/t2i_r5', 'aligned_retrieval/in/t2i_r5'];
const PROBE = ['probe/in/balanced_acc', 'probe/in/acc'];

/** The study's questions, in the order the report states them. */
export const FINDING_RULES: Rule[] = [
  armPair('contrastive vs masked-only (aligned retrieval)', 'clip', 'mae', ALIGNED_RETRIEVAL),
  armPair('contrastive vs masked-only (aligned retrieval)', 'clip', 'mlm+mae', ALIGNED_RETRIEVAL),
  armPair('contrastive vs masked-only (aligned retrieval)', 'clip', 'm3ae', ALIGNED_RETRIEVAL),
  armPair('adding MAE to CLIP (Weers et al. 2023): retrieval', 'clip+mae', 'clip', RETRIEVAL),
  armPair('adding MAE to CLIP (Weers et al. 2023): linear probe', 'clip+mae', 'clip', PROBE),
  matchedCompute('FLIP vs CLIP per unit of compute', 'flip', 'clip', RETRIEVAL),
  armPair('FLIP vs CLIP at matched steps', 'flip', 'clip', RETRIEVAL),
  armPair('MaskVLM vs CLIP', 'maskvlm', 'clip', RETRIEVAL),
  armPair('MaskVLM vs CLIP (small paired data: shapes)', 'maskvlm@shapes', 'clip@shapes', RETRIEVAL),
  metricPair('reconstruction with vs without the other modality', 'recon/in/mlm_acc', 'recon/in/mlm_acc_noimage'),
  batchSweep('SigLIP vs CLIP as the batch shrinks', 'siglip', 'clip', RETRIEVAL),
];

/** Every rule's findings, and the rules skipped with their reasons. */
export function generateFindings(ctx: FindingsContext, rules: Rule[] = FINDING_RULES): { findings: Finding[]; skipped: SkippedFinding[] } {
  const findings: Finding[] = [];
  const skipped: SkippedFinding[] = [];
  for (const r of rules) for (const o of r.run(ctx)) ('claim' in o ? findings.push(o) : skipped.push(o));
  return { findings, skipped };
}

export type { Rule as FindingRule };
export { armPair, metricPair, matchedCompute, batchSweep };
