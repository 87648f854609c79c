/**
 * Captions of a shapes scene from a small grammar with paraphrases, and for each caption hard
 * negatives that swap exactly one thing: a colour, a shape, a size (of one object) or the relation.
 */
import { Rng } from '../../random';
import { HardNegative } from '../types';
import { COLOUR_NAMES, INVERSE, RELATIONS, SHAPES, SIZES, Scene, SceneObject } from './scene';

type Look = Pick<SceneObject, 'shape' | 'colour' | 'size'>;

/** A caption as a template over the scene's looks (and relation), so one slot can be swapped. */
interface CaptionPlan {
  render(looks: Look[], relation?: string): string;
  /** The relation as this caption states it (a paraphrase may state the inverse). */
  relationShown?: (relation: string) => string;
}

const phrase = (o: Look) => `${o.size} ${o.colour} ${o.shape}`;

function plans(scene: Scene): CaptionPlan[] {
  const n = scene.objects.length;
  if (n === 1) {
    return [
      { render: ([a]) => `a ${phrase(a)}` },
      { render: ([a]) => `a picture of a ${phrase(a)}` },
      { render: ([a]) => `there is a ${phrase(a)} on a white background` },
    ];
  }
  if (n === 2) {
    const same = (r: string) => r;
    const inverse = (r: string) => INVERSE[r];
    return [
      { render: ([a, b], r) => `a ${phrase(a)} ${r} a ${phrase(b)}`, relationShown: same },
      { render: ([a, b], r) => `a ${phrase(b)} ${INVERSE[r!]} a ${phrase(a)}`, relationShown: inverse },
      { render: ([a, b], r) => `two shapes: a ${phrase(a)} ${r} a ${phrase(b)}`, relationShown: same },
    ];
  }
  const list = (looks: Look[]) => `a ${phrase(looks[0])}, a ${phrase(looks[1])} and a ${phrase(looks[2])}`;
  return [{ render: (looks) => `three shapes: ${list(looks)}` }, { render: (looks) => list(looks) }];
}

const ATTRIBUTE_VALUES: Record<'colour' | 'shape' | 'size', readonly string[]> = { colour: COLOUR_NAMES, shape: SHAPES, size: SIZES };

function pickOther(rng: Rng, values: readonly string[], current: string): string {
  const others = values.filter((v) => v !== current);
  return others[rng.int(others.length)];
}

/** Captions and, per caption, one negative of each kind that applies (relation only when stated). */
export function captionScene(scene: Scene, rng: Rng): { captions: string[]; negatives: HardNegative[] } {
  const looks: Look[] = scene.objects.map(({ shape, colour, size }) => ({ shape, colour, size }));
  const captions: string[] = [];
  const negatives: HardNegative[] = [];
  plans(scene).forEach((plan, captionIndex) => {
    const caption = plan.render(looks, scene.relation);
    captions.push(caption);
    for (const kind of ['colour', 'shape', 'size'] as const) {
      const k = rng.int(looks.length);
      const from = looks[k][kind];
      const to = pickOther(rng, ATTRIBUTE_VALUES[kind], from);
      const swapped = looks.map((l, j) => (j === k ? { ...l, [kind]: to } : l));
      negatives.push({ kind, caption: plan.render(swapped, scene.relation), captionIndex, from, to });
    }
    if (scene.relation && plan.relationShown) {
      const to = pickOther(rng, RELATIONS, scene.relation);
      negatives.push({
        kind: 'relation',
        caption: plan.render(looks, to),
        captionIndex,
        from: plan.relationShown(scene.relation),
        to: plan.relationShown(to),
      });
    }
  });
  return { captions, negatives };
}
