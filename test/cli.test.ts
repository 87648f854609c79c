import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { Command } from 'commander';
import { COMMAND_PARSERS, mvlmProgram, runProgram } from '../lib/commands';
import { captured } from './helpers';

/** The built CLI (the package's `bin`), as a user runs it after `npm install` (prepare builds dist/). */
const CLI = path.resolve(__dirname, '..', 'dist', 'lib', 'cli.js');

function mvlm(...args: string[]) {
  return mvlmIn(process.cwd(), ...args);
}

function mvlmIn(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, MVLM_BACKEND: '' }, timeout: 120000 });
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every command and subcommand under `cmd`, with the words that select it after `mvlm`. */
function commandsUnder(cmd: Command, words: string[] = []): { words: string[]; cmd: Command }[] {
  const here = [...words, cmd.name()];
  return [{ words: here, cmd }, ...cmd.commands.flatMap((sub) => commandsUnder(sub, here))];
}

describe('cli (dist/lib/cli.js, the `mvlm` bin)', function () {
  before(function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm install does it)`);
  });

  it('mvlm info --json names the backend, versions and wasm features', () => {
    const r = mvlm('info', '--json');
    expect(r.status, r.stderr).to.equal(0);
    const info = JSON.parse(r.stdout);
    expect(info.backend).to.be.oneOf(['tensorflow', 'wasm', 'cpu']);
    expect(info.tfjsVersion).to.equal('4.22.0');
    expect(info).to.have.property('tfjsNodeAvailable');
    expect(info).to.have.property('wasmSimd');
  });

  it('an unknown command or option fails with the usage', () => {
    const r = mvlm('nope');
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/unknown command 'nope'[\s\S]*usage: mvlm/);
    const t = mvlm('train', '--nope');
    expect(t.status).to.equal(1);
    expect(t.stderr).to.match(/--nope/);
  });

  it('--help and help COMMAND on every command and subcommand: exit 0, its usage and every flag with a description', async () => {
    const all = COMMAND_PARSERS.flatMap((parser) => commandsUnder(parser()));
    expect(all.map((c) => c.words.join(' '))).to.include.members(['train', 'eval', 'compare', 'data', 'bench', 'info', 'demo', 'generate', 'use tiny']);
    for (const { words, cmd } of all) {
      const name = words.join(' ');
      const program = () => mvlmProgram(COMMAND_PARSERS.map((p) => p()));
      const r = await captured(() => runProgram(program(), [...words, '--help']));
      expect(r.result, name).to.equal(0);
      const helpCommand = await captured(() => runProgram(program(), ['help', ...words]));
      expect(helpCommand.result, `help ${name}`).to.equal(0);
      expect(helpCommand.out, `help ${name}`).to.equal(r.out);
      expect(r.out, name).to.match(new RegExp(`^usage: mvlm ${escapeRegExp(name)} `));
      for (const option of cmd.options) {
        expect(option.description, `${name} ${option.flags}`).to.match(/\w/);
        expect(r.out, `${name} ${option.flags}`).to.match(new RegExp(`\n  ${escapeRegExp(option.flags)}  +\\w`));
      }
      expect(r.out, name).to.match(/-h, --help +print this help/);
    }
    const unknown = await captured(() => runProgram(mvlmProgram(COMMAND_PARSERS.map((p) => p())), ['help', 'use', 'nope']));
    expect(unknown.result).to.equal(1);
    expect(unknown.err).to.match(/unknown command 'use nope'[\s\S]*usage: mvlm/);
  });

  it('the process: --help exits 0, --version prints the version, help COMMAND prints its help, no command prints usage', async () => {
    for (const name of ['train', 'info']) {
      const r = mvlm(name, '--help');
      expect(r.status, `${name} --help: ${r.stderr}`).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`^usage: mvlm ${name} \\[options\\]`));
    }
    const version = mvlm('--version');
    expect(version.status).to.equal(0);
    expect(version.stdout.trim()).to.equal(JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')).version);
    const help = mvlm('help', 'eval');
    expect(help.status).to.equal(0);
    expect(help.stdout).to.equal((await captured(() => runProgram(mvlmProgram(COMMAND_PARSERS.map((p) => p())), ['eval', '--help']))).out);
    expect(help.stdout).to.match(/--split <split> +items scored/);
    const none = mvlm();
    expect(none.status).to.equal(1);
    expect(none.stderr).to.match(/^usage: mvlm <command>[\s\S]*train \[options\]/);
    const badValue = mvlm('eval', '--checkpoint', 'x', '--split', 'some');
    expect(badValue.status).to.equal(1);
    expect(badValue.stderr).to.match(/--split <split>' argument 'some' is invalid[\s\S]*usage: mvlm eval/);
  });

  it('finds its presets from any working directory, lists them, and a path still overrides', function () {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-cwd-'));
    try {
      const list = mvlmIn(cwd, 'train', '--list-configs');
      expect(list.status, list.stderr).to.equal(0);
      expect(list.stdout).to.match(/^caption +CoCa-style/m).and.match(/^clip +CLIP: symmetric InfoNCE/m).and.match(/^mae +MAE:/m);
      const small = ['--steps', '2', '--quiet', '--set', 'data.train=shapes', '--set', 'data.size=8', '--set', 'data.batchSize=4'];
      const run = mvlmIn(cwd, 'train', '--config', 'clip', ...small, '--out', 'run');
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/^clip: 2 steps/m);
      expect(fs.existsSync(path.join(cwd, 'run', 'metrics.jsonl'))).to.equal(true);
      fs.writeFileSync(path.join(cwd, 'clip.json'), '{ "broken": }');
      const own = mvlmIn(cwd, 'train', '--config', './clip.json', ...small);
      expect(own.status).to.equal(1);
      expect(own.stderr, 'the file given, not the preset').to.match(/\.\/clip\.json\b.*invalid JSON/);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('a bad MVLM_BACKEND is refused, naming the choices', () => {
    const r = spawnSync(process.execPath, [CLI, 'info'], { encoding: 'utf8', env: { ...process.env, MVLM_BACKEND: 'gpu' } });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/MVLM_BACKEND=gpu is not one of tensorflow, wasm, cpu/);
  });
});
