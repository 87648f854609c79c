/** Rasterise a shapes scene into float32 [S, S, 3] on white, with 4x4 supersampled coverage. */
import { COLOURS, RADIUS, Scene } from './scene';

type Point = [number, number];

/** Star and polygon outlines, in units of the radius, centred at 0 (y down). */
const STAR: Point[] = Array.from({ length: 10 }, (_, k) => {
  const angle = -Math.PI / 2 + (k * Math.PI) / 5;
  const r = k % 2 === 0 ? 1.1 : 0.45;
  return [r * Math.cos(angle), r * Math.sin(angle) + 0.08] as Point;
});
const TRIANGLE: Point[] = [[0, -1], [1, 0.8], [-1, 0.8]];
const DIAMOND: Point[] = [[0, -1.15], [1.15, 0], [0, 1.15], [-1.15, 0]];

/** Even-odd point-in-polygon. */
function inPolygon(x: number, y: number, poly: Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Is (u, v) (offset from the centre in radii) inside `shape`? */
export function insideShape(shape: string, u: number, v: number): boolean {
  switch (shape) {
    case 'circle':
      return u * u + v * v <= 1;
    case 'square':
      return Math.abs(u) <= 0.85 && Math.abs(v) <= 0.85;
    case 'triangle':
      return inPolygon(u, v, TRIANGLE);
    case 'diamond':
      return inPolygon(u, v, DIAMOND);
    case 'cross':
      return (Math.abs(u) <= 0.35 && Math.abs(v) <= 1) || (Math.abs(v) <= 0.35 && Math.abs(u) <= 1);
    case 'star':
      return inPolygon(u, v, STAR);
    default:
      throw new Error(`shapes: unknown shape '${shape}'`);
  }
}

const SUB = 4;

export function renderScene(scene: Scene, size: number): Float32Array {
  const image = new Float32Array(size * size * 3).fill(1);
  for (const o of scene.objects) {
    const r = RADIUS[o.size];
    const rgb = COLOURS[o.colour].map((c) => c / 255);
    // Only pixels of the bounding box (1.2 r covers every outline above) can be touched.
    const lo = (c: number) => Math.max(0, Math.floor((c - 1.2 * r) * size));
    const hi = (c: number) => Math.min(size - 1, Math.ceil((c + 1.2 * r) * size));
    for (let py = lo(o.y); py <= hi(o.y); py++) {
      for (let px = lo(o.x); px <= hi(o.x); px++) {
        let hits = 0;
        for (let sy = 0; sy < SUB; sy++) {
          for (let sx = 0; sx < SUB; sx++) {
            const u = ((px + (sx + 0.5) / SUB) / size - o.x) / r;
            const v = ((py + (sy + 0.5) / SUB) / size - o.y) / r;
            if (insideShape(o.shape, u, v)) hits++;
          }
        }
        if (hits === 0) continue;
        const a = hits / (SUB * SUB);
        const p = (py * size + px) * 3;
        for (let c = 0; c < 3; c++) image[p + c] = image[p + c] * (1 - a) + rgb[c] * a;
      }
    }
  }
  return image;
}
