/** A trained model back from a checkpoint: its config, tokenizer, weights and objectives. */
import * as path from 'path';
import { SubwordTokenizer } from '../data';
import { VisionLanguageModel } from '../models';
import { ObjectiveMix } from '../objectives';
import { disposeCheckpoint, loadCheckpoint } from '../train';
import { ExperimentConfig, ExperimentConfigSchema } from './config';
import { buildModel } from './setup';
import { checkpointTokenizer, resolveCheckpoint } from './checkpoint_dir';
import { validateConfig } from '../config';

export interface TrainedModel {
  dir: string;
  step: number;
  config: ExperimentConfig;
  tokenizer: SubwordTokenizer;
  model: VisionLanguageModel;
  objectives: ObjectiveMix;
}


export async function loadTrainedModel(dirOrRun: string): Promise<TrainedModel> {
  const dir = resolveCheckpoint(dirOrRun);
  const ck = loadCheckpoint(dir);
  try {
    const config = validateConfig(ExperimentConfigSchema, ck.state.config, path.join(dir, 'state.json'));
    const tokenizer = checkpointTokenizer(dir);
    const model = await buildModel(config, tokenizer);
    try {
      model.store.assign(ck.model);
    } catch (e) {
      model.dispose();
      throw new Error(`${dir}: ${(e as Error).message}`);
    }
    return { dir, step: ck.step, config, tokenizer, model, objectives: new ObjectiveMix(config.objectives) };
  } finally {
    disposeCheckpoint(ck);
  }
}
