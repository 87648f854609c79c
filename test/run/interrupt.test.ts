import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { loadConfig, validateConfig } from '../../lib/config';
import { ExperimentConfigSchema, interruptExitCode, latestRunConfig, runTraining } from '../../lib/run';
import { listCheckpoints, readMetrics } from '../../lib/train';

const ROOT = path.resolve(__dirname, '..', '..');
const tiny = ['--set', 'data.train=shapes', '--set', 'data.size=16', '--set', 'data.batchSize=4', '--set', 'train.logEvery=1'];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * `mvlm train` from the sources, in its own process group: a non-interactive shell (and CI) starts
 * background jobs with SIGINT ignored, and a detached child does not inherit that. `whenReady`
 * runs once metrics.jsonl has its first line (step 1 logged).
 */
function trainProcess(out: string, whenReady: (pid: number) => void): Promise<Exit> {
  const args = ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'lib', 'cli.ts'), 'train', '--config', 'clip', ...tiny, '--steps', '1000', '--out', out];
  const child = spawn(process.execPath, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MVLM_BACKEND: '' } });
  let stderr = '';
  child.stdout.on('data', () => undefined);
  child.stderr.on('data', (d) => (stderr += d));
  const metrics = path.join(out, 'metrics.jsonl');
  const poll = setInterval(() => {
    if (fs.existsSync(metrics) && fs.readFileSync(metrics, 'utf8').includes('\n')) {
      clearInterval(poll);
      whenReady(child.pid!);
    }
  }, 50);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stderr });
    }),
  );
}

describe('experiment: Ctrl-C and SIGTERM during training', function () {
  this.timeout(300000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-signal-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('SIGINT: finishes the step, checkpoints it, says how to resume, exits 130; --resume continues from there', async () => {
    const out = path.join(dir, 'run');
    const r = await trainProcess(out, (pid) => process.kill(-pid, 'SIGINT'));
    expect(r.code, r.stderr).to.equal(130);
    const saved = listCheckpoints(out);
    expect(saved).to.have.length(1);
    const step = saved[0].step;
    expect(step).to.be.greaterThan(0).and.lessThan(1000);
    expect(r.stderr).to.include('SIGINT: finishing the current step and saving a checkpoint (Ctrl-C again to exit at once without saving)');
    expect(r.stderr).to.include(`SIGINT: stopped after step ${step}; checkpoint saved to ${saved[0].dir}\nresume with: mvlm train --resume ${out}\n`);
    expect(readMetrics(path.join(out, 'metrics.jsonl')).pop()!.step).to.equal(step);

    // what `mvlm train --resume OUT --steps N` runs
    const { config: raw, file } = latestRunConfig(out);
    const config = validateConfig(ExperimentConfigSchema, raw, file);
    config.train.steps = step + 2;
    config.train.quiet = true;
    const { experiment, result } = await runTraining(config, { out, resume: true });
    experiment.model.dispose();
    expect(result.history.map((h) => h.step)).to.deep.equal([step + 1, step + 2]);
    expect(readMetrics(path.join(out, 'metrics.jsonl')).map((l) => l.step)).to.deep.equal(Array.from({ length: step + 2 }, (_, i) => i + 1));
  });

  it('SIGTERM: the same, exit code 143; our listeners are gone after the first signal so a second one ends the process at once', async () => {
    const out = path.join(dir, 'term');
    const { config } = loadConfig(ExperimentConfigSchema, 'mae', ['data.train=shapes', 'data.size=16', 'data.batchSize=4', 'train.steps=50', 'train.quiet=true']);
    const before = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
    let during = { SIGINT: 0, SIGTERM: 0 };
    const messages: string[] = [];
    const error = console.error;
    console.error = (m: string) => messages.push(m);
    const tensorsBefore = tf.memory().numTensors;
    let run;
    try {
      run = await runTraining(config, {
        out,
        catchSignals: true,
        onStep: (s) => {
          if (s !== 2) return;
          during = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
          process.kill(process.pid, 'SIGTERM');
        },
      });
    } finally {
      console.error = error;
    }
    run.experiment.model.dispose();
    expect(tf.memory().numTensors, 'tensors left by the interrupted run').to.equal(tensorsBefore);
    expect(during).to.deep.equal({ SIGINT: before.SIGINT + 1, SIGTERM: before.SIGTERM + 1 });
    expect({ SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') }).to.deep.equal(before);
    const { result } = run;
    expect(result.interrupted).to.equal('SIGTERM');
    expect(interruptExitCode(result.interrupted!)).to.equal(143);
    expect(interruptExitCode('SIGINT')).to.equal(130);
    // the signal lands while step 2 finishes or right after: the run stops at the next step boundary
    expect(result.step).to.be.within(2, 3);
    expect(listCheckpoints(out).map((c) => c.step)).to.deep.equal([result.step]);
    expect(messages.join('\n')).to.include(`SIGTERM: stopped after step ${result.step}; checkpoint saved to ${path.join(out, 'checkpoints', `step-${result.step}`)}\nresume with: mvlm train --resume ${out}`);
  });
});
