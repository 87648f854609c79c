/** Captions as the model's text input: token ids and attention masks, one row per caption. */
import * as tf from '@tensorflow/tfjs';
import type { SubwordCodec } from './subword';

/** Token ids and attention of captions: ids int32 [n, T], attention [n, T]. */
export function encodeCaptions(tokenizer: SubwordCodec, captions: string[], maxLen: number): { ids: tf.Tensor2D; attention: tf.Tensor2D } {
  const ids = new Int32Array(captions.length * maxLen);
  const attention = new Float32Array(captions.length * maxLen);
  captions.forEach((c, i) => {
    const enc = tokenizer.encode(c, maxLen);
    ids.set(enc.ids, i * maxLen);
    attention.set(enc.attention, i * maxLen);
  });
  return { ids: tf.tensor2d(ids, [captions.length, maxLen], 'int32'), attention: tf.tensor2d(attention, [captions.length, maxLen]) };
}
