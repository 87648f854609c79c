/** `mvlm eval --checkpoint DIR [--dataset SPEC] [--split test|train|all] [--json]`: every evaluator that applies. */
import { Command, Option } from 'commander';
import { initBackend } from '../backend';
import { SPLIT_CHOICES, SplitChoice, loadDataset } from '../data';
import { EvalSplit, evaluateModel, loadTrainedModel } from '../run';
import { commandParser, runCommand, runs } from './program';

interface EvalOptions {
  checkpoint: string;
  dataset?: string;
  split: SplitChoice;
  json?: boolean;
}

export function evalParser(): Command {
  const cmd = commandParser('eval', 'evaluate a checkpoint with every evaluator that applies')
    .requiredOption('--checkpoint <dir>', 'a checkpoint folder, or a run folder (its newest checkpoint)')
    .option('--dataset <spec>', "dataset to score (default: the run's training dataset, and its cross-style partner for emoji)")
    .addOption(new Option('--split <split>', 'items scored: the test split, the train split, or all items in file order').choices(SPLIT_CHOICES).default('test'))
    .option('--json', 'print the metrics as JSON');
  return runs(cmd, evaluate);
}

export function evalCommand(args: string[]): Promise<number> {
  return runCommand(evalParser(), args);
}

/** Cross-style partner of an emoji spec (trained on one style, tested on the other). */
function crossStyle(spec: string): string | undefined {
  if (spec === 'emoji:google') return 'emoji:twitter';
  if (spec === 'emoji:twitter') return 'emoji:google';
  return undefined;
}

async function evaluate(values: EvalOptions): Promise<number> {
  await initBackend({ quiet: values.json });
  const trained = await loadTrainedModel(values.checkpoint);
  try {
    const spec = values.dataset ?? trained.config.data.train;
    const imageSize = trained.config.model.imageSize;
    const split = values.split;
    const splits: EvalSplit[] = [{ name: 'in', dataset: await loadDataset(spec, { split, imageSize, quiet: true }) }];
    const cross = values.dataset ? undefined : crossStyle(spec);
    if (cross) splits.push({ name: 'cross', dataset: await loadDataset(cross, { split, imageSize, quiet: true }) });
    // the probes fit on the train split, so they are only fair when the scored items are all outside it
    const probeTrain = split === 'test' ? await loadDataset(spec, { split: 'train', imageSize, quiet: true }) : undefined;
    if (!probeTrain) console.error(`linear and alignment probes skipped: --split ${split} scores the items they would be fitted on`);
    const metrics = await evaluateModel({
      model: trained.model,
      tokenizer: trained.tokenizer,
      maxLen: trained.config.data.maxLen,
      splits,
      objectives: trained.objectives,
      probe: probeTrain && { train: probeTrain },
      seed: trained.config.train.seed,
    });
    if (values.json) {
      const items = Object.fromEntries(splits.map((s) => [s.name, s.dataset.size]));
      console.log(JSON.stringify({ checkpoint: trained.dir, step: trained.step, dataset: spec, split, items, metrics }, null, 2));
    } else {
      console.log(`${trained.dir} (step ${trained.step}) on ${splits.map((s) => `${s.name}=${s.dataset.name} (${split}, ${s.dataset.size} items)`).join(', ')}`);
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
