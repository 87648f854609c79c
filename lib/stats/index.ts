/** Statistics of the study: paired bootstrap intervals, differences against a baseline, findings. */
export * from './bootstrap';
export * from './curves';
export * from './runs';
export * from './summary';
export * from './findings';
