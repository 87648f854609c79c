/**
 * `mvlm data SPEC [--split train|test] [--image-size 32] [--json] [--preview grid.png] [--skip-bad]
 * [--seed 0] [--size N] [--vocab-size 1000]`: size, split sizes, classes, captions per image, caption
 * lengths and vocabulary statistics (tokenizer built on the training split); `--preview` writes a
 * PNG grid of the first items with their captions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DATASET_SPECS, Split, SubwordTokenizer, captionCorpus, datasetStats, loadDataset, skippedSummary, writePreview } from '../data';

const USAGE = `usage: mvlm data SPEC [--split train|test] [--image-size 32] [--json] [--preview grid.png] [--skip-bad] [--seed 0] [--size N] [--vocab-size 1000]
  SPEC: ${DATASET_SPECS.join(' | ')}`;

interface DataArgs {
  spec: string;
  split: Split;
  imageSize: number;
  json: boolean;
  preview?: string;
  skipBad: boolean;
  seed: number;
  size?: number;
  vocabSize: number;
}

function parseArgs(args: string[]): DataArgs {
  const out: Partial<DataArgs> = { split: 'train', imageSize: 32, json: false, skipBad: false, seed: 0, vocabSize: 1000 };
  const int = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n)) throw new Error(`${flag} needs an integer, got ${v ?? 'nothing'}\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') out.json = true;
    else if (a === '--skip-bad') out.skipBad = true;
    else if (a === '--split') {
      const v = args[++i];
      if (v !== 'train' && v !== 'test') throw new Error(`--split must be train or test, got ${v ?? 'nothing'}`);
      out.split = v;
    } else if (a === '--image-size') out.imageSize = int(a, args[++i]);
    else if (a === '--seed') out.seed = int(a, args[++i]);
    else if (a === '--size') out.size = int(a, args[++i]);
    else if (a === '--vocab-size') out.vocabSize = int(a, args[++i]);
    else if (a === '--preview') {
      out.preview = args[++i];
      if (!out.preview) throw new Error(`--preview needs a file name\n${USAGE}`);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else if (out.spec === undefined) out.spec = a;
    else throw new Error(`unexpected argument ${a}\n${USAGE}`);
  }
  if (!out.spec) throw new Error(`missing SPEC\n${USAGE}`);
  return out as DataArgs;
}

const fmt = (s: { min: number; mean: number; max: number }) => `min ${s.min}  mean ${s.mean}  max ${s.max}`;

export async function dataCommand(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const a = parseArgs(args);
  const options = { imageSize: a.imageSize, seed: a.seed, skipBad: a.skipBad, size: a.size, quiet: true };
  const dataset = await loadDataset(a.spec, { ...options, split: a.split });
  const train = a.split === 'train' ? dataset : await loadDataset(a.spec, { ...options, split: 'train' });
  const tokenizer = SubwordTokenizer.build(captionCorpus(train), { vocabSize: a.vocabSize });
  const stats = datasetStats(dataset, tokenizer);
  if (a.preview) {
    fs.mkdirSync(path.dirname(path.resolve(a.preview)), { recursive: true });
    await writePreview(dataset, a.preview);
  }
  if (a.json) {
    console.log(JSON.stringify({ ...stats, preview: a.preview }, null, 2));
    if (dataset.skipped.length > 0) console.error(skippedSummary(dataset.skipped));
    return 0;
  }
  console.log(`dataset            ${stats.name} (${stats.split})`);
  console.log(`size               ${stats.size}  (train ${stats.splitSizes.train}, test ${stats.splitSizes.test})`);
  console.log(`image size         ${stats.imageSize} x ${stats.imageSize} x 3`);
  if (stats.classes) console.log(`classes (${stats.classes.length})        ${stats.classes.map((c) => `${c.name}: ${c.count}`).join(', ')}`);
  console.log(`captions / image   ${fmt(stats.captionsPerImage)}`);
  console.log(`words / caption    ${fmt(stats.captionWords)}`);
  console.log(`tokens / caption   ${fmt(stats.captionTokens)}`);
  console.log(`vocabulary         ${stats.vocabulary.distinctWords} distinct words; tokenizer ${stats.vocabulary.tokenizerSize} pieces (built on train), unknown-token rate ${stats.vocabulary.unknownTokenRate}`);
  if (dataset.skipped.length > 0) console.log(skippedSummary(dataset.skipped));
  if (a.preview) console.log(`preview            ${a.preview}`);
  return 0;
}
