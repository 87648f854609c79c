/**
 * A vision-language model assembled from the one core by a typed config: image and text towers
 * (optionally sharing one core), projections, a learned temperature, and the optional fusion,
 * cross-modality, single-stream and decoder modules the objectives ask for.
 */
import * as tf from '@tensorflow/tfjs';
import { ForwardContext, Linear, ParamStore, TransformerEncoder, TypeEmbedding, tokenAt } from '../core';
import { CaptionDecoder, ItmHead, LogitScale, PixelDecoder, Projection, TokenClassifier } from '../heads';
import { Rng } from '../random';
import { ModelConfig, ModelConfigInput, TextSpec, lmShape, parseModelConfig, textShape } from './config';
import { CausalLm } from './causal_lm';
import { QFormer } from './qformer';
import { CrossModalEncoders, FusionEncoder } from './fusion';
import type { FrozenTextEncoder } from './frozen_text';
import { ImageEncodeOptions, ImageEncoding, ImageTower } from './image_tower';
import { ModuleName, moduleConfigHint } from './modules';
import { TextEncoding, TextTower } from './text_tower';

export interface JointEncoding {
  /** [B, 1+K, D] CLS + visible patch states. */
  image: tf.Tensor3D;
  /** [B, T, D] text states. */
  text: tf.Tensor3D;
}

export class VisionLanguageModel {
  readonly cfg: ModelConfig;
  readonly store: ParamStore;
  readonly image: ImageTower;
  readonly text: TextTower;
  readonly imageProj: Projection;
  readonly textProj: Projection;
  readonly logit: LogitScale;
  readonly fusion: FusionEncoder | null = null;
  readonly cross: CrossModalEncoders | null = null;
  readonly types: TypeEmbedding | null = null;
  readonly pixelDecoder: PixelDecoder | null = null;
  readonly mimHead: Linear | null = null;
  readonly mmmImageHead: Linear | null = null;
  readonly mlmHead: TokenClassifier | null = null;
  readonly mmmTextHead: TokenClassifier | null = null;
  readonly itmHead: ItmHead | null = null;
  readonly captionDecoder: CaptionDecoder | null = null;
  /** LiT: projection of the frozen tower's sentence embeddings into the joint space. */
  readonly litProj: Projection | null = null;
  /** LiT: the frozen pretrained text tower, attached after construction (it loads asynchronously). */
  frozenText: FrozenTextEncoder | null = null;
  /** The small causal LM (`lm.*`), frozen when bridged to images. */
  readonly lm: CausalLm | null = null;
  /** Frozen: pooled image feature [B, Di] -> K prefix embeddings, flat [B, K·Dlm]; MiniGPT-4 ('all'): each image state [.., Di] -> [.., Dlm]. */
  readonly prefix: Linear | null = null;
  /** BLIP-2's Q-Former. */
  readonly qformer: QFormer | null = null;
  /** Non-trainable k-means codebook [K, P] for discrete MIM targets (fitted by the objective). */
  readonly codebook: tf.Variable | null = null;

  constructor(config: ModelConfigInput | ModelConfig, readonly textSpec: TextSpec, seed: number) {
    const cfg = (this.cfg = parseModelConfig(config));
    const store = (this.store = new ParamStore(new Rng(seed).fork('init')));
    const ts = textShape(cfg);
    const block = { mlpRatio: cfg.mlpRatio, dropout: cfg.dropout };
    const imageEncoder = new TransformerEncoder(store, cfg.shareCore ? 'core' : 'image.enc', {
      dim: cfg.width,
      heads: cfg.heads,
      depth: cfg.depth,
      ...block,
    });
    if ((cfg.shareCore || cfg.singleStream) && ts.width !== cfg.width) {
      throw new Error(`model.shareCore/singleStream need text.width (${ts.width}) == width (${cfg.width})`);
    }
    // M3AE's single stream is one core for both modalities, in training and in eval
    if (cfg.singleStream) this.types = new TypeEmbedding(store, 'stream', 2, cfg.width);
    const modality = (id: number) => (this.types ? { types: this.types, id } : undefined);
    const textEncoder = cfg.shareCore || cfg.singleStream
      ? imageEncoder
      : new TransformerEncoder(store, 'text.enc', { dim: ts.width, heads: ts.heads, depth: ts.depth, ...block });
    this.image = new ImageTower(
      store,
      'image',
      {
        imageSize: cfg.imageSize,
        patchSize: cfg.patchSize,
        channels: cfg.channels,
        width: cfg.width,
        pooling: cfg.imagePooling,
        positions: cfg.imagePositions,
      },
      imageEncoder,
      modality(0),
    );
    this.text = new TextTower(store, 'text', { vocabSize: textSpec.vocabSize, width: ts.width, maxLen: ts.maxLen, pooling: 'cls' }, textEncoder, modality(1));
    this.imageProj = new Projection(store, 'imageProj', cfg.width, cfg.embedDim);
    this.textProj = new Projection(store, 'textProj', ts.width, cfg.embedDim);
    this.logit = new LogitScale(store, 'logit', cfg.initLogitScale, cfg.logitBias ? cfg.initLogitBias : null);

    if (cfg.textTower.kind === 'use') this.litProj = new Projection(store, 'lit.textProj', cfg.textTower.dim, cfg.embedDim);
    const grid = cfg.imageSize / cfg.patchSize;
    const patchValues = cfg.patchSize * cfg.patchSize * cfg.channels;
    const fusionWidth = cfg.fusion?.width ?? cfg.width;
    if (cfg.fusion) {
      this.fusion = new FusionEncoder(store, 'fusion', cfg.width, ts.width, fusionWidth, cfg.fusion.depth, cfg.heads, cfg.mlpRatio);
    }
    if (cfg.cross) this.cross = new CrossModalEncoders(store, 'cross', cfg.width, ts.width, cfg.cross.depth, cfg.heads, cfg.mlpRatio);
    if (cfg.pixelDecoder) {
      this.pixelDecoder = new PixelDecoder(store, 'pixelDecoder', { inDim: cfg.width, grid, patchValues, ...cfg.pixelDecoder });
    }
    if (cfg.mimTokens) {
      const K = cfg.mimTokens.codebookSize;
      this.codebook = store.get('mim.codebook', [K, patchValues], { kind: 'zeros' }, { trainable: false, decay: false });
      this.mimHead = new Linear(store, 'mim.head', cfg.width, K);
      if (cfg.fusion) this.mmmImageHead = new Linear(store, 'mmm.imageHead', fusionWidth, K);
    }
    if (cfg.mlmHead) {
      this.mlmHead = new TokenClassifier(store, 'mlm.head', ts.width, textSpec.vocabSize);
      if (cfg.fusion) this.mmmTextHead = new TokenClassifier(store, 'mmm.textHead', fusionWidth, textSpec.vocabSize);
    }
    if (cfg.itmHead) {
      if (!cfg.fusion && !cfg.cross) throw new Error('model.itmHead needs model.fusion or model.cross (ITM classifies a joint state)');
      this.itmHead = new ItmHead(store, 'itm', cfg.fusion ? fusionWidth : cfg.width);
    }
    if (cfg.captionDecoder) {
      this.captionDecoder = new CaptionDecoder(store, 'caption', {
        width: ts.width,
        imageWidth: cfg.width,
        depth: cfg.captionDecoder.depth,
        heads: ts.heads,
        vocabSize: textSpec.vocabSize,
        mlpRatio: cfg.mlpRatio,
      });
    }
    const lm = lmShape(cfg);
    if (lm) this.lm = new CausalLm(store, { vocabSize: textSpec.vocabSize, mlpRatio: cfg.mlpRatio, ...lm });
    if ((cfg.prefix || cfg.qformer) && !this.lm) throw new Error('model.prefix and model.qformer feed an LM: set model.lm too (e.g. model.lm: {})');
    if (cfg.prefix && lm) this.prefix = new Linear(store, 'prefix.proj', cfg.width, cfg.prefix.tokens === 'all' ? lm.width : cfg.prefix.tokens * lm.width);
    if (cfg.qformer && lm) {
      this.qformer = new QFormer(store, {
        ...cfg.qformer,
        width: ts.width,
        heads: ts.heads,
        imageWidth: cfg.width,
        embedDim: cfg.embedDim,
        vocabSize: textSpec.vocabSize,
        lmWidth: lm.width,
        mlpRatio: cfg.mlpRatio,
      });
    }
  }

  has(module: ModuleName): boolean {
    const modules: Record<ModuleName, unknown> = {
      fusion: this.fusion,
      cross: this.cross,
      singleStream: this.types,
      pixelDecoder: this.pixelDecoder,
      mimTokens: this.mimHead,
      mlmHead: this.mlmHead,
      itmHead: this.itmHead,
      captionDecoder: this.captionDecoder,
      logitBias: this.logit.bias,
      frozenText: this.frozenText && this.litProj,
      lm: this.lm,
      prefix: this.prefix,
      qformer: this.qformer,
    };
    return modules[module] != null;
  }

  /** Throw, naming every missing module and the config key that adds it. */
  requireModules(who: string, modules: readonly ModuleName[]): void {
    const missing = modules.filter((m) => !this.has(m));
    if (missing.length) {
      const how = missing.map((m) => `${m} (set ${moduleConfigHint(m)})`).join(', ');
      throw new Error(`objective '${who}' needs model modules the model lacks: ${how}`);
    }
  }

  get numPatches(): number {
    return this.image.numPatches;
  }

  encodeImage(images: tf.Tensor4D, opts: ImageEncodeOptions, ctx: ForwardContext): ImageEncoding {
    return this.image.encode(images, opts, ctx);
  }

  encodeText(ids: tf.Tensor2D, attention: tf.Tensor2D, ctx: ForwardContext): TextEncoding {
    return this.text.encode(ids, attention, ctx);
  }

  /** Unit-norm joint-space embeddings: images [B,H,W,C] -> [B, E]. */
  embedImages(images: tf.Tensor4D, ctx: ForwardContext, opts: ImageEncodeOptions = {}): tf.Tensor2D {
    return this.imageProj.apply(this.encodeImage(images, opts, ctx).pooled);
  }

  /** Unit-norm joint-space embeddings: ids [B,T], attention [B,T] -> [B, E]. */
  embedTexts(ids: tf.Tensor2D, attention: tf.Tensor2D, ctx: ForwardContext): tf.Tensor2D {
    return this.textProj.apply(this.encodeText(ids, attention, ctx).pooled);
  }

  /**
   * M3AE single stream: one core over [CLS; visible patches + type 0; tokens + type 1], the
   * towers' own input embeddings (which add the type), so encodeImage/encodeText (eval) embed
   * each modality exactly as training does. images [B,H,W,C], keep int32 [B,K], ids [B,T], attention [B,T].
   */
  encodeJoint(images: tf.Tensor4D, keep: tf.Tensor2D | undefined, ids: tf.Tensor2D, attention: tf.Tensor2D, ctx: ForwardContext): JointEncoding {
    if (!this.types) throw new Error('encodeJoint needs model.singleStream: true');
    const img = this.image.cls.prepend(this.image.visibleTokens(images, { keep }));
    const txt = this.text.embed(ids);
    const [B, Li] = img.shape;
    const T = txt.shape[1];
    const keyMask = tf.concat([tf.ones([B, Li]), attention.toFloat()], 1) as tf.Tensor2D;
    const h = this.image.encoder.apply(tf.concat([img, txt], 1) as tf.Tensor3D, { keyMask }, ctx).last;
    const D = h.shape[2];
    return { image: h.slice([0, 0, 0], [B, Li, D]), text: h.slice([0, Li, 0], [B, T, D]) };
  }

  /** Clamp the temperature after every optimizer step. */
  afterStep(): void {
    this.logit.clamp();
  }

  /**
   * ITM logits [B, 2] (index 1 = matched) of image states [B, Li, Di] with text states [B, T, Dt]:
   * the fused CLS (FLAVA) or the image CLS after cross-attending to the text (MaskVLM).
   */
  itmLogits(image: tf.Tensor3D, text: tf.Tensor3D, textMask: tf.Tensor2D, ctx: ForwardContext): tf.Tensor2D {
    if (!this.itmHead) throw new Error('itmLogits needs model.itmHead');
    const joint = this.fusion
      ? this.fusion.apply(image, text, textMask, ctx).pooled
      : tokenAt(this.cross!.image(image, text, textMask, ctx), 0);
    return this.itmHead.apply(joint);
  }

  /**
   * How this model writes captions: through the frozen LM from Q-Former soft prompts (BLIP-2 stage
   * 2) or from linear prefix embeddings (Frozen / MiniGPT-4), with the CoCa caption decoder, or
   * the LM alone (unconditional: one caption for every image); null when it cannot.
   */
  get captioner(): 'qformer' | 'prefix' | 'decoder' | 'lm' | null {
    if (this.lm && this.qformer) return 'qformer';
    if (this.lm && this.prefix) return 'prefix';
    if (this.captionDecoder) return 'decoder';
    return this.lm ? 'lm' : null;
  }

  /**
   * What a caption is conditioned on, computed once per image batch: images [B, H, W, C] -> LM
   * prefix embeddings [B, K, Dlm] ('qformer', 'prefix'), image states [B, 1+N, Di] ('decoder'), or
   * null ('lm').
   */
  captionContext(images: tf.Tensor4D, ctx: ForwardContext): tf.Tensor3D | null {
    const kind = this.captioner;
    if (kind === null) throw new Error('this model cannot caption: it has no model.lm (with model.prefix or model.qformer) and no model.captionDecoder');
    if (kind === 'lm') return null;
    const image = this.encodeImage(images, {}, ctx);
    if (kind === 'decoder') return image.hidden;
    if (kind === 'qformer') return this.softPrompts(this.qformer!.apply(image.hidden, ctx).queries);
    const K = this.cfg.prefix!.tokens;
    if (K === 'all') return this.prefix!.apply(image.hidden) as tf.Tensor3D; // [B, 1+N, Di] -> [B, 1+N, Dlm]
    return this.prefix!.apply(image.pooled).reshape([image.pooled.shape[0], K, this.lm!.width]) as tf.Tensor3D; // [B, K·Dlm] -> [B, K, Dlm]
  }

  /** BLIP-2 stage 2: Q-Former query outputs [B, Nq, D] -> soft prompts of the LM [B, Nq, Dlm]. */
  softPrompts(queries: tf.Tensor3D): tf.Tensor3D {
    return this.qformer!.lmProj.apply(queries) as tf.Tensor3D;
  }

  /** Next-token logits [B, T, V] of caption ids int32 [B, T] (attention [B, T]) given `captionContext`'s output. */
  captionLogits(context: tf.Tensor3D | null, ids: tf.Tensor2D, attention: tf.Tensor2D, ctx: ForwardContext): tf.Tensor3D {
    if (this.captioner === 'decoder') return this.captionDecoder!.apply(this.text.embed(ids), context, attention, ctx);
    if (!this.lm) throw new Error('captionLogits: this model has no caption decoder and no model.lm');
    return this.lm.apply(context, ids, attention, ctx);
  }

  /** Attach the loaded frozen text tower (model.textTower.kind 'use'). */
  attachFrozenText(encoder: FrozenTextEncoder): void {
    if (!this.litProj) throw new Error('attachFrozenText needs model.textTower: { kind: "use" }');
    if (encoder.dim !== this.litProj.proj.inDim) {
      throw new Error(`frozen text tower gives [B, ${encoder.dim}] but model.textTower.dim is ${this.litProj.proj.inDim}`);
    }
    this.frozenText = encoder;
  }

  /** LiT: unit-norm joint-space embeddings [B, E] of captions embedded before by the frozen tower. */
  embedFrozenTexts(captions: readonly string[]): tf.Tensor2D {
    if (!this.frozenText || !this.litProj) throw new Error('embedFrozenTexts needs a frozen text tower (model.textTower.kind "use")');
    return this.litProj.apply(this.frozenText.lookup(captions));
  }

  dispose(): void {
    this.store.dispose();
    this.frozenText?.dispose();
  }
}
