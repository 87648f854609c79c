/** Notebook helpers: labelled PNG grids of float images and masked-patch pictures. */
export { imageGrid, maskPatches, wrapText } from './image_grid';
export type { ImageGridOptions, ImageLike, MaskPatchesOptions } from './image_grid';
