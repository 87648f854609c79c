/**
 * Plan: which jobs a compare invocation makes. The preset narrowed by --arms and by what can run
 * (`planCompare`), then one job spec per setting × seed × arm in a fixed order (`planStudy`).
 */
import { hashString } from '../random';
import { ARMS, ARM_REQUIREMENTS, armByName } from './arms';
import { JOB_FORMAT, type JobSpec, jobIdOf, type StudyInfo } from './job';
import { parseTagged, toJobJson } from './job_json';
import { COMPARE_PRESETS, ComparePreset, DataSetting, armConfig, armLabel } from './presets';
import { CURVE_GROUPS, CURVE_RECONSTRUCTION_ITEMS, curveEvery } from './curve';

export interface ComparePlan {
  preset: ComparePreset;
  settings: DataSetting[];
}

/** Eval images are this size for every arm (the datasets' native emoji size). */
export const EVAL_IMAGE_SIZE = 32;
/** Seeds the eval-split subsets: the same items for every arm, seed and machine. */
export const EVAL_SUBSET_SEED = 1234;

/** The preset by name, settings narrowed to `arms` (names from ARMS) and to arms whose files exist. */
export function planCompare(presetName: string, arms?: string[], warn: (msg: string) => void = console.warn): ComparePlan {
  const preset = COMPARE_PRESETS[presetName];
  if (!preset) throw new Error(`unknown preset '${presetName}' (presets: ${Object.keys(COMPARE_PRESETS).join(', ')})`);
  arms?.forEach(armByName);
  const runnable = (arm: string): boolean => {
    const status = ARM_REQUIREMENTS[arm]?.() ?? { ok: true };
    if (!status.ok) warn(`[mvlm] compare: arm ${arm} skipped: ${status.reason}`);
    return status.ok;
  };
  const selected = new Set(ARMS.map((a) => a.name).filter((a) => (!arms || arms.includes(a)) && preset.settings.some((s) => s.arms.includes(a)) && runnable(a)));
  const settings = preset.settings.map((s) => ({ ...s, arms: s.arms.filter((a) => selected.has(a)) })).filter((s) => s.arms.length > 0);
  if (settings.length === 0) throw new Error(`--arms ${arms?.join(',')} selects no arm of preset ${preset.name}`);
  return { preset, settings };
}

export interface StudyOptions {
  preset: string;
  /** Only these arms (names from ARMS). */
  arms?: string[];
  /** `--set key=value` overrides of each arm's experiment config. */
  sets?: string[];
  warn?: (msg: string) => void;
}

/** The study's job specs in report order: settings, then seeds, then arms. */
export function planStudy(o: StudyOptions): JobSpec[] {
  const { preset, settings } = planCompare(o.preset, o.arms, o.warn);
  const sets = o.sets ?? [];
  const jobs = settings.flatMap((setting) =>
    preset.seeds.flatMap((seed) =>
      setting.arms.map((name) => {
        const arm = armByName(name);
        const config = armConfig(preset, setting, arm, seed, sets);
        const label = armLabel(setting, name);
        return {
          id: jobIdOf(label, seed),
          label,
          setting,
          arm,
          seed,
          config,
          eval: {
            imageSize: EVAL_IMAGE_SIZE,
            splits: Object.entries(setting.evalSpecs).map(([split, spec]) => ({ name: split, spec, size: preset.evalSize, subsetSeed: EVAL_SUBSET_SEED })),
            probe: { ...preset.probe },
            curve: { every: curveEvery(config.train.steps, preset.curvePoints), groups: [...CURVE_GROUPS], reconstructionItems: CURVE_RECONSTRUCTION_ITEMS },
          },
        };
      }),
    ),
  );
  const main = { ...settings[0], batchSize: undefined };
  const header = { preset, settings, sets, batchSize: armConfig(preset, main, armByName(settings[0].arms[0]), 0, sets).data.batchSize, jobIds: jobs.map((j) => j.id) };
  // the id hashes everything the jobs do, so a changed plan never reuses an old plan's records
  const id = `${preset.name}-${(hashString(JSON.stringify({ header, jobs })) >>> 0).toString(16).padStart(8, '0')}`;
  const study: StudyInfo = { id, ...header };
  // as JSON holds them (no undefined keys), so a spec equals itself read back from a file or a queue
  return jobs.map((j, index) => parseTagged(toJobJson({ format: JOB_FORMAT, study, index, ...j }), 'job spec') as JobSpec);
}
