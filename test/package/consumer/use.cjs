// Run from a project that installed the packed mvlm: CommonJS entry points, one loss on the wasm backend.
const tf = require('@tensorflow/tfjs');
const mvlm = require('mvlm');
const { maeLoss } = require('mvlm/losses');

(async () => {
  await mvlm.initBackend({ quiet: true });
  // squared error 2² on the one masked patch, the unmasked one ignored
  const loss = maeLoss({ pred: tf.zeros([1, 2, 3]), target: tf.fill([1, 2, 3], 2), mask: tf.tensor2d([[1, 0]]) });
  console.log(JSON.stringify({ backend: tf.getBackend(), loss: loss.dataSync()[0], sameLoss: mvlm.maeLoss === maeLoss }));
})();
