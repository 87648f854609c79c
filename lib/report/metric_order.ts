/**
 * Which metrics the report shows, in what order, and how numbers are written. Order follows the
 * question the report answers: what the contrastive evaluations say (retrieval, zero-shot), what
 * every arm can be probed on (linear probe, compositional), what the masked arms reconstruct, the
 * representation diagnostics, and last what it all cost.
 */

const GROUP_ORDER = ['retrieval', 'aligned_retrieval', 'zeroshot', 'aligned_zeroshot', 'probe', 'compositional', 'aligned_compositional', 'recon', 'diag'];
const COST_GROUP = 'cost';
/** Splits: in-style before cross-style; other split names follow alphabetically. */
const SPLIT_ORDER = ['in', 'cross'];
const LEAF_ORDER = [
  'i2t_r1', 'i2t_r5', 'i2t_r10', 't2i_r1', 't2i_r5', 't2i_r10',
  'i2t_mean_rank', 'i2t_median_rank', 't2i_mean_rank', 't2i_median_rank',
  'top1', 'top5', 'balanced_acc', 'acc', 'l2',
  'colour', 'shape', 'size', 'relation', 'overall', 'macro',
  'psnr', 'mse', 'mlm_acc', 'mlm_acc_noimage', 'mlm_acc_textonly', 'mim_acc',
  'alignment', 'uniformity', 'modality_gap', 'erank_image', 'erank_text',
  'wall_time_s', 'samples_per_s', 'gflops_per_step',
];
/** Leaves shown in the compact (key) table; the full table shows everything. */
const KEY_LEAVES: Record<string, (leaf: string, split: string) => boolean> = {
  retrieval: (l) => l === 't2i_r5',
  aligned_retrieval: (l) => l === 't2i_r5',
  // top-1 rewards predicting the majority class (People & Body is 59 % of emoji): balanced accuracy only
  zeroshot: (l) => l === 'balanced_acc',
  aligned_zeroshot: (l) => l === 'balanced_acc',
  probe: (l) => l === 'balanced_acc' || l === 'acc',
  compositional: (l) => l === 'macro',
  // reconstruction and diagnostics in-style only: the cross-style copies repeat the story
  recon: (l, split) => split !== 'cross' && (l === 'psnr' || l.endsWith('_acc')),
  diag: (l, split) => split !== 'cross' && l === 'modality_gap',
  [COST_GROUP]: () => true,
};
/** Metrics where larger is better, for reading the plots; anything else is not assumed. */
const ACCURACY_LEAF = /(_r\d+|top\d+|acc|acc_noimage|acc_textonly|^colour$|^shape$|^size$|^relation$|^overall$|^macro$)$/;

export interface MetricName {
  group: string;
  split: string;
  leaf: string;
}

export function parseMetricName(metric: string): MetricName {
  const parts = metric.split('/');
  const group = parts[0];
  const leaf = parts.length > 1 ? parts[parts.length - 1] : '';
  return { group, split: parts.slice(1, -1).join('/'), leaf };
}

function rank(list: string[], item: string): number {
  const i = list.indexOf(item);
  return i < 0 ? list.length : i;
}

function groupRank(group: string): number {
  if (group === COST_GROUP) return GROUP_ORDER.length + 1; // unknown groups sit before cost
  return rank(GROUP_ORDER, group);
}

/** Compares two metric names for the report's column order. */
export function compareMetrics(a: string, b: string): number {
  const ma = parseMetricName(a);
  const mb = parseMetricName(b);
  return (
    groupRank(ma.group) - groupRank(mb.group) ||
    ma.group.localeCompare(mb.group) ||
    rank(SPLIT_ORDER, ma.split) - rank(SPLIT_ORDER, mb.split) ||
    ma.split.localeCompare(mb.split) ||
    rank(LEAF_ORDER, ma.leaf) - rank(LEAF_ORDER, mb.leaf) ||
    ma.leaf.localeCompare(mb.leaf)
  );
}

/** The distinct metric names, in report order. */
export function orderMetrics(metrics: Iterable<string>): string[] {
  return [...new Set(metrics)].sort(compareMetrics);
}

/** True for metrics in the compact table (unknown groups are shown: they were added on purpose). */
export function isKeyMetric(metric: string): boolean {
  const { group, split, leaf } = parseMetricName(metric);
  const pick = KEY_LEAVES[group];
  return pick === undefined ? true : pick(leaf, split);
}

/** True for accuracy-like metrics (recalls, top-k, accuracies): fractions where higher is better. */
export function isAccuracyMetric(metric: string): boolean {
  return ACCURACY_LEAF.test(parseMetricName(metric).leaf);
}

/** Column title: the metric name itself, except for the cost columns. */
export function metricLabel(metric: string): string {
  const cost: Record<string, string> = {
    'cost/wall_time_s': 'wall time (s)',
    'cost/samples_per_s': 'samples/s',
    'cost/gflops_per_step': 'GFLOPs/step',
  };
  return cost[metric] ?? metric;
}

/**
 * Decimals for values up to `x` in magnitude: 3 up to 1 (so recalls 0.412 and 1.000 align), fewer
 * as the magnitude grows (PSNR 18.37, samples/s 110.4, 1234). Non-finite x gives 3.
 */
export function decimalsFor(x: number): number {
  const a = Math.abs(x);
  if (a >= 1000) return 0;
  if (a >= 100) return 1;
  if (a > 1) return 2;
  return 3;
}

function fixed(x: number, decimals: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  return x.toFixed(decimals);
}

/**
 * `mean [lo, hi]` (the 95 % interval), or `mean` when there is none, all to `decimals` (default:
 * the mean's; tables pass one count per metric so a column lines up).
 */
export function formatStat(stat: { mean: number; ci95: [number, number] | null }, decimals = decimalsFor(stat.mean)): string {
  const d = decimals;
  return stat.ci95 ? `${fixed(stat.mean, d)} [${fixed(stat.ci95[0], d)}, ${fixed(stat.ci95[1], d)}]` : fixed(stat.mean, d);
}

/** The placeholder for a metric an arm does not report (it does not apply: not chance, not 0). */
export const MISSING = 'n/a';
