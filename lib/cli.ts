#!/usr/bin/env node
/** mvlm command line. Each command lives in `lib/commands/<name>.ts` with its parser; add it to COMMANDS. */
import { benchParser } from './commands/bench';
import { compareParser } from './commands/compare';
import { dataParser } from './commands/data';
import { demoParser } from './commands/demo';
import { evalParser } from './commands/eval';
import { infoParser } from './commands/info';
import { mvlmProgram, runProgram } from './commands/program';
import { trainParser } from './commands/train';
import { useParser } from './commands/use';

const COMMANDS = [infoParser, useParser, dataParser, trainParser, evalParser, compareParser, benchParser, demoParser];

runProgram(mvlmProgram(COMMANDS.map((parser) => parser())), process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`mvlm: ${(err as Error).message}`);
    process.exit(1);
  },
);
