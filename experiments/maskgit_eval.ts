/**
 * Does the quick-budget maskgit model draw emoji of the prompted kind? Trains (or loads) maskgit and a
 * separate CLIP scorer, samples one image per distinct test caption, and scores them.
 *   npx ts-node -T experiments/maskgit_eval.ts [--maskgit RUN] [--scorer RUN] [--steps 240]
 *     [--guidance 0,3] [--decode-steps 8] [--seed 0] [--limit N] [--out runs/maskgit-eval]
 * Writes OUT/results.json and OUT/grid.png (prompts × 4 samples), OUT/nearest.png (samples beside their
 * nearest training image). Scores: prompt R@1/R@5 among the test captions by the scorer, against the same
 * images with shuffled prompts and the chance level; class top-1 (the best prompt has the prompt's emoji
 * category); RMS distance of each sample to its nearest training image against the test images' own;
 * the tokeniser's PSNR (test images through the codebook) and that of codebooks with more codes.
 * Measured (240 steps each, emoji:google, 604 test captions, seed 0, 8 decoding steps): prompt R@1 0.018
 * (guidance 0) / 0.020 (guidance 3) against 0.002 shuffled and 0.0017 chance; R@5 0.073 / 0.058 against
 * 0.009; real test images score R@1 0.078, R@5 0.24 with the same scorer. Class top-1 0.54 (g 0) against
 * 0.39 shuffled. Samples sit farther from their nearest training image (RMS 0.19–0.21) than test images
 * do (0.16): no memorisation. Tokeniser: 17.6 dB (K=64), 20.0 dB (K=512 on 512 images).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { loadConfig } from '../lib/config';
import { EVAL } from '../lib/core';
import { Dataset, loadDataset } from '../lib/data';
import { labelledGrid } from '../lib/data/preview';
import { psnrFromMse } from '../lib/eval';
import { Rows, fitPatchCodebook, nearestImages, promptConsistency, promptGrid, quantisationMse, samplePrompts } from '../lib/generate';
import { codesToImages, imageCodes } from '../lib/objectives';
import { ExperimentConfigSchema, TrainedModel, embedCaptions, imageBatch, loadTrainedModel, runTraining, sampleImages, setupExperiment } from '../lib/run';

const { values: args } = parseArgs({
  options: {
    maskgit: { type: 'string' },
    scorer: { type: 'string' },
    steps: { type: 'string', default: '240' },
    guidance: { type: 'string', default: '0,3' },
    'decode-steps': { type: 'string', default: '8' },
    seed: { type: 'string', default: '0' },
    limit: { type: 'string' },
    out: { type: 'string', default: 'runs/maskgit-eval' },
  },
});
const out = args.out!;
const seed = Number(args.seed);
const decodeSteps = Number(args['decode-steps']);
/** Prompts shown in the grid besides the first test captions (some are training captions). */
const SHOWN = ['red heart', 'grinning face', 'dog face', 'pizza', 'rocket', 'green apple', 'sun', 'flag: France'];

async function trained(run: string | undefined, preset: string, name: string): Promise<{ model: TrainedModel; seconds?: number; steps?: number }> {
  if (run) return { model: await loadTrainedModel(run) };
  const { config } = loadConfig(ExperimentConfigSchema, preset, [`train.steps=${args.steps}`, 'train.quiet=true']);
  const dir = path.join(out, name);
  const { experiment, result } = await runTraining(config, { out: dir, overwrite: true });
  experiment.model.dispose();
  console.log(`${name}: ${result.step} steps in ${result.seconds.toFixed(0)} s`);
  return { model: await loadTrainedModel(dir), seconds: result.seconds, steps: result.step };
}

/** Flattened pixels [n, S·S·3] of a dataset's items. */
function pixels(dataset: Dataset): Rows {
  const size = dataset.imageSize * dataset.imageSize * 3;
  const data = new Float32Array(dataset.size * size);
  for (let i = 0; i < dataset.size; i++) data.set(dataset.get(i).image, i * size);
  return { data, shape: [dataset.size, size] };
}

/** Scorer joint-space embeddings [n, E] of flattened images [n, S·S·3]. */
function embedPictures(scorer: TrainedModel, images: Rows, S: number): Rows {
  const parts: Float32Array[] = [];
  for (let s = 0; s < images.shape[0]; s += 64) {
    const n = Math.min(64, images.shape[0] - s);
    const e = tf.tidy(() => scorer.model.embedImages(tf.tensor4d(images.data.subarray(s * S * S * 3, (s + n) * S * S * 3), [n, S, S, 3]), EVAL));
    parts.push(e.dataSync() as Float32Array);
    e.dispose();
  }
  const E = parts[0].length / Math.min(64, images.shape[0]);
  const data = new Float32Array(images.shape[0] * E);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { data, shape: [images.shape[0], E] };
}

/** The tokeniser alone: PSNR of test images through the model's codebook, and codebooks of other sizes fitted like it. */
async function tokeniserPsnr(generator: TrainedModel, test: tf.Tensor4D): Promise<Record<string, number>> {
  const p = generator.config.model.patchSize;
  const codebook = generator.model.codebook as unknown as tf.Tensor2D;
  const result: Record<string, number> = { [`model codebook (K=${codebook.shape[0]}, 128 training images)`]: psnrFromMse(quantisationMse(test, p, codebook)) };
  const exp = await setupExperiment(generator.config, generator.tokenizer);
  try {
    for (const [K, batches] of [[64, 4], [256, 4], [256, 16], [512, 16]] as const) {
      const sample = sampleImages(exp.batcher, batches);
      const fitted = fitPatchCodebook(sample, p, K, 0);
      result[`K=${K}, ${sample.shape[0]} training images`] = psnrFromMse(quantisationMse(test, p, fitted));
      tf.dispose([sample, fitted]);
    }
    // one colour per patch: what any codebook of flat patches could reach at best
    const S = test.shape[1];
    const flat = tf.tidy(() => tf.image.resizeNearestNeighbor(tf.avgPool(test, p, p, 'valid'), [S, S]).sub(test).square().mean().dataSync()[0]);
    result['each patch its mean colour (no codebook)'] = psnrFromMse(flat);
  } finally {
    exp.model.dispose();
  }
  return result;
}

async function main(): Promise<void> {
  await initBackend();
  fs.mkdirSync(out, { recursive: true });
  const gen = await trained(args.maskgit, 'maskgit', 'maskgit');
  const scorer = await trained(args.scorer, 'clip', 'scorer');
  const g = gen.model;
  const S = g.config.model.imageSize;
  const spec = g.config.data.train;
  const test = await loadDataset(spec, { split: 'test', imageSize: S, quiet: true });
  const train = await loadDataset(spec, { split: 'train', imageSize: S, quiet: true });
  const results: Record<string, unknown> = {
    maskgit: { dir: g.dir, step: g.step, trainSeconds: gen.seconds },
    scorer: { dir: scorer.model.dir, step: scorer.model.step, trainSeconds: scorer.seconds },
    dataset: spec,
  };

  const testImages = imageBatch(test, 0, test.size);
  results.tokeniserPsnr = await tokeniserPsnr(g, testImages);
  const quantised = tf.tidy(() => codesToImages(g.model, imageCodes(g.model, testImages)).clipByValue(0, 1));
  const quantisedRows: Rows = { data: quantised.dataSync() as Float32Array, shape: [test.size, S * S * 3] };
  tf.dispose([testImages, quantised]);

  // distinct first captions of the test items, each with its item's category
  const promptIndex = new Map<string, number>();
  const promptClass: number[] = [];
  const itemPrompt: number[] = [];
  for (let i = 0; i < test.size; i++) {
    const meta = test.meta(i);
    const c = meta.captions[0];
    if (!promptIndex.has(c)) {
      promptIndex.set(c, promptIndex.size);
      promptClass.push(meta.label ?? 0);
    }
    itemPrompt.push(promptIndex.get(c)!);
  }
  let prompts = [...promptIndex.keys()];
  if (args.limit) prompts = prompts.slice(0, Number(args.limit));
  const P = prompts.length;
  const classes = promptClass.slice(0, P);
  const promptEmb = await embedCaptions(scorer.model.model, scorer.model.tokenizer, prompts, scorer.model.config.data.maxLen);
  const score = (images: Rows, promptOf: number[]) => promptConsistency({ imageEmb: embedPictures(scorer.model, images, S), promptEmb, promptOf, promptClass: classes, ks: [1, 5], seed });
  const items = itemPrompt.map((p, i) => [p, i]).filter(([p]) => p < P);
  const pick = (rows: Rows) => {
    const size = rows.shape[1];
    const data = new Float32Array(items.length * size);
    items.forEach(([, i], k) => data.set(rows.data.subarray(i * size, (i + 1) * size), k * size));
    return { data, shape: [items.length, size] as [number, number] };
  };
  const trainRows = pixels(train);
  const testRows = pixels(test);
  const testNearest = nearestImages(testRows, trainRows);
  results.reference = {
    'real test images': score(pick(testRows), items.map(([p]) => p)),
    'codebook-quantised test images': score(pick(quantisedRows), items.map(([p]) => p)),
    testToTrainRms: stats(testNearest.distance),
  };

  const guidances = args.guidance!.split(',').map(Number);
  const generated: Record<string, unknown> = {};
  for (const guidance of guidances) {
    const t0 = Date.now();
    const s = await samplePrompts(g.model, g.tokenizer, g.config.data.maxLen, prompts, 1, { steps: decodeSteps, guidance, seed });
    const seconds = (Date.now() - t0) / 1000;
    const rows: Rows = { data: new Float32Array(P * S * S * 3), shape: [P, S * S * 3] };
    s.images.forEach((r, p) => rows.data.set(r[0], p * S * S * 3));
    const nearest = nearestImages(rows, trainRows);
    generated[`guidance ${guidance}`] = {
      consistency: score(rows, [...Array(P).keys()]),
      sampleToTrainRms: stats(nearest.distance),
      seconds,
    };
    console.log(`guidance ${guidance}: ${P} images in ${seconds.toFixed(0)} s`);
    if (guidance === guidances[guidances.length - 1]) {
      // samples next to their nearest training images (the first 24 prompts)
      const cells = prompts.slice(0, 24).flatMap((prompt, p) => [
        { pixels: s.images[p][0], h: S, w: S, label: prompt },
        { pixels: trainRows.data.slice(nearest.index[p] * S * S * 3, (nearest.index[p] + 1) * S * S * 3), h: S, w: S, label: `nearest train: ${train.meta(nearest.index[p]).captions[0]}` },
      ]);
      fs.writeFileSync(path.join(out, 'nearest.png'), await labelledGrid(cells, { columns: 8, cellSize: 96, lines: 2, pad: 4, background: '#ffffff' }));
    }
  }
  results.generated = generated;
  const shown = [...SHOWN, ...prompts.slice(0, 8)];
  const guidance = guidances[guidances.length - 1];
  const grid = await samplePrompts(g.model, g.tokenizer, g.config.data.maxLen, shown, 4, { steps: decodeSteps, guidance, seed });
  fs.writeFileSync(path.join(out, 'grid.png'), await promptGrid(grid));
  results.grid = { file: path.join(out, 'grid.png'), prompts: shown, guidance, decodeSteps, seed, trainCaptions: shown.filter((c) => !promptIndex.has(c)) };
  fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(JSON.stringify(results, null, 2));
  g.model.dispose();
  scorer.model.model.dispose();
}

function stats(xs: number[]): { mean: number; median: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, median: sorted[Math.floor(sorted.length / 2)] };
}

main().catch((e) => {
  console.error(`maskgit_eval: ${(e as Error).stack}`);
  process.exit(1);
});
