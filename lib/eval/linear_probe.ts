/**
 * Linear probe: multinomial logistic regression on frozen features, trained in tfjs with Adam.
 *
 * Features are standardised with the train split's mean and std. For each L2 strength λ of the
 * grid a fresh model (zero init) minimises mean cross-entropy + λ‖W‖² (bias not penalised) on
 * train; λ is chosen by validation accuracy (ties → the larger λ); the chosen model's test accuracy
 * is reported. The model is not refit on train + val. Zero init and full-batch steps make it
 * deterministic; with `batchSize`, minibatch order comes from `seed`.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import { DenseInput, IntInput, asMatrix, checkDim, checkIndices, finiteOwned, mean, shapeOf, toInts } from './inputs';
import { balancedAccuracyItems } from './classification';

export interface LinearProbeInput {
  /** `[Ntr, D]` train features. */
  trainX: DenseInput;
  /** `[Ntr]` train labels in [0, numClasses). */
  trainY: IntInput;
  /** `[Nva, D]` validation features (choose λ). */
  valX: DenseInput;
  valY: IntInput;
  /** `[Nte, D]` test features (report). */
  testX: DenseInput;
  testY: IntInput;
  /** C ≥ 2. */
  numClasses: number;
  /** L2 strengths to try (default [1e-4, 1e-3, 1e-2, 1e-1]). */
  l2Grid?: number[];
  /** Adam steps per λ (default 200). */
  steps?: number;
  /** Adam learning rate (default 0.1). */
  lr?: number;
  /** Seeds minibatch order when `batchSize` is set (default 0). */
  seed?: number;
  /** Minibatch size; default full batch. */
  batchSize?: number;
}

export interface LinearProbeResult {
  testAccuracy: number;
  /** Mean recall over the classes present in `testY`. */
  testBalancedAccuracy: number;
  /** `[Nte]` 1 where the chosen model's test prediction is right. */
  testCorrect: Uint8Array;
  valAccuracy: number;
  trainAccuracy: number;
  /** The chosen L2 strength. */
  l2: number;
  /** Validation accuracy for each λ of the grid, in grid order. */
  valAccuracyByL2: number[];
}

interface Split { x: tf.Tensor2D; y: Int32Array; name: string }

export async function linearProbe(input: LinearProbeInput): Promise<LinearProbeResult> {
  const { numClasses: C, l2Grid = [1e-4, 1e-3, 1e-2, 1e-1], steps = 200, lr = 0.1, seed = 0 } = input;
  if (!Number.isInteger(C) || C < 2) throw new Error(`linearProbe: numClasses must be an integer ≥ 2, got ${C}`);
  if (l2Grid.length === 0) throw new Error('linearProbe: l2Grid is empty');
  const trShape = shapeOf(input.trainX);
  for (const [xName, yName] of [['trainX', 'trainY'], ['valX', 'valY'], ['testX', 'testY']] as const) {
    const s = shapeOf(input[xName]);
    if (s.length !== 2) throw new Error(`linearProbe: ${xName} must be [N, D], got [${s}]`);
    checkDim(s, xName, 1, trShape, 'trainX', 1);
    const y = toInts(input[yName], `linearProbe: ${yName}`);
    checkIndices(y, `linearProbe: ${yName}`, s[0], C, 'numClasses');
  }
  if (trShape[0] === 0) throw new Error('linearProbe: trainX has no rows');
  const splits = await standardise(input);
  const [train, val, test] = splits;
  try {
    let best = { valAcc: -1, l2: NaN, testCorrect: new Uint8Array(0), trainAcc: NaN };
    const valAccuracyByL2: number[] = [];
    for (const l2 of l2Grid) {
      const model = fit(train, C, l2, steps, lr, input.batchSize, seed);
      try {
        const valAcc = await accuracy(model, val);
        valAccuracyByL2.push(valAcc);
        if (valAcc > best.valAcc || (valAcc === best.valAcc && l2 > best.l2)) {
          best = { valAcc, l2, testCorrect: await hits(model, test), trainAcc: await accuracy(model, train) };
        }
      } finally {
        model.w.dispose();
        model.b.dispose();
      }
    }
    const testAccuracy = mean(best.testCorrect);
    const testBalancedAccuracy = mean(balancedAccuracyItems(best.testCorrect, test.y, C));
    return {
      testAccuracy, testBalancedAccuracy, testCorrect: best.testCorrect,
      valAccuracy: best.valAcc, trainAccuracy: best.trainAcc, l2: best.l2, valAccuracyByL2,
    };
  } finally {
    for (const s of splits) s.x.dispose();
  }
}

/** The three splits as standardised `[N, D]` tensors (train mean/std; constant features keep std 1). */
async function standardise(input: LinearProbeInput): Promise<Split[]> {
  const xs = tf.tidy(() => {
    const tr = asMatrix(input.trainX, 'linearProbe: trainX');
    const { mean, variance } = tf.moments(tr, 0); // [D]
    const std = tf.where(variance.greater(1e-12), variance.sqrt(), tf.onesLike(variance));
    return [input.trainX, input.valX, input.testX].map((x, i) =>
      asMatrix(x, `linearProbe: ${['trainX', 'valX', 'testX'][i]}`).sub(mean).div(std) as tf.Tensor2D);
  });
  const names = ['train', 'val', 'test'];
  const ys = [input.trainY, input.valY, input.testY];
  const out: Split[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      out.push({ x: await finiteOwned(xs[i], `linearProbe: ${names[i]}X`), y: toInts(ys[i], names[i]), name: names[i] });
    }
  } catch (e) {
    for (const x of xs.slice(out.length + 1)) x.dispose();
    for (const s of out) s.x.dispose();
    throw e;
  }
  return out;
}

interface Model { w: tf.Variable; b: tf.Variable }

/** Adam on mean CE + λ‖W‖² from zero init; full batch unless `batchSize` < N. */
function fit(train: Split, C: number, l2: number, steps: number, lr: number, batchSize: number | undefined, seed: number): Model {
  const [N, D] = train.x.shape;
  // tidy frees the zeros; variables survive it.
  const w = tf.tidy(() => tf.variable(tf.zeros([D, C]), true)); // [D, C]
  const b = tf.tidy(() => tf.variable(tf.zeros([C]), true)); // [C]
  const opt = tf.train.adam(lr);
  const yAll = tf.tidy(() => tf.oneHot(tf.tensor1d(train.y, 'int32'), C).toFloat()); // [N, C]
  const rng = new Rng(seed); // same minibatch order for every λ of the grid
  const bs = batchSize && batchSize < N ? batchSize : N;
  let order = rng.permutation(N);
  let pos = 0;
  try {
    for (let step = 0; step < steps; step++) {
      tf.tidy(() => {
        let x: tf.Tensor2D = train.x;
        let y: tf.Tensor = yAll;
        if (bs < N) {
          if (pos + bs > N) { order = rng.permutation(N); pos = 0; }
          const idx = tf.tensor1d(order.slice(pos, pos + bs), 'int32');
          pos += bs;
          x = tf.gather(train.x, idx);
          y = tf.gather(yAll, idx);
        }
        opt.minimize(() => {
          const logits = tf.matMul(x, w).add(b); // [B, C]
          const ce = tf.losses.softmaxCrossEntropy(y, logits);
          return ce.add(w.square().sum().mul(l2)) as tf.Scalar;
        }, false, [w, b]);
      });
    }
  } finally {
    opt.dispose();
    yAll.dispose();
  }
  return { w, b };
}

/** `[N]` 1 where the model's argmax is the label. */
async function hits(model: Model, split: Split): Promise<Uint8Array> {
  const pred = tf.tidy(() => tf.matMul(split.x, model.w).add(model.b).argMax(1)); // [N]
  const p = await pred.data();
  pred.dispose();
  return Uint8Array.from(p, (v, i) => (v === split.y[i] ? 1 : 0));
}

async function accuracy(model: Model, split: Split): Promise<number> {
  return split.y.length === 0 ? NaN : mean(await hits(model, split));
}
