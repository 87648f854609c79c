// Public surface of lib/generate: text-to-image sampling from a maskgit-trained model.
export * from './decode';
export * from './prompts';
export * from './consistency';
export * from './tokeniser';
export * from './likelihood';
