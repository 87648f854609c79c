import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { disposeCheckpoint, latestCheckpoint, listCheckpoints, loadCheckpoint, readCheckpointState, saveCheckpoint } from '../../lib/train/checkpoint';
import { expectNoLeak } from '../helpers';

function tmpRun(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-ckpt-'));
}

describe('train/checkpoint', () => {
  it('saves model, optimizer, state and extra files; loads them back; keeps the last K', async () => {
    const out = tmpRun();
    await expectNoLeak(async () => {
      const w = tf.tensor2d([[1, 2], [3, 4]]);
      const m = tf.tensor2d([[0.1, 0.2], [0.3, 0.4]]);
      for (const step of [10, 20, 30]) {
        await saveCheckpoint({
          out,
          step,
          model: new Map([['enc.w', w]]),
          optimizer: new Map([['enc.w.m', m]]),
          optimizerMeta: { step: String(step) },
          state: { rng: 42, cursor: step * 2 },
          files: { 'tokenizer.json': '{"vocab":["a"]}' },
          keep: 2,
        });
      }
      expect(listCheckpoints(out).map((c) => c.step)).to.deep.equal([20, 30]);
      const dir = latestCheckpoint(out)!;
      expect(path.basename(dir)).to.equal('step-30');
      expect(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')).to.equal('{"vocab":["a"]}');
      const ck = loadCheckpoint(dir);
      expect(ck.step).to.equal(30);
      expect(ck.state).to.deep.include({ rng: 42, cursor: 60, step: 30 });
      expect(ck.optimizerMeta.step).to.equal('30');
      expect(readCheckpointState(dir)).to.deep.equal(ck.state);
      expect(Array.from(ck.model.get('enc.w')!.dataSync())).to.deep.equal([1, 2, 3, 4]);
      expect(ck.optimizer.get('enc.w.m')!.shape).to.deep.equal([2, 2]);
      disposeCheckpoint(ck);
      tf.dispose([w, m]);
    });
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('a crash mid-write leaves the previous checkpoint intact and no half step-N', async () => {
    const out = tmpRun();
    const w1 = tf.tensor1d([1, 2, 3]);
    const w2 = tf.tensor1d([7, 8, 9]);
    await saveCheckpoint({ out, step: 1, model: new Map([['w', w1]]), state: { tag: 'good' } });
    const written: string[] = [];
    let err: Error | null = null;
    try {
      await saveCheckpoint({
        out,
        step: 2,
        model: new Map([['w', w2]]),
        state: { tag: 'bad' },
        onFileWritten: (f) => {
          written.push(f);
          if (f === 'model.safetensors') throw new Error('injected crash');
        },
      });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.equal('injected crash');
    expect(written).to.deep.equal(['model.safetensors']);
    expect(fs.existsSync(path.join(out, 'checkpoints', 'step-2'))).to.equal(false);
    expect(latestCheckpoint(out)).to.equal(path.join(out, 'checkpoints', 'step-1'));
    const ck = loadCheckpoint(latestCheckpoint(out)!);
    expect(ck.state.tag).to.equal('good');
    expect(Array.from(ck.model.get('w')!.dataSync())).to.deep.equal([1, 2, 3]);
    disposeCheckpoint(ck);

    // A hard crash (process killed) leaves a temporary folder: readers ignore it, the next save removes it.
    const stale = path.join(out, 'checkpoints', '.tmp-step-3-999-1');
    fs.mkdirSync(stale);
    fs.writeFileSync(path.join(stale, 'model.safetensors'), 'half');
    expect(listCheckpoints(out).map((c) => c.step)).to.deep.equal([1]);
    await saveCheckpoint({ out, step: 4, model: new Map([['w', w2]]) });
    expect(fs.existsSync(stale)).to.equal(false);
    expect(fs.readdirSync(path.join(out, 'checkpoints')).sort()).to.deep.equal(['step-1', 'step-4']);
    tf.dispose([w1, w2]);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('saving the same step again replaces it whole', async () => {
    const out = tmpRun();
    const a = tf.tensor1d([1]);
    const b = tf.tensor1d([2]);
    await saveCheckpoint({ out, step: 5, model: new Map([['w', a]]) });
    await saveCheckpoint({ out, step: 5, model: new Map([['w', b]]) });
    const ck = loadCheckpoint(latestCheckpoint(out)!);
    expect(Array.from(ck.model.get('w')!.dataSync())).to.deep.equal([2]);
    expect(fs.readdirSync(path.join(out, 'checkpoints'))).to.deep.equal(['step-5']);
    disposeCheckpoint(ck);
    tf.dispose([a, b]);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
