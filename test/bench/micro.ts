import { BenchConfig, TINY } from '../../lib/bench';

/** The tiny reference shrunk so a benchmark or a few data-parallel steps run in seconds. */
export function microConfig(batchSize: number): BenchConfig {
  return {
    ...TINY,
    name: 'micro',
    batchSize,
    model: { ...TINY.model, imageSize: 16, width: 32, depth: 1, heads: 2, embedDim: 16, text: { maxLen: 8 }, pixelDecoder: { width: 32, depth: 0, heads: 2 } },
  };
}
