import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { decodeSafetensors, encodeSafetensors, fromTf, STTensor, toTf } from '../../lib/train/safetensors';
import { expectNoLeak } from '../helpers';

/** A file built byte by byte from the format spec, independent of our writer. */
function handMade(): Buffer {
  const header = '{"b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
  const bytes: number[] = [];
  // u64 little-endian header length
  let n = padded.length;
  for (let i = 0; i < 8; i++) {
    bytes.push(n & 0xff);
    n = Math.floor(n / 256);
  }
  for (const ch of padded) bytes.push(ch.charCodeAt(0));
  // 1.5f = 0x3FC00000, -2.0f = 0xC0000000 (little-endian), then int32 7
  bytes.push(0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x07, 0x00, 0x00, 0x00);
  return Buffer.from(bytes);
}

describe('train/safetensors', () => {
  it('reads a hand-made file from the spec', () => {
    const f = decodeSafetensors(handMade(), 'hand.safetensors');
    expect(f.metadata).to.deep.equal({ k: 'v' });
    expect(f.tensors.get('a')!.dtype).to.equal('F32');
    expect(Array.from(f.tensors.get('a')!.data)).to.deep.equal([1.5, -2]);
    expect(f.tensors.get('b')!.shape).to.deep.equal([1]);
    expect(Array.from(f.tensors.get('b')!.data)).to.deep.equal([7]);
  });

  it('writes what the spec says: LE u64 length, space-padded aligned JSON, contiguous LE data', () => {
    const t = new Map<string, STTensor>([
      ['x', { dtype: 'F32', shape: [2], data: new Float32Array([1.5, -2]) }],
      ['y', { dtype: 'I32', shape: [1], data: new Int32Array([7]) }],
    ]);
    const buf = encodeSafetensors(t, { step: '3' });
    const n = Number(buf.readBigUInt64LE(0));
    expect((8 + n) % 8).to.equal(0);
    const text = buf.subarray(8, 8 + n).toString('utf8');
    expect(text.trimEnd().length).to.be.greaterThan(n - 8);
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).to.equal(true);
    const h = JSON.parse(text);
    expect(h.__metadata__).to.deep.equal({ step: '3' });
    expect(h.x).to.deep.equal({ dtype: 'F32', shape: [2], data_offsets: [0, 8] });
    expect(h.y).to.deep.equal({ dtype: 'I32', shape: [1], data_offsets: [8, 12] });
    const data = buf.subarray(8 + n);
    expect(Array.from(data)).to.deep.equal([0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x07, 0x00, 0x00, 0x00]);
  });

  it('round-trips tfjs tensors of every shape it stores (scalar, empty, bool, int)', async () => {
    await expectNoLeak(async () => {
      const src = new Map<string, tf.Tensor>([
        ['w', tf.tensor2d([[1, 2, 3], [4, 5, 6.25]])],
        ['s', tf.scalar(-0.125)],
        ['e', tf.zeros([0, 3])],
        ['i', tf.tensor1d([1, -2, 2147483647], 'int32')],
        ['m', tf.tensor1d([true, false, true], 'bool')],
      ]);
      const back = toTf(decodeSafetensors(encodeSafetensors(await fromTf(src))).tensors);
      for (const [k, t] of src) {
        const b = back.get(k)!;
        expect(b.shape, k).to.deep.equal(t.shape);
        expect(b.dtype, k).to.equal(t.dtype);
        expect(Array.from(b.dataSync()), k).to.deep.equal(Array.from(t.dataSync()));
      }
      tf.dispose([...src.values(), ...back.values()]);
    });
  });

  it('rejects broken files with the reason', () => {
    const good = handMade();
    expect(() => decodeSafetensors(good.subarray(0, 5), 'f')).to.throw(/f: .*shorter/);
    expect(() => decodeSafetensors(good.subarray(0, good.length - 1), 'f')).to.throw(/cover 12 bytes but the data part has 11/);
    const big = Buffer.from(good);
    big.writeBigUInt64LE(BigInt(10 ** 9), 0);
    expect(() => decodeSafetensors(big, 'f')).to.throw(/header size/);
    const hole = encodeSafetensors(new Map([['x', { dtype: 'F32', shape: [1], data: new Float32Array([1]) }]]));
    const n = Number(hole.readBigUInt64LE(0));
    const h = Buffer.from(hole.subarray(8, 8 + n).toString().replace('[0,4]', '[4,8]').padEnd(n, ' '));
    expect(() => decodeSafetensors(Buffer.concat([hole.subarray(0, 8), h, Buffer.alloc(8)]), 'f')).to.throw(/starts at 4, expected 0/);
    expect(() => decodeSafetensors(Buffer.concat([hole.subarray(0, 8), Buffer.from(hole.subarray(8, 8 + n).toString().replace('F32', 'F16')), hole.subarray(8 + n)]), 'f')).to.throw(/unsupported dtype F16/);
  });
});
