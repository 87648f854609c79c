/** Shared test helpers. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';

/** Run `fn` and assert it leaves `tf.memory().numTensors` unchanged. */
export async function expectNoLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  const after = tf.memory().numTensors;
  expect(after, `tensor leak: ${after - before} tensors left behind`).to.equal(before);
  return out;
}

/** Run `fn` with console.log/error captured; returns its result and the printed text. */
export async function captured<T>(fn: () => Promise<T>): Promise<{ result: T; out: string; err: string }> {
  const [log, error] = [console.log, console.error];
  let out = '';
  let err = '';
  console.log = (...a: unknown[]) => void (out += a.join(' ') + '\n');
  console.error = (...a: unknown[]) => void (err += a.join(' ') + '\n');
  try {
    return { result: await fn(), out, err };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

/** Max relative error |a-b| / max(|b|, floor) over two flat arrays of equal length. */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-6): number {
  expect(actual.length, 'length').to.equal(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor);
    worst = Math.max(worst, err);
  }
  return worst;
}

/**
 * ‖actual − expected‖ / ‖expected‖ over two flat arrays: the measure for results whose summation
 * order differs (another kernel or BLAS blocking), where one near-zero entry's relative error is noise.
 */
export function normRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length, 'length').to.equal(expected.length);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < actual.length; i++) {
    diff += (actual[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  return Math.sqrt(diff / Math.max(norm, 1e-30));
}

/** The error `p` rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}
