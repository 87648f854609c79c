export * from './arms';
export * from './presets';
export * from './plan';
export * from './run_arm';
export * from './collect';
export * from './run_compare';
