/** The one transformer core every tower, fusion encoder and decoder in mvlm is built from. */
export * from './params';
export * from './layers';
export * from './attention';
export * from './block';
export * from './encoder';
export * from './embeddings';
export { patchify, unpatchify } from './patchify';
export * from './select';
