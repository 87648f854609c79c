/** An export folder fetched over HTTP (a browser, or any runtime with `fetch`). */
import { CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE } from '../interop/export_config';
import { ExportedModel, exportedModelFromFiles } from './exported_model';

type Fetch = (url: string) => Promise<Response>;

async function fetchOk(url: string, fetchFn: Fetch): Promise<Response> {
  const response = await fetchFn(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  return response;
}

/** Load the export at `baseUrl` (a folder URL, relative to the page or absolute). */
export async function loadExportedModel(baseUrl: string, fetchFn: Fetch = (url) => fetch(url)): Promise<ExportedModel> {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const [config, tokenizer, weights] = await Promise.all([
    fetchOk(base + CONFIG_FILE, fetchFn).then((r) => r.text()),
    fetchOk(base + TOKENIZER_FILE, fetchFn).then((r) => r.text()),
    fetchOk(base + WEIGHTS_FILE, fetchFn).then((r) => r.arrayBuffer()),
  ]);
  return exportedModelFromFiles({ config, tokenizer, weights: new Uint8Array(weights) }, base.slice(0, -1));
}
