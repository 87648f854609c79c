import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { kmeans } from '../../lib/objectives/codebook';
import { Rng } from '../../lib/random';

describe('objectives/codebook: kmeans', () => {
  it('finds two well-separated clusters and leaves only the centroids behind (called outside tf.tidy)', () => {
    const points = tf.tensor2d([[0, 0], [0.1, 0], [0, 0.1], [5, 5], [5.1, 5], [5, 5.1]]);
    const before = tf.memory().numTensors;
    const centroids = kmeans(points, 2, 5, new Rng(1));
    expect(tf.memory().numTensors, 'tensors left: the centroids only').to.equal(before + 1);
    const rows = (centroids.arraySync() as number[][]).map((r) => r.map((v) => Math.round(v * 100) / 100)).sort((a, b) => a[0] - b[0]);
    expect(rows).to.deep.equal([[0.03, 0.03], [5.03, 5.03]]);
    tf.dispose([points, centroids]);
  });
});
