/**
 * `mvlm caption --checkpoint DIR (--image PATH... | --dataset SPEC) [--split test] [--beam N]
 * [--length-penalty A] [--limit N] [--json]`: captions written by a trained model (a frozen-LM
 * bridge, the Q-Former, the CoCa decoder, or the LM alone), greedy or beam search, deterministic.
 * With `--dataset` each caption is printed beside the item's first reference caption.
 */
import { Command, Option } from 'commander';
import { initBackend } from '../backend';
import { Dataset, SPLIT_CHOICES, SplitChoice, decodeImage, loadDataset, toFloat } from '../data';
import { generateCaptions, loadTrainedModel } from '../run';
import { commandParser, integer, runCommand, runs } from './program';

interface CaptionOptions {
  checkpoint: string;
  image?: string[];
  dataset?: string;
  split: SplitChoice;
  beam: number;
  lengthPenalty: number;
  limit?: number;
  json?: boolean;
}

export function captionParser(): Command {
  const cmd = commandParser('caption', 'captions of images by a trained model (greedy or beam search)')
    .requiredOption('--checkpoint <dir>', 'a checkpoint folder, or a run folder (its newest checkpoint)')
    .option('--image <path...>', 'image files (PNG/JPEG) to caption')
    .option('--dataset <spec>', 'caption the items of a dataset instead, e.g. emoji:google')
    .addOption(new Option('--split <split>', 'with --dataset: which items').choices(SPLIT_CHOICES).default('test'))
    .option('--beam <n>', '1 = greedy; more = beam search with n beams', integer(1), 1)
    .option('--length-penalty <a>', 'beam score Σ log p / length^a', (v) => {
      const x = Number(v);
      if (!Number.isFinite(x) || x < 0) throw new Error(`--length-penalty must be a number ≥ 0, got '${v}'`);
      return x;
    }, 0)
    .option('--limit <n>', 'with --dataset: the first n items only', integer(1))
    .option('--json', 'print the captions as JSON');
  return runs(cmd, caption);
}

export function captionCommand(args: string[]): Promise<number> {
  return runCommand(captionParser(), args);
}

/** Image files as a dataset without captions. */
async function imageFiles(files: string[], imageSize: number): Promise<Dataset> {
  const images = await Promise.all(files.map(async (f) => {
    try {
      return toFloat(await decodeImage(f, imageSize));
    } catch (e) {
      throw new Error(`--image ${f}: ${(e as Error).message}`);
    }
  }));
  const meta = (i: number) => ({ id: files[i], captions: [] as string[] });
  return {
    name: 'files', split: 'all', size: files.length, imageSize, splitSizes: { train: 0, test: files.length }, skipped: [],
    get: (i) => ({ ...meta(i), image: images[i].slice() }), meta,
  };
}

async function caption(o: CaptionOptions): Promise<number> {
  if (!o.image === !o.dataset) throw new Error('give either --image PATH... or --dataset SPEC');
  await initBackend({ quiet: o.json });
  const trained = await loadTrainedModel(o.checkpoint);
  try {
    if (!trained.model.captioner) throw new Error(`${trained.dir}: this model cannot caption (no model.lm with model.prefix or model.qformer, no model.captionDecoder)`);
    const imageSize = trained.config.model.imageSize;
    const dataset = o.image ? await imageFiles(o.image, imageSize) : await loadDataset(o.dataset!, { split: o.split, imageSize, quiet: true });
    const n = Math.min(dataset.size, o.limit ?? dataset.size);
    const indices = Array.from({ length: n }, (_, i) => i);
    const captions = await generateCaptions(trained.model, trained.tokenizer, dataset, trained.config.data.maxLen, { beam: o.beam, lengthPenalty: o.lengthPenalty }, indices);
    const rows = indices.map((i) => ({ id: dataset.meta(i).id, caption: captions[i], reference: dataset.meta(i).captions[0] }));
    if (o.json) {
      console.log(JSON.stringify({ checkpoint: trained.dir, step: trained.step, captioner: trained.model.captioner, beam: o.beam, captions: rows }, null, 2));
    } else {
      console.log(`${trained.dir} (step ${trained.step}, ${trained.model.captioner}, ${o.beam > 1 ? `beam ${o.beam}` : 'greedy'})`);
      for (const r of rows) console.log(`${r.id}\t${r.caption}${r.reference === undefined ? '' : `\t(reference: ${r.reference})`}`);
    }
    return 0;
  } finally {
    trained.model.dispose();
  }
}
