/**
 * `shapes`: unlimited seeded synthetic scenes. Item i of split s and seed k is always the same
 * scene (its own Rng stream), so any size is free; defaults train 5000, test 500. Label: the
 * shape of the first-named object; attributes: the scene; negatives: hard negative captions.
 */
import { Rng } from '../../random';
import { Dataset, Item, ItemMeta, LoadOptions, Split, checkIndex } from '../types';
import { captionScene } from './captions';
import { renderScene } from './render';
import { SHAPES, Scene, sampleScene } from './scene';

export { COLOURS, COLOUR_NAMES, RELATIONS, SHAPES, SIZES, sampleScene } from './scene';
export type { Scene, SceneObject } from './scene';
export { renderScene } from './render';
export { captionScene } from './captions';

export const SHAPES_DEFAULT_SIZES: Record<Split, number> = { train: 5000, test: 500 };

type ShapesOptions = Required<Pick<LoadOptions, 'split' | 'imageSize'>> & LoadOptions;

/** Scenes of one split, or for `all` the train scenes followed by the test scenes. */
export function loadShapes(opts: ShapesOptions): Dataset {
  if (opts.split !== 'all') return loadShapesSplit({ ...opts, split: opts.split });
  const train = loadShapesSplit({ ...opts, split: 'train' });
  const test = loadShapesSplit({ ...opts, split: 'test' });
  const part = (i: number) => (Number.isInteger(i) && i >= train.size ? { d: test, j: i - train.size } : { d: train, j: i });
  return {
    ...train,
    split: 'all',
    size: train.size + test.size,
    splitSizes: { train: train.size, test: test.size },
    meta(i: number): ItemMeta {
      checkIndex('shapes', i, train.size + test.size);
      const { d, j } = part(i);
      return d.meta(j);
    },
    get(i: number): Item {
      checkIndex('shapes', i, train.size + test.size);
      const { d, j } = part(i);
      return d.get(j);
    },
  };
}

function loadShapesSplit(opts: ShapesOptions & { split: Split }): Dataset {
  const seed = opts.seed ?? 0;
  const size = opts.size ?? SHAPES_DEFAULT_SIZES[opts.split];
  if (!Number.isInteger(size) || size < 1) throw new Error(`shapes: size must be a positive integer, got ${size}`);
  const root = new Rng(seed);
  const build = (i: number): { scene: Scene; meta: ItemMeta } => {
    checkIndex('shapes', i, size);
    const rng = root.fork(`${opts.split}:${i}`);
    const scene = sampleScene(rng);
    const { captions, negatives } = captionScene(scene, rng.fork('captions'));
    const label = SHAPES.indexOf(scene.objects[0].shape as (typeof SHAPES)[number]);
    const attributes = { ...scene, count: scene.objects.length };
    return { scene, meta: { id: `shapes-${seed}-${opts.split}-${i}`, captions, label, attributes, negatives } };
  };
  return {
    name: 'shapes',
    split: opts.split,
    size,
    imageSize: opts.imageSize,
    splitSizes: { ...SHAPES_DEFAULT_SIZES, [opts.split]: size },
    classNames: [...SHAPES],
    skipped: [],
    meta: (i: number) => build(i).meta,
    get(i: number): Item {
      const { scene, meta } = build(i);
      return { ...meta, image: renderScene(scene, opts.imageSize) };
    },
  };
}
