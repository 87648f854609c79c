/**
 * `mvlm data SPEC [--split train|test|all] [--image-size 32] [--json] [--preview grid.png] [--skip-bad]
 * [--seed 0] [--size N] [--vocab-size 1000]`: size, split sizes, classes, captions per image, caption
 * lengths and vocabulary statistics (tokenizer built on the training split); `--preview` writes a
 * PNG grid of the first items with their captions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import { DATASET_SPECS, SPLIT_CHOICES, SplitChoice, SubwordTokenizer, captionCorpus, datasetStats, loadDataset, skippedSummary, writePreview } from '../data';
import { commandParser, integer, runCommand, runs } from './program';

interface DataOptions {
  split: SplitChoice;
  imageSize: number;
  json?: boolean;
  preview?: string;
  skipBad?: boolean;
  seed: number;
  size?: number;
  vocabSize: number;
}

export function dataParser(): Command {
  const cmd = commandParser('data', 'dataset statistics and a preview grid')
    .argument('<spec>', `dataset: ${DATASET_SPECS.join(' | ')}`)
    .addOption(new Option('--split <split>', 'items described: the train split, the test split, or all items in file order').choices(SPLIT_CHOICES).default('train'))
    .option('--image-size <n>', 'square image side in pixels', integer(), 32)
    .option('--json', 'print the statistics as JSON')
    .option('--preview <file.png>', 'write a PNG grid of the first items with their captions')
    .option('--skip-bad', 'skip bad jsonl/coco items (and list them) instead of failing')
    .option('--seed <n>', 'shapes: which scenes', integer(), 0)
    .option('--size <n>', 'keep the first N items (shapes: N scenes per split)', integer(1))
    .option('--vocab-size <n>', 'tokenizer size for the token statistics', integer(1), 1000);
  return runs(cmd, describe);
}

export function dataCommand(args: string[]): Promise<number> {
  return runCommand(dataParser(), args);
}

const fmt = (s: { min: number; mean: number; max: number }) => `min ${s.min}  mean ${s.mean}  max ${s.max}`;

async function describe(a: DataOptions, [spec]: string[]): Promise<number> {
  const options = { imageSize: a.imageSize, seed: a.seed, skipBad: a.skipBad, size: a.size, quiet: true };
  const dataset = await loadDataset(spec, { ...options, split: a.split });
  const train = a.split === 'train' ? dataset : await loadDataset(spec, { ...options, split: 'train' });
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
