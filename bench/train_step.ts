/**
 * Training-step benchmark: `npm run bench -- [--json] [--config tiny|small|all] [--steps N]`
 * (the same as `mvlm bench`). Method and reference configs: lib/bench/run.ts, lib/bench/configs.ts.
 */
import { benchCommand } from '../lib/commands/bench';

benchCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench: ${(err as Error).message}`);
    process.exit(1);
  },
);
