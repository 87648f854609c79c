/**
 * Attention's core — softmax(Q·Kᵀ/√dh + bias)·V over heads — as one wasm kernel forward and one
 * backward (kernels/attention.ts), on the [B, T, H·dh] rows the projections produce: no split of
 * the fused qkv, no head transposes, no separate scale/bias/softmax kernels and their gradients.
 *   MvlmSelfAttention  {qkv [B, T, 3D], bias?} -> [out [B, T, D], probs [B, H, T, T]]
 *   MvlmCrossAttention {q [B, T, D], kv [B, S, 2D], bias?} -> [out [B, T, D], probs [B, H, T, S]]
 * bias: additive logits [B|1, 1, T|1, S] (lib/core/attention.ts's attentionBias).
 */
import * as tf from '@tensorflow/tfjs';
import { registerHeapKernel, type HeapContext } from './kernels';

export const SELF_ATTENTION_KERNEL = 'MvlmSelfAttention';
export const CROSS_ATTENTION_KERNEL = 'MvlmCrossAttention';
const SELF_GRAD = 'MvlmSelfAttentionGrad';
const CROSS_GRAD = 'MvlmCrossAttentionGrad';

export interface AttentionKernelAttrs {
  heads: number;
  /** Shape of the bias input ([] without one): its (zero) gradient is built from it. */
  biasShape: number[];
  /** Cross-attention backward: which input's gradient to compute. */
  side?: 'q' | 'kv';
}

/** Where Q, K, V sit: pointers to their first element and row strides (elements). */
interface Layout {
  q: number;
  k: number;
  v: number;
  qRow: number;
  kvRow: number;
}

interface Dims {
  B: number;
  T: number;
  S: number;
  H: number;
  dh: number;
}

function dims(kernel: string, q: tf.TensorInfo, kv: tf.TensorInfo, heads: number, qParts: number, kvParts: number): Dims {
  const [B, T, qw] = q.shape;
  const [Bk, S, kvw] = kv.shape;
  const D = qw / qParts;
  if (q.shape.length !== 3 || kv.shape.length !== 3 || Bk !== B || kvw !== kvParts * D || D % heads !== 0) {
    throw new Error(`${kernel}: q [${q.shape}] and kv [${kv.shape}] do not fit ${heads} heads (want [B, T, ${qParts}·D] and [B, S, ${kvParts}·D])`);
  }
  return { B, T, S, H: heads, dh: D / heads };
}

/** Bias pointer and (batch, row) strides, checking [B|1, 1, T|1, S]. */
function biasOf(kernel: string, ctx: HeapContext, bias: tf.TensorInfo | undefined, { B, T, S }: Dims): [number, number, number] {
  if (!bias) return [0, 0, 0];
  const [bb, one, bt, bs] = bias.shape;
  if (bias.shape.length !== 4 || one !== 1 || bs !== S || (bb !== 1 && bb !== B) || (bt !== 1 && bt !== T)) {
    throw new Error(`${kernel}: bias is [${bias.shape}], want [${B} or 1, 1, ${T} or 1, ${S}]`);
  }
  return [ctx.ptr(bias), bb === 1 ? 0 : bt * S, bt === 1 ? 0 : S];
}

function forward(ctx: HeapContext, kernel: string, d: Dims, at: Layout, bias: tf.TensorInfo | undefined): tf.TensorInfo[] {
  const { B, T, S, H, dh } = d;
  const [pb, biasBatch, biasRow] = biasOf(kernel, ctx, bias, d);
  const out = ctx.output([B, T, H * dh]);
  const probs = ctx.output([B, H, T, S]);
  ctx.kernels.attention(at.q, at.k, at.v, at.qRow, at.kvRow, pb, biasBatch, biasRow, ctx.ptr(out), ctx.ptr(probs), B, T, S, H, dh, 1 / Math.sqrt(dh));
  return [out, probs];
}

function backward(ctx: HeapContext, d: Dims, at: Layout, probs: tf.TensorInfo, dy: tf.TensorInfo, grads: Layout): void {
  const { B, T, S, H, dh } = d;
  const scratch = ctx.output([S]);
  try {
    ctx.kernels.attentionGrad(at.q, at.k, at.v, at.qRow, at.kvRow, ctx.ptr(probs), ctx.ptr(dy), grads.q, grads.k, grads.v, grads.qRow, grads.kvRow, ctx.ptr(scratch), B, T, S, H, dh, 1 / Math.sqrt(dh));
  } finally {
    ctx.free(scratch);
  }
}

/** Q, K, V as the three column blocks of one [B, T, 3D] tensor at byte pointer p. */
const fusedLayout = (p: number, D: number): Layout => ({ q: p, k: p + 4 * D, v: p + 8 * D, qRow: 3 * D, kvRow: 3 * D });
const crossLayout = (pq: number, pkv: number, D: number): Layout => ({ q: pq, k: pkv, v: pkv + 4 * D, qRow: D, kvRow: 2 * D });

export function registerAttentionKernels(): void {
  registerHeapKernel(SELF_ATTENTION_KERNEL, (ctx, { qkv, bias }, attrs) => {
    const d = dims(SELF_ATTENTION_KERNEL, qkv, qkv, attrs.heads as number, 3, 3);
    return forward(ctx, SELF_ATTENTION_KERNEL, d, fusedLayout(ctx.ptr(qkv), d.H * d.dh), bias);
  });
  registerHeapKernel(SELF_GRAD, (ctx, { qkv, probs, dy }, attrs) => {
    const d = dims(SELF_GRAD, qkv, qkv, attrs.heads as number, 3, 3);
    const D = d.H * d.dh;
    const dqkv = ctx.output([...qkv.shape]);
    backward(ctx, d, fusedLayout(ctx.ptr(qkv), D), probs, dy, fusedLayout(ctx.ptr(dqkv), D));
    return dqkv;
  });
  registerHeapKernel(CROSS_ATTENTION_KERNEL, (ctx, { q, kv, bias }, attrs) => {
    const d = dims(CROSS_ATTENTION_KERNEL, q, kv, attrs.heads as number, 1, 2);
    return forward(ctx, CROSS_ATTENTION_KERNEL, d, crossLayout(ctx.ptr(q), ctx.ptr(kv), d.H * d.dh), bias);
  });
  // one side per call: the tape asks for each input's gradient in its own tidy scope
  registerHeapKernel(CROSS_GRAD, (ctx, { q, kv, probs, dy }, attrs) => {
    const d = dims(CROSS_GRAD, q, kv, attrs.heads as number, 1, 2);
    const D = d.H * d.dh;
    const side = attrs.side as 'q' | 'kv';
    const grad = ctx.output([...(side === 'q' ? q : kv).shape]);
    // a 0 pointer tells the kernel to skip that side
    const grads: Layout = side === 'q' ? { q: ctx.ptr(grad), k: 0, v: 0, qRow: D, kvRow: 2 * D } : crossLayout(0, ctx.ptr(grad), D);
    backward(ctx, d, crossLayout(ctx.ptr(q), ctx.ptr(kv), D), probs, dy, grads);
    return grad;
  });
  registerGradients();
}

let gradientsRegistered = false;

/** Backend-independent gradient configs (the grad kernels exist where the forward ones do). */
function registerGradients(): void {
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: AttentionKernelAttrs) => tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap);
  const dOut = (dy: tf.Tensor | tf.Tensor[]) => (Array.isArray(dy) ? dy[0] : dy);
  const zeroBias = (attrs: AttentionKernelAttrs) => () => tf.zeros(attrs.biasShape);
  tf.registerGradient({
    kernelName: SELF_ATTENTION_KERNEL,
    inputsToSave: ['qkv'],
    outputsToSave: [false, true],
    gradFunc: (dy, [qkv, probs], attrs) => {
      const a = attrs as unknown as AttentionKernelAttrs;
      return { qkv: () => run(SELF_GRAD, { qkv, probs, dy: dOut(dy) }, a) as tf.Tensor, bias: zeroBias(a) };
    },
  });
  tf.registerGradient({
    kernelName: CROSS_ATTENTION_KERNEL,
    inputsToSave: ['q', 'kv'],
    outputsToSave: [false, true],
    gradFunc: (dy, [q, kv, probs], attrs) => {
      const a = attrs as unknown as AttentionKernelAttrs;
      const side = (which: 'q' | 'kv') => () => run(CROSS_GRAD, { q, kv, probs, dy: dOut(dy) }, { ...a, side: which } as AttentionKernelAttrs) as tf.Tensor;
      return { q: side('q'), kv: side('kv'), bias: zeroBias(a) };
    },
  });
}
