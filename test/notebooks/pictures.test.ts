import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import sharp from 'sharp';
import { imageGrid, maskPatches, tokenRowsSvg, wrapText } from '../../lib/notebook';
import { expectNoLeak } from '../helpers';

/** [S, S, 3] filled with one colour. */
function solid(S: number, rgb: [number, number, number]): Float32Array {
  const out = new Float32Array(S * S * 3);
  for (let i = 0; i < S * S; i++) out.set(rgb, i * 3);
  return out;
}

async function pixelAt(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return Array.from(data.subarray(at, at + 3));
}

describe('notebook: imageGrid', () => {
  it('lays images out in columns, upscaled to the cell size, colours intact', async () => {
    const images = [solid(4, [1, 0, 0]), solid(4, [0, 1, 0]), solid(4, [0, 0, 1])];
    const png = await imageGrid({ images, columns: 2, cellSize: 20 });
    const meta = await sharp(png).metadata();
    // cells are 20 + 2·4 padding wide and tall, no label rows
    expect([meta.width, meta.height]).to.deep.equal([56, 56]);
    expect(await pixelAt(png, 4 + 10, 4 + 10)).to.deep.equal([255, 0, 0]);
    expect(await pixelAt(png, 28 + 4 + 10, 4 + 10)).to.deep.equal([0, 255, 0]);
    expect(await pixelAt(png, 4 + 10, 28 + 4 + 10)).to.deep.equal([0, 0, 255]);
  });

  it('reads a [B, H, W, 3] tensor without disposing or leaking, and adds label rows', async () => {
    const batch = tf.tensor4d(new Float32Array(2 * 4 * 4 * 3).fill(0.5), [2, 4, 4, 3]);
    let png: Buffer | undefined;
    await expectNoLeak(async () => {
      png = await imageGrid({ images: batch, labels: ['grinning face', 'red heart'], cellSize: 16, lines: 1 });
    });
    expect(batch.isDisposed).to.equal(false);
    const meta = await sharp(png!).metadata();
    expect(meta.width).to.equal(2 * 24);
    expect(meta.height).to.be.greaterThan(24);
    expect(await pixelAt(png!, 4 + 8, 4 + 8)).to.deep.equal([128, 128, 128]);
    batch.dispose();
  });

  it('rejects mismatched labels and non-square flat images by name', async () => {
    const err1 = await imageGrid({ images: [solid(4, [0, 0, 0])], labels: ['a', 'b'] }).catch((e: Error) => e);
    expect(String(err1)).to.match(/2 labels for 1 images/);
    const err2 = await imageGrid({ images: [new Float32Array(10)] }).catch((e: Error) => e);
    expect(String(err2)).to.match(/images\[0\] has 10 values/);
  });
});

describe('notebook: maskPatches and wrapText', () => {
  it('greys exactly the masked patches', () => {
    const image = solid(4, [1, 1, 1]);
    const out = maskPatches({ image, mask: [0, 1, 0, 0], patchSize: 2, grey: 0.25 });
    const px = (x: number, y: number) => out[(y * 4 + x) * 3];
    expect([px(0, 0), px(1, 1), px(2, 0), px(3, 1), px(2, 2), px(0, 3)]).to.deep.equal([1, 1, 0.25, 0.25, 1, 1]);
    expect(image[(0 * 4 + 2) * 3]).to.equal(1); // the input is not modified
    expect(() => maskPatches({ image, mask: [1, 0], patchSize: 2 })).to.throw(/mask has 2 entries.*4 patches/);
  });

  it('wraps words to a width and cuts with an ellipsis', () => {
    expect(wrapText('a red circle left of a blue square', 12, 5)).to.deep.equal(['a red circle', 'left of a', 'blue square']);
    expect(wrapText('a red circle left of a blue square', 12, 2)).to.deep.equal(['a red circle', 'left of a…']);
  });
});

describe('notebook: tokenRowsSvg', () => {
  it('draws one box per token, highlights marked ones, escapes text, and renders', async () => {
    const svg = tokenRowsSvg({
      rows: [
        { label: 'input', tokens: ['[CLS]', 'red', '[MASK]', '<&>'], marked: [false, false, true, false] },
        { label: 'predicted', tokens: ['', '', 'heart', ''], marked: [false, false, true, false] },
      ],
      markColour: '#ff0000',
    });
    expect(svg.match(/<rect x=/g)!.length).to.equal(8);
    expect(svg.match(/fill="#ff0000"/g)!.length).to.equal(2);
    expect(svg).to.contain('&#60;&#38;&#62;');
    const meta = await sharp(Buffer.from(svg)).metadata();
    expect(meta.format).to.equal('svg');
    expect(() => tokenRowsSvg({ rows: [{ label: 'x', tokens: ['a'], marked: [true, false] }] })).to.throw(/rows\[0\] has 1 tokens but 2 marks/);
  });
});
