import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { disposeCheckpoint, loadCheckpoint, newestGoodCheckpoint, readCheckpointFile, saveCheckpoint } from '../../lib/train/checkpoint';
import { CheckpointIntegrityError, MANIFEST_FILE, sha256 } from '../../lib/train/manifest';
import { expectNoLeak } from '../helpers';

const tmpRun = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-sum-'));

/** Flip one byte near the end of `file` (inside the tensor data, past the header). */
function damage(file: string): void {
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 3] ^= 0xff;
  fs.writeFileSync(file, bytes);
}

async function saveSteps(out: string, steps: number[]): Promise<void> {
  for (const step of steps) {
    const w = tf.tensor1d([step, step + 1, step + 2]);
    await saveCheckpoint({ out, step, model: new Map([['w', w]]), optimizer: new Map([['w.m', w]]), state: { step }, files: { 'tokenizer.json': '{"pieces": []}' }, keep: 0 });
    w.dispose();
  }
}

const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
};

describe('train/checkpoint: SHA-256 manifest', () => {
  it('lists every file with its SHA-256 and size', async () => {
    const out = tmpRun();
    await saveSteps(out, [1]);
    const dir = path.join(out, 'checkpoints', 'step-1');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8'));
    const files = fs.readdirSync(dir).filter((f) => f !== MANIFEST_FILE).sort();
    expect(Object.keys(manifest.files).sort()).to.deep.equal(files);
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(dir, f));
      expect(manifest.files[f]).to.deep.equal({ sha256: sha256(bytes), bytes: bytes.length });
    }
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('a damaged weight file does not load; the error names the file', async () => {
    const out = tmpRun();
    await saveSteps(out, [1]);
    const dir = path.join(out, 'checkpoints', 'step-1');
    damage(path.join(dir, 'model.safetensors'));
    const e = await expectNoLeak(() => thrown(() => loadCheckpoint(dir)));
    expect(e).to.be.instanceOf(CheckpointIntegrityError);
    expect(e.message).to.match(new RegExp(`^${path.join(dir, 'model.safetensors')}: SHA-256 [0-9a-f]{12}… does not match the manifest's [0-9a-f]{12}… \\(the file is damaged\\)$`));
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('damaged extra files and state.json are caught too', async () => {
    const out = tmpRun();
    await saveSteps(out, [1]);
    const dir = path.join(out, 'checkpoints', 'step-1');
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{"pieces": [1]}');
    expect(thrown(() => readCheckpointFile(dir, 'tokenizer.json')).message).to.include(path.join(dir, 'tokenizer.json'));
    expect(thrown(() => loadCheckpoint(dir)).message).to.include(path.join(dir, 'tokenizer.json'));
    fs.appendFileSync(path.join(dir, 'state.json'), ' ');
    expect(thrown(() => loadCheckpoint(dir)).message).to.equal(`${path.join(dir, 'state.json')}: ${fs.statSync(path.join(dir, 'state.json')).size} bytes, the manifest says ${fs.statSync(path.join(dir, 'state.json')).size - 1} (the file is truncated or damaged)`);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('resume falls back to the newest checkpoint that verifies, saying which it skipped and why', async () => {
    const out = tmpRun();
    await saveSteps(out, [1, 2, 3]);
    const ck = (s: number) => path.join(out, 'checkpoints', `step-${s}`);
    damage(path.join(ck(3), 'model.safetensors'));
    fs.writeFileSync(path.join(ck(2), 'state.json'), '{"step": 2');
    const warnings: string[] = [];
    expect(newestGoodCheckpoint(out, (m) => warnings.push(m))).to.equal(ck(1));
    expect(warnings).to.have.length(2);
    expect(warnings[0]).to.match(new RegExp(`^skipping checkpoint ${ck(3)}: ${path.join(ck(3), 'model.safetensors')}: SHA-256`));
    expect(warnings[1]).to.match(new RegExp(`^skipping checkpoint ${ck(2)}: ${path.join(ck(2), 'state.json')}: `));
    const loaded = loadCheckpoint(ck(1));
    expect(Array.from(loaded.model.get('w')!.dataSync())).to.deep.equal([1, 2, 3]);
    disposeCheckpoint(loaded);

    damage(path.join(ck(1), 'optimizer.safetensors'));
    const none = thrown(() => newestGoodCheckpoint(out, () => undefined));
    expect(none.message).to.match(new RegExp(`^${out}: no checkpoint verifies; every one is damaged:`));
    for (const s of [1, 2, 3]) expect(none.message).to.include(ck(s));
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('a checkpoint written before manifests existed still loads', async () => {
    const out = tmpRun();
    await saveSteps(out, [4]);
    const dir = path.join(out, 'checkpoints', 'step-4');
    fs.rmSync(path.join(dir, MANIFEST_FILE));
    const loaded = loadCheckpoint(dir);
    expect(loaded.step).to.equal(4);
    disposeCheckpoint(loaded);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
