/** `mvlm embed --checkpoint DIR --dataset SPEC [--split test|train|all] --out F.safetensors`: embeddings for analysis. */
import { Command, Option } from 'commander';
import { initBackend } from '../backend';
import { SPLIT_CHOICES, SplitChoice } from '../data';
import { writeEmbeddings } from '../interop';
import { commandParser, integer, runCommand, runs } from './program';

interface EmbedCliOptions {
  checkpoint: string;
  dataset: string;
  split: SplitChoice;
  out: string;
  batchSize: number;
}

export function embedParser(): Command {
  const cmd = commandParser('embed', "write a dataset's pixels, tokens and joint-space embeddings to a safetensors file")
    .requiredOption('--checkpoint <dir>', 'a checkpoint folder, or a run folder (its newest checkpoint)')
    .requiredOption('--dataset <spec>', 'dataset to embed (shapes, emoji:google, jsonl:PATH, ...)')
    .addOption(new Option('--split <split>', 'items embedded: the test split, the train split, or all items in file order').choices(SPLIT_CHOICES).default('test'))
    .requiredOption('--out <file>', 'the .safetensors file to write')
    .option('--batch-size <n>', 'items per forward pass', integer(1), 64);
  return runs(cmd, async (o: EmbedCliOptions) => {
    await initBackend({ quiet: true });
    const r = await writeEmbeddings(o);
    console.log(`${r.checkpoint} (step ${r.step}) on ${o.dataset} (${o.split}, ${r.items} items) -> ${r.file}: ${r.tensors.join(', ')} (E=${r.embedDim})`);
    return 0;
  });
}

export function embedCommand(args: string[]): Promise<number> {
  return runCommand(embedParser(), args);
}
