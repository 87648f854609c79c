/**
 * BLIP-2's three Q-Former self-attention masks over the joint sequence [queries (Nq); text (T)]
 * (rows = who attends, columns = to whom; 1 = allowed):
 * - 'unimodal' (ITC): queries see queries only, text sees text only;
 * - 'bidirectional' (ITM): everyone sees everyone;
 * - 'causal' (image-grounded generation): queries see queries only; text token t sees every query
 *   and text tokens 0..t.
 * Padded text keys are never attended (the tokenizer's attention mask).
 */
import * as tf from '@tensorflow/tfjs';

export type QformerMaskKind = 'unimodal' | 'bidirectional' | 'causal';
export const QFORMER_MASK_KINDS: readonly QformerMaskKind[] = ['unimodal', 'bidirectional', 'causal'];

/** The [Nq+T, Nq+T] 0/1 matrix of `kind`, before padding. */
export function qformerMask(kind: QformerMaskKind, Nq: number, T: number): number[][] {
  if (!QFORMER_MASK_KINDS.includes(kind)) throw new Error(`qformerMask: unknown kind '${kind}' (known: ${QFORMER_MASK_KINDS.join(', ')})`);
  if (!(Number.isInteger(Nq) && Nq >= 1 && Number.isInteger(T) && T >= 0)) throw new Error(`qformerMask: need Nq ≥ 1 and T ≥ 0 integers, got Nq=${Nq}, T=${T}`);
  const L = Nq + T;
  return Array.from({ length: L }, (_, i) =>
    Array.from({ length: L }, (_, j) => {
      const rowQuery = i < Nq;
      const colQuery = j < Nq;
      if (kind === 'bidirectional') return 1;
      if (rowQuery) return colQuery ? 1 : 0; // queries never read text in ITC or generation
      if (kind === 'unimodal') return colQuery ? 0 : 1;
      return colQuery || j <= i ? 1 : 0; // causal: text reads all queries and the text so far
    }),
  );
}

/** Large negative logit for disallowed keys (as the core's attention). */
const NEG = -1e9;

/**
 * The additive self-attention bias [B, 1, Nq+T, Nq+T] of `kind` with the text padding
 * `attention` [B, T] (1 = real token) applied to the text keys.
 */
export function qformerBias(kind: QformerMaskKind, Nq: number, attention: tf.Tensor2D): tf.Tensor4D {
  const [B, T] = attention.shape;
  const L = Nq + T;
  return tf.tidy(() => {
    const allowed = tf.tensor2d(qformerMask(kind, Nq, T)).reshape([1, 1, L, L]);
    const keys = tf.concat([tf.ones([B, Nq]), attention.toFloat()], 1).reshape([B, 1, 1, L]); // [B, L] -> [B, 1, 1, L]
    return tf.sub(1, allowed.mul(keys)).mul(NEG) as tf.Tensor4D;
  });
}
