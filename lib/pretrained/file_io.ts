/**
 * A `tf.io.IOHandler` that reads a tfjs model (`model.json` + the weight shards listed in its
 * `weightsManifest`) from a local directory with `fs`, so graph models load without tfjs-node
 * (whose `file://` router is the only one tfjs ships). Every failure names the file it is about.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { readJsonFile as readJsonFileNamed } from '../io/json';

/** Bytes per element of a stored weight (quantized weights are stored in their quantized dtype). */
const STORED_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Expected stored byte size of one manifest entry, or null when it cannot be known (strings). */
function entryBytes(entry: tf.io.WeightsManifestEntry): number | null {
  const dtype = entry.quantization?.dtype ?? entry.dtype;
  const per = STORED_BYTES[dtype];
  if (per === undefined) return null;
  return entry.shape.reduce((a, b) => a * b, 1) * per;
}

/** Parsed JSON of `file`; errors say `<kind> file not found: <file>` or `malformed <kind> file <file>:<line>:<column>: ...`. */
export function readJsonFile(file: string, kind: string): unknown {
  if (!fs.existsSync(file)) throw new Error(`${kind} file not found: ${file}`);
  try {
    return readJsonFileNamed(file, `${kind} file`);
  } catch (e) {
    throw new Error(`malformed ${kind} file ${(e as Error).message}`);
  }
}

function readJson(file: string): tf.io.ModelJSON {
  const parsed = readJsonFile(file, 'model');
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`malformed model file ${file}: expected a JSON object`);
  }
  const json = parsed as Partial<tf.io.ModelJSON>;
  if (json.modelTopology == null || typeof json.modelTopology !== 'object') {
    throw new Error(`malformed model file ${file}: no 'modelTopology' object`);
  }
  if (json.weightsManifest !== undefined && !Array.isArray(json.weightsManifest)) {
    throw new Error(`malformed model file ${file}: 'weightsManifest' must be an array`);
  }
  return json as tf.io.ModelJSON;
}

/** Read one manifest group's shards and check their total size against the group's entries. */
function readGroup(dir: string, group: tf.io.WeightsManifestConfig[number], jsonFile: string): ArrayBuffer[] {
  if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
    throw new Error(`malformed model file ${jsonFile}: a weightsManifest group lacks 'paths' or 'weights'`);
  }
  const files = group.paths.map((p) => path.resolve(dir, p));
  const buffers = files.map((file) => {
    if (!fs.existsSync(file)) throw new Error(`weight shard not found: ${file} (listed in ${jsonFile})`);
    const bytes = fs.readFileSync(file);
    // Copy out of Node's pooled Buffer so the ArrayBuffer holds exactly this shard.
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  });
  const sizes = group.weights.map(entryBytes);
  if (sizes.every((s) => s !== null)) {
    const expected = (sizes as number[]).reduce((a, b) => a + b, 0);
    const actual = buffers.reduce((a, b) => a + b.byteLength, 0);
    if (actual !== expected) {
      const list = files.map((f, i) => `${f} (${buffers[i].byteLength} bytes)`).join(', ');
      throw new Error(
        `weight shard size mismatch: ${list} hold ${actual} bytes but ${jsonFile} lists ` +
          `${group.weights.length} weights of ${expected} bytes`,
      );
    }
  }
  return buffers;
}

/**
 * IOHandler over a local directory: `load()` reads `<dir>/model.json` (or the given `.json` file)
 * and its shards, and returns `ModelArtifacts` via tfjs's own `getModelArtifactsForJSON`, so every
 * field (format, generatedBy, convertedBy, signature, userDefinedMetadata, initializer) is kept.
 */
export function fileModelHandler(modelPath: string): tf.io.IOHandler {
  const jsonFile = modelJsonPath(modelPath);
  const dir = path.dirname(jsonFile);
  return {
    load: async () => {
      const json = readJson(jsonFile);
      if (json.format !== undefined && json.format !== 'graph-model') {
        throw new Error(`${jsonFile} has format '${json.format}', expected 'graph-model'`);
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const data: ArrayBuffer[] = [];
        for (const group of manifest) {
          data.push(...readGroup(dir, group, jsonFile));
          specs.push(...group.weights);
        }
        return [specs, data];
      });
    },
  };
}

/** Every node input must name a node: tfjs would otherwise fail with a bare TypeError. */
function checkGraphInputs(topology: unknown, jsonFile: string): void {
  const nodes = (topology as { node?: unknown }).node;
  if (!Array.isArray(nodes)) throw new Error(`malformed model file ${jsonFile}: modelTopology.node must be an array`);
  const names = new Set(nodes.map((n: { name?: unknown }) => n.name));
  for (const node of nodes as { name: string; input?: string[] }[]) {
    for (const input of node.input ?? []) {
      const source = input.replace(/^\^/, '').split(':')[0];
      if (!names.has(source)) {
        throw new Error(`malformed model file ${jsonFile}: node '${node.name}' has input '${input}', which is not a node`);
      }
    }
  }
}

/**
 * Load a tfjs graph model from a local directory (or model.json path); errors name the file.
 * The graph is built inside `tf.tidy`, so a graph tfjs cannot build leaves no weight tensors behind
 * (`tf.loadGraphModel(fileModelHandler(dir))` works too, but leaks the decoded weights on failure).
 */
export async function loadGraphModelFromDir(modelPath: string): Promise<tf.GraphModel> {
  const jsonFile = modelJsonPath(modelPath);
  const handler = fileModelHandler(modelPath);
  const artifacts = await handler.load!();
  checkGraphInputs(artifacts.modelTopology, jsonFile);
  const model = new tf.GraphModel(handler);
  try {
    // Returning the weights keeps them; anything else made in the scope is freed, also on a throw.
    tf.tidy(() => {
      model.loadSync(artifacts);
      return Object.values(model.weights).flat();
    });
  } catch (e) {
    throw new Error(`cannot build a graph model from ${jsonFile}: ${(e as Error).message}`);
  }
  return model;
}

/** `<dir>/model.json`, or the path itself when it already names a .json file. */
export function modelJsonPath(modelPath: string): string {
  return modelPath.endsWith('.json') ? path.resolve(modelPath) : path.resolve(modelPath, 'model.json');
}
