/** Test helper: a fresh temp directory holding the tiny USE-format model, removed by `cleanup`. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TinyUseModel, writeTinyUseModel } from '../../lib/pretrained';

export function makeTinyUse(seed = 0): TinyUseModel & { cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-use-'));
  const tiny = writeTinyUseModel({ dir, seed });
  return { ...tiny, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Edit `<dir>/model.json` in place. */
export function editModelJson(dir: string, edit: (json: any) => void): void {
  const file = path.join(dir, 'model.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
}
