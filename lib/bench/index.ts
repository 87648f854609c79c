/** The training-step benchmark (`mvlm bench`). */
export * from './configs';
export * from './flops';
export * from './timing';
export * from './step';
export * from './run';
export * from './format';
export * from './ab';
export * from './shard_task';
export * from './parallel_row';
export * from './best';
export * from './torch_row';
