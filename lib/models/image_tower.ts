/** ViT image tower: patch embedding + positions + CLS + core encoder, with MAE/FLIP/BEiT masking. */
import * as tf from '@tensorflow/tfjs';
import {
  ClsToken,
  FixedPositions2d,
  ForwardContext,
  LearnedPositions,
  ParamStore,
  PatchEmbedding,
  TransformerEncoder,
  gatherTokens,
  maskedMean,
  patchify,
  tokenAt,
} from '../core';
import type { TypeEmbedding } from '../core';

/** A single-stream model's modality embedding, added to every token a tower embeds (M3AE). */
export interface Modality {
  types: TypeEmbedding;
  id: number;
}

export interface ImageTowerConfig {
  imageSize: number;
  patchSize: number;
  channels: number;
  width: number;
  pooling: 'cls' | 'mean';
  positions: 'learned' | 'sincos';
}

export interface ImageEncodeOptions {
  /** int32 [B, K]: visible patches (MAE masking, FLIP dropout); all others are dropped. */
  keep?: tf.Tensor2D;
  /** float32 [B, N]: 1 = replace that patch by the learned mask token (BEiT/FLAVA MIM). */
  replaceMask?: tf.Tensor2D;
}

export interface ImageEncoding {
  /** [B, 1+K, D]: CLS then the visible patches (K = N without `keep`). */
  hidden: tf.Tensor3D;
  /** [B, D] global image feature (CLS or mean of patch tokens). */
  pooled: tf.Tensor2D;
}

export class ImageTower {
  readonly numPatches: number;
  readonly patchEmbed: PatchEmbedding;
  readonly positions: LearnedPositions | FixedPositions2d;
  readonly cls: ClsToken;
  readonly maskToken: tf.Variable;

  constructor(
    store: ParamStore,
    readonly name: string,
    readonly cfg: ImageTowerConfig,
    readonly encoder: TransformerEncoder,
    readonly modality?: Modality,
  ) {
    if (cfg.imageSize % cfg.patchSize !== 0) {
      throw new Error(`${name}: imageSize ${cfg.imageSize} is not divisible by patchSize ${cfg.patchSize}`);
    }
    const grid = cfg.imageSize / cfg.patchSize;
    this.numPatches = grid * grid;
    this.patchEmbed = new PatchEmbedding(store, `${name}.patch`, cfg.patchSize, cfg.channels, cfg.width);
    this.positions =
      cfg.positions === 'sincos'
        ? new FixedPositions2d(store, `${name}.pos`, grid, grid, cfg.width)
        : new LearnedPositions(store, `${name}.pos`, this.numPatches, cfg.width);
    this.cls = new ClsToken(store, `${name}`, cfg.width);
    this.maskToken = store.get(`${name}.maskToken`, [1, 1, cfg.width], { kind: 'truncatedNormal', std: 0.02 }, { decay: false });
  }

  /** Patch embeddings with positions, before any masking: images [B, H, W, C] -> [B, N, D]. */
  embed(images: tf.Tensor4D, replaceMask?: tf.Tensor2D): tf.Tensor3D {
    this.checkImages(images);
    let x = this.patchEmbed.apply(images);
    if (replaceMask) {
      const m = replaceMask.toFloat().expandDims(2); // [B, N] -> [B, N, 1]
      x = x.mul(tf.sub(1, m)).add(this.maskToken.mul(m)) as tf.Tensor3D;
    }
    return this.positions.apply(x);
  }

  /**
   * Embeddings of the visible patches only, images [B, H, W, C], keep int32 [B, K] -> [B, K, D]:
   * the values of embed() then gather, with the patch projection (forward and backward) over K
   * patches instead of N — what makes FLIP's and MAE's dropped patches free.
   */
  embedVisible(images: tf.Tensor4D, keep: tf.Tensor2D): tf.Tensor3D {
    this.checkImages(images);
    return tf.tidy(() => {
      const patches = gatherTokens(patchify(images, this.cfg.patchSize), keep); // [B, K, P·P·C]
      const table = this.positions.table.reshape([this.numPatches, this.cfg.width]);
      return this.patchEmbed.proj.apply(patches).add(tf.gather(table, keep)) as tf.Tensor3D;
    });
  }

  /** images [B, H, W, C] -> CLS + visible patch states [B, 1+K, D] and the pooled [B, D]. */
  encode(images: tf.Tensor4D, opts: ImageEncodeOptions, ctx: ForwardContext): ImageEncoding {
    const hidden = this.encoder.apply(this.cls.prepend(this.visibleTokens(images, opts)), {}, ctx).last;
    return { hidden, pooled: this.pool(hidden) };
  }

  /**
   * images [B, H, W, C] -> [B, K, D] embedded visible patches (K = N without `keep`), no CLS, with
   * the modality embedding of a single-stream model: the one input path of training and eval.
   */
  visibleTokens(images: tf.Tensor4D, opts: ImageEncodeOptions): tf.Tensor3D {
    const x = this.patchTokens(images, opts);
    return this.modality ? this.modality.types.apply(x, this.modality.id) : x;
  }

  private patchTokens(images: tf.Tensor4D, opts: ImageEncodeOptions): tf.Tensor3D {
    if (!opts.keep) return this.embed(images, opts.replaceMask);
    // mask tokens replace patches before the gather, so only then are all N patches embedded
    if (opts.replaceMask) return gatherTokens(this.embed(images, opts.replaceMask), opts.keep);
    return this.embedVisible(images, opts.keep);
  }

  private checkImages(images: tf.Tensor4D): void {
    const [, H, W, C] = images.shape;
    const { imageSize, channels } = this.cfg;
    if (H !== imageSize || W !== imageSize || C !== channels) {
      throw new Error(`${this.name}: images are [${images.shape}], expected [B, ${imageSize}, ${imageSize}, ${channels}]`);
    }
  }

  /** hidden [B, 1+K, D] -> [B, D] */
  pool(hidden: tf.Tensor3D): tf.Tensor2D {
    if (this.cfg.pooling === 'cls') return tokenAt(hidden, 0);
    const [B, L, D] = hidden.shape;
    const patches = hidden.slice([0, 1, 0], [B, L - 1, D]);
    return maskedMean(patches, tf.ones([B, L - 1]));
  }
}
