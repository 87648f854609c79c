/**
 * `mvlm use fetch-instructions [--dir D]`  how to download the USE-lite files, and where to put them
 * `mvlm use check [--dir D]`               load them and embed two sentences
 * `mvlm use tiny --out D [--seed S]`       write the tiny USE-format test model (no network)
 * D defaults to $MVLM_USE_DIR.
 */
import { parseArgs } from 'util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { loadUseTower, useFetchInstructions, useFilesStatus, USE_ENV_VAR, writeTinyUseModel } from '../pretrained';

const USAGE = `usage: mvlm use fetch-instructions [--dir D] | check [--dir D] | tiny --out D [--seed S]
  D defaults to $${USE_ENV_VAR}`;

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

export async function useCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  let values: { dir?: string; out?: string; seed?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { dir: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' } },
    }));
  } catch (e) {
    console.error(`mvlm use: ${(e as Error).message}\n${USAGE}`);
    return 1;
  }
  if (sub === 'fetch-instructions') {
    console.log(useFetchInstructions(values.dir));
    return 0;
  }
  if (sub === 'check') return check(values.dir);
  if (sub === 'tiny' && values.out !== undefined) {
    const seed = values.seed === undefined ? 0 : Number(values.seed);
    if (!Number.isInteger(seed)) {
      console.error(`mvlm use tiny: --seed must be an integer, got '${values.seed}'`);
      return 1;
    }
    const tiny = writeTinyUseModel({ dir: values.out, seed });
    console.log(`wrote tiny USE-format model (vocab ${tiny.vocab.length}, dim ${tiny.dim}) to ${tiny.modelDir}`);
    return 0;
  }
  console.error(USAGE);
  return 1;
}
