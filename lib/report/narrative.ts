/**
 * The report's words: the question it answers, how to read the numbers, the findings (generated
 * from the numbers by lib/stats/findings.ts; nothing here states a result) and the caveats.
 */
import { formatSigned, type Finding } from '../stats';
import type { CompareResults } from './types';

export const QUESTION =
  'On the same data, backbone and training budget, what do masked objectives (masked pixels, masked words, ' +
  'cross-modal reconstruction) buy over contrastive ones (CLIP, SigLIP, FLIP), and what does each cost in compute?';

export function readingNote(results: CompareResults): string {
  return (
    `Every number is a mean with its 95 % interval [lo, hi]: a paired percentile bootstrap (${results.bootstrap.replicates} replicates, seed ${results.bootstrap.seed}) ` +
    'over eval items, resampled once per replicate for every arm (and over seeds when there are several); metrics that are not means over items ' +
    'get a t-interval over seeds, and none with one seed. Differences are paired: same items, same seeds. A difference is called only when its interval excludes 0. ' +
    'n/a: the metric does not apply to the arm.'
  );
}

/** The study's limits, stated once next to the numbers they qualify. */
export function caveats(results: CompareResults): string[] {
  const steps = [...new Set(results.arms.map((a) => a.steps))].join('/');
  const batches = [...new Set(results.arms.map((a) => a.batchSize).filter((b) => b !== undefined))].join('/');
  return [
    `Budget: ${steps} steps per arm${batches ? ` at batch ${batches}` : ''}, ${results.seeds.length} seed(s); a small ViT (32 px images, 8 px patches, width 128, depth 2). Effects that need scale (Weers et al.: MAE stops helping CLIP with more data) cannot show here.`,
    'Data: a few thousand emoji (one style for training, another for the cross-style split) and synthetic shapes; the paired-data regime is "scarce" for every arm.',
    'FLAVA\'s masked-image targets are k-means codebook ids fitted on training patches, not a dVAE\'s tokens.',
    `Reconstruction: ${results.protocol?.reconstruction ?? 'the same masks for every arm; masked-word accuracy at one mask rate, with and without the image.'}`,
    `Linear probe and alignment probe feature (the same for every arm): ${results.protocol?.probeFeature ?? 'one pooling of the image tower'}. The alignment probe trains fresh projections with the CLIP loss on frozen features for a fixed budget (aligned_* metrics, every arm); an arm's own retrieval and zero-shot appear only where its objectives train a joint space.`,
    'Compute is analytic model FLOPs of a training step (forward matmuls × 3); wall time is training only, on a shared machine.',
  ];
}

/** `+0.004 [−0.012, 0.020]`, or the difference alone. */
export function formatDiff(f: Pick<Finding, 'diff' | 'ci95'>): string {
  return f.ci95 ? `${formatSigned(f.diff)} [${formatSigned(f.ci95[0])}, ${formatSigned(f.ci95[1])}]` : formatSigned(f.diff);
}
