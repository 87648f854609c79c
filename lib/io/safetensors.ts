/**
 * A small safetensors reader/writer on plain bytes, without Node APIs so the browser entry can use
 * it (https://github.com/huggingface/safetensors, "Format"):
 *   8 bytes  little-endian uint64 N, the header size
 *   N bytes  UTF-8 JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}},
 *            padded with spaces so the data starts 8-byte aligned
 *   rest     the tensors' raw little-endian bytes; offsets are relative to the start of this part
 * The reader checks what the reference implementation checks: offsets inside the buffer,
 * contiguous with no holes or overlaps, and byte size = product(shape) × dtype size.
 */
import { parseJson } from './json_text';

export type STDtype = 'F64' | 'F32' | 'I32' | 'U32' | 'I16' | 'U16' | 'I8' | 'U8' | 'BOOL';
type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

const ARRAY: Record<STDtype, { new (b: ArrayBuffer): Typed; BYTES_PER_ELEMENT: number }> = {
  F64: Float64Array,
  F32: Float32Array,
  I32: Int32Array,
  U32: Uint32Array,
  I16: Int16Array,
  U16: Uint16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

export interface STTensor {
  dtype: STDtype;
  shape: number[];
  data: Typed;
}

export interface STFile {
  tensors: Map<string, STTensor>;
  metadata: Record<string, string>;
}

/** Largest header we accept (the reference reader's limit is 100 MB). */
const MAX_HEADER = 100_000_000;

// Tensor bytes are copied as the host's typed arrays hold them; safetensors data is little-endian.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('safetensors: this writer assumes a little-endian host');

/** Serialise tensors (in the given order) and string metadata to safetensors bytes. */
export function encodeSafetensors(tensors: Map<string, STTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new Error(`safetensors: metadata ${k} must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new Error('safetensors: "__metadata__" is reserved, not a tensor name');
    const ctor = ARRAY[t.dtype];
    if (!ctor) throw new Error(`safetensors: tensor ${name} has unsupported dtype ${t.dtype}`);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n || t.data.BYTES_PER_ELEMENT !== ctor.BYTES_PER_ELEMENT) {
      throw new Error(`safetensors: tensor ${name} has ${t.data.length} ${t.data.constructor.name} values for ${t.dtype} shape [${t.shape}]`);
    }
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8;
  if (pad > 0) {
    const padded = new Uint8Array(json.length + pad).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/** Parse safetensors bytes; `source` names the file in errors. Data is copied (aligned). */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): STFile {
  const buf = bytes;
  const fail = (why: string): never => {
    throw new Error(`${source}: not a valid safetensors file: ${why}`);
  };
  if (buf.length < 8) fail(`${buf.length} bytes, shorter than the 8-byte header size`);
  const n = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER, buf.length - 8))) fail(`header size ${n} exceeds the file (${buf.length} bytes)`);
  const headerLen = Number(n);
  let header: Record<string, unknown>;
  try {
    header = parseJson(new TextDecoder().decode(buf.subarray(8, 8 + headerLen)), `${source} header`) as Record<string, unknown>;
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = buf.length - dataStart;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const entries: { name: string; dtype: STDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = e.dtype as STDtype;
    if (typeof dtype !== 'string' || !(dtype in ARRAY)) fail(`tensor ${name}: unsupported dtype ${String(e.dtype)}`);
    const shape = e.shape as number[];
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`tensor ${name}: bad shape ${JSON.stringify(e.shape)}`);
    const off = e.data_offsets as number[];
    if (!Array.isArray(off) || off.length !== 2 || !off.every((x) => Number.isInteger(x) && x >= 0) || off[0] > off[1]) {
      fail(`tensor ${name}: bad data_offsets ${JSON.stringify(e.data_offsets)}`);
    }
    const want = shape.reduce((a, b) => a * b, 1) * ARRAY[dtype].BYTES_PER_ELEMENT;
    if (off[1] - off[0] !== want) fail(`tensor ${name}: ${off[1] - off[0]} bytes for ${dtype} shape [${shape}] (want ${want})`);
    entries.push({ name, dtype, shape, begin: off[0], end: off[1] });
  }
  // Contiguous, no holes or overlaps, covering the whole data part (as the reference validates).
  let expect = 0;
  for (const e of [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (e.begin !== expect) fail(`tensor ${e.name} starts at ${e.begin}, expected ${expect} (hole or overlap)`);
    expect = e.end;
  }
  if (expect !== dataLen) fail(`tensors cover ${expect} bytes but the data part has ${dataLen}`);
  const tensors = new Map<string, STTensor>();
  for (const e of entries) {
    const copy = new ArrayBuffer(e.end - e.begin);
    new Uint8Array(copy).set(buf.subarray(dataStart + e.begin, dataStart + e.end));
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: new ARRAY[e.dtype](copy) });
  }
  return { tensors, metadata };
}
