/** Which (setting, arm, seed) runs a compare invocation makes: the preset narrowed by --arms and by what can run. */
import { ARMS, ARM_REQUIREMENTS, armByName } from './arms';
import { COMPARE_PRESETS, ComparePreset, DataSetting } from './presets';

export interface ComparePlan {
  preset: ComparePreset;
  settings: DataSetting[];
}

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
