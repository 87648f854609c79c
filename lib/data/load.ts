/**
 * `loadDataset(spec, options)`: one entry point for every source, selected by a spec string:
 * `shapes`, `emoji:google`, `emoji:twitter`, `mnist`, `jsonl:PATH`, `coco:CAPTIONS.json:IMAGE_DIR`.
 */
import { loadCoco } from './coco';
import { loadEmoji } from './emoji';
import { loadJsonl } from './jsonl';
import { loadMnist } from './mnist';
import { loadShapes } from './shapes';
import { DEFAULT_IMAGE_SIZE, Dataset, LoadOptions, SPLIT_CHOICES } from './types';
import { skippedSummary } from './user_data';

export const DATASET_SPECS = ['shapes', 'emoji:google', 'emoji:twitter', 'mnist', 'jsonl:PATH', 'coco:CAPTIONS.json:IMAGE_DIR'];

export async function loadDataset(spec: string, options: LoadOptions = {}): Promise<Dataset> {
  const split = options.split ?? 'train';
  if (!SPLIT_CHOICES.includes(split)) throw new Error(`loadDataset: split must be one of ${SPLIT_CHOICES.join(', ')}, got '${split}'`);
  const imageSize = options.imageSize ?? DEFAULT_IMAGE_SIZE;
  if (!Number.isInteger(imageSize) || imageSize < 4 || imageSize > 1024) {
    throw new Error(`loadDataset: imageSize must be an integer in [4, 1024], got ${imageSize}`);
  }
  if (options.size !== undefined && !(Number.isInteger(options.size) && options.size > 0)) {
    throw new Error(`loadDataset: size must be a positive integer, got ${options.size}`);
  }
  const opts = { ...options, split, imageSize };
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  let dataset: Dataset;
  if (spec === 'shapes') dataset = loadShapes(opts);
  else if (spec === 'mnist') dataset = await loadMnist(opts);
  else if (kind === 'emoji') dataset = await loadEmoji(rest, opts);
  else if (kind === 'jsonl' && rest !== '') dataset = await loadJsonl(rest, opts);
  else if (kind === 'coco') {
    const m = /^(.*?\.json):(.+)$/i.exec(rest);
    if (!m) throw new Error(`loadDataset: coco spec must be coco:CAPTIONS.json:IMAGE_DIR, got '${spec}'`);
    dataset = await loadCoco(m[1], m[2], opts);
  } else {
    throw new Error(`loadDataset: unknown dataset spec '${spec}'; expected one of ${DATASET_SPECS.join(', ')}`);
  }
  if (dataset.skipped.length > 0 && !options.quiet) console.warn(`${dataset.name}: ${skippedSummary(dataset.skipped)}`);
  return dataset;
}
