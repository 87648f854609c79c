/** FLAVA-style multimodal encoder: project both modalities, prepend a multimodal CLS, one core. */
import * as tf from '@tensorflow/tfjs';
import { ClsToken, ForwardContext, Linear, ParamStore, TransformerEncoder, tokenAt } from '../core';

export interface FusionOutput {
  /** [B, 1 + Li + T, Df]: mmCLS, image states, text states. */
  hidden: tf.Tensor3D;
  /** [B, Df] the multimodal CLS state. */
  pooled: tf.Tensor2D;
  /** [B, Li, Df] the image part (CLS of the image tower first). */
  image: tf.Tensor3D;
  /** [B, T, Df] the text part. */
  text: tf.Tensor3D;
}

export class FusionEncoder {
  readonly imageIn: Linear;
  readonly textIn: Linear;
  readonly cls: ClsToken;
  readonly encoder: TransformerEncoder;

  constructor(store: ParamStore, name: string, imageDim: number, textDim: number, width: number, depth: number, heads: number, mlpRatio: number) {
    this.imageIn = new Linear(store, `${name}.imageIn`, imageDim, width);
    this.textIn = new Linear(store, `${name}.textIn`, textDim, width);
    this.cls = new ClsToken(store, name, width);
    this.encoder = new TransformerEncoder(store, `${name}.enc`, { dim: width, heads, depth, mlpRatio });
  }

  /** image [B, Li, Di], text [B, T, Dt], textMask [B, T] (1 = real) -> fused states. */
  apply(image: tf.Tensor3D, text: tf.Tensor3D, textMask: tf.Tensor2D, ctx: ForwardContext): FusionOutput {
    const [B, Li] = image.shape;
    const T = text.shape[1];
    const x = this.cls.prepend(tf.concat([this.imageIn.apply(image), this.textIn.apply(text)], 1) as tf.Tensor3D);
    // keys: mmCLS and image always visible, text by its attention mask
    const keyMask = tf.concat([tf.ones([B, 1 + Li]), textMask.toFloat()], 1) as tf.Tensor2D;
    const hidden = this.encoder.apply(x, { keyMask }, ctx).last;
    const W = hidden.shape[2];
    return {
      hidden,
      pooled: tokenAt(hidden, 0),
      image: hidden.slice([0, 1, 0], [B, Li, W]),
      text: hidden.slice([0, 1 + Li, 0], [B, T, W]),
    };
  }
}

/** MaskVLM's cross-modality encoders: image queries read text, text queries read the image. */
export class CrossModalEncoders {
  readonly imageCross: TransformerEncoder;
  readonly textCross: TransformerEncoder;

  constructor(store: ParamStore, name: string, imageDim: number, textDim: number, depth: number, heads: number, mlpRatio: number) {
    this.imageCross = new TransformerEncoder(store, `${name}.image`, { dim: imageDim, heads, depth, mlpRatio, cross: true, contextDim: textDim });
    this.textCross = new TransformerEncoder(store, `${name}.text`, { dim: textDim, heads, depth, mlpRatio, cross: true, contextDim: imageDim });
  }

  /** image [B, Li, Di] conditioned on text [B, T, Dt] (mask [B, T]) -> [B, Li, Di] */
  image(image: tf.Tensor3D, text: tf.Tensor3D, textMask: tf.Tensor2D, ctx: ForwardContext): tf.Tensor3D {
    return this.imageCross.apply(image, { context: text, contextMask: textMask }, ctx).last;
  }

  /** text [B, T, Dt] (mask [B, T]) conditioned on image [B, Li, Di] -> [B, T, Dt] */
  text(text: tf.Tensor3D, textMask: tf.Tensor2D, image: tf.Tensor3D, ctx: ForwardContext): tf.Tensor3D {
    return this.textCross.apply(text, { keyMask: textMask, context: image }, ctx).last;
  }
}
