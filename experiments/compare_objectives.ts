/**
 * The compare-objectives study as a script (the same as `mvlm compare`).
 *   npx ts-node experiments/compare_objectives.ts --preset quick [--arms clip,mae] [--set train.lr=0.002]
 * Expected (quick, wasm, 2 cores, ≤ 10 min): contrastive arms well above chance on cross-style
 * retrieval R@5 (chance 5/400); masked arms report reconstruction PSNR / token accuracy.
 */
import { compareCommand } from '../lib/commands/compare';

compareCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`compare: ${(err as Error).message}`);
    process.exit(1);
  },
);
