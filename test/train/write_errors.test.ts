import * as fs from 'fs';
import { expectNoLeak, rejection } from '../helpers';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { WriteError } from '../../lib/io/write_error';
import { listCheckpoints, loadCheckpoint, disposeCheckpoint, saveCheckpoint } from '../../lib/train/checkpoint';
import { train } from '../../lib/train/trainer';
import { ToyTask } from './toy';

const tmpRun = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-wfail-'));
const base = { lr: 0.05, quiet: true, logEvery: 1 };
/** chmod does not stop root from writing. */
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Run `fn` with the `nth` write to an open file failing as on a full disk (works as root, unlike chmod). */
async function withFullDisk<T>(nth: number, fn: () => Promise<T>): Promise<T> {
  // the module object itself: `import * as fs` gives read-only getters over it
  const mod = require('fs') as { writeFileSync: typeof fs.writeFileSync };
  const real = mod.writeFileSync;
  let calls = 0;
  mod.writeFileSync = ((...args: Parameters<typeof fs.writeFileSync>) => {
    if (typeof args[0] === 'number' && ++calls === nth) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return real(...args);
  }) as typeof fs.writeFileSync;
  try {
    return await fn();
  } finally {
    mod.writeFileSync = real;
  }
}

describe('train: write failures name the file and the step; nothing written is lost', () => {
  it('a checkpoint write failing with ENOSPC names the file and step and keeps the previous checkpoint', async () => {
    const out = tmpRun();
    const w1 = tf.tensor1d([1, 2, 3]);
    const w2 = tf.tensor1d([4, 5, 6]);
    await saveCheckpoint({ out, step: 1, model: new Map([['w', w1]]) });
    const e = await rejection(withFullDisk(2, () => saveCheckpoint({ out, step: 2, model: new Map([['w', w2]]) })));
    const step1 = path.join(out, 'checkpoints', 'step-1');
    expect(e).to.be.instanceOf(WriteError);
    expect(e.message).to.equal(
      `step 2: checkpoint not saved: cannot write ${path.join(out, 'checkpoints', 'step-2', 'optimizer.safetensors')} (ENOSPC: no space left on the device); the previous checkpoint ${step1} is intact`,
    );
    expect(listCheckpoints(out).map((c) => c.step)).to.deep.equal([1]);
    expect(fs.readdirSync(path.join(out, 'checkpoints'))).to.deep.equal(['step-1']);
    const ck = loadCheckpoint(step1);
    expect(Array.from(ck.model.get('w')!.dataSync())).to.deep.equal([1, 2, 3]);
    disposeCheckpoint(ck);
    tf.dispose([w1, w2]);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('a disk filling up during training stops the run naming the file and step; earlier checkpoints load', async () => {
    const out = tmpRun();
    const task = new ToyTask();
    // a toy checkpoint is 4 files (model, optimizer, state, manifest): the 5th write is step 2's first
    const e = await expectNoLeak(() => rejection(withFullDisk(4 + 1, () => train(task, { ...base, steps: 4, checkpointEvery: 1, out }))));
    expect(e.message).to.equal(
      `step 2: checkpoint not saved: cannot write ${path.join(out, 'checkpoints', 'step-2', 'model.safetensors')} (ENOSPC: no space left on the device); the previous checkpoint ${path.join(out, 'checkpoints', 'step-1')} is intact`,
    );
    expect(listCheckpoints(out).map((c) => c.step)).to.deep.equal([1]);
    disposeCheckpoint(loadCheckpoint(path.join(out, 'checkpoints', 'step-1')));
    task.dispose();
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('a file where the checkpoints folder belongs is named before step 1', async () => {
    const out = tmpRun();
    fs.writeFileSync(path.join(out, 'checkpoints'), 'not a folder');
    const task = new ToyTask();
    const e = await rejection(train(task, { ...base, steps: 4, out }));
    expect(e.message).to.equal(`${path.join(out, 'checkpoints')} is a file, not a folder: move it away to write this run's checkpoints`);
    task.dispose();
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('--out under a regular file fails before step 1 naming the path', async () => {
    const parent = tmpRun();
    fs.writeFileSync(path.join(parent, 'file'), '');
    const out = path.join(parent, 'file', 'run');
    const task = new ToyTask();
    const e = await rejection(train(task, { ...base, steps: 2, out }));
    expect(e.message).to.equal(`before step 1: cannot write ${out} (ENOTDIR: a part of the path is a file, not a folder)`);
    task.dispose();
    fs.rmSync(parent, { recursive: true, force: true });
  });

  (isRoot ? it.skip : it)('a read-only run folder fails naming the file and step, and the checkpoints written stay', async () => {
    const out = tmpRun();
    const task = new ToyTask();
    await train(task, { ...base, steps: 2, out });
    fs.chmodSync(path.join(out, 'checkpoints'), 0o555);
    try {
      const e = await rejection(train(task, { ...base, steps: 4, checkpointEvery: 1, out, resume: true }));
      expect(e.message).to.match(new RegExp(`^step 3: checkpoint not saved: cannot write ${path.join(out, 'checkpoints')} \\(EACCES: permission denied\\); the previous checkpoint ${path.join(out, 'checkpoints', 'step-2')} is intact`));
    } finally {
      fs.chmodSync(path.join(out, 'checkpoints'), 0o755);
    }
    expect(listCheckpoints(out).map((c) => c.step)).to.deep.equal([2]);
    task.dispose();
    fs.rmSync(out, { recursive: true, force: true });
  });
});
