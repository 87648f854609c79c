#!/usr/bin/env node
/** mvlm command line. Each command lives in `lib/commands/<name>.ts` with its parser; list it in COMMAND_PARSERS. */
import { COMMAND_PARSERS, mvlmProgram, runProgram } from './commands';

runProgram(mvlmProgram(COMMAND_PARSERS.map((parser) => parser())), process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`mvlm: ${(err as Error).message}`);
    process.exit(1);
  },
);
