/** Runs that cannot learn, refused before step 1 with the reason (instead of training for nothing). */
import { ObjectiveMix } from '../objectives';
import { ExperimentConfig } from './config';

/**
 * Throws when `config` cannot learn: every objective weight 0, or an objective whose loss needs the
 * other rows of the batch (`batchCoupled`) fed one row per loss (`rowsPerLoss`: the batch size; a
 * data-parallel run's shards see the whole batch, so it is the batch size there too).
 */
export function checkCanLearn(config: ExperimentConfig, rowsPerLoss = config.data.batchSize): void {
  const mix = new ObjectiveMix(config.objectives);
  if (mix.parts.every((p) => p.weight === 0)) {
    const listed = mix.parts.map((p, i) => `objectives[${i}] ${p.objective.name} weight 0`).join(', ');
    throw new Error(`this run cannot learn: every objective has weight 0 (${listed}), so the loss is 0 and no gradient flows; give at least one a weight > 0`);
  }
  if (rowsPerLoss > 1) return;
  const coupled = mix.parts.filter((p) => p.weight > 0 && p.objective.batchCoupled).map((p) => p.objective.name);
  if (coupled.length === 0) return;
  const where = rowsPerLoss === config.data.batchSize ? `data.batchSize is ${config.data.batchSize}` : `each data-parallel shard holds ${rowsPerLoss} row (data.batchSize ${config.data.batchSize})`;
  throw new Error(
    `this run cannot learn: ${coupled.join(', ')} ${coupled.length > 1 ? 'contrast' : 'contrasts'} each row with the other rows of its batch, and ${where}, so there are no negatives; use a batch of at least 2`,
  );
}
