/**
 * `mvlm use fetch-instructions [--dir D]`  how to download the USE-lite files, and where to put them
 * `mvlm use check [--dir D]`               load them and embed two sentences
 * `mvlm use tiny --out D [--seed S]`       write the tiny USE-format test model (no network)
 * D defaults to $MVLM_USE_DIR.
 */
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { initBackend } from '../backend';
import { loadUseTower, useFetchInstructions, useFilesStatus, USE_ENV_VAR, writeTinyUseModel } from '../pretrained';
import { commandParser, integer, runCommand, runs } from './program';

const CHECK_SENTENCES = ['a cat sits on the mat', 'a red car in the sky'];

async function check(dir: string | undefined): Promise<number> {
  const status = useFilesStatus(dir);
  if (!status.ok) {
    console.error(`mvlm use check: ${status.reason}`);
    return 1;
  }
  const modelDir = status.dir;
  await initBackend();
  let tower: Awaited<ReturnType<typeof loadUseTower>>;
  try {
    tower = await loadUseTower({ modelDir });
  } catch (e) {
    console.error(`mvlm use check: ${(e as Error).message}\nsee \`mvlm use fetch-instructions\``);
    return 1;
  }
  try {
    const emb = await tower.embed(CHECK_SENTENCES);
    const normT = tf.tidy(() => emb.norm('euclidean', 1));
    const norms = (await normT.array()) as number[];
    tf.dispose([normT, emb]);
    CHECK_SENTENCES.forEach((s, i) => console.log(`${JSON.stringify(s)} -> pieces [${tower.tokenize(s)}], norm ${norms[i].toFixed(4)}`));
    console.log(`output shape [${emb.shape}] from ${modelDir}`);
    return 0;
  } finally {
    tower.dispose();
  }
}

export function useParser(): Command {
  const dirOption = ['--dir <dir>', `folder of the USE-lite files (default $${USE_ENV_VAR})`] as const;
  const use = commandParser('use', 'USE-lite text tower files: where to get them, check them, or write a tiny test model').helpCommand(
    'help [command]',
    "print a subcommand's help",
  );
  const sub = (name: string, summary: string) => {
    const cmd = commandParser(name, summary);
    use.addCommand(cmd);
    return cmd;
  };
  runs(sub('fetch-instructions', 'how to download the USE-lite files, and where to put them').option(...dirOption), async ({ dir }: { dir?: string }) => {
    console.log(useFetchInstructions(dir));
    return 0;
  });
  runs(sub('check', 'load the files and embed two sentences').option(...dirOption), ({ dir }: { dir?: string }) => check(dir));
  runs(
    sub('tiny', 'write the tiny USE-format test model (no network)')
      .requiredOption('--out <dir>', 'folder to write it to')
      .option('--seed <n>', 'random seed of the weights', integer(), 0),
    async ({ out, seed }: { out: string; seed: number }) => {
      const tiny = writeTinyUseModel({ dir: out, seed });
      console.log(`wrote tiny USE-format model (vocab ${tiny.vocab.length}, dim ${tiny.dim}) to ${tiny.modelDir}`);
      return 0;
    },
  );
  return use;
}

export function useCommand(args: string[]): Promise<number> {
  return runCommand(useParser(), args);
}
