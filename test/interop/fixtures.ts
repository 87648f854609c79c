/**
 * Checkpoints of every tower arrangement mvlm exports, with every weight moved off its init (so a
 * transposed matrix or a dropped bias cannot hide behind zeros and ones), and a small JSONL dataset
 * whose captions exercise the tokenizer's corners.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { SubwordTokenizer, captionCorpus, loadDataset } from '../../lib/data';
import { ExperimentConfig, ExperimentConfigInput, ExperimentConfigSchema, buildModel } from '../../lib/run';
import { Rng } from '../../lib/random';
import { saveCheckpoint } from '../../lib/train';

const base = {
  data: { train: 'shapes', size: 16, batchSize: 4, maxLen: 12 },
  model: { width: 32, depth: 2, heads: 2, embedDim: 16, mlpRatio: 3 },
  train: { steps: 1 },
};

/** One config per arrangement, each with the options that change the forward pass. */
export const VARIANTS: Record<string, ExperimentConfigInput> = {
  // different text width, mean pooling, learned positions, SigLIP bias, and a fusion encoder that is not exported
  two_towers: {
    ...base,
    model: { ...base.model, imageSize: 24, patchSize: 6, imagePooling: 'mean', imagePositions: 'learned', text: { width: 24, depth: 1, heads: 3 }, logitBias: true, fusion: { depth: 1 } },
    objectives: [{ name: 'siglip' }],
  },
  shared_core: { ...base, model: { ...base.model, shareCore: true }, objectives: [{ name: 'clip' }] },
  single_stream: { ...base, model: { ...base.model, singleStream: true, pixelDecoder: {}, mlmHead: true }, objectives: [{ name: 'm3ae' }] },
};

/** Captions that reach the tokenizer's corners: case, NFKC, astral and unknown characters, odd spaces, truncation. */
export const TRICKY_CAPTIONS = [
  'A RED Circle, left of the blue square!',
  'café naïve ½ ﬁne ① Ｆｕｌｌwidth',
  'emoji 🙂 and 👍🏽 thumbs',
  'tab\tand\u00a0nbsp\u2003em  spaces\u3000ideographic',
  '中文 unknown ☃ glyphs',
  'İstanbul ΟΔΟΣ ß',
  'bell\u0007 and\u001fcontrol',
  'a very long caption that goes on and on about small green triangles above large yellow circles until it is cut',
];

/** Characters random captions are drawn from: words and spaces mostly, and every kind the normaliser treats specially. */
const ALPHABETS = [
  'abcdefghijklmnopqrstuvwxyz      ',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '0123456789.,;:!?\'’"()-/&',
  'àáâäæçèéêëìíîïñòóôöøùúûüÿßœ',
  'ΑΒΓΔΕΟΣΩαβγδεοσςω',
  'İıŞşĞğ',
  'ﬁﬂ½①Ｆｕｌｌ㎞ﾊﾟ',
  '\t\n\r\u0085\u0007\u001f\u007f\u00a0\u2003\u3000\ufeff\u200b',
  '中文字符日本語한국어',
  'e\u0301a\u0308o\u0303',
  '☃★♥',
];
const ASTRAL = ['🙂', '👍🏽', '𝒜', '🇫🇷'];

/** `n` seeded random captions of up to 40 symbols from ALPHABETS and a few astral characters. */
export function randomCaptions(n: number, seed: number): string[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    let s = '';
    const len = rng.int(41);
    for (let i = 0; i < len; i++) {
      if (rng.next() < 0.03) {
        s += ASTRAL[rng.int(ASTRAL.length)];
        continue;
      }
      // letters and spaces most of the time, so real pieces match
      const set = rng.next() < 0.7 ? ALPHABETS[0] : ALPHABETS[1 + rng.int(ALPHABETS.length - 1)];
      s += [...set][rng.int([...set].length)];
    }
    return s;
  });
}

/** A JSONL dataset (all items `test`) of coloured squares with TRICKY_CAPTIONS and string labels. */
export async function trickyJsonl(dir: string): Promise<string> {
  const lines = await Promise.all(
    TRICKY_CAPTIONS.map(async (caption, i) => {
      const image = path.join(dir, `tricky${i}.png`);
      const colour = { r: (i * 97) % 256, g: (i * 41 + 60) % 256, b: (i * 13 + 200) % 256 };
      await sharp({ create: { width: 10 + i, height: 12, channels: 3, background: colour } }).png().toFile(image);
      return JSON.stringify({ image, caption, label: i % 2 ? 'odd' : 'even', split: 'test' });
    }),
  );
  const file = path.join(dir, 'tricky.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A checkpoint (`out/checkpoints/step-7`) of `input` with every parameter moved off its init, seeded. */
export async function perturbedCheckpoint(out: string, input: ExperimentConfigInput, seed = 1): Promise<string> {
  const config: ExperimentConfig = ExperimentConfigSchema.parse(input);
  const shapes = await loadDataset('shapes', { split: 'train', size: 32, imageSize: config.model.imageSize });
  const tokenizer = SubwordTokenizer.build([...captionCorpus(shapes), ...TRICKY_CAPTIONS], { vocabSize: 200, minCount: 1 });
  const model = await buildModel(config, tokenizer);
  try {
    model.store.list().forEach((p, i) => {
      tf.tidy(() => p.variable.assign(p.variable.add(tf.randomNormal(p.variable.shape, 0, 0.1, 'float32', seed * 1000 + i))));
    });
    const params = new Map(model.store.list().map((p) => [p.name, p.variable as tf.Tensor]));
    return await saveCheckpoint({ out, step: 7, model: params, state: { config }, files: { 'tokenizer.json': JSON.stringify(tokenizer.toJSON()) }, keep: 0 });
  } finally {
    model.dispose();
  }
}
