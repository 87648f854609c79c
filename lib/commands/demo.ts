/** `mvlm demo`: a short tour of the loss library on random tensors. */
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { initBackend } from '../backend';
import { l2Normalize } from '../core/select';
import {
  captionLoss,
  clipLoss,
  itmLoss,
  maeLoss,
  maskedTokenLoss,
  patchify,
  sampleHardNegatives,
  siglipLoss,
} from '../losses';
import { Rng } from '../random';
import { commandParser, runCommand, runs } from './program';

/** [B, D] L2-normalised rows; texts are noisy copies of the images so pairs are findable. */
function pairedEmbeddings(rng: Rng, B: number, D: number): { imageEmb: tf.Tensor2D; textEmb: tf.Tensor2D } {
  const image = tf.randomNormal([B, D], 0, 1, 'float32', rng.tfSeed()) as tf.Tensor2D;
  const text = tf.add(image, tf.randomNormal([B, D], 0, 1.5, 'float32', rng.tfSeed())) as tf.Tensor2D;
  return { imageEmb: l2Normalize(image), textEmb: l2Normalize(text) };
}

/** Labels [B, T] int32 with about `rate` of them set and the rest −100. */
function sparseLabels(rng: Rng, B: number, T: number, V: number, rate: number): tf.Tensor2D {
  const values = Array.from({ length: B * T }, () => (rng.next() < rate ? rng.int(V) : -100));
  values[0] = rng.int(V); // at least one labelled token
  return tf.tensor2d(values, [B, T], 'int32');
}

export function demoParser(): Command {
  return runs(commandParser('demo', 'a short tour of the loss library on random tensors'), demo);
}

export function demoCommand(args: string[]): Promise<number> {
  return runCommand(demoParser(), args);
}

async function demo(): Promise<number> {
  const info = await initBackend();
  const rng = new Rng(0);
  const [B, D, T, V] = [8, 32, 12, 100];
  const show = (name: string, loss: tf.Scalar, note: string) =>
    console.log(`  ${name.padEnd(16)} ${loss.dataSync()[0].toFixed(4).padStart(9)}   ${note}`);
  console.log(`mvlm demo on ${info.backend}: the loss library on random tensors (B=${B}, D=${D}, T=${T}, V=${V})`);
  tf.tidy(() => {
    const pair = pairedEmbeddings(rng, B, D);
    show('clipLoss', clipLoss({ ...pair, logitScale: 1 / 0.07 }), 'scale 1/0.07 (CLIP init); chance is ln B = ' + Math.log(B).toFixed(4));
    const rowMask = Array.from({ length: B }, (_, i) => (i % 4 === 3 ? 0 : 1));
    show('clipLoss rowMask', clipLoss({ ...pair, logitScale: 1 / 0.07, rowMask }), `rows kept ${rowMask.join('')}`);
    show('siglipLoss', siglipLoss({ ...pair, logitScale: 10, logitBias: -10 }), 'scale 10, bias −10 (SigLIP init)');

    const images = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', rng.tfSeed()) as tf.Tensor4D;
    const target = patchify(images, 8); // [2, 16, 192]
    const pred = tf.randomNormal(target.shape, 0, 1, 'float32', rng.tfSeed()) as tf.Tensor3D;
    const mask = tf.tensor2d(Array.from({ length: 32 }, () => (rng.next() < 0.75 ? 1 : 0)), [2, 16]);
    show('maeLoss', maeLoss({ pred, target, mask }), 'patch 8 on 32×32×3 images, ~75 % masked');
    show('maeLoss normPix', maeLoss({ pred, target, mask, normPix: true }), 'targets normalised per patch');

    const logits = tf.randomNormal([B, T, V], 0, 1, 'float32', rng.tfSeed()) as tf.Tensor3D;
    show('maskedTokenLoss', maskedTokenLoss({ logits, labels: sparseLabels(rng, B, T, V, 0.15) }), `~15 % labelled; chance ln V = ${Math.log(V).toFixed(4)}`);
    const tokens = tf.tensor2d(Array.from({ length: B * T }, (_, i) => (i % T > 8 ? 0 : 1 + rng.int(V - 1))), [B, T], 'int32');
    show('captionLoss', captionLoss({ logits, tokens, padId: 0 }), 'next-token CE, pad id 0 ignored');

    const similarity = tf.matMul(pair.imageEmb, pair.textEmb, false, true) as tf.Tensor2D;
    const negatives = sampleHardNegatives({ similarity, logitScale: 1 / 0.07, seed: 1 });
    console.log(`  ${'hard negatives'.padEnd(16)} ${negatives.join(' ')}   text index drawn per image ∝ softmax(s·cos), never its own`);
    const itmLogits = tf.randomNormal([3 * B, 2], 0, 1, 'float32', rng.tfSeed()) as tf.Tensor2D;
    const itmLabels = tf.tensor1d(Array.from({ length: 3 * B }, (_, i) => (i < B ? 1 : 0)), 'int32');
    show('itmLoss', itmLoss({ logits: itmLogits, labels: itmLabels }), 'labels [1]·B + [0]·2B (ALBEF); chance ln 2 = 0.6931');
  });
  return 0;
}
