/** `mvlm eval --checkpoint DIR [--dataset SPEC] [--json]`: every evaluator that applies. */
import { parseArgs } from 'util';
import { initBackend } from '../backend';
import { loadDataset } from '../data';
import { EvalSplit, evaluateModel, loadTrainedModel } from '../experiment';

export const EVAL_USAGE = 'eval --checkpoint DIR [--dataset SPEC] [--json]';

/** Cross-style partner of an emoji spec (trained on one style, tested on the other). */
function crossStyle(spec: string): string | undefined {
  if (spec === 'emoji:google') return 'emoji:twitter';
  if (spec === 'emoji:twitter') return 'emoji:google';
  return undefined;
}

export async function evalCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { checkpoint: { type: 'string' }, dataset: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  if (!values.checkpoint) throw new Error(`eval needs --checkpoint DIR\nusage: mvlm ${EVAL_USAGE}`);
  await initBackend({ quiet: values.json });
  const trained = await loadTrainedModel(values.checkpoint);
  try {
    const spec = values.dataset ?? trained.config.data.train;
    const imageSize = trained.config.model.imageSize;
    const splits: EvalSplit[] = [{ name: 'in', dataset: await loadDataset(spec, { split: 'test', imageSize, quiet: true }) }];
    const cross = values.dataset ? undefined : crossStyle(spec);
    if (cross) splits.push({ name: 'cross', dataset: await loadDataset(cross, { split: 'test', imageSize, quiet: true }) });
    const probeTrain = await loadDataset(spec, { split: 'train', imageSize, quiet: true });
    const metrics = await evaluateModel({
      model: trained.model,
      tokenizer: trained.tokenizer,
      maxLen: trained.config.data.maxLen,
      splits,
      objectives: trained.objectives,
      probe: { train: probeTrain },
      seed: trained.config.train.seed,
    });
    if (values.json) {
      console.log(JSON.stringify({ checkpoint: trained.dir, step: trained.step, dataset: spec, metrics }, null, 2));
    } else {
      console.log(`${trained.dir} (step ${trained.step}) on ${splits.map((s) => `${s.name}=${s.dataset.name}`).join(', ')}`);
      const width = Math.max(...Object.keys(metrics).map((k) => k.length));
      const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));
      for (const [k, s] of Object.entries(metrics)) {
        console.log(`  ${k.padEnd(width)}  ${num(s.value)}${s.chance === undefined ? '' : `  (chance ${num(s.chance)})`}`);
      }
    }
    return 0;
  } finally {
    trained.model.dispose();
  }
}
