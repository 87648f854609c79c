/** A PNG contact sheet of items and their captions (look at data before training on it). */
import sharp, { OverlayOptions } from 'sharp';
import { toUint8 } from './image';
import { Dataset } from './types';

export interface PreviewOptions {
  /** Number of items, evenly spaced over the dataset; default 24. */
  count?: number;
  columns?: number;
  /** Cell image side in pixels (nearest-neighbour upscaled); default 96. */
  cellSize?: number;
  /** Caption lines under each image; default 3. */
  lines?: number;
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Greedy word wrap to `width` characters, at most `lines` lines (the last ends in '…' if cut). */
function wrap(text: string, width: number, lines: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && (line + ' ' + word).length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  if (out.length > lines) {
    out.length = lines;
    out[lines - 1] = out[lines - 1].slice(0, width - 1) + '…';
  }
  return out.map((l) => (l.length > width ? l.slice(0, width - 1) + '…' : l));
}

export async function writePreview(dataset: Dataset, file: string, options: PreviewOptions = {}): Promise<void> {
  const count = Math.min(options.count ?? 24, dataset.size);
  const columns = Math.min(options.columns ?? 6, count);
  const cell = options.cellSize ?? 96;
  const lines = options.lines ?? 3;
  const fontSize = 11;
  const textHeight = lines * (fontSize + 2) + 6;
  const pad = 6;
  const cw = cell + 2 * pad;
  const ch = cell + textHeight + 2 * pad;
  const rows = Math.ceil(count / columns);
  const S = dataset.imageSize;
  const tiles: OverlayOptions[] = [];
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const item = dataset.get(Math.floor((i * dataset.size) / count));
    const left = (i % columns) * cw + pad;
    const top = Math.floor(i / columns) * ch + pad;
    const png = await sharp(Buffer.from(toUint8(item.image)), { raw: { width: S, height: S, channels: 3 } })
      .resize(cell, cell, { kernel: 'nearest' })
      .png()
      .toBuffer();
    tiles.push({ input: png, left, top });
    const caption = item.captions[0] + (item.label !== undefined && dataset.classNames ? ` [${dataset.classNames[item.label]}]` : '');
    wrap(caption, Math.floor(cell / (fontSize * 0.55)), lines).forEach((l, k) => {
      const y = top + cell + (k + 1) * (fontSize + 2);
      texts.push(`<text x="${left}" y="${y}">${escapeXml(l)}</text>`);
    });
  }
  const width = columns * cw;
  const height = rows * ch;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" fill="#222">${texts.join('')}</g></svg>`;
  await sharp({ create: { width, height, channels: 3, background: '#f4f4f4' } })
    .composite([...tiles, { input: Buffer.from(svg), left: 0, top: 0 }])
    .png()
    .toFile(file);
}
