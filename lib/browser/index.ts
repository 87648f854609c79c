/**
 * `mvlm/browser`: an exported mvlm model (`mvlm export`) in a web page. No Node built-ins anywhere in
 * this entry's import graph (scripts/check_node_free.ts checks it; test/browser bundles it with
 * esbuild for the browser).
 *
 *   const { backend } = await startBackend({ wasmPaths: '/tfjs/' });
 *   const model = await loadExportedModel('/model/');
 *   const texts = model.embedTexts(['a red circle']);                        // [1, E], unit norm
 *   const images = model.embedImages(picturesTensor([img], model.imageSize)); // [1, E]
 */
export { startBackend } from './backend';
export type { BackendChoice, BrowserBackend } from './backend';
export { ExportedModel, exportedModelFromFiles } from './exported_model';
export type { ExportFiles } from './exported_model';
export { loadExportedModel } from './fetch_export';
export { imagePixels, picturesTensor } from './pixels';
export type { Picture } from './pixels';
export { nearest } from './search';
export type { Match } from './search';
export { SubwordCodec } from '../data/subword';
export { decodeSafetensors } from '../io/safetensors';
export type { STFile, STTensor } from '../io/safetensors';
