/**
 * `mvlm site`: a static folder any web server can serve, in which a visitor searches a dataset
 * with a trained model. It holds the export of the checkpoint (model/), the dataset's pictures as the
 * model sees them (images/), their and their captions' joint-space embeddings computed here
 * (embeddings.safetensors; the page embeds only the visitor's query), the page and its script
 * (bundled now with esbuild) and tfjs-backend-wasm's .wasm files (tfjs/).
 */
import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { SITE_EMBEDDINGS, SITE_INDEX, SITE_MODEL_DIR, SITE_SCRIPT, SITE_WASM_DIR, SiteIndex } from '../browser/site/site_index';
import { SplitChoice, loadDataset, toUint8 } from '../data';
import { exportCheckpoint } from '../interop';
import { WriteError, writing } from '../io/write_error';
import { embedCaptions, embedImages, loadTrainedModel, resolveCheckpoint } from '../run';
import { encodeSafetensors } from '../train';
import { bundleForBrowser, siteAppEntry } from './bundle';
import { siteHtml } from './page_html';

export interface SiteOptions {
  checkpoint: string;
  /** Dataset spec, e.g. `shapes`, `emoji:google`, `jsonl:PATH`. */
  dataset: string;
  split: SplitChoice;
  out: string;
  /** Keep the first `limit` items (shapes: the split's size). */
  limit?: number;
}

export interface SiteResult {
  dir: string;
  items: number;
  step: number;
  /** Bytes of the page script (the esbuild bundle). */
  scriptBytes: number;
  /** Bytes of every file of the site. */
  totalBytes: number;
}

/** tfjs-backend-wasm's three builds (plain, SIMD, threaded SIMD): the backend picks one at run time. */
function copyWasmFiles(dir: string): void {
  const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dist).filter((f) => /^tfjs-backend-wasm.*\.wasm$/.test(f))) fs.copyFileSync(path.join(dist, f), path.join(dir, f));
}

function folderBytes(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
    const p = path.join(dir, e.name);
    return n + (e.isDirectory() ? folderBytes(p) : fs.statSync(p).size);
  }, 0);
}

export async function buildSite(o: SiteOptions): Promise<SiteResult> {
  const dir = resolveCheckpoint(o.checkpoint);
  if (fs.existsSync(o.out) && !fs.statSync(o.out).isDirectory()) throw new Error(`mvlm site: --out ${o.out} is a file, not a folder`);
  const when = `mvlm site of ${dir}`;
  await exportCheckpoint(dir, path.join(o.out, SITE_MODEL_DIR));
  const trained = await loadTrainedModel(dir);
  try {
    const { model, tokenizer, config } = trained;
    const S = config.model.imageSize;
    const dataset = await loadDataset(o.dataset, { split: o.split, imageSize: S, size: o.limit, quiet: true });
    const N = dataset.size;
    if (N === 0) throw new Error(`mvlm site: ${o.dataset} has no items in --split ${o.split}`);
    const items: SiteIndex['items'] = [];
    writing(o.out, when, () => fs.mkdirSync(path.join(o.out, 'images'), { recursive: true }));
    for (let i = 0; i < N; i++) {
      const item = dataset.get(i);
      if (item.captions.length === 0) throw new Error(`mvlm site: ${o.dataset} item ${i} (id ${item.id}) has no caption`);
      const image = `images/${i}.png`;
      const file = path.join(o.out, image);
      // the model's input pixels, losslessly: the page shows (and a visitor may drop) exactly these
      await sharp(Buffer.from(toUint8(item.image)), { raw: { width: S, height: S, channels: 3 } })
        .png()
        .toFile(file)
        .catch((e) => {
          throw new WriteError(file, when, e);
        });
      items.push({ image, caption: item.captions[0] });
    }
    const images = await embedImages(model, dataset, true);
    const captionList = [...new Set(items.map((it) => it.caption))];
    const captions = await embedCaptions(model, tokenizer, captionList, config.data.maxLen);
    const embeddings = encodeSafetensors(
      new Map([
        ['image_emb', { dtype: 'F32', shape: images.emb!.shape, data: images.emb!.data }],
        ['caption_emb', { dtype: 'F32', shape: captions.shape, data: captions.data }],
      ]),
      { checkpoint: dir, step: String(trained.step), dataset: o.dataset, split: o.split },
    );
    const index: SiteIndex = {
      title: `mvlm · ${o.dataset} (${o.split}, ${N} items) · step ${trained.step}`,
      dataset: o.dataset,
      split: o.split,
      checkpoint: dir,
      step: trained.step,
      items,
      captions: captionList,
    };
    const script = await bundleForBrowser(siteAppEntry());
    const files: [string, string | Uint8Array][] = [
      [SITE_EMBEDDINGS, embeddings],
      [SITE_INDEX, JSON.stringify(index)],
      [SITE_SCRIPT, script.code],
      ['index.html', siteHtml(index.title)],
    ];
    for (const [name, data] of files) writing(path.join(o.out, name), when, () => fs.writeFileSync(path.join(o.out, name), data));
    writing(path.join(o.out, SITE_WASM_DIR), when, () => copyWasmFiles(path.join(o.out, SITE_WASM_DIR)));
    return { dir: o.out, items: N, step: trained.step, scriptBytes: script.code.length, totalBytes: folderBytes(o.out) };
  } finally {
    trained.model.dispose();
  }
}
