/**
 * `mvlm embed`: every item of a dataset split with the model's input pixels, its first caption's
 * tokens, and both joint-space embeddings, in one safetensors file any reader opens (numpy: 10 lines).
 */
import * as fs from 'fs';
import { SplitChoice, loadDataset } from '../data';
import { writing } from '../io/write_error';
import { embedCaptions, embedImages, loadTrainedModel } from '../run';
import { STTensor, encodeSafetensors } from '../train';
import { packageVersion } from '../version';

export const EMBEDDINGS_FORMAT = 'mvlm-embeddings';

export interface EmbedOptions {
  checkpoint: string;
  /** Dataset spec, e.g. `shapes`, `emoji:google`, `jsonl:PATH`. */
  dataset: string;
  split: SplitChoice;
  out: string;
  /** Items per forward pass (default 64). */
  batchSize?: number;
}

export interface EmbedResult {
  file: string;
  checkpoint: string;
  step: number;
  items: number;
  embedDim: number;
  tensors: string[];
}

/** Write `o.out`: pixels, ids, attention, image_emb, text_emb (and labels) of every item of the split, in order. */
export async function writeEmbeddings(o: EmbedOptions): Promise<EmbedResult> {
  const trained = await loadTrainedModel(o.checkpoint);
  try {
    const { model, tokenizer, config } = trained;
    const S = config.model.imageSize;
    const T = config.data.maxLen;
    const dataset = await loadDataset(o.dataset, { split: o.split, imageSize: S, quiet: true });
    const N = dataset.size;
    if (N === 0) throw new Error(`mvlm embed: ${o.dataset} has no items in --split ${o.split}`);
    const pixels = new Float32Array(N * S * S * 3);
    const ids = new Int32Array(N * T);
    const attention = new Int32Array(N * T);
    const captions: string[] = [];
    const labels: number[] = [];
    for (let i = 0; i < N; i++) {
      const item = dataset.get(i);
      if (item.captions.length === 0) throw new Error(`mvlm embed: ${o.dataset} item ${i} (id ${item.id}) has no caption`);
      pixels.set(item.image, i * S * S * 3);
      captions.push(item.captions[0]);
      const enc = tokenizer.encode(item.captions[0], T);
      ids.set(enc.ids, i * T);
      attention.set(enc.attention, i * T);
      if (item.label !== undefined) labels.push(item.label);
    }
    const batch = o.batchSize ?? 64;
    const images = await embedImages(model, dataset, true, batch);
    const texts = await embedCaptions(model, tokenizer, captions, T, batch);
    const E = images.emb!.shape[1];
    const tensors = new Map<string, STTensor>([
      ['pixels', { dtype: 'F32', shape: [N, S, S, 3], data: pixels }],
      ['ids', { dtype: 'I32', shape: [N, T], data: ids }],
      ['attention', { dtype: 'I32', shape: [N, T], data: attention }],
      ['image_emb', { dtype: 'F32', shape: [N, E], data: images.emb!.data }],
      ['text_emb', { dtype: 'F32', shape: [N, E], data: texts.data }],
    ]);
    // labels only when every item has one (a partial column would misalign)
    if (labels.length === N) tensors.set('labels', { dtype: 'I32', shape: [N], data: Int32Array.from(labels) });
    const metadata: Record<string, string> = {
      format: EMBEDDINGS_FORMAT,
      checkpoint: trained.dir,
      step: String(trained.step),
      dataset: o.dataset,
      split: o.split,
      captions: JSON.stringify(captions),
      text_tower: config.model.textTower.kind,
      mvlm_version: packageVersion(),
    };
    if (dataset.classNames && labels.length === N) metadata.class_names = JSON.stringify(dataset.classNames);
    const bytes = encodeSafetensors(tensors, metadata);
    writing(o.out, `mvlm embed of ${trained.dir}`, () => fs.writeFileSync(o.out, bytes));
    return { file: o.out, checkpoint: trained.dir, step: trained.step, items: N, embedDim: E, tensors: [...tensors.keys()] };
  } finally {
    trained.model.dispose();
  }
}
