import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { patchify, unpatchify } from '../../lib/core/patchify';
import { expectNoLeak } from '../helpers';

describe('core/patchify', () => {
  it("puts pixel (b, y, x, c) where MAE does: patch (y/p)·w + x/p, offset ((y%p)·p + x%p)·C + c", async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const [B, H, W, C, p] = [2, 4, 6, 3, 2];
        const images = tf.range(0, B * H * W * C).reshape([B, H, W, C]) as tf.Tensor4D;
        const patches = patchify(images, p);
        const w = W / p;
        expect(patches.shape).to.deep.equal([B, (H / p) * w, p * p * C]);
        const img = images.bufferSync();
        const out = patches.bufferSync();
        for (let b = 0; b < B; b++)
          for (let y = 0; y < H; y++)
            for (let x = 0; x < W; x++)
              for (let c = 0; c < C; c++) {
                const n = Math.floor(y / p) * w + Math.floor(x / p);
                const k = ((y % p) * p + (x % p)) * C + c;
                expect(out.get(b, n, k)).to.equal(img.get(b, y, x, c));
              }
      }),
    );
  });

  it('unpatchify inverts patchify both ways, p = 1 and p = H included', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const images = tf.randomNormal([3, 8, 4, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
        for (const p of [1, 2, 4]) {
          const back = unpatchify(patchify(images, p), p, 8, 4, 2);
          expect(tf.max(tf.abs(tf.sub(back, images))).dataSync()[0]).to.equal(0);
        }
        const square = tf.randomNormal([1, 4, 4, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
        expect(patchify(square, 4).shape).to.deep.equal([1, 1, 48]);
        const patches = tf.randomNormal([2, 6, 12], 0, 1, 'float32', 3) as tf.Tensor3D;
        const again = patchify(unpatchify(patches, 2, 4, 6, 3), 2);
        expect(tf.max(tf.abs(tf.sub(again, patches))).dataSync()[0]).to.equal(0);
      }),
    );
  });

  it('is differentiable: the gradient of Σ patchify(x)·W is unpatchify(W)', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
        const weights = tf.randomNormal([2, 4, 12], 0, 1, 'float32', 5) as tf.Tensor3D;
        const g = tf.grad((img: tf.Tensor) => tf.sum(tf.mul(patchify(img as tf.Tensor4D, 2), weights)))(x);
        expect(tf.max(tf.abs(tf.sub(g, unpatchify(weights, 2, 4, 4, 3)))).dataSync()[0]).to.equal(0);
      }),
    );
  });

  it('says which side is not divisible by p, and rejects patches that do not fit the image', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const images = tf.zeros([1, 6, 8, 3]) as tf.Tensor4D;
        expect(() => patchify(images, 4)).to.throw(/patchify: H=6 is not divisible by the patch size p=4 \(images shape \[1,6,8,3\]\)/);
        expect(() => patchify(tf.zeros([1, 8, 6, 3]) as tf.Tensor4D, 4)).to.throw(/W=6 is not divisible/);
        expect(() => patchify(images, 0)).to.throw(/positive integer/);
        expect(() => patchify(tf.zeros([6, 8, 3]) as unknown as tf.Tensor4D, 2)).to.throw(/\[B,H,W,C\], got shape \[6,8,3\]/);
        expect(() => unpatchify(tf.zeros([1, 4, 12]) as tf.Tensor3D, 2, 4, 6, 3)).to.throw(/expected \[B,6,12\]/);
      }),
    );
  });
});
