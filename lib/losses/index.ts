// Public surface of lib/losses: filled in as modules land.
export {};
