/**
 * Loads the ESM-only `vega` and `vega-lite` (v6) from our CommonJS build.
 *
 * Node 20's require(esm) refuses both (ERR_REQUIRE_ASYNC_MODULE: their graphs use top-level await),
 * and TypeScript with `module: commonjs` rewrites `import()` into `require()`. So the import goes
 * through `new Function`, which TypeScript leaves alone and which works the same under ts-node and
 * from `dist/`. The specifier is resolved to an absolute file URL first, because a bare specifier
 * in a `new Function` import resolves against the working directory, not this file.
 */
import { pathToFileURL } from 'url';
import type * as Vega from 'vega';
// vega-lite's types sit under build/ and only its `exports` map points there, which `moduleResolution:
// node` ignores; the type-only import of the file itself is erased at compile time.
import type * as VegaLite from 'vega-lite/build/index';

export type VegaModule = typeof Vega;
export type VegaLiteModule = typeof VegaLite;

const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;

let loaded: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined;

/** The two modules, imported once per process. */
export function loadVega(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  loaded ??= (async () => {
    const [vega, vegaLite] = await Promise.all([
      importEsm(pathToFileURL(require.resolve('vega')).href),
      importEsm(pathToFileURL(require.resolve('vega-lite')).href),
    ]);
    return { vega: vega as VegaModule, vegaLite: vegaLite as VegaLiteModule };
  })();
  return loaded;
}
