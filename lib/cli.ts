#!/usr/bin/env node
/** mvlm command line. Each command lives in `lib/commands/<name>.ts`; add one line to COMMANDS. */
import { COMPARE_USAGE, compareCommand } from './commands/compare';
import { BENCH_USAGE, benchCommand } from './commands/bench';
import { dataCommand } from './commands/data';
import { EVAL_USAGE, evalCommand } from './commands/eval';
import { demoCommand } from './commands/demo';
import { infoCommand } from './commands/info';
import { TRAIN_USAGE, trainCommand } from './commands/train';
import { useCommand } from './commands/use';

type Command = { run: (args: string[]) => Promise<number>; help: string };

const COMMANDS: Record<string, Command> = {
  info: { run: infoCommand, help: 'info [--json]      backend, versions, tfjs-node / wasm SIMD / threads' },
  use: { run: useCommand, help: 'use fetch-instructions|check|tiny   USE-lite text tower files ($MVLM_USE_DIR)' },
  data: { run: dataCommand, help: 'data SPEC [--split train|test] [--image-size 32] [--json] [--preview grid.png] [--skip-bad]' },
  train: { run: trainCommand, help: TRAIN_USAGE },
  eval: { run: evalCommand, help: EVAL_USAGE },
  compare: { run: compareCommand, help: COMPARE_USAGE },
  bench: { run: benchCommand, help: BENCH_USAGE },
  demo: { run: demoCommand, help: 'demo               a short tour of the loss library' },
};

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.help}`);
  return `usage: mvlm <command> [options]\ncommands:\n${lines.join('\n')}`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`mvlm: unknown command '${name}'\n${usage()}`);
    return 1;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`mvlm: ${(err as Error).message}`);
    process.exit(1);
  },
);
