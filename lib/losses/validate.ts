/** Shape, dtype and scalar checks shared by the losses; every message names the loss and the arguments. */
import * as tf from '@tensorflow/tfjs';

/** A logit scale or bias: a plain number (fixed) or a tf.Scalar (trained). */
export type ScalarLike = number | tf.Scalar;

const fmt = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/**
 * Check tensors against letter patterns, e.g. `{ pred: [pred, 'B N P'], mask: [mask, 'B N'] }`.
 * A letter binds to the first size seen; a later disagreement names both arguments and shapes.
 * Digits stand for fixed sizes (`'N 2'`). Returns the bound sizes.
 */
export function checkShapes(
  fn: string,
  spec: Record<string, [tf.Tensor, string]>,
): Record<string, number> {
  const sizes: Record<string, number> = {};
  const firstSeen: Record<string, string> = {};
  for (const [name, [t, pattern]] of Object.entries(spec)) {
    if (!(t instanceof tf.Tensor)) throw new Error(`${fn}: ${name} must be a tf.Tensor [${pattern.split(' ')}]`);
    const dims = pattern.split(' ');
    if (t.rank !== dims.length) {
      throw new Error(`${fn}: ${name} must be [${dims}] (rank ${dims.length}), got shape ${fmt(t.shape)}`);
    }
    dims.forEach((d, axis) => {
      const size = t.shape[axis];
      if (/^\d+$/.test(d)) {
        if (size !== Number(d)) throw new Error(`${fn}: ${name} must be [${dims}], got shape ${fmt(t.shape)}`);
        return;
      }
      if (sizes[d] === undefined) {
        sizes[d] = size;
        firstSeen[d] = name;
      } else if (sizes[d] !== size) {
        const other = firstSeen[d];
        throw new Error(
          `${fn}: ${name} has shape ${fmt(t.shape)} but ${other} has shape ${fmt(spec[other][0].shape)}; ` +
            `${d} must agree (${name} [${dims}], ${other} [${spec[other][1].split(' ')}])`,
        );
      }
    });
  }
  return sizes;
}

/** Require an int32 tensor (labels, token ids). */
export function checkInt(fn: string, name: string, t: tf.Tensor): void {
  if (t.dtype !== 'int32') throw new Error(`${fn}: ${name} must be int32, got ${t.dtype} (shape ${fmt(t.shape)})`);
}

/** Turn a number or tf.Scalar into a tf.Scalar (call inside tf.tidy so a created scalar is freed). */
export function toScalar(fn: string, name: string, x: ScalarLike): tf.Scalar {
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new Error(`${fn}: ${name} must be finite, got ${x}`);
    return tf.scalar(x);
  }
  if (!(x instanceof tf.Tensor) || x.rank !== 0) {
    const shape = x instanceof tf.Tensor ? fmt(x.shape) : typeof x;
    throw new Error(`${fn}: ${name} must be a number or a tf.Scalar (shape []), got ${shape}`);
  }
  return x;
}
