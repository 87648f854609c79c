export * from './config';
export * from './setup';
export * from './train_run';
export * from './embed';
export * from './evaluate';
export * from './arms';
export * from './compare';
export * from './restore';
