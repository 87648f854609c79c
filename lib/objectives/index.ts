export * from './types';
export * from './registry';
export * from './combine';
export { kmeans, nearestCentroid, patchCodes } from './codebook';
export {
  DEFAULT_CAPTION_DROP, captionDropRows, codesToImages, dropCaptions, emptyCaption, imageCodes, maskgitLogits, maskgitStates,
} from './maskgit';
export type { MaskGitOptions } from './maskgit';
