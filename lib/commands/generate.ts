/**
 * `mvlm generate --checkpoint R --prompt "red heart" [--prompt ...] [--steps 8] [--guidance 3] [--seed S]
 * [--samples 4] [--temperature 1] --out grid.png`: images from a maskgit-trained checkpoint by MaskGIT's
 * iterative decoding, one grid row per prompt.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command, InvalidArgumentError } from 'commander';
import { initBackend } from '../backend';
import { DECODE_DEFAULTS, promptGrid, samplePrompts } from '../generate';
import { loadTrainedModel } from '../run';
import { collect, commandParser, integer, runCommand, runs } from './program';

interface GenerateOptions {
  checkpoint: string;
  prompt: string[];
  steps: number;
  guidance: number;
  seed: number;
  samples: number;
  temperature: number;
  out: string;
}

function finite(min?: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number.');
    if (min !== undefined && !(n > min)) throw new InvalidArgumentError(`expected a number > ${min}.`);
    return n;
  };
}

export function generateParser(): Command {
  const cmd = commandParser('generate', 'sample images for text prompts from a maskgit checkpoint')
    .requiredOption('--checkpoint <dir>', 'a checkpoint folder, or a run folder (its newest checkpoint)')
    .requiredOption('--prompt <text>', 'a caption to draw (repeatable: one grid row each)', collect)
    .requiredOption('--out <file.png>', 'where to write the PNG grid')
    .option('--steps <n>', 'decoding steps', integer(1), DECODE_DEFAULTS.steps)
    .option('--guidance <g>', 'classifier-free guidance: logits cond + g·(cond − uncond)', finite(), DECODE_DEFAULTS.guidance)
    .option('--seed <n>', 'random seed (same seed, same pictures)', integer(), 0)
    .option('--samples <n>', 'samples per prompt', integer(1), 4)
    .option('--temperature <t>', 'sampling temperature of the codes', finite(0), DECODE_DEFAULTS.temperature);
  return runs(cmd, generate);
}

export function generateCommand(args: string[]): Promise<number> {
  return runCommand(generateParser(), args);
}

async function generate(o: GenerateOptions): Promise<number> {
  await initBackend();
  const trained = await loadTrainedModel(o.checkpoint);
  try {
    if (!trained.objectives.names.includes('maskgit')) {
      throw new Error(`${trained.dir}: trained with ${trained.objectives.names.join(', ')}; generate needs a checkpoint trained with the maskgit objective`);
    }
    const t0 = Date.now();
    const samples = await samplePrompts(trained.model, trained.tokenizer, trained.config.data.maxLen, o.prompt, o.samples, {
      steps: o.steps, guidance: o.guidance, temperature: o.temperature, seed: o.seed,
    });
    fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
    fs.writeFileSync(o.out, await promptGrid(samples));
    const n = o.prompt.length * o.samples;
    console.log(`${n} image(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s (${o.steps} steps, guidance ${o.guidance}, seed ${o.seed}) -> ${o.out}`);
    return 0;
  } finally {
    trained.model.dispose();
  }
}
