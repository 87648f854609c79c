/**
 * Scenes of the synthetic `shapes` dataset: 1-3 objects, each a shape, a colour, a size and a
 * position, in unit coordinates (x right, y down). Two-object scenes have a relation that the
 * layout makes unambiguous; the objects of a scene always differ in some attribute.
 */
import { Rng } from '../../random';

export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'cross', 'star'] as const;
export const COLOURS: Record<string, [number, number, number]> = {
  red: [220, 30, 30],
  orange: [245, 140, 20],
  yellow: [235, 205, 20],
  green: [40, 160, 50],
  cyan: [30, 195, 215],
  blue: [35, 70, 215],
  purple: [135, 50, 185],
  pink: [245, 120, 190],
  brown: [125, 75, 35],
  black: [20, 20, 20],
};
export const COLOUR_NAMES = Object.keys(COLOURS);
export const SIZES = ['small', 'large'] as const;
/** `a REL b`: a is left of / right of / above / below b. */
export const RELATIONS = ['left of', 'right of', 'above', 'below'] as const;
export const INVERSE: Record<string, string> = { 'left of': 'right of', 'right of': 'left of', above: 'below', below: 'above' };
/** Half-extent of a shape by size, in units of the image side. */
export const RADIUS: Record<string, number> = { small: 0.09, large: 0.15 };

export interface SceneObject {
  shape: string;
  colour: string;
  size: string;
  /** Centre in [0, 1]^2, x right, y down. */
  x: number;
  y: number;
}

export interface Scene {
  objects: SceneObject[];
  /** Two-object scenes: objects[0] RELATION objects[1]. */
  relation?: string;
}

const describe = (o: Pick<SceneObject, 'shape' | 'colour' | 'size'>) => `${o.size} ${o.colour} ${o.shape}`;

function sampleLook(rng: Rng): Pick<SceneObject, 'shape' | 'colour' | 'size'> {
  return { shape: SHAPES[rng.int(SHAPES.length)], colour: COLOUR_NAMES[rng.int(COLOUR_NAMES.length)], size: SIZES[rng.int(SIZES.length)] };
}

/** Distinct-looking objects, so a caption never names two identical things. */
function sampleLooks(rng: Rng, n: number): Pick<SceneObject, 'shape' | 'colour' | 'size'>[] {
  const looks: Pick<SceneObject, 'shape' | 'colour' | 'size'>[] = [];
  while (looks.length < n) {
    const look = sampleLook(rng);
    if (!looks.some((l) => describe(l) === describe(look))) looks.push(look);
  }
  return looks;
}

/** One scene from its own stream: the same `rng` state gives the same scene. */
export function sampleScene(rng: Rng): Scene {
  const count = 1 + rng.int(3);
  const looks = sampleLooks(rng, count);
  const jitter = (c: number, amount: number) => c + rng.uniform(-amount, amount);
  if (count === 1) {
    return { objects: [{ ...looks[0], x: jitter(0.5, 0.2), y: jitter(0.5, 0.2) }] };
  }
  if (count === 2) {
    const relation = RELATIONS[rng.int(RELATIONS.length)];
    // Along the relation's axis the two centres are >= 0.4 apart; across it, < 0.2.
    const along = [jitter(0.25, 0.04), jitter(0.75, 0.04)];
    const across = jitter(0.5, 0.12);
    const other = () => across + rng.uniform(-0.08, 0.08);
    const first = relation === 'left of' || relation === 'above' ? 0 : 1;
    const horizontal = relation === 'left of' || relation === 'right of';
    const place = (k: number) => (horizontal ? { x: along[k], y: other() } : { x: other(), y: along[k] });
    return { objects: [{ ...looks[0], ...place(first) }, { ...looks[1], ...place(1 - first) }], relation };
  }
  // Three objects in three distinct cells of a 3x3 grid, listed in reading order.
  const cells = rng.permutation(9).slice(0, 3).sort((a, b) => a - b);
  const objects = cells.map((c, k) => ({ ...looks[k], x: jitter(((c % 3) + 0.5) / 3, 0.02), y: jitter((Math.floor(c / 3) + 0.5) / 3, 0.02) }));
  return { objects };
}
