import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { KernelRecord, ParallelRow, benchTorch, bestRows, formatBench, forwardFlops, hotMatmuls, matmulFlops, runBench } from '../../lib/bench';
import { Linear } from '../../lib/core/layers';
import { ParamStore } from '../../lib/core/params';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';
import { TORCH, describeNeeding, torchPython } from '../system_requirements';
import { microConfig } from './micro';

/** The tiny reference shrunk so the whole benchmark runs in a few seconds. */
const MICRO = microConfig(4);

describe('bench', () => {
  it('matmulFlops counts 2·M·K·N per batch entry, whatever the transpose flags', () => {
    expect(matmulFlops('BatchMatMul', [[3, 5, 7], [3, 7, 2]], [[3, 5, 2]])).to.equal(2 * 3 * 5 * 7 * 2);
    // a transposed: a [K, M] = [7, 5] with output [5, 2]
    expect(matmulFlops('_FusedMatMul', [[7, 5], [7, 2]], [[5, 2]])).to.equal(2 * 5 * 7 * 2);
    expect(matmulFlops('Add', [[5, 2], [5, 2]], [[5, 2]])).to.equal(0);
    // mvlm's dense layer x [2, 5, 7] · W [7, 3]: forward, dx = dy·Wᵀ and dW = xᵀ·dy all cost 2·10·7·3
    expect(matmulFlops('MvlmLinear', [[2, 5, 7], [7, 3], [3]], [[2, 5, 3]])).to.equal(2 * 10 * 7 * 3);
    expect(matmulFlops('MvlmLinearDx', [[2, 5, 3], [7, 3]], [[2, 5, 7]])).to.equal(2 * 10 * 7 * 3);
    expect(matmulFlops('MvlmLinearDw', [[2, 5, 7], [2, 5, 3]], [[7, 3]])).to.equal(2 * 10 * 7 * 3);
  });

  it('forwardFlops of a dense layer over [B, T, I] equals 2·B·T·I·O (whichever kernel runs it)', async () => {
    await expectNoLeak(async () => {
      const store = new ParamStore(new Rng(0));
      const layer = new Linear(store, 'dense', 4, 3);
      const x = tf.ones([2, 6, 4]);
      expect(await forwardFlops(() => layer.apply(x).sum())).to.equal(2 * 2 * 6 * 4 * 3);
      x.dispose();
      store.dispose();
    });
  });

  it('forwardFlops of a linear layer equals 2·M·K·N', async () => {
    const x = tf.ones([6, 4]);
    const w = tf.ones([4, 3]);
    expect(await forwardFlops(() => tf.matMul(x, w).relu().sum())).to.equal(2 * 6 * 4 * 3);
    tf.dispose([x, w]);
  });

  it('runs every row on a micro config: positive times and FLOPs, MFU in (0, 1.5), flat tensors', async () => {
    await expectNoLeak(async () => {
      const r = await runBench({ configs: [MICRO], steps: 1, objectives: ['clip', 'mae', 'caption'] });
      expect(r.rows.map((x) => x.name)).to.deep.equal(['micro', 'micro/clip', 'micro/mae', 'micro/caption']);
      for (const row of r.rows) {
        expect(row.stepMs, row.name).to.be.above(0);
        expect(row.flopsPerStep, row.name).to.be.above(0);
        expect(row.mfu, row.name).to.be.above(0).and.below(1.5);
        expect(row.topKernels.length, row.name).to.be.within(1, 5);
        expect(row.numTensors[1], row.name).to.equal(row.numTensors[0]);
        for (const h of row.hotMatmuls) {
          expect(h.kernel, row.name).to.match(/^(BatchMatMul|_FusedMatMul|MvlmLinear|MvlmLinearDx|MvlmLinearDw) \[\[/);
          expect(h.share, row.name).to.be.at.least(0.01);
          expect(h.vsPeak, row.name).to.be.above(0);
        }
      }
      // CLIP + MLM + MAE costs more than CLIP alone on the same towers, in FLOPs and in kernels
      expect(r.rows[0].flopsPerStep).to.be.above(r.rows[1].flopsPerStep);
      expect(r.rows[1].kernelsPerStep).to.be.above(20);
      expect(r.rows[0].kernelsPerStep).to.be.above(r.rows[1].kernelsPerStep);
      expect(r.best).to.deep.equal([{ config: 'micro', bestStepMs: r.rows[0].stepMs, bestConfig: '1 process' }]);
      expect(r.torch).to.deep.equal([]);
      expect(r.flip.map((f) => f.config)).to.deep.equal(['micro']);
      expect(r.flip[0].speedup).to.be.above(0);
      expect(r.numTensorsFlat).to.equal(true);
      expect(r.parallel).to.deep.equal([]);
      JSON.parse(JSON.stringify(r));
    });
  });

  it('adds a data-parallel row per config and shard mode with --parallel: 1 vs 2 workers, per-shard times, ceilings', async function () {
    this.timeout(300000); // four runners, six worker threads
    await expectNoLeak(async () => {
      const r = await runBench({ configs: [MICRO], steps: 1, objectives: false, flip: false, parallel: true, parallelWarmup: 2, parallelModes: ['global', 'local'] });
      expect(r.parallel.map((p) => [p.config, p.mode, p.workers, p.shards])).to.deep.equal([
        ['micro', 'global', 2, 2],
        ['micro', 'local', 2, 2],
      ]);
      for (const p of r.parallel) {
        expect(p.speedup).to.be.closeTo(p.oneWorkerMs / p.manyWorkersMs, 1e-12);
        for (const ms of [p.oneWorkerMs, p.manyWorkersMs, p.shardMs.oneWorker, p.shardMs.manyWorkers, p.ceiling.compute, p.ceiling.memory]) expect(ms).to.be.above(0);
      }
      const [global, local] = r.parallel;
      const ratio = (global.manyWorkersMs / local.manyWorkersMs).toFixed(2);
      expect(formatBench(r)).to.include(`gathering features vs the per-shard loss (same run, alternating): ${ratio}x the step time with 2 workers`);
      expect(JSON.parse(JSON.stringify(r)).parallel[0].mode).to.equal('global');
      // the best configuration keeps every negative: the per-shard ('local') rows are a different objective
      const single = r.rows[0].stepMs;
      expect(r.best[0].bestStepMs).to.equal(Math.min(single, global.manyWorkersMs));
      expect(r.best[0].bestConfig).to.equal(global.manyWorkersMs < single ? '2 workers' : '1 process');
    });
  });

  it('best: the fastest of mvlm\'s configurations per config, and PyTorch\'s fastest beside it', () => {
    const parallel = [
      { config: 'tiny', mode: 'global', workers: 2, manyWorkersMs: 80 },
      { config: 'tiny', mode: 'local', workers: 2, manyWorkersMs: 50 },
      { config: 'small', mode: 'global', workers: 2, manyWorkersMs: 900 },
    ] as ParallelRow[];
    const torch = [
      { config: 'tiny', threads: 1, stepMs: 40, torch: '1.13', losses: [1, 0] as [number, number] },
      { config: 'tiny', threads: 2, stepMs: 60, torch: '1.13', losses: [1, 0] as [number, number] },
    ];
    const best = bestRows([{ name: 'tiny', stepMs: 100 }, { name: 'small', stepMs: 700 }], parallel, torch);
    expect(best).to.deep.equal([
      { config: 'tiny', bestStepMs: 80, bestConfig: '2 workers', torchBestMs: 40, torchBestConfig: 'torch 1.13, 1 thread(s)', vsTorch: 0.5 },
      { config: 'small', bestStepMs: 700, bestConfig: '1 process' },
    ]);
  });
});

describe('bench/hotMatmuls', () => {
  const rec = (shapes: string, ms: number, flops: number): KernelRecord => ({ name: flops ? 'BatchMatMul' : 'Add', shapes, ms, flops });
  it('takes the median over profiled steps, keeps groups with >= 1% of the time, slowest ratio first', () => {
    const peak = 1e9; // 1 GFLOP/s: 1e6 FLOPs take 1 ms at peak
    const steps = [
      [rec('[[a]]', 2, 1e6), rec('[[b]]', 1.5, 1e6), rec('[[c]]', 0.001, 1e6), rec('[[x]]', 96.5, 0)],
      [rec('[[a]]', 9, 1e6), rec('[[b]]', 1.5, 1e6), rec('[[c]]', 0.001, 1e6), rec('[[x]]', 89.5, 0)], // a GC pause lands on a
      [rec('[[a]]', 2, 1e6), rec('[[b]]', 2, 1e6), rec('[[c]]', 0.001, 1e6), rec('[[x]]', 96, 0)],
    ];
    const hot = hotMatmuls(steps, peak);
    expect(hot.map((h) => h.kernel)).to.deep.equal(['BatchMatMul [[a]]', 'BatchMatMul [[b]]']);
    expect(hot[0].vsPeak).to.be.closeTo(2, 1e-9);
    expect(hot[1].vsPeak).to.be.closeTo(1.5, 1e-9);
    expect(hot[0].share).to.be.closeTo(0.02, 1e-5);
  });

  it('rates a group within each step, so a group with more calls in a later step is not inflated', () => {
    const steps = [[rec('[[a]]', 1, 1e6), rec('[[x]]', 50, 0)], [rec('[[a]]', 1, 1e6), rec('[[a]]', 1, 1e6), rec('[[x]]', 50, 0)], [rec('[[a]]', 3, 3e6), rec('[[x]]', 50, 0)]];
    expect(hotMatmuls(steps, 1e9)[0].vsPeak).to.be.closeTo(1, 1e-9);
  });
});

describeNeeding(TORCH, 'bench: the same step in PyTorch (bench/torch_step.py)', function () {
  this.timeout(120000);
  it('times the tiny step at the thread counts asked, and the step trains (loss down on its fixed batch)', () => {
    const rows = benchTorch('tiny', 6, [1], torchPython());
    expect(rows.map((r) => [r.config, r.threads])).to.deep.equal([['tiny', 1]]);
    expect(rows[0].stepMs).to.be.above(0);
    expect(rows[0].losses[1]).to.be.below(rows[0].losses[0]);
  });

  it('a python without torch fails naming the python and the script', () => {
    expect(() => benchTorch('tiny', 1, [1], process.execPath)).to.throw(/bench --torch: \S*node \S*torch_step\.py .*exited 1/);
  });
});
