/** Every `mvlm` command's parser, in the order `mvlm --help` lists them. */
import { benchParser } from './bench';
import { captionParser } from './caption';
import { compareParser } from './compare';
import { dataParser } from './data';
import { demoParser } from './demo';
import { embedParser } from './embed';
import { evalParser } from './eval';
import { exportParser } from './export';
import { generateParser } from './generate';
import { infoParser } from './info';
import { runJobParser } from './run_job';
import { siteParser } from './site';
import { trainParser } from './train';
import { useParser } from './use';
import { workerParser } from './worker';

export const COMMAND_PARSERS = [infoParser, useParser, dataParser, trainParser, evalParser, embedParser, exportParser, siteParser, generateParser, captionParser, compareParser, runJobParser, workerParser, benchParser, demoParser];
export { mvlmProgram, runProgram, runCommand } from './program';
