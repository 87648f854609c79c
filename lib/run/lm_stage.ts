/**
 * The LM stage: a run that bridges images to a frozen LM (`frozen`, `qformer`) with no
 * `model.lm.checkpoint` first trains mvlm's small LM alone (the `lm` objective on the training
 * captions, `model.lm.stageSteps` steps) into RUN/lm, says so, and then points the bridge at it.
 * A finished RUN/lm is reused (resume, or a second start), so the stage runs once per run folder.
 * A run without a folder trains it in a temporary folder, removed by `cleanup` when the run ends.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LM_PREFIX } from '../models';
import { ObjectiveMix } from '../objectives';
import { listCheckpoints, newestGoodCheckpoint, readCheckpointState } from '../train';
import { ExperimentConfig } from './config';

/** Where the stage keeps its LM inside the run folder. */
export const LM_STAGE_DIR = 'lm';

/** True when an objective of the mix keeps the LM frozen (it then needs a trained one). */
export function bridgesFrozenLm(config: ExperimentConfig): boolean {
  return new ObjectiveMix(config.objectives).parts.some((p) => p.weight > 0 && (p.objective.freezes ?? []).includes(LM_PREFIX));
}

/** The config of the LM stage of `config`: same data, tokenizer settings, seed and widths; only the `lm` objective. */
export function lmStageConfig(config: ExperimentConfig): ExperimentConfig {
  const lm = config.model.lm!;
  return {
    ...config,
    description: `LM stage (mvlm's small causal LM on the training captions) of: ${config.description ?? 'a bridged run'}`,
    model: { ...config.model, lm: { ...lm, checkpoint: null }, prefix: null, qformer: null, imageFrom: null },
    objectives: [{ name: 'lm', weight: 1 }],
    train: { ...config.train, steps: lm.stageSteps, decaySteps: undefined },
    evalEvery: 0,
  };
}

function finishedStep(dir: string): number {
  if (listCheckpoints(dir).length === 0) return 0;
  try {
    return readCheckpointState(newestGoodCheckpoint(dir, () => undefined)).step;
  } catch {
    return 0;
  }
}

export interface LmStage {
  config: ExperimentConfig;
  /** Removes a temporary LM folder (a run without a folder); a no-op otherwise. */
  cleanup(): void;
}

/**
 * `config` with `model.lm.checkpoint` set: unchanged when it is set already or nothing needs a
 * frozen LM; otherwise the LM stage is trained (by `train`) or reused in OUT/lm.
 */
export async function ensureLanguageModel(
  config: ExperimentConfig,
  out: string | undefined,
  train: (stage: ExperimentConfig, out: string) => Promise<{ experiment: { model: { dispose(): void } } }>,
  log: (msg: string) => void = console.error,
): Promise<LmStage> {
  const none = { config, cleanup: () => undefined };
  if (!bridgesFrozenLm(config) || config.model.lm?.checkpoint) return none;
  const lm = config.model.lm;
  if (!lm) throw new Error(`objectives ${config.objectives.map((o) => o.name).join(', ')} bridge to a frozen LM: set model.lm (and model.lm.checkpoint for a trained one)`);
  const temp = out ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-lm-stage-'));
  const dir = temp ?? path.join(out!, LM_STAGE_DIR);
  const cleanup = () => temp && fs.rmSync(temp, { recursive: true, force: true });
  try {
    const done = finishedStep(dir);
    if (done >= lm.stageSteps) {
      log(`LM stage: reusing the LM trained for ${done} steps in ${dir}`);
    } else {
      log(`LM stage: no model.lm.checkpoint, so the small causal LM is trained first on the training captions (${lm.stageSteps} steps) into ${dir}${temp ? ' (temporary: no run folder)' : ''}; it stays frozen afterwards`);
      const run = await train(lmStageConfig(config), dir);
      run.experiment.model.dispose();
      log('LM stage: done; the bridge trains next with the LM frozen');
    }
  } catch (e) {
    cleanup();
    throw e;
  }
  return { config: { ...config, model: { ...config.model, lm: { ...lm, checkpoint: dir } } }, cleanup };
}
