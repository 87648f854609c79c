/**
 * mvlm: masked vision-language modeling on TensorFlow.js.
 * Layers, bottom up: backend, core, masking, losses, data, heads, models, objectives, train,
 * eval, stats, report, experiment. `mvlm/losses` is importable alone.
 */
export { initBackend, useBackend } from './backend';
export type { BackendInfo, BackendName, InitOptions } from './backend';
export { Rng } from './random';
export { packageVersion } from './version';
export * from './core';
export * from './masking';
export * from './losses';
export * from './data';
export * from './heads';
export * from './models';
export * from './objectives';
export * from './train';
export * from './config';
export * from './eval';
export * as stats from './stats';
export * from './report';
export * from './pretrained';
export * from './caption';
export * from './run';
export * from './compare';
export * as bench from './bench';
export * as parallel from './parallel';
export * as notebook from './notebook';
export * as interop from './interop';
export * as generate from './generate';
export * as site from './site';
