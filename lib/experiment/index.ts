export * from './config';
export * from './setup';
export * from './train_run';
