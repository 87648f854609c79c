/** `mvlm info [--json]`: backend, versions, tfjs-node / wasm SIMD / threads availability. */
import { initBackend } from '../backend';

export async function infoCommand(args: string[]): Promise<number> {
  const json = args.includes('--json');
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
  return 0;
}
