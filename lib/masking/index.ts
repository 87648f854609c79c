// Public surface of lib/masking: seeded mask generators (1 = masked, labels -100 where ignored).
export type { Seed } from './seed';
export * from './random_patch';
export * from './block_mask';
export * from './bert_mask';
export * from './patch_dropout';
export * from './cosine_schedule';
