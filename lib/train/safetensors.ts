/**
 * safetensors for checkpoints: the codec on plain bytes is lib/io/safetensors.ts; here the writer
 * hands Node a Buffer, and tfjs tensors go to and from the codec's typed arrays.
 */
import * as tf from '@tensorflow/tfjs';
import { STTensor, encodeSafetensors as encodeBytes } from '../io/safetensors';

export { decodeSafetensors } from '../io/safetensors';
export type { STDtype, STFile, STTensor } from '../io/safetensors';

/** Serialise tensors (in the given order) and string metadata to safetensors bytes. */
export function encodeSafetensors(tensors: Map<string, STTensor>, metadata: Record<string, string> = {}): Buffer {
  const bytes = encodeBytes(tensors, metadata);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Read tfjs tensors' values (one async read each) into safetensors entries. */
export async function fromTf(tensors: Map<string, tf.Tensor>): Promise<Map<string, STTensor>> {
  const out = new Map<string, STTensor>();
  for (const [name, t] of tensors) {
    const data = await t.data();
    if (t.dtype === 'float32') out.set(name, { dtype: 'F32', shape: t.shape, data: data as Float32Array });
    else if (t.dtype === 'int32') out.set(name, { dtype: 'I32', shape: t.shape, data: data as Int32Array });
    else if (t.dtype === 'bool') out.set(name, { dtype: 'BOOL', shape: t.shape, data: Uint8Array.from(data as Uint8Array) });
    else throw new Error(`safetensors: cannot store ${name} of tfjs dtype ${t.dtype}`);
  }
  return out;
}

/** Make tfjs tensors (float types -> float32, integer types -> int32, BOOL -> bool); caller disposes. */
export function toTf(tensors: Map<string, STTensor>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, t] of tensors) {
    if (t.dtype === 'F32' || t.dtype === 'F64') out.set(name, tf.tensor(Float32Array.from(t.data), t.shape, 'float32'));
    else if (t.dtype === 'BOOL') out.set(name, tf.tensor(t.data as Uint8Array, t.shape, 'bool'));
    else out.set(name, tf.tensor(Int32Array.from(t.data), t.shape, 'int32'));
  }
  return out;
}
