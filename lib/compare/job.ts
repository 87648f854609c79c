/**
 * A study is a list of jobs: one arm × seed each. A `JobSpec` is plain JSON holding everything a
 * machine needs to run the job with nothing but the spec and the datasets on disk; running it
 * (`runJob`) gives a `JobRecord`, also plain JSON, and collect turns the records into results.json
 * and the report. Nothing in a job depends on which process runs it or on the jobs before it: its
 * randomness comes from (setting, arm, seed) through the config's seed and fixed eval seeds.
 *   plan (planStudy) -> run (runJob, anywhere) -> collect (collectStudy)
 */
import type { ArmResult } from '../report';
import type { EvalGroup } from '../run/evaluate';
import type { ExperimentConfig } from '../run/config';
import type { RunSamples } from '../stats';
import type { Arm } from './arms';
import type { ComparePreset, DataSetting } from './presets';

export const JOB_FORMAT = 1;

/** What every job of a study shares; collect builds results.json's header from it. */
export interface StudyInfo {
  /** `<preset>-<hash of the plan>`: the same plan gives the same id, on any machine. */
  id: string;
  preset: ComparePreset;
  /** The preset's settings narrowed to the arms that run (report order). */
  settings: DataSetting[];
  /** `--set key=value` overrides applied to every arm. */
  sets: string[];
  /** Batch size of the plain-named arms (the batch-size sweep's reference point). */
  batchSize: number;
  /** Ids of every job, in report order (collect checks none is missing). */
  jobIds: string[];
}

/** One eval split of a job: a dataset spec's test split, cut to a seeded subset of `size` items. */
export interface JobEvalSplit {
  /** Metric prefix: `in` (in-style), `cross` (cross-style). */
  name: string;
  spec: string;
  /** Items kept (a seeded subset, the same for every arm and seed); undefined = all. */
  size?: number;
  subsetSeed: number;
}

export interface JobSpec {
  format: typeof JOB_FORMAT;
  study: StudyInfo;
  /** Unique in the study and safe as a file name: `<label>-s<seed>`. */
  id: string;
  /** Position in the plan: the report's row order. */
  index: number;
  /** The arm's name in results: `clip`, `siglip@b16`. */
  label: string;
  setting: DataSetting;
  arm: Arm;
  seed: number;
  /** The arm's full, validated experiment config (its train.seed is `seed`). */
  config: ExperimentConfig;
  eval: {
    imageSize: number;
    splits: JobEvalSplit[];
    probe: { maxTrain: number; steps: number };
    /** Learning-curve evaluations: every `every` steps and at the last, these groups on the first split. */
    curve: { every: number; groups: EvalGroup[]; reconstructionItems: number };
  };
}

export interface JobTiming {
  startedAt: string;
  finishedAt: string;
  /** Wall time of the whole job: data, training, curve and final evaluations. */
  seconds: number;
  backend: string;
  host: string;
  pid: number;
}

export interface JobRecord {
  format: typeof JOB_FORMAT;
  /** The spec that ran (collect reads the study from it). */
  spec: JobSpec;
  /** The report's row for this run (values). */
  result: ArmResult;
  /** Every metric's items and the learning curve's samples: what the statistics need. */
  samples: RunSamples;
  timing: JobTiming;
}

/** Progress of one job, for a display over all jobs. */
export interface JobProgress {
  step: number;
  steps: number;
}

/** A label as a file-name part (`clip+mae`, `siglip@b16` stay as they are). */
export function safeName(label: string): string {
  return label.replace(/[^\w@+.-]/g, '_');
}

/** The job id of `label` at `seed`. */
export function jobIdOf(label: string, seed: number): string {
  return `${safeName(label)}-s${seed}`;
}
