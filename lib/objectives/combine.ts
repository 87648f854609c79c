/** The one place where loss terms become the training loss: Σ objective weight · term weight · term. */
import * as tf from '@tensorflow/tfjs';
import { VisionLanguageModel } from '../models';
import { FeaturesCollected } from './global_batch';
import { ObjectiveSpec, createObjective } from './registry';
import { Objective, PrepareData, Reconstruction, StepInputs } from './types';

export interface WeightedObjective {
  objective: Objective;
  weight: number;
}

export interface CombinedLoss {
  total: tf.Scalar;
  /** Every term, unweighted, named `objective/term`. */
  terms: Record<string, tf.Scalar>;
}

export class ObjectiveMix {
  readonly parts: WeightedObjective[];

  constructor(specs: ObjectiveSpec[]) {
    if (specs.length === 0) throw new Error('objectives: the list is empty; name at least one objective');
    this.parts = specs.map((s, i) => createObjective(s, `objectives[${i}]`));
    const names = this.parts.map((p) => p.objective.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new Error(`objectives: '${dup}' is listed twice`);
  }

  get names(): string[] {
    return this.parts.map((p) => p.objective.name);
  }

  /** True when some objective with a non-zero weight trains the image and text projections. */
  get trainsJointSpace(): boolean {
    return this.parts.some((p) => p.weight > 0 && p.objective.trainsJointSpace === true);
  }

  /** Fail at start, naming every module an objective needs and the model lacks. */
  check(model: VisionLanguageModel): void {
    for (const { objective } of this.parts) model.requireModules(objective.name, objective.needs);
  }

  /** Freeze what the objectives keep frozen (before the optimizer exists); returns the prefixes. */
  freeze(model: VisionLanguageModel): string[] {
    const prefixes = [...new Set(this.parts.flatMap((p) => p.objective.freezes ?? []))];
    for (const { objective } of this.parts) {
      for (const need of objective.needs) {
        const frozen = prefixes.find((p) => `${need}.` === p && !(objective.freezes ?? []).includes(p));
        if (frozen) throw new Error(`objectives: '${objective.name}' trains ${need} but another objective of the mix keeps '${frozen}*' frozen`);
      }
    }
    for (const prefix of prefixes) {
      if (model.store.setTrainable(prefix, false) === 0) throw new Error(`objectives: nothing to freeze under '${prefix}' (the model has no such params)`);
    }
    return prefixes;
  }

  async prepare(model: VisionLanguageModel, data: PrepareData): Promise<void> {
    for (const { objective } of this.parts) await objective.prepare?.(model, data);
  }

  /**
   * What each masked objective predicts on a batch (eval mode: pass ctx { training: false }),
   * keyed by objective name. Intermediates are freed; the caller disposes the result with
   * `disposeReconstructions`.
   */
  reconstruct(inputs: StepInputs): Record<string, Reconstruction> {
    const out: Record<string, Reconstruction> = {};
    for (const { objective } of this.parts) {
      if (!objective.reconstruct) continue;
      const rng = inputs.rng.fork(objective.name);
      // tidy keeps the tensors nested in the returned object and frees the forward's intermediates
      out[objective.name] = tf.tidy(() => objective.reconstruct!({ ...inputs, rng }) as unknown as tf.TensorContainer) as unknown as Reconstruction;
    }
    return out;
  }

  /** True when some objective compares features across the whole batch (data parallelism gathers them). */
  get gathersFeatures(): boolean {
    return this.parts.some((p) => p.objective.gathersFeatures === true);
  }

  /**
   * Data-parallel first pass over a shard (`inputs.shard` set, no gradient): the features each
   * feature-gathering objective compares across the batch, keyed `objective/feature`, kept; the
   * caller disposes them. Runs each such objective only up to its `gatherRows` call.
   */
  collect(inputs: StepInputs): Record<string, tf.Tensor> {
    if (!inputs.shard) throw new Error('ObjectiveMix.collect: needs a sharded batch (inputs.shard)');
    const out: Record<string, tf.Tensor> = {};
    for (const { objective } of this.parts) {
      if (!objective.gathersFeatures) continue;
      const collect: Record<string, tf.Tensor> = {};
      try {
        tf.tidy(() => {
          objective.terms(this.objectiveInputs(inputs, objective, { collect, gathered: undefined }));
        });
      } catch (e) {
        if (!(e instanceof FeaturesCollected)) {
          tf.dispose(Object.values(out));
          throw e;
        }
      }
      if (Object.keys(collect).length === 0) throw new Error(`${objective.name}: says it gathers features but its terms never called gatherRows`);
      for (const [k, t] of Object.entries(collect)) out[`${objective.name}/${k}`] = t;
    }
    return out;
  }

  /** An objective's inputs: its own rng fork, and its own keys of the shard's features. */
  private objectiveInputs(inputs: StepInputs, objective: Objective, features?: Pick<NonNullable<StepInputs['shard']>, 'collect' | 'gathered'>): StepInputs {
    const rng = inputs.rng.fork(objective.name);
    if (!inputs.shard) return { ...inputs, rng };
    const prefix = `${objective.name}/`;
    const gathered = inputs.shard.gathered
      ? Object.fromEntries(Object.entries(inputs.shard.gathered).filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]))
      : undefined;
    return { ...inputs, rng, shard: { ...inputs.shard, gathered, collect: undefined, ...features } };
  }

  /** Weighted total and every named term; each objective draws from its own fork of the step rng. */
  loss(inputs: StepInputs): CombinedLoss {
    const terms: Record<string, tf.Scalar> = {};
    let total: tf.Scalar | null = null;
    for (const { objective, weight } of this.parts) {
      const own = objective.terms(this.objectiveInputs(inputs, objective));
      for (const [term, value] of Object.entries(own)) {
        terms[`${objective.name}/${term}`] = value;
        const w = weight * (objective.termWeights?.[term] ?? 1);
        const weighted = value.mul(w) as tf.Scalar;
        total = total ? (total.add(weighted) as tf.Scalar) : weighted;
      }
    }
    return { total: total!, terms };
  }
}

/** Free every tensor of `ObjectiveMix.reconstruct`'s result. */
export function disposeReconstructions(r: Record<string, Reconstruction>): void {
  for (const { pixels, tokens } of Object.values(r)) {
    const held: (tf.Tensor | undefined)[] = [pixels?.pred, pixels?.target, pixels?.mask];
    for (const t of Object.values(tokens ?? {})) held.push(t.logits, t.labels);
    tf.dispose(held.filter((t): t is tf.Tensor => t !== undefined));
  }
}
