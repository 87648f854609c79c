/** `mvlm info [--json]`: backend, versions, tfjs-node / wasm SIMD / threads availability. */
import { Command } from 'commander';
import { initBackend } from '../backend';
import { commandParser, runCommand, runs } from './program';

export function infoParser(): Command {
  const cmd = commandParser('info', 'backend, versions, tfjs-node / wasm SIMD / threads').option('--json', 'print the result as JSON');
  return runs(cmd, info);
}

export function infoCommand(args: string[]): Promise<number> {
  return runCommand(infoParser(), args);
}

async function info({ json }: { json?: boolean }): Promise<number> {
  const result = await initBackend({ quiet: json });
  if (json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  console.log(`backend        ${result.backend} (${result.reason})`);
  console.log(`tfjs           ${result.tfjsVersion}`);
  console.log(`node           ${result.nodeVersion}`);
  console.log(`tfjs-node      ${result.tfjsNodeAvailable ? 'available' : 'not installed'}`);
  console.log(`wasm SIMD      ${result.wasmSimd ?? 'n/a'}`);
  console.log(`wasm threads   ${result.wasmThreads ?? 'n/a'}`);
  const blas = result.nativeBlas;
  console.log(`native BLAS    ${!blas ? 'n/a' : blas.active ? `${blas.detail}, ${blas.threads} thread(s): products run on OpenBLAS` : `${blas.detail}: products run on mvlm's wasm kernels`}`);
  return 0;
}
