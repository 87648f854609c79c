/** SVG -> PNG with sharp (which bundles librsvg), for notebooks and previews. */
import sharp from 'sharp';

export interface SvgToPngOptions {
  /** Pixels per inch; 72 keeps the SVG's own pixel size, 144 doubles it (sharper on HiDPI). */
  density?: number;
}

/** Renders an SVG string to PNG bytes; text uses the system's `sans-serif` via fontconfig. */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Buffer> {
  const density = options.density ?? 144;
  if (!/<svg[\s>]/.test(svg)) throw new Error(`svgToPng: svg is not an SVG document (starts '${svg.slice(0, 40)}')`);
  return sharp(Buffer.from(svg), { density }).png().toBuffer();
}
