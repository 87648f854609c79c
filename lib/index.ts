/** mvlm: masked vision-language modeling on TensorFlow.js. */
export { initBackend, useBackend } from './backend';
export type { BackendInfo, BackendName, InitOptions } from './backend';
export * from './core';
export * from './masking';
export * from './losses';
export * from './data';
