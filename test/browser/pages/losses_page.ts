/**
 * Bundled for the browser by test/browser/site.test.ts: `mvlm/losses` running in a page, on tfjs's
 * wasm backend (its .wasm files served beside the page), values and input gradients of golden cases.
 */
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../../../lib/browser';
import { clipLoss, siglipLoss } from '../../../lib/losses';

export interface LossCase {
  kind: 'clip' | 'siglip';
  imageEmb: number[][];
  textEmb: number[][];
  logitScale: number;
  logitBias?: number;
}

async function runLosses(cases: LossCase[], wasmPaths: string): Promise<{ backend: string; results: { loss: number; gradImage: number[] }[] }> {
  const { backend } = await startBackend({ wasmPaths, order: ['wasm'] });
  const results = cases.map((c) =>
    tf.tidy(() => {
      const textEmb = tf.tensor2d(c.textEmb);
      const loss = (imageEmb: tf.Tensor2D) =>
        c.kind === 'clip' ? clipLoss({ imageEmb, textEmb, logitScale: c.logitScale }) : siglipLoss({ imageEmb, textEmb, logitScale: c.logitScale, logitBias: c.logitBias! });
      const { value, grad } = tf.valueAndGrad(loss)(tf.tensor2d(c.imageEmb));
      return { loss: value.dataSync()[0], gradImage: Array.from(grad.dataSync()) };
    }),
  );
  return { backend, results };
}

(window as unknown as { runLosses: typeof runLosses }).runLosses = runLosses;
