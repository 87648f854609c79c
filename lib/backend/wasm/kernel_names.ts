/**
 * The names mvlm's own wasm kernels are registered under. The core asks the kernel registry for
 * them by name (falling back to plain tensor ops where they are absent, e.g. in a browser), so it
 * imports only these strings, not the kernels' loader (which reads the .wasm file with fs).
 */
export const GELU_KERNEL = 'MvlmGelu';
export const GELU_GRAD_KERNEL = 'MvlmGeluGrad';
export const LAYER_NORM_KERNEL = 'MvlmLayerNorm';
export const LAYER_NORM_GRAD_KERNEL = 'MvlmLayerNormGrad';
export const LINEAR_KERNEL = 'MvlmLinear';
export const LINEAR_DX_KERNEL = 'MvlmLinearDx';
export const LINEAR_DW_KERNEL = 'MvlmLinearDw';
export const SPLIT_HEADS_KERNEL = 'MvlmSplitHeads';
export const MERGE_HEADS_KERNEL = 'MvlmMergeHeads';
