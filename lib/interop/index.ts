/** A model out of mvlm: the export folder (PyTorch names and layouts), the embeddings file, the weight-name map. */
export { exportCheckpoint, unexportable } from './export';
export type { ExportResult } from './export';
export { writeEmbeddings, EMBEDDINGS_FORMAT } from './embed_file';
export type { EmbedOptions, EmbedResult } from './embed_file';
export * from './export_config';
export * from './weight_map';
