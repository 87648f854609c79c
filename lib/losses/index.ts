/** mvlm/losses: pure loss functions of tensors (named-argument objects, scalar results, no parameters). */
export { clipLoss } from './clip';
export { siglipLoss } from './siglip';
export { maeLoss } from './mae';
export { maskedTokenLoss, labelledHeadLoss, IGNORE_LABEL } from './masked_token';
export { itmLoss } from './itm';
export { sampleHardNegatives } from './hard_negatives';
export { captionLoss } from './caption';
export { patchify, unpatchify } from '../core/patchify';
export type { ClipLossArgs } from './clip';
export type { SiglipLossArgs } from './siglip';
export type { MaeLossArgs } from './mae';
export type { LabelledHeadLossArgs, MaskedTokenLossArgs } from './masked_token';
export type { ItmLossArgs } from './itm';
export type { SampleHardNegativesArgs } from './hard_negatives';
export type { CaptionLossArgs } from './caption';
export type { ScalarLike } from './validate';
