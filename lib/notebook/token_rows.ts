/** Token sequences drawn as rows of boxes (an SVG string), marked boxes highlighted: text masks, predictions. */
import { escapeXml } from '../data/preview';

export interface TokenRow {
  /** Row title shown on the left, e.g. 'input' or 'predicted'. */
  label: string;
  tokens: string[];
  /** [T] true where the box is highlighted (masked / predicted); default none. */
  marked?: boolean[];
}

export interface TokenRowsOptions {
  rows: TokenRow[];
  /** Highlight fill; default a light orange. */
  markColour?: string;
}

const CHAR_W = 7;
const FONT = 12;

/** An SVG with one row of token boxes per entry; column widths fit the longest token of each column. */
export function tokenRowsSvg({ rows, markColour = '#ffc78a' }: TokenRowsOptions): string {
  if (rows.length === 0) throw new Error('tokenRowsSvg: rows is empty');
  rows.forEach((r, i) => {
    if (r.marked && r.marked.length !== r.tokens.length) {
      throw new Error(`tokenRowsSvg: rows[${i}] has ${r.tokens.length} tokens but ${r.marked.length} marks`);
    }
  });
  const columns = Math.max(...rows.map((r) => r.tokens.length));
  const widths = Array.from({ length: columns }, (_, t) => Math.max(24, ...rows.map((r) => (r.tokens[t]?.length ?? 0) * CHAR_W + 10)));
  const labelW = Math.max(...rows.map((r) => r.label.length)) * CHAR_W + 12;
  const rowH = 26;
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = 4 + i * rowH;
    parts.push(`<text x="4" y="${y + 16}" fill="#555">${escapeXml(r.label)}</text>`);
    let x = labelW;
    r.tokens.forEach((tok, t) => {
      const fill = r.marked?.[t] ? markColour : '#eef1f5';
      parts.push(`<rect x="${x}" y="${y}" width="${widths[t] - 4}" height="${rowH - 6}" rx="3" fill="${fill}" stroke="#9aa4b1"/>`);
      parts.push(`<text x="${x + (widths[t] - 4) / 2}" y="${y + 14}" text-anchor="middle">${escapeXml(tok)}</text>`);
      x += widths[t];
    });
  });
  const width = labelW + widths.reduce((a, b) => a + b, 0) + 4;
  const height = rows.length * rowH + 6;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<g font-family="DejaVu Sans Mono, monospace" font-size="${FONT}" fill="#222">${parts.join('')}</g></svg>`
  );
}
