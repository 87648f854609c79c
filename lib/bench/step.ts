/** One benchmarked training step: model + objective mix + Adam (mvlm's AdamW, decay 0) on a fixed synthetic batch. */
import * as tf from '@tensorflow/tfjs';
import { VisionLanguageModel } from '../models';
import { ObjectiveMix, TrainBatch } from '../objectives';
import { Rng } from '../random';
import { AdamW } from '../train/adamw';
import { BENCH_TEXT, BenchConfig, disposeBatch, syntheticBatch } from './configs';

export interface BenchStep {
  cfg: BenchConfig;
  model: VisionLanguageModel;
  /** The weighted loss (training mode, step-seeded masks): a closure for tf.profile / variableGrads. */
  loss(i: number): tf.Scalar;
  /** Forward, backward and one Adam update. */
  step(i: number): void;
  dispose(): void;
}

export function buildStep(cfg: BenchConfig, seed = 0): BenchStep {
  const model = new VisionLanguageModel(cfg.model, BENCH_TEXT, seed);
  const mix = new ObjectiveMix(cfg.objectives);
  const batch: TrainBatch = syntheticBatch(cfg, BENCH_TEXT, seed + 1);
  try {
    mix.check(model);
    mix.prepare(model, { sampleImages: () => batch.images.clone() });
  } catch (e) {
    model.dispose();
    disposeBatch(batch);
    throw e;
  }
  const optimizer = new AdamW(model.store, { weightDecay: 0 });
  const trainable = model.store.trainable();
  const vars = trainable.map((p) => p.variable);
  const storeName = new Map(trainable.map((p) => [p.variable.name, p.name]));
  const loss = (i: number): tf.Scalar => {
    const rng = new Rng(1000 + i);
    return mix.loss({ model, batch, rng, ctx: { training: true, rng } }).total;
  };
  return {
    cfg,
    model,
    loss,
    step: (i) => {
      const { value, grads } = tf.variableGrads(() => loss(i), vars);
      optimizer.apply(new Map(Object.entries(grads).map(([v, g]) => [storeName.get(v)!, g])), 1e-4);
      tf.tidy(() => model.afterStep());
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose: () => {
      optimizer.dispose();
      disposeBatch(batch);
      model.dispose();
    },
  };
}
