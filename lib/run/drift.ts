/**
 * Config drift on resume. Keys that change what is being trained (objectives, model, data and
 * tokenizer settings) would continue one run as another: refused, each key named with its old and
 * new value. Keys that only steer the optimisation or the bookkeeping (train.*, the batch size,
 * evaluation) may change; the trainer warns about the ones that make the run differ from an
 * uninterrupted one.
 */

/** Keys under `data` that may change on resume; everything else under data/model/objectives may not. */
const DATA_HYPERPARAMETERS = new Set(['batchSize', 'test', 'skipBad', 'captionChoice']);
const FIXED_SECTIONS = new Set(['data', 'model', 'objectives']);

export interface DriftedKey {
  key: string;
  was: unknown;
  now: unknown;
}

/** Leaf keys (`a.b.0.c`) whose values differ between two configs. */
export function changedKeys(was: unknown, now: unknown, prefix = ''): DriftedKey[] {
  const isNode = (v: unknown) => v !== null && typeof v === 'object';
  if (!isNode(was) || !isNode(now) || Array.isArray(was) !== Array.isArray(now)) {
    return JSON.stringify(was) === JSON.stringify(now) ? [] : [{ key: prefix || '(root)', was, now }];
  }
  const a = was as Record<string, unknown>;
  const b = now as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((k) => changedKeys(a[k], b[k], prefix ? `${prefix}.${k}` : k));
}

/** The changed keys that alter what is being trained. */
export function trainingDrift(was: unknown, now: unknown): DriftedKey[] {
  return changedKeys(was, now).filter(({ key }) => {
    const [section, sub] = key.split('.');
    if (!FIXED_SECTIONS.has(section)) return false;
    return !(section === 'data' && DATA_HYPERPARAMETERS.has(sub));
  });
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

/** Throws, naming every drifted key, when resuming `checkpoint` (trained with `was`) under `now` would change what is trained. */
export function refuseTrainingDrift(checkpoint: string, was: unknown, now: unknown): void {
  const drift = trainingDrift(was, now);
  if (drift.length === 0) return;
  const lines = drift.map((d) => `  ${d.key}: ${show(d.was)} -> ${show(d.now)}`);
  throw new Error(
    `resume refused: the config changes what is being trained (checkpoint ${checkpoint} was trained with the old values):\n${lines.join('\n')}\n` +
      'resume with the run\'s own config (drop --config and these --set), or start a new run folder with --out',
  );
}
