// Public surface of lib/data: filled in as modules land.
export {};
