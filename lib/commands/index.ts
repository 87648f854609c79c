/** Every `mvlm` command's parser, in the order `mvlm --help` lists them. */
import { benchParser } from './bench';
import { compareParser } from './compare';
import { dataParser } from './data';
import { demoParser } from './demo';
import { evalParser } from './eval';
import { infoParser } from './info';
import { runJobParser } from './run_job';
import { trainParser } from './train';
import { useParser } from './use';
import { workerParser } from './worker';

export const COMMAND_PARSERS = [infoParser, useParser, dataParser, trainParser, evalParser, compareParser, runJobParser, workerParser, benchParser, demoParser];
export { mvlmProgram, runProgram, runCommand } from './program';
