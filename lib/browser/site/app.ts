/**
 * The page script of `mvlm site` (bundled by esbuild when the site is built): loads the exported
 * model (model/), the precomputed embeddings of the dataset's images and captions
 * (embeddings.safetensors) and their list (site.json); a typed caption shows the nearest images, a
 * dropped or chosen picture the nearest captions. `window.mvlmSite` exposes the same searches and
 * the state to scripts (the tests drive the page through the DOM and read results from it).
 */
import { decodeSafetensors } from '../../io/safetensors';
import { startBackend } from '../backend';
import { ExportedModel } from '../exported_model';
import { loadExportedModel } from '../fetch_export';
import { Picture, picturesTensor } from '../pixels';
import { Match, nearest } from '../search';
import { SiteIndex, SITE_EMBEDDINGS, SITE_INDEX, SITE_MODEL_DIR, SITE_WASM_DIR } from './site_index';

const TOP_K = 5;

interface Loaded {
  model: ExportedModel;
  site: SiteIndex;
  imageEmb: Float32Array;
  captionEmb: Float32Array;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function setStatus(text: string, state: 'loading' | 'ready' | 'error'): void {
  const el = $('status');
  el.textContent = text;
  el.dataset.state = state;
}

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r;
}

async function load(): Promise<Loaded & { backend: string; ms: number }> {
  const t0 = performance.now();
  const { backend } = await startBackend({ wasmPaths: new URL(`${SITE_WASM_DIR}/`, location.href).href });
  const [model, site, emb] = await Promise.all([
    loadExportedModel(`${SITE_MODEL_DIR}/`),
    fetchOk(SITE_INDEX).then((r) => r.json() as Promise<SiteIndex>),
    fetchOk(SITE_EMBEDDINGS).then(async (r) => decodeSafetensors(new Uint8Array(await r.arrayBuffer()), SITE_EMBEDDINGS)),
  ]);
  const matrix = (name: string, rows: number) => {
    const t = emb.tensors.get(name);
    if (!t || t.dtype !== 'F32' || t.shape[0] !== rows || t.shape[1] !== model.embedDim) {
      throw new Error(`${SITE_EMBEDDINGS}: ${name} must be F32 [${rows}, ${model.embedDim}], got ${t ? `${t.dtype} [${t.shape}]` : 'nothing'}`);
    }
    return t.data as Float32Array;
  };
  const imageEmb = matrix('image_emb', site.items.length);
  const captionEmb = matrix('caption_emb', site.captions.length);
  return { model, site, imageEmb, captionEmb, backend, ms: performance.now() - t0 };
}

/** Rows of [N, E] most similar to the one embedding in `embedding` [1, E] (disposed). */
function rank(embedding: { dataSync(): ArrayLike<number>; dispose(): void }, matrix: Float32Array): Match[] {
  const query = Float32Array.from(embedding.dataSync());
  embedding.dispose();
  return nearest(query, matrix, TOP_K);
}

function tagResults(list: HTMLElement, query: string, matches: Match[]): void {
  list.dataset.query = query;
  list.dataset.indices = matches.map((m) => m.index).join(',');
  list.dataset.scores = matches.map((m) => m.score.toFixed(6)).join(',');
}

function showImages(l: Loaded, query: string, matches: Match[]): void {
  const list = $('image-results');
  list.replaceChildren(
    ...matches.map((m) => {
      const item = l.site.items[m.index];
      const li = document.createElement('li');
      const img = document.createElement('img');
      img.src = item.image;
      img.alt = item.caption;
      const caption = document.createElement('span');
      caption.textContent = `${m.score.toFixed(3)} · ${item.caption}`;
      li.append(img, caption);
      return li;
    }),
  );
  tagResults(list, query, matches);
}

function showCaptions(l: Loaded, source: string, matches: Match[]): void {
  const list = $('caption-results');
  list.replaceChildren(
    ...matches.map((m) => {
      const li = document.createElement('li');
      li.textContent = `${m.score.toFixed(3)} · ${l.site.captions[m.index]}`;
      return li;
    }),
  );
  tagResults(list, source, matches);
}

function searchText(l: Loaded, query: string): Match[] {
  const matches = rank(l.model.embedTexts([query]), l.imageEmb);
  showImages(l, query, matches);
  return matches;
}

async function searchPicture(l: Loaded, file: Blob, name: string): Promise<Match[]> {
  // no colour management or premultiplication: a PNG's bytes reach the model as they are
  const bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const preview = $<HTMLCanvasElement>('dropped');
  preview.width = bitmap.width;
  preview.height = bitmap.height;
  preview.getContext('2d')!.drawImage(bitmap, 0, 0);
  const S = l.model.imageSize;
  const pixels = picturesTensor([bitmap as Picture], S);
  const matches = rank(l.model.embedImages(pixels), l.captionEmb);
  pixels.dispose();
  bitmap.close();
  showCaptions(l, name, matches);
  return matches;
}

function wire(l: Loaded): void {
  const form = $<HTMLFormElement>('text-form');
  const input = $<HTMLInputElement>('query');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    searchText(l, input.value);
  });
  const fileInput = $<HTMLInputElement>('image-file');
  const onFile = (f: File | undefined) => {
    if (f) searchPicture(l, f, f.name).catch((e) => setStatus(`${f.name}: ${(e as Error).message}`, 'error'));
  };
  fileInput.addEventListener('change', () => onFile(fileInput.files?.[0]));
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    onFile(e.dataTransfer?.files[0]);
  });
}

async function main(): Promise<void> {
  setStatus('loading the model…', 'loading');
  const l = await load();
  document.title = l.site.title;
  $('title').textContent = l.site.title;
  wire(l);
  const first = new URLSearchParams(location.search).get('q') ?? l.site.items[0]?.caption ?? '';
  $<HTMLInputElement>('query').value = first;
  searchText(l, first);
  setStatus(`${l.site.items.length} pictures and ${l.site.captions.length} captions, tfjs ${l.backend} backend, ready in ${Math.round(l.ms)} ms`, 'ready');
  (window as unknown as { mvlmSite: unknown }).mvlmSite = {
    backend: l.backend,
    searchText: (q: string) => searchText(l, q),
    searchPicture: (blob: Blob, name = 'picture') => searchPicture(l, blob, name),
  };
}

main().catch((e) => {
  console.error(e);
  setStatus(`failed: ${(e as Error).message}`, 'error');
});
