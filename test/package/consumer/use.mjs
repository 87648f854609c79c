// Run from a project that installed the packed mvlm: ES module entry points, one loss on the wasm backend.
import * as tf from '@tensorflow/tfjs';
import { maeLoss } from 'mvlm/losses';

const mvlm = await import('mvlm');
await mvlm.initBackend({ quiet: true });
// squared error 2² on the one masked patch, the unmasked one ignored
const loss = maeLoss({ pred: tf.zeros([1, 2, 3]), target: tf.fill([1, 2, 3], 2), mask: tf.tensor2d([[1, 0]]) });
console.log(JSON.stringify({ backend: tf.getBackend(), loss: loss.dataSync()[0], sameLoss: mvlm.maeLoss === maeLoss }));
