export * from './connection';
export * from './failures';
export * from './study_queue';
export * from './coordinator';
export * from './worker';
export * from './run_study';
export * from './signals';
