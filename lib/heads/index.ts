export * from './projection';
export * from './classifier';
export * from './logit_scale';
export * from './pixel_decoder';
export * from './caption_decoder';
