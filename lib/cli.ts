#!/usr/bin/env node
/** mvlm command line: `mvlm info [--json]` (more commands arrive with later modules). */
import { initBackend } from './backend';
import { runDemo } from './demo';

const USAGE = `usage: mvlm <command> [options]
commands:
  info [--json]   backend, versions, tfjs-node / wasm SIMD / threads availability
  demo            a short tour of the losses on random tensors`;

async function info(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const result = await initBackend({ quiet: json });
  if (json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(`backend        ${result.backend} (${result.reason})`);
  console.log(`tfjs           ${result.tfjsVersion}`);
  console.log(`node           ${result.nodeVersion}`);
  console.log(`tfjs-node      ${result.tfjsNodeAvailable ? 'available' : 'not installed'}`);
  console.log(`wasm SIMD      ${result.wasmSimd ?? 'n/a'}`);
  console.log(`wasm threads   ${result.wasmThreads ?? 'n/a'}`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'info':
      await info(rest);
      return 0;
    case 'demo':
      await runDemo();
      return 0;
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return command === undefined ? 1 : 0;
    default:
      console.error(`mvlm: unknown command '${command}'\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`mvlm: ${(err as Error).message}`);
    process.exit(1);
  },
);
