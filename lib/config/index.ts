/** Generic config helpers: JSON loading, `--set` overrides, strict zod validation with key paths. */
export { parseSetArg, applyOverrides } from './overrides';
export type { SetArg } from './overrides';
export { validateConfig, ConfigError } from './validate';
export type { ConfigSource, KeyPath } from './validate';
export { loadConfigFile, loadConfig, listPresets, resolveConfigPath, CONFIG_DIR } from './load';
export type { PresetInfo } from './load';
