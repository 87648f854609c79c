/**
 * Attention's head split as one wasm kernel each way (kernels/heads.ts), with its gradient
 * registered so autograd runs MvlmMergeHeads for the backward. lib/core/split_heads.ts picks it when the
 * active backend has it.
 */
import * as tf from '@tensorflow/tfjs';
import { registerHeapKernel } from './kernels';

import { MERGE_HEADS_KERNEL, SPLIT_HEADS_KERNEL } from './kernel_names';

export { MERGE_HEADS_KERNEL, SPLIT_HEADS_KERNEL };

/** Per part: its layout ('keys': [B, H, dh, T], else [B, H, T, dh]) and the factor it is scaled by. */
export interface HeadsAttrs {
  heads: number;
  keys: boolean[];
  scales: number[];
}

/** B, T, H, dh of x [B, T, P·H·dh] (P = the attrs' parts), checking the attrs against x. */
function splitDims(shape: number[], { heads, keys, scales }: HeadsAttrs): HeadDims {
  const P = keys.length;
  const [B, T, width] = shape;
  if (shape.length !== 3 || P === 0 || scales.length !== P || width % (P * heads) !== 0) {
    throw new Error(`${SPLIT_HEADS_KERNEL}: x [${shape}] does not split into ${P} parts of ${heads} heads (scales: ${scales.length})`);
  }
  return { B, T, H: heads, dh: width / (P * heads) };
}

const headShape = ({ B, T, H, dh }: HeadDims, keysT: boolean) => (keysT ? [B, H, dh, T] : [B, H, T, dh]);

interface HeadDims {
  B: number;
  T: number;
  H: number;
  dh: number;
}

/** B, T, H, dh read off one part's head tensor in its layout. */
function headDims(shape: number[], keysT: boolean): HeadDims {
  const [B, H, r, c] = shape;
  return keysT ? { B, H, dh: r, T: c } : { B, H, T: r, dh: c };
}

export function registerHeadsKernels(): void {
  // x [B, T, P·H·dh] -> P head tensors
  registerHeapKernel(SPLIT_HEADS_KERNEL, ({ kernels, ptr, output }, { x }, attrs) => {
    const a = attrs as unknown as HeadsAttrs;
    const hd = splitDims(x.shape, a);
    return a.keys.map((keysT, part) => {
      const out = output(headShape(hd, keysT));
      kernels.splitHeads(ptr(x), ptr(out), hd.B, hd.T, a.keys.length, hd.H, hd.dh, part, keysT, a.scales[part]);
      return out;
    });
  });
  // (d0, d1, ... in the head layouts) -> dx [B, T, P·H·dh]
  registerHeapKernel(MERGE_HEADS_KERNEL, ({ kernels, ptr, output }, parts, attrs) => {
    const a = attrs as unknown as HeadsAttrs;
    const P = a.keys.length;
    const d = a.keys.map((_, i) => parts[`d${i}`]);
    const hd = headDims(d[0].shape, a.keys[0]);
    const dx = output([hd.B, hd.T, P * hd.H * hd.dh]);
    d.forEach((dp, part) => {
      const want = headShape(hd, a.keys[part]);
      if (dp.shape.join() !== want.join()) throw new Error(`${MERGE_HEADS_KERNEL}: d${part} is [${dp.shape}], want [${want}]`);
      kernels.mergeHeads(ptr(dp), ptr(dx), hd.B, hd.T, P, hd.H, hd.dh, part, a.keys[part], a.scales[part]);
    });
    return dx;
  });
  if (tf.getGradient(SPLIT_HEADS_KERNEL) == null) {
    tf.registerGradient({
      kernelName: SPLIT_HEADS_KERNEL,
      // the engine hands zeros (not null) for an output outside the backward graph, and a lone
      // output's dy unwrapped
      gradFunc: (dy, _saved, attrs) => ({
        x: () => {
          const inputs = Object.fromEntries((Array.isArray(dy) ? dy : [dy]).map((t, i) => [`d${i}`, t]));
          return tf.engine().runKernel(MERGE_HEADS_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
        },
      }),
    });
  }
}
