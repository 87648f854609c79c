/**
 * `mvlm export`: a checkpoint as a Hugging Face–style folder (config.json, model.safetensors with
 * PyTorch names and layouts, tokenizer.json, README.md) that python/mvlm_reference.py loads.
 */
import * as fs from 'fs';
import * as path from 'path';
import { validateConfig } from '../config';
import { writing } from '../io/write_error';
import { ExperimentConfig, ExperimentConfigSchema, loadTrainedModel, resolveCheckpoint } from '../run';
import { METRICS_FILE, MetricsLine, STTensor, encodeSafetensors, readCheckpointState, readMetrics } from '../train';
import { packageVersion } from '../version';
import { CARD_FILE, CONFIG_FILE, ExportConfig, TOKENIZER_FILE, WEIGHTS_FILE, exportConfig, exportTokenizer } from './export_config';
import { modelCard } from './model_card';
import { toExportLayout, weightMap } from './weight_map';

/** Why a config cannot be exported, or null when it can. */
export function unexportable(config: ExperimentConfig): string | null {
  if (config.model.textTower.kind === 'use') {
    return (
      'its text tower is the frozen Universal Sentence Encoder (LiT, model.textTower.kind "use"): a TensorFlow.js graph ' +
      'model mvlm loads from local files and never trains, with its own SentencePiece vocabulary; re-implementing it in ' +
      'PyTorch is out of scope. Use `mvlm embed` for its embeddings, or export a model with the scratch text tower'
    );
  }
  return null;
}

export interface ExportResult {
  dir: string;
  checkpoint: string;
  step: number;
  config: ExportConfig;
  tensors: number;
  bytes: number;
}

/** The metrics.jsonl line of `step` of the run that holds checkpoint `dir` (`RUN/checkpoints/step-N`), if any. */
function loggedAt(dir: string, step: number): MetricsLine | undefined {
  const file = path.join(dir, '..', '..', METRICS_FILE);
  if (!fs.existsSync(file)) return undefined;
  return readMetrics(file).find((l) => l.step === step);
}

/** Export checkpoint (or run folder) `checkpoint` into folder `out` (created; the four files overwritten). */
export async function exportCheckpoint(checkpoint: string, out: string): Promise<ExportResult> {
  const dir = resolveCheckpoint(checkpoint);
  const config = validateConfig(ExperimentConfigSchema, readCheckpointState(dir).config, path.join(dir, 'state.json'));
  const why = unexportable(config);
  if (why) throw new Error(`mvlm export: ${dir} cannot be exported: ${why}`);
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new Error(`mvlm export: --out ${out} is a file, not a folder`);
  const trained = await loadTrainedModel(dir);
  try {
    const { model, tokenizer } = trained;
    const tensors = new Map<string, STTensor>();
    for (const e of weightMap(model.cfg, tokenizer.vocabSize)) {
      const v = model.store.variable(e.source);
      tensors.set(e.name, { dtype: 'F32', shape: e.shape, data: toExportLayout(e, (await v.data()) as Float32Array, v.shape) });
    }
    const cfg = exportConfig({
      model: model.cfg,
      tokenizer,
      maxLen: config.data.maxLen,
      jointSpaceTrained: trained.objectives.trainsJointSpace,
      step: trained.step,
      source: dir,
      training: config,
      mvlmVersion: packageVersion(),
    });
    const logScale = tensors.get('logit_scale')!.data[0];
    const bias = tensors.get('logit_bias')?.data[0];
    const logged = loggedAt(dir, trained.step);
    const weights = encodeSafetensors(tensors, { format: 'pt', mvlm_format: cfg.format, mvlm_format_version: String(cfg.format_version), step: String(trained.step) });
    const files: [string, string | Uint8Array][] = [
      [CONFIG_FILE, JSON.stringify(cfg, null, 2) + '\n'],
      [WEIGHTS_FILE, weights],
      [TOKENIZER_FILE, JSON.stringify(exportTokenizer(tokenizer, config.data.maxLen))],
      [CARD_FILE, modelCard({ config: cfg, experiment: config, logged, logit: { scale: Math.exp(logScale), bias } })],
    ];
    const when = `mvlm export of ${dir}`;
    writing(out, when, () => fs.mkdirSync(out, { recursive: true }));
    for (const [name, data] of files) writing(path.join(out, name), when, () => fs.writeFileSync(path.join(out, name), data));
    return { dir: out, checkpoint: dir, step: trained.step, config: cfg, tensors: tensors.size, bytes: weights.length };
  } finally {
    trained.model.dispose();
  }
}
