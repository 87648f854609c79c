/** The files `mvlm site` writes beside the export (model/) and the page, and the shape of site.json. */
export const SITE_INDEX = 'site.json';
/** image_emb [N, E] (row i = item i of site.json) and caption_emb [M, E] (row j = caption j), unit norm. */
export const SITE_EMBEDDINGS = 'embeddings.safetensors';
/** The page script (esbuild bundle) and the folder serving tfjs-backend-wasm's .wasm files. */
export const SITE_SCRIPT = 'app.js';
export const SITE_WASM_DIR = 'tfjs';
export const SITE_MODEL_DIR = 'model';

export interface SiteIndex {
  title: string;
  dataset: string;
  split: string;
  checkpoint: string;
  step: number;
  /** Each item's thumbnail (relative URL) and first caption. */
  items: { image: string; caption: string }[];
  /** The items' first captions, each once, in order of first appearance. */
  captions: string[];
}
