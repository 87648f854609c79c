/**
 * Representation diagnostics of a joint embedding space:
 * - alignment (Wang & Isola 2020, α = 2): mean ‖f(x) − g(y)‖² over matched image–caption pairs;
 * - uniformity (t = 2), per modality: log mean_{i≠j} exp(−2‖zᵢ − zⱼ‖²) over distinct rows;
 * - modality gap (Liang et al. 2022): ‖mean(image rows) − mean(text rows)‖;
 * - effective rank (Roy & Vetterli 2007), per modality: exp of the entropy of the normalised
 *   singular values of the (uncentred, as in RankMe) `[rows, D]` embedding matrix.
 * With `normalize` (default) every row is L2-normalised first, as all four are defined on the sphere.
 */
import * as tf from '@tensorflow/tfjs';
import { DenseInput, IntInput, pairedEmbeddings, readAndDispose } from './inputs';
import { effectiveRankOf, singularValues } from './eigen';

export interface DiagnosticsInput {
  /** `[N, D]` image embeddings. */
  imageEmb: DenseInput;
  /** `[M, D]` text embeddings. */
  textEmb: DenseInput;
  /** `[M]` image row paired with each text row; default row j with row j (needs M = N). */
  textToImage?: IntInput;
  /** L2-normalise rows first (default true). */
  normalize?: boolean;
  /** Rows per chunk of the pairwise-distance matrix for uniformity (default 512). */
  chunkSize?: number;
}

export interface DiagnosticsResult {
  alignment: number;
  uniformityImage: number;
  uniformityText: number;
  modalityGap: number;
  effectiveRankImage: number;
  effectiveRankText: number;
}

export async function diagnostics(input: DiagnosticsInput): Promise<DiagnosticsResult> {
  const { normalize = true, chunkSize = 512 } = input;
  const { img, txt, textToImage: pairs } = await pairedEmbeddings(input, normalize, 'diagnostics');
  try {
    const [N, D] = img.shape;
    const M = txt.shape[0];
    const [alignment, modalityGap] = await readAndDispose(tf.tidy(() => {
      const paired = tf.gather(img, tf.tensor1d(pairs, 'int32')); // [M, D]
      const align = paired.sub(txt).square().sum(1).mean();
      const gap = img.mean(0).sub(txt.mean(0)).square().sum().sqrt();
      return tf.stack([align, gap]);
    }));
    const imgData = await img.data();
    const txtData = await txt.data();
    return {
      alignment,
      uniformityImage: await uniformity(img, chunkSize),
      uniformityText: await uniformity(txt, chunkSize),
      modalityGap,
      effectiveRankImage: effectiveRankOf(singularValues(imgData, N, D)),
      effectiveRankText: effectiveRankOf(singularValues(txtData, M, D)),
    };
  } finally {
    img.dispose();
    txt.dispose();
  }
}

/**
 * log mean_{i≠j} exp(−t‖xᵢ − xⱼ‖²) of the rows of `x [R, D]`, as a streaming log-sum-exp over
 * row chunks (NaN with fewer than two rows).
 */
export async function uniformity(x: tf.Tensor2D, chunkSize = 512, t = 2): Promise<number> {
  const [R, D] = x.shape;
  if (R < 2) return NaN;
  const sq = tf.tidy(() => x.square().sum(1)); // [R]
  const xT = tf.transpose(x); // [D, R]
  let runMax = -Infinity;
  let runSum = 0; // Σ exp(v − runMax)
  try {
    for (let r0 = 0; r0 < R; r0 += chunkSize) {
      const c = Math.min(chunkSize, R - r0);
      const [m, s] = await readAndDispose(tf.tidy(() => {
        const dots = tf.matMul(x.slice([r0, 0], [c, D]), xT); // [c, R]
        const d2 = sq.slice(r0, c).expandDims(1).add(sq.expandDims(0)).sub(dots.mul(2)).relu(); // [c, R]
        // Push the diagonal (i = j) to −1e30 so exp() drops it (a broadcasting notEqual is very slow on wasm).
        const diag = tf.oneHot(tf.range(r0, r0 + c, 1, 'int32'), R); // [c, R]
        const v = d2.mul(-t).sub(diag.mul(1e30)); // [c, R]
        const mx = v.max();
        return tf.stack([mx, v.sub(mx).exp().sum()]);
      }));
      if (m > runMax) {
        runSum = runSum * Math.exp(runMax - m) + s;
        runMax = m;
      } else {
        runSum += s * Math.exp(m - runMax);
      }
    }
  } finally {
    sq.dispose();
    xT.dispose();
  }
  return runMax + Math.log(runSum) - Math.log(R * (R - 1));
}
