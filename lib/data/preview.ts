/**
 * A PNG contact sheet of items and their captions (look at data before training on it), and the
 * labelled grid it is drawn with (also behind the notebooks' `imageGrid`).
 */
import * as fs from 'fs';
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

export const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Greedy word wrap to `width` characters, at most `lines` lines (a cut line ends in '…'). */
export function wrapText(text: string, width: number, lines: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const piece = word.length > width ? word.slice(0, width - 1) + '…' : word;
    if (line && line.length + 1 + piece.length > width) {
      out.push(line);
      line = piece;
    } else line = line ? `${line} ${piece}` : piece;
  }
  if (line) out.push(line);
  if (out.length > lines) {
    out.length = lines;
    out[lines - 1] = out[lines - 1].slice(0, width - 1) + '…';
  }
  return out;
}

/** One grid cell: float [h, w, 3] pixels in [0, 1] and the caption under them. */
export interface GridCell {
  pixels: Float32Array;
  h: number;
  w: number;
  label: string;
}

export interface GridLayout {
  columns: number;
  /** Side of each cell's image (nearest-neighbour upscaled, aspect kept). */
  cellSize: number;
  /** Caption lines under each image (0: no caption rows). */
  lines: number;
  /** Margin around each image, and under its captions. */
  pad: number;
  background: string;
}

/** A PNG of `cells` in a grid, each image upscaled to `cellSize` with its label wrapped underneath. */
export async function labelledGrid(cells: GridCell[], { columns, cellSize: cell, lines, pad, background }: GridLayout): Promise<Buffer> {
  const fontSize = 11;
  const cw = cell + 2 * pad;
  const ch = cell + 2 * pad + (lines ? lines * (fontSize + 2) + pad : 0);
  const tiles: OverlayOptions[] = [];
  const texts: string[] = [];
  for (let i = 0; i < cells.length; i++) {
    const { pixels, h, w, label } = cells[i];
    const left = (i % columns) * cw + pad;
    const top = Math.floor(i / columns) * ch + pad;
    const input = await sharp(Buffer.from(toUint8(pixels)), { raw: { width: w, height: h, channels: 3 } })
      .resize(cell, cell, { kernel: 'nearest', fit: 'contain', background: '#ffffff' })
      .png()
      .toBuffer();
    tiles.push({ input, left, top });
    wrapText(label, Math.floor(cell / (fontSize * 0.55)), lines).forEach((l, k) => {
      texts.push(`<text x="${left}" y="${top + cell + (k + 1) * (fontSize + 2)}">${escapeXml(l)}</text>`);
    });
  }
  const width = columns * cw;
  const height = Math.ceil(cells.length / columns) * ch;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" fill="#222">${texts.join('')}</g></svg>`;
  return sharp({ create: { width, height, channels: 3, background } })
    .composite([...tiles, { input: Buffer.from(svg), left: 0, top: 0 }])
    .png()
    .toBuffer();
}

export async function writePreview(dataset: Dataset, file: string, options: PreviewOptions = {}): Promise<void> {
  const count = Math.min(options.count ?? 24, dataset.size);
  const S = dataset.imageSize;
  const cells: GridCell[] = [];
  for (let i = 0; i < count; i++) {
    const item = dataset.get(Math.floor((i * dataset.size) / count));
    const label = item.captions[0] + (item.label !== undefined && dataset.classNames ? ` [${dataset.classNames[item.label]}]` : '');
    cells.push({ pixels: item.image, h: S, w: S, label });
  }
  const layout = { columns: Math.min(options.columns ?? 6, count), cellSize: options.cellSize ?? 96, lines: options.lines ?? 3, pad: 6, background: '#f4f4f4' };
  fs.writeFileSync(file, await labelledGrid(cells, layout));
}
