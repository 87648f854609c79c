export * from './types';
export * from './registry';
export * from './combine';
export { kmeans, nearestCentroid, patchCodes } from './codebook';
