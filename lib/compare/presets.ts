/**
 * The study's presets: which arms run on which data, for how many steps, batch and seeds. Steps
 * are the same for every arm of a preset (matched steps); the learning curves give matched compute.
 *
 * quick (`npm start`, ≤ 10 min on 2 wasm cores): the arms that answer the question, 240 steps at
 * batch 32, and CLIP and SigLIP again at batch 16 for the batch-size finding. At 160 steps the whole
 * run took 315 s with a test suite running beside it (training 225 s); at 240 steps `npm start`
 * took 5 min 34 s on a quiet machine (clip in-style t2i R@5 0.36, cross-style 0.15; chance 0.0125). Chosen from seconds
 * per step measured on the shared machine (load ≈ 5, batch 32): clip 0.11–0.19, siglip 0.11, flip
 * 0.09, mae 0.06, clip+mae 0.20, maskvlm 0.51, flava 0.72 (1.8 s per step for the seven), plus
 * ≈ 20 s of evaluation per arm (3 curve points on one split, the final protocol with probes):
 * ≈ 290 s of training + ≈ 200 s of evaluation. CLIP reached in-style t2i R@5 0.29 at 200 steps
 * (chance 0.0125); raise steps if a quiet machine leaves room.
 * full: every arm, 3 seeds, 1000 steps, both datasets, the batch sweep 16/32/64/128.
 */
import { applyOverrides, parseSetArg, validateConfig } from '../config';
import { ARMS, Arm, armModules } from './arms';
import { ExperimentConfig, ExperimentConfigInput, ExperimentConfigSchema } from '../run/config';

/** One data setting: train on one spec, evaluate in-style (and cross-style). */
export interface DataSetting {
  /** Arm labels get `@<name>` unless this is the main setting (`emoji`). */
  name: string;
  train: string;
  /** Eval splits by metric prefix, e.g. { in: 'emoji:google', cross: 'emoji:twitter' } (test splits). */
  evalSpecs: Record<string, string>;
  arms: string[];
  /** `shapes`: training items. */
  trainSize?: number;
  /** Overrides the preset's batch size (the batch-size sweep). */
  batchSize?: number;
}

export interface ComparePreset {
  name: string;
  steps: number;
  batchSize: number;
  seeds: number[];
  /** Images per eval split (a seeded subset; undefined = all). */
  evalSize?: number;
  probe: { maxTrain: number; steps: number };
  /** Learning-curve evaluations per arm (≥ 4; the last is at the final step). */
  curvePoints: number;
  settings: DataSetting[];
}

/** The main setting: arms keep their plain names there. */
export const MAIN_SETTING = 'emoji';
const ALL = ARMS.map((a) => a.name);
const EMOJI_EVAL = { in: 'emoji:google', cross: 'emoji:twitter' };
const emoji = (arms: string[]): DataSetting => ({ name: MAIN_SETTING, train: 'emoji:google', evalSpecs: EMOJI_EVAL, arms });
/** CLIP and SigLIP on emoji at another batch size: arms `clip@b16`, `siglip@b16`. */
const batch = (size: number): DataSetting => ({ name: `b${size}`, train: 'emoji:google', evalSpecs: EMOJI_EVAL, arms: ['clip', 'siglip'], batchSize: size });
const shapes = (arms: string[], trainSize: number): DataSetting => ({ name: 'shapes', train: 'shapes', evalSpecs: { in: 'shapes' }, arms, trainSize });

/** The arms quick keeps: contrastive (clip, siglip, flip), masked-only (mae), and the mixes. */
export const QUICK_ARMS = ['clip', 'siglip', 'flip', 'mae', 'clip+mae', 'flava', 'maskvlm'];

export const COMPARE_PRESETS: Record<string, ComparePreset> = {
  smoke: {
    name: 'smoke', steps: 4, batchSize: 8, seeds: [0], evalSize: 48, probe: { maxTrain: 120, steps: 20 }, curvePoints: 4,
    settings: [emoji(ALL), batch(4), shapes(['clip'], 64)],
  },
  quick: {
    name: 'quick', steps: 240, batchSize: 32, seeds: [0], evalSize: 400, probe: { maxTrain: 1000, steps: 100 }, curvePoints: 4,
    settings: [emoji(QUICK_ARMS), batch(16)],
  },
  full: {
    name: 'full', steps: 1000, batchSize: 32, seeds: [0, 1, 2], probe: { maxTrain: 2500, steps: 200 }, curvePoints: 8,
    settings: [emoji(ALL), batch(16), batch(64), batch(128), shapes(ALL, 5000)],
  },
};

/** The arm's label in results: `clip`, `clip@shapes`, `siglip@b16`. */
export function armLabel(setting: DataSetting, arm: string): string {
  return setting.name === MAIN_SETTING ? arm : `${arm}@${setting.name}`;
}

/** The experiment config of one arm in one setting. */
export function armConfig(preset: ComparePreset, setting: DataSetting, arm: Arm, seed: number, sets: string[] = []): ExperimentConfig {
  const raw: ExperimentConfigInput = {
    description: `${arm.name} on ${setting.name}: ${arm.about}`,
    data: { train: setting.train, batchSize: setting.batchSize ?? preset.batchSize, size: setting.trainSize },
    model: armModules(arm),
    objectives: arm.objectives,
    train: { steps: preset.steps, lr: 1e-3, warmupSteps: Math.max(1, Math.round(preset.steps / 10)), weightDecay: 0.05, logEvery: Math.max(1, Math.round(preset.steps / 15)), seed, quiet: true, ...arm.train },
  };
  const config = validateConfig(ExperimentConfigSchema, applyOverrides(raw, sets.map(parseSetArg)), `arm ${arm.name} (--set)`);
  // a batch-size setting is the point of its arms: --set data.batchSize changes the other arms only
  if (setting.batchSize !== undefined) config.data.batchSize = setting.batchSize;
  return config;
}
