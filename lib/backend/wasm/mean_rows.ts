/**
 * The data-parallel gradient mean as one wasm kernel (kernels/reduce.ts meanRows): the workers'
 * rows [W, P] summed in worker order and scaled, written straight into one tensor per parameter.
 * The tensor path (add per row, scale, SplitV into parameters) took ~3.5 ms for tiny's 1.17M
 * parameters, all of it sequential work between two data-parallel steps.
 */
import * as tf from '@tensorflow/tfjs';
import { registerHeapKernel } from './kernels';

export const MEAN_ROWS_KERNEL = 'MvlmMeanRows';

export interface MeanRowsAttrs {
  /** Each output's shape; their sizes add up to P, in column order. */
  shapes: number[][];
  scale: number;
}

export function registerMeanRowsKernel(): void {
  // rows [W, P] -> one tensor per shape: Σ_w rows[w, its columns] · scale
  registerHeapKernel(MEAN_ROWS_KERNEL, ({ kernels, ptr, output }, { rows }, attrs) => {
    const { shapes, scale } = attrs as unknown as MeanRowsAttrs;
    const [W, P] = rows.shape;
    const sizes = shapes.map((s) => tf.util.sizeFromShape(s));
    const total = sizes.reduce((a, b) => a + b, 0);
    if (rows.shape.length !== 2 || total !== P) throw new Error(`${MEAN_ROWS_KERNEL}: rows [${rows.shape}] do not hold [W, ${total}] (the shapes' sizes)`);
    let at = 0;
    return shapes.map((shape, i) => {
      const out = output(shape);
      kernels.meanRows(ptr(rows), ptr(out), W, P, at, sizes[i], scale);
      at += sizes[i];
      return out;
    });
  });
}
