/**
 * The compare-objectives study as a script (the same as `mvlm compare`).
 *   npx ts-node experiments/compare_objectives.ts --preset quick [--arms clip,mae] [--set train.lr=0.002]
 * Expected (quick, wasm, 2 cores, ≤ 10 min): clip near in-style t2i R@5 ≈ 0.3 (chance 5/400) after its
 * 200 steps; results.json with a 95 % interval on every metric and the findings generated from the
 * paired differences (lib/stats/findings.ts), the report leading with them.
 */
import { compareCommand } from '../lib/commands/compare';

compareCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`compare: ${(err as Error).message}`);
    process.exit(1);
  },
);
