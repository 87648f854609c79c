/** Notebook helpers: labelled PNG grids of float images, masked-patch pictures, token rows as SVG. */
export { imageGrid, maskPatches, wrapText } from './image_grid';
export type { ImageGridOptions, ImageLike, MaskPatchesOptions } from './image_grid';
export { tokenRowsSvg } from './token_rows';
export type { TokenRow, TokenRowsOptions } from './token_rows';
