/** Vega-Lite spec -> SVG string, server-side (vega's headless renderer; no browser, no canvas). */
import { loadVega } from './esm';
import type { VegaLiteModule } from './esm';

/**
 * A Vega-Lite (v6) top-level spec, as plain JSON. Kept structural on purpose: vega-lite's own
 * types sit behind its `exports` map, and our published declarations should not depend on them.
 */
export type VegaLiteSpec = Record<string, unknown>;
type CompileInput = Parameters<VegaLiteModule['compile']>[0];

/** Generic fonts only, so the SVG renders the same wherever it is opened (browser, librsvg). */
export const PLOT_CONFIG = {
  font: 'sans-serif',
  background: 'white',
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const },
};

/**
 * Renders a Vega-Lite spec to SVG. `idPrefix` namespaces the SVG's element ids (clip paths,
 * gradients) so several SVGs can be inlined into one HTML page without their ids clashing.
 */
export async function renderSvg(spec: VegaLiteSpec, idPrefix?: string): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const config = { ...PLOT_CONFIG, ...((spec.config as object | undefined) ?? {}) };
  // errors only: faceted panels with independent scales make vega-lite warn that it assumes one data source, which they are
  const compiled = vegaLite.compile({ ...spec, config } as unknown as CompileInput, { logger: vega.logger(vega.Error) });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return idPrefix === undefined ? svg : namespaceIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}

/** Prefixes every `id="x"` and its references `url(#x)` / `href="#x"` with `prefix-`. */
export function namespaceIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${prefix}-${id}"`);
}
