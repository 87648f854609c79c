/** Human-readable tables of a bench result. */
import { BenchResult } from './run';

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const gflops = (x: number) => `${(x / 1e9).toFixed(2)}`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatBench(r: BenchResult): string {
  const out: string[] = [`backend ${r.backend}; median of ${r.steps} steps after warm-up`];
  for (const [name, p] of Object.entries(r.peaks)) {
    const shapes = p.shapes.map((s) => `${s.shape.join('x')} ${gflops(s.flops)}`).join(', ');
    out.push(`matmul peak (${name}): ${gflops(p.flops)} GFLOP/s  [${shapes}]`);
  }
  out.push(
    table(
      ['config', 'batch', 'step ms', 'samples/s', 'GFLOP/step', 'GFLOP/s', 'MFU', 'kernels', 'tensors'],
      r.rows.map((x) => [
        x.name,
        String(x.batchSize),
        x.stepMs.toFixed(1),
        x.samplesPerSec.toFixed(0),
        gflops(x.flopsPerStep),
        gflops(x.flopsPerSec),
        x.mfu.toFixed(2),
        String(x.kernelsPerStep),
        x.numTensors[0] === x.numTensors[1] ? 'flat' : `${x.numTensors[0]}->${x.numTensors[1]}`,
      ]),
    ),
  );
  for (const x of r.rows) {
    const top = x.topKernels.map((k) => `${k.name} ${pct(k.share)}${k.vsPeak ? ` (${k.vsPeak.toFixed(1)}x peak time)` : ''}`);
    out.push(`top kernels ${x.name}: ${top.join(', ')}`);
    const hot = x.hotMatmuls[0];
    if (hot) out.push(`  slowest hot matmul (of ${x.hotMatmuls.length} with >= 1% of kernel time): ${hot.kernel} ${hot.vsPeak.toFixed(2)}x peak time, ${pct(hot.share)} of the step`);
  }
  for (const f of r.flip) {
    out.push(`FLIP ${f.config} image tower fwd+bwd: all patches ${f.fullMs.toFixed(1)} ms, 50% dropped ${f.droppedMs.toFixed(1)} ms, ${f.speedup.toFixed(2)}x`);
  }
  for (const p of r.parallel) {
    const local = p.mode === 'global' ? r.parallel.find((q) => q.config === p.config && q.mode === 'local') : undefined;
    out.push(`data-parallel ${p.config} (${p.shards} shards, ${p.mode === 'global' ? 'features gathered' : 'per-shard loss'}): 1 worker ${p.oneWorkerMs.toFixed(1)} ms/step, ${p.workers} workers ${p.manyWorkersMs.toFixed(1)} ms/step, ${p.speedup.toFixed(2)}x`);
    out.push(`  per shard inside a worker: ${p.shardMs.oneWorker.toFixed(1)} ms alone, ${p.shardMs.manyWorkers.toFixed(1)} ms with ${p.workers} at once; the machine's ${p.workers}-thread ceilings just before: compute ${p.ceiling.compute.toFixed(2)}x, memory bandwidth ${p.ceiling.memory.toFixed(2)}x`);
    if (local) {
      const ratio = (k: 'oneWorkerMs' | 'manyWorkersMs') => (p[k] / local[k]).toFixed(2);
      out.push(`  gathering features vs the per-shard loss (same run, alternating): ${ratio('manyWorkersMs')}x the step time with ${p.workers} workers, ${ratio('oneWorkerMs')}x with 1`);
    }
  }
  for (const t of r.torch) out.push(`PyTorch ${t.torch} ${t.config}, ${t.threads} thread(s): ${t.stepMs.toFixed(1)} ms/step`);
  for (const b of r.best) {
    const vs = b.vsTorch === undefined ? '' : `; PyTorch's best ${b.torchBestMs!.toFixed(1)} ms (${b.torchBestConfig}): mvlm at ${b.vsTorch.toFixed(2)}x its speed`;
    out.push(`best ${b.config}: ${b.bestStepMs.toFixed(1)} ms/step (${b.bestConfig})${vs}`);
  }
  out.push(`numTensors flat: ${r.numTensorsFlat}`);
  return out.join('\n');
}
