import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { loadConfigFile } from '../../lib/config';
import { SubwordTokenizer } from '../../lib/data/tokenizer';
import { JsonSyntaxError, parseJson, readJsonFile, readJsonLinesFile } from '../../lib/io/json';
import { readResults } from '../../lib/report/html';
import { readCheckpointState } from '../../lib/train/checkpoint';
import { readMetrics } from '../../lib/train/metrics';

describe('io/json: every JSON read names its file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-json-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected a throw');
  };

  it('gives line and column for errors V8 reports without a position', () => {
    // V8 says "Unexpected token '}', ... is not valid JSON" or "Unexpected end of JSON input": no position
    expect(message(() => parseJson('{\n  "a": 1,\n  "b": }', 'x.json'))).to.equal('x.json:3:8: invalid JSON (value expected)');
    expect(message(() => parseJson('{"a": [1, 2', 'x.json'))).to.match(/^x\.json:1:12: invalid JSON \(/);
    expect(message(() => parseJson('{\n"a": 1,\n}', 'x.json'))).to.equal('x.json:3:1: invalid JSON (property name expected)');
    expect(message(() => parseJson('', 'x.json'))).to.equal('x.json:1:1: invalid JSON (empty)');
    const e = (() => {
      try {
        parseJson('{"a":}', 'x.json', 7);
      } catch (err) {
        return err as JsonSyntaxError;
      }
    })();
    expect(e).to.be.instanceOf(JsonSyntaxError);
    expect([e!.line, e!.column]).to.deep.equal([7, 6]);
  });

  it('accepts a UTF-8 byte-order mark in JSON and JSONL', () => {
    expect(readJsonFile(write('bom.json', '\ufeff{"a": 1}'))).to.deep.equal({ a: 1 });
    expect(readJsonLinesFile(write('bom.jsonl', '\ufeff{"a": 1}\n\n{"a": 2}\n'))).to.deep.equal([{ a: 1 }, { a: 2 }]);
    expect(loadConfigFile(write('bom-config.json', '\ufeff{"objectives": []}'))).to.deep.equal({ objectives: [] });
  });

  it('names the JSONL line', () => {
    const file = write('bad.jsonl', '{"step": 1}\n\n{"step": 2\n');
    expect(message(() => readMetrics(file))).to.equal(`${file}:3:11: invalid JSON (close brace expected)`);
  });

  it('a missing or unreadable file is named', () => {
    expect(message(() => readJsonFile(path.join(dir, 'none.json'), 'tokenizer'))).to.equal(`tokenizer ${path.join(dir, 'none.json')}: cannot read (ENOENT: no such file)`);
    expect(message(() => readJsonFile(dir, 'results'))).to.equal(`results ${dir}: cannot read (EISDIR)`);
  });

  it('state.json, tokenizer.json, config presets and results.json name the file and position', () => {
    const state = write('ck/step-1/state.json', '{"step": 1,');
    expect(message(() => readCheckpointState(path.dirname(state)))).to.match(new RegExp(`^${state}:1:12: invalid JSON`));
    const tok = write('tokenizer.json', '{"format": "mvlm-subword-tokenizer", "pieces": ["a" "b"]}');
    expect(message(() => SubwordTokenizer.load(tok))).to.equal(`${tok}:1:53: invalid JSON (comma expected)`);
    const preset = write('preset.json', '{\n  "train": {"steps": 3},\n}\n');
    expect(message(() => loadConfigFile(preset))).to.equal(`${preset}:3:1: invalid JSON (property name expected)`);
    const results = write('results.json', '{"arms": [');
    expect(message(() => readResults(results))).to.match(new RegExp(`^${results}:1:11: invalid JSON`));
  });
});
