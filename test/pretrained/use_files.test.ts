import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import { useCommand } from '../../lib/commands/use';
import {
  USE_DEFAULT_SHARDS,
  USE_ENV_VAR,
  USE_TFHUB_MODEL_URL,
  USE_VOCAB_URL,
  useFetchInstructions,
  useFilesStatus,
} from '../../lib/pretrained';
import { captured, expectNoLeak } from '../helpers';
import { makeTinyUse } from './tiny_dir';

/** Run the synchronous `fn` with $MVLM_USE_DIR set to `value` (or unset), restoring it afterwards. */
function withEnv<T>(value: string | undefined, fn: () => T): T {
  const old = process.env[USE_ENV_VAR];
  if (value === undefined) delete process.env[USE_ENV_VAR];
  else process.env[USE_ENV_VAR] = value;
  try {
    return fn();
  } finally {
    if (old === undefined) delete process.env[USE_ENV_VAR];
    else process.env[USE_ENV_VAR] = old;
  }
}

describe('pretrained/use_files and `mvlm use`', () => {
  let tiny: ReturnType<typeof makeTinyUse>;
  beforeEach(() => (tiny = makeTinyUse()));
  afterEach(() => tiny.cleanup());

  it('the download URLs are the ones the installed package loads by default', () => {
    const pkg = path.dirname(require.resolve('@tensorflow-models/universal-sentence-encoder/package.json'));
    const src = fs.readFileSync(path.join(pkg, 'dist', 'index.js'), 'utf8');
    expect(src).to.include(`'${USE_TFHUB_MODEL_URL}', { fromTFHub: true }`);
    const base = USE_VOCAB_URL.replace(/\/vocab\.json$/, '');
    expect(src).to.include(`BASE_PATH = '${base}'`).and.include('BASE_PATH + "/vocab.json"');
  });

  it('fetch-instructions names model.json, every shard, vocab.json, their URLs and MVLM_USE_DIR', () => {
    const text = withEnv(undefined, () => useFetchInstructions());
    expect(text).to.include(`${USE_TFHUB_MODEL_URL}/model.json?tfjs-format=file`).and.include(USE_VOCAB_URL);
    for (const shard of USE_DEFAULT_SHARDS) expect(text).to.include(`-o ${shard} '${USE_TFHUB_MODEL_URL}/${shard}?tfjs-format=file'`);
    expect(text).to.include('-o vocab.json').and.include(`export ${USE_ENV_VAR}=`);
    // With a model.json already in place, the shards listed there are the ones to fetch.
    const listed = useFetchInstructions(tiny.modelDir);
    expect(listed).to.include(`-o group1-shard1of1.bin '${USE_TFHUB_MODEL_URL}/group1-shard1of1.bin?tfjs-format=file'`);
    expect(listed).to.not.include('group1-shard1of7');
    expect(listed).to.include(tiny.modelDir);
  });

  it('useFilesStatus: ok when complete; otherwise a reason naming MVLM_USE_DIR or each missing file', () => {
    expect(withEnv(undefined, () => useFilesStatus())).to.deep.include({ ok: false });
    expect((withEnv(undefined, () => useFilesStatus()) as { reason: string }).reason).to.include(USE_ENV_VAR);
    expect(withEnv(tiny.modelDir, () => useFilesStatus())).to.deep.equal({ ok: true, dir: tiny.modelDir });
    fs.unlinkSync(path.join(tiny.modelDir, 'group1-shard1of1.bin'));
    fs.unlinkSync(path.join(tiny.modelDir, 'vocab.json'));
    const status = useFilesStatus(tiny.modelDir);
    expect(status.ok).to.equal(false);
    const reason = (status as { reason: string }).reason;
    expect(reason).to.include(path.join(tiny.modelDir, 'group1-shard1of1.bin')).and.include(path.join(tiny.modelDir, 'vocab.json'));
    expect(reason).to.not.include('model.json,');
  });

  it('`mvlm use check` prints [2,512] for the tiny model from $MVLM_USE_DIR, and names missing files', async () => {
    const old = process.env[USE_ENV_VAR];
    process.env[USE_ENV_VAR] = tiny.modelDir;
    let ok: Awaited<ReturnType<typeof captured<number>>>;
    try {
      ok = await expectNoLeak(() => captured(() => useCommand(['check'])));
    } finally {
      if (old === undefined) delete process.env[USE_ENV_VAR];
      else process.env[USE_ENV_VAR] = old;
    }
    expect(ok.result, ok.err).to.equal(0);
    expect(ok.out).to.include('output shape [2,512]');
    const empty = path.join(tiny.modelDir, 'empty');
    fs.mkdirSync(empty);
    const bad = await captured(() => useCommand(['check', '--dir', empty]));
    expect(bad.result).to.equal(1);
    expect(bad.err).to.include(path.join(empty, 'model.json')).and.include(path.join(empty, 'vocab.json'));
  });

  it('`mvlm use tiny --out D` writes a loadable model; bad usage exits 1', async () => {
    const out = path.join(tiny.modelDir, 'made');
    const made = await captured(() => useCommand(['tiny', '--out', out, '--seed', '2']));
    expect(made.result).to.equal(0);
    expect(useFilesStatus(out)).to.deep.equal({ ok: true, dir: out });
    expect((await captured(() => useCommand(['tiny']))).result).to.equal(1);
    expect((await captured(() => useCommand(['nope']))).result).to.equal(1);
    expect((await captured(() => useCommand(['check', '--bogus']))).err).to.include('bogus');
  });
});
