import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { fitAlignmentProbe } from '../lib/eval';
async function main() {
  await initBackend({});
  const img = tf.randomNormal([1000, 128]) as tf.Tensor2D;
  const txt = tf.randomNormal([2965, 128]) as tf.Tensor2D;
  const owner = Array.from({ length: 2965 }, (_, j) => j % 1000);
  for (const steps of [0, 50, 200]) {
    const t = Date.now();
    const p = await fitAlignmentProbe({ imageX: img, textX: txt, textToImage: owner, embedDim: 128, steps, seed: 0 });
    console.log(steps, (Date.now() - t) / 1000, 's', p.finalLoss);
    p.dispose();
  }
}
main();
