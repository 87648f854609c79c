/**
 * Browser bundles with esbuild, from the installed package: the page script of `mvlm site`, and
 * (in tests) `mvlm/browser` and `mvlm/losses`. platform 'browser' makes esbuild refuse a Node
 * built-in anywhere in the graph (and pick each package's browser build).
 */
import * as path from 'path';
import * as esbuild from 'esbuild';

export interface BrowserBundle {
  /** The minified script. */
  code: Uint8Array;
  /** Every file esbuild read (repo- or package-relative), for checks and reports. */
  inputs: string[];
}

/** Bundle `entry` (a .ts or .js file) and everything it imports into one minified browser script. */
export async function bundleForBrowser(entry: string): Promise<BrowserBundle> {
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
  } catch (e) {
    const errors = (e as esbuild.BuildFailure).errors ?? [];
    const lines = errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`);
    throw new Error(`esbuild could not bundle ${entry} for the browser:\n${lines.join('\n') || (e as Error).message}`);
  }
  return { code: result.outputFiles[0].contents, inputs: Object.keys(result.metafile.inputs) };
}

/** The page script's entry: the TypeScript source under ts-node, the compiled file in the package. */
export function siteAppEntry(): string {
  return require.resolve(path.join('..', 'browser', 'site', 'app'));
}
