/** Test helpers: a temp directory holding the tiny USE-format model (removed by `cleanup`), edits, rejections. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TinyUseModel, writeTinyUseModel } from '../../lib/pretrained';
import { rejection as rejectionError } from '../helpers';

export function makeTinyUse(seed = 0): TinyUseModel & { cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-use-'));
  const tiny = writeTinyUseModel({ dir, seed });
  return { ...tiny, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The parts of a graph model's model.json that tests read or edit; the rest is written back untouched. */
type GraphNode = { name: string; op: string; input: string[]; attr?: Record<string, unknown> };
type ModelJsonFile = {
  format: string;
  modelTopology: { node: GraphNode[]; versions: unknown };
  weightsManifest: { weights: { name: string }[] }[];
};

/** Edit `<dir>/model.json` in place. */
export function editModelJson(dir: string, edit: (json: ModelJsonFile) => void): void {
  const file = path.join(dir, 'model.json');
  const json: ModelJsonFile = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
}

/** The rejection message of `p` (fails the test if `p` resolves). */
export async function rejection(p: Promise<unknown>): Promise<string> {
  return (await rejectionError(p)).message;
}
