/**
 * A model exported by `mvlm export` (lib/interop/README.md), rebuilt from its three files' contents:
 * mvlm's own towers and projections (lib/models), their weights read back from the PyTorch names
 * and layouts, and mvlm's tokenizer. No I/O here: ./fetch_export.ts fetches the files in a browser,
 * and Node callers read them from disk.
 */
import * as tf from '@tensorflow/tfjs';
import { EVAL } from '../core';
import { encodeCaptions } from '../data/encode_captions';
import { SubwordCodec, TokenizerJSON } from '../data/subword';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, ExportConfig } from '../interop/export_config';
import { fromExportLayout, weightMap } from '../interop/weight_map';
import { parseJson } from '../io/json_text';
import { decodeSafetensors } from '../io/safetensors';
import { ModelConfigInput, runModelConfig, textSpecOf } from '../models/config';
import { VisionLanguageModel } from '../models/vlm';

/** The contents of an export folder's config.json and tokenizer.json (text) and model.safetensors (bytes). */
export interface ExportFiles {
  config: string;
  tokenizer: string;
  weights: Uint8Array;
}

/** The run config fields the rebuild reads from config.json's `training`. */
interface TrainingFacts {
  model: ModelConfigInput;
  data: { maxLen: number };
}

/** Only the towers and projections: the training-only modules are not exported (and not needed to embed). */
function towersOnly(model: ModelConfigInput): ModelConfigInput {
  return { ...model, fusion: null, cross: null, pixelDecoder: null, mimTokens: null, mlmHead: false, itmHead: false, captionDecoder: null };
}

function checkConfig(raw: unknown, file: string): ExportConfig & { training: TrainingFacts } {
  const cfg = raw as Partial<ExportConfig> | null;
  if (cfg?.format !== EXPORT_FORMAT || cfg.format_version !== EXPORT_FORMAT_VERSION) {
    throw new Error(`${file}: not an mvlm export of format ${EXPORT_FORMAT} version ${EXPORT_FORMAT_VERSION} (format ${JSON.stringify(cfg?.format)}, version ${JSON.stringify(cfg?.format_version)})`);
  }
  const training = cfg.training as Partial<TrainingFacts> | undefined;
  if (!training?.model || !Number.isInteger(training.data?.maxLen)) throw new Error(`${file}: training.model and training.data.maxLen are missing`);
  return cfg as ExportConfig & { training: TrainingFacts };
}

export class ExportedModel {
  constructor(
    readonly config: ExportConfig,
    readonly tokenizer: SubwordCodec,
    readonly model: VisionLanguageModel,
  ) {}

  /** Side of the square images the image tower takes. */
  get imageSize(): number {
    return this.config.vision.image_size;
  }

  /** Width E of the joint space. */
  get embedDim(): number {
    return this.config.embed_dim;
  }

  /** Unit-norm joint-space embeddings [B, E] of images [B, S, S, 3] with values in [0, 1]. */
  embedImages(pixels: tf.Tensor4D): tf.Tensor2D {
    const [, H, W, C] = pixels.shape;
    const S = this.imageSize;
    if (H !== S || W !== S || C !== this.config.vision.channels) {
      throw new Error(`embedImages: pixels are [${pixels.shape}], the model takes [B, ${S}, ${S}, ${this.config.vision.channels}]`);
    }
    return tf.tidy(() => this.model.embedImages(pixels, EVAL));
  }

  /** Unit-norm joint-space embeddings [B, E] of captions, tokenized as mvlm does. */
  embedTexts(captions: string[]): tf.Tensor2D {
    return tf.tidy(() => {
      const { ids, attention } = encodeCaptions(this.tokenizer, captions, this.config.text.max_length);
      return this.model.embedTexts(ids, attention, EVAL);
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Rebuild an exported model from its files' contents; `source` (the folder or URL) names the file at
 * fault in every error.
 */
export function exportedModelFromFiles(files: ExportFiles, source = 'export'): ExportedModel {
  const config = checkConfig(parseJson(files.config, `${source}/config.json`), `${source}/config.json`);
  let tokenizer: SubwordCodec;
  try {
    tokenizer = SubwordCodec.fromJSON(parseJson(files.tokenizer, `${source}/tokenizer.json`) as TokenizerJSON);
  } catch (e) {
    throw new Error(`${source}/tokenizer.json: ${(e as Error).message}`);
  }
  const weights = decodeSafetensors(files.weights, `${source}/model.safetensors`);
  const { model: modelConfig, data } = config.training;
  const model = new VisionLanguageModel(towersOnly(runModelConfig(modelConfig, data.maxLen)), textSpecOf(tokenizer), 0);
  try {
    const exported = new Map<string, Float32Array>();
    for (const [name, t] of weights.tensors) {
      if (t.dtype !== 'F32') throw new Error(`tensor ${name} is ${t.dtype}, the format stores F32`);
      exported.set(name, t.data as Float32Array);
    }
    const shapes = new Map(model.store.list().map((p) => [p.name, p.variable.shape]));
    for (const [name, values] of fromExportLayout(weightMap(model.cfg, tokenizer.vocabSize), exported, shapes)) {
      const v = model.store.variable(name);
      tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
    }
    return new ExportedModel(config, tokenizer, model);
  } catch (e) {
    model.dispose();
    throw new Error(`${source}/model.safetensors: ${(e as Error).message}`);
  }
}
