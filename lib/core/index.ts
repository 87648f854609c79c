// Public surface of lib/core: filled in as modules land.
export {};
