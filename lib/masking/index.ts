// Public surface of lib/masking: filled in as modules land.
export {};
