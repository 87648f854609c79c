/**
 * Generative zero-shot classification by likelihood, next to the same model's contrastive zero-shot
 * with the same prompt. Caption checkpoints score log p(prompt | image); maskgit checkpoints score
 * log p(masked codes | visible codes, prompt) over 4 fixed half-grid masks.
 *   npx ts-node -T experiments/generative_zeroshot.ts --checkpoint RUN [--template "{}"] [--limit N]
 * --limit N scores N evenly spaced test items (the split is ordered by category).
 * Prints JSON: top1 and balanced accuracy with their chance levels (majority share; 1/C), on the test
 * split of the run's dataset with its classes (emoji: the 9 categories).
 */
import { parseArgs } from 'util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { loadDataset } from '../lib/data';
import { fillTemplate, majorityShare, zeroShot } from '../lib/eval';
import { likelihoodScorer, likelihoodZeroShot } from '../lib/generate';
import { embedCaptions, embedImages, imageBatch, loadTrainedModel } from '../lib/run';

const { values: args } = parseArgs({ options: { checkpoint: { type: 'string' }, template: { type: 'string', default: '{}' }, limit: { type: 'string' } } });

async function main(): Promise<void> {
  if (!args.checkpoint) throw new Error('--checkpoint RUN is required');
  await initBackend({ quiet: true });
  const run = await loadTrainedModel(args.checkpoint);
  const names = run.objectives.names;
  const kind = names.includes('maskgit') ? 'maskgit' : names.includes('caption') ? 'caption' : undefined;
  if (!kind) throw new Error(`${run.dir}: trained with ${names.join(', ')}; needs caption or maskgit`);
  const full = await loadDataset(run.config.data.train, { split: 'test', imageSize: run.config.model.imageSize, quiet: true });
  const M = args.limit ? Math.min(Number(args.limit), full.size) : full.size;
  if (!full.classNames) throw new Error(`${full.name} has no classes`);
  const classPrompts = full.classNames.map((c) => fillTemplate(args.template!, c.toLowerCase()));
  const items = Array.from({ length: M }, (_, k) => Math.floor((k * full.size) / M));
  const labels = items.map((i) => full.meta(i).label!);
  const images = tf.tidy(() => tf.concat(items.map((i) => imageBatch(full, i, i + 1))) as tf.Tensor4D);
  const t0 = Date.now();
  const generative = await likelihoodZeroShot({
    score: likelihoodScorer(run.model, kind), tokenizer: run.tokenizer, maxLen: run.config.data.maxLen, images, labels, classPrompts,
  });
  const seconds = (Date.now() - t0) / 1000;
  const out: Record<string, unknown> = {
    checkpoint: run.dir, step: run.step, objective: kind, items: M, classes: classPrompts,
    generative: { ...Object.fromEntries(Object.entries(generative.metrics).map(([k, v]) => [k, { value: v.value, chance: v.chance }])), seconds },
  };
  if (run.objectives.trainsJointSpace) {
    const { emb } = await embedImages(run.model, full, true);
    const E = emb!.shape[1];
    const classEmb = await embedCaptions(run.model, run.tokenizer, classPrompts, run.config.data.maxLen);
    const picked = new Float32Array(M * E);
    items.forEach((i, k) => picked.set(emb!.data.subarray(i * E, (i + 1) * E), k * E));
    const z = await zeroShot({ imageEmb: { data: picked, shape: [M, E] }, labels, classTextEmb: classEmb });
    out.contrastive = { top1: z.top1, top1Chance: majorityShare(labels, classPrompts.length), balanced: z.balancedAccuracy, balancedChance: 1 / classPrompts.length };
  }
  images.dispose();
  run.model.dispose();
  console.log(JSON.stringify(out, null, 2));
}

main().catch((e) => {
  console.error(`generative_zeroshot: ${(e as Error).stack}`);
  process.exit(1);
});
